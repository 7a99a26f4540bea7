"""The API's OpenAPI schema generated in-process, for schemathesis to build its tests from."""

import json

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.settings import patched_settings

from coleman.api.schema import SCHEMA_SETTINGS


def api_schema_dict() -> dict:
    """The schema ``/api/schema/`` serves, as plain JSON data."""
    with patched_settings(SCHEMA_SETTINGS):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))
