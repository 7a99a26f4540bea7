"""What Google's notifications do to the store's orders (the Notification API's meaning).

:class:`NotificationHandling` is mixed into :class:`~.processor.GoogleCheckout`: the view
(``views.NotificationView``) authenticates and parses a notification, finds its order
(:meth:`~NotificationHandling.find_order`) and applies it once
(:meth:`~NotificationHandling.apply_notification`) inside ``services.apply_once``.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from coleman.core.money import to_money
from coleman.orders.models import Order
from coleman.orders.statuses import UNPAID, Status

from ... import xml as safe_xml
from ...exceptions import MalformedMessage
from ...models import EventOutcome, PaymentTransaction, TransactionKind, TransactionStatus
from ...services import flag_order, move_order, record_checkout
from .buy_it_now import order_from_buy_it_now
from .protocol import parse_amount
from .shipping import chosen_shipping

#: The new financial states :meth:`NotificationHandling.on_order_state_change` acts on.
ACTED_ON_FINANCIAL = ("PAYMENT_DECLINED", "CANCELLED", "CANCELLED_BY_GOOGLE", "CHARGED")


class NotificationHandling:
    """Applying authenticated Notification API messages to orders (one ``on_<type>`` per type)."""

    def find_order(self, root, kind, *, lock=False):
        """Our order for a notification: by merchant-private-data (new-order) or Google's number.

        ``lock=True`` (inside the transaction that applies the notification) reads the order
        ``select_for_update``: the one read of the order a notification needs.
        """
        google_number = safe_xml.required_text(root, "google-order-number")
        if len(google_number) > 40:
            raise MalformedMessage("The google-order-number is too long.")
        orders = Order.objects.select_for_update() if lock else Order.objects.all()
        if kind == "new-order-notification":
            number = safe_xml.text(root, "shopping-cart/merchant-private-data/merchant-note") or safe_xml.text(
                root, "shopping-cart/merchant-private-data"
            )
            if not number:
                return order_from_buy_it_now(root, google_number), google_number
            order = orders.filter(number=number).first()
        else:
            checkouts = PaymentTransaction.objects.filter(
                processor=self.name, kind=TransactionKind.CHECKOUT, remote_id=google_number
            )
            order = orders.filter(pk__in=checkouts.values("order_id")).first()
        if order is None:
            raise MalformedMessage(f"No order matches Google order {google_number}.")
        return order, google_number

    def changes_nothing(self, root, kind):
        """True when the notification cannot change anything, whatever the order's state: it is
        only logged (risk information; a state change to a state the store does not act on).

        Such a notification is applied without a transaction and reads the order unlocked.
        """
        if kind == "risk-information-notification":
            return True
        if kind != "order-state-change-notification":
            return False
        financial = safe_xml.text(root, "new-financial-order-state")
        fulfillment = safe_xml.text(root, "new-fulfillment-order-state")
        return bool(financial or fulfillment) and financial not in ACTED_ON_FINANCIAL and fulfillment != "DELIVERED"

    def changes_nothing_to(self, order, root, kind):
        """True when an order-state-change that may act (:meth:`changes_nothing` is False) can
        change nothing to ``order`` as it is now, read without a lock: a CHARGED state for an
        order that is not checking out (Google also sends the charge, which marked it paid), a
        DELIVERED one for an order that is not paid, a cancellation of an order past payment.

        Deciding on an unlocked read is safe: the notification is then only logged (one INSERT,
        atomic by itself), which is what applying it at the moment of that read would have done.
        A decline records a transaction, so it always goes the locked way.
        """
        if kind != "order-state-change-notification":
            return False
        financial = safe_xml.text(root, "new-financial-order-state")
        fulfillment = safe_xml.text(root, "new-fulfillment-order-state")
        if not (financial or fulfillment) or financial == "PAYMENT_DECLINED":
            return False
        status = order.status_id
        if financial in ("CANCELLED", "CANCELLED_BY_GOOGLE"):
            return status not in (*UNPAID, Status.EXCEPTION)
        charged = financial == "CHARGED" and status == Status.NEW_CHKOUT
        delivered = fulfillment == "DELIVERED" and status == Status.PAID
        return not (charged or delivered)

    def apply_notification(self, event, root, kind, order, google_number):
        """Apply one authenticated, first-seen notification; returns ``(outcome, message)``.

        ``order`` was read ``select_for_update`` in the current transaction (see
        :meth:`find_order`): the handlers use its status as it is and move it without reading
        it again.
        """
        handler = getattr(self, "on_" + kind.replace("-notification", "").replace("-", "_"))
        return handler(event, root, order, google_number)

    def on_new_order(self, event, root, order, google_number):
        total = parse_amount(safe_xml.required_text(root, "order-total"), "order-total")
        currency = (safe_xml.find(root, "order-total").get("currency") or "").upper()
        message = f"Google order {google_number}: {safe_xml.text(root, 'financial-order-state')}"
        owner = None
        if not self._claim_google_number(order, google_number, message):
            txn = record_checkout(order, self.name)
            if txn.remote_id and txn.remote_id != google_number:
                flag_order(
                    order,
                    f"Google sent a second order number {google_number} for this order.",
                    processor=self.name,
                    locked=True,
                )
                return EventOutcome.FLAGGED, "A second Google order for the same store order."
            owner = self._owner_of_google_number(google_number, order)
            if owner is None:
                txn.remote_id = google_number
                txn.message = message
                try:
                    with transaction.atomic():
                        txn.save(update_fields=["remote_id", "message", "updated_at"])
                except IntegrityError:
                    # Another notification claimed the number between our look-up and this save.
                    txn.remote_id = ""
                    owner = self._owner_of_google_number(google_number, order) or "another order"
        if owner is not None:
            note = (
                f"Google order {google_number} belongs to order {owner}, but a new-order notification "
                f"names this order in its merchant note."
            )
            flag_order(order, note, processor=self.name, locked=True)
            return EventOutcome.FLAGGED, note
        expected, choice = order.total, self.believed_shipping_choice(order, root)
        if choice is not None:
            expected = to_money(order.subtotal + choice[1])
        if total != expected or currency != order.currency:
            note = f"Google's order total {total} {currency} differs from ours ({expected} {order.currency})."
            flag_order(order, note, processor=self.name, locked=True)
            return EventOutcome.FLAGGED, note
        if choice is not None and (choice[1] != order.shipping or choice[0] != order.shipping_method):
            # The buyer's choice on Google's page replaces our estimate on the order.
            order.shipping_method, order.shipping, order.total = choice[0] or order.shipping_method, choice[1], expected
            type(order).objects.filter(pk=order.pk).update(
                shipping_method=order.shipping_method, shipping=order.shipping, total=order.total
            )
        move_order(
            order, Status.NEW_CHKOUT, processor=self.name, note=f"Google order {google_number} received.", locked=True
        )
        return EventOutcome.APPLIED, f"Order is checking out at Google ({google_number})."

    def _claim_google_number(self, order, google_number, message):
        """Write ``google_number`` on the order's checkout transaction in one UPDATE, when that
        transaction exists and holds no number yet; True if it did.

        Anything else (no checkout recorded, a number already there, the number held by another
        order's checkout) is left to the careful path in :meth:`on_new_order`.
        """
        try:
            with transaction.atomic():
                return bool(
                    PaymentTransaction.objects.filter(
                        processor=self.name, kind=TransactionKind.CHECKOUT, reference=order.number, remote_id=""
                    ).update(remote_id=google_number, message=message, updated_at=timezone.now())
                )
        except IntegrityError:  # another order's checkout holds the number
            return False

    def believed_shipping_choice(self, order, root):
        """``(name, cost)`` of the buyer's shipping choice when it is one we offered, else None.

        A flat-rate choice must name one of the cart's flat-rate options at its price; a
        carrier-calculated one is Google's quote, believed when we offered carrier shipping.
        Anything else leaves our own charge, so a total built on it is flagged.
        """
        chosen = chosen_shipping(root)
        if chosen is None:
            return None
        kind, name, cost = chosen
        if kind == "carrier":
            return (name, cost) if self.setting("CARRIER_SHIPPING") else None
        offered = {option.name: option.price for option in self.offered_flat_rates(order)}
        return (name, cost) if offered.get(name) == cost else None

    def _owner_of_google_number(self, google_number, order):
        """The number of the other order whose checkout already holds ``google_number``, or None."""
        return (
            PaymentTransaction.objects.filter(
                processor=self.name, kind=TransactionKind.CHECKOUT, remote_id=google_number
            )
            .exclude(order=order)
            .values_list("order__number", flat=True)
            .first()
        )

    def on_risk_information(self, event, root, order, google_number):
        avs = safe_xml.text(root, "risk-information/avs-response")
        cvn = safe_xml.text(root, "risk-information/cvn-response")
        eligible = safe_xml.text(root, "risk-information/eligible-for-protection")
        return (
            EventOutcome.APPLIED,
            f"Risk: AVS {avs or '?'}, CVN {cvn or '?'}, protection {eligible or '?'}.",
        )

    def on_order_state_change(self, event, root, order, google_number):
        financial = safe_xml.text(root, "new-financial-order-state")
        fulfillment = safe_xml.text(root, "new-fulfillment-order-state")
        if not financial and not fulfillment:
            raise MalformedMessage("The state change names no new state.")
        note = f"Google: financial {financial or '-'}, fulfillment {fulfillment or '-'}."
        if financial == "PAYMENT_DECLINED":
            self._record_decline(order, google_number, safe_xml.text(root, "reason"))
            return EventOutcome.APPLIED, "The payment was declined; the order stays unpaid."
        if financial in ("CANCELLED", "CANCELLED_BY_GOOGLE"):
            if order.status_id in (*UNPAID, Status.EXCEPTION):
                move_order(order, Status.CANCELLED, processor=self.name, note=note, locked=True)
            return EventOutcome.APPLIED, note
        if financial == "CHARGED" and order.status_id == Status.NEW_CHKOUT and self._charged_in_full(order):
            move_order(order, Status.PAID, processor=self.name, note=note, locked=True)
        if fulfillment == "DELIVERED" and order.status_id == Status.PAID:
            move_order(order, Status.SHIPPED, processor=self.name, note=note, locked=True)
        return EventOutcome.APPLIED, note

    def _record_decline(self, order, google_number, reason):
        PaymentTransaction.objects.get_or_create(
            processor=self.name,
            kind=TransactionKind.AUTHORIZE,
            reference=f"declined:{google_number}",
            defaults={
                "order": order,
                "status": TransactionStatus.DECLINED,
                "amount": order.total,
                "currency": order.currency,
                "message": reason or "Google declined the payment.",
            },
        )

    def _charged_in_full(self, order):
        charged = (
            PaymentTransaction.objects.filter(
                order=order,
                processor=self.name,
                kind=TransactionKind.CHARGE,
                status=TransactionStatus.SUCCEEDED,
            )
            .order_by("-created_at", "-id")
            .values_list("amount", flat=True)
            .first()
        )
        return charged is not None and charged == order.total

    def _amount_notification(self, event, root, order, kind, latest_tag, total_tag):
        latest = parse_amount(safe_xml.required_text(root, latest_tag), latest_tag)
        total = parse_amount(safe_xml.required_text(root, total_tag), total_tag)
        PaymentTransaction.objects.create(
            order=order,
            processor=self.name,
            kind=kind,
            reference=f"serial:{event.idempotency_key}",
            status=TransactionStatus.SUCCEEDED,
            amount=total,
            currency=order.currency,
            message=f"Latest {latest}, total {total}.",
            raw_response=event.body[:10000],
        )
        return latest, total

    def on_charge_amount(self, event, root, order, google_number):
        latest, total = self._amount_notification(
            event, root, order, TransactionKind.CHARGE, "latest-charge-amount", "total-charge-amount"
        )
        if total != order.total:
            note = f"Google charged {total}, the order total is {order.total}."
            flag_order(order, note, processor=self.name, locked=True)
            return EventOutcome.FLAGGED, note
        if order.status_id in UNPAID:
            move_order(order, Status.PAID, processor=self.name, note=f"Google charged {total}.", locked=True)
        return EventOutcome.APPLIED, f"Charged {latest} (total {total})."

    def on_refund_amount(self, event, root, order, google_number):
        latest, total = self._amount_notification(
            event, root, order, TransactionKind.REFUND, "latest-refund-amount", "total-refund-amount"
        )
        return EventOutcome.APPLIED, f"Refunded {latest} (total {total})."

    def on_chargeback_amount(self, event, root, order, google_number):
        latest, total = self._amount_notification(
            event,
            root,
            order,
            TransactionKind.CHARGEBACK,
            "latest-chargeback-amount",
            "total-chargeback-amount",
        )
        note = f"Chargeback of {latest} (total {total})."
        flag_order(order, note, processor=self.name, locked=True)
        return EventOutcome.FLAGGED, note


__all__ = ["NotificationHandling"]
