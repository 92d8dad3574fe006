"""Refunds: checked and reserved under the payment's row lock, sent to the provider after commit.

The item's and payment's ``refunded_amount`` count pending refunds too, and the database refuses any
total above the amount paid (CHECK constraint), so two refunds racing cannot both pass. A refund the
provider refuses is marked failed and its reservation released; one the provider could not be reached
for stays pending, to be retried with the same idempotency key (:func:`retry_refund`).
"""

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from core.events import record_event
from core.registries import payables

from ..exceptions import PaymentError, PaymentErrorCode
from ..models import (
    PAID_STATUSES,
    Payment,
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundSettlement,
    RefundStatus,
)
from ..providers import get_provider
from . import ledger
from .lifecycle import commune_of, event_payload, lock_payment


def _refund_payload(refund: Refund, **extra) -> dict:
    return {
        "payment_reference": refund.payment.reference,
        "payable_kind": refund.item.payable_kind,
        "payable_id": refund.item.payable_id,
        "amount": refund.amount,
        "status": refund.status,
        "settled_by": refund.settled_by,
        "reason": refund.reason,
        **extra,
    }


def _resolve_item(payment: Payment, items: list[PaymentItem], item: PaymentItem | None) -> PaymentItem:
    if item is None:
        if len(items) != 1:
            raise PaymentError(
                PaymentErrorCode.ITEM_REQUIRED,
                "This payment covers several things: say which one.",
                field="item",
            )
        return items[0]
    for candidate in items:
        if candidate.pk == item.pk:
            return candidate
    raise PaymentError(
        PaymentErrorCode.ITEM_NOT_IN_PAYMENT, "That item is not part of this payment.", field="item"
    )


def _reserve(*, payment: Payment, item: PaymentItem, amount: int) -> None:
    PaymentItem.objects.filter(pk=item.pk).update(refunded_amount=F("refunded_amount") + amount)
    Payment.objects.filter(pk=payment.pk).update(refunded_amount=F("refunded_amount") + amount)


def _release(*, payment_id: int, item_id: int, amount: int) -> None:
    PaymentItem.objects.filter(pk=item_id).update(refunded_amount=F("refunded_amount") - amount)
    Payment.objects.filter(pk=payment_id).update(refunded_amount=F("refunded_amount") - amount)


def refund_payment(
    *, payment: Payment, amount: int, reason: str = "", actor=None, item: PaymentItem | None = None
) -> Refund:
    """Give ``amount`` đồng of a paid payment back, for ``item`` (needed when it covers several).

    Never more than was paid less what is already refunded or being refunded, nor more than the
    payable's ``refundable_amount`` (its domain's rules: the most that may still be refunded now).
    Who may ask for a refund is the calling domain's rule. Stripe refunds through Stripe; for cash and
    VietQR the refund is recorded as made by hand by whoever holds the money.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(
            PaymentErrorCode.INVALID_AMOUNT, "A refund is a positive whole number of đồng.", field="amount"
        )
    with transaction.atomic():
        locked = lock_payment(payment.pk)
        if locked.status not in PAID_STATUSES:
            raise PaymentError(
                PaymentErrorCode.ILLEGAL_TRANSITION,
                f"Payment {locked.reference} is {locked.get_status_display().lower()}: nothing to refund.",
            )
        target = _resolve_item(locked, list(locked.items.order_by("pk")), item)
        if amount > target.remaining_amount:
            raise PaymentError(
                PaymentErrorCode.REFUND_EXCEEDS_PAID,
                f"At most {target.remaining_amount} ₫ can still be refunded.",
                field="amount",
            )
        payable = payables.get(target.payable_kind)
        if payable.refundable_amount is not None:
            allowed = payable.refundable_amount(target.payable_id)
            if amount > allowed:
                raise PaymentError(
                    PaymentErrorCode.REFUND_EXCEEDS_REFUNDABLE,
                    f"The rules allow refunding at most {allowed} ₫.",
                    field="amount",
                )
        refund = Refund.objects.create(
            payment=locked,
            item=target,
            amount=amount,
            settled_by=get_provider(locked.provider).refund_settlement(locked),
            reason=reason[:300],
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _reserve(payment=locked, item=target, amount=amount)
        record_event(
            "payments.refund.requested",
            subject=refund,
            actor=actor,
            commune_id=target.commune_id,
            payload=_refund_payload(refund),
        )
    return _send(refund)


def retry_refund(*, refund: Refund) -> Refund:
    """Send again a refund left pending because the provider could not be reached (same idempotency key)."""
    if refund.status != RefundStatus.PENDING:
        raise PaymentError(PaymentErrorCode.ILLEGAL_TRANSITION, "Only a pending refund can be retried.")
    return _send(refund)


def _send(refund: Refund) -> Refund:
    """Call the provider (no transaction, no lock held), then record the outcome."""
    refund = Refund.objects.select_related("payment", "item").get(pk=refund.pk)
    try:
        provider_reference = get_provider(refund.payment.provider).refund(refund)
    except PaymentError as error:
        if error.code == PaymentErrorCode.PROVIDER_REFUSED:
            _fail(refund_id=refund.pk, message=error.message)
        raise
    return _complete(refund_id=refund.pk, provider_reference=provider_reference)


def _fail(*, refund_id: int, message: str) -> None:
    with transaction.atomic():
        refund = Refund.objects.select_related("item").get(pk=refund_id)
        lock_payment(refund.payment_id)
        refund = Refund.objects.select_for_update().select_related("payment", "item").get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return
        refund.status = RefundStatus.FAILED
        refund.failure_message = message[:500]
        refund.save(update_fields=["status", "failure_message"])
        _release(payment_id=refund.payment_id, item_id=refund.item_id, amount=refund.amount)
        record_event(
            "payments.refund.failed",
            subject=refund,
            commune_id=refund.item.commune_id,
            payload=_refund_payload(refund, failure=message[:500]),
        )


def _complete(*, refund_id: int, provider_reference: str) -> Refund:
    with transaction.atomic():
        payment_id = Refund.objects.values_list("payment_id", flat=True).get(pk=refund_id)
        payment = lock_payment(payment_id)
        refund = Refund.objects.select_for_update().select_related("item").get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund
        refund.status = RefundStatus.SUCCEEDED
        refund.provider_reference = provider_reference
        refund.succeeded_at = timezone.now()
        refund.save(update_fields=["status", "provider_reference", "succeeded_at"])
        refund.payment = payment
        settle(payment=payment, refund=refund)
    return refund


def _succeeded_total(**filters) -> int:
    return (
        Refund.objects.filter(status=RefundStatus.SUCCEEDED, **filters).aggregate(total=Sum("amount"))[
            "total"
        ]
        or 0
    )


def settle(*, payment: Payment, refund: Refund) -> None:
    """A refund has succeeded (payment locked, refund saved): ledger, payable, payment status, events."""
    item = refund.item
    refunded_before = _succeeded_total(item_id=item.pk) - refund.amount
    ledger.record_refund(refund=refund, refunded_before=refunded_before)
    payables.get(item.payable_kind).on_refunded(item.payable_id, refund)
    refunded = _succeeded_total(payment_id=payment.pk)
    status = PaymentStatus.REFUNDED if refunded == payment.amount else PaymentStatus.PARTIALLY_REFUNDED
    previous = payment.status
    if payment.can_become(status):
        payment.status = status
        payment.save(update_fields=["status", "updated_at"])
        if status == PaymentStatus.REFUNDED:
            payment.items.update(is_open=False)
    record_event(
        "payments.refund.succeeded",
        subject=refund,
        actor=refund.actor,
        commune_id=item.commune_id,
        payload=_refund_payload(refund),
    )
    if payment.status != previous:
        items = list(payment.items.order_by("pk"))
        record_event(
            f"payments.payment.{payment.status}",
            subject=payment,
            commune_id=commune_of(items),
            payload=event_payload(payment, items, refunded_amount=refunded),
        )


def record_provider_refunds(*, payment_id: int, refunded_total: int, provider_reference: str) -> int:
    """Stripe says ``refunded_total`` đồng of this payment went back; record what we did not ask for.

    Refunds made in the Stripe dashboard (or ours whose answer got lost) appear here only. What we
    already know — refunds done or in progress — is subtracted; the rest is spread over the items in
    order. Returns how many refunds were recorded. Runs inside the caller's transaction.
    """
    payment = lock_payment(payment_id)
    if payment.status not in PAID_STATUSES:
        return 0
    missing = min(refunded_total, payment.amount) - payment.refunded_amount
    recorded = 0
    for item in payment.items.order_by("pk"):
        if missing <= 0:
            break
        share = min(missing, item.remaining_amount)
        if share <= 0:
            continue
        refund = Refund.objects.create(
            payment=payment,
            item=item,
            amount=share,
            status=RefundStatus.SUCCEEDED,
            settled_by=RefundSettlement.PROVIDER,
            provider_reference=provider_reference,
            reason="Refunded at the provider",
            succeeded_at=timezone.now(),
        )
        _reserve(payment=payment, item=item, amount=share)
        refund.item.refresh_from_db()
        settle(payment=payment, refund=refund)
        missing -= share
        recorded += 1
    return recorded
