"""A payment's life: created pending, then succeeded (money arrived) or failed, expired, cancelled.

Every change happens under a row lock on the payment, only along ``ALLOWED_TRANSITIONS``, and records
an event. When money arrives, each payable's ``on_paid`` is called in the same transaction and the
platform's ledger is written, so the payment, its payables and the ledger change together or not at all.
"""

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.events import record_event
from core.registries import PayableSummary, payables

from .. import stripe_client
from ..exceptions import PaymentError, PaymentErrorCode
from ..models import Collector, Payment, PaymentItem, PaymentStatus, Provider
from ..providers.stripe_provider import session_is_paid, session_matches
from ..references import new_payment_reference
from ..vietqr import BankAccount
from . import ledger

logger = logging.getLogger(__name__)

MAX_PAYABLE_ID_LENGTH = 64


def commune_of(items: Sequence[PaymentItem]) -> int | None:
    """The commune of a payment's items when they share one (the tenant of its events)."""
    communes = {item.commune_id for item in items}
    return communes.pop() if len(communes) == 1 else None


def event_payload(payment: Payment, items: Sequence[PaymentItem], **extra) -> dict:
    return {
        "reference": payment.reference,
        "provider": payment.provider,
        "status": payment.status,
        "amount": payment.amount,
        "items": [
            {
                "kind": item.payable_kind,
                "id": item.payable_id,
                "reference": item.reference,
                "amount": item.amount,
                "payee_id": item.payee_id,
            }
            for item in items
        ],
        **extra,
    }


def lock_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def _validate_items(items: Sequence[PayableSummary]) -> None:
    if not items:
        raise PaymentError(PaymentErrorCode.NO_ITEMS, "There is nothing to pay for.", field="items")
    seen: set[tuple[str, str]] = set()
    for summary in items:
        if not isinstance(summary, PayableSummary):
            raise PaymentError(PaymentErrorCode.NO_ITEMS, "Each item is a PayableSummary.", field="items")
        if summary.kind not in payables:
            raise PaymentError(
                PaymentErrorCode.UNKNOWN_PAYABLE_KIND,
                f"Nothing can be paid as {summary.kind!r}.",
                field="items",
            )
        if not summary.payable_id or len(str(summary.payable_id)) > MAX_PAYABLE_ID_LENGTH:
            raise PaymentError(PaymentErrorCode.NO_ITEMS, "Each item needs an id.", field="items")
        if isinstance(summary.amount, bool) or not isinstance(summary.amount, int) or summary.amount <= 0:
            raise PaymentError(
                PaymentErrorCode.INVALID_AMOUNT,
                f"{summary.reference or summary.payable_id}: the amount is a positive whole number of đồng.",
                field="items",
            )
        key = (summary.kind, str(summary.payable_id))
        if key in seen:
            raise PaymentError(
                PaymentErrorCode.DUPLICATE_ITEM,
                f"{summary.kind} {summary.payable_id} is listed twice.",
                field="items",
            )
        seen.add(key)


def _same_request(payment: Payment, provider: str, items: Sequence[PayableSummary]) -> bool:
    stored = {(item.payable_kind, item.payable_id, item.amount) for item in payment.items.all()}
    asked = {(summary.kind, str(summary.payable_id), summary.amount) for summary in items}
    return payment.provider == provider and stored == asked


def _replay(key: str, provider: str, items: Sequence[PayableSummary]) -> Payment | None:
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None and not _same_request(existing, provider, items):
        raise PaymentError(
            PaymentErrorCode.IDEMPOTENCY_CONFLICT,
            "This idempotency key was used for a different payment.",
            field="idempotency_key",
        )
    return existing


def create_payment(
    *,
    provider: str,
    items: Sequence[PayableSummary],
    collected_by: str,
    buyer_email: str = "",
    idempotency_key: str | None = None,
    expires_at: datetime | None = None,
    bank_account: BankAccount | None = None,
) -> tuple[Payment, bool]:
    """Create a pending payment and its items, or return the one made earlier with the same key.

    Returns ``(payment, created)``. Refuses (``PAYABLE_ALREADY_IN_PAYMENT``) a payable that another
    pending or paid payment already covers — the database's partial unique index decides, also
    between concurrent requests.
    """
    _validate_items(items)
    buyer_email = buyer_email or next((summary.buyer_email for summary in items if summary.buyer_email), "")
    if buyer_email:
        try:
            validate_email(buyer_email)
        except ValidationError as error:
            raise PaymentError(
                PaymentErrorCode.INVALID_BUYER_EMAIL,
                "The buyer's email address is not valid.",
                field="buyer_email",
            ) from error
    key = idempotency_key or uuid.uuid4().hex
    with transaction.atomic():
        existing = _replay(key, provider, items)
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    reference=new_payment_reference(),
                    provider=provider,
                    collected_by=collected_by,
                    amount=sum(summary.amount for summary in items),
                    idempotency_key=key,
                    buyer_email=buyer_email,
                    bank_bin=bank_account.bank_bin if bank_account else "",
                    bank_account_number=bank_account.account_number if bank_account else "",
                    bank_account_name=bank_account.account_name if bank_account else "",
                    expires_at=expires_at,
                )
        except IntegrityError:
            # A concurrent request with the same key won the race; answer with its payment.
            existing = _replay(key, provider, items)
            if existing is None:
                raise
            return existing, False
        try:
            with transaction.atomic():
                created_items = PaymentItem.objects.bulk_create(
                    [
                        PaymentItem(
                            payment=payment,
                            payable_kind=summary.kind,
                            payable_id=str(summary.payable_id),
                            reference=summary.reference[:32],
                            description=summary.description[:200],
                            amount=summary.amount,
                            payee_id=summary.payee_id,
                            commune_id=summary.commune_id,
                        )
                        for summary in items
                    ]
                )
        except IntegrityError as error:
            raise PaymentError(
                PaymentErrorCode.PAYABLE_ALREADY_IN_PAYMENT,
                "One of these is already being paid or has been paid; cancel that payment first.",
                field="items",
            ) from error
        record_event(
            "payments.payment.started",
            subject=payment,
            commune_id=commune_of(created_items),
            payload=event_payload(payment, created_items),
        )
    return payment, True


def succeed(
    *,
    payment_id: int,
    source: str,
    actor=None,
    provider_payment_reference: str = "",
    strict: bool = False,
) -> bool:
    """Record that the money arrived: pending → succeeded, payables told, ledger written, event recorded.

    Returns False (changes nothing) when the payment is no longer pending — a repeated webhook, a
    second statement line — or raises ``ILLEGAL_TRANSITION`` when ``strict``. Payables' ``on_paid``
    must not refuse: money that arrived for something no longer wanted is handled by the domain
    (e.g. by refunding it), not by undoing the payment.
    """
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if not payment.can_become(PaymentStatus.SUCCEEDED):
            if strict:
                raise PaymentError(
                    PaymentErrorCode.ILLEGAL_TRANSITION,
                    f"Payment {payment.reference} is {payment.get_status_display().lower()}, not pending.",
                )
            return False
        payment.status = PaymentStatus.SUCCEEDED
        payment.succeeded_at = timezone.now()
        if provider_payment_reference:
            payment.provider_payment_reference = provider_payment_reference
        payment.save(update_fields=["status", "succeeded_at", "provider_payment_reference", "updated_at"])
        items = list(payment.items.order_by("pk"))
        for item in items:
            payables.get(item.payable_kind).on_paid(item.payable_id, payment)
        ledger.record_sales(payment=payment, items=items)
        record_event(
            "payments.payment.succeeded",
            subject=payment,
            actor=actor,
            commune_id=commune_of(items),
            payload=event_payload(payment, items, source=source),
        )
    return True


def mark_succeeded(
    *, payment: Payment, source: str, actor=None, provider_payment_reference: str = ""
) -> Payment:
    """The one path by which money is recorded as arrived (Stripe webhook, statement import, by hand).

    Raises ``ILLEGAL_TRANSITION`` if the payment is not pending.
    """
    succeed(
        payment_id=payment.pk,
        source=source,
        actor=actor,
        provider_payment_reference=provider_payment_reference,
        strict=True,
    )
    return Payment.objects.get(pk=payment.pk)


def close(*, payment_id: int, status: str, actor=None, reason: str = "", strict: bool = False) -> bool:
    """Pending → failed, expired or cancelled; frees its payables for another payment."""
    if status not in {PaymentStatus.FAILED, PaymentStatus.EXPIRED, PaymentStatus.CANCELLED}:
        raise ValueError(f"close() does not lead to {status}")
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if not payment.can_become(status):
            if strict:
                raise PaymentError(
                    PaymentErrorCode.ILLEGAL_TRANSITION,
                    f"Payment {payment.reference} is {payment.get_status_display().lower()}, not pending.",
                )
            return False
        payment.status = status
        payment.save(update_fields=["status", "updated_at"])
        payment.items.update(is_open=False)
        items = list(payment.items.order_by("pk"))
        record_event(
            f"payments.payment.{status}",
            subject=payment,
            actor=actor,
            commune_id=commune_of(items),
            payload=event_payload(payment, items, reason=reason),
        )
    return True


def apply_checkout_session(*, payment: Payment, session: dict, source: str) -> str:
    """Bring a Stripe payment in line with what Stripe says about its Checkout Session.

    Returns what happened: ``succeeded``, ``expired``, ``amount_mismatch`` or ``no_change``.
    """
    if session_is_paid(session):
        if not session_matches(session, payment):
            logger.error(
                "Stripe session %s charged %s %s for payment %s of %s VND; not confirmed",
                session.get("id"),
                session.get("amount_total"),
                session.get("currency"),
                payment.reference,
                payment.amount,
            )
            return "amount_mismatch"
        changed = succeed(
            payment_id=payment.pk,
            source=source,
            provider_payment_reference=session.get("payment_intent") or "",
        )
        return "succeeded" if changed else "no_change"
    if session.get("status") == "expired":
        changed = close(payment_id=payment.pk, status=PaymentStatus.EXPIRED, reason="stripe_session_expired")
        return "expired" if changed else "no_change"
    return "no_change"


def _require_payee_or_staff(payment: Payment, actor, *, staff_only: bool = False) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PaymentError(PaymentErrorCode.NOT_ALLOWED, "Sign in to confirm a payment.")
    if actor.is_staff:
        return
    payee_ids = {item.payee_id for item in payment.items.all()}
    if staff_only or payee_ids != {actor.pk}:
        raise PaymentError(PaymentErrorCode.NOT_ALLOWED, "Only the payee can confirm this payment.")


def confirm_cash_received(*, payment: Payment, actor) -> Payment:
    """The payee (producer, host) confirms that the buyer paid in cash on delivery."""
    if payment.provider != Provider.CASH_ON_DELIVERY:
        raise PaymentError(PaymentErrorCode.WRONG_PROVIDER, "This payment is not cash on delivery.")
    _require_payee_or_staff(payment, actor)
    return mark_succeeded(payment=payment, source="cash", actor=actor)


def confirm_transfer_received(*, payment: Payment, actor) -> Payment:
    """Confirm a VietQR transfer by hand: the payee for their own account, staff for the platform's."""
    if payment.provider != Provider.VIETQR:
        raise PaymentError(PaymentErrorCode.WRONG_PROVIDER, "This payment is not a bank transfer.")
    _require_payee_or_staff(payment, actor, staff_only=payment.collected_by == Collector.PLATFORM)
    return mark_succeeded(payment=payment, source="manual", actor=actor)


def cancel_payment(*, payment: Payment, actor=None, reason: str = "") -> Payment:
    """Cancel a pending payment (the buyer chose another way to pay, the order was cancelled).

    A Stripe session is expired at Stripe first — outside any transaction — so it can no longer be
    paid; if Stripe says it was paid meanwhile, the payment is recorded as succeeded and the
    cancellation refused.
    """
    if payment.status != PaymentStatus.PENDING:
        raise PaymentError(
            PaymentErrorCode.ILLEGAL_TRANSITION,
            f"Payment {payment.reference} is {payment.get_status_display().lower()}, not pending.",
        )
    if payment.provider == Provider.STRIPE and payment.provider_reference:
        try:
            session = stripe_client.expire_checkout_session(
                payment.provider_reference, idempotency_key=f"expire-{payment.idempotency_key}"
            )
        except PaymentError as error:
            if error.code != PaymentErrorCode.PROVIDER_REFUSED:
                raise
            # Stripe refuses to expire a session that is no longer open: find out why.
            session = stripe_client.retrieve_checkout_session(payment.provider_reference)
        if session_is_paid(session):
            apply_checkout_session(payment=payment, session=session, source="stripe_cancel_check")
            raise PaymentError(PaymentErrorCode.ILLEGAL_TRANSITION, "The buyer has already paid by card.")
    close(payment_id=payment.pk, status=PaymentStatus.CANCELLED, actor=actor, reason=reason, strict=True)
    return Payment.objects.get(pk=payment.pk)


def expire_stale_payments(*, now: datetime | None = None) -> int:
    """Expire pending payments past their ``expires_at``; safe to run as often as wanted.

    A Stripe payment is first checked at Stripe (outside any lock): a session that was paid while its
    webhook got lost is recorded as succeeded instead; one Stripe still has open is left for later.
    Cash on delivery has no expiry. Returns how many payments expired.
    """
    now = now or timezone.now()
    expired = 0
    stale = list(Payment.objects.filter(status=PaymentStatus.PENDING, expires_at__lt=now).order_by("pk"))
    for payment in stale:
        if payment.provider == Provider.STRIPE and payment.provider_reference:
            try:
                session = stripe_client.retrieve_checkout_session(payment.provider_reference)
            except PaymentError as error:
                logger.warning("Could not check Stripe session of %s: %s", payment.reference, error.message)
                continue
            if session_is_paid(session):
                apply_checkout_session(payment=payment, session=session, source="stripe_expiry_check")
                continue
            if session.get("status") == "open":
                continue
        if close(payment_id=payment.pk, status=PaymentStatus.EXPIRED, reason="expired"):
            expired += 1
    return expired
