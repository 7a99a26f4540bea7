"""The part of Salesforce's REST API the store's sync uses, played locally.

* ``POST services/oauth2/token``: the OAuth 2.0 username-password flow (``grant_type=password``
  with the connected app's ``client_id``/``client_secret`` and the user's password followed
  by the security token); answers ``access_token`` and ``instance_url``.
* ``PATCH services/data/vNN.N/sobjects/<object>/<external id field>/<value>``: upsert one
  record (201 created, 200 updated).
* ``PATCH services/data/vNN.N/composite/sobjects/<object>/<external id field>``: upsert up
  to 200 records (``allOrNone``), one result per record.
* ``GET services/data/vNN.N/query/?q=SOQL`` and the ``nextRecordsUrl`` it returns: a small
  SOQL (``SELECT fields FROM object [WHERE a = 'x' AND b != 1] [ORDER BY f [DESC]] [LIMIT n]``)
  paged like Salesforce (``Sforce-Query-Options: batchSize=``, 200–2000).
* ``GET services/data/vNN.N/sobjects/<object>/<id>``: one record.

It checks what Salesforce checks: the bearer session token on every data call (401
``INVALID_SESSION_ID``), objects and fields that exist in the org
(``COLEMAN_SANDBOX_SALESFORCE_OBJECTS``; ``NOT_FOUND`` / ``INVALID_FIELD``), value types,
lengths and required fields (per-record errors), at most 200 records per collection call
(``EXCEEDED_ID_LIMIT``). Errors are Salesforce's JSON lists of ``{"message", "errorCode"}``.

Session tokens are signed by this module with Django's signer (it shares no code with the
store's Salesforce app). Records live in the cache: a test double, not a database.
"""

from django.urls import path

from .query import QueryView
from .views import CollectionUpsertView, RecordView, TokenView, UpsertView

urlpatterns = [
    path("services/oauth2/token", TokenView.as_view(), name="salesforce-token"),
    path("services/data/v<str:version>/query/", QueryView.as_view(), name="salesforce-query"),
    path("services/data/v<str:version>/query/<str:locator>", QueryView.as_view(), name="salesforce-query-more"),
    path(
        "services/data/v<str:version>/sobjects/<str:sobject>/<str:external_field>/<str:external_value>",
        UpsertView.as_view(),
        name="salesforce-upsert",
    ),
    path(
        "services/data/v<str:version>/sobjects/<str:sobject>/<str:record_id>",
        RecordView.as_view(),
        name="salesforce-record",
    ),
    path(
        "services/data/v<str:version>/composite/sobjects/<str:sobject>/<str:external_field>",
        CollectionUpsertView.as_view(),
        name="salesforce-collection-upsert",
    ),
]
