"""Whole catalog pages served from the cache to visitors who send no cookie at all.

A request without cookies has no session, no cart, no login and no messages, so every such
visitor gets the same page: it is cached whole (under the catalog version, the language, the
path and the page number) and served without rendering a template. A page is only stored when
rendering it set nothing personal: no cookie on the response, no session change, no message,
no login. The one personal thing a page may carry is the CSRF token of its forms ("Add to
cart", rating): it is stored as a placeholder, and every visitor gets a token of their own
(and the CSRF cookie that goes with it) when the page is served. Everyone else gets the page
built for them from the cached fragments (:mod:`coleman.products.cache`).

Returning shoppers (a session, a cart, a login) get whole pages from the cache too
(:class:`ShopperPageCache`): a catalog page is the same for every shopper who is not logged
in, and for every logged-in customer, except for the CSRF token (swapped as above) and the
*live parts* of the frame, marked in the templates with ``<!--live:TEMPLATE-->…<!--/live-->``
(the cart summary in the header): a stored page keeps only the marker, and each request
renders those small templates for its shopper. A page showing messages is never stored or
served from the cache.

The rules are methods of :class:`CookielessPageCache` and :class:`ShopperPageCache`, and a
view names its page caches in ``page_cache_classes`` (the first that applies is used): a
subclass can widen :meth:`~CookielessPageCache.applies_to`, key pages differently or fill in
other per-visitor values.
"""

import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers
from django.utils.html import escape

from coleman.core.csrf import masked_csrf_token

from .cache import fragment_key, get_fragment, pinned_catalog_version, set_fragment

# Stands for the CSRF token in stored pages; each visitor's own token replaces it when the
# page is served.
CSRF_TOKEN_PLACEHOLDER = "__coleman_csrf_token__"  # noqa: S105 - a marker, not a secret
CSRF_TOKEN_IN_FORM = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
# A live part of a page: rendered for each request from the named template.
LIVE_PART = re.compile(rb"<!--live:([\w./-]+)-->.*?<!--/live-->", re.DOTALL)
LIVE_MARKER = re.compile(rb"<!--live:([\w./-]+)-->")


def page_identity(request) -> tuple:
    """What tells catalog pages apart: the path and the page number."""
    return (request.path, request.GET.get("page", ""))


class CookielessPageCache:
    """Stores and serves whole pages for requests that carry no cookie and no credentials."""

    def applies_to(self, request) -> bool:
        """Whether the page for ``request`` may come from (and go to) the whole-page cache."""
        return request.method in ("GET", "HEAD") and not request.COOKIES and "HTTP_AUTHORIZATION" not in request.META

    def key(self, request, identity=None) -> str:
        """The cache key of the page: ``identity``, by default the path and the page number
        (other query parameters, such as tracking tags, do not change a catalog page)."""
        return fragment_key("anonymous-page", *(identity or page_identity(request)))

    def fetch(self, request, key) -> HttpResponse | None:
        """The page stored under ``key`` with the visitor's own CSRF token, or ``None``."""
        cached = get_fragment(key)
        if cached is None:
            return None
        content, content_type, has_csrf_token = cached
        if has_csrf_token:
            content = content.replace(CSRF_TOKEN_PLACEHOLDER.encode(), masked_csrf_token(request).encode())
        response = HttpResponse(self.personalised(request, content), content_type=content_type)
        patch_vary_headers(response, ["Cookie"])  # as the rendered page would say
        return response

    def personalised(self, request, content: bytes) -> bytes:
        """``content`` as this visitor sees it: the same for everyone here."""
        return content

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
        set_fragment(key, (content, response["Content-Type"], has_csrf_token))

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


# Live parts that an app renders itself, by template name: ``renderer(request) -> str``.
_live_part_renderers = {}


def register_live_part(template_name: str, renderer) -> None:
    """Render the live part ``template_name`` of cached pages with ``renderer(request)``
    instead of the template (the same HTML, without the template engine on every request)."""
    _live_part_renderers[template_name] = renderer


_page_variants = []


def register_page_variant(variant) -> None:
    """Keep a separate cached page per ``variant(request)`` (a short string, ``""`` by default)
    for shoppers with cookies: for an app whose pages differ by a choice kept in the shopper's
    session, such as a display currency. ``variant`` must read no database (it runs on every
    cached request)."""
    _page_variants.append(variant)


def page_variants(request) -> tuple:
    """The registered variants of the page for ``request`` (:func:`register_page_variant`)."""
    return tuple(variant(request) for variant in _page_variants)


PERSONAL_PART_ATTR = "_coleman_rendered_personal_part"


def rendered_personal_part(request) -> None:
    """Note that something personal (a shopper's cart, say) was rendered into the page outside
    a live part: such a page is not stored for other shoppers. Template tags that read a
    shopper's own data call this; live-part renderers undo it (:func:`personal_part_undone`)."""
    setattr(request, PERSONAL_PART_ATTR, True)


def personal_part_undone(request, before: bool) -> None:
    """Restore the mark of :func:`rendered_personal_part` to ``before`` (a live part rendered
    its personal data inside its markers, where it is filled in per request)."""
    setattr(request, PERSONAL_PART_ATTR, before)


def has_rendered_personal_part(request) -> bool:
    """Whether the page rendered for ``request`` shows personal data outside its live parts."""
    return getattr(request, PERSONAL_PART_ATTR, False)


def has_pending_messages(request) -> bool:
    """Whether messages wait to be shown to this visitor (in the cookie or the session), read
    without loading them."""
    if request.COOKIES.get(CookieStorage.cookie_name):  # a deleted cookie may come back empty
        return True
    session = getattr(request, "session", None)
    return session is not None and SessionStorage.session_key in session


class ShopperPageCache(CookielessPageCache):
    """Stores and serves whole pages for returning shoppers and logged-in customers.

    One page is kept per path and page number for shoppers who are not logged in and one for
    logged-in customers (:meth:`visitor_class`). The CSRF token and the live parts are filled
    in for each request (:meth:`fetch`).
    """

    #: True when :meth:`visitor_class` keeps a page per user (a page may then name its user).
    per_user = False

    def applies_to(self, request) -> bool:
        """GET and HEAD with a cookie, without credentials in a header or messages to show."""
        return (
            request.method in ("GET", "HEAD")
            and bool(request.COOKIES)
            and "HTTP_AUTHORIZATION" not in request.META
            and not has_pending_messages(request)
        )

    def visitor_class(self, request) -> str:
        """``"customer"`` for a logged-in user, else ``"shopper"``: the pages they see differ."""
        user = getattr(request, "user", None)
        return "customer" if user is not None and user.is_authenticated else "shopper"

    def key(self, request, identity=None) -> str:
        """``identity`` (by default the path and the page number), the visitor class and the
        page's registered variants (a display currency, say)."""
        return fragment_key(
            "shopper-page",
            self.visitor_class(request),
            *page_variants(request),
            *(identity or page_identity(request)),
        )

    def personalised(self, request, content: bytes) -> bytes:
        """``content`` with the shopper's live parts filled in (:meth:`fill_live_parts`)."""
        return self.fill_live_parts(request, content)

    @staticmethod
    def fill_live_parts(request, content: bytes) -> bytes:
        """Render each live part into its marker: by its app's renderer
        (:func:`register_live_part`), else its template with ``request`` as its only context
        (no context processors: live parts are small and run on every request)."""

        def render(match):
            name = match.group(1).decode()
            renderer = _live_part_renderers.get(name)
            html = renderer(request) if renderer else get_template(name).render({"request": request})
            return match.group(0) + html.encode() + b"<!--/live-->"

        return LIVE_MARKER.sub(render, content)

    def store(self, request, response, key) -> None:
        """Store a freshly rendered page without its live parts, if nothing else in it is personal."""
        if response.status_code != 200 or not hasattr(response, "render"):
            return
        response.render()
        if not self.is_the_same_for_the_visitor_class(request, response):
            return
        has_csrf_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        content = LIVE_PART.sub(lambda match: b"<!--live:" + match.group(1) + b"-->", response.content)
        if has_csrf_token:
            content = CSRF_TOKEN_IN_FORM.sub(rb"\g<1>" + CSRF_TOKEN_PLACEHOLDER.encode() + rb"\g<2>", content)
        set_fragment(key, (content, response["Content-Type"], has_csrf_token))

    def is_the_same_for_the_visitor_class(self, request, response) -> bool:
        """True unless rendering the page set a cookie other than the CSRF token's, changed the
        session, left a message, rendered a shopper's own data outside a live part (the cart
        summary included without its live markers) or shows the logged-in user's name or
        e-mail address.

        The last two are safety nets: a page showing one shopper's cart or naming its customer
        ("Hello, Ann") must not be served to others. Such a part belongs in a live part; until
        it is, the page is simply not stored.
        """
        session = getattr(request, "session", None)
        messages = getattr(request, "_messages", None)
        cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        return not (
            cookies
            or (session is not None and session.modified)
            or (messages is not None and len(messages))
            or has_pending_messages(request)
            or has_rendered_personal_part(request)
            or (not self.per_user and shows_the_user(request, response.content))
        )


def shows_the_user(request, content: bytes) -> bool:
    """Whether ``content`` holds the logged-in user's user name, e-mail address or name."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    names = [user.get_username(), getattr(user, "email", "")]
    names += [getattr(user, method, lambda: "")() for method in ("get_full_name", "get_short_name")]
    text = content.decode(errors="replace").casefold()
    return any(len(name) >= 3 and (name.casefold() in text or escape(name).casefold() in text) for name in names)


class WholePageCacheMixin:
    """A view mixin serving whole pages from the first of ``page_cache_classes`` that applies."""

    page_cache_classes = (CookielessPageCache, ShopperPageCache)

    def get_page_cache(self, request):
        """The page cache for ``request``, or ``None``."""
        for page_cache_class in self.page_cache_classes:
            page_cache = page_cache_class()
            if page_cache.applies_to(request):
                return page_cache
        return None

    def page_identity(self, request) -> tuple:
        """What tells this view's pages apart (:func:`page_identity`: path and page number)."""
        return page_identity(request)

    def dispatch(self, request, *args, **kwargs):
        page_cache = self.get_page_cache(request)
        if page_cache is None:
            return super().dispatch(request, *args, **kwargs)
        # The key is taken before the page is rendered: if the catalog changes meanwhile, the
        # page is stored under the old catalog version, which nobody reads any more. The page
        # and its live parts (the cart summary) read the version once.
        with pinned_catalog_version():
            key = page_cache.key(request, self.page_identity(request))
            response = page_cache.fetch(request, key)
            if response is None:
                response = super().dispatch(request, *args, **kwargs)
                page_cache.store(request, response, key)
        return response
