"""The OpenAPI 3 description of the API (drf-spectacular), served at ``/api/schema/``.

Every operation also documents the error answers it can give (400, 401, 403, 404, 406, 429)
with the shape DRF gives them, so clients and the property-based tests can check them.
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_STATUSES = {
    "400": "Bad input: the body or a parameter is invalid (the answer names it).",
    "401": "Not authenticated: send HTTP Basic (realm 'Products API'), a session or a token.",
    "403": "Authenticated but not allowed (staff permission missing, or CSRF token missing).",
    "404": "No such object or page, or an unknown ?format=.",
    "406": "None of the formats in Accept can be produced.",
    "415": "The body's Content-Type is not JSON, XML or a form.",
    "429": "Too many requests; wait and try again.",
}


def document_errors(result, generator, request, public):
    """Postprocessing hook: add the error answers (in each of the API's formats) and their
    schema to every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "description": "An error: 'detail' for most, or one list of messages per invalid field.",
        "additionalProperties": True,
        "properties": {"detail": {"type": "string"}},
    }
    error = {"schema": {"$ref": "#/components/schemas/Error"}}
    content = {media: error for media in ("application/json", "application/xml", "application/yaml")}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": content})
    return result


SCHEMA_SETTINGS = {
    "TITLE": "Coleman store data API",
    "DESCRIPTION": (
        "Catalogs, categories and products (public; staff write), orders (staff) and your own orders. "
        "Formats: JSON (default), XML and YAML by ?format= or Accept."
    ),
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "coleman.api.schema.document_errors",
    ],
}

#: The docs page's Swagger UI is served from this site (drf-spectacular-sidecar), not a CDN.
DOCS_SETTINGS = {"SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR"}


class BasicAuthenticationScheme(OpenApiAuthenticationExtension):
    """HTTP Basic (realm "Products API") in the schema."""

    target_class = "coleman.api.authentication.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        """OpenAPI's ``http``/``basic`` scheme."""
        return {"type": "http", "scheme": "basic", "description": 'Realm "Products API".'}


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    """The site's session cookie in the schema (writes also need the CSRF token)."""

    target_class = "coleman.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        """An API key in the session cookie."""
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Script tokens (``Authorization: Token <key>``) in the schema."""

    target_class = "coleman.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        """An API key in the Authorization header."""
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token" (manage.py api_token).',
        }
