"""Bank statement import: matched, underpaid, overpaid, unmatched, unexpected, duplicate, malformed."""

import io

import pytest

from core.models import Event
from payments import services
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import (
    LedgerEntry,
    Payment,
    PaymentStatus,
    StatementImport,
    StatementLine,
    StatementOutcome,
)
from payments.services.statements import parse_amount
from payments.vietqr import BankAccount

pytestmark = pytest.mark.django_db


def spaced(reference: str) -> str:
    """How a buyer might type a reference: lower case, with a dash and a space."""
    return f"{reference[:2].lower()}-{reference[2:6]} {reference[6:].lower()}"


@pytest.fixture
def transfers(fake_payable, payee):
    """Four pending VietQR transfers to the platform account, 100 000 ₫ each."""
    return [
        services.start_vietqr(item=fake_payable.summary(f"o{number}", 100_000, payee=payee))
        for number in range(1, 5)
    ]


def statuses(payments) -> list[str]:
    return [Payment.objects.get(pk=payment.pk).status for payment in payments]


def test_statement_outcomes(transfers, staff, fake_payable):
    exact, under, over, _untouched = transfers
    csv_text = "\n".join(
        [
            "date,amount,description,reference",
            f"2026-11-20,100000,{spaced(exact.reference)} Nguyen Van An chuyen tien,FT001",
            f'20/11/2026,"90.000",THANH TOAN {under.reference},FT002',
            f'2026-11-20,"120,000",CK {over.reference} don hang,FT003',
            "2026-11-20,75000,chuyen tien mua che,FT004",
            "2026-11-21,-50000,Phi dich vu,FT005",
        ]
    )
    # when staff import the platform account's statement
    statement = services.import_statement(
        csv_file=io.BytesIO(csv_text.encode()), actor=staff, filename="vcb.csv"
    )
    # then each line has its outcome
    lines = {line.line_number: line for line in statement.lines.all()}
    assert {number: (line.outcome, line.needs_review, line.difference) for number, line in lines.items()} == {
        2: (StatementOutcome.MATCHED, False, 0),
        3: (StatementOutcome.UNDERPAID, True, -10_000),
        4: (StatementOutcome.OVERPAID, True, 20_000),
        5: (StatementOutcome.UNMATCHED, True, 0),
        6: (StatementOutcome.OUTGOING, False, 0),
    }
    assert (
        lines[2].payment_id == exact.pk and lines[3].payment_id == under.pk and lines[4].payment_id == over.pk
    )
    # and exact and overpaid transfers confirmed the payment; underpaid changed nothing
    assert statuses(transfers) == [
        PaymentStatus.SUCCEEDED,
        PaymentStatus.PENDING,
        PaymentStatus.SUCCEEDED,
        PaymentStatus.PENDING,
    ]
    assert sorted(fake_payable.paid) == sorted([("o1", exact.reference), ("o3", over.reference)])
    assert LedgerEntry.objects.filter(item__payment__in=[exact, over]).count() == 2
    assert statement.summary == {
        "lines": 5,
        "matched": 1,
        "underpaid": 1,
        "overpaid": 1,
        "unmatched": 1,
        "unexpected": 0,
        "duplicate": 0,
        "outgoing": 1,
        "needs_review": 3,
        "confirmed_amount": 200_000,
    }
    succeeded = Event.objects.named("payments.payment.succeeded").for_subject(exact).get()
    assert (succeeded.payload["source"], succeeded.actor) == ("statement", staff)
    assert (
        Event.objects.named("payments.statement.imported").for_subject(statement).get().payload["matched"]
        == 1
    )


def test_importing_the_same_lines_again_marks_them_duplicate(transfers, staff, fake_payable):
    exact = transfers[0]
    csv_text = f"date,amount,description\n2026-11-20,100000,{exact.reference}\n"
    services.import_statement(csv_file=csv_text, actor=staff)
    # when the same file is imported again
    second = services.import_statement(csv_file=csv_text, actor=staff)
    # then the line is a duplicate, skipped: the payable was told once
    line = second.lines.get()
    assert (line.outcome, line.payment, line.needs_review) == (StatementOutcome.DUPLICATE, None, False)
    assert fake_payable.paid == [("o1", exact.reference)]
    assert second.summary["duplicate"] == 1


def test_a_repeated_line_within_one_file_is_a_duplicate(transfers, staff):
    exact = transfers[0]
    row = f"2026-11-20,100000,{exact.reference}"
    statement = services.import_statement(csv_file=f"date,amount,description\n{row}\n{row}\n", actor=staff)
    assert [line.outcome for line in statement.lines.all()] == [
        StatementOutcome.MATCHED,
        StatementOutcome.DUPLICATE,
    ]


def test_a_second_transfer_for_a_paid_payment_is_unexpected(transfers, staff, fake_payable):
    exact = transfers[0]
    services.import_statement(
        csv_file=f"date,amount,description\n2026-11-20,100000,{exact.reference}\n", actor=staff
    )
    statement = services.import_statement(
        csv_file=f"date,amount,description\n2026-11-21,100000,{exact.reference} lan 2\n", actor=staff
    )
    line = statement.lines.get()
    assert (line.outcome, line.needs_review, line.payment_id) == (StatementOutcome.UNEXPECTED, True, exact.pk)
    assert len(fake_payable.paid) == 1


def test_the_payables_own_reference_also_matches(fake_payable, payee, staff):
    payment = services.start_vietqr(
        item=fake_payable.summary("o9", 80_000, payee=payee, reference="LS2611ABCD")
    )
    statement = services.import_statement(
        csv_file="date,amount,description\n2026-11-20,80000,thanh toan ls-2611 abcd\n", actor=staff
    )
    line = statement.lines.get()
    assert (line.outcome, line.payment_id) == (StatementOutcome.MATCHED, payment.pk)


def test_vietnamese_headers_and_bom_are_read(transfers, staff):
    exact = transfers[0]
    csv_bytes = f"\ufeffNgày giao dịch,Số tiền,Nội dung\n20/11/2026,100.000,{exact.reference}\n".encode()
    statement = services.import_statement(csv_file=csv_bytes, actor=staff)
    assert statement.lines.get().outcome == StatementOutcome.MATCHED


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("date,amount,description\n2026-11-20,100000,ok\n2026-13-45,100000,bad date\n", "Line 3: date"),
        ("date,amount,description\n2026-11-20,100000,ok\n2026-11-20,1.5,x\n", "Line 3: amount '1.5'"),
        ("date,amount,description\n2026-11-20,abc,x\n", "Line 2: amount 'abc'"),
        ("date,description\n2026-11-20,x\n", "Line 1: the header lacks the column(s) amount"),
        ("date,amount,description\n2026-11-20,100000\n", "Line 2: expected 3 columns, found 2"),
        ("", "The file is empty"),
    ],
)
def test_a_malformed_file_writes_nothing_and_names_the_line(transfers, staff, csv_text, message):
    # given a file whose first line would match a payment
    csv_text = csv_text.replace(",ok", f",{transfers[0].reference}")
    # when it is imported
    with pytest.raises(PaymentError) as caught:
        services.import_statement(csv_file=csv_text, actor=staff)
    # then the error names the line, and nothing was written or confirmed
    assert caught.value.code == PaymentErrorCode.MALFORMED_STATEMENT
    assert message in caught.value.message
    assert not StatementImport.objects.exists()
    assert not StatementLine.objects.exists()
    assert statuses(transfers) == [PaymentStatus.PENDING] * 4


def test_a_file_that_is_not_utf8_is_refused(transfers, staff):
    with pytest.raises(PaymentError) as caught:
        services.import_statement(
            csv_file=b"date,amount,description\n2026-11-20,1,H\xe0 N\xf4i\n", actor=staff
        )
    assert caught.value.code == PaymentErrorCode.MALFORMED_STATEMENT
    assert not StatementImport.objects.exists()


def test_a_payee_imports_their_own_account_and_matches_only_their_payments(fake_payable, payee, other_payee):
    account = BankAccount(bank_bin="970405", account_number="8888012345678", account_name="NGUYEN THI MAI")
    own = services.start_vietqr(item=fake_payable.summary("o1", 50_000, payee=payee), payee_account=account)
    to_platform = services.start_vietqr(item=fake_payable.summary("o2", 50_000, payee=payee))
    someone_elses = services.start_vietqr(
        item=fake_payable.summary("o3", 50_000, payee=other_payee), payee_account=account
    )
    csv_text = "date,amount,description\n" + "".join(
        f"2026-11-20,50000,{payment.reference}\n" for payment in (own, to_platform, someone_elses)
    )
    statement = services.import_statement(csv_file=csv_text, actor=payee)
    assert statement.account_owner == payee
    assert [line.outcome for line in statement.lines.all()] == [
        StatementOutcome.MATCHED,
        StatementOutcome.UNMATCHED,
        StatementOutcome.UNMATCHED,
    ]
    assert statuses([own, to_platform, someone_elses]) == [
        PaymentStatus.SUCCEEDED,
        PaymentStatus.PENDING,
        PaymentStatus.PENDING,
    ]
    assert LedgerEntry.objects.count() == 0


def test_an_anonymous_import_is_refused(transfers):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PaymentError) as caught:
        services.import_statement(csv_file="date,amount,description\n", actor=AnonymousUser())
    assert caught.value.code == PaymentErrorCode.NOT_ALLOWED
    assert not StatementImport.objects.exists()


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150000", 150_000),
        ("150.000", 150_000),
        ("150,000", 150_000),
        ("1.250.000", 1_250_000),
        ("150000.00", 150_000),
        ("150.000,00", 150_000),
        ("150000 VND", 150_000),
        ("+150000", 150_000),
        ("-20.000", -20_000),
    ],
)
def test_amount_formats(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["1.5", "150.00.0", "1,50", "15,0000", "", "abc", "150.000,50"])
def test_amounts_that_are_not_whole_dong_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)
