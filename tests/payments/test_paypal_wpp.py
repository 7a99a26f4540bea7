"""The PayPal sandbox driven by django-paypal's ``PayPalWPP``: an NVP client written by others.

The store's own client (``coleman.payments.processors.paypal.client``) and the sandbox were
written together, so a shared misreading of PayPal's NVP API could hide; django-paypal's
client, used by many shops against the real service, checks the sandbox from outside: it
sends lower-case parameters upper-cased, VERSION 116.0, parses the answer with Django's
QueryDict (keys lower-cased) and reads TIMESTAMP in PayPal's ``%Y-%m-%dT%H:%M:%SZ`` form into its PayPalNVP log.

Its ``_request`` (the one method that does HTTP, kept apart "to make testing easier") is
overridden to post through the suite's gateway session, which the test settings route to the
sandbox in-process: nothing leaves the machine.
"""

from datetime import UTC
from urllib.parse import parse_qsl, urlsplit

import pytest
from paypal.pro.exceptions import PayPalFailure
from paypal.pro.helpers import BASE_PARAMS, VERSION, PayPalWPP
from paypal.pro.models import PayPalNVP

from coleman.payments.http import gateway_session

pytestmark = pytest.mark.django_db

SANDBOX_NVP = "http://testserver/sandbox/paypal/nvp/"
CHECKOUT = {
    "returnurl": "http://testserver/payments/paypal/return/",
    "cancelurl": "http://testserver/cart/",
    "paymentrequest_0_amt": "25.00",
    "paymentrequest_0_itemamt": "20.00",
    "paymentrequest_0_shippingamt": "5.00",
    "paymentrequest_0_currencycode": "USD",
    "paymentrequest_0_invnum": "C-2001",
    "l_paymentrequest_0_name0": "Cranberry sauce",
    "l_paymentrequest_0_qty0": "2",
    "l_paymentrequest_0_amt0": "10.00",
}


class SandboxWPP(PayPalWPP):
    """django-paypal's client, its HTTP call sent to the gateway sandbox."""

    def __init__(self, request=None, params=BASE_PARAMS):
        super().__init__(request, params)
        self.endpoint = SANDBOX_NVP

    def _request(self, data):
        """POST ``data`` as django-paypal does (ASCII form body), over the suite's gateway session."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return gateway_session("PayPal").post(self.endpoint, data=data.encode("ascii"), headers=headers).content


@pytest.fixture(autouse=True)
def _no_ipn_delivery(settings):
    """The sandbox keeps its IPNs in its history (no background delivery in these tests)."""
    settings.COLEMAN_SANDBOX_PAYPAL_SEND_IPN = False


def approve(client, token):
    """The buyer presses "Pay" on the sandbox's approval page; returns the PayerID PayPal gives back."""
    response = client.post("/sandbox/paypal/webscr/", {"cmd": "_express-checkout", "token": token, "decision": "pay"})
    assert response.status_code == 302
    return dict(parse_qsl(urlsplit(response["Location"]).query))["PayerID"]


def test_express_checkout_with_django_paypal(client):
    """SetExpressCheckout → approve → GetExpressCheckoutDetails → DoExpressCheckoutPayment through
    PayPalWPP: every answer is ACK=Success in the VERSION it asked for (116.0), with a TIMESTAMP it
    parses, a CORRELATIONID and a BUILD; the buyer's name arrives intact; a second payment of the
    same token is PayPal's 10415 failure."""
    wpp = SandboxWPP()
    started = wpp.setExpressCheckout(dict(CHECKOUT))
    token = started.token
    assert token.startswith("EC-") and started.ack == "Success" and not started.flag
    assert started.timestamp.tzinfo is not None and started.timestamp.utcoffset() == UTC.utcoffset(None)
    assert started.correlationid and started.response_dict["build"].isdigit()
    assert started.response_dict["version"] == str(VERSION) == "116.0"

    payer_id = approve(client, token)
    details = wpp.getExpressCheckoutDetails({"token": token})
    assert (details.payerid, details.firstname, details.lastname, details.invnum) == (
        payer_id,
        "José",
        "Buyer",
        "C-2001",
    )

    paid = wpp.doExpressCheckoutPayment(
        {"token": token, "payerid": payer_id, "paymentrequest_0_amt": "25.00", "paymentrequest_0_currencycode": "USD"}
    )
    answer = paid.response_dict
    assert (answer["paymentinfo_0_paymentstatus"], answer["paymentinfo_0_amt"]) == ("Completed", "25.00")

    with pytest.raises(PayPalFailure) as failure:
        wpp.doExpressCheckoutPayment(
            {
                "token": token,
                "payerid": payer_id,
                "paymentrequest_0_amt": "25.00",
                "paymentrequest_0_currencycode": "USD",
            }
        )
    assert "already been completed" in str(failure.value)
    assert failure.value.nvp.response_dict["l_errorcode0"] == "10415"
    # django-paypal logged each call: four, the last one flagged.
    assert list(PayPalNVP.objects.order_by("id").values_list("method", "flag")) == [
        ("SetExpressCheckout", False),
        ("GetExpressCheckoutDetails", False),
        ("DoExpressCheckoutPayment", False),
        ("DoExpressCheckoutPayment", True),
    ]


@pytest.mark.parametrize(
    ("params", "call", "fragment"),
    [
        ({**BASE_PARAMS, "PWD": "wrong"}, {"token": "EC-X"}, "Security header is not valid"),
        (BASE_PARAMS, {"token": "EC-NOSUCHTOKEN"}, "Invalid token"),
    ],
)
def test_django_paypal_reads_the_sandboxs_failures(params, call, fragment):
    """Wrong credentials and unknown tokens come back as the NVP failures django-paypal raises on."""
    with pytest.raises(PayPalFailure) as failure:
        SandboxWPP(params=params).getExpressCheckoutDetails(call)
    assert fragment in str(failure.value)
    assert failure.value.nvp.timestamp is not None


def test_amounts_that_do_not_add_up_are_refused(client):
    """Items + shipping that differ from the total: PayPal's 10413, as django-paypal sees it."""
    with pytest.raises(PayPalFailure) as failure:
        SandboxWPP().setExpressCheckout({**CHECKOUT, "paymentrequest_0_amt": "26.00"})
    assert failure.value.nvp.response_dict["l_errorcode0"] == "10413"
