"""The running automatic offers, read in a constant number of queries and cached.

:func:`running_offers` returns an :class:`OfferSnapshot`: every switched-on offer that has
not ended, with each offer's scope expanded to the set of category ids it covers. Loading it
costs one query on a cold cache (a second for the category tree when an offer is scoped to a
catalog or category) and none when warm, however many offers exist. Offers not started yet
are kept and skipped by time, so a start needs no reload; the snapshot is cached for
``COLEMAN_OFFERS_CACHE_SECONDS`` and dropped at once when an offer or a category is saved or
deleted (``receivers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.products.models import CatalogCategory

from .models import Offer

SNAPSHOT_KEY = "coleman:offers:snapshot:v1"
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class RunningOffer:
    """What pricing needs of one offer, free of the database."""

    id: int
    name: str
    kind: str
    percent: Decimal | None
    buy_quantity: int | None
    pay_quantity: int | None
    categories: frozenset | None  # None: the whole store
    starts_at: object
    ends_at: object

    def runs_at(self, now) -> bool:
        """True when ``now`` is inside the offer's period."""
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)

    def covers(self, category_id) -> bool:
        """True when products of ``category_id`` are in the offer's scope."""
        return self.categories is None or category_id in self.categories


class OfferSnapshot:
    """The running offers and the category tree, with the offer arithmetic."""

    def __init__(self, offers, categories=None):
        self.offers = list(offers)
        self._categories = categories  # [(id, parent id, catalog id)], read when first needed

    @property
    def categories(self):
        """Every category as ``(id, parent id, catalog id)`` (one query, on first use only)."""
        if self._categories is None:
            self._categories = list(CatalogCategory.objects.values_list("id", "parent_id", "catalog_id"))
        return self._categories

    @cached_property
    def children(self):
        """Category id -> ids of its sub-categories (None -> the top categories)."""
        children = {}
        for child, parent, _catalog in self.categories:
            children.setdefault(parent, []).append(child)
        return children

    def in_catalog(self, catalog_id) -> frozenset:
        """The ids of a catalog's categories."""
        return frozenset(child for child, _parent, catalog in self.categories if catalog == catalog_id)

    def descendants(self, category_id) -> frozenset:
        """``category_id`` and every category below it."""
        found, todo = set(), [category_id]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.add(current)
            todo.extend(self.children.get(current, ()))
        return frozenset(found)

    def running(self, now=None):
        """The offers running at ``now`` (default: now)."""
        now = now or timezone.now()
        return [offer for offer in self.offers if offer.runs_at(now)]

    def unit_price(self, product, price, now=None) -> tuple[Decimal, str]:
        """``(price after the best running percentage offer for product, its name)``."""
        best, reason = to_money(price), ""
        for offer in self.running(now):
            if offer.kind != Offer.Kind.PERCENT or not offer.covers(product.category_id):
                continue
            candidate = to_money(price * (HUNDRED - offer.percent) / HUNDRED)
            if candidate < best:
                best = candidate
                reason = _("%(percent)s%% off: %(offer)s") % {
                    "percent": f"{offer.percent.normalize():f}",
                    "offer": offer.name,
                }
        return best, reason

    def multibuys(self, lines, now=None) -> list[tuple[RunningOffer, object, int, Decimal]]:
        """``(offer, line, free units, discount)`` for each line a "buy N, pay for M" offer
        covers (the best offer per line): every N units of a product, N − M are free."""
        found = []
        offers = [offer for offer in self.running(now) if offer.kind == Offer.Kind.MULTIBUY]
        for line in lines:
            best = None
            for offer in offers:
                if not offer.covers(line.product.category_id):
                    continue
                free = (line.quantity // offer.buy_quantity) * (offer.buy_quantity - offer.pay_quantity)
                discount = to_money(line.unit_price * free)
                if free and (best is None or discount > best[3]):
                    best = (offer, line, free, discount)
            if best:
                found.append(best)
        return found


def _load() -> OfferSnapshot:
    """One query for the offers, and one for the category tree only when an offer has a scope."""
    now = timezone.now()
    rows = list(
        Offer.objects.filter(is_active=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .values(
            "id",
            "name",
            "kind",
            "percent",
            "buy_quantity",
            "pay_quantity",
            "catalog_id",
            "category_id",
            "starts_at",
            "ends_at",
        )
    )
    snapshot = OfferSnapshot([])
    for row in rows:
        if row["category_id"]:
            scope = snapshot.descendants(row["category_id"])
        elif row["catalog_id"]:
            scope = snapshot.in_catalog(row["catalog_id"])
        else:
            scope = None
        snapshot.offers.append(
            RunningOffer(
                id=row["id"],
                name=row["name"],
                kind=row["kind"],
                percent=row["percent"],
                buy_quantity=row["buy_quantity"],
                pay_quantity=row["pay_quantity"],
                categories=scope,
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
            )
        )
    return snapshot


def running_offers() -> OfferSnapshot:
    """The cached :class:`OfferSnapshot` (loaded on a cold cache)."""
    snapshot = cache.get(SNAPSHOT_KEY)
    if snapshot is None:
        snapshot = _load()
        cache.set(SNAPSHOT_KEY, snapshot, timeout=coleman_settings.OFFERS_CACHE_SECONDS)
    return snapshot


def forget_running_offers() -> None:
    """Drop the cached snapshot (an offer or a category changed)."""
    cache.delete(SNAPSHOT_KEY)


def automatic_price(product, price):
    """The price rule registered with :mod:`coleman.products.prices`: the best running percentage offer."""
    return running_offers().unit_price(product, price)


__all__ = ["OfferSnapshot", "RunningOffer", "automatic_price", "forget_running_offers", "running_offers"]
