"""URLs of the data API (mounted at ``/api/`` by the project)."""

from django.urls import include, path, re_path
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from . import views
from .schema import DOCS_SETTINGS, SCHEMA_SETTINGS

app_name = "api"


@extend_schema(
    responses={200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}},
    summary="The API's resources and their addresses.",
)
class ApiRootView(views.ApiViewMixin, routers.APIRootView):
    """The resources of the store's data API. Catalog data is public; orders need an account."""

    pagination_class = None


class Router(routers.DefaultRouter):
    """DRF's router with the store's root view and without ``.json``-style suffixes (formats
    are chosen with ``?format=`` or ``Accept``)."""

    include_format_suffixes = False
    APIRootView = ApiRootView


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of the API (YAML; JSON with ``?format=json``)."""

    schema = None  # not an operation of the API itself


class DocsView(SpectacularSwaggerSplitView):
    """The API's documentation page (Swagger UI over ``/api/schema/``), served from this site.

    The split view serves Swagger UI's start-up script as a file (``?script``) and the page's
    styles are a static file, so the page runs under the store's Content-Security-Policy.
    """

    schema = None
    template_name = "api/swagger_ui.html"

    def get(self, request, *args, **kwargs):
        """Render the page with the self-hosted Swagger UI."""
        with patched_settings(DOCS_SETTINGS):
            return super().get(request, *args, **kwargs)


class NotFoundView(views.ApiViewMixin, APIView):
    """Any other address under the API: a 404 in the API's formats, not the site's HTML page."""

    schema = None

    def initial(self, request, *args, **kwargs):
        """No such resource, whatever the method."""
        super().initial(request, *args, **kwargs)
        raise NotFound("No such resource or object in the API.")


router = Router()
router.register("catalogs", views.CatalogViewSet, basename="catalog")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("products", views.ProductViewSet, basename="product")
router.register("orders", views.OrderViewSet, basename="order")
router.register("me/orders", views.MyOrderViewSet, basename="my-order")

urlpatterns = [
    path("schema/", SchemaView.as_view(custom_settings=SCHEMA_SETTINGS, serve_public=True), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    re_path(r"^", NotFoundView.as_view()),
]
