"""Loading the CranStore.com demo catalog (:mod:`.data`) into the database.

:func:`load_cranstore` creates what is missing and leaves everything that exists alone, so
staff edits survive a second run. It runs one step per table: to add demo data of a new kind,
add its table to :mod:`.data`, a counter to :class:`LoadReport` (it then shows in the
command's summary) and a ``load_…`` step below, called from :func:`load_cranstore`.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from coleman.offers.models import Offer, Voucher
from coleman.products.models import Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail, ProductVariant
from coleman.tax.models import SalesTaxRate

from .data import ATTRIBUTES, CATALOGS, OFFERS, PRODUCTS, PUBLISHER, SALES_TAX_RATES, VARIANTS, VOUCHERS
from .pictures import draw_product_picture


@dataclass
class LoadReport:
    """How many rows (and pictures) of each kind :func:`load_cranstore` created."""

    catalogs: int = 0
    categories: int = 0
    products: int = 0
    details: int = 0
    variants: int = 0
    vouchers: int = 0
    offers: int = 0
    tax_rates: int = 0
    pictures: int = 0

    def summary(self) -> str:
        """ "2 catalogs, 13 categories, … and 22 pictures", in field order."""
        counts = [f"{getattr(self, kind.name)} {kind.name}" for kind in fields(self)]
        return f"{', '.join(counts[:-1])} and {counts[-1]}"


@transaction.atomic
def load_cranstore(*, photos: bool = True) -> LoadReport:
    """Create whatever is missing of the CranStore.com demo catalog; never change what exists.

    Product pictures are drawn and saved only for products that have none (or whose file has
    gone from storage), so a second run writes nothing.
    """
    report = LoadReport()
    categories = load_catalogs(report)
    attributes = load_attributes()
    load_products(categories, attributes, report, photos=photos)
    load_variants(report)
    load_offers(categories, report)
    return report


def load_variants(report) -> None:
    """The demo variants: T-shirts in sizes, preserves in jar sizes (created once, by SKU)."""
    products = Product.objects.in_bulk({row[0] for row in VARIANTS}, field_name="slug")
    for position, (slug, kind, name, sku, price, stock, weight) in enumerate(VARIANTS):
        if slug not in products:
            continue
        _variant, created = ProductVariant.objects.get_or_create(
            sku=sku,
            defaults={
                "product": products[slug],
                "kind": kind,
                "name": name,
                "price": Decimal(price) if price else None,
                "stock": stock,
                "weight": Decimal(weight) if weight else None,
                "position": position,
            },
        )
        report.variants += created


def load_offers(categories, report) -> None:
    """The demo voucher, automatic offer and sales tax rate (created once, by code, name or state)."""
    for spec in VOUCHERS:
        _voucher, created = Voucher.objects.get_or_create(
            code=spec["code"],
            defaults={"description": spec["description"], "kind": spec["kind"], "value": Decimal(spec["value"])},
        )
        report.vouchers += created
    for spec in OFFERS:
        _offer, created = Offer.objects.get_or_create(
            name=spec["name"],
            defaults={
                "kind": spec["kind"],
                "buy_quantity": spec["buy_quantity"],
                "pay_quantity": spec["pay_quantity"],
                "category": categories[spec["catalog"], spec["category"]],
            },
        )
        report.offers += created
    for spec in SALES_TAX_RATES:
        _rate, created = SalesTaxRate.objects.get_or_create(
            state=spec["state"],
            defaults={
                "name": spec["name"],
                "rate": Decimal(spec["rate"]),
                "shipping_taxable": spec["shipping_taxable"],
            },
        )
        report.tax_rates += created


def load_catalogs(report) -> dict:
    """The demo catalogs and their category trees; returns the categories by (catalog slug, slug)."""
    categories = {}
    for catalog_slug, spec in CATALOGS.items():
        catalog, created = Catalog.objects.get_or_create(
            slug=catalog_slug,
            defaults={"name": spec["name"], "publisher": PUBLISHER, "description": spec["description"]},
        )
        report.catalogs += created
        stack = [(node, None) for node in spec["categories"]]
        while stack:
            node, parent = stack.pop(0)
            category, created = CatalogCategory.objects.get_or_create(
                catalog=catalog,
                slug=node.slug,
                defaults={"name": node.name, "description": node.description, "parent": parent},
            )
            report.categories += created
            categories[catalog_slug, node.slug] = category
            stack.extend((child, category) for child in node.children)
    return categories


def load_attributes() -> dict:
    """The attribute kinds products are described by; returns them by name."""
    attributes = {}
    for name, description in ATTRIBUTES.items():
        attributes[name], _ = ProductAttribute.objects.get_or_create(name=name, defaults={"description": description})
    return attributes


def load_products(categories, attributes, report, *, photos) -> None:
    """The demo products with their attribute values and (if ``photos``) drawn pictures."""
    for spec in PRODUCTS:
        product, created = Product.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "category": categories[spec.catalog, spec.category],
                "name": spec.name,
                "description": spec.description,
                "manufacturer": spec.manufacturer,
                "price": Decimal(spec.price),
                "weight": Decimal(spec.weight) if spec.weight else None,
                "stock": spec.stock,
                "is_featured": spec.featured,
                "is_active": spec.active,
            },
        )
        report.products += created
        for attribute_name, value in spec.details.items():
            _, created = ProductDetail.objects.get_or_create(
                product=product, attribute=attributes[attribute_name], defaults={"value": value}
            )
            report.details += created
        if photos and not (product.photo and product.photo.storage.exists(product.photo.name)):
            png = draw_product_picture(product.name, spec.art, spec.colour)
            product.photo.save(f"{product.slug}.png", ContentFile(png), save=True)
            report.pictures += 1
