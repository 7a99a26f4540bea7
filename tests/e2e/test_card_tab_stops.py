"""A keyboard user tabs through product cards quickly: one stop per card, named once.

Cards used to carry five "Rate n stars" links each, which made the home page a hundred tab
stops deep. Rating is done on the product page; a card is one link (photo and name, the photo
with an empty alt so the name is read once) and read-only stars.
"""

from collections import Counter

import pytest
from playwright.sync_api import expect

from coleman.ratings import services
from tests.factories.products import ProductFactory
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Where the focus is: the index of its product card on the page (or -1), and a key that tells
# whether the walk came round to its start.
FOCUS = """() => {
  const el = document.activeElement;
  const cards = [...document.querySelectorAll(".product-card")];
  const card = el && el.closest ? el.closest(".product-card") : null;
  return {card: card ? cards.indexOf(card) : -1, key: el ? el.outerHTML.slice(0, 200) : "", body: el === document.body};
}"""


def tab_stops_per_card(page, limit=400):
    """Press Tab from the top of the page until the focus comes round again; count the stops in each card."""
    per_card, first = Counter(), None
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = page.evaluate(FOCUS)
        if where["body"] or where["key"] == first:
            break
        first = first or where["key"]
        if where["card"] >= 0:
            per_card[where["card"]] += 1
    else:
        pytest.fail(f"still tabbing after {limit} stops")
    return per_card


@pytest.mark.parametrize("path", ["/", "/products/"])
def test_each_card_is_at_most_two_tab_stops(live_server, page, path):
    """On the home page and the product list, every rated, featured product card takes at most
    two Tab presses, and the card's link is named by the product's name alone."""
    for n in range(6):
        product = ProductFactory(name=f"Cranberry Jam {n}", is_featured=True)
        services.rate(UserFactory(), product, 1 + n % 5)
    page.goto(live_server.url + path)
    cards = page.locator(".product-card").count()
    assert cards >= 6
    per_card = tab_stops_per_card(page)
    assert set(per_card) == set(range(cards)), "every card can be reached"
    assert max(per_card.values()) <= 2, per_card
    for n in range(6):  # the link's accessible name is the name alone ("C" of the placeholder is hidden)
        card = page.locator(".product-card").filter(has_text=f"Cranberry Jam {n}").first
        expect(card.get_by_role("link")).to_have_count(1)
        expect(card.get_by_role("link", name=f"Cranberry Jam {n}", exact=True)).to_have_count(1)
