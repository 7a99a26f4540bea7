"""Seed the order pipeline's status codes (the book's four steps plus checkout, exception, cancelled)."""

from django.db import migrations

from coleman.orders.statuses import status_code_rows

STATUS_CODES = status_code_rows()


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
