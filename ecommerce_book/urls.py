"""Root URLs of the store.

The project chooses the URL prefix of each app. An app's URLs are mounted only when the app
is in ``INSTALLED_APPS``, so removing an optional app from the settings leaves a working
store without dead links.
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from coleman.conf import coleman_settings

# (app, URL prefix, URLconf module) for every Coleman app that has pages.
# Django tries these in order on every request, walking every pattern of each app mounted at
# "" before the next: the storefront's own pages (home, products, catalogs) come first, then
# the cart and search, so the busiest pages resolve without walking the other apps' patterns.
# No two apps answer the same path, so the order decides nothing else.
COLEMAN_APP_URLS = [
    ("coleman.products", "", "coleman.products.urls"),
    ("coleman.cart", "cart/", "coleman.cart.urls"),
    ("coleman.search", "search/", "coleman.search.urls"),
    ("coleman.core", "", "coleman.core.urls"),
    ("coleman.wishlists", "accounts/wishlists/", "coleman.wishlists.urls"),
    ("coleman.customers", "accounts/", "coleman.customers.urls"),
    ("coleman.currencies", "currency/", "coleman.currencies.urls"),
    ("coleman.orders", "", "coleman.orders.urls"),
    # /checkout/ and /checkout/<processor>/ (the payment framework's), /payments/<processor>/…
    ("coleman.payments", "", "coleman.payments.urls"),
    ("coleman.ratings", "ratings/", "coleman.ratings.urls"),
    ("coleman.digital", "downloads/", "coleman.digital.urls"),
    ("coleman.api", "api/", "coleman.api.urls"),
    ("coleman.reports", "reports/", "coleman.reports.urls"),
    ("coleman.payments.sandbox", "sandbox/", "coleman.payments.sandbox.urls"),
]

admin.site.site_header = f"{coleman_settings.STORE_NAME} administration"
admin.site.site_title = admin.site.site_header

urlpatterns = [
    path("admin/", admin.site.urls),
    *(path(prefix, include(urlconf)) for app, prefix, urlconf in COLEMAN_APP_URLS if apps.is_installed(app)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
