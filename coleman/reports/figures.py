"""The figures of the reports, aggregated by the database.

Every function runs a few queries whose number does not depend on the orders, and never
loops over orders in Python: ``TruncMonth`` (see :func:`month_of`) and ``Sum`` group the
order lines in SQL; :func:`sales_figures` reads the lines of a period once for the monthly,
category and product figures. Sales
count the lines of orders whose money has been received (PAID, SHIPPED, CLOSED), at the
price they were sold at; shipping is not merchandise and is left out.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connections
from django.db.models import CharField, Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Substr, TruncMonth
from django.utils import timezone

from coleman.conf import coleman_settings
from coleman.core.money import to_money
from coleman.orders.models import Order, ProductInOrder
from coleman.orders.statuses import PAID_OR_LATER, Status
from coleman.products.models import CatalogCategory, Product

from .periods import ReportScope

ZERO = Decimal("0.00")
NO_CATEGORY = "Products no longer in the catalog"


def _money_sum(field):
    return Coalesce(Sum(field), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))


def sold_lines(scope: ReportScope):
    """Order lines of paid orders placed within the scope (and of its catalog)."""
    lines = ProductInOrder.objects.filter(
        order__placed_at__gte=scope.since,
        order__placed_at__lt=scope.until,
        order__status_id__in=sorted(PAID_OR_LATER),
    )
    if scope.catalog is not None:
        lines = lines.filter(product__category__catalog=scope.catalog)
    return lines


@dataclass(frozen=True)
class MonthSales:
    """Sales of one month."""

    month: date
    revenue: Decimal
    units: int
    orders: int

    @property
    def label(self) -> str:
        """``Oct 2026``."""
        return f"{self.month:%b %Y}"


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from ``start``'s to ``end``'s."""
    months, index, last = [], start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    while index <= last:
        months.append(date(index // 12, index % 12 + 1, 1))
        index += 1
    return months


def month_of(field: str, using: str = "default"):
    """The month of a date-time column, for grouping: ``TruncMonth``.

    On SQLite ``TruncMonth`` is a Python function called for every row (about 2 s for the
    125,000 order lines of a year in ``bench/reports.py``); when the current time zone is
    UTC, the time zone SQLite's text timestamps are stored in, the first seven characters
    (``2026-01``) are the same month, read natively in SQL.
    """
    if connections[using].vendor == "sqlite" and timezone.get_current_timezone_name() == "UTC":
        return Substr(Cast(field, CharField()), 1, 7)
    return TruncMonth(field)


def _as_date(value) -> date:
    if isinstance(value, str):  # "2026-01" from month_of() on SQLite
        return date(int(value[:4]), int(value[5:7]), 1)
    return value.date() if hasattr(value, "date") else value


@dataclass(frozen=True)
class CategorySales:
    """Sales of one category."""

    catalog: str
    category: str
    revenue: Decimal
    units: int

    @property
    def label(self) -> str:
        """``Food (Fall Collection)``."""
        return f"{self.category} ({self.catalog})" if self.catalog else self.category


@dataclass(frozen=True)
class ProductSales:
    """Sales of one product (by its slug when sold)."""

    sku: str
    name: str
    revenue: Decimal
    units: int


@dataclass(frozen=True)
class SalesFigures:
    """The sales of a scope: per month, per category (largest first) and the top products."""

    months: list[MonthSales]
    categories: list[CategorySales]
    top: list[ProductSales]


def paid_orders(scope: ReportScope):
    """Paid orders placed within the scope (with a line of its catalog, when it has one)."""
    orders = Order.objects.filter(
        placed_at__gte=scope.since, placed_at__lt=scope.until, status_id__in=sorted(PAID_OR_LATER)
    )
    if scope.catalog is not None:
        in_catalog = ProductInOrder.objects.filter(product__category__catalog=scope.catalog).values("order_id")
        orders = orders.filter(pk__in=in_catalog)
    return orders


def sales_figures(scope: ReportScope, top_limit: int | None = None) -> SalesFigures:
    """Sales per month, per category and per product of the scope, in three queries.

    The order lines are read once, grouped by the database by month, category and product
    (at most months × products sold rows, however many orders there are); the months,
    categories and top products are totals of those groups. Orders per month are counted
    on the orders; category names are read for the categories found.
    """
    top_limit = top_limit or coleman_settings.REPORTS_TOP_PRODUCTS
    groups = (
        sold_lines(scope)
        .annotate(month=month_of("order__placed_at"))
        .values("month", "product__category_id", "sku")
        .annotate(revenue=_money_sum("line_total"), units=Sum("quantity"), name=Max("name"))
        .order_by()
    )
    per_month: dict[date, list] = defaultdict(lambda: [ZERO, 0])
    per_category: dict[int | None, list] = defaultdict(lambda: [ZERO, 0])
    per_product: dict[str, list] = {}
    for row in groups:
        revenue, units = row["revenue"], row["units"] or 0
        for totals in (per_month[_as_date(row["month"])], per_category[row["product__category_id"]]):
            totals[0] += revenue
            totals[1] += units
        product = per_product.setdefault(row["sku"], [ZERO, 0, row["name"]])
        product[0] += revenue
        product[1] += units
        product[2] = max(product[2], row["name"])
    orders = (
        paid_orders(scope).annotate(month=month_of("placed_at")).values("month").annotate(count=Count("pk")).order_by()
    )
    orders_per_month = {_as_date(row["month"]): row["count"] for row in orders}
    months = [
        MonthSales(
            month=month,
            revenue=to_money(per_month.get(month, [ZERO])[0]),
            units=per_month.get(month, [ZERO, 0])[1],
            orders=orders_per_month.get(month, 0),
        )
        for month in months_between(scope.start, scope.end)
    ]
    names = {
        pk: (catalog, name)
        for pk, catalog, name in CatalogCategory.objects.filter(
            pk__in=[pk for pk in per_category if pk is not None]
        ).values_list("pk", "catalog__name", "name")
    }
    categories = sorted(
        (
            CategorySales(
                catalog=names.get(pk, ("", ""))[0],
                category=names.get(pk, ("", NO_CATEGORY))[1],
                revenue=to_money(revenue),
                units=units,
            )
            for pk, (revenue, units) in per_category.items()
        ),
        key=lambda row: (-row.revenue, row.category, row.catalog),
    )
    top = sorted(
        (
            ProductSales(sku=sku, name=name, revenue=to_money(revenue), units=units)
            for sku, (revenue, units, name) in per_product.items()
        ),
        key=lambda row: (-row.revenue, row.sku),
    )[:top_limit]
    return SalesFigures(months=months, categories=categories, top=top)


def sales_by_month(scope: ReportScope) -> list[MonthSales]:
    """Revenue, units and orders per month of the scope (months without sales count zero)."""
    return sales_figures(scope).months


def sales_by_category(scope: ReportScope) -> list[CategorySales]:
    """Revenue and units per category, largest first."""
    return sales_figures(scope).categories


def top_products(scope: ReportScope, limit: int | None = None) -> list[ProductSales]:
    """The best-selling products by revenue (``COLEMAN_REPORTS_TOP_PRODUCTS`` of them)."""
    return sales_figures(scope, top_limit=limit).top


@dataclass(frozen=True)
class StatusCount:
    """Orders in one status."""

    status: str
    orders: int
    total: Decimal
    discount: Decimal = Decimal("0.00")  # vouchers and offers given
    tax: Decimal = Decimal("0.00")  # tax collected (added or included in prices)

    @property
    def label(self) -> str:
        """What the status means."""
        return Status.label_for(self.status)


def order_statuses(scope: ReportScope) -> list[StatusCount]:
    """Orders placed within the scope, per status, with their totals (any status)."""
    orders = Order.objects.filter(placed_at__gte=scope.since, placed_at__lt=scope.until)
    if scope.catalog is not None:
        in_catalog = ProductInOrder.objects.filter(product__category__catalog=scope.catalog).values("order_id")
        orders = orders.filter(pk__in=in_catalog)
    rows = (
        orders.values("status_id")
        .annotate(orders=Count("pk"), total=_money_sum("total"), discount=_money_sum("discount"), tax=_money_sum("tax"))
        .order_by("status_id")
    )
    return [
        StatusCount(
            status=row["status_id"],
            orders=row["orders"],
            total=to_money(row["total"]),
            discount=to_money(row["discount"]),
            tax=to_money(row["tax"]),
        )
        for row in rows
    ]


def inventory(scope: ReportScope):
    """Every product of the scope's catalog (active or not) as rows for a table:
    ``(name, slug, catalog, category, price, stock, is_active)``, in catalog order."""
    products = Product.objects.all()
    if scope.catalog is not None:
        products = products.filter(category__catalog=scope.catalog)
    return products.order_by("category__catalog__name", "category__name", "name", "pk").values_list(
        "name", "slug", "category__catalog__name", "category__name", "price", "stock", "is_active", named=True
    )


def inventory_totals(scope: ReportScope) -> dict:
    """How many products, active, out of stock (tracked stock at 0) and stock units."""
    products = Product.objects.all()
    if scope.catalog is not None:
        products = products.filter(category__catalog=scope.catalog)
    return products.aggregate(
        products=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        out_of_stock=Count("pk", filter=Q(stock=0)),
        units=Coalesce(Sum("stock"), 0),
    )


def deals(since, limit: int | None = None) -> list[Product]:
    """Active products added since ``since`` or featured, newest first (at most
    ``COLEMAN_REPORTS_DEALS_MAX``)."""
    limit = limit or coleman_settings.REPORTS_DEALS_MAX
    products = (
        Product.objects.active()
        .filter(Q(created__gte=since) | Q(is_featured=True))
        .select_related("category__catalog")
        .order_by("-created", "-id")
    )
    return list(products[:limit])
