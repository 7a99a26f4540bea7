"""URLs of the gateway sandbox, mounted at ``/sandbox/`` in dev and test only.

Each service's module (``google``, ``amazon``, ``paypal``) has its own ``urlpatterns``,
mounted under its name; URL names are in the ``sandbox`` namespace (``sandbox:google-pay``).
"""

from importlib import import_module
from importlib.util import find_spec

from django.urls import include, path

app_name = "sandbox"

SERVICES = ("google", "amazon", "paypal", "salesforce")

urlpatterns = [
    path(f"{service}/", include(import_module(f"{__package__}.{service}").urlpatterns))
    for service in SERVICES
    if find_spec(f"{__package__}.{service}") is not None
]
