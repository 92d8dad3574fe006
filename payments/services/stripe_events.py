"""Stripe webhook events, after the view has verified the signature.

Each event id is stored once (unique constraint): the row is inserted in the same transaction that
applies the event, so a concurrent second delivery waits for the first and then finds the id taken,
and a failed first attempt leaves no row, so Stripe's retry is processed. State changes only along
the allowed transitions, so events arriving out of order cannot move a payment backwards; where order
matters (a refund reported for a payment we have not seen paid yet), we ask Stripe for the truth
first — before the transaction, never holding a lock across the HTTP call.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import stripe_client
from ..exceptions import PaymentError, PaymentErrorCode
from ..models import Payment, PaymentStatus, Provider, WebhookEvent
from . import refunds
from .lifecycle import apply_checkout_session, close

logger = logging.getLogger(__name__)

DUPLICATE = "duplicate"
IGNORED = "ignored"
UNKNOWN_PAYMENT = "unknown_payment"

SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


def _payment_for_session(session: dict) -> Payment | None:
    payment = Payment.objects.filter(
        provider=Provider.STRIPE, provider_reference=session.get("id") or "-"
    ).first()
    if payment is None:
        reference = (session.get("metadata") or {}).get("payment_reference") or session.get(
            "client_reference_id"
        )
        if reference:
            payment = Payment.objects.filter(provider=Provider.STRIPE, reference=reference).first()
    return payment


def _payment_for_charge(charge: dict) -> Payment | None:
    """The payment a charge belongs to, by its PaymentIntent — asking Stripe if we do not know it yet."""
    payment_intent = charge.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    if payment_intent:
        payment = Payment.objects.filter(
            provider=Provider.STRIPE, provider_payment_reference=payment_intent
        ).first()
        if payment is not None:
            return payment
    reference = (charge.get("metadata") or {}).get("payment_reference")
    if not reference and payment_intent:
        reference = (stripe_client.retrieve_payment_intent(payment_intent).get("metadata") or {}).get(
            "payment_reference"
        )
    if not reference:
        return None
    return Payment.objects.filter(provider=Provider.STRIPE, reference=reference).first()


def _record(event: dict, outcome: str) -> bool:
    """Store the event id; False if it was stored before (this delivery is a duplicate)."""
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                provider=Provider.STRIPE,
                event_id=event["id"],
                type=event["type"],
                outcome=outcome,
                payload=event,
                processed_at=timezone.now(),
            )
    except IntegrityError:
        return False
    return True


def _set_outcome(event: dict, outcome: str) -> None:
    WebhookEvent.objects.filter(provider=Provider.STRIPE, event_id=event["id"]).update(outcome=outcome)


def handle_stripe_event(*, event: dict) -> str:
    """Apply one verified Stripe event; returns the outcome stored with it (``duplicate`` if seen)."""
    if WebhookEvent.objects.filter(provider=Provider.STRIPE, event_id=event["id"]).exists():
        return DUPLICATE
    event_type = event["type"]
    data = event["data"]["object"]
    if event_type in SESSION_EVENTS:
        return _handle_session_event(event, data)
    if event_type == "charge.refunded":
        return _handle_charge_refunded(event, data)
    with transaction.atomic():
        return IGNORED if _record(event, IGNORED) else DUPLICATE


def _handle_session_event(event: dict, session: dict) -> str:
    payment = _payment_for_session(session)
    with transaction.atomic():
        if not _record(event, "received"):
            return DUPLICATE
        if payment is None:
            outcome = UNKNOWN_PAYMENT
        elif event["type"] == "checkout.session.async_payment_failed":
            changed = _close_failed(payment)
            outcome = "failed" if changed else "no_change"
        else:
            outcome = apply_checkout_session(payment=payment, session=session, source=event["type"])
        _set_outcome(event, outcome)
    return outcome


def _close_failed(payment: Payment) -> bool:
    return close(payment_id=payment.pk, status=PaymentStatus.FAILED, reason="stripe_async_payment_failed")


def _handle_charge_refunded(event: dict, charge: dict) -> str:
    payment = _payment_for_charge(charge)
    session = None
    if payment is not None and payment.status == PaymentStatus.PENDING and payment.provider_reference:
        # Refunded before we saw it paid (events out of order): learn from Stripe whether it was paid.
        session = stripe_client.retrieve_checkout_session(payment.provider_reference)
    refunded_total = charge.get("amount_refunded")
    if not isinstance(refunded_total, int) or isinstance(refunded_total, bool) or refunded_total < 0:
        raise PaymentError(
            PaymentErrorCode.INVALID_WEBHOOK, "charge.refunded without a valid amount_refunded."
        )
    with transaction.atomic():
        if not _record(event, "received"):
            return DUPLICATE
        if payment is None:
            outcome = UNKNOWN_PAYMENT
        else:
            if session is not None:
                apply_checkout_session(payment=payment, session=session, source="stripe_refund_check")
            recorded = refunds.record_provider_refunds(
                payment_id=payment.pk,
                refunded_total=refunded_total,
                provider_reference=charge.get("id") or "",
            )
            outcome = "refunded" if recorded else "no_change"
        _set_outcome(event, outcome)
    return outcome
