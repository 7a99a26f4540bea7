"""Give every user that existed before the customers app a ``Customer`` profile."""

from django.conf import settings
from django.db import migrations


def create_missing_profiles(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Customer = apps.get_model("customers", "Customer")
    missing = User.objects.filter(customer__isnull=True).values_list("pk", flat=True)
    Customer.objects.bulk_create([Customer(user_id=pk) for pk in missing.iterator()], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_missing_profiles, migrations.RunPython.noop)]
