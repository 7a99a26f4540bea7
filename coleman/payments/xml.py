"""Safe XML parsing for every document a payment service sends us.

Inbound documents are parsed with lxml configured so that nothing in the document can reach
outside it: no entity expansion (no "billion laughs", no external entities), no DTD loading,
no network, no huge-tree mode, and a size limit checked before parsing. Any failure raises
:class:`XMLError`, a :class:`~coleman.payments.exceptions.MalformedMessage` (answered 400).
"""

from lxml import etree

from .exceptions import MalformedMessage

#: Payment documents are a few kilobytes; anything larger than this is refused unparsed.
DEFAULT_MAX_BYTES = 256 * 1024


class XMLError(MalformedMessage):
    """The body is not a safe, well-formed XML document of an acceptable size."""


def safe_parser():
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(body, *, max_bytes=DEFAULT_MAX_BYTES):
    """Parse ``body`` (bytes or str) and return the root element.

    Documents with a DOCTYPE are refused outright: no payment protocol uses one, and a DTD
    is how entity bombs and external entities arrive.
    """
    if body is None:
        raise XMLError("The message body is empty.")
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not body.strip():
        raise XMLError("The message body is empty.")
    if len(body) > max_bytes:
        raise XMLError(f"The XML document is larger than {max_bytes} bytes.")
    try:
        root = etree.fromstring(body, parser=safe_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise XMLError(f"The message is not well-formed XML: {exc}") from exc
    if root is None:
        raise XMLError("The message is not an XML document.")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise XMLError("XML documents with a DOCTYPE are not accepted.")
    return root


def local_name(element):
    """The tag of ``element`` without its namespace (``new-order-notification``)."""
    return etree.QName(element).localname


def find(element, path):
    """The first descendant matching ``path`` (``a/b/c`` of local names), or None.

    Matching by local name keeps callers free of namespace prefixes; payment documents
    use a single namespace each.
    """
    steps = [step for step in path.split("/") if step]
    current = [element]
    for step in steps:
        found = []
        for node in current:
            found.extend(child for child in node if isinstance(child.tag, str) and local_name(child) == step)
        if not found:
            return None
        current = found
    return current[0]


def find_all(element, path):
    """Every element matching ``path`` (``a/b/c`` of local names) below ``element``."""
    steps = [step for step in path.split("/") if step]
    current = [element]
    for step in steps:
        current = [
            child for node in current for child in node if isinstance(child.tag, str) and local_name(child) == step
        ]
    return current


def text(element, path, default=""):
    """The stripped text of the first element matching ``path``, or ``default``."""
    node = find(element, path)
    if node is None or node.text is None:
        return default
    return node.text.strip()


def required_text(element, path):
    """Like :func:`text` but raises :class:`XMLError` naming the missing element."""
    node = find(element, path)
    if node is None or node.text is None or not node.text.strip():
        raise XMLError(f"The document has no <{path}>.")
    return node.text.strip()


def to_dict(element):
    """A JSON-ready dict of ``element`` (local names; repeated children become lists).

    Stored in the payment-event log so staff read what arrived without reading XML.
    """
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        value = (element.text or "").strip()
        if element.attrib:
            return {"@" + key: val for key, val in element.attrib.items()} | ({"#text": value} if value else {})
        return value
    result = {"@" + key: val for key, val in element.attrib.items()}
    for child in children:
        key = local_name(child)
        value = to_dict(child)
        if key in result:
            if not isinstance(result[key], list):
                result[key] = [result[key]]
            result[key].append(value)
        else:
            result[key] = value
    return result
