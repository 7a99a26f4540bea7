"""The sandbox Salesforce's small SOQL: parsing, running over the stored records, and paged answers."""

import hashlib
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.http import JsonResponse

from ..conf import sandbox_settings
from .records import BATCH_LIMITS, CURSOR_SECONDS, ID_ALPHABET, error, load_records, org_objects
from .views import SalesforceView, record_attributes

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
                "attributes": record_attributes(version, sobject, record_id),
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
        return sandbox_settings.SALESFORCE_QUERY_BATCH
