"""The store's URLs plus ``/bench/bare/``: a bare Django view that never touches the database.

The bare view is the physical limit of this machine for a Django page: the same WSGI server,
settings and middleware, with no query and no template. It lives here, not in the store.
"""

from django.http import HttpResponse
from django.urls import path

from ecommerce_book.urls import urlpatterns as store_urlpatterns

BARE_PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>Bare</title></head><body>"
    + "<p>"
    + "cranberry " * 1010
    + "</p></body></html>"
).encode()
assert 10_000 <= len(BARE_PAGE) <= 10_400


def bare(request):
    """Return a constant 10 KB page."""
    return HttpResponse(BARE_PAGE)


urlpatterns = [path("bench/bare/", bare), *store_urlpatterns]
