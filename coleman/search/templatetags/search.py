"""Template tags of the search app: ``{% load search %}``."""

import logging

from django import template

from coleman.conf import coleman_settings

from ..backends import get_backend

logger = logging.getLogger("coleman.search")

register = template.Library()


@register.simple_tag
def more_like_this(product, limit=None):
    """Products similar to ``product`` from the search backend; empty when it cannot tell."""
    limit = coleman_settings.SEARCH_MORE_LIKE_THIS if limit is None else limit
    if not limit:
        return []
    try:
        backend = get_backend()
        if not backend.supports_more_like_this:
            return []
        return backend.more_like_this(product, limit)
    except Exception:  # a broken or missing index must not take the product page down
        logger.warning("More like this failed for product %s", product.pk, exc_info=True)
        return []
