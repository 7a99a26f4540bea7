"""The shopping cart: plain JSON in the session, products read from the database."""
