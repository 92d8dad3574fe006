"""iCal import keyed by UID: an Airbnb-shaped export blocks the right nights, a second sync follows moved
and removed events, conflicts with our bookings are flagged (never dropped), bad files change nothing;
our export round-trips through ``icalendar``."""

from datetime import date
from pathlib import Path

import icalendar
import pytest
import time_machine
from django.urls import reverse

from core.models import Event
from tourism import availability
from tourism.exceptions import TourismError, TourismErrorCode
from tourism.models import Block, CalendarFeed, Occupancy
from tourism.services import bookings, calendars

from .conftest import book

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def before_the_fixture_dates():
    """The fixtures describe December 2026; the clock stands on 20 November 2026 in Vietnam."""
    with time_machine.travel("2026-11-20 10:00:00+07:00", tick=False):
        yield


def airbnb(*, moved_to: tuple[str, str] | None = None, without_second: bool = False) -> bytes:
    text = (FIXTURES / "airbnb.ics").read_bytes()
    if moved_to:
        text = text.replace(b"DTEND;VALUE=DATE:20261205", f"DTEND;VALUE=DATE:{moved_to[1]}".encode())
        text = text.replace(b"DTSTART;VALUE=DATE:20261202", f"DTSTART;VALUE=DATE:{moved_to[0]}".encode())
    if without_second:
        start = text.index(b"BEGIN:VEVENT", text.index(b"END:VEVENT"))
        end = text.index(b"END:VEVENT", start) + len(b"END:VEVENT\r\n")
        text = text[:start] + text[end:]
    return text


def nights(unit) -> list[tuple[date, date, str]]:
    return [
        (row.starts_on, row.ends_on, row.block.uid if row.block_id else row.booking.reference)
        for row in Occupancy.objects.filter(unit=unit)
        .select_related("block", "booking")
        .order_by("starts_on")
    ]


def calendar_state(unit) -> tuple:
    """Everything an import may write: the nights taken, the blocks, the feeds and the events."""
    return (
        nights(unit),
        list(Block.objects.values()),
        list(CalendarFeed.objects.values()),
        Event.objects.count(),
    )


def test_an_airbnb_export_blocks_its_nights_and_a_second_sync_follows_moves_and_removals(room, host_owner):
    # given an uploaded Airbnb calendar
    _feed, result = calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    # then its two reservations block exactly their nights
    assert (result.added, result.conflicts) == (2, 0)
    assert nights(room) == [
        (date(2026, 12, 2), date(2026, 12, 5), "1418fb94e984-abc123@airbnb.com"),
        (date(2026, 12, 18), date(2026, 12, 20), "7f3e2b1c9d8a-def456@airbnb.com"),
    ]
    assert not availability.is_unit_free(room, check_in=date(2026, 12, 4), check_out=date(2026, 12, 5))
    assert availability.is_unit_free(room, check_in=date(2026, 12, 5), check_out=date(2026, 12, 6))
    with pytest.raises(TourismError) as error:
        book(room, check_in=date(2026, 12, 3))
    assert error.value.code == TourismErrorCode.UNAVAILABLE
    # when the next sync has the first event shortened and moved, and the second removed
    _feed, second = calendars.import_file(
        unit=room,
        actor=host_owner,
        name="Airbnb",
        data=airbnb(moved_to=("20261210", "20261212"), without_second=True),
    )
    # then the blocks follow, keyed by UID, and the freed nights can be booked
    assert (second.added, second.updated, second.removed) == (0, 1, 1)
    assert nights(room) == [(date(2026, 12, 10), date(2026, 12, 12), "1418fb94e984-abc123@airbnb.com")]
    assert CalendarFeed.objects.filter(unit=room).count() == 1
    assert book(room, check_in=date(2026, 12, 3)).status == "confirmed"
    assert book(room, check_in=date(2026, 12, 18)).status == "confirmed"


def test_an_imported_event_over_one_of_our_bookings_is_flagged_not_dropped(room, host_owner):
    # given our own booking on 3–4 December
    ours = book(room, check_in=date(2026, 12, 3), nights=1)
    # when Airbnb says 2–5 December is reserved there too
    _feed, result = calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    # then the block is kept and flagged, our booking keeps the night, and the host is told
    assert result.conflicts == 1
    conflict = Block.objects.get(uid="1418fb94e984-abc123@airbnb.com")
    assert conflict.is_conflict is True
    assert not Occupancy.objects.filter(block=conflict).exists()
    ours.refresh_from_db()
    assert ours.status == "confirmed"
    assert Event.objects.filter(name="tourism.calendar.conflict", subject_id=str(conflict.pk)).count() == 1
    # when our booking is cancelled and the calendar syncs again, the block takes its nights, once told
    bookings.cancel_booking(booking=ours, cancelled_by="guest")
    _feed, again = calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    conflict.refresh_from_db()
    assert (again.conflicts, conflict.is_conflict) == (0, False)
    assert Occupancy.objects.filter(block=conflict).exists()
    assert Event.objects.filter(name="tourism.calendar.conflict").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        b"not a calendar",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026-xx\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    ],
)
def test_a_malformed_file_is_refused_and_the_previous_blocks_stay(room, host_owner, data):
    calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    before = calendar_state(room)
    with pytest.raises(TourismError) as error:
        calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=data)
    assert error.value.code == TourismErrorCode.INVALID_CALENDAR
    assert calendar_state(room) == before


def test_a_huge_file_or_too_many_events_is_refused_with_nothing_written(room, host_owner, settings):
    settings.TOURISM_ICAL_MAX_BYTES = 500
    with pytest.raises(TourismError) as error:
        calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    assert error.value.code == TourismErrorCode.INVALID_CALENDAR
    settings.TOURISM_ICAL_MAX_BYTES = 1_000_000
    settings.TOURISM_ICAL_MAX_EVENTS = 1
    with pytest.raises(TourismError) as error:
        calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    assert error.value.code == TourismErrorCode.INVALID_CALENDAR
    assert (CalendarFeed.objects.count(), Block.objects.count(), Occupancy.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/calendar.ics",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/x.ics",
        "http://10.0.0.8/x.ics",
    ],
)
def test_a_calendar_address_must_be_public_http(room, host_owner, url):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        calendars.add_feed(unit=room, actor=host_owner, name="Airbnb", url=url)
    assert "url" in error.value.message_dict
    assert CalendarFeed.objects.count() == 0
    assert not Event.objects.filter(name__startswith="tourism.calendar").exists()


def test_an_unreachable_feed_keeps_its_blocks_and_records_the_error(room, host_owner, settings):
    settings.TOURISM_ICAL_ALLOW_PRIVATE_HOSTS = True
    feed = calendars.add_feed(
        unit=room, actor=host_owner, name="Booking.com", url="http://127.0.0.1:9/none.ics"
    )
    calendars.sync_feed(feed=feed, data=airbnb())
    with pytest.raises(TourismError) as error:
        calendars.sync_feed(feed=feed)
    assert error.value.code == TourismErrorCode.CALENDAR_UNREACHABLE
    feed.refresh_from_db()
    assert feed.last_error
    assert Block.objects.filter(feed=feed).count() == 2
    assert calendars.sync_all_feeds() == 0


def test_another_host_cannot_import_into_my_room(room, other_host_owner):
    with pytest.raises(TourismError) as error:
        calendars.import_file(unit=room, actor=other_host_owner, name="Airbnb", data=airbnb())
    assert error.value.code == TourismErrorCode.NOT_ALLOWED
    assert (CalendarFeed.objects.count(), Block.objects.count(), Occupancy.objects.count()) == (0, 0, 0)


def test_our_export_round_trips_without_guest_names(room, host_owner, client):
    # given a booking, a closed night and an imported block
    booking = book(room, check_in=date(2026, 12, 8), nights=2)
    from tourism.services import listings

    listings.close_dates(
        unit=room, actor=host_owner, starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 26)
    )
    calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    # when Airbnb fetches our secret address
    response = client.get(reverse("calendars:unit", args=[room.calendar_token]))
    # then it is a calendar icalendar reads, with every taken range as all-day nights and no guest name
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert booking.guest_name.encode() not in response.content
    parsed = icalendar.Calendar.from_ical(response.content)
    ranges = sorted((event["DTSTART"].dt, event["DTEND"].dt) for event in parsed.walk("VEVENT"))
    assert ranges == [
        (date(2026, 12, 2), date(2026, 12, 5)),
        (date(2026, 12, 8), date(2026, 12, 10)),
        (date(2026, 12, 18), date(2026, 12, 20)),
        (date(2026, 12, 24), date(2026, 12, 26)),
    ]
    # and our own parser reads it back the same (what another platform would import)
    from tourism.ical import parse_calendar

    assert [(event.starts_on, event.ends_on) for event in parse_calendar(response.content)] == ranges
    # a wrong token is a 404
    assert client.get(reverse("calendars:unit", args=["not-the-token"])).status_code == 404


def test_an_uploaded_calendar_has_no_address_to_read_and_nothing_changes(room, host_owner):
    feed, _result = calendars.import_file(unit=room, actor=host_owner, name="Airbnb", data=airbnb())
    before = (nights(room), Event.objects.count())
    with pytest.raises(TourismError) as error:
        calendars.sync_feed(feed=feed, actor=host_owner)
    assert error.value.code == TourismErrorCode.CALENDAR_HAS_NO_ADDRESS
    feed.refresh_from_db()
    assert feed.last_error == ""
    assert (nights(room), Event.objects.count()) == before
