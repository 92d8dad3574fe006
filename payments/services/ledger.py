"""The payout ledger: what the platform owes each payee for money it collected on their behalf.

Only money that lands in the platform's account is entered (Stripe, VietQR to the platform account);
cash on delivery and transfers to a payee's own account never pass through the platform. Entries are
append-only; a payee's balance is the sum of ``net``.
"""

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.events import record_event

from ..exceptions import PaymentError, PaymentErrorCode
from ..fees import fee_given_back, fee_on, platform_fee_percent
from ..models import LedgerEntry, LedgerKind, Payment, PaymentItem, Refund

STATEMENT_COLUMNS = [
    "date",
    "kind",
    "payment_reference",
    "payable_reference",
    "description",
    "gross",
    "fee",
    "net",
    "fee_percent",
    "reference",
]
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def record_sales(*, payment: Payment, items: list[PaymentItem]) -> list[LedgerEntry]:
    """One sale entry per item of a payment the platform collected (called when it succeeds)."""
    if not payment.collects_to_platform:
        return []
    percent = platform_fee_percent()
    entries = []
    for item in items:
        fee = fee_on(item.amount, percent)
        entries.append(
            LedgerEntry(
                payee_id=item.payee_id,
                item=item,
                kind=LedgerKind.SALE,
                gross=item.amount,
                fee=fee,
                net=item.amount - fee,
                fee_percent=percent,
                reference=payment.reference,
            )
        )
    return LedgerEntry.objects.bulk_create(entries)


def record_refund(*, refund: Refund, refunded_before: int) -> LedgerEntry | None:
    """Take a succeeded refund back from the payee, giving back the same share of the sale's fee."""
    if not refund.payment.collects_to_platform:
        return None
    sale = LedgerEntry.objects.filter(item_id=refund.item_id, kind=LedgerKind.SALE).first()
    if sale is None:
        return None
    fee_back = fee_given_back(
        refunded_before=refunded_before, refunded_now=refund.amount, percent=sale.fee_percent
    )
    return LedgerEntry.objects.create(
        payee_id=sale.payee_id,
        item_id=refund.item_id,
        refund=refund,
        kind=LedgerKind.REFUND,
        gross=-refund.amount,
        fee=-fee_back,
        net=-refund.amount + fee_back,
        fee_percent=sale.fee_percent,
        reference=refund.payment.reference,
    )


def balance_of(payee, *, before: datetime | None = None) -> int:
    entries = LedgerEntry.objects.filter(payee=payee)
    if before is not None:
        entries = entries.filter(created_at__lt=before)
    return entries.aggregate(total=Sum("net"))["total"] or 0


def record_payout(*, payee, amount: int, reference: str, actor) -> LedgerEntry:
    """Staff record money sent to a payee; never more than the payee's balance."""
    if actor is None or not getattr(actor, "is_staff", False):
        raise PaymentError(PaymentErrorCode.NOT_ALLOWED, "Only platform staff record payouts.")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(
            PaymentErrorCode.INVALID_AMOUNT, "A payout is a positive whole number of đồng.", field="amount"
        )
    with transaction.atomic():
        # The payee's row guards their balance: two payouts cannot both pass the check.
        get_user_model().objects.select_for_update().get(pk=payee.pk)
        balance = balance_of(payee)
        if amount > balance:
            raise PaymentError(
                PaymentErrorCode.INSUFFICIENT_BALANCE,
                f"The payee's balance is {balance} ₫; a payout of {amount} ₫ is more.",
                field="amount",
            )
        entry = LedgerEntry.objects.create(
            payee=payee,
            kind=LedgerKind.PAYOUT,
            gross=-amount,
            fee=0,
            net=-amount,
            fee_percent=Decimal(0),
            reference=reference[:100],
        )
        record_event(
            "payments.payout.recorded",
            subject=entry,
            actor=actor,
            payload={
                "payee_id": payee.pk,
                "amount": amount,
                "reference": reference,
                "balance_after": balance - amount,
            },
        )
    return entry


def _safe_text(value: str) -> str:
    """Keep a spreadsheet from reading a description as a formula (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


def payout_statement_csv(*, payee, start: date, end: date, actor) -> str:
    """A payee's ledger from ``start`` to ``end`` (inclusive, local dates) as CSV, with balances and totals.

    A payee sees only their own statement; staff see anyone's.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PaymentError(PaymentErrorCode.NOT_ALLOWED, "Sign in to see a payout statement.")
    if not actor.is_staff and actor.pk != payee.pk:
        raise PaymentError(PaymentErrorCode.NOT_ALLOWED, "A payee sees only their own statement.")
    if end < start:
        raise PaymentError(PaymentErrorCode.INVALID_PERIOD, "The period ends before it starts.", field="end")
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), zone)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone)
    entries = list(
        LedgerEntry.objects.filter(payee=payee, created_at__gte=since, created_at__lt=until)
        .select_related("item__payment")
        .order_by("created_at", "pk")
    )
    opening = balance_of(payee, before=since)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STATEMENT_COLUMNS)
    writer.writerow([start.isoformat(), "opening_balance", "", "", "", "", "", opening, "", ""])
    totals = {"gross": 0, "fee": 0, "net": 0}
    for entry in entries:
        item = entry.item
        writer.writerow(
            [
                timezone.localtime(entry.created_at, zone).strftime("%Y-%m-%d %H:%M"),
                entry.kind,
                item.payment.reference if item else "",
                _safe_text(item.reference) if item else "",
                _safe_text(item.description) if item else "",
                entry.gross,
                entry.fee,
                entry.net,
                entry.fee_percent,
                _safe_text(entry.reference),
            ]
        )
        totals["gross"] += entry.gross
        totals["fee"] += entry.fee
        totals["net"] += entry.net
    writer.writerow(["", "total", "", "", "", totals["gross"], totals["fee"], totals["net"], "", ""])
    writer.writerow([end.isoformat(), "closing_balance", "", "", "", "", "", opening + totals["net"], "", ""])
    return buffer.getvalue()
