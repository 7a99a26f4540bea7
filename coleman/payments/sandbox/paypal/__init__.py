"""PayPal Express Checkout, played locally: the NVP API (``api``), the approval page (``pages``)
and Instant Payment Notification (``ipn``).

It checks what PayPal checked: the API credentials (``USER``/``PWD``/``SIGNATURE``), the
amounts (item total + shipping = order total), the token and payer on each step, and a token
can be paid once. The approval page is clearly labelled "SANDBOX"; paying sends the browser to
``RETURNURL?token=…&PayerID=…``, declining to ``CANCELURL?token=…``. After a payment it posts
an IPN to the order's notify URL and answers the store's ``cmd=_notify-validate`` post-back
with ``VERIFIED`` for the messages it sent and ``INVALID`` for anything else.

State (tokens, payments, sent IPNs) lives in the cache: this is a test double, not a ledger.
"""

from django.urls import path

from .api import NvpView
from .ipn import IpnVerifyView
from .pages import ApprovalView

urlpatterns = [
    path("nvp/", NvpView.as_view(), name="paypal-nvp"),
    path("webscr/", ApprovalView.as_view(), name="paypal-webscr"),
    path("ipn-verify/", IpnVerifyView.as_view(), name="paypal-ipn-verify"),
]
