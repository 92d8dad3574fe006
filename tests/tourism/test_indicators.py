"""The commune's computed tourism indicators, registered for ``village`` through ``core.registries``."""

from datetime import timedelta

from core.registries import indicators
from tourism.models import BookingPayment
from tourism.services import bookings

from .conftest import book, days_from_today


def compute(key, commune, starts_on, ends_on):
    return indicators.get(key).compute(commune.pk, starts_on, ends_on)


def test_guest_nights_bookings_and_cancellations_over_a_period(stay, site_tree):
    # given two confirmed stays (2 nights × 2 guests; 3 nights × 1 guest), one cancelled, one unpaid hold
    room, big_room = stay.units.order_by("id")
    book(room, check_in=days_from_today(10), nights=2, guests=2)
    book(big_room, check_in=days_from_today(10), nights=3, guests=1)
    cancelled = book(room, check_in=days_from_today(20), nights=1)
    bookings.cancel_booking(booking=cancelled, cancelled_by="guest")
    book(big_room, check_in=days_from_today(20), payment_method=BookingPayment.BANK_TRANSFER)
    commune = site_tree["a"]["commune"]
    period = (days_from_today(0), days_from_today(30))
    # then guest-nights count confirmed nights × guests, holds and cancellations do not
    assert compute("tourism.guest_nights", commune, *period) == 2 * 2 + 3 * 1
    assert compute("tourism.bookings", commune, *period) == 2
    assert compute("tourism.cancellation_rate", commune, *period) == round(100 / 3, 1)
    # and a period that cuts a stay counts only its nights inside
    assert compute("tourism.guest_nights", commune, days_from_today(11), days_from_today(12)) == 2 + 1
    assert (
        compute("tourism.cancellation_rate", commune, days_from_today(40), days_from_today(40) + timedelta(1))
        is None
    )
