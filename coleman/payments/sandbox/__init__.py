"""The gateway sandbox: plays Google Checkout, Amazon FPS, PayPal and Stripe locally (dev and test only).

It is only a server: the store's processors reach it over HTTP at the endpoints the dev and
test settings give them, exactly as they reach the real services, and it imports none of
their code (signatures, documents and parsing are written again here, from the services'
documentation). Its own settings are in :mod:`.conf`; the services it plays are listed in
:mod:`.urls`.
"""
