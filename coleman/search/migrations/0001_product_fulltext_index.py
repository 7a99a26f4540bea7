"""GIN index for PostgreSQL full-text search of products; nothing on other databases.

The products table belongs to the products app, so the index is created here with
RunPython: it applies only when the database is PostgreSQL, and it is built from the
same expression the search uses (see ``coleman.search.postgres``) so the planner uses it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "search_product_fts_gin"


def _index():
    vector = SearchVector("name", weight="A", config="english") + SearchVector(
        "description", weight="B", config="english"
    )
    return GinIndex(vector, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    product = apps.get_model("products", "Product")
    schema_editor.execute(_index().create_sql(product, schema_editor))


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    product = apps.get_model("products", "Product")
    schema_editor.execute(_index().remove_sql(product, schema_editor))


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
