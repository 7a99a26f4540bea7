"""The interface every payment processor implements.

A processor is a class named by dotted path in ``COLEMAN_PAYMENTS_PROCESSORS`` (see
:mod:`coleman.payments.processors`). One instance per process serves every request, so a
processor keeps no per-request state on ``self``.

What the framework asks of a processor:

* ``name`` (a slug: it appears in ``/checkout/<name>/`` and ``/payments/<name>/…`` and is
  stored on every :class:`~coleman.payments.models.PaymentTransaction` and
  :class:`~coleman.payments.models.PaymentEvent`) and ``verbose_name`` (shown to shoppers).
* :meth:`get_checkout_response`: after the checkout view saved the order, return the
  hand-off (a page with a form that posts to the service, or a redirect).
* :meth:`get_urls`: the processor's own URL patterns (returns, notifications, IPN…),
  mounted under ``/payments/<name>/`` in the namespace ``payments:<name>``.
* Pipeline operations used by the staff admin actions: :meth:`authorize`, :meth:`charge`,
  :meth:`refund`, :meth:`cancel`, :meth:`ship`. Each raises
  :class:`~coleman.payments.exceptions.NotSupported` unless the processor overrides it.
"""

from django.urls import reverse

from coleman.conf import coleman_settings

from ..exceptions import NotSupported

#: The pipeline operations a processor may support (method names).
OPERATIONS = ("authorize", "charge", "refund", "cancel", "ship")


class PaymentProcessor:
    """Base class of payment processors: override what the service supports."""

    #: URL slug and stored identifier, e.g. ``"google"``; unique among installed processors.
    name = ""
    #: Shopper-facing name, e.g. ``"Google Checkout"``.
    verbose_name = ""
    #: Prefix of this processor's ``COLEMAN_*`` settings, e.g. ``"GOOGLE_"``.
    settings_prefix = ""
    #: Template rendered by the default :meth:`get_checkout_response` (context: order, processor, handoff).
    handoff_template_name = "payments/handoff.html"

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"

    # --- configuration -----------------------------------------------------------------

    def setting(self, name):
        """This processor's setting ``COLEMAN_<prefix><name>`` (default from coleman.conf)."""
        return getattr(coleman_settings, f"{self.settings_prefix}{name}")

    def check(self):
        """System-check messages (``django.core.checks`` objects) about this processor's settings."""
        return []

    def is_available(self, request=None):
        """Whether shoppers may choose this processor now (override to hide it)."""
        return True

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
        from django.shortcuts import render

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
        from django.http import Http404

        raise Http404("This processor takes no generic callbacks.")
