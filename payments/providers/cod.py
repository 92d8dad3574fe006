"""Cash on delivery (COD): the buyer pays the producer or host in cash, who then confirms it.

The money never passes through the platform, so there is no ledger entry; a refund is made by hand by
the payee, and recorded.
"""

from django.utils.translation import gettext as _

from core.money import format_vnd

from ..models import Payment, Provider, Refund, RefundSettlement
from .base import PaymentStart


class CashOnDeliveryProvider:
    name = Provider.CASH_ON_DELIVERY

    def start(self, payment: Payment, *, success_url: str = "", cancel_url: str = "") -> PaymentStart:
        return PaymentStart(
            instructions=_("Pay %(amount)s in cash on delivery (payment %(reference)s).")
            % {"amount": format_vnd(payment.amount), "reference": payment.reference}
        )

    def refund(self, refund: Refund) -> str:
        return ""

    def refund_settlement(self, payment: Payment) -> RefundSettlement:
        return RefundSettlement.PAYEE
