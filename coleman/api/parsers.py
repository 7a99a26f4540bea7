"""Request bodies the API reads: JSON, XML (never resolving entities or DTDs) and forms.

The size of a body is checked before it is parsed (``DATA_UPLOAD_MAX_MEMORY_SIZE``, as
Django does for forms): DRF reads the stream itself and would otherwise take any size.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework_xml.parsers import XMLParser as DrfXMLParser


class XMLParser(DrfXMLParser):
    """XML through defusedxml: entity declarations, DTDs and external references are refused
    with a 400, never expanded or fetched."""

    def parse(self, stream, media_type=None, parser_context=None):
        """Parse ``stream``; refused documents raise :class:`ParseError` (400)."""
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            detail = str(exc.detail)
            if "Entities" in detail or "DTD" in detail or "External" in detail:
                raise ParseError("XML with a DTD or entity declarations is not accepted.") from exc
            raise


PARSERS = [parsers.JSONParser, XMLParser, parsers.FormParser, parsers.MultiPartParser]
