"""The gateway sandbox: plays Google Checkout, Amazon FPS and PayPal locally (dev and test only)."""
