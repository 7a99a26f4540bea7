"""The book's "stupidly simple" search, done right: every word must appear.

Case-insensitive; each word of the query must occur in the product's name or description.
No index, no stemming, no relevance (results come alphabetically). It is the fallback when
Haystack is not installed, and needs nothing but the database.
"""

from django.db.models import Q

from coleman.products.models import Product

from .base import SearchBackend, query_words
from .db import MATCH_FIELDS, match_from_row


class SimpleSearchBackend(SearchBackend):
    """Every word of the query in the name or description (``icontains``), alphabetical."""

    name = "simple"

    def match(self, text, limit):
        """Active products containing every word of ``text``, by name."""
        words = query_words(text)
        if not words:
            return []
        queryset = Product.objects.active()
        for word in words:
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        rows = queryset.order_by("name", "id").values_list(*MATCH_FIELDS)[:limit]
        return [match_from_row(row) for row in rows]
