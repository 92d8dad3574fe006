"""Vietnamese phone numbers: stored in E.164 (``+84912345678``), typed any usual way."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile numbers: 0 + 9 digits starting 3, 5, 7, 8 or 9; landlines 02xx + 7-8 digits.
_NATIONAL = re.compile(r"^0(?:[35789]\d{8}|2\d{8,9})$")


def normalize_phone(raw: str) -> str:
    """``"0912 345 678"``, ``"+84 912 345 678"`` and ``"84912345678"`` → ``"+84912345678"``."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    if not _NATIONAL.match(digits):
        raise ValidationError(
            _("Enter a Vietnamese phone number, for example 0912 345 678."), code="invalid_phone"
        )
    return "+84" + digits[1:]


def looks_like_phone(identifier: str) -> bool:
    return "@" not in identifier and bool(re.search(r"\d{6,}", _SEPARATORS.sub("", identifier or "")))
