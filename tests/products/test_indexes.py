"""Product listings are read in index order: no sort of the catalog, whatever its size.

SQLite: the plan of each listing query names the listing index and has no temporary B-tree
for ORDER BY. PostgreSQL: with sorts and sequential scans discouraged, the plan has no Sort
node, which proves an index delivers the order (at 100,000 products the planner picks these
indexes on its own; see bench/README.md).
"""

import pytest
from django.db import connection

from coleman.products.models import Product

pytestmark = pytest.mark.django_db


def listing_queries(store):
    active = Product.objects.active()
    return {
        "all products by name": active.values_list("pk", flat=True)[:24],
        "one category by name": active.filter(category_id__in=[store.candles.pk]).values_list("pk", flat=True)[:24],
        "newest first": Product.objects.for_listing().order_by("-created", "-id")[:8],
        "featured by name": Product.objects.for_listing().filter(is_featured=True).order_by("name", "id")[:8],
    }


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("name", ["all products by name", "one category by name", "newest first", "featured by name"])
def test_listing_is_read_in_index_order(store, name):
    """The listing query is answered from a listing index without sorting the products."""
    query_plan = plan(listing_queries(store)[name])
    if connection.vendor == "sqlite":
        assert "products_listing_" in query_plan or "products_featured_idx" in query_plan, query_plan
        assert "TEMP B-TREE FOR ORDER BY" not in query_plan, query_plan
    else:
        assert "Sort" not in query_plan, query_plan
        assert "products_listing_" in query_plan or "products_featured_idx" in query_plan, query_plan


def test_counting_a_category_is_index_only(store):
    """Counting a category's active products reads only the (category, is_active) index."""
    if connection.vendor != "sqlite":
        pytest.skip("index-only counts depend on PostgreSQL's visibility map; checked on SQLite")
    counted = Product.objects.active().filter(category_id__in=[store.candles.pk, store.apparel.pk])
    query_plan = plan(counted.order_by().values_list("pk", flat=True))
    assert "COVERING INDEX products_category_active_idx" in query_plan, query_plan
