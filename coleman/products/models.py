"""Catalog models, as chapter 2 of the book designs them.

A product belongs to one category; a category belongs to one catalog and may have a parent
category (a tree). Catalogs do not list their products: the relation lives on the product,
which keeps the admin usable with thousands of products.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coleman.conf import coleman_settings

from .prices import price_with_reason
from .tree import CategoryTree


class Catalog(models.Model):
    """A published collection of products, such as "Fall Collection"."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    publisher = models.CharField(_("publisher"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    pub_date = models.DateTimeField(_("publication date"), default=timezone.now)

    class Meta:
        verbose_name = _("catalog")
        verbose_name_plural = _("catalogs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:catalog", kwargs={"slug": self.slug})

    def category_tree(self) -> CategoryTree:
        """The catalog's categories as a :class:`~coleman.products.tree.CategoryTree`, read in one query."""
        return CategoryTree(self, list(self.categories.order_by("name", "id")))


class CatalogCategory(models.Model):
    """A category inside one catalog; ``parent`` makes the category tree."""

    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="categories", verbose_name=_("catalog"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, blank=True, null=True, related_name="children", verbose_name=_("parent")
    )
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=150, help_text=_("Unique within its catalog."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["catalog__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["catalog", "slug"], name="products_category_unique_slug_per_catalog"),
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.catalog.name}: {self.parent.name} - {self.name}"
        return f"{self.catalog.name}: {self.name}"

    def get_absolute_url(self):
        return reverse("products:category", kwargs={"catalog_slug": self.catalog.slug, "slug": self.slug})


class ProductQuerySet(models.QuerySet):
    """Query logic for products."""

    def active(self):
        """Products a shopper may see and buy."""
        return self.filter(is_active=True)

    def for_listing(self):
        """Active products with what a product card shows, in one query."""
        return self.active().select_related("category__catalog")

    def for_detail(self):
        """Active products with what a product page shows: category, catalog and attributes
        (the attributes in one more query, in name order)."""
        details = ProductDetail.objects.select_related("attribute").order_by("attribute__name", "id")
        variants = ProductVariant.objects.filter(is_active=True).order_by("position", "id")
        return self.for_listing().prefetch_related(
            Prefetch("details", queryset=details), Prefetch("variants", queryset=variants, to_attr="active_variants")
        )

    def newest(self):
        """Newest first (the ``products_listing_new_idx`` order)."""
        return self.order_by("-created", "-id")

    def featured(self):
        """Featured products in name order (the ``products_featured_idx`` order)."""
        return self.filter(is_featured=True).order_by("name", "id")


class StockStatus:
    """What a product card says about ``self.stock`` (units, or ``None`` when not tracked):
    ``in_stock`` and ``low_stock``. Products and search results share it."""

    @property
    def in_stock(self):
        """True unless stock is tracked and none is left."""
        return self.stock is None or self.stock > 0

    @property
    def low_stock(self):
        """True when only a few units are left (``COLEMAN_PRODUCTS_LOW_STOCK`` or fewer, but some)."""
        return self.stock is not None and 0 < self.stock <= coleman_settings.PRODUCTS_LOW_STOCK


class Product(StockStatus, models.Model):
    """Something the store sells."""

    # Indexed by ``products_category_active_idx`` below (category first), which also makes
    # counting a category's active products an index-only scan.
    category = models.ForeignKey(
        CatalogCategory,
        on_delete=models.PROTECT,
        related_name="products",
        db_index=False,
        verbose_name=_("category"),
    )
    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="product_photo", blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=300, blank=True, db_index=True)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to discontinue: the product disappears from the store.")
    )
    is_featured = models.BooleanField(_("featured"), default=False, help_text=_("Shown on the home page."))
    weight = models.DecimalField(
        _("weight (lb)"),
        max_digits=9,
        decimal_places=3,
        blank=True,
        null=True,
        validators=[MinValueValidator(0)],
        help_text=_("Shipping weight in pounds; blank if it does not matter."),
    )
    stock = models.PositiveIntegerField(
        _("stock"), blank=True, null=True, help_text=_("Units in stock; leave blank if stock is not tracked.")
    )
    is_digital = models.BooleanField(
        _("digital"),
        default=False,
        help_text=_("Delivered by download, key or subscription: no shipping, and no stock unless it has a key pool."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        # Partial indexes over the active products, one per listing order, so that a page of
        # a listing is read in index order (no sort) on SQLite and PostgreSQL alike. SQLite
        # cannot use a leading ``is_active`` column for ``WHERE is_active``, which is how
        # Django writes ``filter(is_active=True)``; a partial index with that condition works.
        indexes = [
            # The admin's changelist lists every product (active or not) in this order.
            models.Index(fields=["name", "id"], name="products_name_id_idx"),
            models.Index(fields=["category", "is_active"], name="products_category_active_idx"),
            models.Index(fields=["name", "id"], condition=Q(is_active=True), name="products_listing_name_idx"),
            models.Index(
                fields=["category", "name", "id"],
                condition=Q(is_active=True),
                name="products_listing_cat_idx",
            ),
            models.Index(fields=["-created", "-id"], condition=Q(is_active=True), name="products_listing_new_idx"),
            models.Index(
                fields=["name", "id"],
                condition=Q(is_active=True, is_featured=True),
                name="products_featured_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("products:detail", kwargs={"slug": self.slug})

    @property
    def catalog(self):
        """The catalog this product appears in, through its category."""
        return self.category.catalog

    def get_price_with_reason(self):
        """``(price a shopper pays now, why it is not the list price)``; worked out once per instance."""
        cached = self.__dict__.get("_price_now")
        if cached is None:
            cached = self.__dict__["_price_now"] = price_with_reason(self)
        return cached

    def get_price(self):
        """The unit price a shopper pays now: the list price after any automatic offer (the book's name)."""
        return self.get_price_with_reason()[0]

    @property
    def price_reason(self):
        """Why :meth:`get_price` differs from ``price`` ("10% off: Autumn sale"), or ``""``."""
        return self.get_price_with_reason()[1]


class ProductVariant(StockStatus, models.Model):
    """One buyable version of a product (a size, a colour, a pack) with its own SKU and stock.

    Price and weight are the product's unless the variant has its own. Search, feeds,
    sitemaps and the API list the product once; the product page offers the variants.
    """

    class Kind(models.TextChoices):
        SIZE = "size", _("Size")
        COLOUR = "colour", _("Colour")
        PACK = "pack", _("Pack")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SIZE)
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. “Large” or “16 oz jar”."))
    sku = models.CharField(_("SKU"), max_length=150, unique=True)
    price = models.DecimalField(
        _("price"),
        max_digits=12,
        decimal_places=2,
        blank=True,
        null=True,
        validators=[MinValueValidator(0)],
        help_text=_("Blank: the product's price."),
    )
    stock = models.PositiveIntegerField(
        _("stock"), blank=True, null=True, help_text=_("Units in stock; blank if not tracked.")
    )
    weight = models.DecimalField(
        _("weight (lb)"),
        max_digits=9,
        decimal_places=3,
        blank=True,
        null=True,
        validators=[MinValueValidator(0)],
        help_text=_("Blank: the product's weight."),
    )
    photo = models.ImageField(_("photo"), upload_to="product_photo", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["product", "position", "id"]

    def __str__(self):
        return f"{self.product.name} – {self.name}"

    @property
    def list_price(self):
        """The variant's price before offers: its own, or the product's."""
        return self.product.price if self.price is None else self.price

    @property
    def shipping_weight(self):
        """Unit weight in pounds: the variant's, or the product's (None when neither has one)."""
        return self.product.weight if self.weight is None else self.weight

    def get_price_with_reason(self):
        """``(price a shopper pays now, why)``, offers applied as to the product."""
        cached = self.__dict__.get("_price_now")
        if cached is None:
            cached = self.__dict__["_price_now"] = price_with_reason(self.product, self.list_price)
        return cached

    def get_price(self):
        """The unit price a shopper pays now for this variant."""
        return self.get_price_with_reason()[0]


class ProductAttribute(models.Model):
    """A kind of product feature, such as "Tartness" or "Size"; values live in details."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product attribute")
        verbose_name_plural = _("product attributes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProductDetail(models.Model):
    """The value of one attribute for one product, such as "Tartness: Highly Tart"."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="details", verbose_name=_("product"))
    attribute = models.ForeignKey(
        ProductAttribute, on_delete=models.PROTECT, related_name="details", verbose_name=_("attribute")
    )
    value = models.CharField(_("value"), max_length=500)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("product detail")
        verbose_name_plural = _("product details")
        ordering = ["attribute__name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "attribute"], name="products_detail_unique_attribute"),
        ]

    def __str__(self):
        return f"{self.product}: {self.attribute} - {self.value}"
