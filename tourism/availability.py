"""Availability, computed in one place: what nights of a unit and what seats of a slot are still free.

A unit's night is taken when an :class:`~tourism.models.Occupancy` row covers it and has not expired
(confirmed bookings and blocks never expire; holds and requests do). A slot's seats are its capacity
less ``seats_taken``. Search, quotes, the booking service (under its lock) and the host's calendar all
ask here.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import BlockSource, BookingMode, BookingStatus, Occupancy, ServiceKind, Slot, Unit


def still_counts(now: datetime) -> Q:
    """Occupancies that still take their nights at ``now``."""
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


def overlapping(*, starts_on: date, ends_on: date) -> Q:
    """Occupancies sharing at least one night with ``[starts_on, ends_on)``."""
    return Q(starts_on__lt=ends_on, ends_on__gt=starts_on)


def taken_nights(unit: Unit, *, starts_on: date, ends_on: date, now: datetime | None = None) -> QuerySet:
    """The unit's occupancies that take any night of ``[starts_on, ends_on)`` at ``now``."""
    return Occupancy.objects.filter(
        overlapping(starts_on=starts_on, ends_on=ends_on), still_counts(now or timezone.now()), unit=unit
    )


def is_unit_free(unit: Unit, *, check_in: date, check_out: date, now: datetime | None = None) -> bool:
    return not taken_nights(unit, starts_on=check_in, ends_on=check_out, now=now).exists()


def free_units(
    units: QuerySet, *, check_in: date, check_out: date, guests: int, now: datetime | None = None
) -> QuerySet:
    """Active units of ``units`` that hold ``guests`` and have every night of the range free."""
    busy = Occupancy.objects.filter(
        overlapping(starts_on=check_in, ends_on=check_out),
        still_counts(now or timezone.now()),
        unit=OuterRef("pk"),
    )
    return units.filter(
        is_active=True, capacity__gte=guests, minimum_nights__lte=(check_out - check_in).days
    ).exclude(Exists(busy))


def open_slots(
    slots: QuerySet,
    *,
    guests: int,
    now: datetime | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> QuerySet:
    """Future, not cancelled slots with at least ``guests`` seats left (within the dates when given)."""
    slots = slots.filter(
        is_cancelled=False, starts_at__gt=now or timezone.now(), capacity__gte=F("seats_taken") + guests
    )
    if starts_on is not None:
        slots = slots.filter(starts_at__gte=local_midnight(starts_on))
    if ends_on is not None:
        slots = slots.filter(starts_at__lt=local_midnight(ends_on))
    return slots


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the platform's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def available_services(
    services: QuerySet,
    *,
    check_in: date | None,
    check_out: date | None,
    guests: int,
    now: datetime | None = None,
) -> QuerySet:
    """Services of ``services`` a party of ``guests`` can book between ``check_in`` and ``check_out``.

    Stays: at least one unit free for every night. Tours and experiences: a departure in the range with
    enough seats, or booked on request for groups this size. Without dates: anything that could hold
    the party at all.
    """
    now = now or timezone.now()
    unit_rows = Unit.objects.filter(service=OuterRef("pk"))
    slot_rows = Slot.objects.filter(service=OuterRef("pk"))
    if check_in is None or check_out is None:
        units = unit_rows.filter(is_active=True, capacity__gte=guests)
        slots = open_slots(slot_rows, guests=guests, now=now)
    else:
        units = free_units(unit_rows, check_in=check_in, check_out=check_out, guests=guests, now=now)
        slots = open_slots(slot_rows, guests=guests, now=now, starts_on=check_in, ends_on=check_out)
    on_request = Q(booking_mode=BookingMode.ON_REQUEST, maximum_group__gte=guests)
    return services.alias(has_unit=Exists(units), has_slot=Exists(slots)).filter(
        Q(kind=ServiceKind.STAY, has_unit=True)
        | (~Q(kind=ServiceKind.STAY) & (Q(has_slot=True) | on_request))
    )


@dataclass(frozen=True)
class Night:
    """One night of a unit's calendar as the host sees it."""

    day: date
    state: str  # "free", "held", "requested", "booked", "closed", "imported"
    label: str = ""
    booking_reference: str = ""


def unit_calendar(unit: Unit, *, starts_on: date, ends_on: date, now: datetime | None = None) -> list[Night]:
    """Each night of ``[starts_on, ends_on)`` for ``unit``: free, held, requested, booked or closed."""
    now = now or timezone.now()
    rows = (
        taken_nights(unit, starts_on=starts_on, ends_on=ends_on, now=now)
        .select_related("booking", "block")
        .order_by("starts_on")
    )
    by_day: dict[date, Night] = {}
    for row in rows:
        if row.booking_id:
            state = {BookingStatus.HELD: "held", BookingStatus.REQUESTED: "requested"}.get(
                row.booking.status, "booked"
            )
            label, reference = row.booking.guest_name, row.booking.reference
        else:
            state = "imported" if row.block.source == BlockSource.CALENDAR else "closed"
            label, reference = row.block.summary, ""
        day = max(row.starts_on, starts_on)
        while day < min(row.ends_on, ends_on):
            by_day[day] = Night(day=day, state=state, label=label, booking_reference=reference)
            day += timedelta(days=1)
    nights = []
    day = starts_on
    while day < ends_on:
        nights.append(by_day.get(day, Night(day=day, state="free")))
        day += timedelta(days=1)
    return nights
