"""Seed the order pipeline's status codes (the book's four steps plus checkout, exception, cancelled)."""

from django.db import migrations

STATUS_CODES = [
    ("NEW", "Awaiting Payment", "The order was placed and is waiting for the customer's payment."),
    ("NEW_CHKOUT", "Checking Out", "The customer is paying with the payment service."),
    ("PAID", "Payment Received", "The payment service confirmed the payment; the order can be shipped."),
    ("SHIPPED", "Shipped", "The order left the warehouse; see the tracking number."),
    ("CLOSED", "Closed", "The order was delivered and is complete."),
    ("EXCEPTION", "Needs Attention", "Something went wrong (payment, stock, delivery); staff are on it."),
    ("CANCELLED", "Cancelled", "The order was cancelled and its stock released."),
]


def seed(apps, schema_editor):
    StatusCode = apps.get_model("orders", "StatusCode")
    for short_name, name, description in STATUS_CODES:
        StatusCode.objects.update_or_create(
            short_name=short_name, defaults={"name": name, "description": description}
        )


def unseed(apps, schema_editor):
    StatusCode = apps.get_model("orders", "StatusCode")
    StatusCode.objects.filter(short_name__in=[code for code, _, _ in STATUS_CODES], orders__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
