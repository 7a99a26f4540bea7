"""The gateway sandbox's Salesforce checks what Salesforce checks, over its REST URLs."""

import json

import pytest

from coleman.conf import coleman_settings

pytestmark = pytest.mark.django_db

BASE = "/sandbox/salesforce/services/data/v59.0"


@pytest.fixture
def token(client):
    """A session token from the OAuth username-password flow."""
    response = client.post("/sandbox/salesforce/services/oauth2/token", login_form())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["instance_url"] == "http://testserver/sandbox/salesforce"
    return body["access_token"]


def login_form(**changes):
    """The token request simple-salesforce's password flow sends."""
    return {
        "grant_type": "password",
        "client_id": coleman_settings.SALESFORCE_CONSUMER_KEY,
        "client_secret": coleman_settings.SALESFORCE_CONSUMER_SECRET,
        "username": coleman_settings.SALESFORCE_USERNAME,
        "password": coleman_settings.SALESFORCE_PASSWORD + coleman_settings.SALESFORCE_SECURITY_TOKEN,
        **changes,
    }


def patch(client, url, token, body):
    """A JSON PATCH with the session token."""
    return client.patch(url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"password": "sandbox-password-not-secret"}, "invalid_grant"),  # security token missing
        ({"username": "someone@else.example"}, "invalid_grant"),
        ({"client_secret": "wrong"}, "invalid_client_id"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
    ],
)
def test_login_refusals(client, changes, error):
    """Wrong password, user, connected app or grant type are refused as Salesforce does."""
    response = client.post("/sandbox/salesforce/services/oauth2/token", login_form(**changes))
    assert response.status_code == 400 and response.json()["error"] == error


def test_data_calls_need_a_valid_session(client, token):
    """No token, a forged one or a tampered one: 401 INVALID_SESSION_ID."""
    for header in [{}, {"HTTP_AUTHORIZATION": "Bearer forged"}, {"HTTP_AUTHORIZATION": f"Bearer {token}x"}]:
        response = client.get(f"{BASE}/query/?q=SELECT+Id+FROM+Contact", **header)
        assert response.status_code == 401 and response.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_upsert_by_external_id_creates_then_updates(client, token):
    """PATCH sobjects/<object>/<external field>/<value>: 201 created, then 200 updated, same id."""
    url = f"{BASE}/sobjects/Merchandise__c/Coleman_Id__c/product-1"
    created = patch(client, url, token, {"Name": "Cranberry Sauce", "price_in_dollars__c": "1.50"})
    assert created.status_code == 201 and created.json()["created"] is True
    updated = patch(client, url, token, {"price_in_dollars__c": "1.75"})
    assert updated.status_code == 200 and updated.json()["id"] == created.json()["id"]
    record = client.get(f"{BASE}/sobjects/Merchandise__c/{created.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert record.json()["price_in_dollars__c"] == "1.75" and record.json()["Name"] == "Cranberry Sauce"


def test_unknown_objects_fields_and_external_ids(client, token):
    """Objects, fields and external id fields must exist in the org."""
    assert patch(client, f"{BASE}/sobjects/Nope__c/Coleman_Id__c/1", token, {}).status_code == 404
    not_external = patch(client, f"{BASE}/sobjects/Merchandise__c/Name/x", token, {})
    assert not_external.status_code == 404 and "external ID" in not_external.json()[0]["message"]
    bad_field = patch(client, f"{BASE}/sobjects/Merchandise__c/Coleman_Id__c/1", token, {"Colour__c": "red"})
    assert bad_field.status_code == 400 and bad_field.json()[0]["errorCode"] == "INVALID_FIELD"
    missing = patch(client, f"{BASE}/sobjects/Merchandise__c/Coleman_Id__c/2", token, {"price_in_dollars__c": "1"})
    assert missing.status_code == 400 and missing.json()[0]["errorCode"] == "REQUIRED_FIELD_MISSING"


def test_collection_upsert_reports_each_record(client, token):
    """Composite collections: one result per record; a bad record fails alone."""
    url = f"{BASE}/composite/sobjects/Merchandise__c/Coleman_Id__c"
    records = [
        {"attributes": {"type": "Merchandise__c"}, "Coleman_Id__c": "p1", "Name": "Jam"},
        {"attributes": {"type": "Merchandise__c"}, "Coleman_Id__c": "p2", "Name": "J" * 81},
        {"attributes": {"type": "Merchandise__c"}, "Coleman_Id__c": "p3", "Name": "Juice", "price_in_dollars__c": "x"},
        {"attributes": {"type": "Contact"}, "Coleman_Id__c": "p4", "Name": "Wrong type"},
    ]
    results = patch(client, url, token, {"allOrNone": False, "records": records}).json()
    assert [result["success"] for result in results] == [True, False, False, False]
    assert results[1]["errors"][0]["statusCode"] == "STRING_TOO_LONG"
    assert results[2]["errors"][0]["statusCode"] == "INVALID_TYPE_ON_FIELD_IN_RECORD"
    rolled_back = patch(
        client, url, token, {"allOrNone": True, "records": [records[0] | {"Coleman_Id__c": "p9"}, records[1]]}
    )
    assert rolled_back.json()[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    query = client.get(f"{BASE}/query/", {"q": "SELECT Id FROM Merchandise__c"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert query.json()["totalSize"] == 1  # only p1 was kept


def test_collections_take_at_most_200_records(client, token):
    """201 records in one call: 400 EXCEEDED_ID_LIMIT, nothing stored."""
    url = f"{BASE}/composite/sobjects/Merchandise__c/Coleman_Id__c"
    records = [{"attributes": {"type": "Merchandise__c"}, "Coleman_Id__c": f"p{i}", "Name": "Jam"} for i in range(201)]
    response = patch(client, url, token, {"allOrNone": False, "records": records})
    assert response.status_code == 400 and response.json()[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_query_pages_with_next_records_url(client, token):
    """A query answers batches of batchSize (200–2000) with nextRecordsUrl until done."""
    url = f"{BASE}/composite/sobjects/Contact/Coleman_Id__c"
    records = [
        {"attributes": {"type": "Contact"}, "Coleman_Id__c": f"c{i:03}", "LastName": f"L{i:03}"} for i in range(200)
    ]
    patch(client, url, token, {"allOrNone": True, "records": records})
    patch(
        client,
        url,
        token,
        {"allOrNone": True, "records": [r | {"Coleman_Id__c": "d" + r["Coleman_Id__c"]} for r in records[:50]]},
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_SFORCE_QUERY_OPTIONS": "batchSize=200"}
    first = client.get(f"{BASE}/query/", {"q": "SELECT Id, LastName FROM Contact ORDER BY LastName"}, **auth).json()
    assert first["totalSize"] == 250 and not first["done"] and len(first["records"]) == 200
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    second = client.get("/sandbox/salesforce" + first["nextRecordsUrl"], **auth).json()
    assert second["done"] and len(second["records"]) == 50 and "nextRecordsUrl" not in second


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Id FROM Nothing__c", "INVALID_TYPE"),
        ("SELECT Colour FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Contact WHERE Colour = 'x'", "INVALID_FIELD"),
        ("DELETE FROM Contact", "MALFORMED_QUERY"),
        ("SELECT Id FROM Contact WHERE LastName = 'x' OR 1=1", "MALFORMED_QUERY"),
    ],
)
def test_bad_queries(client, token, soql, code):
    """Queries over unknown objects or fields, or outside SOQL, are refused with Salesforce's codes."""
    response = client.get(f"{BASE}/query/", {"q": soql}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400 and response.json()[0]["errorCode"] == code
