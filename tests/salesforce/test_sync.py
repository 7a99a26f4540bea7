"""Syncing products, customers and orders to Salesforce through the sandbox."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coleman.conf import DEFAULTS
from coleman.products.models import Product
from coleman.salesforce import services
from coleman.salesforce.client import SalesforceClient
from coleman.salesforce.models import SyncedRecord, SyncRun
from tests.factories.orders import LineFactory, OrderFactory
from tests.factories.products import CategoryFactory, ProductFactory
from tests.factories.users import UserFactory as CustomerUserFactory

pytestmark = pytest.mark.django_db


def merchandise(salesforce):
    """Every Merchandise__c record in the sandbox, by external id."""
    rows = salesforce.query("SELECT Id, Name, price_in_dollars__c, Coleman_Id__c FROM Merchandise__c")
    return {row["Coleman_Id__c"]: row for row in rows}


def test_products_are_upserted_with_the_book_mapping(salesforce, sandbox_session, store):  # noqa: F811
    """Every product becomes a Merchandise__c with Name and price_in_dollars__c; the sync
    records the Salesforce ids."""
    run = services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    assert (run.sent, run.created, run.updated, run.failed, run.outcome) == (5, 5, 0, 0, SyncRun.Outcome.DONE)
    records = merchandise(salesforce)
    preserves = records[f"product-{store.preserves.pk}"]
    assert preserves["Name"] == "Cranberry Preserves" and preserves["price_in_dollars__c"] == "4.50"
    synced = SyncedRecord.objects.get(kind="products", object_pk=str(store.preserves.pk))
    assert synced.salesforce_id == preserves["Id"] and synced.status == SyncedRecord.Status.SYNCED


def test_a_second_run_updates_instead_of_duplicating(salesforce, sandbox_session, store):  # noqa: F811
    """Upserts by external id: re-running changes the records in place."""
    services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    Product.objects.filter(pk=store.juice.pk).update(price=Decimal("4.25"))
    run = services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    assert (run.created, run.updated) == (0, 5)
    records = merchandise(salesforce)
    assert len(records) == 5 and records[f"product-{store.juice.pk}"]["price_in_dollars__c"] == "4.25"


def test_batches_hold_at_most_the_batch_size(salesforce, sandbox_session, transport, db, settings):
    """Seven products with COLEMAN_SALESFORCE_BATCH_SIZE = 3 take three collection calls."""
    settings.COLEMAN_SALESFORCE_BATCH_SIZE = 3
    ProductFactory.create_batch(7, category=CategoryFactory())
    transport.sent.clear()
    services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    calls = [url for method, url in transport.sent if method == "PATCH"]
    assert len(calls) == 3 and all("/composite/sobjects/Merchandise__c/Coleman_Id__c" in url for url in calls)


def test_client_refuses_more_than_200_records(salesforce):
    """The client never sends a collection call Salesforce would refuse."""
    with pytest.raises(ValueError, match="at most 200"):
        salesforce.upsert_batch("Merchandise__c", "Coleman_Id__c", [{"Name": "x"}] * 201)


def test_a_refused_record_is_reported_and_the_rest_go_on(salesforce, sandbox_session, store):  # noqa: F811
    """A name too long for Salesforce fails that product only; its error is recorded."""
    Product.objects.filter(pk=store.shirt.pk).update(name="Harvest T-shirt " + "x" * 100)
    run = services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    assert (run.created, run.failed, run.outcome) == (4, 1, SyncRun.Outcome.DONE_WITH_ERRORS)
    failed = SyncedRecord.objects.get(status=SyncedRecord.Status.FAILED)
    assert failed.object_pk == str(store.shirt.pk) and "STRING_TOO_LONG" in failed.error
    assert len(merchandise(salesforce)) == 4


def test_a_batch_refused_whole_fails_its_records_only(salesforce, sandbox_session, store, settings):  # noqa: F811
    """A mapping to a field the org lacks makes Salesforce refuse the call: its records are
    failed with the reason, and the other kinds still sync."""
    mapping = {kind: dict(spec) for kind, spec in DEFAULTS["SALESFORCE_MAPPING"].items()}
    mapping["products"]["fields"] = {**mapping["products"]["fields"], "Colour__c": "manufacturer"}
    settings.COLEMAN_SALESFORCE_MAPPING = mapping
    OrderFactory()
    run = services.sync(["products", "orders"], client=SalesforceClient(session=sandbox_session))
    assert run.failed == 5 and run.created == 1
    assert "INVALID_FIELD" in SyncedRecord.objects.filter(kind="products").first().error


def test_customers_and_orders(salesforce, sandbox_session, db):
    """Customers become Contacts (last name falls back on the user name) and orders Coleman_Order__c."""
    user = CustomerUserFactory(username="ada", first_name="Ada", last_name="", email="ada@example.com")
    order = OrderFactory(user=user, status_id="PAID", total=Decimal("14.99"))
    LineFactory(order=order)
    run = services.sync(["customers", "orders"], client=SalesforceClient(session=sandbox_session))
    assert run.failed == 0 and run.created == 2  # Ada's contact and her order
    contacts = {row["Email"]: row for row in salesforce.query("SELECT Id, FirstName, LastName, Email FROM Contact")}
    assert contacts["ada@example.com"]["LastName"] == "ada" and contacts["ada@example.com"]["FirstName"] == "Ada"
    orders = list(
        salesforce.query("SELECT Name, Total__c, Status__c FROM Coleman_Order__c WHERE Name = {n}", n=order.number)
    )
    assert orders[0]["Total__c"] == "14.99" and orders[0]["Status__c"] == "PAID"


def test_query_helper_follows_next_records_url(salesforce, sandbox_session, transport, db, settings):
    """The SOQL helper reads every page (nextRecordsUrl) and quotes values."""
    settings.COLEMAN_SANDBOX_SALESFORCE_QUERY_BATCH = 2
    ProductFactory.create_batch(5, category=CategoryFactory(), name="Jam 'special'")
    services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    transport.sent.clear()
    rows = list(salesforce.query("SELECT Id FROM Merchandise__c WHERE Name = {name}", name="Jam 'special'"))
    assert len(rows) == 5
    assert len([url for _method, url in transport.sent if "/query/" in url]) == 3


def test_since_limits_to_recent_changes(salesforce, sandbox_session, store):  # noqa: F811
    """--since sends only records changed since then."""
    Product.objects.exclude(pk=store.juice.pk).update(updated=timezone.now() - timedelta(days=10))
    run = services.sync(
        ["products"], since=timezone.now() - timedelta(days=1), client=SalesforceClient(session=sandbox_session)
    )
    assert run.sent == 1 and list(merchandise(salesforce)) == [f"product-{store.juice.pk}"]


def test_dry_run_sends_nothing(sandbox_session, transport, store):  # noqa: F811
    """A dry run counts the records and makes no call and no record."""
    run = services.sync(["products"], dry_run=True, client=SalesforceClient(session=sandbox_session))
    assert run.sent == 5 and transport.sent == [] and not SyncedRecord.objects.exists()


def test_a_refused_login_aborts_the_run(sandbox_session, store, settings):  # noqa: F811
    """A wrong password stops the sync before sending anything and records a failed run."""
    settings.COLEMAN_SALESFORCE_PASSWORD = "wrong"
    with pytest.raises(services.SyncAborted, match="refused the login"):
        services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    assert SyncRun.objects.get().outcome == SyncRun.Outcome.FAILED
    assert not SyncedRecord.objects.exists()


def test_command_shows_progress_and_summary(sandbox_session, store, capsys, monkeypatch):  # noqa: F811
    """manage.py salesforce_sync prints a progress bar per kind and a summary."""
    monkeypatch.setattr(
        "coleman.salesforce.services.SalesforceClient", lambda: SalesforceClient(session=sandbox_session)
    )
    call_command("salesforce_sync", "products")
    out, err = capsys.readouterr()
    assert "products   [##############################] 5/5" in err
    assert "Sent 5 records: 5 created, 0 updated, 0 failed." in out


def test_command_reports_failures_and_exits_non_zero(sandbox_session, store, capsys, monkeypatch):  # noqa: F811
    """Failed records are listed and the command ends with status 2."""
    monkeypatch.setattr(
        "coleman.salesforce.services.SalesforceClient", lambda: SalesforceClient(session=sandbox_session)
    )
    Product.objects.filter(pk=store.shirt.pk).update(name="x" * 90)
    with pytest.raises(CommandError) as failure:
        call_command("salesforce_sync", "products")
    assert failure.value.returncode == 2
    assert "STRING_TOO_LONG" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "expected YYYY-MM-DD"),
        (["--since", "2026-02-30"], "expected YYYY-MM-DD"),
        (["--since", "last"], "no complete sync yet"),
        (["planets"], "Unknown or unavailable kinds"),
    ],
)
def test_command_refuses_bad_arguments(db, args, message):
    """Bad --since values and kinds stop the command with a message."""
    with pytest.raises(CommandError, match=message):
        call_command("salesforce_sync", *args)


def test_command_dry_run(store, capsys):  # noqa: F811
    """--dry-run says how many records would be sent."""
    call_command("salesforce_sync", "--dry-run", "products")
    assert "Dry run: 5 records would be sent (products)." in capsys.readouterr().out


def test_synced_records_are_visible_in_the_admin(salesforce, sandbox_session, store, staff_client):  # noqa: F811
    """The admin lists runs and records with their Salesforce ids."""
    services.sync(["products"], client=SalesforceClient(session=sandbox_session))
    record = SyncedRecord.objects.first()
    page = staff_client.get("/admin/salesforce/syncedrecord/").content.decode()
    assert record.salesforce_id in page
    assert staff_client.get("/admin/salesforce/syncrun/").status_code == 200
