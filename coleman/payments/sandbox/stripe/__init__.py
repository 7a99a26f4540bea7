"""Stripe Checkout, played locally: the API the ``stripe`` library calls (``api``), the hosted
payment page (``pages``) and signed webhooks (``webhooks``).

The store's settings point the library's API base at ``/sandbox/stripe`` (``COLEMAN_STRIPE_API_BASE``);
the sandbox answers ``/v1/checkout/sessions`` and ``/v1/refunds`` with the JSON objects the
library parses, authenticates the secret key, and honours ``Idempotency-Key``. The hosted page is
labelled "SANDBOX"; paying posts ``checkout.session.completed`` to the store's webhook, signed
with the account's endpoint secret, before sending the browser to ``success_url``. Accounts
(secret key → endpoint secret, webhook URL) are ``COLEMAN_SANDBOX_STRIPE_ACCOUNTS``.
"""

from django.urls import path, re_path

from .api import ApiView
from .pages import HostedPageView
from .webhooks import ResendView

urlpatterns = [
    path("v1/checkout/sessions", ApiView.as_view(), {"resource": "checkout/sessions"}, name="stripe-sessions"),
    path(
        "v1/checkout/sessions/<str:object_id>",
        ApiView.as_view(),
        {"resource": "checkout/sessions"},
        name="stripe-session",
    ),
    path(
        "v1/checkout/sessions/<str:object_id>/<slug:action>",
        ApiView.as_view(),
        {"resource": "checkout/sessions"},
        name="stripe-session-action",
    ),
    path("v1/refunds", ApiView.as_view(), {"resource": "refunds"}, name="stripe-refunds"),
    re_path(r"^v1/(?P<resource>.+)$", ApiView.as_view(), name="stripe-api"),
    path("pay/<str:session_id>/", HostedPageView.as_view(), name="stripe-pay"),
    path("events/<str:event_id>/resend/", ResendView.as_view(), name="stripe-resend"),
]
