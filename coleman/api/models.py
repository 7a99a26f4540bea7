"""API tokens for scripts: ``Authorization: Token <key>``.

Only a SHA-256 digest of each key is stored (a database leak reveals no usable key); the key
is shown once, when it is issued. A key is ``<prefix>.<secret>``: the prefix finds the row,
the digest of the whole key is compared in constant time.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX_BYTES = 6


def digest_of(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    """Queries over API tokens."""

    def issue(self, user, name=""):
        """Create a token for ``user``; returns ``(token, key)``. The key is never stored."""
        prefix = secrets.token_hex(PREFIX_BYTES)
        key = f"{prefix}.{secrets.token_urlsafe(32)}"
        token = self.create(user=user, name=name, prefix=prefix, digest=digest_of(key))
        return token, key

    def matching(self, key: str):
        """The active token whose key is ``key``, or ``None``."""
        prefix, _dot, _secret = key.partition(".")
        if not _dot or len(prefix) != PREFIX_BYTES * 2:
            return None
        token = self.select_related("user").filter(prefix=prefix).first()
        if token is None or not hmac.compare_digest(token.digest, digest_of(key)):
            return None
        return token


class ApiToken(models.Model):
    """A key a script sends to act as ``user`` on the API."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for, e.g. 'nightly export'.")
    prefix = models.CharField(max_length=PREFIX_BYTES * 2, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    def touch(self):
        """Record a use, at most once a minute (so busy scripts do not write on every call)."""
        now = timezone.now()
        if self.last_used is None or (now - self.last_used).total_seconds() > 60:
            type(self).objects.filter(pk=self.pk).update(last_used=now)
            self.last_used = now
