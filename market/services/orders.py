"""The order lifecycle, enforced in one transition table.

pending payment → confirmed (paid, or cash on delivery accepted by the producer) → shipped → delivered →
completed; cancelled (stock given back) from pending payment or confirmed; refunded after a paid order is
cancelled and the money went back. Anything else is refused with ``ILLEGAL_TRANSITION``.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event

from ..acting import acting_for_producer
from ..exceptions import MarketError, MarketErrorCode
from ..models import CancelledBy, Order, OrderStatus, PaymentMethod
from . import payments as order_payments
from .checkout import give_back_stock

S = OrderStatus
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_PAYMENT: {S.CONFIRMED, S.CANCELLED},
    S.CONFIRMED: {S.SHIPPED, S.CANCELLED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: {S.COMPLETED},
    S.COMPLETED: set(),
    S.CANCELLED: {S.REFUNDED},
    S.REFUNDED: set(),
}
TIMESTAMPS = {
    S.CONFIRMED: "confirmed_at",
    S.SHIPPED: "shipped_at",
    S.DELIVERED: "delivered_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
}
EVENT_NAMES = {
    status: f"market.order.{status}" for status in (S.CONFIRMED, S.SHIPPED, S.DELIVERED, S.COMPLETED)
}
EVENT_NAMES |= {S.CANCELLED: "market.order.cancelled", S.REFUNDED: "market.order.refunded"}


def can_transition(order: Order, to: str) -> bool:
    return to in TRANSITIONS[order.status]


def _transition(
    order_id: int, to: str, *, event_kwargs: dict, payload: dict | None = None, **changes
) -> Order:
    """Lock the order, check the move is allowed from its *current* state, apply it and record the event."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not can_transition(order, to):
            raise MarketError(
                MarketErrorCode.ILLEGAL_TRANSITION,
                _("Order %(reference)s is %(status)s; it cannot become %(target)s.")
                % {
                    "reference": order.reference,
                    "status": order.get_status_display().lower(),
                    "target": str(OrderStatus(to).label).lower(),
                },
            )
        now = timezone.now()
        if to == S.CANCELLED:
            give_back_stock(order)
        order.status = to
        fields = ["status", *changes]
        if to in TIMESTAMPS:
            setattr(order, TIMESTAMPS[to], now)
            fields.append(TIMESTAMPS[to])
        for name, value in changes.items():
            setattr(order, name, value)
        order.save(update_fields=fields)
        record_event(
            EVENT_NAMES[to],
            subject=order,
            commune_id=order.commune_id,
            payload={"reference": order.reference, **(payload or {})},
            **event_kwargs,
        )
    return order


def accept_cash_order(*, order: Order, actor) -> Order:
    """The producer accepts a cash-on-delivery order: confirmed, stock stays held, no expiry any more."""
    acting = acting_for_producer(user=actor, producer=order.producer)
    if order.payment_method != PaymentMethod.CASH_ON_DELIVERY:
        raise MarketError(
            MarketErrorCode.ILLEGAL_TRANSITION, _("Only cash-on-delivery orders are accepted this way.")
        )
    return _transition(order.pk, S.CONFIRMED, event_kwargs=acting.event_kwargs, hold_expires_at=None)


def mark_paid(*, order_id: int, payment_reference: str) -> Order:
    """Money arrived (Stripe, VietQR): the order is confirmed. Called by payments through the payable."""
    return _transition(
        order_id,
        S.CONFIRMED,
        event_kwargs={},
        payload={"payment": payment_reference},
        paid_at=timezone.now(),
        hold_expires_at=None,
    )


def ship_order(*, order: Order, actor, tracking_note: str = "") -> Order:
    acting = acting_for_producer(user=actor, producer=order.producer)
    return _transition(
        order.pk, S.SHIPPED, event_kwargs=acting.event_kwargs, tracking_note=tracking_note[:200]
    )


def mark_delivered(*, order: Order, actor) -> Order:
    """The producer (or the buyer) says the goods arrived; for cash on delivery the producer took the cash."""
    if actor is not None and order.buyer_id == getattr(actor, "pk", None):
        return _transition(order.pk, S.DELIVERED, event_kwargs={"actor": actor})
    acting = acting_for_producer(user=actor, producer=order.producer)
    order = _transition(order.pk, S.DELIVERED, event_kwargs=acting.event_kwargs)
    if order.payment_method == PaymentMethod.CASH_ON_DELIVERY:
        order_payments.confirm_cash_on_delivery(order=order, payee=order.producer.owner)
        order.refresh_from_db()
    return order


def complete_order(*, order: Order, actor) -> Order:
    if order.buyer_id != getattr(actor, "pk", None):
        acting_for_producer(user=actor, producer=order.producer)
    return _transition(order.pk, S.COMPLETED, event_kwargs={"actor": actor})


def buyer_may_cancel(order: Order) -> bool:
    """A buyer may cancel until the producer ships."""
    return order.status in (S.PENDING_PAYMENT, S.CONFIRMED)


def is_buyer(order: Order, *, user=None, access_token=None) -> bool:
    """The buyer is the account that ordered, or a guest holding the checkout's private link token."""
    if user is not None and getattr(user, "is_authenticated", False) and order.buyer_id == user.pk:
        return True
    return access_token is not None and str(order.checkout.access_token) == str(access_token)


def cancel_order(*, order: Order, actor, reason: str, as_buyer: bool, access_token=None) -> Order:
    """Cancel and give the stock back; a paid order then waits for its refund (then it is ``refunded``)."""
    if as_buyer:
        if not is_buyer(order, user=actor, access_token=access_token):
            raise MarketError(MarketErrorCode.NOT_ALLOWED, _("This is not your order."))
        if not buyer_may_cancel(order):
            raise MarketError(
                MarketErrorCode.ILLEGAL_TRANSITION,
                _("The order has left the producer; it cannot be cancelled."),
            )
        event_kwargs = {"actor": actor}
    else:
        event_kwargs = acting_for_producer(user=actor, producer=order.producer).event_kwargs
    order = _transition(
        order.pk,
        S.CANCELLED,
        event_kwargs=event_kwargs,
        payload={"reason": reason, "by_buyer": as_buyer},
        cancellation_reason=reason[:300],
        cancelled_by=CancelledBy.BUYER if as_buyer else CancelledBy.PRODUCER,
    )
    if order.paid_at is not None:  # money already collected goes back (outside the order's transaction)
        order_payments.refund_cancelled_order(order=order, actor=actor)
        order.refresh_from_db()
    return order


def mark_refunded(*, order_id: int, amount: int) -> Order:
    """All the money went back to the buyer. Called by payments through the payable."""
    return _transition(order_id, S.REFUNDED, event_kwargs={}, payload={"amount": amount})
