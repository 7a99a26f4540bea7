"""Template tags of the search app: ``{% load search %}``."""

import logging

from django import template

from coleman.conf import coleman_settings
from coleman.products.cache import cached_fragment

from ..backends import get_backend

logger = logging.getLogger("coleman.search")

register = template.Library()


@register.simple_tag
def more_like_this(product, limit=None):
    """Products similar to ``product`` from the search backend; empty when it cannot tell.

    The answer is cached per product under the catalog version: every save of a product (which
    also reindexes it) or of anything else in the catalog makes it stale, so a product page
    asks the engine once per catalog change instead of on every request. A failed query is
    not cached.
    """
    limit = coleman_settings.SEARCH_MORE_LIKE_THIS if limit is None else limit
    if not limit:
        return []
    try:
        backend = get_backend()
        if not backend.supports_more_like_this:
            return []
        return cached_fragment(
            ("more-like-this", backend.name, product.pk, limit), lambda: backend.more_like_this(product, limit)
        )
    except Exception:  # a broken or missing index must not take the product page down
        logger.warning("More like this failed for product %s", product.pk, exc_info=True)
        return []
