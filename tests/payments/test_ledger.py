"""The payout ledger: fee rounding, append-only entries, payouts, and each payee's own statement."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from core.models import Event
from payments import services
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.fees import fee_given_back, fee_on
from payments.models import LedgerEntry, LedgerKind

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("gross", "percent", "fee"),
    [
        (12_345, "5", 617),  # 617.25 → 617
        (10, "5", 1),  # 0.5 → 1 (half up)
        (9, "5", 0),  # 0.45 → 0
        (30, "5", 2),  # 1.5 → 2
        (150_000, "2.5", 3_750),
        (99_999, "0", 0),
        (99_999, "100", 99_999),
    ],
)
def test_fee_is_rounded_half_up_to_a_whole_dong(gross, percent, fee):
    assert fee_on(gross, Decimal(percent)) == fee


def test_fee_given_back_over_refunds_sums_to_the_fee_taken():
    percent = Decimal("5")
    parts = [3_333, 3_333, 3_333, 2_346]  # 12 345 in four refunds
    given_back, refunded = 0, 0
    for part in parts:
        given_back += fee_given_back(refunded_before=refunded, refunded_now=part, percent=percent)
        refunded += part
    assert given_back == fee_on(12_345, percent) == 617


def test_the_fee_percent_setting_is_used(fake_payable, payee, staff, settings):
    settings.PLATFORM_FEE_PERCENT = Decimal("2.5")
    payment = services.start_vietqr(item=fake_payable.summary("o1", 150_000, payee=payee))
    services.confirm_transfer_received(payment=payment, actor=staff)
    entry = LedgerEntry.objects.get()
    assert (entry.fee, entry.net, entry.fee_percent) == (3_750, 146_250, Decimal("2.50"))


def _sale_for(fake_payable, payee, staff, payable_id: str, amount: int):
    payment = services.start_vietqr(item=fake_payable.summary(payable_id, amount, payee=payee))
    services.confirm_transfer_received(payment=payment, actor=staff)
    return payment


def test_ledger_entries_are_append_only(fake_payable, payee, staff):
    _sale_for(fake_payable, payee, staff, "o1", 100_000)
    entry = LedgerEntry.objects.get()
    entry.net = 1
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        LedgerEntry.objects.filter(pk=entry.pk).update(net=1)
    with pytest.raises(ValueError, match="append-only"):
        LedgerEntry.objects.all().delete()
    entry.refresh_from_db()
    assert (entry.gross, entry.fee, entry.net) == (100_000, 5_000, 95_000)


def test_the_database_refuses_a_net_that_is_not_gross_less_fee(payee):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            payee=payee, kind=LedgerKind.PAYOUT, gross=-10, fee=0, net=-9, fee_percent=Decimal(0)
        )


def test_payout_cannot_exceed_the_balance(fake_payable, payee, staff):
    _sale_for(fake_payable, payee, staff, "o1", 100_000)  # balance 95 000
    with pytest.raises(PaymentError) as caught:
        services.record_payout(payee=payee, amount=95_001, reference="CK-1", actor=staff)
    assert caught.value.code == PaymentErrorCode.INSUFFICIENT_BALANCE
    assert LedgerEntry.objects.filter(kind=LedgerKind.PAYOUT).count() == 0
    services.record_payout(payee=payee, amount=95_000, reference="CK-1", actor=staff)
    assert services.balance_of(payee) == 0
    assert Event.objects.named("payments.payout.recorded").get().payload["balance_after"] == 0


def test_only_staff_record_payouts(fake_payable, payee, staff):
    _sale_for(fake_payable, payee, staff, "o1", 100_000)
    with pytest.raises(PaymentError) as caught:
        services.record_payout(payee=payee, amount=1_000, reference="CK-1", actor=payee)
    assert caught.value.code == PaymentErrorCode.NOT_ALLOWED
    assert services.balance_of(payee) == 95_000


def test_payout_statement_csv_with_balances_and_totals(fake_payable, payee, other_payee, staff):
    # given a sale before the period, then in the period a sale, a partial refund and a payout
    with time_machine.travel(datetime(2026, 10, 30, 9, 0, tzinfo=HANOI), tick=False):
        _sale_for(fake_payable, payee, staff, "o0", 40_000)  # net 38 000, before the period
    with time_machine.travel(datetime(2026, 11, 3, 8, 15, tzinfo=HANOI), tick=False):
        sale = _sale_for(fake_payable, payee, staff, "o1", 12_345)  # fee 617, net 11 728
        _sale_for(fake_payable, other_payee, staff, "o9", 500_000)  # someone else's
    with time_machine.travel(datetime(2026, 11, 5, 14, 0, tzinfo=HANOI), tick=False):
        services.refund_payment(payment=sale, amount=2_345, actor=staff)  # fee back 117, net −2 228
    with time_machine.travel(datetime(2026, 11, 30, 23, 59, tzinfo=HANOI), tick=False):
        services.record_payout(payee=payee, amount=30_000, reference="=CK 1130", actor=staff)
    with time_machine.travel(datetime(2026, 12, 1, 0, 1, tzinfo=HANOI), tick=False):
        _sale_for(fake_payable, payee, staff, "o2", 10_000)  # after the period
    # when Mai asks for November
    text = services.payout_statement_csv(
        payee=payee, start=date(2026, 11, 1), end=date(2026, 11, 30), actor=payee
    )
    rows = list(csv.reader(io.StringIO(text)))
    # then she sees her own entries of November only, with opening and closing balances and totals
    assert rows[0] == [
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
    assert rows[1] == ["2026-11-01", "opening_balance", "", "", "", "", "", "38000", "", ""]
    assert [row[:2] + row[5:8] for row in rows[2:5]] == [
        ["2026-11-03 08:15", "sale", "12345", "617", "11728"],
        ["2026-11-05 14:00", "refund", "-2345", "-117", "-2228"],
        ["2026-11-30 23:59", "payout", "-30000", "0", "-30000"],
    ]
    assert rows[2][2:5] == [sale.reference, "LSO1", "Fake order o1"]
    assert rows[4][9] == "'=CK 1130"  # a spreadsheet will not run it as a formula
    assert rows[5] == [
        "",
        "total",
        "",
        "",
        "",
        str(12_345 - 2_345 - 30_000),
        "500",
        str(11_728 - 2_228 - 30_000),
        "",
        "",
    ]
    assert rows[6] == [
        "2026-11-30",
        "closing_balance",
        "",
        "",
        "",
        "",
        "",
        str(38_000 + 11_728 - 2_228 - 30_000),
        "",
        "",
    ]
    assert len(rows) == 7


def test_a_payee_cannot_fetch_another_payees_statement(fake_payable, payee, other_payee, staff):
    _sale_for(fake_payable, payee, staff, "o1", 100_000)
    with pytest.raises(PaymentError) as caught:
        services.payout_statement_csv(
            payee=payee, start=date(2026, 1, 1), end=date(2030, 1, 1), actor=other_payee
        )
    assert caught.value.code == PaymentErrorCode.NOT_ALLOWED


def test_staff_can_fetch_any_statement(fake_payable, payee, staff):
    _sale_for(fake_payable, payee, staff, "o1", 100_000)
    text = services.payout_statement_csv(
        payee=payee, start=date(2020, 1, 1), end=date(2099, 1, 1), actor=staff
    )
    assert text.splitlines()[-2] == ",total,,,,100000,5000,95000,,"


def test_a_statement_period_must_not_end_before_it_starts(payee):
    with pytest.raises(PaymentError) as caught:
        services.payout_statement_csv(
            payee=payee, start=date(2026, 11, 30), end=date(2026, 11, 1), actor=payee
        )
    assert (caught.value.code, caught.value.field) == (PaymentErrorCode.INVALID_PERIOD, "end")
