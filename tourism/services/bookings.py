"""Holds and bookings: the one place where a unit's nights and a slot's seats are taken and given back.

Taking nights: the unit's row is locked (``select_for_update``; SQLite serialises writers anyway), the
expired holds on it are cleared, availability is re-checked, then the booking and its
:class:`~tourism.models.Occupancy` are written. On PostgreSQL the exclusion constraint refuses an
overlapping occupancy even if this code were wrong; such an ``IntegrityError`` becomes "no longer
available". Taking seats: the slot's row is locked and ``seats_taken`` grows with ``F()`` (a CHECK keeps
it within capacity).

States: ``held`` (waiting for payment, until ``hold_expires_at``) → ``confirmed`` when paid; pay on
arrival confirms at once. On-request services start ``requested`` (the host has 24 hours); accepting
turns them ``held`` (card or transfer) or ``confirmed`` (on arrival). Confirmed bookings become
``completed`` after check-out; ``cancelled``, ``declined`` and ``expired`` give the nights back.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event
from core.references import new_reference

from .. import availability
from ..acting import acting_for_host
from ..cancellation import RefundQuote, refund_for
from ..exceptions import TourismError, TourismErrorCode
from ..models import (
    ACTIVE_BOOKING_STATUSES,
    BlockSource,
    Booking,
    BookingMode,
    BookingPayment,
    BookingStatus,
    CancelledBy,
    ListingStatus,
    Occupancy,
    Service,
    ServiceKind,
    Slot,
    Unit,
)
from ..pricing import Quote, quote_on_request, quote_slot, quote_stay

MAXIMUM_NIGHTS = 60
MAXIMUM_DAYS_AHEAD = 730
REFERENCE_PREFIX = "DP"  # đặt phòng = booking


@dataclass(frozen=True)
class GuestDetails:
    """Who books: the contact the host and the platform use (country as ISO 3166 alpha-2) and the language
    the guest booked in, which their emails are written in."""

    name: str
    email: str
    phone: str = ""
    country: str = ""
    language: str = ""


def hold_minutes() -> int:
    return int(settings.TOURISM_HOLD_MINUTES)


def request_hours() -> int:
    return int(settings.TOURISM_REQUEST_HOURS)


# --- checking what is asked ------------------------------------------------------------------------------


def check_guests(guests, *, most: int) -> int:
    if isinstance(guests, bool) or not isinstance(guests, int) or guests < 1:
        raise TourismError(TourismErrorCode.INVALID_GUESTS, _("Enter at least one guest."), field="guests")
    if guests > most:
        raise TourismError(
            TourismErrorCode.TOO_MANY_GUESTS,
            _("This takes at most %(count)d guests.") % {"count": most},
            field="guests",
        )
    return guests


def check_stay_dates(
    *, unit: Unit | None, check_in: date, check_out: date, today: date | None = None
) -> None:
    """Refuse impossible dates with a message for the field at fault (nothing is written). Without a
    ``unit`` (the search, before a room is chosen) a room's minimum stay is not checked."""
    today = today or timezone.localdate()
    if not isinstance(check_in, date) or not isinstance(check_out, date):
        raise TourismError(TourismErrorCode.INVALID_DATES, _("Choose a check-in and a check-out date."))
    if check_out <= check_in:
        raise TourismError(
            TourismErrorCode.INVALID_DATES, _("Check-out must be after check-in."), field="check_out"
        )
    if check_in < today:
        raise TourismError(
            TourismErrorCode.DATES_IN_THE_PAST, _("Check-in cannot be in the past."), field="check_in"
        )
    if check_in > today + timedelta(days=MAXIMUM_DAYS_AHEAD):
        raise TourismError(
            TourismErrorCode.TOO_FAR_AHEAD, _("Bookings open two years ahead at most."), field="check_in"
        )
    nights = (check_out - check_in).days
    if nights > MAXIMUM_NIGHTS:
        raise TourismError(
            TourismErrorCode.TOO_MANY_NIGHTS,
            _("A stay is at most %(count)d nights.") % {"count": MAXIMUM_NIGHTS},
            field="check_out",
        )
    if unit is not None and nights < unit.minimum_nights:
        raise TourismError(
            TourismErrorCode.BELOW_MINIMUM_NIGHTS,
            _("This room is booked for at least %(count)d nights.") % {"count": unit.minimum_nights},
            field="check_out",
        )


def check_still_free(unit: Unit, *, check_in: date, check_out: date, now: datetime) -> None:
    """Refuse a taken night: "closed" for the host's own closed dates, else "no longer available"."""
    taken = list(
        availability.taken_nights(unit, starts_on=check_in, ends_on=check_out, now=now)
        .select_related("block")
        .order_by("starts_on")
    )
    if not taken:
        return
    closed = [row for row in taken if row.block_id and row.block.source == BlockSource.HOST]
    if closed:
        first = max(closed[0].starts_on, check_in)
        raise TourismError(
            TourismErrorCode.CLOSED,
            _("The host has closed the night of %(date)s.") % {"date": first.strftime("%d/%m/%Y")},
            field="check_in",
        )
    raise TourismError(
        TourismErrorCode.UNAVAILABLE, _("These dates are no longer available."), field="check_in"
    )


def check_bookable(service: Service) -> None:
    if (
        service.status != ListingStatus.APPROVED
        or service.host.status != ListingStatus.APPROVED
        or service.is_deleted
        or service.host.is_deleted
    ):
        raise TourismError(TourismErrorCode.NOT_BOOKABLE, _("This listing is not taking bookings."))


def check_payment_method(service: Service, payment_method: str) -> None:
    allowed = payment_methods_for(service)
    if payment_method not in allowed:
        raise TourismError(
            TourismErrorCode.PAYMENT_METHOD_UNAVAILABLE,
            _("This way of paying is not available here."),
            field="payment_method",
        )


def payment_methods_for(service: Service) -> list[str]:
    """How a guest may pay for ``service``: card when Stripe is on, VietQR to the host's own account, and
    on arrival when the host allows it."""
    from payments import stripe_client

    methods = []
    if stripe_client.is_enabled():
        methods.append(BookingPayment.CARD)
    if service.host.accepts_bank_transfer:
        methods.append(BookingPayment.BANK_TRANSFER)
    if service.accepts_pay_on_arrival:
        methods.append(BookingPayment.ON_ARRIVAL)
    return methods


def check_guest(guest: GuestDetails) -> None:
    if not (guest.name or "").strip():
        raise TourismError(
            TourismErrorCode.INVALID_GUEST_DETAILS, _("Enter the guest's name."), field="guest_name"
        )
    if not (guest.email or "").strip():
        raise TourismError(
            TourismErrorCode.INVALID_GUEST_DETAILS, _("Enter an email address."), field="guest_email"
        )


# --- quotes (read only) ----------------------------------------------------------------------------------


def quote_for_stay(
    *, unit: Unit, check_in: date, check_out: date, guests: int, today: date | None = None
) -> Quote:
    """Validate the dates and the party, then price them (free or not: the page says which)."""
    check_stay_dates(unit=unit, check_in=check_in, check_out=check_out, today=today)
    check_guests(guests, most=unit.capacity)
    return quote_stay(unit=unit, check_in=check_in, check_out=check_out, guests=guests)


# --- taking nights and seats -----------------------------------------------------------------------------


def _status_after_hold(service: Service, payment_method: str) -> tuple[str, timedelta | None]:
    if service.booking_mode == BookingMode.ON_REQUEST:
        return BookingStatus.REQUESTED, timedelta(hours=request_hours())
    if payment_method == BookingPayment.ON_ARRIVAL:
        return BookingStatus.CONFIRMED, None
    return BookingStatus.HELD, timedelta(minutes=hold_minutes())


def clear_expired_holds_on(unit: Unit, *, now: datetime) -> None:
    """Expire the holds and requests on ``unit`` whose time ran out (the caller holds the unit's lock)."""
    expired = Occupancy.objects.filter(unit=unit, expires_at__lte=now).select_related("booking")
    for row in expired:
        if row.booking_id:
            _expire(row.booking, now=now)
        row.delete()


def _expire(booking: Booking, *, now: datetime) -> None:
    booking.status = BookingStatus.EXPIRED
    booking.cancelled_at = now
    booking.cancelled_by = CancelledBy.SYSTEM
    booking.cancellation_reason = "hold_expired"
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason"])
    record_event(
        "tourism.booking.expired",
        subject=booking,
        commune_id=booking.commune_id,
        payload={"reference": booking.reference},
    )


def _create_booking(
    *, service: Service, quote: Quote, guest: GuestDetails, user, payment_method: str, message: str,
    now: datetime, unit: Unit | None = None, slot: Slot | None = None,
) -> Booking:  # fmt: skip
    status, hold = _status_after_hold(service, payment_method)
    booking = Booking.objects.create(
        reference=new_reference(REFERENCE_PREFIX),
        service=service,
        commune_id=service.commune_id,
        unit=unit,
        slot=slot,
        guest=user if user is not None and user.is_authenticated else None,
        guest_name=guest.name.strip()[:120],
        guest_email=guest.email.strip(),
        guest_phone=guest.phone.strip()[:20],
        guest_country=(guest.country or "").upper()[:2],
        language=guest.language if guest.language in dict(settings.LANGUAGES) else "",
        guests=quote.guests,
        check_in=quote.check_in,
        check_out=quote.check_out,
        status=status,
        payment_method=payment_method,
        price_lines=quote.lines_as_dicts(),
        total=quote.total,
        cancellation_policy=service.cancellation_policy,
        message=(message or "")[:1000],
        hold_expires_at=now + hold if hold else None,
        confirmed_at=now if status == BookingStatus.CONFIRMED else None,
        created_at=now,
    )
    return booking


def _announce_new(booking: Booking, actor) -> None:
    name = {
        BookingStatus.REQUESTED: "tourism.booking.requested",
        BookingStatus.CONFIRMED: "tourism.booking.confirmed",
    }.get(booking.status, "tourism.booking.held")
    record_event(
        name,
        subject=booking,
        actor=actor,
        commune_id=booking.commune_id,
        payload={"reference": booking.reference, "total": booking.total, "service": booking.service_id},
    )


def book_stay(
    *,
    unit: Unit,
    check_in: date,
    check_out: date,
    guests: int,
    guest: GuestDetails,
    payment_method: str,
    user=None,
    message: str = "",
    now: datetime | None = None,
) -> Booking:
    """Take ``[check_in, check_out)`` in ``unit`` for ``guests``: a hold to pay, a request to the host, or
    (pay on arrival) a confirmed booking. Raises ``UNAVAILABLE`` when another booking got there first."""
    now = now or timezone.now()
    check_stay_dates(unit=unit, check_in=check_in, check_out=check_out, today=timezone.localdate(now))
    check_guests(guests, most=unit.capacity)
    check_guest(guest)
    try:
        with transaction.atomic():
            locked = Unit.objects.select_for_update().select_related("service__host").get(pk=unit.pk)
            service = locked.service
            check_bookable(service)
            if not locked.is_active or service.kind != ServiceKind.STAY:
                raise TourismError(TourismErrorCode.NOT_BOOKABLE, _("This room is not taking bookings."))
            check_payment_method(service, payment_method)
            clear_expired_holds_on(locked, now=now)
            check_still_free(locked, check_in=check_in, check_out=check_out, now=now)
            quote = quote_stay(unit=locked, check_in=check_in, check_out=check_out, guests=guests)
            booking = _create_booking(
                service=service, quote=quote, guest=guest, user=user, payment_method=payment_method,
                message=message, now=now, unit=locked,
            )  # fmt: skip
            with transaction.atomic():  # a savepoint: the exclusion constraint is the last word
                Occupancy.objects.create(
                    unit=locked,
                    starts_on=check_in,
                    ends_on=check_out,
                    booking=booking,
                    expires_at=booking.hold_expires_at,
                )
            _announce_new(booking, user)
    except IntegrityError as error:
        raise TourismError(
            TourismErrorCode.UNAVAILABLE, _("These dates are no longer available."), field="check_in"
        ) from error
    return booking


def book_slot(
    *,
    slot: Slot,
    guests: int,
    guest: GuestDetails,
    payment_method: str,
    user=None,
    message: str = "",
    now: datetime | None = None,
) -> Booking:
    """Take ``guests`` seats on a tour or experience departure, under the slot's lock."""
    now = now or timezone.now()
    check_guest(guest)
    check_guests(guests, most=slot.capacity)
    with transaction.atomic():
        locked = Slot.objects.select_for_update().select_related("service__host").get(pk=slot.pk)
        service = locked.service
        check_bookable(service)
        if locked.is_cancelled or locked.starts_at <= now:
            raise TourismError(TourismErrorCode.NOT_BOOKABLE, _("This departure is no longer open."))
        check_guests(guests, most=locked.capacity)
        if locked.seats_left < guests:
            raise TourismError(
                TourismErrorCode.SLOT_FULL,
                _("Only %(count)d seats are left on this departure.") % {"count": locked.seats_left},
                field="guests",
            )
        check_payment_method(service, payment_method)
        Slot.objects.filter(pk=locked.pk).update(seats_taken=F("seats_taken") + guests)
        booking = _create_booking(
            service=service, quote=quote_slot(slot=locked, guests=guests), guest=guest, user=user,
            payment_method=payment_method, message=message, now=now, slot=locked,
        )  # fmt: skip
        _announce_new(booking, user)
    return booking


def request_experience(
    *,
    service: Service,
    day: date,
    guests: int,
    guest: GuestDetails,
    payment_method: str,
    user=None,
    message: str = "",
    now: datetime | None = None,
) -> Booking:
    """Ask an on-request tour or experience for ``day``; the host accepts or declines in time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    check_guest(guest)
    if not isinstance(day, date) or day <= today:
        raise TourismError(
            TourismErrorCode.DATES_IN_THE_PAST, _("Choose a day from tomorrow on."), field="day"
        )
    if day > today + timedelta(days=MAXIMUM_DAYS_AHEAD):
        raise TourismError(
            TourismErrorCode.TOO_FAR_AHEAD, _("Bookings open two years ahead at most."), field="day"
        )
    with transaction.atomic():
        locked = Service.all_objects.select_for_update().select_related("host").get(pk=service.pk)
        check_bookable(locked)
        if (
            locked.kind == ServiceKind.STAY
            or locked.booking_mode != BookingMode.ON_REQUEST
            or not locked.price_per_person
        ):
            raise TourismError(TourismErrorCode.NOT_BOOKABLE, _("This is not booked on request."))
        check_guests(guests, most=locked.maximum_group)
        check_payment_method(locked, payment_method)
        booking = _create_booking(
            service=locked, quote=quote_on_request(service=locked, day=day, guests=guests), guest=guest,
            user=user, payment_method=payment_method, message=message, now=now,
        )  # fmt: skip
        _announce_new(booking, user)
    return booking


# --- giving them back ------------------------------------------------------------------------------------


def _release(booking: Booking) -> None:
    """Give back the nights or seats of a booking leaving the active states (caller holds its lock)."""
    if booking.unit_id:
        Occupancy.objects.filter(booking=booking).delete()
    elif booking.slot_id and booking.status in ACTIVE_BOOKING_STATUSES:
        Slot.objects.filter(pk=booking.slot_id).update(seats_taken=F("seats_taken") - booking.guests)


def lock_booking(booking_id: int) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("service__host", "slot", "unit")
        .get(pk=booking_id)
    )


def release_expired_holds(*, now: datetime | None = None) -> int:
    """Expire holds and unanswered requests whose time ran out, giving back nights and seats."""
    now = now or timezone.now()
    released = 0
    for booking_id in Booking.objects.expired_holds(now).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            booking = lock_booking(booking_id)
            if (
                booking.status not in (BookingStatus.HELD, BookingStatus.REQUESTED)
                or booking.hold_expires_at > now
            ):
                continue  # paid, answered or cancelled meanwhile
            _release(booking)
            _expire(booking, now=now)
            released += 1
    return released


def extend_hold(*, booking: Booking, until: datetime) -> None:
    """Keep a held booking while a card payment session is open (never shortens a hold)."""
    with transaction.atomic():
        locked = lock_booking(booking.pk)
        if locked.status != BookingStatus.HELD or (
            locked.hold_expires_at and locked.hold_expires_at >= until
        ):
            return
        locked.hold_expires_at = until
        locked.save(update_fields=["hold_expires_at"])
        Occupancy.objects.filter(booking=locked).update(expires_at=until)


def check_hold_alive(booking: Booking, *, now: datetime | None = None) -> None:
    """Refuse to start paying for a hold that ran out (or a booking not waiting for payment)."""
    now = now or timezone.now()
    if booking.status == BookingStatus.EXPIRED or (
        booking.status == BookingStatus.HELD and booking.hold_expires_at and booking.hold_expires_at <= now
    ):
        raise TourismError(
            TourismErrorCode.HOLD_EXPIRED, _("The time to pay for this booking ran out. Please book again.")
        )
    if booking.status != BookingStatus.HELD:
        raise TourismError(TourismErrorCode.ILLEGAL_TRANSITION, _("This booking is not waiting for payment."))


def mark_paid(*, booking_id: int, payment_reference: str, now: datetime | None = None) -> Booking:
    """Money arrived for a held booking: it is confirmed and its nights no longer expire."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking_id)
        if booking.status != BookingStatus.HELD:
            raise TourismError(
                TourismErrorCode.ILLEGAL_TRANSITION, _("This booking is not waiting for payment.")
            )
        booking.status = BookingStatus.CONFIRMED
        booking.paid_at = now
        booking.confirmed_at = now
        booking.hold_expires_at = None
        booking.save(update_fields=["status", "paid_at", "confirmed_at", "hold_expires_at"])
        Occupancy.objects.filter(booking=booking).update(expires_at=None)
        record_event(
            "tourism.booking.confirmed",
            subject=booking,
            commune_id=booking.commune_id,
            payload={"reference": booking.reference, "total": booking.total, "payment": payment_reference},
        )
    return booking


def awaits_answer(booking: Booking, *, now: datetime) -> bool:
    """Whether ``booking`` is a request the host can still accept or decline (its 24 hours not run out)."""
    return booking.status == BookingStatus.REQUESTED and not (
        booking.hold_expires_at and booking.hold_expires_at <= now
    )


def answer_request(
    *, booking: Booking, accept: bool, actor, reason: str = "", now: datetime | None = None
) -> Booking:
    """The host accepts (→ held to pay, or confirmed when paying on arrival) or declines a request."""
    now = now or timezone.now()
    acting_for_host(user=actor, host=booking.service.host)
    with transaction.atomic():
        booking = lock_booking(booking.pk)
        if booking.status != BookingStatus.REQUESTED:
            raise TourismError(
                TourismErrorCode.ILLEGAL_TRANSITION, _("This request has already been answered.")
            )
        if not awaits_answer(booking, now=now):
            raise TourismError(
                TourismErrorCode.HOLD_EXPIRED, _("This request expired before it was answered.")
            )
        if not accept:
            _release(booking)
            booking.status = BookingStatus.DECLINED
            booking.cancelled_at = now
            booking.cancelled_by = CancelledBy.HOST
            booking.cancellation_reason = (reason or "")[:300]
            booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason"])
            name = "tourism.booking.declined"
        elif booking.payment_method == BookingPayment.ON_ARRIVAL:
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
            booking.hold_expires_at = None
            booking.save(update_fields=["status", "confirmed_at", "hold_expires_at"])
            Occupancy.objects.filter(booking=booking).update(expires_at=None)
            name = "tourism.booking.confirmed"
        else:
            booking.status = BookingStatus.HELD
            booking.hold_expires_at = now + timedelta(hours=request_hours())
            booking.save(update_fields=["status", "hold_expires_at"])
            Occupancy.objects.filter(booking=booking).update(expires_at=booking.hold_expires_at)
            name = "tourism.booking.accepted"
        record_event(
            name,
            subject=booking,
            actor=actor,
            commune_id=booking.commune_id,
            payload={"reference": booking.reference},
        )
    return booking


def is_cancellable(booking: Booking, *, today: date) -> bool:
    """Whether ``booking`` can still be cancelled (by the guest or the host): it is active and, when
    confirmed, its stay has not ended yet. ``cancel_booking`` refuses the others."""
    if booking.status not in ACTIVE_BOOKING_STATUSES:
        return False
    return not (booking.status == BookingStatus.CONFIRMED and booking.check_out <= today)


def cancellation_preview(
    *, booking: Booking, by_host: bool = False, now: datetime | None = None
) -> RefundQuote:
    """What cancelling now would refund — shown before the guest confirms."""
    return refund_for(booking=booking, now=now, by_host=by_host)


def cancel_booking(
    *, booking: Booking, cancelled_by: str, actor=None, reason: str = "", now: datetime | None = None
) -> tuple[Booking, RefundQuote]:
    """Cancel an active booking under its policy (the host's cancellation refunds everything).

    Returns the booking and the refund decided; the money goes back through the payment provider after
    commit (``tourism.services.payments.refund_cancelled_booking``), outside this transaction.
    """
    now = now or timezone.now()
    if cancelled_by == CancelledBy.HOST and actor is not None:
        acting_for_host(user=actor, host=booking.service.host)
    with transaction.atomic():
        booking = lock_booking(booking.pk)
        if booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED, BookingStatus.EXPIRED):
            raise TourismError(TourismErrorCode.ALREADY_CANCELLED, _("This booking is already cancelled."))
        if not is_cancellable(booking, today=timezone.localdate(now)):
            raise TourismError(TourismErrorCode.ILLEGAL_TRANSITION, _("A finished stay cannot be cancelled."))
        refund = refund_for(booking=booking, now=now, by_host=cancelled_by == CancelledBy.HOST)
        _release(booking)
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = cancelled_by
        booking.cancellation_reason = (reason or "")[:300]
        booking.refund_amount = refund.amount
        booking.hold_expires_at = None
        booking.save(
            update_fields=[
                "status", "cancelled_at", "cancelled_by", "cancellation_reason", "refund_amount",
                "hold_expires_at",
            ]
        )  # fmt: skip
        record_event(
            "tourism.booking.cancelled",
            subject=booking,
            actor=actor,
            commune_id=booking.commune_id,
            payload={
                "reference": booking.reference,
                "by": cancelled_by,
                "refund": refund.amount,
                "percent": refund.percent,
                "nights": booking.nights if booking.unit_id else 0,
            },
        )
    if refund.amount:
        from .payments import refund_cancelled_booking

        transaction.on_commit(
            lambda: refund_cancelled_booking(booking=booking, amount=refund.amount, actor=actor)
        )
    return booking, refund


def complete_finished_bookings(*, now: datetime | None = None) -> int:
    """Confirmed bookings whose check-out day has come become completed (the review invitation follows)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done = 0
    ids = Booking.objects.filter(status=BookingStatus.CONFIRMED, check_out__lte=today).values_list(
        "pk", flat=True
    )
    for booking_id in ids[:500]:
        with transaction.atomic():
            booking = lock_booking(booking_id)
            if booking.status != BookingStatus.CONFIRMED:
                continue
            booking.status = BookingStatus.COMPLETED
            booking.completed_at = now
            booking.save(update_fields=["status", "completed_at"])
            record_event(
                "tourism.booking.completed",
                subject=booking,
                commune_id=booking.commune_id,
                payload={"reference": booking.reference, "nights": booking.nights if booking.unit_id else 0},
            )
            done += 1
    return done


def send_arrival_reminders(*, now: datetime | None = None) -> int:
    """Announce tomorrow's arrivals once (the email handler reminds the guest)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    sent = 0
    ids = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, check_in__lte=tomorrow, check_in__gte=timezone.localdate(now),
        reminder_sent_at__isnull=True,
    ).values_list("pk", flat=True)  # fmt: skip
    for booking_id in ids[:500]:
        with transaction.atomic():
            booking = lock_booking(booking_id)
            if booking.reminder_sent_at is not None or booking.status != BookingStatus.CONFIRMED:
                continue
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at"])
            record_event(
                "tourism.booking.reminder",
                subject=booking,
                commune_id=booking.commune_id,
                payload={"reference": booking.reference},
            )
            sent += 1
    return sent
