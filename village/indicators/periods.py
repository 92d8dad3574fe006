"""Reporting periods: a month or a quarter, named by its first day."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from village.models import Periodicity

MONTHS = {Periodicity.MONTHLY: 1, Periodicity.QUARTERLY: 3}
#: the years a period (or a moment asked for in a filter) may name: every period end stays a valid date
FIRST_YEAR, LAST_YEAR = 2000, 2100


def today() -> date:
    return timezone.localdate()


def period_start(day: date, periodicity: str) -> date:
    """The first day of the period holding ``day``."""
    step = MONTHS[periodicity]
    return date(day.year, (day.month - 1) // step * step + 1, 1)


def add_periods(start: date, periodicity: str, count: int) -> date:
    months = start.year * 12 + start.month - 1 + count * MONTHS[periodicity]
    return date(months // 12, months % 12 + 1, 1)


def period_end(start: date, periodicity: str) -> date:
    """The first day after the period (periods are ``[start, end)``)."""
    return add_periods(start, periodicity, 1)


def is_period_start(day: date, periodicity: str) -> bool:
    return period_start(day, periodicity) == day


def current_period(periodicity: str, *, on: date | None = None) -> date:
    return period_start(on or today(), periodicity)


def last_periods(periodicity: str, count: int, *, on: date | None = None) -> list[date]:
    """The ``count`` periods up to the current one, oldest first."""
    current = current_period(periodicity, on=on)
    return [add_periods(current, periodicity, -offset) for offset in range(count - 1, -1, -1)]


def parse_period(text: str) -> date | None:
    """``2026-03`` (a month) or ``2026-Q1`` (a quarter) → the first day; None when it is not one or its
    year is outside ``FIRST_YEAR``–``LAST_YEAR``."""
    text = (text or "").strip().upper()
    if len(text) != 7 or text[4] != "-" or not text[:4].isdigit():
        return None
    year = int(text[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        if text[5] == "Q":
            quarter = int(text[6])
            if 1 <= quarter <= 4:
                return date(year, quarter * 3 - 2, 1)
            return None
        return date(year, int(text[5:]), 1)
    except ValueError:
        return None


def period_code(start: date, periodicity: str) -> str:
    """The period's code: ``2026-03`` for a month, ``2026-Q1`` for a quarter."""
    if periodicity == Periodicity.QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def period_label(start: date, periodicity: str) -> str:
    """How people read the period in the active language: "03/2026" or "Q1 2026" / "Quý 1/2026"."""
    if periodicity == Periodicity.QUARTERLY:
        return _("Q%(quarter)s %(year)s") % {"quarter": (start.month - 1) // 3 + 1, "year": start.year}
    return f"{start.month:02d}/{start.year}"
