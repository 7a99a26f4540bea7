"""The gateway sandbox's own settings and their defaults (``COLEMAN_SANDBOX_*``).

They describe the fake services, not the store: which merchant accounts each service accepts
and how it behaves. The store's side (credentials, endpoints) is configured on the processors;
``ecommerce_book/settings/dev.py`` and ``test.py`` give them the accounts below. A new fake
service adds its keys here, prefixed with its name. Use as::

    from coleman.payments.sandbox.conf import sandbox_settings
    sandbox_settings.GOOGLE_ACCOUNTS   # settings.COLEMAN_SANDBOX_GOOGLE_ACCOUNTS or the default
"""

from coleman.conf import ColemanSettings

DEFAULTS = {
    # --- Google Checkout ------------------------------------------------------------------
    # Merchant id -> merchant key the sandbox accepts (for the hand-off signature, the Order
    # Processing API's Basic auth, and its own notifications to the store).
    "GOOGLE_ACCOUNTS": {"1234567890": "sandbox-google-merchant-key-not-secret"},
    # Charge a chargeable order at once (Google's "automatically charge" Merchant Center
    # option); False leaves it to the store's staff "Charge" action.
    "GOOGLE_AUTO_CHARGE": True,
    # The store's notification URL ("" = this site's payments:google:notify).
    "GOOGLE_CALLBACK_URL": "",
    # The buyer the sandbox reports in new-order notifications (a made-up address).
    "GOOGLE_BUYER": {
        "name": "Sandy Buyer",
        "email": "sandbox-buyer@example.com",
        "line1": "1 Sandbox Lane",
        "city": "Wareham",
        "state": "MA",
        "postal_code": "02571",
        "country": "US",
    },
    # --- Amazon FPS -----------------------------------------------------------------------
    # Access key -> secret key of the merchants the sandbox accepts.
    "AMAZON_ACCOUNTS": {"SANDBOX-AMAZON-ACCESS-KEY": "sandbox-amazon-secret-key-not-secret"},
    # Post an IPN (signed RSA-SHA1) to the store for each transaction, from a background thread;
    # off, the IPNs are only kept in the sandbox's history. The URL ("" = this site's
    # payments:amazon:callback) is the merchant account's IPN setting at Amazon.
    "AMAZON_SEND_IPN": False,
    "AMAZON_IPN_URL": "",
    # --- PayPal ---------------------------------------------------------------------------
    # API user -> password, signature and the account's email (the IPN receiver).
    "PAYPAL_ACCOUNTS": {
        "sandbox-merchant_api1.example.com": {
            "password": "sandbox-password-not-secret",
            "signature": "sandbox-signature-not-secret",
            "email": "sandbox-merchant@example.com",
        }
    },
    # Post IPNs to the store after a payment (in a background thread, resent until answered 200).
    "PAYPAL_SEND_IPN": True,
    # The charset IPNs are encoded in and name in their `charset` field: PayPal's default for
    # an account was windows-1252 (a seller could choose UTF-8 in the profile).
    "PAYPAL_IPN_CHARSET": "windows-1252",
    # The buyer who approves payments (a made-up person; the accent tests the charset).
    "PAYPAL_BUYER": {
        "first_name": "José",
        "last_name": "Buyer",
        "email": "sandbox-buyer@example.com",
        "country": "US",
    },
    # --- Stripe Checkout --------------------------------------------------------------------
    # Secret API key -> the account's webhook endpoint: its signing secret, and its URL
    # ("" = this site's payments:stripe:webhook, made absolute against the API request).
    "STRIPE_ACCOUNTS": {
        "sk_test_sandbox_not_secret": {"webhook_secret": "whsec_sandbox_not_secret", "webhook_url": ""},
    },
    # Post events (checkout.session.completed…) to the webhook; False keeps them in the history only.
    "STRIPE_SEND_WEBHOOKS": True,
    # --- Salesforce (REST API) -------------------------------------------------------------
    # The users it accepts, the objects and fields of its org
    # (type, length, required, external id), and the default query batch size.
    "SALESFORCE_ACCOUNTS": {
        "sandbox-sync@coleman.example": {
            "password": "sandbox-password-not-secret",
            "security_token": "sandboxtoken",
            "consumer_key": "sandbox-consumer-key",
            "consumer_secret": "sandbox-consumer-secret-not-secret",
        }
    },
    "SALESFORCE_OBJECTS": {
        "Merchandise__c": {
            "Name": {"type": "string", "length": 80, "required": True},
            "price_in_dollars__c": {"type": "currency"},
            "Description__c": {"type": "textarea", "length": 32768},
            "Slug__c": {"type": "string", "length": 150},
            "Active__c": {"type": "boolean"},
            "Coleman_Id__c": {"type": "string", "length": 40, "external_id": True},
        },
        "Contact": {
            "FirstName": {"type": "string", "length": 40},
            "LastName": {"type": "string", "length": 80, "required": True},
            "Email": {"type": "email", "length": 80},
            "Phone": {"type": "phone", "length": 40},
            "Coleman_Id__c": {"type": "string", "length": 40, "external_id": True},
        },
        "Coleman_Order__c": {
            "Name": {"type": "string", "length": 80, "required": True},
            "Status__c": {"type": "string", "length": 40},
            "Total__c": {"type": "currency"},
            "Currency__c": {"type": "string", "length": 3},
            "Placed_At__c": {"type": "datetime"},
            "Customer_Email__c": {"type": "email", "length": 80},
            "Coleman_Id__c": {"type": "string", "length": 40, "external_id": True},
        },
    },
    "SALESFORCE_QUERY_BATCH": 2000,
}


#: ``sandbox_settings.GOOGLE_ACCOUNTS`` reads ``COLEMAN_SANDBOX_GOOGLE_ACCOUNTS`` when used.
sandbox_settings = ColemanSettings(DEFAULTS, prefix="COLEMAN_SANDBOX_")

__all__ = ["DEFAULTS", "sandbox_settings"]
