"""The FPS answers the sandbox sends: ``<Action>Response`` documents and error documents.

A response is in the namespace of the API ``Version`` the request named
(``http://fps.amazonaws.com/doc/<Version>/``); FPS served 2008-09-17 and 2010-08-28.
"""

import uuid
from xml.sax.saxutils import escape

from django.http import HttpResponse

#: The FPS API versions the sandbox answers.
FPS_VERSIONS = ("2008-09-17", "2010-08-28")


def namespace(version):
    """The XML namespace of FPS API ``version``."""
    return f"http://fps.amazonaws.com/doc/{version}/"


def request_id():
    """A new request id as FPS returned them (a UUID and a ``:0`` suffix): one per answer, retries included."""
    return f"{uuid.uuid4()}:0"


def error_document(code, message, status):
    """An FPS error answer (no namespace, as FPS sent them)."""
    body = (
        '<?xml version="1.0"?>\n<Response><Errors><Error>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"</Error></Errors><RequestID>{request_id()}</RequestID></Response>"
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _fields(values):
    parts = []
    for name, value in values.items():
        if isinstance(value, dict):
            parts.append(f"<{name}>{_fields(value)}</{name}>")
        else:
            parts.append(f"<{name}>{escape(str(value))}</{name}>")
    return "".join(parts)


def response_document(action, version, result):
    """``<action>Response`` in ``version``'s namespace with ``result`` (nested dicts become elements)."""
    body = (
        f'<?xml version="1.0"?>\n<{action}Response xmlns="{namespace(version)}">'
        f"<{action}Result>{_fields(result)}</{action}Result>"
        f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def transaction_document(action, version, transaction_id, status="Success"):
    """A ``<action>Response`` carrying ``TransactionId`` and ``TransactionStatus`` (Pay, Refund, FundPrepaid…)."""
    return response_document(
        action,
        version,
        {"TransactionId": transaction_id, "TransactionStatus": status},
    )


def amount(value, currency="USD"):
    """An FPS ``Amount`` element's content."""
    return {"CurrencyCode": currency, "Value": value}


__all__ = [
    "FPS_VERSIONS",
    "amount",
    "error_document",
    "namespace",
    "request_id",
    "response_document",
    "transaction_document",
]
