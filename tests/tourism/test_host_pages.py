"""The host area, ``/<lang>/my/stays/``: a homestay family or a guide on a phone, plain HTML forms only.

Requests go through the Django test client as the host's owner (or a digital team member in assisted
mode). Refused requests also check that nothing was written. Calendars are read from a local HTTP
server started by the test (no network).
"""

import threading
from datetime import date, timedelta
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import Role, User
from accounts.services import grant_consent
from core.models import Event
from core.net import describe_size
from tests import factories
from tourism.models import (
    Block,
    BlockSource,
    Booking,
    BookingMode,
    BookingPayment,
    BookingStatus,
    CalendarFeed,
    Host,
    ListingStatus,
    Occupancy,
    Review,
    SeasonalPrice,
    Service,
    ServiceKind,
    Slot,
    Unit,
)
from tourism.services import bookings, listings, reviews
from tourism.services import payments as booking_payments

from .conftest import GUEST, book, days_from_today, make_experience, make_stay

# --- helpers -----------------------------------------------------------------------------------------


def url(name: str, language: str = "vi", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"host:{name}", kwargs=kwargs)


def message(text: str, language: str = "vi", **params) -> str:
    """A message as the page shows it: translated and HTML-escaped."""
    with translation.override(language):
        translated = translation.gettext(text)
        rendered = translated % params if params else translated
    return escape(rendered)


def row(instance) -> dict:
    return type(instance).objects.filter(pk=instance.pk).values().get()


def airbnb_calendar(*events: tuple[str, date, date]) -> bytes:
    """An Airbnb-shaped export (like ``fixtures/airbnb.ics``) with the given (uid, first night, end)."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID;X-RICAL-TZSOURCE=TZINFO:-//Airbnb Inc//Hosting Calendar 1.0//EN",
        "CALSCALE:GREGORIAN",
        "VERSION:2.0",
    ]
    for uid, first, end in events:
        lines += [
            "BEGIN:VEVENT",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"UID:{uid}",
            "SUMMARY:Reserved",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


class CalendarServer:
    """A local ``http.server`` serving one ``.ics`` body (changed by the test between reads)."""

    def __init__(self):
        self.body = b""
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/calendar/ical/123.ics"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def calendar_server():
    with CalendarServer() as server:
        yield server


@pytest.fixture
def owner_client(client, host_owner):
    User.objects.filter(pk=host_owner.pk).update(first_name="Páo", last_name="Sùng A")
    client.force_login(host_owner)
    return client


@pytest.fixture
def helper(site_tree):
    """A member of commune A's community digital technology team."""
    user = factories.make_member("team-a@example.org", site_tree["a"]["commune"], Role.DIGITAL_TEAM)
    User.objects.filter(pk=user.pk).update(first_name="Lan", last_name="Lò Thị")
    return User.objects.get(pk=user.pk)


@pytest.fixture
def on_request_stay(host):
    return make_stay(host, "Nhà sàn Mây", booking_mode=BookingMode.ON_REQUEST)


def room_data(**overrides) -> dict:
    return {
        "name_vi": "Phòng gác mái",
        "name_en": "Attic room",
        "capacity": "3",
        "included_guests": "2",
        "nightly_price": "450.000",
        "weekend_nightly_price": "550000",
        "extra_guest_price": "100000",
        "minimum_nights": "1",
        "is_active": "on",
        **overrides,
    }


# --- who may see what --------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client, host, room):
    for target in (
        url("index"),
        url("dashboard", host_id=host.pk),
        url("unit_calendar", host_id=host.pk, unit_id=room.pk),
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_host_cannot_open_or_change_another_hosts_pages_or_bookings(owner_client, host, stay, other_host):
    # given the other host's stay, a booking there, a closure, a feed and a season
    other_stay = make_stay(other_host, "Nhà nghỉ Lan")
    other_room = other_stay.units.get()
    booking = book(other_room, check_in=days_from_today(10))
    closure = listings.close_dates(
        unit=other_room, actor=other_host.owner, starts_on=days_from_today(20), ends_on=days_from_today(22)
    )
    season = listings.add_seasonal_price(
        unit=other_room, actor=other_host.owner, name="Tết", starts_on=days_from_today(40),
        ends_on=days_from_today(45), nightly_price=900_000,
    )  # fmt: skip
    feed = CalendarFeed.objects.create(unit=other_room, name="Airbnb", url="https://example.org/a.ics")
    snapshot = (
        row(booking), row(other_room), row(other_stay), row(other_host), Block.objects.count(),
        SeasonalPrice.objects.count(), CalendarFeed.objects.count(), Event.objects.count(),
    )  # fmt: skip
    mine, theirs = host.pk, other_host.pk
    attempts_get = [
        url("dashboard", host_id=theirs),
        url("profile", host_id=theirs),
        url("bookings", host_id=theirs),
        url("reviews", host_id=theirs),
        url("service_new", host_id=theirs),
        url("service_edit", host_id=theirs, service_id=other_stay.pk),
        url("service_edit", host_id=mine, service_id=other_stay.pk),
        url("unit_edit", host_id=mine, service_id=stay.pk, unit_id=other_room.pk),
        url("unit_edit", host_id=mine, service_id=other_stay.pk, unit_id=other_room.pk),
        url("unit_calendar", host_id=mine, unit_id=other_room.pk),
        url("unit_calendar", host_id=theirs, unit_id=other_room.pk),
        url("calendars", host_id=mine, unit_id=other_room.pk),
        url("booking_detail", host_id=mine, reference=booking.reference),
        url("booking_detail", host_id=theirs, reference=booking.reference),
        url("booking_cancel", host_id=mine, reference=booking.reference),
    ]
    attempts_post = [
        (url("profile", host_id=theirs), {"name": "Taken over"}),
        (url("service_edit", host_id=mine, service_id=other_stay.pk), {"title_vi": "x"}),
        (url("unit_edit", host_id=mine, service_id=other_stay.pk, unit_id=other_room.pk), room_data()),
        (url("close_dates", host_id=mine, unit_id=other_room.pk), {"starts_on": days_from_today(30)}),
        (url("reopen_dates", host_id=mine, unit_id=other_room.pk, block_id=closure.pk), {}),
        (
            url(
                "season_remove",
                host_id=mine,
                service_id=other_stay.pk,
                unit_id=other_room.pk,
                season_id=season.pk,
            ),
            {},
        ),
        (url("calendar_address", host_id=mine, unit_id=other_room.pk), {}),
        (url("feed_remove", host_id=mine, unit_id=other_room.pk, feed_id=feed.pk), {}),
        (url("booking_action", host_id=mine, reference=booking.reference, action="decline"), {}),
        (url("booking_cancel", host_id=mine, reference=booking.reference), {"reason": "x"}),
        (url("booking_cancel", host_id=theirs, reference=booking.reference), {"reason": "x"}),
    ]
    # then every one is "not found", and nothing changed
    for target in attempts_get:
        assert owner_client.get(target).status_code == 404, target
    for target, data in attempts_post:
        assert owner_client.post(target, data).status_code == 404, target
    assert other_host.name not in owner_client.get(url("index")).content.decode()
    assert snapshot == (
        row(booking), row(other_room), row(other_stay), row(other_host), Block.objects.count(),
        SeasonalPrice.objects.count(), CalendarFeed.objects.count(), Event.objects.count(),
    )  # fmt: skip


# --- becoming a host, listings and rooms ---------------------------------------------------------------


def test_a_villager_becomes_a_host_and_waits_for_approval(client, site_tree):
    # given a villager registered as a host of commune A, with no host profile yet
    commune = site_tree["a"]["commune"]
    villager = factories.make_member("mai@example.org", commune, Role.HOST)
    client.force_login(villager)
    page = client.get(url("index"))
    assert page.status_code == 200
    assert 'action="{}"'.format(url("create")) in page.content.decode()
    # when they send the form
    response = client.post(
        url("create"),
        {
            "name": "Homestay Mai",
            "commune": commune.pk,
            "village": site_tree["a"]["village"].pk,
            "about_vi": "Nhà sàn gỗ, bữa tối gia đình.",
            "contact_phone": "0912 345 678",
            "bank_bin": "970405",
            "bank_account_number": "1234 5678 90",
            "bank_account_name": "sung thi mai",
        },
    )
    # then a host waiting for approval exists, with what they typed
    host = Host.objects.get(owner=villager)
    assert response.status_code == 302
    assert response["Location"] == url("dashboard", host_id=host.pk)
    assert (host.name, host.commune_id, host.village_id, host.status) == (
        "Homestay Mai", commune.pk, site_tree["a"]["village"].pk, ListingStatus.PENDING,
    )  # fmt: skip
    assert (host.contact_phone, host.bank_account_number, host.bank_account_name) == (
        "+84912345678", "1234567890", "SUNG THI MAI",
    )  # fmt: skip
    dashboard = client.get(response["Location"]).content.decode()
    assert host.get_status_display() in dashboard


def test_a_half_given_bank_account_or_a_stranger_commune_is_refused(client, site_tree):
    villager = factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.HOST)
    client.force_login(villager)
    events_before = Event.objects.count()
    data = {"name": "Homestay Mai", "commune": site_tree["a"]["commune"].pk, "bank_bin": "970405"}
    response = client.post(url("create"), data)
    assert response.status_code == 400
    assert message("Fill in the bank, the account number and the account name.") in response.content.decode()
    response = client.post(url("create"), {**data, "bank_bin": "", "commune": site_tree["b"]["commune"].pk})
    assert response.status_code == 400
    assert not Host.objects.filter(owner=villager).exists()
    assert Event.objects.count() == events_before


def test_a_user_who_is_not_a_host_member_cannot_create_one(client, guest_user):
    client.force_login(guest_user)
    page = client.get(url("index"))
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()
    assert client.post(url("create"), {"name": "Mine"}).status_code == 403
    assert not Host.objects.filter(owner=guest_user).exists()


def test_the_host_edits_the_profile(owner_client, host, site_tree):
    profile_url = url("profile", host_id=host.pk)
    assert owner_client.get(profile_url).status_code == 200
    data = {
        "name": "Homestay Páo & Mai", "village": site_tree["a"]["village"].pk,
        "about_en": "Wooden stilt house.", "contact_phone": "+84 912 000 111",
        "bank_bin": "", "bank_account_number": "", "bank_account_name": "",
    }  # fmt: skip
    response = owner_client.post(profile_url, data)
    assert response.status_code == 302
    host.refresh_from_db()
    assert (host.name, host.village_id, host.contact_phone, host.accepts_bank_transfer) == (
        "Homestay Páo & Mai", site_tree["a"]["village"].pk, "+84912000111", False,
    )  # fmt: skip
    # a phone that is not Vietnamese is refused, nothing changes
    before = row(host)
    response = owner_client.post(profile_url, {**data, "contact_phone": "12"})
    assert response.status_code == 400
    assert row(host) == before


def test_a_host_creates_a_stay_and_a_room_through_the_forms(owner_client, host):
    # when the host sends a new stay
    response = owner_client.post(
        url("service_new", host_id=host.pk),
        {
            "kind": "stay", "title_vi": "Nhà sàn bên suối", "title_en": "Stilt house by the stream",
            "description_vi": "Ba phòng, bữa tối gia đình.", "booking_mode": "instant",
            "cancellation_policy": "flexible", "accepts_pay_on_arrival": "on", "check_in_time": "13:00",
            "check_out_time": "10:30", "amenities": ["wifi", "hot_water", "dinner"], "maximum_group": "10",
        },
    )  # fmt: skip
    # then it exists, waiting for approval, and the host goes on to its rooms
    service = Service.objects.get(host=host, title_vi="Nhà sàn bên suối")
    assert response.status_code == 302
    assert response["Location"] == url("service_edit", host_id=host.pk, service_id=service.pk)
    assert (service.kind, service.status, service.cancellation_policy, service.accepts_pay_on_arrival) == (
        ServiceKind.STAY, ListingStatus.PENDING, "flexible", True,
    )  # fmt: skip
    assert service.amenities == ["wifi", "hot_water", "dinner"]
    assert (service.check_in_time.hour, service.check_out_time.minute) == (13, 30)
    # when they add a room with prices written the Vietnamese way
    response = owner_client.post(url("unit_new", host_id=host.pk, service_id=service.pk), room_data())
    unit = Unit.objects.get(service=service)
    assert response.status_code == 302
    assert response["Location"] == url("unit_edit", host_id=host.pk, service_id=service.pk, unit_id=unit.pk)
    assert (unit.name_vi, unit.capacity, unit.included_guests, unit.nightly_price) == (
        "Phòng gác mái", 3, 2, 450_000,
    )  # fmt: skip
    assert (unit.weekend_nightly_price, unit.extra_guest_price, unit.is_active) == (550_000, 100_000, True)
    # and the dashboard lists the pending stay with its room
    dashboard = owner_client.get(url("dashboard", host_id=host.pk)).content.decode()
    assert "Nhà sàn bên suối" in dashboard
    assert url("unit_calendar", host_id=host.pk, unit_id=unit.pk) in dashboard


def test_a_tour_needs_a_meeting_point_and_nothing_is_written_without_it(owner_client, host):
    before = Service.objects.count()
    response = owner_client.post(
        url("service_new", host_id=host.pk),
        {
            "kind": "tour",
            "title_vi": "Leo Fansipan",
            "booking_mode": "instant",
            "cancellation_policy": "strict",
        },
    )
    assert response.status_code == 400
    assert message("Say where guests meet you.") in response.content.decode()
    assert Service.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"nightly_price": "-5000"}, "nightly_price", "The amount cannot be negative."),
        (
            {"nightly_price": "1500.5"},
            "nightly_price",
            "Đồng have no decimals: write a whole number, for example 350000.",
        ),
        ({"capacity": "0"}, "capacity", None),
        (
            {"capacity": "2", "included_guests": "3"},
            "included_guests",
            "Included guests cannot exceed the room's capacity.",
        ),
    ],
)
def test_impossible_room_values_are_refused_with_a_field_message(
    owner_client, host, stay, overrides, field, text
):
    units_before = list(Unit.objects.values())
    response = owner_client.post(url("unit_new", host_id=host.pk, service_id=stay.pk), room_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in html
    if text:
        assert message(text) in html
    assert list(Unit.objects.values()) == units_before


def test_editing_a_room_and_adding_and_removing_seasonal_prices(owner_client, host, stay, room):
    edit_url = url("unit_edit", host_id=host.pk, service_id=stay.pk, unit_id=room.pk)
    response = owner_client.post(edit_url, room_data(name_vi="Phòng 1", weekend_nightly_price="600000"))
    assert response.status_code == 302
    room.refresh_from_db()
    assert (room.nightly_price, room.weekend_nightly_price) == (450_000, 600_000)
    # a season
    add_url = url("season_add", host_id=host.pk, service_id=stay.pk, unit_id=room.pk)
    season = {
        "season-name": "Mùa lúa chín", "season-starts_on": days_from_today(60).isoformat(),
        "season-ends_on": days_from_today(70).isoformat(), "season-nightly_price": "700000",
    }  # fmt: skip
    assert owner_client.post(add_url, season).status_code == 302
    saved = SeasonalPrice.objects.get(unit=room)
    assert (saved.name, saved.nightly_price) == ("Mùa lúa chín", 700_000)
    # an overlapping season is refused, with nothing written
    overlapping = {**season, "season-name": "Tết", "season-starts_on": days_from_today(65).isoformat(),
                   "season-ends_on": days_from_today(75).isoformat()}  # fmt: skip
    before = (row(saved), Event.objects.count())
    response = owner_client.post(add_url, overlapping)
    assert response.status_code == 400
    assert message("This season overlaps another one of this room.") in response.content.decode()
    assert SeasonalPrice.objects.filter(unit=room).count() == 1
    assert (row(saved), Event.objects.count()) == before
    # removing it
    remove_url = url(
        "season_remove", host_id=host.pk, service_id=stay.pk, unit_id=room.pk, season_id=saved.pk
    )
    assert owner_client.post(remove_url).status_code == 302
    assert not SeasonalPrice.objects.filter(unit=room).exists()


def test_departures_are_added_and_listed_with_seats_taken(owner_client, host, experience):
    slot = experience.slots.order_by("starts_at").first()
    bookings.book_slot(slot=slot, guests=3, guest=GUEST, payment_method=BookingPayment.ON_ARRIVAL)
    page_url = url("slots", host_id=host.pk, service_id=experience.pk)
    html = owner_client.get(page_url).content.decode()
    assert message("%(taken)s of %(capacity)s", taken=3, capacity=8) in html
    day = days_from_today(20)
    response = owner_client.post(
        page_url,
        {"day": day.isoformat(), "starts_at": "08:30", "capacity": "6", "price_per_person": "300.000"},
    )
    assert response.status_code == 302
    added = Slot.objects.get(service=experience, starts_at__date=day)
    assert (timezone.localtime(added.starts_at).hour, added.capacity, added.price_per_person) == (
        8,
        6,
        300_000,
    )
    # a departure in the past is refused
    count = (Slot.objects.count(), Event.objects.count())
    response = owner_client.post(
        page_url,
        {
            "day": days_from_today(-1).isoformat(),
            "starts_at": "08:30",
            "capacity": "6",
            "price_per_person": "1",
        },
    )
    assert response.status_code == 400
    assert message("A departure must be in the future.") in response.content.decode()
    assert (Slot.objects.count(), Event.objects.count()) == count


# --- the month calendar ------------------------------------------------------------------------------


def test_the_calendar_shows_a_booked_night_with_its_reference_and_a_closed_night(owner_client, host, room):
    booking = book(room, check_in=days_from_today(3), nights=2)
    listings.close_dates(
        unit=room, actor=host.owner, starts_on=days_from_today(6), ends_on=days_from_today(7), note="Đám cưới"
    )
    month = days_from_today(3).strftime("%Y-%m")
    response = owner_client.get(url("unit_calendar", host_id=host.pk, unit_id=room.pk) + f"?month={month}")
    html = response.content.decode()
    assert response.status_code == 200
    assert booking.reference in html
    assert url("booking_detail", host_id=host.pk, reference=booking.reference) in html
    assert "Emma Walker" in html
    assert message("Booked") in html
    assert message("Closed by you") in html
    assert "Đám cưới" in html
    assert message("Free") in html
    assert "?month=" in html  # previous / next month links
    # a month the booking is not in does not show it
    later = (days_from_today(3).replace(day=1) + timedelta(days=100)).strftime("%Y-%m")
    html = owner_client.get(
        url("unit_calendar", host_id=host.pk, unit_id=room.pk) + f"?month={later}"
    ).content
    assert booking.reference not in html.decode()


def test_closing_booked_nights_is_refused_and_nothing_is_written(owner_client, host, room):
    book(room, check_in=days_from_today(5), nights=3)
    before = (Block.objects.count(), Occupancy.objects.count(), Event.objects.count())
    response = owner_client.post(
        url("close_dates", host_id=host.pk, unit_id=room.pk),
        {"starts_on": days_from_today(6).isoformat(), "ends_on": days_from_today(9).isoformat()},
    )
    assert response.status_code == 400
    assert message("Some of these nights are booked or already closed; cancel those first.") in (
        response.content.decode()
    )
    assert (Block.objects.count(), Occupancy.objects.count(), Event.objects.count()) == before


def test_closing_and_reopening_free_nights(owner_client, host, room):
    response = owner_client.post(
        url("close_dates", host_id=host.pk, unit_id=room.pk),
        {
            "starts_on": days_from_today(10).isoformat(),
            "ends_on": days_from_today(12).isoformat(),
            "note": "Sửa nhà",
        },
    )
    block = Block.objects.get(unit=room, source=BlockSource.HOST)
    assert response.status_code == 302
    assert (block.starts_on, block.ends_on, block.summary) == (
        days_from_today(10),
        days_from_today(12),
        "Sửa nhà",
    )
    page = owner_client.get(url("unit_calendar", host_id=host.pk, unit_id=room.pk)).content.decode()
    assert url("reopen_dates", host_id=host.pk, unit_id=room.pk, block_id=block.pk) in page
    # reopening
    response = owner_client.post(url("reopen_dates", host_id=host.pk, unit_id=room.pk, block_id=block.pk))
    assert response.status_code == 302
    assert not Block.objects.filter(pk=block.pk).exists()
    assert not Occupancy.objects.filter(unit=room).exists()


def test_closing_with_the_reopening_day_first_is_refused(owner_client, host, room):
    events_before = Event.objects.count()
    response = owner_client.post(
        url("close_dates", host_id=host.pk, unit_id=room.pk),
        {"starts_on": days_from_today(10).isoformat(), "ends_on": days_from_today(9).isoformat()},
    )
    assert response.status_code == 400
    assert message("The reopening day must be after the first closed night.") in response.content.decode()
    assert not Block.objects.filter(unit=room).exists()
    assert Event.objects.count() == events_before


# --- bookings ----------------------------------------------------------------------------------------


def test_the_host_accepts_a_request_with_a_post_button(owner_client, host, on_request_stay):
    unit = on_request_stay.units.get()
    booking = book(unit, check_in=days_from_today(8))
    assert booking.status == BookingStatus.REQUESTED
    dashboard = owner_client.get(url("dashboard", host_id=host.pk)).content.decode()
    assert booking.reference in dashboard
    requests_page = owner_client.get(url("bookings", host_id=host.pk) + "?show=requests").content.decode()
    assert booking.reference in requests_page
    response = owner_client.post(
        url("booking_action", host_id=host.pk, reference=booking.reference, action="accept")
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # paying on arrival
    # answering twice is refused with the service's message, and nothing changes
    before = (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count())
    response = owner_client.post(
        url("booking_action", host_id=host.pk, reference=booking.reference, action="decline")
    )
    assert response.status_code == 409
    assert message("This request has already been answered.") in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count()) == before


def test_declining_a_request_gives_the_nights_back(owner_client, host, on_request_stay):
    unit = on_request_stay.units.get()
    booking = book(unit, check_in=days_from_today(8))
    assert Occupancy.objects.filter(booking=booking).exists()
    response = owner_client.post(
        url("booking_action", host_id=host.pk, reference=booking.reference, action="decline"),
        {"decline-reason": "Gia đình có việc"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == (BookingStatus.DECLINED, "Gia đình có việc")
    assert not Occupancy.objects.filter(unit=unit).exists()
    assert bookings.availability.is_unit_free(
        unit, check_in=days_from_today(8), check_out=days_from_today(10)
    )


def test_the_host_confirms_a_transfer_then_cancels_with_a_full_refund(owner_client, host, room):
    # given a booking paid by bank transfer into the host's own account
    booking = book(room, check_in=days_from_today(2), payment_method=BookingPayment.BANK_TRANSFER)
    booking_payments.start_booking_payment(booking=booking, success_url="/ok/", cancel_url="/no/")
    detail_url = url("booking_detail", host_id=host.pk, reference=booking.reference)
    assert message("The transfer has arrived") in owner_client.get(detail_url).content.decode()
    # when the host confirms that the money arrived
    response = owner_client.post(
        url("booking_action", host_id=host.pk, reference=booking.reference, action="paid")
    )
    booking.refresh_from_db()
    assert response.status_code == 302
    assert (booking.status, booking.paid_at is not None) == (BookingStatus.CONFIRMED, True)
    # then the cancel step shows the full refund before anything happens
    cancel_url = url("booking_cancel", host_id=host.pk, reference=booking.reference)
    page = owner_client.get(cancel_url)
    assert page.status_code == 200
    full_refund = message(
        "The guest paid %(paid)s and gets back %(amount)s.", paid="800.000 ₫", amount="800.000 ₫"
    )  # two nights at 400.000 ₫
    assert full_refund in page.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    # a reason is needed: nothing is cancelled, freed or refunded without one
    before = (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count())
    assert owner_client.post(cancel_url, {"reason": ""}).status_code == 400
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count()) == before
    # when the host cancels
    response = owner_client.post(cancel_url, {"reason": "Nhà bị hỏng mái"})
    booking.refresh_from_db()
    assert response.status_code == 302
    assert (booking.status, booking.cancelled_by, booking.refund_amount) == (
        BookingStatus.CANCELLED, "host", booking.total,
    )  # fmt: skip
    assert not Occupancy.objects.filter(booking=booking).exists()


def test_a_transfer_cannot_be_confirmed_for_a_booking_paid_on_arrival(owner_client, host, room):
    booking = book(room, check_in=days_from_today(4))
    before = (row(booking), Event.objects.count())
    response = owner_client.post(
        url("booking_action", host_id=host.pk, reference=booking.reference, action="paid")
    )
    assert response.status_code == 409
    assert message("This booking is not waiting for a bank transfer.") in response.content.decode()
    assert (row(booking), Event.objects.count()) == before


def test_a_transfer_the_guest_has_not_started_is_not_offered_for_confirmation(owner_client, host, room):
    # given a booking to pay by bank transfer whose guest has not opened the transfer yet (no payment)
    booking = book(room, check_in=days_from_today(4), payment_method=BookingPayment.BANK_TRANSFER)
    assert booking.status == BookingStatus.HELD
    paid_url = url("booking_action", host_id=host.pk, reference=booking.reference, action="paid")
    # then the booking page has no "the transfer has arrived" button, and the POST is refused
    detail = owner_client.get(url("booking_detail", host_id=host.pk, reference=booking.reference))
    assert paid_url not in detail.content.decode()
    before = (row(booking), Event.objects.count())
    response = owner_client.post(paid_url)
    assert response.status_code == 409
    assert message("This booking is not waiting for a bank transfer.") in response.content.decode()
    assert (row(booking), Event.objects.count()) == before


def test_an_expired_request_is_not_offered_for_an_answer_and_cannot_be_accepted(
    owner_client, host, on_request_stay
):
    # given a request whose 24 hours ran out, not yet swept by the periodic task
    booking = book(
        on_request_stay.units.get(), check_in=days_from_today(8), now=timezone.now() - timedelta(days=2)
    )
    assert booking.status == BookingStatus.REQUESTED
    assert booking.hold_expires_at < timezone.now()
    accept_url = url("booking_action", host_id=host.pk, reference=booking.reference, action="accept")
    # then the booking page has no accept button, and accepting is refused with nothing changed
    detail = owner_client.get(url("booking_detail", host_id=host.pk, reference=booking.reference))
    assert accept_url not in detail.content.decode()
    before = (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count())
    response = owner_client.post(accept_url)
    assert response.status_code == 400
    assert message("This request expired before it was answered.") in response.content.decode()
    assert (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count()) == before


def test_a_stay_that_has_ended_cannot_be_cancelled_by_the_host(owner_client, host, room):
    # given a stay that ended yesterday, not yet marked completed by the periodic task
    booking = book(room, check_in=days_from_today(-3), nights=2, now=timezone.now() - timedelta(days=5))
    assert booking.status == BookingStatus.CONFIRMED
    detail_url = url("booking_detail", host_id=host.pk, reference=booking.reference)
    cancel_url = url("booking_cancel", host_id=host.pk, reference=booking.reference)
    # then its page offers no cancellation
    detail = owner_client.get(detail_url).content.decode()
    assert cancel_url not in detail
    assert message("Nothing more to do for this booking.") in detail
    # and the cancel step sends the host back, for GET and POST alike, with nothing changed
    before = (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count())
    for response in (owner_client.get(cancel_url), owner_client.post(cancel_url, {"reason": "Nhầm ngày"})):
        assert response.status_code == 302
        assert response["Location"] == detail_url
    assert (
        message("This booking cannot be cancelled any more.") in owner_client.get(detail_url).content.decode()
    )
    assert (row(booking), Occupancy.objects.filter(booking=booking).count(), Event.objects.count()) == before


def test_the_booking_filters_list_the_right_bookings(owner_client, host, room, stay):
    upcoming = book(room, check_in=days_from_today(3))
    cancelled = book(room, check_in=days_from_today(20))
    bookings.cancel_booking(booking=cancelled, cancelled_by="guest")
    pages = {
        show: owner_client.get(url("bookings", host_id=host.pk) + f"?show={show}").content.decode()
        for show in ("upcoming", "cancelled", "past", "requests")
    }
    assert upcoming.reference in pages["upcoming"]
    assert cancelled.reference not in pages["upcoming"]
    assert cancelled.reference in pages["cancelled"]
    assert upcoming.reference not in pages["past"] + pages["requests"]


# --- iCal --------------------------------------------------------------------------------------------


def test_a_calendar_added_by_address_is_read_at_once(owner_client, host, room, settings, calendar_server):
    settings.TOURISM_ICAL_ALLOW_PRIVATE_HOSTS = True
    calendar_server.body = airbnb_calendar(
        ("1418fb94e984-abc123@airbnb.com", days_from_today(20), days_from_today(23)),
        ("7f3e2b1c9d8a-def456@airbnb.com", days_from_today(30), days_from_today(32)),
    )
    response = owner_client.post(
        url("feed_add", host_id=host.pk, unit_id=room.pk),
        {"feed-name": "Airbnb", "feed-url": calendar_server.url},
    )
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(unit=room)
    assert (feed.name, feed.url, feed.last_error) == ("Airbnb", calendar_server.url, "")
    assert feed.last_synced_at is not None
    blocks = list(Block.objects.filter(feed=feed).order_by("starts_on"))
    assert [(block.starts_on, block.ends_on) for block in blocks] == [
        (days_from_today(20), days_from_today(23)),
        (days_from_today(30), days_from_today(32)),
    ]
    page = owner_client.get(response["Location"]).content.decode()
    assert message("%(name)s read: %(added)d added, %(updated)d changed, %(removed)d removed.",
                   name="Airbnb", added=2, updated=0, removed=0) in page  # fmt: skip
    # when Airbnb drops one event and the host syncs again
    calendar_server.body = airbnb_calendar(
        ("1418fb94e984-abc123@airbnb.com", days_from_today(20), days_from_today(23))
    )
    response = owner_client.post(url("feed_sync", host_id=host.pk, unit_id=room.pk, feed_id=feed.pk))
    assert response.status_code == 302
    assert Block.objects.filter(feed=feed).count() == 1
    # disconnecting removes its nights
    response = owner_client.post(url("feed_remove", host_id=host.pk, unit_id=room.pk, feed_id=feed.pk))
    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(unit=room).exists()
    assert not Block.objects.filter(unit=room).exists()


def test_an_imported_night_on_one_of_our_bookings_is_flagged_on_the_dashboard(
    owner_client, host, room, settings, calendar_server
):
    settings.TOURISM_ICAL_ALLOW_PRIVATE_HOSTS = True
    booking = book(room, check_in=days_from_today(20), nights=2)
    calendar_server.body = airbnb_calendar(("clash@airbnb.com", days_from_today(21), days_from_today(24)))
    owner_client.post(
        url("feed_add", host_id=host.pk, unit_id=room.pk),
        {"feed-name": "Airbnb", "feed-url": calendar_server.url},
    )
    block = Block.objects.get(unit=room, feed__isnull=False)
    assert block.is_conflict
    html = owner_client.get(url("dashboard", host_id=host.pk)).content.decode()
    assert message("but you have booking %(reference)s (%(guest)s) here.", reference=booking.reference,
                   guest="Emma Walker") in html  # fmt: skip
    assert "Airbnb" in html
    calendars_page = owner_client.get(url("calendars", host_id=host.pk, unit_id=room.pk)).content.decode()
    assert booking.reference in calendars_page


def test_a_private_address_is_refused_when_private_hosts_are_not_allowed(owner_client, host, room, settings):
    settings.TOURISM_ICAL_ALLOW_PRIVATE_HOSTS = False
    before = Event.objects.count()
    response = owner_client.post(
        url("feed_add", host_id=host.pk, unit_id=room.pk),
        {"feed-name": "Airbnb", "feed-url": "http://127.0.0.1/calendar.ics"},
    )
    assert response.status_code == 400
    assert (
        message(
            "The host “%(host)s” points to a private or reserved network address (%(address)s); "
            "only public internet addresses can be fetched.",
            host="127.0.0.1",
            address="127.0.0.1",
        )
        in response.content.decode()
    )
    assert not CalendarFeed.objects.exists()
    assert Event.objects.count() == before


def test_an_ftp_address_is_refused(owner_client, host, room, settings):
    settings.TOURISM_ICAL_ALLOW_PRIVATE_HOSTS = True
    events_before = Event.objects.count()
    response = owner_client.post(
        url("feed_add", host_id=host.pk, unit_id=room.pk),
        {"feed-name": "Old", "feed-url": "ftp://example.org/calendar.ics"},
    )
    assert response.status_code == 400
    assert (
        message("Only http:// and https:// addresses can be fetched, not %(scheme)s://.", scheme="ftp")
        in response.content.decode()
    )
    assert not CalendarFeed.objects.exists()
    assert not Block.objects.exists()
    assert Event.objects.count() == events_before


def test_an_unreachable_calendar_is_kept_with_its_error_and_shown(owner_client, host, room, settings):
    settings.TOURISM_ICAL_ALLOW_PRIVATE_HOSTS = True
    with CalendarServer() as server:
        dead_url = server.url  # the server stops: nothing listens there any more
    response = owner_client.post(
        url("feed_add", host_id=host.pk, unit_id=room.pk), {"feed-name": "Booking.com", "feed-url": dead_url}
    )
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(unit=room)
    assert feed.last_error
    assert not Block.objects.filter(unit=room).exists()
    page = owner_client.get(response["Location"]).content.decode()
    assert escape(feed.last_error) in page


def test_an_uploaded_calendar_file_is_imported(owner_client, host, room):
    data = airbnb_calendar(("upload-1@booking.com", days_from_today(40), days_from_today(42)))
    response = owner_client.post(
        url("feed_upload", host_id=host.pk, unit_id=room.pk),
        {
            "upload-name": "Booking.com",
            "upload-file": SimpleUploadedFile("booking.ics", data, "text/calendar"),
        },
    )
    assert response.status_code == 302
    block = Block.objects.get(unit=room)
    assert (block.feed.name, block.starts_on, block.ends_on) == (
        "Booking.com",
        days_from_today(40),
        days_from_today(42),
    )


def test_a_malformed_calendar_file_is_refused_and_nothing_is_written(owner_client, host, room):
    before = (CalendarFeed.objects.count(), Block.objects.count(), Event.objects.count())
    response = owner_client.post(
        url("feed_upload", host_id=host.pk, unit_id=room.pk),
        {"upload-name": "Airbnb", "upload-file": SimpleUploadedFile("x.ics", b"<html>not a calendar</html>")},
    )
    assert response.status_code == 400
    assert message("The file is not a valid iCalendar (.ics) calendar.") in response.content.decode()
    assert (CalendarFeed.objects.count(), Block.objects.count(), Event.objects.count()) == before


def test_a_calendar_file_over_the_limit_is_refused(owner_client, host, room, settings):
    settings.TOURISM_ICAL_MAX_BYTES = 200
    data = airbnb_calendar(
        *[
            (f"e{number}@airbnb.com", days_from_today(number + 10), days_from_today(number + 11))
            for number in range(20)
        ]
    )
    assert len(data) > 200
    events_before = Event.objects.count()
    response = owner_client.post(
        url("feed_upload", host_id=host.pk, unit_id=room.pk),
        {"upload-name": "Airbnb", "upload-file": SimpleUploadedFile("big.ics", data)},
    )
    assert response.status_code == 400
    with translation.override("vi"):
        size = describe_size(200)  # "200 byte"
    assert message("The calendar file is larger than %(size)s.", size=size) in response.content.decode()
    assert not CalendarFeed.objects.exists()
    assert not Block.objects.exists()
    assert Event.objects.count() == events_before


def test_an_uploaded_calendar_is_not_read_by_address(owner_client, host, room):
    # given a calendar imported from a file (it has no address to read)
    data = airbnb_calendar(("upload-1@booking.com", days_from_today(40), days_from_today(42)))
    owner_client.post(
        url("feed_upload", host_id=host.pk, unit_id=room.pk),
        {
            "upload-name": "Booking.com",
            "upload-file": SimpleUploadedFile("booking.ics", data, "text/calendar"),
        },
    )
    feed = CalendarFeed.objects.get(unit=room)
    sync_url = url("feed_sync", host_id=host.pk, unit_id=room.pk, feed_id=feed.pk)
    calendars_url = url("calendars", host_id=host.pk, unit_id=room.pk)
    assert sync_url not in owner_client.get(calendars_url).content.decode()
    # when "read it now" is posted anyway, the host is told to upload it again, and nothing changes
    before = (row(feed), list(Block.objects.filter(unit=room).values()), Event.objects.count())
    response = owner_client.post(sync_url)
    assert response.status_code == 302
    assert response["Location"] == calendars_url
    page = owner_client.get(calendars_url).content.decode()
    assert message("An uploaded calendar is updated by uploading the file again.") in page
    assert before == (row(feed), list(Block.objects.filter(unit=room).values()), Event.objects.count())


def test_the_export_address_serves_our_nights_without_the_guests_name(owner_client, host, room, client):
    booking = book(room, check_in=days_from_today(5), nights=3)
    page = owner_client.get(url("calendars", host_id=host.pk, unit_id=room.pk)).content.decode()
    export_path = reverse("calendars:unit", args=[room.calendar_token])
    assert f"http://testserver{export_path}" in page
    response = client.get(export_path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "Emma" not in response.content.decode()
    calendar = icalendar.Calendar.from_ical(response.content)
    events = [(event.decoded("dtstart"), event.decoded("dtend")) for event in calendar.walk("VEVENT")]
    assert (booking.check_in, booking.check_out) in events
    # when the host makes a new secret address
    response = owner_client.post(url("calendar_address", host_id=host.pk, unit_id=room.pk))
    assert response.status_code == 302
    room.refresh_from_db()
    assert client.get(export_path).status_code == 404
    assert client.get(reverse("calendars:unit", args=[room.calendar_token])).status_code == 200


# --- reviews -----------------------------------------------------------------------------------------


@pytest.fixture
def review(room, guest_user):
    """A completed stay of last week, reviewed by its guest."""
    booking = book(
        room, check_in=days_from_today(-4), nights=2, user=guest_user, now=timezone.now() - timedelta(days=6)
    )
    bookings.complete_finished_bookings()
    booking.refresh_from_db()
    return reviews.write_review(booking=booking, author=guest_user, rating=5, text="Bữa tối rất ngon!")


def test_the_host_replies_to_a_review_once(owner_client, host, review):
    dashboard = owner_client.get(url("dashboard", host_id=host.pk)).content.decode()
    assert "Bữa tối rất ngon!" in dashboard
    reply_url = url("review_reply", host_id=host.pk, review_id=review.pk)
    # an empty reply is refused
    before = (row(review), Event.objects.count())
    response = owner_client.post(reply_url, {f"reply-{review.pk}-reply": "  "})
    assert response.status_code == 400
    assert Review.objects.get(pk=review.pk).replied_at is None
    assert (row(review), Event.objects.count()) == before
    # the reply is published
    response = owner_client.post(reply_url, {f"reply-{review.pk}-reply": "Cảm ơn bạn!"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.reply, review.replied_at is not None) == ("Cảm ơn bạn!", True)
    assert "Cảm ơn bạn!" in owner_client.get(url("reviews", host_id=host.pk)).content.decode()
    # a second reply is refused and the first stays
    before = (row(review), Event.objects.count())
    response = owner_client.post(reply_url, {f"reply-{review.pk}-reply": "Thêm nữa"})
    assert response.status_code == 409
    assert message("You have already replied to this review.") in response.content.decode()
    assert Review.objects.get(pk=review.pk).reply == "Cảm ơn bạn!"
    assert (row(review), Event.objects.count()) == before


# --- assisted mode ------------------------------------------------------------------------------------


def test_a_team_member_without_consent_does_not_see_the_host(client, helper, host, on_request_stay):
    booking = book(on_request_stay.units.get(), check_in=days_from_today(8))
    before, events_before = row(booking), Event.objects.count()
    client.force_login(helper)
    assert host.name not in client.get(url("index")).content.decode()
    assert client.get(url("dashboard", host_id=host.pk)).status_code == 404
    response = client.post(
        url("booking_action", host_id=host.pk, reference=booking.reference, action="accept")
    )
    assert response.status_code == 404
    assert (row(booking), Event.objects.count()) == (before, events_before)


def test_with_consent_the_team_member_acts_for_the_household(
    client, helper, host, host_owner, room, on_request_stay, site_tree
):
    User.objects.filter(pk=host_owner.pk).update(first_name="Páo", last_name="Sùng A")
    grant_consent(household=host_owner, helper=helper, commune=site_tree["a"]["commune"], scope="stays")
    booking = book(on_request_stay.units.get(), check_in=days_from_today(8))
    client.force_login(helper)
    assert host.name in client.get(url("index")).content.decode()
    banner = message("You are acting for %(household)s", household="Sùng A Páo")
    for name, kwargs in [
        ("dashboard", {}),
        ("bookings", {}),
        ("booking_detail", {"reference": booking.reference}),
        ("unit_calendar", {"unit_id": room.pk}),
        ("calendars", {"unit_id": room.pk}),
        ("service_new", {}),
    ]:
        page = client.get(url(name, host_id=host.pk, **kwargs))
        assert page.status_code == 200, name
        assert banner in page.content.decode(), name
    # when the helper closes dates for the household
    response = client.post(
        url("close_dates", host_id=host.pk, unit_id=room.pk),
        {"starts_on": days_from_today(50).isoformat(), "ends_on": days_from_today(52).isoformat()},
    )
    assert response.status_code == 302
    event = Event.objects.filter(name="tourism.unit.closed").latest("pk")
    assert (event.actor_id, event.on_behalf_of_id) == (helper.pk, host_owner.pk)
    # and accepts the request
    response = client.post(
        url("booking_action", host_id=host.pk, reference=booking.reference, action="accept")
    )
    assert response.status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_a_team_member_registers_a_consenting_household_as_a_host(client, helper, site_tree):
    commune = site_tree["a"]["commune"]
    household = factories.make_member("cu@example.org", commune, Role.HOST)
    User.objects.filter(pk=household.pk).update(first_name="Cu", last_name="Giàng A")
    grant_consent(household=household, helper=helper, commune=commune, scope="stays")
    client.force_login(helper)
    create_url = url("create_for", household_id=household.pk)
    assert create_url in client.get(url("index")).content.decode()
    response = client.post(create_url, {"name": "Homestay Giàng A Cu", "commune": commune.pk})
    host = Host.objects.get(owner=household)
    assert response.status_code == 302
    assert (host.name, host.status) == ("Homestay Giàng A Cu", ListingStatus.PENDING)
    event = Event.objects.for_subject(host).get(name="tourism.host.created")
    assert (event.actor_id, event.on_behalf_of_id) == (helper.pk, household.pk)
    # without consent, another household cannot be registered
    stranger = factories.make_member("la@example.org", commune, Role.HOST)
    assert client.get(url("create_for", household_id=stranger.pk)).status_code == 404
    assert not Host.objects.filter(owner=stranger).exists()


# --- pages -------------------------------------------------------------------------------------------


class FormAudit(HTMLParser):
    """Collects forms (method, fields, submit) and form controls with their labels."""

    def __init__(self):
        super().__init__()
        self.forms, self.controls, self.labels_for, self.in_form = [], [], set(), None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = {"method": attributes.get("method", "get"), "fields": set(), "submit": False}
            self.forms.append(self.in_form)
        elif tag == "label" and attributes.get("for"):
            self.labels_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea", "button"):
            kind = attributes.get("type", "submit" if tag == "button" else "text")
            if self.in_form is not None:
                if attributes.get("name"):
                    self.in_form["fields"].add(attributes["name"])
                if kind == "submit":
                    self.in_form["submit"] = True
            if tag != "button" and kind not in ("hidden", "submit"):
                self.controls.append(attributes)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = None


def test_every_page_works_without_javascript_labels_every_control_and_is_never_cached(
    owner_client, host, stay, room, experience, on_request_stay
):
    booking = book(on_request_stay.units.get(), check_in=days_from_today(8))
    pages = [
        url("index"),
        url("dashboard", host_id=host.pk),
        url("profile", host_id=host.pk),
        url("service_new", host_id=host.pk),
        url("service_edit", host_id=host.pk, service_id=stay.pk),
        url("service_edit", host_id=host.pk, service_id=experience.pk),
        url("unit_new", host_id=host.pk, service_id=stay.pk),
        url("unit_edit", host_id=host.pk, service_id=stay.pk, unit_id=room.pk),
        url("slots", host_id=host.pk, service_id=experience.pk),
        url("unit_calendar", host_id=host.pk, unit_id=room.pk),
        url("calendars", host_id=host.pk, unit_id=room.pk),
        url("bookings", host_id=host.pk),
        url("booking_detail", host_id=host.pk, reference=booking.reference),
        url("booking_cancel", host_id=host.pk, reference=booking.reference),
        url("reviews", host_id=host.pk),
        url("dashboard", "en", host_id=host.pk),
        url("unit_calendar", "en", host_id=host.pk, unit_id=room.pk),
    ]
    for page_url in pages:
        response = owner_client.get(page_url)
        assert response.status_code == 200, page_url
        html = response.content.decode()
        assert f'<html lang="{page_url[1:3]}">' in html
        assert "<h1" in html, page_url
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        audit = FormAudit()
        audit.feed(html)
        for form in [form for form in audit.forms if "q" not in form["fields"]]:
            assert form["method"] in ("get", "post"), page_url
            assert form["submit"], page_url
            if form["method"] == "post":
                assert "csrfmiddlewaretoken" in form["fields"], page_url
        for control in audit.controls:
            if control.get("name") == "q":
                continue
            assert control.get("id") in audit.labels_for, (page_url, control)


def test_the_booking_list_runs_the_same_number_of_queries_for_one_row_and_for_five(owner_client, host, stay):
    rooms = list(stay.units.order_by("id"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(url("bookings", host_id=host.pk)).status_code == 200
        return len(captured)

    book(rooms[0], check_in=days_from_today(3))
    queries()  # warm the per-process caches (site root paths, translations)
    one = queries()
    for number in range(4):
        book(rooms[1], check_in=days_from_today(10 + 3 * number))
    assert queries() == one
    with CaptureQueriesContext(connection) as captured:
        owner_client.get(url("dashboard", host_id=host.pk))
    dashboard_one = len(captured)
    make_experience(host, "Dệt vải lanh")
    with CaptureQueriesContext(connection) as captured:
        owner_client.get(url("dashboard", host_id=host.pk))
    assert len(captured) == dashboard_one
