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

import hashlib
import hmac
import json
import re
import secrets
import string
import threading
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.cache import cache
from django.http import JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.conf import coleman_settings

SESSION_SECONDS = 2 * 3600
CURSOR_SECONDS = 15 * 60
STORE_SECONDS = 7 * 24 * 3600
MAX_COLLECTION_RECORDS = 200
BATCH_LIMITS = (200, 2000)
ID_ALPHABET = string.ascii_letters + string.digits
SIGNER_SALT = "coleman.sandbox.salesforce.session"
_lock = threading.Lock()


def error(status, code, message, fields=None):
    """A Salesforce error answer: a JSON list with one error."""
    body = {"message": message, "errorCode": code}
    if fields is not None:
        body["fields"] = fields
    return JsonResponse([body], status=status, safe=False)


def record_error(code, message, fields=()):
    """One record's failure inside a collection answer."""
    return {"success": False, "errors": [{"statusCode": code, "message": message, "fields": list(fields)}]}


def org_objects():
    """``{object: {field: spec}}`` of the sandbox org."""
    return coleman_settings.SANDBOX_SALESFORCE_OBJECTS


def _store_key(sobject):
    return "sandbox:salesforce:records:" + hashlib.sha256(sobject.encode()).hexdigest()[:32]


def load_records(sobject) -> dict:
    """Every record of ``sobject`` in the sandbox, by id."""
    return cache.get(_store_key(sobject)) or {}


def save_records(sobject, records) -> None:
    """Keep the records of ``sobject``."""
    cache.set(_store_key(sobject), records, STORE_SECONDS)


def new_id(sobject) -> str:
    """An 18-character id with a per-object three-character prefix, as Salesforce's look."""
    prefix = "a" + hashlib.sha256(sobject.encode()).hexdigest()[:2]
    return prefix + "000" + "".join(secrets.choice(ID_ALPHABET) for _ in range(12))


class SalesforceView(View):
    """Shared by the data endpoints: the bearer session is checked before anything else."""

    http_method_names = ["get", "patch"]

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        """401 ``INVALID_SESSION_ID`` without a valid session token."""
        header = request.headers.get("Authorization", "")
        scheme, _space, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "oauth") or not self.session_user(token.strip()):
            return error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def session_user(token):
        """The user name a token was issued to, or None."""
        try:
            return signing.TimestampSigner(salt=SIGNER_SALT).unsign(token, max_age=SESSION_SECONDS)
        except signing.BadSignature:
            return None

    def json_body(self):
        """The request's JSON body, or an error answer."""
        try:
            return json.loads(self.request.body or b"null"), None
        except (ValueError, UnicodeDecodeError):
            return None, error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON.")


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(View):
    """``POST services/oauth2/token``: the username-password OAuth flow."""

    http_method_names = ["post"]

    def post(self, request):
        """Check the connected app and the user's password + security token."""
        params = request.POST
        if params.get("grant_type") != "password":
            return JsonResponse(
                {"error": "unsupported_grant_type", "error_description": "grant type not supported"}, status=400
            )
        username = params.get("username", "")
        account = coleman_settings.SANDBOX_SALESFORCE_ACCOUNTS.get(username)
        if account is None:
            return self.refuse()
        app_ok = _same(account["consumer_key"], params.get("client_id", "")) and _same(
            account["consumer_secret"], params.get("client_secret", "")
        )
        if not app_ok:
            return JsonResponse(
                {"error": "invalid_client_id", "error_description": "client identifier invalid"}, status=400
            )
        if not _same(account["password"] + account["security_token"], params.get("password", "")):
            return self.refuse()
        token = signing.TimestampSigner(salt=SIGNER_SALT).sign(username)
        instance_url = request.build_absolute_uri(request.path.removesuffix("services/oauth2/token")).rstrip("/")
        issued_at = str(int(datetime.now().timestamp() * 1000))
        signature = hmac.new(account["consumer_secret"].encode(), (instance_url + issued_at).encode(), "sha256")
        return JsonResponse(
            {
                "access_token": token,
                "instance_url": instance_url,
                "id": f"{instance_url}/id/00D000000000001/005000000000001",
                "token_type": "Bearer",
                "issued_at": issued_at,
                "signature": signature.hexdigest(),
            }
        )

    @staticmethod
    def refuse():
        """Salesforce's answer to a wrong user name or password."""
        return JsonResponse({"error": "invalid_grant", "error_description": "authentication failure"}, status=400)


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def check_value(field, spec, value):
    """An error ``(code, message)`` for a value the field cannot hold, else None."""
    if value is None:
        return None
    kind = spec.get("type", "string")
    if kind in ("string", "textarea", "email", "phone"):
        if not isinstance(value, str):
            return "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{field}: value not of required type: {value!r}"
        if len(value) > spec.get("length", 255):
            return (
                "STRING_TOO_LONG",
                f"{field}: data value too large: {value[:40]} (max length={spec.get('length', 255)})",
            )
        if kind == "email" and value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            return "INVALID_EMAIL_ADDRESS", f"{field}: invalid email address: {value}"
        return None
    if kind == "currency":
        try:
            Decimal(str(value))
        except InvalidOperation:
            return "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{field}: value not of required type: {value!r}"
        return None
    if kind == "boolean":
        return None if isinstance(value, bool) else ("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{field}: not a boolean")
    if kind == "datetime":
        try:
            datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return "INVALID_TYPE_ON_FIELD_IN_RECORD", f"{field}: value not of required type: {value!r}"
    return None


def unknown_field(sobject, names):
    """The first field name the object does not have, or None."""
    fields = org_objects()[sobject]
    for name in names:
        if name not in fields and name not in ("Id", "attributes"):
            return name
    return None


def external_index(records, external_field) -> dict:
    """``{external id value: record id}`` of ``records``."""
    return {row.get(external_field): record_id for record_id, row in records.items()}


def upsert_one(records, index, sobject, external_field, external_value, values):
    """Create or update the record whose ``external_field`` is ``external_value``.

    Returns ``(result, created)``, the result being an error record on failure; ``records``
    and ``index`` (see :func:`external_index`) are changed in place.
    """
    fields = org_objects()[sobject]
    if "Id" in values:
        return record_error("INVALID_FIELD", "Id is not allowed in an upsert body", ["Id"]), False
    if external_field in values and values[external_field] != external_value:
        return record_error("INVALID_FIELD", f"{external_field} does not match the value in the URL"), False
    for name, value in values.items():
        problem = check_value(name, fields[name], value)
        if problem:
            return record_error(*problem, [name]), False
    existing = index.get(external_value)
    if existing is None:
        merged = {external_field: external_value, **values}
        missing = [name for name, spec in fields.items() if spec.get("required") and merged.get(name) in (None, "")]
        if missing:
            return record_error("REQUIRED_FIELD_MISSING", f"Required fields are missing: {missing}", missing), False
        record_id = new_id(sobject)
        records[record_id] = {**merged, "Id": record_id}
        index[external_value] = record_id
        return {"id": record_id, "success": True, "errors": [], "created": True}, True
    row = {**records[existing], **values}
    missing = [name for name, spec in fields.items() if spec.get("required") and row.get(name) in (None, "")]
    if missing:
        return record_error("REQUIRED_FIELD_MISSING", f"Required fields are missing: {missing}", missing), False
    records[existing] = row
    return {"id": existing, "success": True, "errors": [], "created": False}, False


def check_object_and_external_field(sobject, external_field):
    """An error answer for an unknown object or a field that is not an external id."""
    objects = org_objects()
    if sobject not in objects:
        return error(404, "NOT_FOUND", "The requested resource does not exist")
    if not objects[sobject].get(external_field, {}).get("external_id"):
        return error(
            404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {external_field}"
        )
    return None


class UpsertView(SalesforceView):
    """``PATCH sobjects/<object>/<field>/<value>``: upsert one record by external id."""

    def patch(self, request, version, sobject, external_field, external_value):
        """201 when the record was created, 200 when it was updated."""
        problem = check_object_and_external_field(sobject, external_field)
        if problem:
            return problem
        values, problem = self.json_body()
        if problem:
            return problem
        if not isinstance(values, dict):
            return error(400, "JSON_PARSER_ERROR", "Expected a JSON object.")
        name = unknown_field(sobject, values)
        if name:
            return error(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}")
        values.pop("attributes", None)
        with _lock:
            records = load_records(sobject)
            index = external_index(records, external_field)
            result, created = upsert_one(records, index, sobject, external_field, external_value, values)
            if result["success"]:
                save_records(sobject, records)
        if not result["success"]:
            first = result["errors"][0]
            return error(400, first["statusCode"], first["message"], first["fields"])
        return JsonResponse(result, status=201 if created else 200)


class RecordView(SalesforceView):
    """``GET sobjects/<object>/<id>``: one record with all its fields."""

    http_method_names = ["get"]

    def get(self, request, version, sobject, record_id):
        """The record, or 404 ``NOT_FOUND``."""
        if sobject not in org_objects():
            return error(404, "NOT_FOUND", "The requested resource does not exist")
        row = load_records(sobject).get(record_id)
        if row is None:
            return error(404, "NOT_FOUND", "The requested resource does not exist")
        return JsonResponse({"attributes": _attributes(version, sobject, record_id), **row})


def _attributes(version, sobject, record_id):
    return {"type": sobject, "url": f"/services/data/v{version}/sobjects/{sobject}/{record_id}"}


class CollectionUpsertView(SalesforceView):
    """``PATCH composite/sobjects/<object>/<field>``: upsert up to 200 records."""

    http_method_names = ["patch"]

    def patch(self, request, version, sobject, external_field):
        """One result per record, in order; with ``allOrNone`` nothing is kept if one fails."""
        problem = check_object_and_external_field(sobject, external_field)
        if problem:
            return problem
        body, problem = self.json_body()
        if problem:
            return problem
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            return error(400, "JSON_PARSER_ERROR", "Expected {'allOrNone': …, 'records': [...]}.")
        rows = body["records"]
        if len(rows) > MAX_COLLECTION_RECORDS:
            return error(
                400,
                "EXCEEDED_ID_LIMIT",
                f"record limit reached. cannot submit more than {MAX_COLLECTION_RECORDS} records into this call",
            )
        for row in rows:
            if not isinstance(row, dict):
                return error(400, "JSON_PARSER_ERROR", "Each record must be a JSON object.")
            name = unknown_field(sobject, row)
            if name:
                return error(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}")
        all_or_none = bool(body.get("allOrNone"))
        with _lock:
            records = load_records(sobject)
            working = dict(records)
            index = external_index(working, external_field)
            results = []
            for row in rows:
                values = dict(row)
                attributes = values.pop("attributes", None)
                if not isinstance(attributes, dict) or attributes.get("type") != sobject:
                    results.append(record_error("INVALID_TYPE", f"Each record needs attributes.type = {sobject}"))
                    continue
                external_value = values.get(external_field)
                if external_value in (None, ""):
                    results.append(
                        record_error("MISSING_ARGUMENT", f"{external_field} not specified", [external_field])
                    )
                    continue
                result, _created = upsert_one(working, index, sobject, external_field, str(external_value), values)
                results.append(result)
            failed = any(not result["success"] for result in results)
            if all_or_none and failed:
                results = [
                    result
                    if not result["success"]
                    else record_error(
                        "ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all succeeded"
                    )
                    for result in results
                ]
            else:
                save_records(sobject, working)
        return JsonResponse(results, safe=False)


SOQL = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<object>\w+)"
    r"(?:\s+WHERE\s+(?P<where>.+?))?"
    r"(?:\s+ORDER\s+BY\s+(?P<order>\w+)(?:\s+(?P<direction>ASC|DESC))?)?"
    r"(?:\s+LIMIT\s+(?P<limit>\d{1,6}))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
CONDITION = re.compile(
    r"^\s*(?P<field>\w+)\s*(?P<op>=|!=|LIKE)\s*(?P<value>'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|null|true|false)\s*$",
    re.IGNORECASE,
)


class SoqlError(ValueError):
    """A query the sandbox (or Salesforce) refuses."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def parse_literal(text):
    """A SOQL literal as a Python value."""
    lowered = text.lower()
    if lowered == "null":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if text.startswith("'"):
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return Decimal(text)


def split_conditions(where):
    """The ``AND``-joined conditions of a WHERE clause (quotes respected)."""
    parts, current, quoted, index = [], [], False, 0
    while index < len(where):
        char = where[index]
        if char == "\\" and quoted:
            current.append(where[index : index + 2])
            index += 2
            continue
        if char == "'":
            quoted = not quoted
        if not quoted and where[index : index + 5].upper() == " AND ":
            parts.append("".join(current))
            current = []
            index += 5
            continue
        current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def matches(row, field, op, value):
    """Whether ``row`` satisfies one condition."""
    actual = row.get(field)
    if isinstance(value, Decimal) and actual is not None:
        try:
            actual = Decimal(str(actual))
        except InvalidOperation:
            return False
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    pattern = "^" + re.escape(str(value)).replace("%", ".*").replace("_", ".") + "$"
    return actual is not None and re.match(pattern, str(actual), re.IGNORECASE | re.DOTALL) is not None


def run_query(soql):
    """``(object, fields, ids)`` of a SOQL query over the sandbox records."""
    found = SOQL.match(soql or "")
    if not found:
        raise SoqlError(
            "MALFORMED_QUERY", "unexpected token: the sandbox understands SELECT … FROM … [WHERE] [ORDER BY] [LIMIT]"
        )
    sobject = found["object"]
    objects = org_objects()
    if sobject not in objects:
        raise SoqlError("INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
    fields = [name.strip() for name in found["fields"].split(",")]
    for name in fields:
        if name != "Id" and name not in objects[sobject]:
            raise SoqlError("INVALID_FIELD", f"No such column '{name}' on entity '{sobject}'.")
    conditions = []
    if found["where"]:
        for part in split_conditions(found["where"]):
            condition = CONDITION.match(part)
            if not condition:
                raise SoqlError("MALFORMED_QUERY", f"unexpected token in WHERE: {part.strip()[:60]}")
            if condition["field"] != "Id" and condition["field"] not in objects[sobject]:
                raise SoqlError("INVALID_FIELD", f"No such column '{condition['field']}' on entity '{sobject}'.")
            conditions.append((condition["field"], condition["op"].upper(), parse_literal(condition["value"])))
    rows = [row for row in load_records(sobject).values() if all(matches(row, *cond) for cond in conditions)]
    order = found["order"] or "Id"
    if order != "Id" and order not in objects[sobject]:
        raise SoqlError("INVALID_FIELD", f"No such column '{order}' on entity '{sobject}'.")
    rows.sort(
        key=lambda row: (row.get(order) is None, str(row.get(order))),
        reverse=(found["direction"] or "").upper() == "DESC",
    )
    if found["limit"]:
        rows = rows[: int(found["limit"])]
    return sobject, fields, [row["Id"] for row in rows]


def _cursor_key(locator):
    return "sandbox:salesforce:cursor:" + hashlib.sha256(locator.encode("utf-8", "replace")).hexdigest()


class QueryView(SalesforceView):
    """``GET query/?q=SOQL`` and ``GET query/<locator>-<offset>`` (``nextRecordsUrl``)."""

    http_method_names = ["get"]

    def get(self, request, version, locator=None):
        """A batch of records, with ``nextRecordsUrl`` while more remain."""
        size = self.batch_size()
        if locator is None:
            try:
                sobject, fields, ids = run_query(request.GET.get("q", ""))
            except SoqlError as exc:
                return error(400, exc.code, str(exc))
            cursor_id, offset = "01g" + "".join(secrets.choice(ID_ALPHABET) for _ in range(15)), 0
            cache.set(_cursor_key(cursor_id), (sobject, fields, ids), CURSOR_SECONDS)
        else:
            cursor_id, _dash, raw_offset = locator.rpartition("-")
            cursor = cache.get(_cursor_key(cursor_id)) if raw_offset.isdigit() else None
            if cursor is None:
                return error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
            sobject, fields, ids = cursor
            offset = int(raw_offset)
        records = load_records(sobject)
        batch = ids[offset : offset + size]
        rows = [
            {
                "attributes": _attributes(version, sobject, record_id),
                **{name: records.get(record_id, {}).get(name) for name in fields},
            }
            for record_id in batch
        ]
        body = {"totalSize": len(ids), "done": offset + size >= len(ids), "records": rows}
        if not body["done"]:
            body["nextRecordsUrl"] = f"/services/data/v{version}/query/{cursor_id}-{offset + size}"
        return JsonResponse(body)

    def batch_size(self):
        """``Sforce-Query-Options: batchSize=N`` within 200–2000, else the sandbox's default."""
        options = self.request.headers.get("Sforce-Query-Options", "")
        found = re.search(r"batchSize=(\d{1,5})", options)
        if found:
            low, high = BATCH_LIMITS
            return min(max(int(found[1]), low), high)
        return coleman_settings.SANDBOX_SALESFORCE_QUERY_BATCH


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
