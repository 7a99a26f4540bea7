"""Turning product rows from the database into :class:`Match` objects in one query, and the
SQL of the facet keys and filters (shared by the engines that read products in SQL)."""

from django.db import connection
from django.db.models import BooleanField, Case, CharField, Q, Value, When
from django.db.models.expressions import RawSQL

from coleman.products.models import Product

from .base import Match

MATCH_FIELDS = (
    "pk",
    "name",
    "slug",
    "price",
    "photo",
    "category_id",
    "category__name",
    "category__catalog__slug",
    "category__catalog__name",
    "manufacturer",
    "description",
)


KEY_FIELDS = ("category__catalog__slug", "category__catalog__name", "category_id", "category__name", "manufacturer")


def band_expression(bands):
    """SQL giving the value of the price band a product's price lies in (NULL: none), as
    :func:`.base.band_of` does."""
    whens = [
        When(Q(price__gte=low) & Q(price__lt=high) if high is not None else Q(price__gte=low), then=Value(value))
        for value, _label, low, high in bands
    ]
    return Case(*whens, default=Value(None), output_field=CharField())


def in_price_expression(request):
    """SQL telling whether a product's price lies in the band ``request`` selected (TRUE
    without one)."""
    if not request.price_band:
        return Value(True)
    return Case(When(price_q(request.price_band), then=Value(True)), default=Value(False), output_field=BooleanField())


def price_q(band):
    """``Q`` of the prices in ``band`` (low, high or None)."""
    low, high = band
    return Q(price__gte=low) & Q(price__lt=high) if high is not None else Q(price__gte=low)


def filter_q(request):
    """The filters of ``request`` as a ``Q`` on products (what :func:`.base.key_passes` checks)."""
    q = Q()
    if request.catalog:
        q &= Q(category__catalog__slug=request.catalog)
    if request.category:
        q &= Q(category_id=request.category)
    if request.manufacturer:
        q &= Q(manufacturer=request.manufacturer)
    if request.price_band:
        q &= price_q(request.price_band)
    return q


def among(ids):
    """A filter of products to those whose id is in ``ids``: on PostgreSQL ``= ANY`` of one
    array parameter (thousands of ids cost a placeholder each to quote, send and parse with
    ``IN``), elsewhere ``pk__in``."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Product._meta.db_table)
        # table and column names are quoted identifiers of the model; the ids are one parameter.
        column = f"{table}.{connection.ops.quote_name('id')}"
        return RawSQL(f"{column} = ANY(%s)", (list(ids),), output_field=BooleanField())  # noqa: S611
    return Q(pk__in=list(ids))


def match_from_row(row, score=0.0):
    """A :class:`Match` from a ``values_list(*MATCH_FIELDS)`` row."""
    pk, name, slug, price, photo, category_id, category, catalog_slug, catalog, manufacturer, text = row
    return Match(
        pk=pk,
        name=name,
        slug=slug,
        price=price,
        photo=photo or "",
        category_id=category_id,
        category=category,
        catalog_slug=catalog_slug,
        catalog=catalog,
        manufacturer=manufacturer,
        text=text,
        score=score,
    )


def matches_for_ids(scored_ids):
    """Matches of the *active* products among ``scored_ids`` [(pk, score)], kept in that order.

    One query whatever the number of ids; ids of products since deactivated or deleted are
    dropped, so a stale external index never shows them.
    """
    if not scored_ids:
        return []
    scores = dict(scored_ids)
    rows = Product.objects.active().filter(pk__in=list(scores)).values_list(*MATCH_FIELDS)
    by_pk = {row[0]: row for row in rows}
    return [match_from_row(by_pk[pk], score) for pk, score in scored_ids if pk in by_pk]
