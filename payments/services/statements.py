"""Bank statement import: confirm VietQR transfers from a CSV export of the receiving account.

Columns (header row, any order, English or Vietnamese names): ``date``, ``amount``, ``description``
and optionally ``reference`` (the bank's transaction id). Staff import the platform's account; a payee
imports their own account and only their own payments are matched.

Each line is matched by the payment reference found in its text (case, spaces, dashes and diacritics
ignored; the payable's reference is tried too) and by amount:

* exact → the payment succeeds, through the same path as a Stripe webhook;
* less → ``underpaid``: flagged for review, nothing changes;
* more → ``overpaid``: the payment succeeds and the line is flagged (the difference is owed back);
* no reference → ``unmatched``; a payment no longer pending → ``unexpected`` (both flagged);
* a line imported before (same account, date, amount, description, bank reference) → ``duplicate``,
  skipped; debits → ``outgoing``.

The whole file is read and checked before anything is written: a malformed file writes nothing and
the error names the line.
"""

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction

from core.events import record_event
from core.text import fold

from ..exceptions import PaymentError, PaymentErrorCode
from ..models import (
    Collector,
    Payment,
    PaymentItem,
    PaymentStatus,
    Provider,
    StatementImport,
    StatementLine,
    StatementOutcome,
)
from ..references import normalize, reference_candidates
from .lifecycle import succeed

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
MIN_PAYABLE_REFERENCE_LENGTH = 6
COLUMN_NAMES = {
    "date": {"date", "ngay", "ngay giao dich", "transaction date"},
    "amount": {"amount", "so tien", "so tien ghi co"},
    "description": {"description", "noi dung", "dien giai", "mo ta"},
    "reference": {"reference", "ma giao dich", "so tham chieu", "so but toan"},
}
REQUIRED_COLUMNS = ("date", "amount", "description")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
_PLAIN_AMOUNT = re.compile(r"[+-]?\d+")
_GROUPED_AMOUNT = re.compile(r"[+-]?\d{1,3}([.,])\d{3}(?:\1\d{3})*")
_CURRENCY_SUFFIX = re.compile(r"(?:vnd|vnđ|đ|₫)$", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ParsedLine:
    line_number: int
    raw: str
    booked_on: date
    amount: int
    description: str
    bank_reference: str
    line_hash: str


def _malformed(message: str) -> PaymentError:
    return PaymentError(PaymentErrorCode.MALFORMED_STATEMENT, message, field="csv_file")


def _read_text(csv_file) -> str:
    if isinstance(csv_file, str):
        data = csv_file.encode("utf-8")
    elif isinstance(csv_file, bytes | bytearray):
        data = bytes(csv_file)
    else:
        if hasattr(csv_file, "seek"):
            csv_file.seek(0)
        data = csv_file.read(MAX_FILE_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise _malformed(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _malformed("The file is not UTF-8 text; export the statement as CSV (UTF-8).") from error


def parse_amount(text: str) -> int:
    """``"150000"``, ``"150.000"``, ``"150,000"``, ``"150.000,00"``, ``"150000 VND"`` → 150000."""
    value = _CURRENCY_SUFFIX.sub("", text.strip().replace(" ", "").replace("\u00a0", ""))
    if len(value) > 3 and value[-3] in ".," and value[-2:] == "00":
        value = value[:-3]
    if _PLAIN_AMOUNT.fullmatch(value):
        return int(value)
    if _GROUPED_AMOUNT.fullmatch(value):
        return int(re.sub(r"[.,]", "", value))
    raise ValueError(f"amount {text!r} is not a whole number of đồng")


def parse_date(text: str) -> date:
    value = text.strip().split(" ")[0] if text.strip() else ""
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not YYYY-MM-DD or DD/MM/YYYY")


def _columns(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        folded = fold(name)
        for column, names in COLUMN_NAMES.items():
            if folded in names and column not in positions:
                positions[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise _malformed(f"Line 1: the header lacks the column(s) {', '.join(missing)}.")
    return positions


def _fingerprint(scope: str, booked_on: date, amount: int, description: str, bank_reference: str) -> str:
    text = "|".join(
        [scope, booked_on.isoformat(), str(amount), _WHITESPACE.sub(" ", description), bank_reference]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_statement(text: str, *, scope: str) -> list[ParsedLine]:
    """Read every line, or raise ``MALFORMED_STATEMENT`` naming the first bad line (1 = header)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if header is None:
            raise _malformed("The file is empty.")
        columns = _columns(header)
        lines: list[ParsedLine] = []
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(lines) >= MAX_LINES:
                raise _malformed(f"Line {number}: a statement holds at most {MAX_LINES} lines.")
            if len(row) < max(columns.values()) + 1:
                raise _malformed(f"Line {number}: expected {len(header)} columns, found {len(row)}.")
            try:
                booked_on = parse_date(row[columns["date"]])
                amount = parse_amount(row[columns["amount"]])
            except ValueError as error:
                raise _malformed(f"Line {number}: {error}.") from error
            description = _WHITESPACE.sub(" ", row[columns["description"]]).strip()[:500]
            bank_reference = row[columns["reference"]].strip()[:100] if "reference" in columns else ""
            raw = io.StringIO()
            csv.writer(raw, lineterminator="").writerow(row)
            lines.append(
                ParsedLine(
                    line_number=number,
                    raw=raw.getvalue(),
                    booked_on=booked_on,
                    amount=amount,
                    description=description,
                    bank_reference=bank_reference,
                    line_hash=_fingerprint(scope, booked_on, amount, description, bank_reference),
                )
            )
    except csv.Error as error:
        raise _malformed(f"Line {reader.line_num}: {error}.") from error
    return lines


def _scope(payments, account_owner):
    payments = payments.filter(provider=Provider.VIETQR)
    if account_owner is None:
        return payments.filter(collected_by=Collector.PLATFORM)
    return payments.filter(collected_by=Collector.PAYEE, items__payee=account_owner)


def _match(lines: list[ParsedLine], account_owner) -> dict[int, set[int]]:
    """Line number → ids of the payments its text names (none, one, or ambiguously several)."""
    candidates = {
        line.line_number: reference_candidates(f"{line.description} {line.bank_reference}") for line in lines
    }
    wanted = {reference for references in candidates.values() for reference in references}
    by_reference = dict(
        _scope(Payment.objects.all(), account_owner)
        .filter(reference__in=wanted)
        .values_list("reference", "pk")
    )
    # Buyers sometimes type the order's own reference instead of ours: try those of pending payments.
    pending_items = PaymentItem.objects.filter(
        payment__in=_scope(Payment.objects.filter(status=PaymentStatus.PENDING), account_owner)
    ).values_list("reference", "payment_id")
    by_payable_reference = [
        (normalize(reference), payment_id)
        for reference, payment_id in pending_items
        if len(normalize(reference)) >= MIN_PAYABLE_REFERENCE_LENGTH
    ]
    matches: dict[int, set[int]] = {}
    for line in lines:
        found = {
            by_reference[reference] for reference in candidates[line.line_number] if reference in by_reference
        }
        if not found:
            text = normalize(f"{line.description} {line.bank_reference}")
            found = {payment_id for key, payment_id in by_payable_reference if key in text}
        matches[line.line_number] = found
    return matches


def import_statement(*, csv_file, actor, filename: str = "") -> StatementImport:
    """Import a bank statement CSV; returns the import with ``summary`` (count per outcome)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PaymentError(PaymentErrorCode.NOT_ALLOWED, "Sign in to import a statement.")
    account_owner = None if actor.is_staff else actor
    scope = "platform" if account_owner is None else f"payee:{account_owner.pk}"
    lines = parse_statement(_read_text(csv_file), scope=scope)
    matches = _match(lines, account_owner)
    payment_ids = sorted({pid for found in matches.values() if len(found) == 1 for pid in found})
    try:
        with transaction.atomic():
            # Lock every payment the file names, in pk order, before changing any.
            payments = {
                payment.pk: payment
                for payment in Payment.objects.select_for_update().filter(pk__in=payment_ids).order_by("pk")
            }
            already = set(
                StatementLine.objects.filter(line_hash__in=[line.line_hash for line in lines])
                .exclude(outcome=StatementOutcome.DUPLICATE)
                .values_list("line_hash", flat=True)
            )
            statement = StatementImport.objects.create(
                actor=actor, account_owner=account_owner, filename=filename[:200]
            )
            rows = [
                _apply_line(line, statement, matches[line.line_number], payments, already, actor)
                for line in lines
            ]
            StatementLine.objects.bulk_create(rows)
            counts = Counter(row.outcome for row in rows)
            statement.summary = {
                "lines": len(rows),
                **{outcome.value: counts.get(outcome.value, 0) for outcome in StatementOutcome},
                "needs_review": sum(1 for row in rows if row.needs_review),
                "confirmed_amount": sum(
                    row.amount - row.difference
                    for row in rows
                    if row.outcome in (StatementOutcome.MATCHED, StatementOutcome.OVERPAID)
                ),
            }
            statement.save(update_fields=["summary"])
            record_event(
                "payments.statement.imported",
                subject=statement,
                actor=actor,
                payload={"filename": statement.filename, **statement.summary},
            )
    except IntegrityError as error:
        raise PaymentError(
            PaymentErrorCode.STATEMENT_CONFLICT,
            "Some of these lines were being imported at the same moment; import the file again.",
            field="csv_file",
        ) from error
    return statement


def _apply_line(
    line: ParsedLine,
    statement: StatementImport,
    found: set[int],
    payments: dict[int, Payment],
    already: set[str],
    actor,
) -> StatementLine:
    row = StatementLine(
        statement=statement,
        line_number=line.line_number,
        raw=line.raw,
        booked_on=line.booked_on,
        amount=line.amount,
        description=line.description,
        bank_reference=line.bank_reference,
        line_hash=line.line_hash,
    )
    if line.line_hash in already:
        row.outcome = StatementOutcome.DUPLICATE
        return row
    already.add(line.line_hash)
    if line.amount <= 0:
        row.outcome = StatementOutcome.OUTGOING
        return row
    if len(found) != 1:
        row.outcome, row.needs_review = StatementOutcome.UNMATCHED, True
        return row
    payment = payments[next(iter(found))]
    row.payment = payment
    row.difference = line.amount - payment.amount
    if payment.status != PaymentStatus.PENDING:
        row.outcome, row.needs_review = StatementOutcome.UNEXPECTED, True
    elif line.amount < payment.amount:
        row.outcome, row.needs_review = StatementOutcome.UNDERPAID, True
    else:
        succeed(payment_id=payment.pk, source="statement", actor=actor)
        payment.status = PaymentStatus.SUCCEEDED
        overpaid = line.amount > payment.amount
        row.outcome = StatementOutcome.OVERPAID if overpaid else StatementOutcome.MATCHED
        row.needs_review = overpaid
    return row
