"""Whole catalog pages served from the cache to visitors who send no cookie at all.

A request without cookies has no session, no cart, no login and no messages, so every such
visitor gets the same page: it is cached whole (under the catalog version, the language, the
path and the page number) and served without rendering a template. A page is only stored when
rendering it set nothing personal: no cookie on the response, no session change, no message,
no login. The one personal thing a page may carry is the CSRF token of its forms ("Add to
cart", rating): it is stored as a placeholder, and every visitor gets a token of their own
(and the CSRF cookie that goes with it) when the page is served. Everyone else gets the page
built for them from the cached fragments (:mod:`coleman.products.cache`).

The rules are methods of :class:`CookielessPageCache`, and a view names its page cache in
``page_cache_class``: a subclass can widen :meth:`~CookielessPageCache.applies_to`, key pages
differently or fill in other per-visitor values.
"""

import re

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

from coleman.conf import coleman_settings

from .cache import fragment_key

# Stands for the CSRF token in stored pages; each visitor's own token replaces it when the
# page is served.
CSRF_TOKEN_PLACEHOLDER = "__coleman_csrf_token__"  # noqa: S105 - a marker, not a secret
CSRF_TOKEN_IN_FORM = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


class CookielessPageCache:
    """Stores and serves whole pages for requests that carry no cookie and no credentials."""

    def applies_to(self, request) -> bool:
        """Whether the page for ``request`` may come from (and go to) the whole-page cache."""
        return request.method in ("GET", "HEAD") and not request.COOKIES and "HTTP_AUTHORIZATION" not in request.META

    def key(self, request) -> str:
        """The cache key of the page: the path and the page number (other query parameters,
        such as tracking tags, do not change a catalog page)."""
        return fragment_key("anonymous-page", request.path, request.GET.get("page", ""))

    def fetch(self, request, key) -> HttpResponse | None:
        """The page stored under ``key`` with the visitor's own CSRF token, or ``None``."""
        cached = cache.get(key)
        if cached is None:
            return None
        content, content_type, has_csrf_token = cached
        if has_csrf_token:
            content = content.replace(CSRF_TOKEN_PLACEHOLDER.encode(), get_token(request).encode())
        response = HttpResponse(content, content_type=content_type)
        patch_vary_headers(response, ["Cookie"])  # as the rendered page would say
        return response

    def store(self, request, response, key) -> None:
        """Store a freshly rendered page under ``key`` if it is the same for every visitor."""
        if response.status_code != 200 or not hasattr(response, "render"):
            return
        response.render()
        if not self.is_the_same_for_every_visitor(request, response):
            return
        has_csrf_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        content = response.content
        if has_csrf_token:
            content = CSRF_TOKEN_IN_FORM.sub(rb"\g<1>" + CSRF_TOKEN_PLACEHOLDER.encode() + rb"\g<2>", content)
        cache.set(key, (content, response["Content-Type"], has_csrf_token), coleman_settings.CATALOG_CACHE_SECONDS)

    @staticmethod
    def is_the_same_for_every_visitor(request, response) -> bool:
        """True unless rendering the page set a cookie, changed the session, left a message
        or found a logged-in user (a CSRF token does not count: it is swapped per visitor)."""
        session = getattr(request, "session", None)
        messages = getattr(request, "_messages", None)
        user = getattr(request, "user", None)
        return not (
            response.cookies
            or (session is not None and session.modified)
            or (messages is not None and len(messages))
            or (user is not None and user.is_authenticated)
        )


class WholePageCacheMixin:
    """A view mixin serving whole pages from ``page_cache_class`` where it applies."""

    page_cache_class = CookielessPageCache

    def dispatch(self, request, *args, **kwargs):
        page_cache = self.page_cache_class()
        if not page_cache.applies_to(request):
            return super().dispatch(request, *args, **kwargs)
        # The key is taken before the page is rendered: if the catalog changes meanwhile, the
        # page is stored under the old catalog version, which nobody reads any more.
        key = page_cache.key(request)
        response = page_cache.fetch(request, key)
        if response is None:
            response = super().dispatch(request, *args, **kwargs)
            page_cache.store(request, response, key)
        return response
