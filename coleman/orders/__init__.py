"""Orders: the order a cart becomes, its status pipeline, shipping and the customer's order pages."""
