"""VietQR bank transfer: a dynamic QR with the amount and our payment reference as the message.

The money goes to the platform's account (then it enters the payout ledger) or, for a payee who gave
their own account, straight to the payee. It is confirmed by a bank statement import or by hand.
A refund is made by hand by whoever holds the money, and recorded.
"""

from ..models import Payment, Provider, Refund, RefundSettlement
from ..vietqr import BankAccount, build_payload, transfer_instructions
from .base import PaymentStart


def account_of(payment: Payment) -> BankAccount:
    return BankAccount(
        bank_bin=payment.bank_bin,
        account_number=payment.bank_account_number,
        account_name=payment.bank_account_name,
    )


class VietQRProvider:
    name = Provider.VIETQR

    def start(self, payment: Payment, *, success_url: str = "", cancel_url: str = "") -> PaymentStart:
        account = account_of(payment)
        return PaymentStart(
            instructions=transfer_instructions(
                account=account, amount=payment.amount, purpose=payment.reference
            ),
            qr_payload=build_payload(account=account, amount=payment.amount, purpose=payment.reference),
            expires_at=payment.expires_at,
        )

    def refund(self, refund: Refund) -> str:
        return ""

    def refund_settlement(self, payment: Payment) -> RefundSettlement:
        return RefundSettlement.PLATFORM if payment.collects_to_platform else RefundSettlement.PAYEE
