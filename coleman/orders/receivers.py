"""Signal receivers of the orders app."""

from django.db import DEFAULT_DB_ALIAS, router

# The status codes the pipeline needs; the data migration 0002 seeds the same rows.
DEFAULT_STATUS_CODES = [
    ("NEW", "Awaiting Payment", "The order was placed and is waiting for the customer's payment."),
    ("NEW_CHKOUT", "Checking Out", "The customer is paying with the payment service."),
    ("PAID", "Payment Received", "The payment service confirmed the payment; the order can be shipped."),
    ("SHIPPED", "Shipped", "The order left the warehouse; see the tracking number."),
    ("CLOSED", "Closed", "The order was delivered and is complete."),
    ("EXCEPTION", "Needs Attention", "Something went wrong (payment, stock, delivery); staff are on it."),
    ("CANCELLED", "Cancelled", "The order was cancelled and its stock released."),
]


def ensure_status_codes(sender, *, apps=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """After ``migrate`` (and ``flush``, which test runs use) make sure every status code exists.

    Missing rows are created; rows staff renamed are left as they are.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        StatusCode = apps.get_model("orders", "StatusCode")
    except LookupError:
        return
    if not router.allow_migrate_model(using, StatusCode):
        return
    for short_name, name, description in DEFAULT_STATUS_CODES:
        StatusCode.objects.using(using).get_or_create(
            short_name=short_name, defaults={"name": name, "description": description}
        )
