"""Signal receivers of the orders app."""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router

from .statuses import status_code_rows


def ensure_status_codes(sender, *, apps=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """After ``migrate`` (and ``flush``, which test runs use) make sure every status code exists.

    Missing rows are created; rows staff renamed are left as they are.
    """
    if apps is None:
        apps = global_apps
    try:
        StatusCode = apps.get_model("orders", "StatusCode")
    except LookupError:
        return
    if not router.allow_migrate_model(using, StatusCode):
        return
    for short_name, name, description in status_code_rows():
        StatusCode.objects.using(using).get_or_create(
            short_name=short_name, defaults={"name": name, "description": description}
        )
