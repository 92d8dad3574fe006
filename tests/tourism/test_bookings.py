"""Holds and bookings through the services: what is refused (with nothing written) and what is taken."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Event
from tourism import availability
from tourism.exceptions import TourismError, TourismErrorCode
from tourism.models import (
    Booking,
    BookingMode,
    BookingPayment,
    BookingStatus,
    Occupancy,
    Slot,
)
from tourism.services import bookings, listings

from .conftest import GUEST, book, days_from_today, make_stay


def refused(code, call):
    before = (
        Booking.objects.count(),
        Occupancy.objects.count(),
        Event.objects.filter(name__startswith="tourism.booking").count(),
    )
    with pytest.raises(TourismError) as error:
        call()
    assert error.value.code == code
    after = (
        Booking.objects.count(),
        Occupancy.objects.count(),
        Event.objects.filter(name__startswith="tourism.booking").count(),
    )
    assert after == before
    return error.value


@pytest.mark.parametrize(
    ("check_in_days", "nights", "guests", "code", "field"),
    [
        (10, 0, 2, TourismErrorCode.INVALID_DATES, "check_out"),
        (10, -2, 2, TourismErrorCode.INVALID_DATES, "check_out"),
        (-1, 2, 2, TourismErrorCode.DATES_IN_THE_PAST, "check_in"),
        (10, 61, 2, TourismErrorCode.TOO_MANY_NIGHTS, "check_out"),
        (800, 2, 2, TourismErrorCode.TOO_FAR_AHEAD, "check_in"),
        (10, 2, 3, TourismErrorCode.TOO_MANY_GUESTS, "guests"),
        (10, 2, 0, TourismErrorCode.INVALID_GUESTS, "guests"),
    ],
)
def test_impossible_requests_are_refused_with_the_field_at_fault(
    room, check_in_days, nights, guests, code, field
):
    # given a two-guest room; when a booking asks for something impossible
    error = refused(
        code, lambda: book(room, check_in=days_from_today(check_in_days), nights=nights, guests=guests)
    )
    # then the message names the field, and nothing was written (checked by ``refused``)
    assert error.field == field
    assert error.message


def test_sixty_nights_is_the_longest_stay(room):
    booking = book(room, check_in=days_from_today(5), nights=60)
    assert booking.nights == 60


def test_below_the_minimum_nights_is_refused(room, host_owner):
    listings.save_unit(service=room.service, unit=room, actor=host_owner, minimum_nights=3)
    error = refused(
        TourismErrorCode.BELOW_MINIMUM_NIGHTS, lambda: book(room, check_in=days_from_today(5), nights=2)
    )
    assert "3" in error.message


def test_a_closed_night_is_refused_as_closed(room, host_owner):
    listings.close_dates(
        unit=room, actor=host_owner, starts_on=days_from_today(6), ends_on=days_from_today(7)
    )
    error = refused(TourismErrorCode.CLOSED, lambda: book(room, check_in=days_from_today(5), nights=3))
    assert days_from_today(6).strftime("%d/%m/%Y") in error.message


def test_overlapping_nights_are_refused_but_back_to_back_stays_are_fine(room):
    book(room, check_in=days_from_today(10), nights=3)  # nights 10, 11, 12
    refused(TourismErrorCode.UNAVAILABLE, lambda: book(room, check_in=days_from_today(12), nights=2))
    refused(TourismErrorCode.UNAVAILABLE, lambda: book(room, check_in=days_from_today(8), nights=3))
    refused(TourismErrorCode.UNAVAILABLE, lambda: book(room, check_in=days_from_today(9), nights=6))
    before = book(room, check_in=days_from_today(8), nights=2)  # leaves on the 10th, as the next arrives
    after = book(room, check_in=days_from_today(13), nights=1)
    assert before.check_out == days_from_today(10) and after.check_in == days_from_today(13)


def test_an_unlisted_or_rejected_stay_takes_no_booking(room, stay):
    type(stay).objects.filter(pk=stay.pk).update(status="pending")
    refused(TourismErrorCode.NOT_BOOKABLE, lambda: book(room, check_in=days_from_today(5)))


def test_a_payment_method_the_host_does_not_offer_is_refused(room, stay, host_owner):
    listings.update_service(service=stay, actor=host_owner, accepts_pay_on_arrival=False)
    refused(TourismErrorCode.PAYMENT_METHOD_UNAVAILABLE, lambda: book(room, check_in=days_from_today(5)))


def test_a_hold_takes_the_nights_until_it_expires_then_anyone_may_book_them(room):
    # given a hold waiting for a bank transfer
    now = timezone.now()
    hold = book(room, check_in=days_from_today(5), payment_method=BookingPayment.BANK_TRANSFER, now=now)
    assert hold.status == BookingStatus.HELD
    assert hold.hold_expires_at == now + timedelta(minutes=15)
    # then the nights are taken while it lasts
    assert not availability.is_unit_free(
        room, check_in=days_from_today(5), check_out=days_from_today(7), now=now
    )
    refused(TourismErrorCode.UNAVAILABLE, lambda: book(room, check_in=days_from_today(6), nights=1, now=now))
    # when it expires, another guest gets the nights (the old hold is expired on the way)
    later = now + timedelta(minutes=16)
    assert availability.is_unit_free(
        room, check_in=days_from_today(5), check_out=days_from_today(7), now=later
    )
    other = book(room, check_in=days_from_today(5), now=later)
    hold.refresh_from_db()
    assert hold.status == BookingStatus.EXPIRED
    assert other.status == BookingStatus.CONFIRMED
    assert Event.objects.filter(name="tourism.booking.expired", subject_id=str(hold.pk)).count() == 1


def test_the_periodic_task_expires_holds_and_gives_seats_back(room, experience):
    now = timezone.now()
    hold = book(room, check_in=days_from_today(5), payment_method=BookingPayment.BANK_TRANSFER, now=now)
    slot = experience.slots.first()
    seat_hold = bookings.book_slot(
        slot=slot, guests=3, guest=GUEST, payment_method=BookingPayment.BANK_TRANSFER, now=now
    )
    assert Slot.objects.get(pk=slot.pk).seats_taken == 3
    assert bookings.release_expired_holds(now=now + timedelta(minutes=14)) == 0
    assert bookings.release_expired_holds(now=now + timedelta(minutes=15)) == 2
    for booking in (hold, seat_hold):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.EXPIRED
    assert Slot.objects.get(pk=slot.pk).seats_taken == 0
    assert not Occupancy.objects.filter(booking=hold).exists()


def test_paying_after_the_hold_expired_is_refused(room):
    now = timezone.now()
    hold = book(room, check_in=days_from_today(5), payment_method=BookingPayment.BANK_TRANSFER, now=now)
    Booking.objects.filter(pk=hold.pk).update(hold_expires_at=now - timedelta(seconds=1))
    hold.refresh_from_db()
    refused(TourismErrorCode.HOLD_EXPIRED, lambda: bookings.check_hold_alive(hold))
    hold.refresh_from_db()
    assert (hold.status, hold.paid_at) == (BookingStatus.HELD, None)


def test_slot_seats_are_taken_and_a_full_departure_refuses_with_the_seats_left(experience):
    slot = experience.slots.first()  # 8 seats
    bookings.book_slot(slot=slot, guests=6, guest=GUEST, payment_method=BookingPayment.ON_ARRIVAL)
    error = refused(
        TourismErrorCode.SLOT_FULL,
        lambda: bookings.book_slot(
            slot=slot, guests=3, guest=GUEST, payment_method=BookingPayment.ON_ARRIVAL
        ),
    )
    assert "2" in error.message
    bookings.book_slot(slot=slot, guests=2, guest=GUEST, payment_method=BookingPayment.ON_ARRIVAL)
    assert Slot.objects.get(pk=slot.pk).seats_taken == 8


def test_an_on_request_stay_waits_for_the_host_who_accepts_or_declines(host, host_owner):
    stay = make_stay(host, "Nhà sàn theo yêu cầu", booking_mode=BookingMode.ON_REQUEST)
    unit = stay.units.first()
    request = book(unit, check_in=days_from_today(20), payment_method=BookingPayment.BANK_TRANSFER)
    assert request.status == BookingStatus.REQUESTED
    # the request holds the nights while the host thinks
    refused(TourismErrorCode.UNAVAILABLE, lambda: book(unit, check_in=days_from_today(20)))
    accepted = bookings.answer_request(booking=request, accept=True, actor=host_owner)
    assert accepted.status == BookingStatus.HELD  # now the guest pays by transfer
    second = book(unit, check_in=days_from_today(30))
    declined = bookings.answer_request(booking=second, accept=False, actor=host_owner, reason="Nhà có việc")
    assert declined.status == BookingStatus.DECLINED
    assert availability.is_unit_free(unit, check_in=days_from_today(30), check_out=days_from_today(32))
    refused(
        TourismErrorCode.ILLEGAL_TRANSITION,
        lambda: bookings.answer_request(booking=declined, accept=True, actor=host_owner),
    )
    declined.refresh_from_db()
    assert declined.status == BookingStatus.DECLINED


def test_cancelling_twice_is_refused_and_changes_nothing(room):
    booking = book(room, check_in=days_from_today(10))
    bookings.cancel_booking(booking=booking, cancelled_by="guest")
    before = Booking.objects.filter(pk=booking.pk).values().get()
    refused(
        TourismErrorCode.ALREADY_CANCELLED,
        lambda: bookings.cancel_booking(booking=booking, cancelled_by="guest"),
    )
    assert Booking.objects.filter(pk=booking.pk).values().get() == before
    assert Event.objects.filter(name="tourism.booking.cancelled", subject_id=str(booking.pk)).count() == 1


def test_finished_stays_complete_and_tomorrows_guests_are_reminded_once(room):
    # given guests arriving tomorrow, the day after and in ten days
    now = timezone.now()
    tomorrow = book(room, check_in=days_from_today(1), nights=1, now=now)
    day_after = book(room, check_in=days_from_today(2), nights=1, now=now)
    later = book(room, check_in=days_from_today(10), nights=1, now=now)
    reminders = Event.objects.filter(name="tourism.booking.reminder")

    # when the reminders go out today, twice: only tomorrow's guest is reminded, once
    assert bookings.send_arrival_reminders(now=now) == 1
    assert bookings.send_arrival_reminders(now=now) == 0
    assert list(reminders.values_list("subject_id", flat=True)) == [str(tomorrow.pk)]
    sent_at = dict(Booking.objects.values_list("pk", "reminder_sent_at"))
    assert sent_at == {tomorrow.pk: now, day_after.pk: None, later.pk: None}

    # three days later both short stays are over; the later one is still ahead
    assert bookings.complete_finished_bookings(now=now + timedelta(days=3)) == 2
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        tomorrow.pk: BookingStatus.COMPLETED,
        day_after.pk: BookingStatus.COMPLETED,
        later.pk: BookingStatus.CONFIRMED,
    }

    # on the day before the later arrival, its guest is reminded, once
    assert bookings.send_arrival_reminders(now=now + timedelta(days=9)) == 1
    assert bookings.send_arrival_reminders(now=now + timedelta(days=9)) == 0
    assert sorted(reminders.values_list("subject_id", flat=True)) == sorted([str(tomorrow.pk), str(later.pk)])


def test_prices_follow_seasons_weekends_and_extra_guests(stay, host_owner):
    unit = stay.units.order_by("id").last()  # 4 guests, 650,000 a night, 2 included
    listings.save_unit(
        service=stay, unit=unit, actor=host_owner, weekend_nightly_price=800_000, extra_guest_price=100_000
    )
    friday = days_from_today(7)
    while friday.weekday() != 4:
        friday += timedelta(days=1)
    quote = bookings.quote_for_stay(
        unit=unit, check_in=friday - timedelta(days=1), check_out=friday + timedelta(days=3), guests=3
    )
    # Thursday 650, Friday + Saturday 800 each, Sunday 650, one extra guest × 4 nights × 100
    assert [line.amount for line in quote.lines] == [650_000, 1_600_000, 650_000, 400_000]
    assert quote.total == 3_300_000
    listings.add_seasonal_price(
        unit=unit, actor=host_owner, name="Tết", starts_on=friday, ends_on=friday, nightly_price=1_200_000
    )
    unit.refresh_from_db()
    quote = bookings.quote_for_stay(
        unit=unit, check_in=friday, check_out=friday + timedelta(days=1), guests=2
    )
    assert quote.total == 1_200_000
    assert "Tết" in quote.lines[0].label
