"""The OpenAPI 3 description of the API (drf-spectacular), served at ``/api/schema/``.

Every operation also documents the error answers it can give (400, 401, 403, 404, 406, 429)
with the shape DRF gives them, so clients and the property-based tests can check them.
"""

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
    """Postprocessing hook: add the error answers and their schema to every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "description": "An error: 'detail' for most, or one list of messages per invalid field.",
        "additionalProperties": True,
        "properties": {"detail": {"type": "string"}},
    }
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
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
