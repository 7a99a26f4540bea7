"""``make run`` is the store's demonstration: the same steps on a fresh database, then the
README's tour walked through the test client (every URL of the tour's table, and the
journeys a visitor takes: register and activate, log in, rate, buy through the Amazon
sandbox, see the order, staff log in to the admin).

The steps are read from the Makefile's ``run`` target, so the test follows ``make run``.
"""

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command

from coleman.orders.models import Order
from coleman.products.models import Product

from .shopper import fill, find_form

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)
TOURIST = {
    "username": "tourist",
    "first_name": "Tess",
    "last_name": "Tourist",
    "email": "tourist@example.com",
    "password1": "Bog-harvest-2026!",
    "password2": "Bog-harvest-2026!",
}


def make_run_commands():
    """The ``manage.py`` commands of the Makefile's ``run`` target, in order, less the server."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^run:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    commands = []
    for line in recipe.splitlines():
        if "manage.py " in line:
            words = shlex.split(line.split("manage.py ", 1)[1])
            if words[0] != "runserver":
                commands.append(words)
    return commands


def tour_urls():
    """Every path named in the README tour's table."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## A tour of the demo store", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`/" in line]
    return [path for row in rows for path in re.findall(r"`(/[^`]*)`", row)]


def submit(client, path, button, choose=(), values=None, page=None, follow=False):
    """GET ``path`` (or use ``page``), fill the form with ``button`` as a visitor would, POST it."""
    html = page if page is not None else client.get(path).content.decode()
    form, pressed = find_form(html, button)
    send = client.get if form.method == "get" else client.post
    return send(form.action or path, fill(form, pressed, choose, values), follow=follow)


def follow_to_end(client, response, limit=10):
    """Follow redirects (to the sandbox and back) as a browser would; the last response carries
    the path it answered (``tour_path``)."""
    for _ in range(limit):
        if response.status_code not in (301, 302, 303):
            return response
        location = urlsplit(response["Location"])
        path = location.path + (f"?{location.query}" if location.query else "")
        response = client.get(path)
        response.tour_path = path
    raise AssertionError("too many redirects")


def run_make_run_steps(settings, capsys):
    """The store after ``make run``'s steps (development settings: DEBUG on); returns the
    staff login ``demo_staff`` printed."""
    commands = make_run_commands()
    assert [words[0] for words in commands][:2] == ["migrate", "load_cranstore"]
    settings.DEBUG = True
    for words in commands:
        call_command(*words)
    settings.DEBUG = False
    printed = capsys.readouterr().out
    username = re.search(r"username: (\S+)", printed).group(1)
    password = re.search(r"password: (\S+)", printed).group(1)
    return username, password


def test_make_run_then_the_tour(settings, capsys, client):
    """After ``make run``'s steps on a fresh database, each page the README's tour names
    answers (200, or a redirect to log in for shoppers' and staff pages), and the tour's
    journeys work end to end."""
    login = run_make_run_steps(settings, capsys)
    walk_the_tour_urls(client)
    take_the_tour_journeys(client, login)


def walk_the_tour_urls(client):
    """GET every URL of the README's tour table (as a visitor with an empty cart)."""
    urls = tour_urls()
    assert "/products/cranberry-preserves/" in urls and "/healthz" in urls
    for url in urls:
        response = client.get(url)
        if response.status_code == 302:
            # Shoppers' and staff pages ask to log in; checkout with an empty cart shows the cart.
            assert "login" in response["Location"] or (url, response["Location"]) == ("/checkout/", "/cart/"), url
        else:
            assert response.status_code == 200, url


def take_the_tour_journeys(client, login):
    """Register → activate (link from the email) → log in → rate → buy with the Amazon
    sandbox → the order is paid and listed; staff log in to the admin with the printed login."""
    response = submit(client, "/accounts/register/", "Register", values=TOURIST)
    assert response.status_code == 302, response.content.decode()[:3000]
    (activation,) = [m for m in mail.outbox if "activate" in m.body.lower()]
    link = re.search(r"https?://[^/\s]+(/accounts/activate/\S+)", activation.body).group(1)
    assert submit(client, link, "Activate my account").status_code == 302
    credentials = {"username": TOURIST["username"], "password": TOURIST["password1"]}
    logged_in = submit(client, "/accounts/login/", "Log in", values=credentials, follow=True)
    assert logged_in.context["user"].is_authenticated

    preserves = Product.objects.get(slug="cranberry-preserves")
    rate_url = f"/ratings/products.product/{preserves.pk}/4/"
    assert submit(client, rate_url, "Rate 4 stars").status_code == 302
    assert "1 rating" in client.get("/products/cranberry-preserves/").content.decode()

    assert submit(client, "/products/cranberry-preserves/", "Add to cart").status_code == 302
    handed_off = submit(client, "/checkout/", "Place order", choose=("amazon",))
    sandbox = follow_to_end(client, handed_off)
    assert "SANDBOX" in sandbox.content.decode()
    back = submit(client, sandbox.tour_path, "Pay with sandbox Amazon", page=sandbox.content.decode())
    order_page = follow_to_end(client, back).content.decode()
    assert "Amazon accepted your payment" in order_page
    assert "Payment Received" in order_page
    (order,) = Order.objects.filter(user__username=TOURIST["username"])
    assert order.status_id == "PAID"
    assert order.number in client.get("/orders/").content.decode()

    client.logout()
    username, password = login
    admin = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    assert admin.status_code == 302 and admin["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
