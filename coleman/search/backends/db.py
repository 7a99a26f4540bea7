"""Turning product rows from the database into :class:`Match` objects in one query."""

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
