"""Money is Vietnamese đồng (VND): whole numbers only, no minor unit."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_vnd(value) -> None:
    """Refuse negative, fractional or non-numeric VND amounts."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("Amounts in VND are whole numbers."), code="not_integer")
    if value < 0:
        raise ValidationError(_("Amounts cannot be negative."), code="negative")


def format_vnd(amount: int) -> str:
    """``125000`` → ``"125.000 ₫"`` (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " ₫"
