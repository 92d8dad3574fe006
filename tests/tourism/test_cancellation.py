"""Refunds by policy at the boundary times, with a frozen clock; the host's cancellation refunds all."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from tourism.cancellation import arrival, refund_for
from tourism.models import Booking, BookingStatus, CancellationPolicy, CancelledBy
from tourism.services import bookings, listings

from .conftest import book, days_from_today

SECOND = timedelta(seconds=1)


@pytest.fixture
def paid_booking(room):
    """A paid two-night stay 30 days ahead: 800,000 VND, check-in at 14:00 local time."""

    def make(policy):
        listings.update_service(
            service=room.service, actor=room.service.host.owner, cancellation_policy=policy
        )
        booking = book(room, check_in=days_from_today(30), nights=2)
        Booking.objects.filter(pk=booking.pk).update(paid_at=timezone.now())
        booking.refresh_from_db()
        return booking

    return make


@pytest.mark.parametrize(
    ("policy", "window", "percent"),
    [
        (CancellationPolicy.FLEXIBLE, timedelta(hours=24), 100),
        (CancellationPolicy.MODERATE, timedelta(days=5), 100),
        (CancellationPolicy.STRICT, timedelta(days=14), 50),
    ],
)
def test_each_policy_refunds_until_its_boundary_inclusive_and_nothing_after(
    paid_booking, policy, window, percent
):
    booking = paid_booking(policy)
    starts = arrival(booking)
    assert timezone.localtime(starts).time() == time(14, 0)
    deadline = starts - window
    with translation.override("en"):
        at = refund_for(booking=booking, now=deadline)
        before = refund_for(booking=booking, now=deadline - SECOND)
        after = refund_for(booking=booking, now=deadline + SECOND)
    # exactly at the boundary, and one second before: the policy's share; one second after: nothing
    assert (at.percent, at.amount) == (percent, 800_000 * percent // 100)
    assert (before.percent, before.amount) == (percent, 800_000 * percent // 100)
    assert (after.percent, after.amount) == (0, 0)
    # the explanation gives the share and the deadline in local time, or says the period is over
    until = timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")
    assert at.deadline == after.deadline == deadline
    assert at.explanation == f"Cancelling now refunds {percent}% (until {until})."
    assert after.explanation == f"The refund period ended on {until}: cancelling now refunds nothing."


@pytest.mark.parametrize("policy", list(CancellationPolicy))
def test_the_host_cancelling_refunds_everything_even_on_arrival_day(paid_booking, policy):
    booking = paid_booking(policy)
    quote = refund_for(booking=booking, now=arrival(booking) - timedelta(minutes=5), by_host=True)
    assert (quote.percent, quote.amount) == (100, 800_000)


def test_nothing_paid_means_nothing_refunded(room):
    booking = book(room, check_in=days_from_today(30))  # pay on arrival
    quote = refund_for(booking=booking, now=timezone.now())
    assert (quote.paid, quote.amount) == (0, 0)


def test_cancelling_with_a_frozen_clock_records_the_policy_refund(paid_booking):
    # given a strict booking, cancelled by the guest 15 days before arrival
    booking = paid_booking(CancellationPolicy.STRICT)
    moment = arrival(booking) - timedelta(days=15)
    with time_machine.travel(moment, tick=False):
        preview = bookings.cancellation_preview(booking=booking)
        cancelled, refund = bookings.cancel_booking(booking=booking, cancelled_by=CancelledBy.GUEST)
    # then the preview and the cancellation agree: half of 800,000
    assert preview.amount == refund.amount == 400_000
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.refund_amount == 400_000
    assert cancelled.cancelled_at == moment


def test_a_tour_departure_is_the_arrival_time(experience):
    slot = experience.slots.first()
    booking = bookings.book_slot(
        slot=slot, guests=2, guest=bookings.GuestDetails(name="Ana", email="ana@example.org"),
        payment_method="on_arrival",
    )  # fmt: skip
    assert arrival(booking) == slot.starts_at
    Booking.objects.filter(pk=booking.pk).update(paid_at=timezone.now())
    booking.refresh_from_db()
    # flexible: full refund until exactly 24 h before departure
    assert refund_for(booking=booking, now=slot.starts_at - timedelta(hours=24)).amount == booking.total
    assert refund_for(booking=booking, now=slot.starts_at - timedelta(hours=23, minutes=59)).amount == 0


def test_arrival_is_local_time_on_the_check_in_day(room):
    booking = book(room, check_in=days_from_today(9))
    expected = timezone.make_aware(datetime.combine(days_from_today(9), time(14, 0)))
    assert arrival(booking) == expected
    assert str(expected.tzinfo) == "Asia/Ho_Chi_Minh"
