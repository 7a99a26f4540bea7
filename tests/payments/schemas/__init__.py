"""Schemas of the payment services' documents, written for the tests from the services' published
references, and the helpers that validate documents against them.

``checkout-api-2.xsd``: Google Checkout's XML API level 2, the elements the store and the
sandbox exchange. :func:`assert_valid_google_document` checks one document;
:func:`check_google_exchange` is called by the suite's transport adapter
(``tests/payments/transport.py``) for every request and answer that crosses the Google boundary
between the store and the sandbox, so every test that drives the sandbox validates both sides.
"""

from functools import lru_cache
from pathlib import Path

from lxml import etree

GOOGLE_SCHEMA_PATH = Path(__file__).with_name("checkout-api-2.xsd")
GOOGLE_NAMESPACE = "http://checkout.google.com/schema/2"
#: URL paths whose bodies are Checkout API documents: the Order Processing API (the store's
#: commands, Google's answers) and the store's Notification API endpoint (Google's
#: notifications, the store's acknowledgments).
GOOGLE_XML_PATHS = ("/sandbox/google/api/checkout/v2/request/", "/payments/google/notify/")


@lru_cache(maxsize=1)
def google_schema():
    """The Checkout API level 2 schema (parsed once)."""
    return etree.XMLSchema(etree.parse(str(GOOGLE_SCHEMA_PATH)))


def _parse(document):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(document, parser=parser)


def assert_valid_google_document(document, root_tag=None):
    """Fail (``AssertionError`` with the schema's messages) unless ``document`` is valid Checkout XML.

    ``root_tag``, when given, is the local name the root element must have. Returns the parsed root.
    """
    if isinstance(document, str):
        document = document.encode("utf-8")
    root = _parse(document)
    schema = google_schema()
    if not schema.validate(root):
        problems = "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log)
        raise AssertionError(f"Not valid Checkout API XML:\n{problems}\n---\n{document.decode('utf-8', 'replace')}")
    if root_tag is not None:
        assert etree.QName(root).localname == root_tag, f"root is <{etree.QName(root).localname}>, not <{root_tag}>"
    return root


def check_google_exchange(path, request_body, status_code, response_body, response_content_type):
    """Validate both bodies of one HTTP exchange on a Google path (others are left alone).

    The request body always (a command or a notification); the answer when it is XML (the
    store's 4xx refusals are plain text by design).
    """
    if not path.startswith(GOOGLE_XML_PATHS):
        return
    assert_valid_google_document(request_body)
    if "xml" in (response_content_type or ""):
        assert_valid_google_document(response_body)
    else:
        assert status_code != 200, f"A 200 answer on {path} that is not XML: {response_body[:200]!r}"
