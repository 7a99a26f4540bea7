"""Property-based tests of the whole API over its OpenAPI schema (schemathesis) against a
live server: no server errors, every answer documented and matching the schema.

Schemathesis generates requests from ``/api/schema/`` for every operation (valid and
invalid parameters and bodies), once as an anonymous client and once as staff with every
permission over HTTP Basic (so writes and orders are exercised too). The number of
examples per operation is bounded to keep the run short (about a minute on two workers).
"""

import base64

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.schema_source import api_schema_dict
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import CatalogFactory, CategoryFactory, DetailFactory, ProductFactory
from tests.factories.users import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def base_url(live_server, transactional_db, settings):
    """The live server, with a little catalog, an order, a superuser and no throttling."""
    settings.COLEMAN_API_ANON_RATE = "100000/minute"
    settings.COLEMAN_API_USER_RATE = "100000/minute"
    settings.COLEMAN_API_AUTH_FAILURES = 100000
    category = CategoryFactory(catalog=CatalogFactory(slug="fall"), slug="jams")
    products = ProductFactory.create_batch(3, category=category)
    DetailFactory(product=products[0])
    order = OrderFactory(user=UserFactory(username="shopper"), status_id="PAID")
    LineFactory(order=order, product=products[0])
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    return live_server.url


# Built from the same generator that serves /api/schema/ (test_schema_is_served checks both agree).
# Anonymous clients get schemathesis' coverage phase too (every boundary and invalid value the
# schema defines); staff requests, which write, get the bounded random phase only.
anonymous_schema = schemathesis.openapi.from_dict(api_schema_dict())
staff_schema = schemathesis.openapi.from_dict(api_schema_dict())
staff_schema.config.phases.update(phases=["examples", "fuzzing"])
STAFF = "Basic " + base64.b64encode(b"boss:pw-customer-123").decode()


@anonymous_schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_anonymous_client(case, base_url):
    """Anonymous requests: 2xx for reading the catalog, documented 4xx for the rest."""
    case.call_and_validate(base_url=base_url, checks=CHECKS)


@staff_schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_as_staff(case, base_url):
    """Staff requests with every permission: writes and orders answer as documented."""
    case.call_and_validate(base_url=base_url, headers={"Authorization": STAFF}, checks=CHECKS)


def test_schema_is_served(base_url):
    """The live /api/schema/ is the schema the tests above were generated from."""
    import requests

    served = requests.get(f"{base_url}/api/schema/?format=json", timeout=30).json()
    assert served == api_schema_dict()
