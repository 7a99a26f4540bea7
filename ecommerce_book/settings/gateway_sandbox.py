"""Payments pointed at this site's gateway sandbox: shared by the dev and test settings, never production.

``from .gateway_sandbox import *`` after ``base`` installs the sandbox app (mounted at
``/sandbox/``), allows sandbox endpoints (``COLEMAN_PAYMENTS_ALLOW_SANDBOX``), gives the
processors the merchant accounts the sandbox accepts (its defaults in
``coleman/payments/sandbox/conf.py``) and points the pages the shopper's browser opens at this
site. The importing module then sets the server-to-server endpoints, which need this site's
absolute address: ``COLEMAN_GOOGLE_API_BASE``, ``COLEMAN_AMAZON_FPS_ENDPOINT``,
``COLEMAN_PAYPAL_NVP_ENDPOINT``, ``COLEMAN_PAYPAL_IPN_POSTBACK_URL`` and ``COLEMAN_STRIPE_API_BASE``
(the ``stripe`` library's api_base).
"""

from .base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "coleman.payments.sandbox"]
COLEMAN_PAYMENTS_ALLOW_SANDBOX = True

COLEMAN_GOOGLE_MERCHANT_ID = "1234567890"
COLEMAN_GOOGLE_MERCHANT_KEY = "sandbox-google-merchant-key-not-secret"  # noqa: S105 - the sandbox's test account
COLEMAN_AMAZON_ACCESS_KEY = "SANDBOX-AMAZON-ACCESS-KEY"
COLEMAN_AMAZON_SECRET_KEY = "sandbox-amazon-secret-key-not-secret"  # noqa: S105 - the sandbox's test account
COLEMAN_PAYPAL_API_USER = "sandbox-merchant_api1.example.com"
COLEMAN_PAYPAL_API_PASSWORD = "sandbox-password-not-secret"  # noqa: S105 - the sandbox's test account
COLEMAN_PAYPAL_API_SIGNATURE = "sandbox-signature-not-secret"
COLEMAN_PAYPAL_RECEIVER_EMAIL = "sandbox-merchant@example.com"
COLEMAN_STRIPE_SECRET_KEY = "sk_test_sandbox_not_secret"  # noqa: S105 - the sandbox's test account
COLEMAN_STRIPE_WEBHOOK_SECRET = "whsec_sandbox_not_secret"  # noqa: S105 - the sandbox's test account

# Pages the shopper's browser opens: this site's sandbox pages, relative to whatever host the
# shopper uses (the processors make them absolute against the request).
COLEMAN_AMAZON_CBUI_ENDPOINT = "/sandbox/amazon/cbui/"
COLEMAN_PAYPAL_APPROVAL_URL = "/sandbox/paypal/webscr/"

# Salesforce sync (manage.py salesforce_sync) logs in as the sandbox's integration user; the
# importing module points COLEMAN_SALESFORCE_LOGIN_URL at this site's /sandbox/salesforce.
COLEMAN_SALESFORCE_USERNAME = "sandbox-sync@coleman.example"
COLEMAN_SALESFORCE_PASSWORD = "sandbox-password-not-secret"  # noqa: S105 - the sandbox's test account
COLEMAN_SALESFORCE_SECURITY_TOKEN = "sandboxtoken"  # noqa: S105 - the sandbox's test account
COLEMAN_SALESFORCE_CONSUMER_KEY = "sandbox-consumer-key"
COLEMAN_SALESFORCE_CONSUMER_SECRET = "sandbox-consumer-secret-not-secret"  # noqa: S105 - the sandbox's test account
