"""Admin for the catalog, arranged for staff who are not developers."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coleman.core.admin_labels import LabelledInlineMixin, LabelledListEditableMixin

from .cache import bump_catalog_version, fragment_key, get_fragment, set_fragment
from .models import Catalog, CatalogCategory, Product, ProductAttribute, ProductDetail, ProductVariant


class ProductVariantInline(admin.TabularInline):
    """A product's variants (sizes, colours, packs), each with its SKU, price, stock and weight."""

    model = ProductVariant
    fields = ["position", "kind", "name", "sku", "price", "stock", "weight", "photo", "is_active"]
    extra = 0


class CategoryInline(LabelledInlineMixin, admin.TabularInline):
    """The categories of a catalog, listed on the catalog's page."""

    model = CatalogCategory
    fields = ["name", "slug", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    show_change_link = True
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only offer this catalog's categories as parents.
        parent_field = formset.form.base_fields.get("parent")
        if parent_field is not None and obj is not None:
            parent_field.queryset = obj.categories.select_related("catalog", "parent")
        return formset


@admin.register(Catalog)
class CatalogAdmin(admin.ModelAdmin):
    """Catalogs, with their categories inline."""

    list_display = ["name", "publisher", "pub_date", "category_count"]
    search_fields = ["name", "publisher"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "pub_date"
    inlines = [CategoryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(category_count=Count("categories"))

    @admin.display(description=_("categories"), ordering="category_count")
    def category_count(self, obj):
        return obj.category_count


@admin.register(CatalogCategory)
class CatalogCategoryAdmin(admin.ModelAdmin):
    """Categories shown with their catalog and parent."""

    list_display = ["name", "catalog", "parent", "slug"]
    list_filter = ["catalog"]
    list_select_related = ["catalog", "parent__catalog"]
    search_fields = ["name", "slug", "catalog__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


class ProductDetailInline(LabelledInlineMixin, admin.TabularInline):
    """Free-form attributes of a product ("Tartness: Highly Tart").

    The attribute is a plain select, not an autocomplete: the admin's select2 boxes have no
    accessible name, and attribute kinds are few.
    """

    model = ProductDetail
    fields = ["attribute", "value", "description"]
    extra = 1


class CatalogListFilter(admin.SimpleListFilter):
    """Filter products by the catalog of their category."""

    title = _("catalog")
    parameter_name = "catalog"

    def lookups(self, request, model_admin):
        return [(str(catalog.pk), catalog.name) for catalog in Catalog.objects.all()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(category__catalog_id=self.value())
        return queryset


class CategoryListFilter(admin.RelatedFieldListFilter):
    """Filter products by category, with every label read in one query."""

    def field_choices(self, field, request, model_admin):
        categories = CatalogCategory.objects.select_related("catalog", "parent")
        return [(category.pk, str(category)) for category in categories]


class CatalogCountPaginator(Paginator):
    """The changelist's paginator with its ``COUNT(*)`` cached under the catalog version.

    Counting 100,000 products is the one query of a changelist page that reads the whole
    table (a sequential scan on PostgreSQL); any change to the catalog gives a new version,
    so the count shown is always current.
    """

    @cached_property
    def count(self):
        """The number of rows of the (filtered) changelist, from the cache when it is known."""
        try:
            sql = str(self.object_list.query)
        except Exception:  # a query Django cannot print (e.g. it matches nothing): count it
            return super().count
        key = fragment_key("admin-count", sql)
        count = get_fragment(key)
        if count is None:
            count = super().count
            set_fragment(key, count)
        return count


@admin.register(Product)
class ProductAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    """Products: searchable, filterable, with price and availability editable in the list."""

    # Few enough columns to fit beside the filters at 1280 px (the manufacturer is a filter).
    list_display = [
        "thumbnail",
        "name",
        "category",
        "price",
        "stock",
        "is_active",
        "is_featured",
    ]
    # The thumbnail is decorative (alt=""), so it is no link: a link needs a name.
    list_display_links = ["name"]
    list_editable = ["price", "is_active", "is_featured"]
    list_filter = [
        "is_active",
        "is_featured",
        "is_digital",
        CatalogListFilter,
        ("category", CategoryListFilter),
        "manufacturer",
    ]
    list_select_related = ["category__catalog", "category__parent"]
    list_per_page = 50
    # On a large catalog: no second COUNT(*) of the whole table for "N of M selected", and
    # the count of the filtered list read from the cache.
    show_full_result_count = False
    paginator = CatalogCountPaginator
    search_fields = ["name", "slug", "manufacturer", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated"]
    inlines = [ProductDetailInline, ProductVariantInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "description", "photo"]}),
        (_("Selling"), {"fields": ["price", "is_active", "is_featured", "is_digital", "stock", "weight"]}),
        (_("Maker"), {"fields": ["manufacturer"]}),
        (_("History"), {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]
    actions = ["mark_active", "mark_inactive"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A plain select rather than an autocomplete: staff who may only manage products can
        # still pick a category (autocomplete needs permission to view categories), and the
        # labels ("Fall Collection: Gifts - Candles") come from one query.
        if db_field.name == "category":
            kwargs["queryset"] = CatalogCategory.objects.select_related("catalog", "parent")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        if obj.photo:
            return format_html('<img src="{}" alt="" width="40" height="40" style="object-fit:cover">', obj.photo.url)
        return "–"

    @admin.action(description=_("Put selected products on sale"), permissions=["change"])
    def mark_active(self, request, queryset):
        updated = queryset.update(is_active=True)
        bump_catalog_version()  # update() sends no signals
        message = ngettext("%(count)d product is now on sale.", "%(count)d products are now on sale.", updated)
        self.message_user(request, message % {"count": updated})

    @admin.action(description=_("Discontinue selected products"), permissions=["change"])
    def mark_inactive(self, request, queryset):
        updated = queryset.update(is_active=False)
        bump_catalog_version()  # update() sends no signals
        message = ngettext("%(count)d product was discontinued.", "%(count)d products were discontinued.", updated)
        self.message_user(request, message % {"count": updated})


@admin.register(ProductAttribute)
class ProductAttributeAdmin(admin.ModelAdmin):
    """Kinds of product attributes."""

    list_display = ["name", "description"]
    search_fields = ["name"]
