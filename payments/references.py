"""Payment references: the short code a buyer types into a bank transfer, and how to find it again.

References are ``TT`` (thanh toán = payment) and 8 characters from an alphabet without 0/O and 1/I,
which people mistype. Bank apps drop diacritics, spaces and dashes, and some upper-case everything,
so matching compares *normalized* text: folded, upper-case, letters and digits only.
"""

import re

from core.references import REFERENCE_ALPHABET, REFERENCE_LENGTH, new_reference
from core.text import fold

REFERENCE_PREFIX = "TT"
# A lookahead finds overlapping candidates: "TTTT7K..." holds a reference starting at either T.
_CANDIDATE = re.compile(rf"(?=({REFERENCE_PREFIX}[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}))")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]")


def new_payment_reference() -> str:
    return new_reference(REFERENCE_PREFIX)


def normalize(text: str | None) -> str:
    """``"tt-7k3m 9q2x, Nguyễn"`` → ``"TT7K3M9Q2XNGUYEN"``."""
    return _NOT_ALPHANUMERIC.sub("", fold(text).upper())


def reference_candidates(text: str | None) -> list[str]:
    """Every substring of the normalized text that has the shape of a payment reference."""
    seen: list[str] = []
    for match in _CANDIDATE.finditer(normalize(text)):
        if match.group(1) not in seen:
            seen.append(match.group(1))
    return seen
