"""PostgreSQL: the weighted search document of each product stored in a generated column.

Ranking a match (``ts_rank``) needs the product's ``tsvector``; computed from the name and
description for every match of every search it was most of a search's time (40 µs a row).
PostgreSQL now keeps it in ``products_product.search_document`` (``GENERATED ALWAYS … STORED``,
so every write, ``bulk_create`` and ``update()`` included, keeps it current without the
products app knowing), and the GIN index is built on that column instead of the expression.
Nothing on other databases.

PostgreSQL refuses to change the type of a column a generated column reads: a later
migration changing the type of the product's ``name`` or ``description`` must drop this
column first (reverse this migration) and add it again after.
"""

from django.db import migrations

DOCUMENT_COLUMN = "search_document"
DOCUMENT_SQL = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(name, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'B')"
)
GIN_INDEX_NAME = "search_product_document_gin"
OLD_INDEX_NAME = "search_product_fts_gin"


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE products_product ADD COLUMN {DOCUMENT_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT_SQL}) STORED"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX_NAME}")
    schema_editor.execute(f"CREATE INDEX {GIN_INDEX_NAME} ON products_product USING gin ({DOCUMENT_COLUMN})")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX_NAME}")
    schema_editor.execute(f"ALTER TABLE products_product DROP COLUMN {DOCUMENT_COLUMN}")
    schema_editor.execute(f"CREATE INDEX {OLD_INDEX_NAME} ON products_product USING gin (({DOCUMENT_SQL}))")


class Migration(migrations.Migration):
    dependencies = [
        ("coleman_search", "0001_product_fulltext_index"),
        ("products", "0006_product_admin_order_index"),
    ]

    operations = [
        migrations.RunPython(add_column, drop_column, elidable=False),
    ]
