"""A domain's view of its payable's payments: the latest attempt, and giving back what remains.

Orders and bookings both ask "what is this thing's payment?" and "refund up to this much of it";
one place answers for every payable kind.
"""

from ..models import Payment, PaymentStatus
from ..vietqr import BankAccount
from .refunds import refund_payment


def latest_payment(*, payable_kind: str, payable_id) -> Payment | None:
    """The newest payment attempt that covers the payable (any status), or None."""
    return (
        Payment.objects.filter(items__payable_kind=payable_kind, items__payable_id=str(payable_id))
        .order_by("-created_at", "-pk")
        .first()
    )


def refund_payable(
    *, payable_kind: str, payable_id, amount: int | None = None, reason: str, actor=None
) -> None:
    """Give back ``amount`` (default: all that remains) of what was paid for the payable, never more than
    remains; nothing when it was not paid. Call outside any transaction (a card refund calls Stripe)."""
    payment = latest_payment(payable_kind=payable_kind, payable_id=payable_id)
    if payment is None or not payment.is_paid:
        return
    item = payment.items.get(payable_kind=payable_kind, payable_id=str(payable_id))
    amount = item.remaining_amount if amount is None else min(amount, item.remaining_amount)
    if amount > 0:
        refund_payment(payment=payment, item=item, amount=amount, reason=reason, actor=actor)


def payment_summary(payment: Payment) -> dict:
    """What a buyer or guest needs to see of a payment: method, status, amount, reference and, for a
    VietQR transfer, the QR (inline SVG) and the account it goes to."""
    bank = None
    if payment.bank_bin:
        account = BankAccount(
            bank_bin=payment.bank_bin, account_number=payment.bank_account_number,
            account_name=payment.bank_account_name,
        )  # fmt: skip
        bank = {
            "bin": account.bank_bin,
            "account_number": account.account_number,
            "account_name": account.account_name,
            "bank_name": account.bank_name,
        }
    pending = payment.status == PaymentStatus.PENDING
    return {
        "method": payment.provider,
        "status": payment.get_status_display(),
        "paid": payment.is_paid,
        "pending": pending,
        "amount": payment.amount,
        "reference": payment.reference,
        "qr_svg": payment.qr_svg() or None,
        "bank": bank,
        "redirect_url": payment.redirect_url if pending else "",
    }
