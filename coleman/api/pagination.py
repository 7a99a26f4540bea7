"""Pages of API lists: ``?page=N&page_size=M``, with a ceiling on the page size.

A page size above ``COLEMAN_API_MAX_PAGE_SIZE`` (or one that is not a whole number) is a 400
that says so, rather than a silent cut: a client asking for 10,000 rows should learn it
gets 100. An unknown page is DRF's 404.
"""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from coleman.conf import coleman_settings

MAX_DIGITS = 9


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination with a validated, capped ``page_size``."""

    page_size_query_param = "page_size"

    @property
    def page_size(self):
        """``COLEMAN_API_PAGE_SIZE``, read when used."""
        return coleman_settings.API_PAGE_SIZE

    @property
    def max_page_size(self):
        """``COLEMAN_API_MAX_PAGE_SIZE``, read when used."""
        return coleman_settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        """The requested page size, refusing anything but a whole number from 1 to the maximum."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Ask for a whole number of results from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        """Document the bounds of ``page_size``."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters
