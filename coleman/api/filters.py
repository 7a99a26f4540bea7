"""Filters and ordering of the product list, validated like any other input.

``?catalog=``, ``?category=`` (a category slug; with ``catalog`` to pick among catalogs),
``?manufacturer=``, ``?min_price=``, ``?max_price=``, ``?q=`` (words in the name or
description) and ``?ordering=`` (``name``, ``price``, ``created``, each also with ``-``).
A bad value is a 400 naming the parameter; a reversed price range too.
"""

from django.db.models import Q
from rest_framework import filters, serializers
from rest_framework.exceptions import ValidationError

from coleman.conf import coleman_settings
from coleman.products.models import CatalogCategory

ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "created": ("created", "id"),
    "-created": ("-created", "-id"),
}


class ProductFilterSerializer(serializers.Serializer):
    """The query parameters of the product list."""

    catalog = serializers.SlugField(required=False, max_length=150)
    category = serializers.SlugField(required=False, max_length=150)
    manufacturer = serializers.CharField(required=False, max_length=300)
    min_price = serializers.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=0)
    max_price = serializers.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=0)
    q = serializers.CharField(required=False, max_length=200)
    ordering = serializers.ChoiceField(required=False, choices=sorted(ORDERINGS))

    def validate(self, attrs):
        """A price range must not be reversed."""
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError({"max_price": ["max_price must not be below min_price."]})
        return attrs


class ProductFilterBackend(filters.BaseFilterBackend):
    """Apply :class:`ProductFilterSerializer`'s parameters to the product queryset."""

    def filter_queryset(self, request, queryset, view):
        """Filter and order ``queryset``; 400 on bad parameters (list requests only)."""
        if getattr(view, "action", None) != "list":
            return queryset
        params = ProductFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if "catalog" in data:
            queryset = queryset.filter(category__catalog__slug=data["catalog"])
        if "category" in data:
            queryset = queryset.filter(category_id__in=category_ids(data["category"], data.get("catalog")))
        if "manufacturer" in data:
            queryset = queryset.filter(manufacturer__iexact=data["manufacturer"])
        if "min_price" in data:
            queryset = queryset.filter(price__gte=data["min_price"])
        if "max_price" in data:
            queryset = queryset.filter(price__lte=data["max_price"])
        for word in data.get("q", "").split()[: coleman_settings.API_MAX_QUERY_WORDS]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return queryset.order_by(*ORDERINGS[data.get("ordering", "name")])

    def get_schema_operation_parameters(self, view):
        """The parameters above, for the OpenAPI schema."""
        string = {"type": "string"}
        money = {"type": "string", "pattern": r"^\d{1,10}(\.\d{1,2})?$"}
        return [
            _param("catalog", "Only products of this catalog (slug).", {**string, "pattern": r"^[-a-zA-Z0-9_]+$"}),
            _param(
                "category",
                "Only products of this category or its sub-categories (slug).",
                {**string, "pattern": r"^[-a-zA-Z0-9_]+$"},
            ),
            _param("manufacturer", "Only products of this manufacturer (any case).", {**string, "maxLength": 300}),
            _param("min_price", "Lowest price.", money),
            _param("max_price", "Highest price (not below min_price).", money),
            _param("q", "Words that must all appear in the name or description.", {**string, "maxLength": 200}),
            _param("ordering", "Sort order.", {"type": "string", "enum": sorted(ORDERINGS)}),
        ]


def category_ids(slug, catalog_slug=None) -> list[int]:
    """Ids of the categories called ``slug`` (in ``catalog_slug`` if given) and of every category
    below them: two queries, whatever the depth of the tree."""
    roots = CatalogCategory.objects.filter(slug=slug)
    if catalog_slug:
        roots = roots.filter(catalog__slug=catalog_slug)
    roots = list(roots.values_list("pk", "catalog_id"))
    if not roots:
        return []
    children: dict[int, list[int]] = {}
    rows = CatalogCategory.objects.filter(catalog_id__in={catalog for _pk, catalog in roots})
    for pk, parent_id in rows.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, stack = set(), [pk for pk, _catalog in roots]
    while stack:
        pk = stack.pop()
        if pk not in ids:
            ids.add(pk)
            stack.extend(children.get(pk, ()))
    return sorted(ids)


def _param(name, description, schema):
    return {"name": name, "required": False, "in": "query", "description": description, "schema": schema}
