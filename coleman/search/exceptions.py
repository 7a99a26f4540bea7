"""Errors raised by the search app."""


class SearchError(Exception):
    """Base class of every search failure."""


class InvalidQuery(SearchError):
    """The shopper's query cannot be searched (too long, unusable characters)."""


class BackendUnavailable(SearchError):
    """The configured search engine cannot be reached or is misconfigured."""
