"""A guest's bookings through the API with a person's token: rooms, seats, the guest's own bookings
only, cancelling under the policy, refusals that change nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import Scope
from core.models import Event
from payments.models import Payment
from tests import factories
from tests.tourism.conftest import book, days_from_today, make_experience
from tests.tourism.conftest import experience as experience  # the fixture, for this module
from tests.tourism.conftest import guest_user as guest_user  # the fixture, for this module
from tests.tourism.conftest import host as host  # the fixture, for this module
from tests.tourism.conftest import host_owner as host_owner  # the fixture, for this module
from tests.tourism.conftest import room as room  # the fixture, for this module
from tests.tourism.conftest import stay as stay  # the fixture, for this module
from tourism.models import Booking, BookingMode, BookingStatus, Occupancy, Slot

BOOKINGS = "/api/v1/bookings/"


def _stay_body(unit, /, *, check_in, nights=2, guests=2, **overrides) -> dict:
    body = {
        "service": unit.service_id,
        "unit": unit.pk,
        "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=nights)).isoformat(),
        "guests": guests,
        "payment_method": "on_arrival",
        "guest_name": "Emma Walker",
        "guest_phone": "+447700900123",
        "guest_country": "GB",
    }
    body.update(overrides)
    return body


def _book(client, body):
    return client.post(BOOKINGS, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def _state() -> dict:
    """What a refused request must leave as it was."""
    return {
        "bookings": list(Booking.objects.order_by("id").values_list("id", "status", "refund_amount")),
        "occupancies": list(
            Occupancy.objects.order_by("id").values_list("id", "unit_id", "starts_on", "ends_on")
        ),
        "seats": dict(Slot.objects.values_list("id", "seats_taken")),
        "payments": Payment.objects.count(),
        "events": Event.objects.count(),
    }


@pytest.fixture
def guest_api(user_client, guest_user):
    return user_client(guest_user)


@pytest.fixture
def stranger_api(user_client, db):
    return user_client(factories.make_user("stranger@example.org"))


# --- booking ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_guest_books_a_room_paid_on_arrival_and_finds_it_in_their_bookings(
    guest_api, guest_user, stay, room
):
    # when an app books two nights in room 1 for its signed-in guest
    check_in = days_from_today(10)
    response = _book(guest_api, _stay_body(room, check_in=check_in))
    # then the booking is confirmed, the nights are taken, the guest is the account (its email by default)
    assert response.status_code == 201, response.content
    booking = Booking.objects.get()
    assert (booking.guest, booking.status, booking.guest_name, booking.guest_email) == (
        guest_user,
        BookingStatus.CONFIRMED,
        "Emma Walker",
        "emma@example.org",
    )
    assert booking.language == "en"
    assert list(Occupancy.objects.values_list("unit_id", "starts_on", "ends_on")) == [
        (room.pk, check_in, check_in + timedelta(days=2))
    ]
    body = response.json()
    assert body["payment_url"] is None
    answered = body["booking"]
    assert answered["reference"] == booking.reference
    assert (answered["status"], answered["total"], answered["currency"]) == ("confirmed", 800_000, "VND")
    assert answered["unit"] == {"id": room.pk, "name": "Room 1"}
    assert answered["service"] == {"id": stay.pk, "kind": "stay", "title": "Homestay Sùng A Páo"}
    assert answered["guest"] == {
        "name": "Emma Walker", "email": "emma@example.org", "phone": "+447700900123", "country": "GB",
    }  # fmt: skip
    assert answered["booking_url"] == f"http://testserver/en/stays/booking/{booking.access_token}/"
    assert answered["refund_if_cancelled_now"]["amount"] == 0  # nothing paid yet
    # and the guest reads it back, in the list and alone
    listed = guest_api.get(BOOKINGS)
    alone = guest_api.get(f"{BOOKINGS}{booking.reference}/")
    assert [item["reference"] for item in listed.json()["results"]] == [booking.reference]
    assert alone.status_code == 200 and alone.json()["price_lines"] == answered["price_lines"]


@pytest.mark.django_db
def test_a_bank_transfer_booking_is_held_with_the_vietqr_to_pay(guest_api, stay, room):
    response = _book(
        guest_api, _stay_body(room, check_in=days_from_today(10), payment_method="bank_transfer")
    )

    assert response.status_code == 201, response.content
    answered = response.json()["booking"]
    payment = Payment.objects.get()
    assert answered["status"] == "held" and answered["hold_expires_at"] is not None
    assert answered["payment"]["reference"] == payment.reference
    assert answered["payment"]["qr_payload"] == payment.qr_payload != ""
    assert answered["payment"]["amount"] == 800_000


@pytest.mark.django_db
def test_seats_on_a_departure_are_booked_and_a_full_departure_is_409_with_nothing_changed(
    guest_api, stranger_api, experience
):
    # given a departure with eight seats
    slot = experience.slots.order_by("starts_at").first()
    # when the guest takes six seats
    taken = _book(
        guest_api, {"service": experience.pk, "slot": slot.pk, "guests": 6, "payment_method": "on_arrival"}
    )
    before = _state()
    # and someone else asks for three
    refused = _book(
        stranger_api,
        {
            "service": experience.pk,
            "slot": slot.pk,
            "guests": 3,
            "payment_method": "on_arrival",
            "guest_name": "Lan",
        },
    )
    # then the first is booked and the second refused as a conflict, nothing written
    assert taken.status_code == 201, taken.content
    assert taken.json()["booking"]["slot"]["id"] == slot.pk
    assert taken.json()["booking"]["total"] == 6 * 250_000
    assert Slot.objects.get(pk=slot.pk).seats_taken == 6
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "slot_full"
    assert refused.json()["error"]["message"] == "Only 2 seats are left on this departure."
    assert _state() == before


@pytest.mark.django_db
def test_an_on_request_experience_is_asked_for_a_day_and_waits_for_the_host(guest_api, host):
    workshop = make_experience(
        host, "Làm bánh ngô", booking_mode=BookingMode.ON_REQUEST, price_per_person=300_000, maximum_group=6
    )
    day = days_from_today(6)

    without_day = _book(guest_api, {"service": workshop.pk, "guests": 2, "payment_method": "on_arrival"})
    asked = _book(
        guest_api,
        {"service": workshop.pk, "day": day.isoformat(), "guests": 2, "payment_method": "on_arrival",
         "guest_name": "Emma Walker"},
    )  # fmt: skip

    assert without_day.status_code == 400 and list(without_day.json()["error"]["fields"]) == ["day"]
    assert asked.status_code == 201, asked.content
    booking = asked.json()["booking"]
    assert (booking["status"], booking["slot"], booking["unit"], booking["check_in"]) == (
        "requested",
        None,
        None,
        day.isoformat(),
    )
    assert booking["total"] == 600_000 and booking["hold_expires_at"] is not None


@pytest.mark.django_db
def test_nights_already_taken_are_409_and_nothing_changes(guest_api, stay, room):
    check_in = days_from_today(10)
    book(room, check_in=check_in + timedelta(days=1), nights=2)
    before = _state()

    response = _book(guest_api, _stay_body(room, check_in=check_in, nights=2))

    assert response.status_code == 409
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("unavailable", "These dates are no longer available.")
    assert error["fields"] == {"check_in": ["These dates are no longer available."]}
    assert _state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"check_in_days": -2}, "check_in"),
        ({"nights": 0}, "check_out"),
        ({"guests": 3}, "guests"),  # room 1 takes two
        ({"payment_method": "card"}, "payment_method"),  # card payments are off
        ({"unit": 999999}, "unit"),
        ({"slot": 1}, "slot"),  # a stay has no departures
        ({"check_out": None}, "check_out"),
    ],
)
def test_impossible_bookings_are_400_on_the_field_at_fault_and_nothing_changes(
    guest_api, stay, room, overrides, field
):
    overrides = dict(overrides)
    check_in = days_from_today(overrides.pop("check_in_days", 10))
    body = _stay_body(room, check_in=check_in, nights=overrides.pop("nights", 2), **overrides)
    body = {name: value for name, value in body.items() if value is not None}
    before = _state()

    response = _book(guest_api, body)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert _state() == before


@pytest.mark.django_db
def test_an_unlisted_service_is_400_and_nothing_changes(guest_api, stay, room):
    type(stay).objects.filter(pk=stay.pk).update(status="pending")
    before = _state()

    response = _book(guest_api, _stay_body(room, check_in=days_from_today(10)))

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["service"]
    assert _state() == before


@pytest.mark.django_db
def test_a_partner_key_alone_cannot_book_and_without_credentials_it_is_401(client_for, client, stay, room):
    key_only = client_for(scopes=[Scope.TOURISM_READ, Scope.BOOKINGS_WRITE])
    before = _state()

    with_key = key_only.post(BOOKINGS, _stay_body(room, check_in=days_from_today(10)), format="json")
    anonymous = client.post(
        BOOKINGS, _stay_body(room, check_in=days_from_today(10)), content_type="application/json"
    )

    assert with_key.status_code == 403 and with_key.json()["error"]["code"] == "user_token_needed"
    assert anonymous.status_code == 401
    assert _state() == before


# --- reading and cancelling ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_someone_elses_booking_is_404_to_read_and_to_cancel_and_nothing_changes(
    guest_api, stranger_api, stay, room
):
    reference = _book(guest_api, _stay_body(room, check_in=days_from_today(10))).json()["booking"][
        "reference"
    ]
    before = _state()

    read = stranger_api.get(f"{BOOKINGS}{reference}/")
    cancel = stranger_api.post(f"{BOOKINGS}{reference}/cancel/", {}, format="json")
    listed = stranger_api.get(BOOKINGS)

    assert read.status_code == cancel.status_code == 404
    assert listed.json()["results"] == []
    assert _state() == before


@pytest.mark.django_db
def test_the_guest_cancels_under_the_policy_which_frees_the_nights_and_a_second_cancel_is_409(
    guest_api, stay, room
):
    reference = _book(guest_api, _stay_body(room, check_in=days_from_today(10))).json()["booking"][
        "reference"
    ]

    cancelled = guest_api.post(
        f"{BOOKINGS}{reference}/cancel/",
        {"reason": "Plans changed"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    before_again = _state()
    again = guest_api.post(f"{BOOKINGS}{reference}/cancel/", {}, format="json")

    assert cancelled.status_code == 200, cancelled.content
    body = cancelled.json()
    assert body["booking"]["status"] == "cancelled" and body["booking"]["cancelled_by"] == "guest"
    assert body["booking"]["refund_if_cancelled_now"] is None
    assert (body["refund"]["paid"], body["refund"]["amount"]) == (0, 0)
    assert body["refund"]["explanation"] == "Nothing has been paid, so nothing is refunded."
    booking = Booking.objects.get(reference=reference)
    assert (booking.status, booking.cancellation_reason) == (BookingStatus.CANCELLED, "Plans changed")
    assert not Occupancy.objects.exists()
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_cancelled"
    assert _state() == before_again


@pytest.mark.django_db
def test_the_bookings_list_runs_the_same_queries_for_1_and_50_bookings(guest_api, guest_user, stay, room):
    book(room, check_in=days_from_today(5), nights=1, user=guest_user)
    guest_api.get(f"{BOOKINGS}?limit=50")
    with CaptureQueriesContext(connection) as one:
        assert guest_api.get(f"{BOOKINGS}?limit=1", HTTP_IF_NONE_MATCH="x").status_code == 200
    for night in range(1, 50):
        book(room, check_in=days_from_today(5 + night), nights=1, user=guest_user)
    with CaptureQueriesContext(connection) as fifty:
        response = guest_api.get(f"{BOOKINGS}?limit=50", HTTP_IF_NONE_MATCH="x")
    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(one)
