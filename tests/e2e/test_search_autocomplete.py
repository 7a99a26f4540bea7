"""Search in a real browser: autocomplete suggestions lead to the product; the form works without JS."""

import pytest
from django.core.management import call_command

from tests.factories.products import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed_catalog():
    """A few products, indexed in the test process's Whoosh folder."""
    category = CategoryFactory(name="Sauces")
    ProductFactory(category=category, name="Cranberry Sauce", slug="cranberry-sauce", description="Tart.")
    ProductFactory(category=category, name="Cranberry Relish", slug="cranberry-relish")
    ProductFactory(category=category, name="Apple Butter", slug="apple-butter", description="Spiced apples.")
    call_command("rebuild_index", interactive=False, verbosity=0)


def test_pick_autocomplete_suggestion_lands_on_product(live_server, page, indexed_catalog):
    """Typing in the header search box offers products; clicking one opens its page."""
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Search products")
    box.press_sequentially("cranb", delay=40)
    option = page.get_by_role("option", name="Cranberry Sauce")
    option.wait_for()
    assert page.get_by_role("option", name="Apple Butter").count() == 0
    option.click()
    page.wait_for_url("**/products/cranberry-sauce/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cranberry Sauce"


def test_keyboard_choice_of_suggestion(live_server, page, indexed_catalog):
    """Arrow keys and Enter choose a suggestion too."""
    page.goto(live_server.url + "/products/")
    box = page.get_by_role("combobox", name="Search products")
    box.press_sequentially("relish", delay=40)
    page.get_by_role("option", name="Cranberry Relish").wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/products/cranberry-relish/")


class TestWithoutJavaScript:
    """The plain form, no script."""

    @pytest.fixture
    def browser_context_args(self):
        return {"java_script_enabled": False}

    def test_plain_form_submits_to_results(self, live_server, page, indexed_catalog):
        """Without JavaScript, typing and pressing "Search" shows the results page."""
        page.goto(live_server.url + "/")
        page.get_by_label("Search products").first.fill("cranberries")
        page.get_by_role("button", name="Search").first.click()
        page.wait_for_url("**/search/?q=cranberries")
        assert "2 results" in page.content()
        page.get_by_role("link", name="Cranberry Sauce").first.click()
        page.wait_for_url("**/products/cranberry-sauce/")
