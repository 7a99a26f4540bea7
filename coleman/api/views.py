"""The API's views (book ch. 7: Piston's handlers, now DRF viewsets).

Each list reads a fixed number of queries per page: products come with their category and
catalog (``select_related``), their attributes (``prefetch_related``) and, when the ratings
app is installed, the rating summaries of the page in one more query; orders with their
lines and history in one query each.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.openapi import AutoSchema
from rest_framework import mixins, renderers, viewsets
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import IsAuthenticated

from coleman.orders.models import Order, OrderStatusChange
from coleman.products.models import Catalog, CatalogCategory, Product, ProductDetail

from . import authentication, serializers
from .filters import ProductFilterBackend
from .pagination import PageNumberPagination
from .parsers import PARSERS
from .permissions import StaffModelPermissionsOrReadOnly, StaffModelViewPermission
from .renderers import RENDERERS
from .throttling import AnonRateThrottle, UserRateThrottle

SLUG_PATTERN = "[-a-zA-Z0-9_]+"
ORDER_NUMBER_PATTERN = "[A-Z0-9]{1,10}-[A-Z0-9]{1,10}"


class ApiViewMixin:
    """What every API view shares: authentication, throttles, formats, pages, schema."""

    authentication_classes = [
        authentication.BasicAuthentication,
        authentication.SessionAuthentication,
        authentication.TokenAuthentication,
    ]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    parser_classes = PARSERS
    pagination_class = PageNumberPagination
    schema = AutoSchema()

    def get_renderers(self):
        """JSON, XML and YAML for everyone; the browsable API too for staff logged in to the
        site (decided from the site session, before the API authenticates the request)."""
        django_request = getattr(self.request, "_request", self.request)
        user = getattr(django_request, "user", None)
        classes = list(RENDERERS)
        if user is not None and user.is_authenticated and user.is_staff:
            classes.append(renderers.BrowsableAPIRenderer)
        return [renderer() for renderer in classes]

    def perform_content_negotiation(self, request, force=False):
        """Pick the format; an unknown ``?format=`` is a 404 that lists the known ones."""
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:
            names = ", ".join(renderer.format for renderer in self.get_renderers())
            raise NotFound(f"Unknown format; use one of: {names}.") from exc

    def initial(self, request, *args, **kwargs):
        """Refuse bodies larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` before parsing them."""
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if not length.isdigit() or (limit is not None and int(length) > limit):
            raise ParseError(f"The request body is too large (at most {limit} bytes) or its length is unknown.")
        super().initial(request, *args, **kwargs)


class CatalogViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The store's catalogs."""

    queryset = Catalog.objects.order_by("name", "pk")
    serializer_class = serializers.CatalogSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN


class CategoryViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The categories of every catalog."""

    queryset = CatalogCategory.objects.select_related("catalog", "parent").order_by("catalog__name", "name", "pk")
    serializer_class = serializers.CategorySerializer


def rating_summaries(products):
    """``{product pk: (average, count)}`` for ``products`` in one query, or ``None`` when the
    ratings app is not installed."""
    if not apps.is_installed("coleman.ratings"):
        return None
    from coleman.ratings.models import RatingSummary  # optional app

    content_type = ContentType.objects.get_for_model(Product)
    rows = RatingSummary.objects.filter(content_type=content_type, object_id__in=[product.pk for product in products])
    return {row.object_id: (row.average, row.rating_count) for row in rows}


class ProductSchema(AutoSchema):
    """Writes take :class:`ProductWriteSerializer` and answer with the product as readers see it."""

    def get_response_serializers(self):
        """The read serializer for every answer that carries a product."""
        if self.view.action == "destroy":
            return super().get_response_serializers()
        return serializers.ProductSerializer


class ProductViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Products: anyone reads the active ones; staff with the permissions write."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    permission_classes = [StaffModelPermissionsOrReadOnly]
    filter_backends = [ProductFilterBackend]
    queryset = Product.objects.all()
    schema = ProductSchema()

    def get_queryset(self):
        """Active products for readers; every product for staff who may change them."""
        details = ProductDetail.objects.select_related("attribute").order_by("attribute__name", "id")
        products = Product.objects.select_related("category__catalog").prefetch_related(
            Prefetch("details", queryset=details)
        )
        user = self.request.user
        if not (user.is_authenticated and user.is_staff and user.has_perm("products.change_product")):
            products = products.active()
        return products.order_by("name", "id")

    def get_serializer_class(self):
        """The write serializer for writes, the read one otherwise."""
        if self.action in ("create", "update", "partial_update"):
            return serializers.ProductWriteSerializer
        return serializers.ProductSerializer

    def get_serializer(self, *args, **kwargs):
        """Hand the page's (or the product's) rating summaries to the serializer."""
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None and self.get_serializer_class() is serializers.ProductSerializer:
            products = instance if kwargs.get("many") else [instance]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["rating_summaries"] = rating_summaries(products)
        return super().get_serializer(*args, **kwargs)

    def get_serializer_context(self):
        """The request, and rating summaries for written products."""
        context = super().get_serializer_context()
        context.setdefault("rating_summaries", None)
        return context


def orders_with_details(queryset):
    """Orders with their lines and history, in three queries per page."""
    history = OrderStatusChange.objects.order_by("created_at", "id")
    return queryset.prefetch_related("lines", Prefetch("history", queryset=history)).order_by("-placed_at", "-id")


class OrderViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Every order: staff with the ``orders.view_order`` permission only."""

    serializer_class = serializers.OrderSerializer
    permission_classes = [StaffModelViewPermission]
    lookup_field = "number"
    lookup_value_regex = ORDER_NUMBER_PATTERN
    queryset = Order.objects.all()

    def get_queryset(self):
        """All orders, newest first."""
        return orders_with_details(Order.objects.all())


class MyOrderViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """The orders of the customer who asks."""

    serializer_class = serializers.OrderSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "number"
    lookup_value_regex = ORDER_NUMBER_PATTERN
    queryset = Order.objects.none()

    def get_queryset(self):
        """The requesting user's orders, newest first."""
        return orders_with_details(Order.objects.for_user(self.request.user))
