"""The sandbox Salesforce org's records: limits, errors, storage in the cache, value checks and upserts."""

import hashlib
import hmac
import re
import secrets
import string
import threading
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.http import JsonResponse

from ..conf import sandbox_settings

SESSION_SECONDS = 2 * 3600
CURSOR_SECONDS = 15 * 60
STORE_SECONDS = 7 * 24 * 3600
MAX_COLLECTION_RECORDS = 200
BATCH_LIMITS = (200, 2000)
ID_ALPHABET = string.ascii_letters + string.digits
SIGNER_SALT = "coleman.sandbox.salesforce.session"
records_lock = threading.Lock()


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
    return sandbox_settings.SALESFORCE_OBJECTS


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


def same_secret(expected: str, given: str) -> bool:
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
