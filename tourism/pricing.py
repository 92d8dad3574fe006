"""Prices: a quote broken down line by line, computed the same way for the page and for the booking.

A night costs the unit's seasonal price when a season covers it, else its weekend price on Friday and
Saturday nights when set, else its nightly price. Guests above ``included_guests`` pay the extra-guest
price per night. Consecutive nights at the same rate are shown as one line ("3 nights × 450.000 ₫").
Tours and experiences cost the slot's (or the service's) price per person.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.money import format_vnd

from .models import SeasonalPrice, Service, Slot, Unit

FRIDAY, SATURDAY = 4, 5


@dataclass(frozen=True)
class PriceLine:
    label: str
    amount: int
    kind: str  # "nights", "extra_guests", "seats"

    def as_dict(self) -> dict:
        return {"label": self.label, "amount": self.amount, "kind": self.kind}


@dataclass(frozen=True)
class Quote:
    lines: tuple[PriceLine, ...]
    guests: int
    check_in: date
    check_out: date

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days

    def lines_as_dicts(self) -> list[dict]:
        return [line.as_dict() for line in self.lines]


def night_rate(unit: Unit, night: date, seasons: list[SeasonalPrice]) -> tuple[int, str]:
    """The price of one night and why: ``(amount, "season name" | "weekend" | "")``."""
    for season in seasons:
        if season.starts_on <= night <= season.ends_on:
            return season.nightly_price, season.name
    if unit.weekend_nightly_price and night.weekday() in (FRIDAY, SATURDAY):
        return unit.weekend_nightly_price, _("weekend")
    return unit.nightly_price, ""


def quote_stay(*, unit: Unit, check_in: date, check_out: date, guests: int) -> Quote:
    """The price of ``[check_in, check_out)`` in ``unit`` for ``guests`` (dates already validated)."""
    seasons = [
        season
        for season in unit.seasonal_prices.all()
        if season.starts_on < check_out and season.ends_on >= check_in
    ]
    groups: list[list] = []  # [rate, reason, nights]
    night = check_in
    while night < check_out:
        rate, reason = night_rate(unit, night, seasons)
        if groups and groups[-1][0] == rate and groups[-1][1] == reason:
            groups[-1][2] += 1
        else:
            groups.append([rate, reason, 1])
        night += timedelta(days=1)
    lines = []
    for rate, reason, count in groups:
        label = ngettext("%(count)d night × %(rate)s", "%(count)d nights × %(rate)s", count) % {
            "count": count,
            "rate": format_vnd(rate),
        }
        if reason:
            label = f"{label} ({reason})"
        lines.append(PriceLine(label=label, amount=rate * count, kind="nights"))
    extra = max(0, guests - unit.included_guests)
    nights = (check_out - check_in).days
    if extra and unit.extra_guest_price:
        label = _("%(extra)d extra guest(s) × %(nights)d night(s) × %(rate)s") % {
            "extra": extra,
            "nights": nights,
            "rate": format_vnd(unit.extra_guest_price),
        }
        lines.append(
            PriceLine(label=label, amount=extra * nights * unit.extra_guest_price, kind="extra_guests")
        )
    return Quote(lines=tuple(lines), guests=guests, check_in=check_in, check_out=check_out)


def per_person_quote(*, price: int, guests: int, day: date) -> Quote:
    label = ngettext("%(count)d guest × %(rate)s", "%(count)d guests × %(rate)s", guests) % {
        "count": guests,
        "rate": format_vnd(price),
    }
    return Quote(
        lines=(PriceLine(label=label, amount=price * guests, kind="seats"),),
        guests=guests,
        check_in=day,
        check_out=day + timedelta(days=1),
    )


def quote_slot(*, slot: Slot, guests: int) -> Quote:
    return per_person_quote(
        price=slot.price_per_person, guests=guests, day=timezone.localdate(slot.starts_at)
    )


def quote_on_request(*, service: Service, day: date, guests: int) -> Quote:
    return per_person_quote(price=service.price_per_person or 0, guests=guests, day=day)


def lowest_nightly_price(service: Service) -> int | None:
    """The "from" price on a card: the cheapest active unit's nightly price (prefetched units)."""
    prices = [unit.nightly_price for unit in service.units.all() if unit.is_active]
    return min(prices) if prices else None
