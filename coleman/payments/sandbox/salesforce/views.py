"""The sandbox Salesforce's OAuth token endpoint and its sObject views (one record, upserts, collections)."""

import hmac
import json
from datetime import datetime

from django.core import signing
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from ..conf import sandbox_settings
from .records import (
    MAX_COLLECTION_RECORDS,
    SESSION_SECONDS,
    SIGNER_SALT,
    check_object_and_external_field,
    error,
    external_index,
    load_records,
    org_objects,
    record_error,
    records_lock,
    same_secret,
    save_records,
    unknown_field,
    upsert_one,
)


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
        account = sandbox_settings.SALESFORCE_ACCOUNTS.get(username)
        if account is None:
            return self.refuse()
        app_ok = same_secret(account["consumer_key"], params.get("client_id", "")) and same_secret(
            account["consumer_secret"], params.get("client_secret", "")
        )
        if not app_ok:
            return JsonResponse(
                {"error": "invalid_client_id", "error_description": "client identifier invalid"}, status=400
            )
        if not same_secret(account["password"] + account["security_token"], params.get("password", "")):
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
        with records_lock:
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
        return JsonResponse({"attributes": record_attributes(version, sobject, record_id), **row})


def record_attributes(version, sobject, record_id):
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
        with records_lock:
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
