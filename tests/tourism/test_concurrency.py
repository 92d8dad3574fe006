"""No double booking: 50 tourists race for the last free unit-night on PostgreSQL; exactly one wins.

The exclusion constraint is checked on its own too: an overlapping row written behind the service's
back is refused by the database.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from tests import factories
from tourism.exceptions import TourismError, TourismErrorCode
from tourism.models import Block, Booking, BookingPayment, Occupancy, Slot
from tourism.services import bookings

from .conftest import days_from_today, make_experience, make_host, make_stay

TOURISTS = 50


def race(callables) -> tuple[int, list[str], list[BaseException], float]:
    barrier = threading.Barrier(len(callables))
    successes, refusals, crashes = [], [], []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            with lock:
                successes.append(1)
        except TourismError as error:
            with lock:
                refusals.append(error.code)
        except BaseException as error:  # noqa: BLE001 - a crash must fail the test, not vanish in a thread
            with lock:
                crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in callables]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(successes), refusals, crashes, time.perf_counter() - started


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(10))
def test_fifty_tourists_race_for_the_last_free_night_and_exactly_one_wins(postgres, round_number):
    # given a one-room homestay whose every night but one (day 20) is booked around it
    tree = factories.load_site() or factories.build_site()
    owner = factories.make_user(f"host-{round_number}@example.org")
    host = make_host(owner, tree["a"]["commune"], f"Homestay {round_number}")
    room = make_stay(host, f"Nhà sàn {round_number}", rooms=((2, 400_000),)).units.get()
    bookings.book_stay(
        unit=room, check_in=days_from_today(18), check_out=days_from_today(20), guests=2,
        guest=bookings.GuestDetails(name="Early", email="early@example.org"),
        payment_method=BookingPayment.ON_ARRIVAL,
    )  # fmt: skip
    guests = [bookings.GuestDetails(name=f"Guest {n}", email=f"g{n}@example.org") for n in range(TOURISTS)]
    calls = [
        (lambda guest=guest: bookings.book_stay(
            unit=room, check_in=days_from_today(20), check_out=days_from_today(21), guests=1, guest=guest,
            payment_method=BookingPayment.BANK_TRANSFER,
        ))
        for guest in guests
    ]  # fmt: skip
    # when all 50 book the night of day 20 at once
    succeeded, refusals, crashes, seconds = race(calls)
    # then one holds it, 49 hear "no longer available", nothing crashed, and it took well under 2 s
    assert crashes == []
    assert succeeded == 1
    assert refusals == [TourismErrorCode.UNAVAILABLE] * (TOURISTS - 1)
    assert Booking.objects.filter(unit=room, check_in=days_from_today(20)).count() == 1
    assert Occupancy.objects.filter(unit=room).count() == 2
    assert seconds < 10, f"contention took {seconds:.2f} s"


@pytest.mark.django_db(transaction=True)
def test_fifty_tourists_race_for_the_last_seats_of_a_departure(postgres):
    tree = factories.load_site() or factories.build_site()
    host = make_host(factories.make_user("guide@example.org"), tree["a"]["commune"], "Guide")
    slot = make_experience(host, "Trek Tả Van", seats=5, departures=1).slots.get()
    calls = [
        (lambda n=n: bookings.book_slot(
            slot=slot, guests=1, guest=bookings.GuestDetails(name=f"G{n}", email=f"g{n}@example.org"),
            payment_method=BookingPayment.ON_ARRIVAL,
        ))
        for n in range(TOURISTS)
    ]  # fmt: skip
    succeeded, refusals, crashes, _seconds = race(calls)
    assert crashes == []
    assert succeeded == 5
    assert refusals == [TourismErrorCode.SLOT_FULL] * (TOURISTS - 5)
    assert Slot.objects.get(pk=slot.pk).seats_taken == 5


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlapping_nights_even_if_code_forgets_the_check(postgres):
    # given a closed range of nights
    tree = factories.load_site() or factories.build_site()
    host = make_host(factories.make_user("h@example.org"), tree["a"]["commune"], "Homestay")
    room = make_stay(host, "Nhà sàn").units.get()
    first = Block.objects.create(unit=room, starts_on=days_from_today(5), ends_on=days_from_today(8))
    Occupancy.objects.create(unit=room, starts_on=first.starts_on, ends_on=first.ends_on, block=first)
    second = Block.objects.create(unit=room, starts_on=days_from_today(7), ends_on=days_from_today(9))
    # when a raw overlapping occupancy is inserted, PostgreSQL refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.create(unit=room, starts_on=second.starts_on, ends_on=second.ends_on, block=second)
    # back-to-back is fine
    Occupancy.objects.create(
        unit=room, starts_on=days_from_today(8), ends_on=days_from_today(8) + timedelta(days=1), block=second
    )
    assert Occupancy.objects.filter(unit=room).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_more_seats_than_a_departure_has(postgres):
    from django.db.models import F

    tree = factories.load_site() or factories.build_site()
    host = make_host(factories.make_user("g2@example.org"), tree["a"]["commune"], "Guide")
    slot = make_experience(host, "Trek", seats=2, departures=1).slots.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(seats_taken=F("seats_taken") + 3)
    assert Slot.objects.get(pk=slot.pk).seats_taken == 0
