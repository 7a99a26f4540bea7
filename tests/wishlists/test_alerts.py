"""Back-in-stock alerts: asking (customers at once, guests through a signed link), and one
email per waiting shopper, after the stock change commits, through the task queue."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from coleman.orders import services as order_services
from coleman.wishlists import services
from coleman.wishlists.models import StockAlert
from coleman.wishlists.receivers import enqueue_if_waiting
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

ALERT = "/accounts/wishlists/alerts/"
CONFIRM = "/accounts/wishlists/alerts/confirm/"


def text_of(response):
    """The page's HTML as text."""
    return response.content.decode()


def restock(product, stock=5):
    """Staff raise the stock, as the product admin's save does."""
    product.stock = stock
    product.save()


# --- asking ------------------------------------------------------------------------------


def test_a_customer_asks_once_and_is_told_where_the_email_goes(customer_client, customer, sold_out):
    """A customer's POST makes one waiting alert for their account (asking again changes
    nothing) and returns to the product with a message naming the address."""
    response = customer_client.post(ALERT, {"product": sold_out.pk, "next": sold_out.get_absolute_url()}, follow=True)
    assert response.redirect_chain == [("/products/bog-honey/", 302)]
    assert "We will email you at jesse@example.com once Bog Honey is back in stock." in text_of(response)
    response = customer_client.post(ALERT, {"product": sold_out.pk}, follow=True)
    assert "You are already waiting for Bog Honey" in text_of(response)
    alert = StockAlert.objects.get()
    assert (alert.user, alert.email, alert.is_waiting) == (customer, "jesse@example.com", True)
    assert mail.outbox == []


def test_a_customer_without_an_address_gets_a_400(client, sold_out):
    """An account with no email address cannot be alerted: 400 with a clear message."""
    client.force_login(UserFactory(email=""))
    response = client.post(ALERT, {"product": sold_out.pk})
    assert response.status_code == 400
    assert "Your account has no email address." in text_of(response)
    assert not StockAlert.objects.exists()


def test_a_product_in_stock_needs_no_alert(customer_client, product):
    """Asking about a product in stock makes no alert and says it is in stock."""
    response = customer_client.post(ALERT, {"product": product.pk}, follow=True)
    assert "Good news: Cranberry Relish is in stock now." in text_of(response)
    assert not StockAlert.objects.exists()


@pytest.mark.parametrize("value", ["", "x", "99999999"])
def test_an_unknown_product_is_a_404(client, value):
    """A bad or unknown product id is refused with a message."""
    response = client.post(ALERT, {"product": value})
    assert response.status_code == 404
    assert "product" in text_of(response)


def test_a_guest_confirms_by_the_emailed_link(client, sold_out):
    """A guest's button leads to a page asking for an address (labelled); posting it sends a
    confirmation link (absolute) and makes no alert; the link's page confirms with a POST,
    which makes the one alert (confirming again changes nothing)."""
    response = client.post(ALERT, {"product": sold_out.pk, "next": sold_out.get_absolute_url()})
    assert response.status_code == 302
    form_page = client.get(response["Location"])
    assert '<label for="id_email">Your email address:</label>' in text_of(form_page)

    response = client.post(ALERT, {"product": sold_out.pk, "email": "ann@example.com"}, follow=True)
    assert "We sent a link to ann@example.com" in text_of(response)
    assert not StockAlert.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["ann@example.com"]
    assert message.subject == "Confirm: email me when Bog Honey is back"
    link = re.search(r"https?://testserver/accounts/wishlists/alerts/confirm/\?token=\S+", message.body).group(0)

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "Send one email to ann@example.com when Bog Honey is back in stock?" in text_of(confirm_page)
    assert not StockAlert.objects.exists()  # a GET (a mail scanner) confirms nothing
    token = confirm_page.context["token"]
    for _ in range(2):
        response = client.post(CONFIRM, {"token": token}, follow=True)
        assert "Confirmed: we will email ann@example.com once Bog Honey is back in stock." in text_of(response)
    alert = StockAlert.objects.get()
    assert (alert.user, alert.email, alert.product) == (None, "ann@example.com", sold_out)


def test_a_bad_guest_address_is_a_400_with_the_form(client, sold_out):
    """An invalid address shows the form again with its error and a 400; nothing is sent."""
    response = client.post(ALERT, {"product": sold_out.pk, "email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in text_of(response)
    assert mail.outbox == []


@pytest.mark.parametrize("token", ["", "garbage", "a" * 300])
def test_a_bad_confirmation_token_is_a_400(client, token):
    """A malformed or forged token is refused with a message, on the GET and the POST."""
    for response in (client.get(CONFIRM, {"token": token}), client.post(CONFIRM, {"token": token})):
        assert response.status_code == 400
        assert "This confirmation link is not valid." in text_of(response)
    assert not StockAlert.objects.exists()


def test_a_tampered_or_expired_token_is_refused(client, sold_out, product, settings):
    """A token signed for another product does not open this one, and one older than
    COLEMAN_WISHLISTS_ALERT_CONFIRM_DAYS has expired."""
    token = services.alert_token(sold_out, "ann@example.com")
    forged = token.replace(token.split(":")[0], services.alert_token(product, "ann@example.com").split(":")[0])
    assert client.post(CONFIRM, {"token": forged}).status_code == 400
    settings.COLEMAN_WISHLISTS_ALERT_CONFIRM_DAYS = 3
    with freeze_time(timezone.now() + timedelta(days=3, minutes=1)):
        response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 400
    assert "This confirmation link has expired." in text_of(response)
    assert not StockAlert.objects.exists()


def test_confirmation_emails_are_limited_per_client(client, sold_out, settings):
    """Past COLEMAN_WISHLISTS_ALERT_EMAILS_PER_CLIENT requests the form answers 429 with
    Retry-After and sends nothing more."""
    settings.COLEMAN_WISHLISTS_ALERT_EMAILS_PER_CLIENT = 2
    for n in range(2):
        assert client.post(ALERT, {"product": sold_out.pk, "email": f"g{n}@example.com"}).status_code == 302
    response = client.post(ALERT, {"product": sold_out.pk, "email": "g3@example.com"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"  # COLEMAN_WISHLISTS_ALERT_WINDOW
    assert len(mail.outbox) == 2


# --- sending -------------------------------------------------------------------------------


@pytest.fixture
def waiting(sold_out, customer, other_customer):
    """Two customers and a guest waiting for ``sold_out``."""
    services.request_alert(sold_out, user=customer)
    services.request_alert(sold_out, user=other_customer)
    services.request_alert(sold_out, email="ann@example.com")
    return sold_out


def test_raising_the_stock_emails_each_waiting_shopper_once_after_commit(
    waiting, django_capture_on_commit_callbacks, settings
):
    """Nothing is sent before the stock change commits; then each waiting shopper gets one
    email with an absolute link to the product, and the alerts are marked sent."""
    settings.COLEMAN_SITE_URL = "https://shop.example.com/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        restock(waiting)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@example.com",
        "cora@example.com",
        "jesse@example.com",
    ]
    for message in mail.outbox:
        assert message.subject == "Bog Honey is back in stock"
        assert "https://shop.example.com/products/bog-honey/" in message.body
    assert not StockAlert.objects.waiting().exists()


def test_two_stock_changes_in_one_transaction_send_once(waiting, django_capture_on_commit_callbacks):
    """Raising the stock twice (two saves, two commit callbacks) still sends one email each;
    so do later saves of the product."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            restock(waiting, 2)
            restock(waiting, 7)
    assert [getattr(callback, "func", None) for callback in callbacks].count(enqueue_if_waiting) == 2
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        restock(waiting, 9)
    assert len(mail.outbox) == 3
    assert services.send_waiting_alerts(waiting.pk) == 0


def test_a_rolled_back_stock_change_sends_nothing(waiting, django_capture_on_commit_callbacks):
    """A stock change that is rolled back never sends."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                restock(waiting)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert enqueue_if_waiting not in [getattr(callback, "func", None) for callback in callbacks]
    assert mail.outbox == []
    assert StockAlert.objects.waiting().count() == 3


def test_a_cancelled_order_giving_stock_back_emails_the_waiting_shoppers(waiting, django_capture_on_commit_callbacks):
    """A cancelled order puts its reserved units back with a bulk UPDATE (no ``post_save``):
    the shoppers waiting for the product are emailed after the cancellation commits."""
    order = OrderFactory()
    LineFactory(order=order, product=waiting, quantity=2, stock_reserved=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_services.transition(order, "CANCELLED")
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    alerts = [message for message in mail.outbox if message.subject == "Bog Honey is back in stock"]
    assert sorted(message.to[0] for message in alerts) == [
        "ann@example.com",
        "cora@example.com",
        "jesse@example.com",
    ]
    assert not StockAlert.objects.waiting().exists()


def test_saving_without_stock_or_inactive_sends_nothing(waiting, django_capture_on_commit_callbacks):
    """A save that leaves the product out of stock, or discontinued, sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        waiting.name = "Bog Honey (jar)"
        waiting.save()
        waiting.is_active = False
        waiting.stock = 4
        waiting.save()
    assert mail.outbox == []
    assert StockAlert.objects.waiting().count() == 3


def test_a_shopper_may_wait_again_after_being_sent(
    customer_client, customer, waiting, django_capture_on_commit_callbacks
):
    """Once sent, an alert stays as history; the shopper may ask again for the next time."""
    with django_capture_on_commit_callbacks(execute=True):
        restock(waiting)
    restock(waiting, 0)
    customer_client.post(ALERT, {"product": waiting.pk})
    assert StockAlert.objects.filter(user=customer).count() == 2
    assert StockAlert.objects.filter(user=customer).waiting().count() == 1


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_a_worker_sends_the_alerts(sold_out, customer):
    """With the database task backend the commit only queues the task; ``db_worker`` sends."""
    services.request_alert(sold_out, user=customer)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        restock(sold_out)
        assert mail.outbox == []
        paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
        assert paths.count("coleman.wishlists.tasks.send_stock_alerts") == 1
        call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
    (message,) = mail.outbox
    assert message.to == ["jesse@example.com"]
    assert StockAlert.objects.get().sent_at is not None
