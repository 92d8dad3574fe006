"""Stripe: a hosted Checkout Session for cards (mostly foreign tourists), confirmed by a verified webhook.

VND is a zero-decimal currency at Stripe: ``unit_amount`` is the amount in whole đồng, as we store it.
The session carries our payment reference as ``client_reference_id`` and in the metadata of the session
and of its PaymentIntent, so every later event can be traced back to the payment.
All HTTP goes through ``payments.stripe_client``.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .. import stripe_client
from ..exceptions import PaymentError, PaymentErrorCode
from ..models import Payment, Provider, Refund, RefundSettlement
from .base import PaymentStart

CURRENCY = "vnd"
# Stripe accepts a session expiry from 30 minutes to 24 hours after it receives the request; the margin
# keeps a session created a little later than the payment (or retried with the same key) above 30.
MINIMUM_MINUTES = 30
MAXIMUM_MINUTES = 24 * 60
EXPIRY_MARGIN = timedelta(minutes=2)


def checkout_expires_at(now: datetime | None = None) -> datetime:
    """When a new Checkout payment expires: ``PAYMENTS_CHECKOUT_MINUTES`` within Stripe's bounds."""
    minutes = min(max(int(settings.PAYMENTS_CHECKOUT_MINUTES), MINIMUM_MINUTES), MAXIMUM_MINUTES - 5)
    return (now or timezone.now()) + timedelta(minutes=minutes) + EXPIRY_MARGIN


def checkout_idempotency_key(payment: Payment) -> str:
    return f"checkout-{payment.idempotency_key}"


def session_is_paid(session: dict) -> bool:
    return session.get("payment_status") == "paid"


def session_matches(session: dict, payment: Payment) -> bool:
    """The session charged exactly this payment's amount in VND."""
    return (
        session.get("amount_total") == payment.amount and (session.get("currency") or "").lower() == CURRENCY
    )


def _line_name(item) -> str:
    return (item.description or item.reference or f"{item.payable_kind} {item.payable_id}")[:200]


class StripeProvider:
    name = Provider.STRIPE

    def checkout_params(self, payment: Payment, *, success_url: str, cancel_url: str) -> dict:
        """The Checkout Session parameters; the same payment always gives the same parameters."""
        params: dict = {
            "mode": "payment",
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": payment.reference,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": CURRENCY,
                        "unit_amount": item.amount,
                        "product_data": {"name": _line_name(item)},
                    },
                }
                for item in payment.items.order_by("pk")
            ],
            "metadata": {"payment_reference": payment.reference},
            "payment_intent_data": {"metadata": {"payment_reference": payment.reference}},
            "expires_at": int(payment.expires_at.timestamp()),
        }
        if payment.buyer_email:
            params["customer_email"] = payment.buyer_email
        return params

    def start(self, payment: Payment, *, success_url: str = "", cancel_url: str = "") -> PaymentStart:
        session = stripe_client.create_checkout_session(
            self.checkout_params(payment, success_url=success_url, cancel_url=cancel_url),
            idempotency_key=checkout_idempotency_key(payment),
        )
        expires_at = session.get("expires_at")
        return PaymentStart(
            redirect_url=session.get("url") or "",
            provider_reference=session["id"],
            expires_at=datetime.fromtimestamp(expires_at, tz=UTC) if expires_at else payment.expires_at,
        )

    def refund(self, refund: Refund) -> str:
        payment = refund.payment
        payment_intent = payment.provider_payment_reference
        if not payment_intent and payment.provider_reference:
            payment_intent = stripe_client.retrieve_checkout_session(payment.provider_reference).get(
                "payment_intent"
            )
        if not payment_intent:
            raise PaymentError(PaymentErrorCode.PROVIDER_REFUSED, "Stripe holds no charge for this payment.")
        result = stripe_client.create_refund(
            {
                "payment_intent": payment_intent,
                "amount": refund.amount,
                "metadata": {
                    "payment_reference": payment.reference,
                    "refund_id": str(refund.pk),
                    "reason": refund.reason[:500],
                },
            },
            idempotency_key=refund.idempotency_key,
        )
        if result.get("status") in {"failed", "canceled"}:
            raise PaymentError(PaymentErrorCode.PROVIDER_REFUSED, f"Stripe refund {result.get('id')} failed.")
        return result["id"]

    def refund_settlement(self, payment: Payment) -> RefundSettlement:
        return RefundSettlement.PROVIDER
