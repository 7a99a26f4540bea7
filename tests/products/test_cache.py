"""Cached catalog pages: edits show at once, per-shopper parts stay live."""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import info
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coleman.products import cache as catalog_cache
from coleman.products.cache import CATALOG_VERSION_KEY, bump_catalog_version, catalog_version
from coleman.products.models import Product
from coleman.products.page_cache import CSRF_TOKEN_PLACEHOLDER, CookielessPageCache
from coleman.products.views import ProductListView
from tests.helpers import site_without

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


PAGES = [
    "/",
    "/products/",
    "/catalogs/fall-collection/",
    "/catalogs/fall-collection/food/",
    "/products/cranberry-preserves/",
]


def test_editing_a_product_shows_everywhere_at_once(client, store):
    """After a product is renamed and repriced, every cached page shows the new name and price."""
    store.preserves.is_featured = True
    store.preserves.save()
    for url in PAGES:
        assert "Cranberry Preserves" in text(client.get(url)), url
    store.preserves.name = "Bog Berry Preserves"
    store.preserves.price = Decimal("5.25")
    store.preserves.save()
    for url in PAGES:
        page = text(client.get(url))
        assert "Bog Berry Preserves" in page and "$5.25" in page, url
        assert "Cranberry Preserves" not in page, url


def test_discontinuing_a_product_removes_it_at_once(client, store):
    """A product taken off sale disappears from cached lists and its page answers 404."""
    assert "Cranberry Preserves" in text(client.get("/products/"))
    assert client.get("/products/cranberry-preserves/").status_code == 200
    store.preserves.is_active = False
    store.preserves.save()
    assert "Cranberry Preserves" not in text(client.get("/products/"))
    assert client.get("/products/cranberry-preserves/").status_code == 404


def test_category_and_detail_edits_refresh_pages(client, store):
    """Renaming a category or changing an attribute value shows on the next request."""
    assert "Extremely Tart" in text(client.get("/products/cranberry-preserves/"))
    store.tart_detail.value = "Mouth-puckering"
    store.tart_detail.save()
    assert "Mouth-puckering" in text(client.get("/products/cranberry-preserves/"))
    client.get("/catalogs/fall-collection/")
    store.food.name = "Pantry"
    store.food.save()
    assert ">Pantry</a>" in text(client.get("/catalogs/fall-collection/"))


def test_deleting_a_product_refreshes_pages(client, store):
    """A deleted product leaves the cached list at once."""
    assert "Harvest T-shirt" in text(client.get("/products/"))
    store.shirt.delete()
    assert "Harvest T-shirt" not in text(client.get("/products/"))


def test_pages_are_served_from_the_cache(client, store, django_assert_num_queries):
    """A second request for a page reads no query and gives the same content."""
    first = text(client.get("/catalogs/fall-collection/gifts/"))
    with django_assert_num_queries(0):
        second = text(client.get("/catalogs/fall-collection/gifts/"))
    assert first == second


def test_update_without_signals_needs_a_bump(client, store):
    """``update()`` sends no signal: the page stays as cached until the version is bumped."""
    client.get("/products/")
    Product.objects.filter(pk=store.preserves.pk).update(name="Quietly Renamed")
    assert "Quietly Renamed" not in text(client.get("/products/"))
    bump_catalog_version()
    assert "Quietly Renamed" in text(client.get("/products/"))


def test_a_lost_version_never_revives_old_fragments(store):
    """If the cache loses the version key, the new version differs from every version used before."""
    used = {catalog_version()}
    bump_catalog_version()
    used.add(catalog_version())
    cache.delete(CATALOG_VERSION_KEY)
    assert catalog_version() not in used


def test_bump_works_with_no_version_yet(db):
    """Bumping before any page was cached creates a version."""
    cache.delete(CATALOG_VERSION_KEY)
    bump_catalog_version()
    assert catalog_version() > 0


def test_unrelated_saves_do_not_invalidate(store, django_user_model):
    """Saving a model outside the catalog (a shopper's session, a user) leaves the catalog
    version, and so every cached page, alone."""
    before = catalog_version()
    session = SessionStore()
    session["cart"] = {str(store.preserves.pk): 1}
    session.save()
    Session.objects.get(session_key=session.session_key).delete()
    django_user_model.objects.create_user("ann")
    assert catalog_version() == before
    store.preserves.save()  # while a catalog save does bump it
    assert catalog_version() != before


def test_sessions_run_no_catalog_code():
    """The invalidation handler listens to catalog models only: saving or deleting a session,
    which happens on a shopper's every request, calls no receiver at all."""
    assert not post_save.has_listeners(Session)
    assert not post_delete.has_listeners(Session)


@override_settings(COLEMAN_CATALOG_CACHE_INVALIDATED_BY=["nosuchapp.Thing"])
def test_models_of_apps_not_installed_are_skipped(store):
    """A label of an app the project does not install (an optional app removed) is ignored;
    catalog edits still invalidate."""
    before = catalog_version()
    store.preserves.save()
    assert catalog_version() != before


@override_settings(COLEMAN_CATALOG_CACHE_INVALIDATED_BY=["sessions.Session"])
def test_models_named_in_settings_stay_connected_when_their_app_was_left_out_for_a_while(db):
    """Removing an app from INSTALLED_APPS for a while re-runs every app's ready(); once it is
    back, its models named in COLEMAN_CATALOG_CACHE_INVALIDATED_BY still refresh catalog pages."""
    with site_without(["django.contrib.sessions"]):
        pass
    before = catalog_version()
    SessionStore().save(must_create=True)
    assert catalog_version() != before


@override_settings(COLEMAN_CATALOG_CACHE_INVALIDATED_BY=["auth.User"])
def test_models_named_in_settings_invalidate(store, django_user_model):
    """Models listed in COLEMAN_CATALOG_CACHE_INVALIDATED_BY refresh catalog pages too."""
    before = catalog_version()
    django_user_model.objects.create_user("ann")
    assert catalog_version() != before


def test_messages_stay_live_on_a_cached_page(rf, store, django_assert_num_queries):
    """The page frame is rendered for each request: a shopper's message shows on a cached page."""
    view = ProductListView.as_view()

    def request_with_message(message):
        request = rf.get("/products/", HTTP_COOKIE="sessionid=returning-shopper")
        SessionMiddleware(lambda r: None).process_request(request)
        MessageMiddleware(lambda r: None).process_request(request)
        request.user = AnonymousUser()
        info(request, message)
        return request

    view(request_with_message("Hello Ann")).render()  # warms the cache
    request = request_with_message("Welcome back, Bob")
    with CaptureQueriesContext(connection) as queries:
        page = view(request).render().content.decode()
    # Nothing but the shopper's own session (read by the cart summary) is queried.
    assert all("django_session" in query["sql"] for query in queries.captured_queries)
    assert "Welcome back, Bob" in page
    assert "Hello Ann" not in page
    assert "Cranberry Preserves" in page


def test_fragment_keys_are_short_and_safe(store):
    """Keys stay short and free of spaces whatever the slug (memcached refuses long keys)."""
    key = catalog_cache.fragment_key("CategoryDetailView", "x" * 150, "y y" * 50, 3)
    assert len(key) < 100 and " " not in key


def test_cookieless_visitors_get_the_whole_page_from_the_cache(client, store, django_assert_num_queries):
    """A visitor without cookies is served the stored page: no query, no template, same bytes."""
    first = client.get("/catalogs/fall-collection/gifts/")
    assert first.templates  # rendered the first time
    with django_assert_num_queries(0):
        second = client.get("/catalogs/fall-collection/gifts/")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Vary"] == first["Vary"] == "Cookie"
    assert not second.templates  # served without rendering any template


def test_visitors_with_cookies_get_pages_rendered_for_them(client, store):
    """Sending any cookie (a session, a cart) means the page frame is rendered for that request."""
    client.get("/products/")
    client.cookies["sessionid"] = "returning-shopper"
    response = client.get("/products/")
    assert [t.name for t in response.templates][0] == "products/product_list.html"


def test_pages_with_personal_content_are_not_stored_whole(rf, store):
    """A page that carried a message, changed the session or set a cookie is never stored whole
    (a CSRF token is not personal in that sense: it is swapped for each visitor's own)."""

    def fresh_request():
        request = rf.get("/products/")
        SessionMiddleware(lambda r: None).process_request(request)
        MessageMiddleware(lambda r: None).process_request(request)
        request.user = AnonymousUser()
        return request

    same = CookielessPageCache.is_the_same_for_every_visitor
    assert same(fresh_request(), HttpResponse("page"))
    with_token = fresh_request()
    get_token(with_token)
    assert same(with_token, HttpResponse("page"))
    with_message = fresh_request()
    info(with_message, "Saved")
    assert not same(with_message, HttpResponse("page"))
    with_session_change = fresh_request()
    with_session_change.session["cart"] = {"1": 2}
    assert not same(with_session_change, HttpResponse("page"))
    with_cookie = HttpResponse("page")
    with_cookie.set_cookie("seen", "1")
    assert not same(fresh_request(), with_cookie)


def test_whole_pages_follow_catalog_edits(client, store):
    """The whole-page cache is keyed by the catalog version: an edit shows at once to cookie-less visitors."""
    assert "Harvest T-shirt" in text(client.get("/products/harvest-t-shirt/"))
    store.shirt.name = "Harvest Festival Tee"
    store.shirt.save()
    assert "Harvest Festival Tee" in text(client.get("/products/harvest-t-shirt/"))


def test_a_stored_product_page_gives_each_visitor_a_token_of_their_own(store):
    """The product page (with its "Add to cart" form) is stored whole without anyone's CSRF
    token; each cookie-less visitor gets their own token and cookie, and it works for a POST."""
    url = "/products/cranberry-preserves/"
    token_in = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(url).content.decode()
    second_response = second.get(url)  # served from the stored page
    second_page = second_response.content.decode()
    assert second_response.templates == []  # no template was rendered: the page came whole
    assert CSRF_TOKEN_PLACEHOLDER not in second_page and "csrftoken" in second_response.cookies
    assert token_in.search(first_page).group(1) != token_in.search(second_page).group(1)
    stored, _, has_token = catalog_cache.get_fragment(CookielessPageCache().key(RequestFactory().get(url)))
    assert has_token and CSRF_TOKEN_PLACEHOLDER.encode() in stored
    assert token_in.search(first_page).group(1).encode() not in stored
    if apps.is_installed("coleman.cart"):
        form_token = token_in.search(second_page).group(1)
        response = second.post(
            reverse("cart:add-item", args=[store.preserves.pk]), {"quantity": "1", "csrfmiddlewaretoken": form_token}
        )
        assert response.status_code == 302


def test_a_page_read_once_is_served_from_the_process_memory(client, store):
    """A whole page read from the shared cache is kept in the process: it is served again
    even after the shared cache lost it, until the catalog version changes."""
    url = "/catalogs/fall-collection/gifts/"
    first = text(client.get(url))
    key = CookielessPageCache().key(RequestFactory().get(url))
    catalog_cache.local_fragments.clear()  # a fresh process: only the shared cache has the page
    text(client.get(url))
    cache.delete(key)
    again = client.get(url)
    assert again.templates == [] and text(again) == first  # from memory, nothing rendered
    Product.objects.filter(pk=store.candle.pk).update(name="Tall Candle")
    bump_catalog_version()  # as every catalog change does, from any process
    assert "Tall Candle" in text(client.get(url))


def test_process_memory_keeps_the_shared_entrys_deadline(db, monkeypatch):
    """A fragment kept in memory expires when its shared cache entry does."""
    catalog_cache.set_fragment("coleman-test:fragment", "<p>old</p>")
    assert catalog_cache.get_fragment("coleman-test:fragment") == "<p>old</p>"
    later = catalog_cache.time.time() + 601
    monkeypatch.setattr(catalog_cache.time, "time", lambda: later)
    assert catalog_cache.get_fragment("coleman-test:fragment") is None


@override_settings(COLEMAN_CATALOG_LOCAL_CACHE_ENTRIES=2)
def test_process_memory_is_bounded_and_holds_only_immutable_values(db):
    """Only the most recently used fragments stay in memory, and only immutable ones (a caller
    may change a dict or an object it was given; the next reader must not see that)."""
    for name in ("a", "b", "c"):
        catalog_cache.set_fragment(f"coleman-test:{name}", name.upper())
    catalog_cache.set_fragment("coleman-test:dict", {"x": 1})
    cache.clear()
    assert [catalog_cache.get_fragment(f"coleman-test:{name}") for name in ("a", "b", "c")] == [None, "B", "C"]
    assert catalog_cache.get_fragment("coleman-test:dict") is None
    assert catalog_cache.is_immutable((b"page", "text/html", True)) and not catalog_cache.is_immutable(([],))


def test_a_shoppers_page_reads_the_catalog_version_once(store, monkeypatch):
    """The page and its live part (the cart summary) take their keys under one version read."""
    client = Client()
    client.get("/products/")
    client.post(f"/cart/add/{store.candle.pk}/", {"quantity": "1"})
    client.get("/cart/")  # shows the "added" message
    text(client.get("/products/"))
    backend = caches["default"]
    reads = []
    real_get = backend.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", counting_get)
    page = text(client.get("/products/"))
    assert 'class="cart-summary-count">1<' in page
    assert sum(1 for key in reads if key == CATALOG_VERSION_KEY) == 1
