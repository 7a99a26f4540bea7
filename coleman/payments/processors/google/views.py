"""Google Checkout's inbound HTTP: the Notification API endpoint (the shopper's return is the
framework's :class:`~coleman.payments.processors.views.ProcessorReturnView`)."""

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from coleman.conf import coleman_settings

from ... import xml as safe_xml
from ...exceptions import MalformedMessage, MessageRejected, Unauthenticated
from ...services import apply_once, log_rejected
from ..views import remote_addr
from .protocol import NOTIFICATION_TYPES, acknowledgment, check_basic_auth


@method_decorator(csrf_exempt, name="dispatch")
class NotificationView(View):
    """The Notification API endpoint: authenticate, parse, apply once, acknowledge.

    CSRF-exempt because it is a machine callback authenticated by HTTP Basic auth with the
    merchant credentials, checked in constant time before the body is parsed.
    """

    processor = None
    http_method_names = ["post"]

    def post(self, request):
        """Answer one notification: 401 unauthenticated, 400 refused, else the acknowledgment."""
        processor = self.processor
        body = request.body
        address = remote_addr(request)
        try:
            check_basic_auth(request.META.get("HTTP_AUTHORIZATION", ""), processor.merchant_id, processor.merchant_key)
        except Unauthenticated as exc:
            log_rejected(processor.name, "", body, str(exc), remote_addr=address)
            response = HttpResponse(str(exc), status=401, content_type="text/plain; charset=utf-8")
            response["WWW-Authenticate"] = 'Basic realm="Google Checkout notifications"'
            return response
        kind = ""
        try:
            root = safe_xml.parse_xml(body, max_bytes=coleman_settings.PAYMENTS_MAX_MESSAGE_BYTES)
            kind = safe_xml.local_name(root)
            if kind not in NOTIFICATION_TYPES:
                raise MalformedMessage(f"Unknown notification <{kind}>.")
            serial = root.get("serial-number", "").strip()
            if not serial or len(serial) > 120:
                raise MalformedMessage("The notification has no usable serial-number.")
            found = {}
            writes = not processor.changes_nothing(root, kind)
            if writes and kind == "order-state-change-notification":
                # A state change often finds the order already where it would move it (the
                # CHARGED state after the charge): read without a lock first, and only log it then.
                found["order"], found["google_number"] = processor.find_order(root, kind)
                writes = not processor.changes_nothing_to(found["order"], root, kind)
                if writes:
                    found.clear()

            def find_order():
                if not found:
                    found["order"], found["google_number"] = processor.find_order(root, kind, lock=writes)
                return found["order"]

            apply_once(
                processor=processor.name,
                key=serial,
                kind=kind,
                body=body,
                parsed=safe_xml.to_dict(root),
                order=find_order,
                apply=lambda event: processor.apply_notification(
                    event, root, kind, found["order"], found["google_number"]
                ),
                remote_addr=address,
                writes=writes,
            )
        except MessageRejected as exc:
            log_rejected(processor.name, kind, body, str(exc), remote_addr=address, authenticated=True)
            return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
        return HttpResponse(acknowledgment(serial), content_type="application/xml; charset=utf-8")


__all__ = ["NotificationView"]
