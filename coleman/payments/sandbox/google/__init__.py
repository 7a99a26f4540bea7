"""Google Checkout, played locally: the checkout pages, the Notification API's calls to the
store and the Order Processing API (``views``), with documents and signatures of its own
(``documents``)."""

from .views import urlpatterns

__all__ = ["urlpatterns"]
