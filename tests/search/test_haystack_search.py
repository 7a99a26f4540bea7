"""Searching a real Whoosh index through Haystack: stemming, words, filters, pages, highlights."""

from decimal import Decimal

import pytest
from django.urls import reverse

from coleman.products.models import Product
from coleman.search.backends import get_backend
from coleman.search.backends.base import SearchRequest
from tests.factories.products import CategoryFactory, DetailFactory, ProductFactory, cranberry_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(search_index):
    """The small cranberry catalog, indexed."""
    products = cranberry_catalog()
    search_index.rebuild()
    return products


def names(outcome):
    return [hit.name for hit in outcome.hits]


def search(text, **kwargs):
    return get_backend().search(SearchRequest(text=text, **kwargs))


def test_default_backend_is_haystack_on_whoosh():
    """With haystack installed and no setting, the store searches through Haystack's Whoosh engine."""
    assert get_backend().name == "haystack (whoosh)"


def test_stemming_finds_singular_from_plural(catalog):
    """ "cranberries" finds products that only say "cranberry" (and vice versa)."""
    assert "Cranberry Sauce" in names(search("cranberries"))
    assert "Orange Relish" in names(search("cranberry"))


def test_every_word_must_match(catalog):
    """A multi-word query returns products having all the words, not any of them."""
    assert names(search("cranberry juice")) == ["CranStore Cranberry Juice"]
    assert names(search("cranberry cider")) == []


def test_phrase_and_exclusion(catalog):
    """Quotes search a phrase; a leading minus leaves a word out."""
    assert names(search('"cranberry cocktail"')) == ["CranStore Cranberry Juice"]
    assert "CranStore Cranberry Juice" not in names(search("cranberry -juice"))
    assert "Cranberry Sauce" in names(search("cranberry -juice"))


def test_inactive_products_are_never_indexed(catalog, search_index):
    """A deactivated product is not in the index and never appears in results."""
    assert "Discontinued Cranberry Chutney" not in names(search("chutney"))
    assert search_index.count() == Product.objects.active().count()


def test_document_includes_category_catalog_manufacturer_and_attributes(catalog, search_index):
    """The document template makes category, catalog, manufacturer and attribute values searchable."""
    DetailFactory(product=catalog["cider"], attribute__name="Tartness", value="Mellow")
    search_index.rebuild()
    assert names(search("baskets")) == ["Holiday Gift Basket"]
    assert set(names(search("fall drinks"))) == {"Apple Cider", "CranStore Cranberry Juice"}
    assert set(names(search("orchard"))) == {"Apple Cider"}
    assert names(search("mellow")) == ["Apple Cider"]


def test_results_come_from_stored_fields_without_queries(catalog, django_assert_num_queries):
    """Results carry name, slug, price, category and catalog from the index; the only query is
    the check that the page's products are still active."""
    with django_assert_num_queries(1):
        outcome = get_backend().search(SearchRequest(text="juice", page=1, per_page=5))
    hit = next(h for h in outcome.hits if h.slug == "cranberry-juice")
    assert (hit.price, hit.category, hit.catalog, hit.manufacturer) == (
        Decimal("3.25"),
        "Drinks",
        "Fall Collection",
        "CranStore",
    )


def test_filters_and_their_counts(catalog):
    """Filters narrow the results; each choice shows how many results it would give."""
    outcome = search("cranberry")
    catalogs = {c.value: c.count for c in outcome.facets["catalog"]}
    assert catalogs == {"fall": 3}
    outcome = search("sauce")  # the relish is in the "Sauces" category
    assert {c.value: c.count for c in outcome.facets["catalog"]} == {"fall": 2, "gifts": 1}
    assert names(search("sauce", catalog="gifts")) == ["Holiday Gift Basket"]
    by_maker = {c.value: c.count for c in search("cranberry").facets["manufacturer"]}
    assert by_maker == {"Bog Kitchens": 2, "CranStore": 1}
    bog = set(names(search("cranberry", manufacturer="Bog Kitchens")))
    assert bog == {"Cranberry Sauce", "Orange Relish"}
    sauces = catalog["sauce"].category_id
    assert set(names(search("cranberry", category=sauces))) == {"Cranberry Sauce", "Orange Relish"}


def test_price_range_filter_and_counts(catalog):
    """Price bands count and filter by the stored price."""
    outcome = search("cranberry")
    bands = {c.value: c.count for c in outcome.facets["price"]}
    assert bands == {"0-10": 3}
    assert names(search("sauce", price="25-50")) == ["Holiday Gift Basket"]
    assert set(names(search("sauce", price="0-10"))) == {"Cranberry Sauce", "Orange Relish"}


def test_sort_by_price(catalog):
    """Results sort by price either way."""
    assert names(search("cranberry", sort="price")) == [
        "CranStore Cranberry Juice",
        "Cranberry Sauce",
        "Orange Relish",
    ]
    assert names(search("cranberry", sort="-price"))[0] == "Orange Relish"


def test_pagination(search_index):
    """Results are cut into pages; the count covers every match."""
    category = CategoryFactory()
    for n in range(25):
        ProductFactory(category=category, name=f"Bog Jam {n:02d}", price=Decimal(n + 1))
    search_index.rebuild()
    first = search("jam", per_page=10, sort="price")
    third = search("jam", per_page=10, page=3, sort="price")
    assert first.count == 25 and first.num_pages == 3
    assert names(first)[:2] == ["Bog Jam 00", "Bog Jam 01"]
    assert names(third) == [f"Bog Jam {n}" for n in range(20, 25)]


def test_highlighting_marks_stemmed_words(catalog):
    """The excerpt marks the matched words, including other forms of them."""
    outcome = search("cranberries")
    relish = next(h for h in outcome.hits if h.slug == "orange-relish")
    assert "<mark>cranberries</mark>" in relish.highlighted
    juice = next(h for h in outcome.hits if h.slug == "cranberry-juice")
    assert "<mark>cranberry</mark>" in juice.highlighted


def test_highlight_escapes_html(search_index):
    """Product text is escaped in excerpts: only the <mark> tags are HTML."""
    ProductFactory(name="Tart Jam", description="<script>alert(1)</script> tart jam")
    search_index.rebuild()
    hit = search("tart").hits[0]
    assert "<script>" not in hit.highlighted
    assert "&lt;script&gt;" in hit.highlighted


def test_spelling_suggestion(catalog):
    """A misspelt word gets a "did you mean" suggestion from the index's words."""
    outcome = search("cranbery")
    assert outcome.suggestion == "cranberry"


def test_autocomplete_by_word_prefix(catalog):
    """Autocomplete offers names whose words start with what was typed, with their URLs."""
    pairs = get_backend().autocomplete("cranb", 8)
    assert ("Cranberry Sauce", reverse("products:detail", kwargs={"slug": "cranberry-sauce"})) in pairs
    assert all("Chutney" not in name for name, _url in pairs)
    assert ("Orange Relish", "/products/orange-relish/") in get_backend().autocomplete("rel", 8)


def test_more_like_this(catalog):
    """Whoosh finds products resembling a product; never the product itself or inactive ones."""
    similar = get_backend().more_like_this(catalog["sauce"], 4)
    slugs = [m.slug for m in similar]
    assert slugs and "cranberry-sauce" not in slugs and "cranberry-chutney" not in slugs


def test_no_suggestion_for_correct_words(catalog):
    """Correctly spelt queries get no "did you mean"; a mix corrects only the unknown word."""
    assert search("cranberry sauce").suggestion == ""
    assert search("cranbery sauce").suggestion == "cranberry sauce"


def test_no_suggestion_that_finds_nothing(catalog):
    """Each word of "cranbery cider" has a correction in the index, but "cranberry cider" finds
    no product (every word must match), so no "did you mean" is offered."""
    assert names(search("cranberry cider")) == []
    assert search("cranbery cider").suggestion == ""


def test_categories_of_the_same_name_are_told_apart_by_their_catalog(search_index):
    """Two catalogs with a "Desserts" category give two filter choices "Desserts in <catalog>";
    a name used once stays as it is."""
    fall = CategoryFactory(catalog__name="Fall Collection", name="Desserts")
    standard = CategoryFactory(catalog__name="Standard Collection", name="Desserts")
    drinks = CategoryFactory(catalog=standard.catalog, name="Drinks")
    ProductFactory(category=fall, name="Cranberry Tart")
    ProductFactory(category=standard, name="Cranberry Cobbler")
    ProductFactory(category=standard, name="Cranberry Crumble")
    ProductFactory(category=drinks, name="Cranberry Fizz")
    search_index.rebuild()
    labels = {choice.label: choice.count for choice in search("cranberry").facets["category"]}
    assert labels == {"Desserts in Fall Collection": 1, "Desserts in Standard Collection": 2, "Drinks": 1}


def test_the_searcher_stays_open_until_the_index_changes(catalog, search_index, django_capture_on_commit_callbacks):
    """Searches share one open Whoosh searcher; a reindexed product (a new segment, a deletion
    in an old one) reopens it, and a cleared and rebuilt index (generations start again) too."""
    from haystack import connections

    from coleman.search.backends.whoosh_index import open_index

    backend = connections["default"].get_backend()
    first = open_index(backend.index).searcher
    search("cranberry")
    assert open_index(backend.index).searcher is first
    sauce = catalog["sauce"]
    sauce.price = Decimal("9.99")
    with django_capture_on_commit_callbacks(execute=True):
        sauce.save()
    assert open_index(backend.index).searcher is not first
    assert [(h.name, h.price) for h in search("sauce").hits if h.slug == "cranberry-sauce"] == [
        ("Cranberry Sauce", Decimal("9.99"))
    ]
    reopened = open_index(backend.index).searcher
    search_index.rebuild()
    backend = connections["default"].get_backend()
    assert open_index(backend.index).searcher is not reopened
    assert "Cranberry Sauce" in names(search("sauce"))
