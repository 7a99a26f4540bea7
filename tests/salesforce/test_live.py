"""One sync over real HTTP: the command's client against the sandbox on a live server."""

import pytest

from coleman.salesforce import services
from coleman.salesforce.client import SalesforceClient
from coleman.salesforce.models import SyncRun
from tests.factories.products import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_sync_over_http_to_the_live_sandbox(live_server, settings):
    """With the login URL on the live server (plain HTTP on loopback), the default client logs
    in, upserts and queries; simple-salesforce's https:// URLs are sent over HTTP there."""
    settings.COLEMAN_SALESFORCE_LOGIN_URL = f"{live_server.url}/sandbox/salesforce"
    products = ProductFactory.create_batch(3, category=CategoryFactory())
    run = services.sync(["products"])
    assert (run.outcome, run.created) == (SyncRun.Outcome.DONE, 3)
    client = SalesforceClient().connect()
    names = {row["Name"] for row in client.query("SELECT Name FROM Merchandise__c")}
    assert names == {product.name for product in products}
