"""URLs of the payments app, mounted at the site root by the project.

``/checkout/`` and ``/checkout/<processor>/`` are the shopper's checkout; each installed
processor's own URLs (returns, notifications) live under ``/payments/<processor>/`` in the
namespace ``payments:<processor>``.
"""

from django.urls import include, path

from .exceptions import ImproperlyConfiguredProcessor
from .processors import get_processors
from .processors.views import CallbackView
from .views import CheckoutView, PayOrderView

app_name = "payments"


def processor_patterns():
    """One ``include`` per installed processor; bad settings are left to the system checks."""
    try:
        processors = get_processors()
    except ImproperlyConfiguredProcessor:
        return []
    return [
        path(
            f"payments/{name}/",
            include(
                (
                    [
                        *processor.get_urls(),
                        path("callback/", CallbackView.as_view(processor=processor), name="callback"),
                    ],
                    name,
                ),
                namespace=name,
            ),
        )
        for name, processor in processors.items()
    ]


urlpatterns = [
    path("checkout/", CheckoutView.as_view(), name="choose"),
    path("checkout/<slug:processor>/", CheckoutView.as_view(), name="checkout"),
    path("checkout/<slug:processor>/pay/<str:number>/", PayOrderView.as_view(), name="pay"),
    *processor_patterns(),
]
