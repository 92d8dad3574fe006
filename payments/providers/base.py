"""The one interface every payment provider implements (one module per provider)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..models import Payment, Refund, RefundSettlement


@dataclass(frozen=True)
class PaymentStart:
    """How the buyer goes on: follow ``redirect_url`` (Stripe), or read ``instructions`` (cash, VietQR).

    ``provider_reference`` is the provider's id for the attempt (a Checkout Session id); ``qr_payload``
    the VietQR payload to render; ``expires_at`` when the provider will stop accepting the attempt.
    """

    redirect_url: str = ""
    instructions: str = ""
    provider_reference: str = ""
    qr_payload: str = ""
    expires_at: datetime | None = None


class PaymentProvider(Protocol):
    name: str

    def start(self, payment: Payment, *, success_url: str = "", cancel_url: str = "") -> PaymentStart:
        """Begin collecting ``payment``. May call the provider over HTTP: never under a lock."""
        ...

    def refund(self, refund: Refund) -> str:
        """Give ``refund.amount`` back; return the provider's reference ("" for a refund made by hand).

        Raises ``PaymentError``: ``PROVIDER_UNAVAILABLE`` (try again later with the same refund) or
        ``PROVIDER_REFUSED`` (the refund failed).
        """
        ...

    def refund_settlement(self, payment: Payment) -> RefundSettlement:
        """Who gives the money back for this payment."""
        ...
