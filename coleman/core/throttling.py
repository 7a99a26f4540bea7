"""Who a request comes from, and cache-based throttles keyed by it.

Every throttle in the store (login, account emails, guest order look-up, rating and review
posts) reads the client's address with :func:`client_ip`, the one place that knows how many
reverse proxies stand in front of the site (``COLEMAN_PROXY_COUNT``). Counters live in the
default cache (shared by every worker: files or Redis in production), keyed by a hash so raw
usernames and addresses never become cache keys.
"""

import hashlib
import json

from django.core.cache import cache

from coleman.conf import coleman_settings


def client_ip(request):
    """The address the request came from.

    ``REMOTE_ADDR``, unless ``COLEMAN_PROXY_COUNT`` trusted proxies stand in front: then the
    address the outermost trusted proxy saw, read from the right of ``X-Forwarded-For``
    (entries further left are whatever the client chose to send).
    """
    proxies = coleman_settings.PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class Throttle:
    """Counts events for one key within a window and says when the limit is reached.

    ``Throttle("login", username, client_ip(request), limit=5, window=900)``: the scope names
    what is counted, the parts say whose events they are.
    """

    prefix = "coleman:throttle"

    def __init__(self, scope, *parts, limit, window):
        digest = hashlib.sha256(json.dumps([str(part) for part in parts]).encode()).hexdigest()
        self.key = f"{self.prefix}:{scope}:{digest}"
        self.limit = limit
        self.window = window

    @classmethod
    def for_client(cls, request, scope, *parts, limit, window):
        """A throttle on ``scope`` for this request's client address (and any further parts)."""
        return cls(scope, client_ip(request), *parts, limit=limit, window=window)

    @property
    def count(self):
        """Events counted in the current window."""
        return cache.get(self.key, 0)

    def is_exceeded(self):
        """Whether the limit has been reached."""
        return self.count >= self.limit

    def hit(self):
        """Count one event and return the new count; each event restarts the window."""
        cache.add(self.key, 0, self.window)
        try:
            count = cache.incr(self.key)
        except ValueError:  # expired between add() and incr()
            cache.set(self.key, 1, self.window)
            count = 1
        cache.touch(self.key, self.window)
        return count

    def reset(self):
        """Forget the events counted so far."""
        cache.delete(self.key)

    @property
    def minutes(self):
        """The window, in whole minutes (rounded up), for messages."""
        return max(1, -(-self.window // 60))


__all__ = ["Throttle", "client_ip"]
