"""VietQR: the national bank-transfer QR (NAPAS), an EMVCo merchant-presented QR payload built here.

The payload is a string of TLV fields — a 2-digit id, a 2-digit length, the value — some of which
nest more TLV fields. For a transfer to an account:

====  =============================================  ==============================================
id    field                                           value
====  =============================================  ==============================================
00    payload format indicator                        ``01``
01    point of initiation                             ``12`` dynamic (has an amount), ``11`` static
38    merchant account information (NAPAS)            00 ``A000000727`` (NAPAS GUID),
                                                      01 {00 bank BIN (6 digits), 01 account number},
                                                      02 ``QRIBFTTA`` (service: transfer to account)
53    currency                                        ``704`` (VND, ISO 4217)
54    amount                                          whole đồng, e.g. ``150000``
58    country                                         ``VN``
62    additional data                                 08 purpose of transaction (our reference)
63    CRC                                             CRC-16/CCITT-FALSE over everything before it,
                                                      *including* ``6304``; 4 upper-case hex digits
====  =============================================  ==============================================

CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR (check value
of ``"123456789"`` is 0x29B1; the same as ``binascii.crc_hqx(data, 0xFFFF)``).

The account name is not in the payload (the buyer's bank app looks it up) but we show it next to the
QR; banks print it upper-case without diacritics, so we store it that way (``fold_account_name``).
"""

import re
from dataclasses import dataclass

import segno
from django.utils.translation import gettext as _

from core.money import format_vnd
from core.text import fold

NAPAS_GUID = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY_VIETNAM = "VN"
PURPOSE_MAX_LENGTH = 25
ACCOUNT_NAME_MAX_LENGTH = 50

# A few NAPAS bank BINs (acquirer ids), to name the bank next to the QR. Other 6-digit BINs are valid too.
KNOWN_BANKS: dict[str, str] = {
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970422": "MB",
    "970416": "ACB",
    "970432": "VPBank",
    "970403": "Sacombank",
    "970423": "TPBank",
}

_BIN = re.compile(r"\d{6}")
_ACCOUNT_NUMBER = re.compile(r"\d{6,19}")
_ACCOUNT_NAME = re.compile(r"[A-Z]+(?: [A-Z]+)*")
_PURPOSE = re.compile(r"[A-Za-z0-9]+(?: [A-Za-z0-9]+)*")
_AMOUNT = re.compile(r"[1-9]\d{0,12}")
_WHITESPACE = re.compile(r"\s+")


class VietQRError(ValueError):
    """A value that cannot go into (or did not come out of) a valid VietQR payload."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, MSB first, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(field_id: str, value: str) -> str:
    """One field: ``id`` + 2-digit length + value (1 to 99 characters)."""
    if not 1 <= len(value) <= 99:
        raise VietQRError(f"Field {field_id} must hold 1 to 99 characters, not {len(value)}")
    return f"{field_id}{len(value):02d}{value}"


def parse_tlv(text: str) -> list[tuple[str, str]]:
    """Split a TLV string into ``(id, value)`` pairs, in order."""
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4 or not header.isdigit():
            raise VietQRError(f"Malformed field header at position {position}")
        length = int(header[2:])
        value = text[position + 4 : position + 4 + length]
        if length == 0 or len(value) != length:
            raise VietQRError(f"Field {header[:2]} at position {position} is cut short")
        fields.append((header[:2], value))
        position += 4 + length
    return fields


def fold_account_name(name: str) -> str:
    """``"Nguyễn Thị Mai"`` → ``"NGUYEN THI MAI"``: how banks print an account holder's name."""
    return _WHITESPACE.sub(" ", fold(name).upper()).strip()


def bank_name(bank_bin: str) -> str:
    return KNOWN_BANKS.get(bank_bin, "")


@dataclass(frozen=True)
class BankAccount:
    """A Vietnamese bank account that a VietQR transfer can go to."""

    bank_bin: str
    account_number: str
    account_name: str

    @property
    def bank_name(self) -> str:
        return bank_name(self.bank_bin)


def validate_bank_account(*, bank_bin: str, account_number: str, account_name: str) -> BankAccount:
    """Check the three parts of an account; raises :class:`VietQRError` naming the field at fault."""
    bank_bin = (bank_bin or "").strip()
    account_number = (account_number or "").replace(" ", "").strip()
    account_name = (account_name or "").strip()
    if not _BIN.fullmatch(bank_bin):
        raise VietQRError("The bank BIN is 6 digits (e.g. 970436 for Vietcombank).", field="bank_bin")
    if not _ACCOUNT_NUMBER.fullmatch(account_number):
        raise VietQRError("The account number is 6 to 19 digits.", field="account_number")
    if len(account_name) > ACCOUNT_NAME_MAX_LENGTH or not _ACCOUNT_NAME.fullmatch(account_name):
        suggestion = fold_account_name(account_name)
        hint = f" (e.g. {suggestion!r})" if _ACCOUNT_NAME.fullmatch(suggestion or "-") else ""
        raise VietQRError(
            "The account name is upper-case letters and single spaces, without diacritics, "
            f"as the bank prints it{hint}.",
            field="account_name",
        )
    return BankAccount(bank_bin=bank_bin, account_number=account_number, account_name=account_name)


def build_payload(*, account: BankAccount, amount: int | None = None, purpose: str = "") -> str:
    """The VietQR payload for a transfer of ``amount`` đồng to ``account`` with ``purpose`` as the message.

    With an amount the QR is *dynamic* (the amount is filled in); without, it is static.
    """
    account = validate_bank_account(
        bank_bin=account.bank_bin, account_number=account.account_number, account_name=account.account_name
    )
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        raise VietQRError("The amount is a whole number of đồng.", field="amount")
    if amount is not None and not _AMOUNT.fullmatch(str(amount)):
        raise VietQRError("The amount is 1 to 13 digits of đồng.", field="amount")
    if purpose and (len(purpose) > PURPOSE_MAX_LENGTH or not _PURPOSE.fullmatch(purpose)):
        raise VietQRError(
            f"The purpose is up to {PURPOSE_MAX_LENGTH} letters, digits and single spaces.", field="purpose"
        )
    beneficiary = tlv("00", account.bank_bin) + tlv("01", account.account_number)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TRANSFER_TO_ACCOUNT)
    payload = (
        tlv("00", "01")
        + tlv("01", "12" if amount is not None else "11")
        + tlv("38", merchant)
        + tlv("53", CURRENCY_VND)
        + (tlv("54", str(amount)) if amount is not None else "")
        + tlv("58", COUNTRY_VIETNAM)
        + (tlv("62", tlv("08", purpose)) if purpose else "")
        + "6304"
    )
    return payload + f"{crc16_ccitt_false(payload.encode('ascii')):04X}"


@dataclass(frozen=True)
class VietQRData:
    """What a VietQR payload says, as read back by :func:`parse_payload`."""

    bank_bin: str
    account_number: str
    service: str
    amount: int | None
    purpose: str
    is_dynamic: bool
    fields: tuple[tuple[str, str], ...]


def parse_payload(payload: str) -> VietQRData:
    """Read a VietQR payload back, verifying its structure and CRC; raises :class:`VietQRError`."""
    if not payload.isascii():
        raise VietQRError("A VietQR payload is ASCII")
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise VietQRError("The payload does not end with a CRC field (6304….)")
    expected = f"{crc16_ccitt_false(payload[:-4].encode('ascii')):04X}"
    if payload[-4:].upper() != expected:
        raise VietQRError(f"CRC mismatch: payload says {payload[-4:]}, computed {expected}")
    fields = parse_tlv(payload)
    values = dict(fields)
    if fields[0] != ("00", "01"):
        raise VietQRError("Field 00 (payload format indicator) must come first and be 01")
    if values.get("53") != CURRENCY_VND or values.get("58") != COUNTRY_VIETNAM:
        raise VietQRError("Not a VND payment in Vietnam (fields 53 and 58)")
    merchant = dict(parse_tlv(values.get("38", "")))
    if merchant.get("00") != NAPAS_GUID:
        raise VietQRError("Field 38 does not hold the NAPAS identifier")
    beneficiary = dict(parse_tlv(merchant.get("01", "")))
    additional = dict(parse_tlv(values["62"])) if "62" in values else {}
    return VietQRData(
        bank_bin=beneficiary.get("00", ""),
        account_number=beneficiary.get("01", ""),
        service=merchant.get("02", ""),
        amount=int(values["54"]) if "54" in values else None,
        purpose=additional.get("08", ""),
        is_dynamic=values.get("01") == "12",
        fields=tuple(fields),
    )


def render_svg(payload: str, *, title: str, description: str = "", scale: int = 4) -> str:
    """The QR as an inline ``<svg>`` (error correction M) with a ``<title>`` for screen readers."""
    code = segno.make(payload, error="m", micro=False, boost_error=False)
    svg = code.svg_inline(
        scale=scale, title=title, desc=description or None, svgclass="vietqr", lineclass=None, omitsize=True
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def transfer_instructions(*, account: BankAccount, amount: int, purpose: str) -> str:
    """Plain-text instructions shown next to the QR, for buyers who type the transfer by hand."""
    return _(
        "Transfer %(amount)s to %(bank)s, account %(account_number)s (%(account_name)s), "
        "with the message %(purpose)s."
    ) % {
        "amount": format_vnd(amount),
        "bank": account.bank_name or account.bank_bin,
        "account_number": account.account_number,
        "account_name": account.account_name,
        "purpose": purpose,
    }
