"""URLs of the gateway sandbox, mounted at ``/sandbox/`` in dev and test only.

:data:`SERVICES` lists the services the sandbox plays, in one place. Each is a module or
package of this app with its own ``urlpatterns``, mounted under its name; URL names are in the
``sandbox`` namespace (``sandbox:google-pay``). A new fake service is a new module (or
package) here, one entry in :data:`SERVICES`, and its settings in :mod:`.conf`.
"""

from importlib import import_module

from django.urls import include, path

app_name = "sandbox"

SERVICES = ("google", "amazon", "paypal", "stripe", "salesforce")

urlpatterns = [
    path(f"{service}/", include(import_module(f"{__package__}.{service}").urlpatterns)) for service in SERVICES
]
