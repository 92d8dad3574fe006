"""The platform fee on money the platform collects.

Rule: ``fee = gross × percent / 100``, rounded **half up** to a whole đồng (VND has no minor unit):
5 % of 12 345 ₫ is 617.25 → 617 ₫; 5 % of 10 ₫ is 0.5 → 1 ₫. A refund gives back the fee on the
refunded amount, computed on running totals, so that the fee given back over all refunds of an item
equals exactly the fee taken when the whole item is refunded (no đồng lost to rounding).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def platform_fee_percent() -> Decimal:
    """``settings.PLATFORM_FEE_PERCENT`` as a Decimal between 0 and 100."""
    try:
        percent = Decimal(str(settings.PLATFORM_FEE_PERCENT))
    except InvalidOperation as error:
        raise ImproperlyConfigured("PLATFORM_FEE_PERCENT must be a number") from error
    if not Decimal(0) <= percent <= Decimal(100):
        raise ImproperlyConfigured("PLATFORM_FEE_PERCENT must be between 0 and 100")
    return percent


def fee_on(gross: int, percent: Decimal) -> int:
    """The fee on a non-negative amount, rounded half up to a whole đồng."""
    if gross < 0:
        raise ValueError("The fee is computed on a non-negative amount")
    return int((Decimal(gross) * percent / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fee_given_back(*, refunded_before: int, refunded_now: int, percent: Decimal) -> int:
    """The share of the fee given back by a refund of ``refunded_now`` after ``refunded_before``."""
    return fee_on(refunded_before + refunded_now, percent) - fee_on(refunded_before, percent)
