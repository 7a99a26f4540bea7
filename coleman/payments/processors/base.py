"""The interface every payment processor implements.

A processor is a class named by dotted path in ``COLEMAN_PAYMENTS_PROCESSORS`` (see
:mod:`coleman.payments.processors`). One instance per process serves every request, so a
processor keeps no per-request state on ``self``.

What the framework asks of a processor:

* ``name`` (a slug: it appears in ``/checkout/<name>/`` and ``/payments/<name>/…`` and is
  stored on every :class:`~coleman.payments.models.PaymentTransaction` and
  :class:`~coleman.payments.models.PaymentEvent`) and ``verbose_name`` (shown to shoppers).
* ``default_settings``: the settings it reads and their defaults. ``self.setting("KEY")``
  reads ``COLEMAN_<settings_prefix>KEY`` when it is used (so ``override_settings`` works),
  falling back to the default declared here. A processor written outside Coleman declares its
  own the same way; nothing needs adding to ``coleman.conf``.
* ``endpoint_settings``: which of those settings hold the service's URLs (the system checks
  refuse test-environment URLs on a live site; :meth:`resolve_url` makes relative ones absolute).
* :meth:`get_checkout_response`: after the checkout view saved the order, return the
  hand-off (a page with a form that posts to the service, or a redirect).
* :meth:`get_urls`: the processor's own URL patterns (returns, notifications, IPN…),
  mounted under ``/payments/<name>/`` in the namespace ``payments:<name>``.
* Pipeline operations used by the staff admin actions: :meth:`authorize`, :meth:`charge`,
  :meth:`refund`, :meth:`cancel`, :meth:`ship`. Each raises
  :class:`~coleman.payments.exceptions.NotSupported` unless the processor overrides it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ..exceptions import NotSupported
from ..http import gateway_session

#: The pipeline operations a processor may support (method names).
OPERATIONS = ("authorize", "charge", "refund", "cancel", "ship")


class PaymentProcessor:
    """Base class of payment processors: override what the service supports."""

    #: URL slug and stored identifier, e.g. ``"google"``; unique among installed processors.
    name = ""
    #: Shopper-facing name, e.g. ``"Google Checkout"``.
    verbose_name = ""
    #: Prefix of this processor's ``COLEMAN_*`` settings, e.g. ``"GOOGLE_"`` (default: the
    #: upper-cased ``name`` and an underscore).
    settings_prefix = ""
    #: This class's settings and their defaults, merged with its base classes' (a subclass
    #: adds keys or changes defaults). Read with :meth:`setting`.
    default_settings = {
        # Seconds to wait for the service (None: COLEMAN_PAYMENTS_HTTP_TIMEOUT).
        "TIMEOUT": None,
        # Client certificate presented to the service's API: a path, or [certificate, key] paths.
        "CLIENT_CERT": "",
    }
    #: Names of the settings (keys of ``default_settings``) that hold the service's URLs.
    endpoint_settings = ()
    #: Those of them that are pages the shopper's browser opens: they may be relative to this
    #: site (:meth:`resolve_url`); every other endpoint must be an absolute URL.
    page_endpoint_settings = ()
    #: Template rendered by the default :meth:`get_checkout_response` (context: order, processor, handoff).
    handoff_template_name = "payments/handoff.html"

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"

    # --- configuration -----------------------------------------------------------------

    @classmethod
    def declared_settings(cls):
        """``{KEY: default}`` of every setting this class and its bases declare."""
        declared = {}
        for klass in reversed(cls.__mro__):
            declared.update(vars(klass).get("default_settings") or {})
        return declared

    def setting_name(self, key):
        """The Django setting that configures ``key``: ``COLEMAN_<prefix><KEY>``."""
        return f"COLEMAN_{self.settings_prefix or self.name.upper() + '_'}{key}"

    def setting(self, key):
        """This processor's setting ``key``, read now: ``COLEMAN_<prefix><KEY>`` or the declared default.

        A setting left at ``None`` (e.g. an endpoint the production settings read from an
        environment variable that is not set) means the declared default.
        """
        declared = self.declared_settings()
        if key not in declared:
            raise ImproperlyConfigured(f"{type(self).__name__} declares no setting {key!r} in default_settings.")
        value = getattr(settings, self.setting_name(key), None)
        return declared[key] if value is None else value

    def endpoints(self):
        """``{setting name: URL}`` of the service URLs this processor is configured with."""
        return {self.setting_name(key): self.setting(key) for key in self.endpoint_settings}

    def check(self):
        """System-check messages (``django.core.checks`` objects) about this processor's settings."""
        return []

    def is_available(self, request=None):
        """Whether shoppers may choose this processor now (override to hide it)."""
        return True

    def http_session(self, *, idempotent=False):
        """A :func:`~coleman.payments.http.gateway_session` with this processor's timeout and certificate."""
        return gateway_session(
            self.verbose_name or self.name,
            timeout=self.setting("TIMEOUT"),
            cert=self.setting("CLIENT_CERT") or None,
            idempotent=idempotent,
        )

    @staticmethod
    def resolve_url(request, url):
        """``url`` made absolute against the current request when it is relative to this site.

        Browser-facing endpoints (a service's payment page) may be given as paths, e.g. a page
        of this site in development; server-to-server endpoints must be absolute.
        """
        return url if urlsplit(url).netloc else request.build_absolute_uri(url)

    # --- URLs --------------------------------------------------------------------------

    def get_urls(self):
        """URL patterns mounted under ``/payments/<name>/`` in namespace ``payments:<name>``."""
        return []

    def reverse(self, viewname, *args, **kwargs):
        """``reverse()`` of one of this processor's URL names (``payments:<name>:<viewname>``)."""
        return reverse(f"payments:{self.name}:{viewname}", args=args or None, kwargs=kwargs or None)

    def absolute_url(self, request, viewname, *args, **kwargs):
        """The absolute URL of one of this processor's views, for the service to call back."""
        return request.build_absolute_uri(self.reverse(viewname, *args, **kwargs))

    # --- checkout ----------------------------------------------------------------------

    def get_handoff_context(self, request, order):
        """Extra context for :attr:`handoff_template_name` (the form fields, the target URL)."""
        return {}

    def get_checkout_response(self, request, order):
        """The response that hands the saved ``order`` over to the payment service.

        The default renders :attr:`handoff_template_name` with :meth:`get_handoff_context`;
        processors that redirect return an ``HttpResponseRedirect`` instead.
        """
        context = {"order": order, "processor": self, **self.get_handoff_context(request, order)}
        return render(request, self.handoff_template_name, context)

    # --- the pipeline (staff actions) ----------------------------------------------------

    def supports(self, operation):
        """True when this processor overrides ``operation`` (one of :data:`OPERATIONS`)."""
        if operation not in OPERATIONS:
            return False
        return getattr(type(self), operation) is not getattr(PaymentProcessor, operation)

    def authorize(self, order, amount=None):
        """Reserve ``amount`` (default: the order total) without capturing it."""
        raise NotSupported(f"{self.verbose_name or self.name} cannot authorize payments.")

    def charge(self, order, amount=None):
        """Capture ``amount`` (default: the order total) for ``order``."""
        raise NotSupported(f"{self.verbose_name or self.name} cannot charge orders from the store.")

    def refund(self, order, amount=None, reason=""):
        """Refund ``amount`` (default: everything charged) of ``order``."""
        raise NotSupported(f"{self.verbose_name or self.name} cannot refund from the store.")

    def cancel(self, order, reason=""):
        """Cancel ``order`` at the service (void an authorization)."""
        raise NotSupported(f"{self.verbose_name or self.name} cannot cancel orders from the store.")

    def ship(self, order, tracking_number="", carrier=""):
        """Tell the service that ``order`` shipped, with tracking data when given."""
        raise NotSupported(f"{self.verbose_name or self.name} has no shipping notification.")

    # --- inbound messages ----------------------------------------------------------------

    def handle_callback(self, request):
        """Handle a generic inbound message at ``/payments/<name>/callback/``.

        Processors with named endpoints put them in :meth:`get_urls` instead; the default
        answers 404 so an unused callback URL reveals nothing.
        """
        raise Http404("This processor takes no generic callbacks.")
