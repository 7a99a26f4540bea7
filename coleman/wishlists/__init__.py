"""Wishlists and back-in-stock alerts: customers keep named lists of products, move them to
the cart, share a list by a private link, and ask to be emailed when a product is back."""
