"""Gateway documents for the tests, written here from the services' documentation (not with the
store's protocol code): Google notifications, HTTP Basic credentials, AWS signatures.
"""

import base64
import hashlib
import hmac
from urllib.parse import quote

MERCHANT_ID = "1234567890"
MERCHANT_KEY = "sandbox-google-merchant-key-not-secret"  # noqa: S105 - the sandbox's dev/test key
NOTIFY_URL = "/payments/google/notify/"


def basic(user, password):
    """An HTTP Basic ``Authorization`` header value, built here independently of the app."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


GOOD_AUTH = basic(MERCHANT_ID, MERCHANT_KEY)


def aws_signature(secret, method, host, path, params):
    """AWS Signature Version 2 (HmacSHA256, base64) of ``params``, written out from Amazon's guide."""
    pairs = sorted(
        (quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in params.items() if k not in ("signature", "Signature")
    )
    message = f"{method}\n{host}\n{path}\n" + "&".join(f"{k}={v}" for k, v in pairs)
    return base64.b64encode(hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()).decode()


BUYER_ADDRESS = """<contact-name>Ada Lovelace</contact-name><email>ada@example.com</email>
    <address1>12 Bog Road</address1><city>Wareham</city><region>MA</region>
    <postal-code>02571</postal-code><country-code>US</country-code>"""
TIMESTAMP = "<timestamp>2010-05-20T18:06:05.000Z</timestamp>"


def new_order_xml(order_number, *, serial="serial-1", google_number="841171949013218", total="30.50", currency="USD"):
    """A new-order-notification as Google sent it (one item; valid against the Checkout API schema)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<new-order-notification xmlns="http://checkout.google.com/schema/2" serial-number="{serial}">
  <google-order-number>{google_number}</google-order-number>
  <buyer-id>294873009217523</buyer-id>
  <buyer-shipping-address>{BUYER_ADDRESS}</buyer-shipping-address>
  <buyer-billing-address>{BUYER_ADDRESS}</buyer-billing-address>
  <buyer-marketing-preferences><email-allowed>false</email-allowed></buyer-marketing-preferences>
  <shopping-cart>
    <merchant-private-data><merchant-note>{order_number}</merchant-note></merchant-private-data>
    <items><item><item-name>Dried cranberries</item-name><item-description>A bag</item-description>
    <unit-price currency="USD">10.00</unit-price><quantity>2</quantity></item></items>
  </shopping-cart>
  <order-adjustment><shipping><flat-rate-shipping-adjustment>
    <shipping-name>Flat rate</shipping-name><shipping-cost currency="USD">5.00</shipping-cost>
  </flat-rate-shipping-adjustment></shipping></order-adjustment>
  <order-total currency="{currency}">{total}</order-total>
  <fulfillment-order-state>NEW</fulfillment-order-state>
  <financial-order-state>REVIEWING</financial-order-state>
  {TIMESTAMP}
</new-order-notification>""".encode()


def state_change_xml(*, serial, financial, google_number="841171949013218", fulfillment="NEW"):
    """An order-state-change-notification."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<order-state-change-notification xmlns="http://checkout.google.com/schema/2" serial-number="{serial}">
  <google-order-number>{google_number}</google-order-number>
  <new-financial-order-state>{financial}</new-financial-order-state>
  <new-fulfillment-order-state>{fulfillment}</new-fulfillment-order-state>
  <previous-financial-order-state>REVIEWING</previous-financial-order-state>
  <previous-fulfillment-order-state>NEW</previous-fulfillment-order-state>
  {TIMESTAMP}
</order-state-change-notification>""".encode()


def amount_xml(kind, *, serial, latest, total, google_number="841171949013218"):
    """A charge-amount / refund-amount / chargeback-amount notification."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{kind}-amount-notification xmlns="http://checkout.google.com/schema/2" serial-number="{serial}">
  <google-order-number>{google_number}</google-order-number>
  <latest-{kind}-amount currency="USD">{latest}</latest-{kind}-amount>
  <total-{kind}-amount currency="USD">{total}</total-{kind}-amount>
  {TIMESTAMP}
</{kind}-amount-notification>""".encode()
