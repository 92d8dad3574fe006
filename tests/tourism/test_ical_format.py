"""iCalendar reading and writing: other channels' blocks become nights, our blocks become all-day events.

Nights are ``[starts_on, ends_on)``: a stay from 2 to 5 December is the nights of the 2nd, 3rd and 4th.
No database and no network: these are pure functions over bytes.
"""

from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from django.utils import translation

from tourism.ical import (
    CalendarError,
    ExportEvent,
    ExternalEvent,
    build_calendar,
    parse_calendar,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The messages are translated; these tests read them in English."""
    with translation.override("en"):
        yield


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def calendar_of(*vevents: str) -> bytes:
    """A minimal VCALENDAR around the given VEVENT bodies, with CRLF line endings as real exports."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//EN"]
    for body in vevents:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def nights(events: list[ExternalEvent]) -> list[tuple[str, date, date]]:
    return [(event.uid, event.starts_on, event.ends_on) for event in events]


# --- real channel exports ------------------------------------------------------------------------


def test_airbnb_export_gives_its_reserved_nights_with_their_uids():
    # given Airbnb's hosting calendar export (CRLF, all-day dates, one reservation and one manual block)
    data = fixture_bytes("airbnb.ics")
    assert b"\r\n" in data

    # when it is parsed
    events = parse_calendar(data)

    # then the nights are Dec 2–4 and Dec 18–19 (checkout days excluded), with Airbnb's UIDs
    assert nights(events) == [
        ("1418fb94e984-abc123@airbnb.com", date(2026, 12, 2), date(2026, 12, 5)),
        ("7f3e2b1c9d8a-def456@airbnb.com", date(2026, 12, 18), date(2026, 12, 20)),
    ]
    assert [event.summary for event in events] == ["Reserved", "Airbnb (Not available)"]


def test_booking_export_gives_its_closed_nights_even_across_the_new_year():
    # given Booking.com's export: "CLOSED - Not available" blocks, one running into 2027
    data = fixture_bytes("booking.ics")

    # when it is parsed
    events = parse_calendar(data)

    # then both blocks are there with Booking's UIDs and the exclusive end
    assert nights(events) == [
        ("1a2b3c@booking.com", date(2026, 12, 24), date(2026, 12, 27)),
        ("4d5e6f@booking.com", date(2026, 12, 30), date(2027, 1, 2)),
    ]
    assert {event.summary for event in events} == {"CLOSED - Not available"}


def test_timed_utc_event_becomes_the_local_nights_of_its_stay():
    # given check-in 07:00Z (14:00 in Vietnam) on the 10th and checkout 04:00Z (11:00) on the 12th
    data = fixture_bytes("timed_utc.ics")

    # when it is parsed
    events = parse_calendar(data)

    # then the nights of the 10th and the 11th are blocked, not the 12th
    assert nights(events) == [("timed-utc-1@channel.example", date(2026, 12, 10), date(2026, 12, 12))]


def test_utc_time_late_in_the_evening_falls_on_the_next_local_day():
    # given a start at 18:00Z on the 9th, which is 01:00 on the 10th in Vietnam
    data = calendar_of("UID:late@x\nDTSTART:20261209T180000Z\nDTEND:20261211T030000Z")

    # when it is parsed
    events = parse_calendar(data)

    # then the first night is the 10th (local), and checkout 10:00 on the 11th ends it there
    assert nights(events) == [("late@x", date(2026, 12, 10), date(2026, 12, 11))]


def test_event_within_one_day_blocks_that_night():
    # given a timed event from 09:00 to 17:00 local on the 10th (TZID form) and one ending at midnight
    data = calendar_of(
        "UID:day@x\nDTSTART;TZID=Asia/Ho_Chi_Minh:20261210T090000\nDTEND;TZID=Asia/Ho_Chi_Minh:20261210T170000",
        "UID:midnight@x\nDTSTART:20261214T140000\nDTEND:20261215T000000",
    )

    # when it is parsed
    events = parse_calendar(data)

    # then each blocks exactly one night (a floating time is taken as local time)
    assert nights(events) == [
        ("day@x", date(2026, 12, 10), date(2026, 12, 11)),
        ("midnight@x", date(2026, 12, 14), date(2026, 12, 15)),
    ]


def test_time_in_another_zone_is_converted_to_vietnam_time():
    # given a start at 23:00 in Paris on the 9th (05:00 on the 10th in Vietnam)
    data = calendar_of("UID:paris@x\nDTSTART;TZID=Europe/Paris:20261209T230000\nDURATION:PT20H")

    # when it is parsed
    events = parse_calendar(data)

    # then the stay starts on the local 10th and, ending 01:00 local on the 11th, covers one night
    assert nights(events) == [("paris@x", date(2026, 12, 10), date(2026, 12, 11))]


# --- missing or unusual properties ---------------------------------------------------------------


def test_missing_end_uses_duration_or_else_one_night():
    # given one all-day event with a 3-day DURATION and one with neither DTEND nor DURATION
    data = calendar_of(
        "UID:duration@x\nDTSTART;VALUE=DATE:20261201\nDURATION:P3D",
        "UID:single@x\nDTSTART;VALUE=DATE:20261210",
    )

    # when it is parsed
    events = parse_calendar(data)

    # then the DURATION gives the end, and the bare start is a single night
    assert nights(events) == [
        ("duration@x", date(2026, 12, 1), date(2026, 12, 4)),
        ("single@x", date(2026, 12, 10), date(2026, 12, 11)),
    ]


def test_missing_uid_gets_a_stable_derived_uid():
    # given the same event without a UID in two downloads, and a second event differing only in summary
    body = "DTSTART;VALUE=DATE:20261202\nDTEND;VALUE=DATE:20261204\nSUMMARY:Blocked"
    first_download = calendar_of(body)
    second_download = calendar_of(body, body.replace("Blocked", "Owner stay"))

    # when both are parsed
    first_events = parse_calendar(first_download)
    second_events = parse_calendar(second_download)

    # then the UID is the same at every import, and differs when the content differs
    blocked_uid = first_events[0].uid
    assert blocked_uid
    assert {event.uid for event in second_events} >= {blocked_uid}
    assert len({event.uid for event in second_events}) == 2
    assert first_events[0].ends_on == date(2026, 12, 4)


def test_cancelled_events_are_skipped():
    # given a confirmed block and a cancelled one (lower case as some exports write it)
    data = calendar_of(
        "UID:kept@x\nDTSTART;VALUE=DATE:20261202\nDTEND;VALUE=DATE:20261203\nSTATUS:CONFIRMED",
        "UID:gone@x\nDTSTART;VALUE=DATE:20261205\nDTEND;VALUE=DATE:20261207\nSTATUS:CANCELLED",
        "UID:gone-too@x\nDTSTART;VALUE=DATE:20261208\nDTEND;VALUE=DATE:20261209\nSTATUS:cancelled",
    )

    # when it is parsed
    events = parse_calendar(data)

    # then only the confirmed block remains
    assert [event.uid for event in events] == ["kept@x"]


def test_duplicate_uid_keeps_the_first_event_and_recurrence_is_not_expanded():
    # given a weekly recurring block and an override of one of its instances with the same UID
    data = calendar_of(
        "UID:series@x\nDTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20261202\nRRULE:FREQ=WEEKLY;COUNT=4",
        "UID:series@x\nRECURRENCE-ID;VALUE=DATE:20261208\nDTSTART;VALUE=DATE:20261209\n"
        "DTEND;VALUE=DATE:20261210",
    )

    # when it is parsed
    events = parse_calendar(data)

    # then only the first event's first occurrence is a block
    assert nights(events) == [("series@x", date(2026, 12, 1), date(2026, 12, 2))]


def test_events_are_sorted_by_first_night_then_uid():
    # given events written out of order
    data = calendar_of(
        "UID:b@x\nDTSTART;VALUE=DATE:20261210\nDTEND;VALUE=DATE:20261211",
        "UID:c@x\nDTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20261202",
        "UID:a@x\nDTSTART;VALUE=DATE:20261210\nDTEND;VALUE=DATE:20261212",
    )

    # when it is parsed
    events = parse_calendar(data)

    # then they come back by first night, ties broken by UID
    assert [event.uid for event in events] == ["c@x", "a@x", "b@x"]


def test_past_events_are_dropped_only_when_today_is_given():
    # given a block ending before yesterday, one whose last night is yesterday, and one ahead
    data = calendar_of(
        "UID:old@x\nDTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20261209",
        "UID:yesterday@x\nDTSTART;VALUE=DATE:20261208\nDTEND;VALUE=DATE:20261210",
        "UID:ahead@x\nDTSTART;VALUE=DATE:20261215\nDTEND;VALUE=DATE:20261216",
    )

    # when it is parsed with today = 10 December, and without a today
    recent = parse_calendar(data, today=date(2026, 12, 10))
    everything = parse_calendar(data)

    # then only the block entirely before yesterday is dropped, and nothing is dropped without today
    assert [event.uid for event in recent] == ["yesterday@x", "ahead@x"]
    assert [event.uid for event in everything] == ["old@x", "yesterday@x", "ahead@x"]


def test_very_long_events_are_clipped_to_366_nights():
    # given a block of three years
    data = calendar_of("UID:long@x\nDTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20291201")

    # when it is parsed
    (event,) = parse_calendar(data)

    # then it covers 366 nights from its start
    assert (event.ends_on - event.starts_on).days == 366
    assert event.starts_on == date(2026, 12, 1)


# --- refused input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"not a calendar", id="plain-text"),
        pytest.param(b"", id="empty"),
        pytest.param(b"<html><body>Log in</body></html>", id="html-login-page"),
        pytest.param(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", id="truncated"),
        pytest.param(b"\xff\xfe\x00\x01", id="binary"),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE,DATE:20261202\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n",
            id="list-valued-value-parameter",  # icalendar 7.3 raises AttributeError on this one
        ),
    ],
)
def test_garbage_is_refused_with_a_clear_message(data):
    # given bytes that are not an iCalendar file
    # when they are parsed
    with pytest.raises(CalendarError) as refused:
        parse_calendar(data)

    # then the error says it is not a valid calendar
    assert refused.value.message == "The file is not a valid iCalendar (.ics) calendar."


def test_a_lone_event_is_not_a_calendar():
    # given a VEVENT without the VCALENDAR around it
    data = b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:20261202\r\nEND:VEVENT\r\n"

    # when it is parsed
    with pytest.raises(CalendarError) as refused:
        parse_calendar(data)

    # then it is refused as not being a calendar
    assert "BEGIN:VCALENDAR" in refused.value.message


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("UID:broken@x\nDTSTART:garbage\nDTEND;VALUE=DATE:20261205", id="garbage-start"),
        pytest.param("UID:broken@x\nDTSTART;VALUE=DATE:20261302\nDTEND;VALUE=DATE:20261305", id="month-13"),
        pytest.param("UID:broken@x\nDTSTART;VALUE=DATE:20261202\nDTEND:tomorrow", id="garbage-end"),
        pytest.param("UID:broken@x\nDTSTART;VALUE=DATE:20261202\nDURATION:soon", id="garbage-duration"),
        pytest.param("UID:broken@x\nSUMMARY:No dates", id="no-start"),
        pytest.param("UID:broken@x\nDTSTART;VALUE=DATE:99991231\nDURATION:P3D", id="out-of-range"),
    ],
)
def test_event_with_unreadable_dates_refuses_the_whole_calendar(body):
    # given a good block and an event whose dates cannot be read
    good = "UID:good@x\nDTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20261202"
    data = calendar_of(good, body)

    # when it is parsed
    with pytest.raises(CalendarError) as refused:
        parse_calendar(data)

    # then nothing is returned (a partial import would reopen the broken event's nights) and the
    # message names the event
    assert "broken@x" in refused.value.message


def test_file_over_the_size_limit_is_refused_before_parsing():
    # given a valid calendar
    data = fixture_bytes("airbnb.ics")

    # when it is parsed with a limit just below its size, and with the default limit on 1 MB + 1 byte
    with pytest.raises(CalendarError) as too_large:
        parse_calendar(data, max_bytes=len(data) - 1)
    with pytest.raises(CalendarError) as default_too_large:
        parse_calendar(b" " * 1_000_001)

    # then both are refused with the limit in words, and the exact size is still accepted
    assert too_large.value.message == f"The calendar file is larger than {len(data) - 1} bytes."
    assert default_too_large.value.message == "The calendar file is larger than 1 MB."
    assert parse_calendar(data, max_bytes=len(data))


def test_more_events_than_allowed_are_refused():
    # given a calendar with four events
    data = calendar_of(
        *(
            f"UID:{day}@x\nDTSTART;VALUE=DATE:202612{day:02d}\nDTEND;VALUE=DATE:202612{day + 1:02d}"
            for day in (1, 3, 5, 7)
        )
    )

    # when it is parsed with max_events=3
    with pytest.raises(CalendarError) as refused:
        parse_calendar(data, max_events=3)

    # then it is refused, saying how many there are and how many are allowed
    assert refused.value.message == "The calendar has 4 events; at most 3 can be imported."
    assert len(parse_calendar(data, max_events=4)) == 4


# --- writing ---------------------------------------------------------------------------------------

EXPORTED = [
    ExportEvent(
        uid="booking-42@tavan.example",
        starts_on=date(2026, 12, 20),
        ends_on=date(2026, 12, 23),
        summary="Booked",
    ),
    ExportEvent(
        uid="closure-7@tavan.example",
        starts_on=date(2026, 12, 2),
        ends_on=date(2026, 12, 3),
        summary="Closed",
        description="Family event; back on the 3rd, see you!",
    ),
]


def test_built_calendar_has_the_headers_channels_expect():
    # given two blocks to publish
    # when the calendar is built at a fixed time
    data = build_calendar(
        product_id_name="Homestay A Sử",
        calendar_name="Nhà A Sử — Tả Van",
        events=EXPORTED,
        stamped_at=datetime(2026, 11, 23, 21, 30, tzinfo=UTC),
    )

    # then the bytes carry the calendar headers, all-day dates and an opaque UTC-stamped event each
    text = data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    for line in [
        "VERSION:2.0",
        "PRODID:-//Smart Village Platform//Homestay A Sử//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Nhà A Sử — Tả Van",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
        "DTSTART;VALUE=DATE:20261202",
        "DTEND;VALUE=DATE:20261203",
        "DTSTART;VALUE=DATE:20261220",
        "DTEND;VALUE=DATE:20261223",
        "DTSTAMP:20261123T213000Z",
        "UID:booking-42@tavan.example",
        "SUMMARY:Booked",
        "DESCRIPTION:Family event\\; back on the 3rd\\, see you!",
    ]:
        assert f"\r\n{line}\r\n" in text, line
    assert text.count("TRANSP:OPAQUE") == 2
    assert text.count("DESCRIPTION") == 1
    # the earlier block is written first
    assert text.index("closure-7") < text.index("booking-42")


def test_built_calendar_reads_back_the_same_in_icalendar_and_in_our_parser():
    # given blocks built into a calendar
    data = build_calendar(product_id_name="Homestay 12", calendar_name="Homestay 12", events=EXPORTED)

    # when the bytes are read back by the icalendar library and by parse_calendar
    library_view = icalendar.Calendar.from_ical(data)
    our_view = parse_calendar(data)

    # then both see the same UIDs and nights, as all-day dates
    expected = sorted((event.uid, event.starts_on, event.ends_on) for event in EXPORTED)
    library_nights = sorted(
        (str(vevent["UID"]), vevent.DTSTART, vevent.DTEND) for vevent in library_view.walk("VEVENT")
    )
    assert library_nights == expected
    assert all(type(start) is date for _uid, start, _end in library_nights)
    assert sorted(nights(our_view)) == expected
    assert [event.summary for event in our_view] == ["Closed", "Booked"]


def test_empty_calendar_is_valid_and_reads_back_empty():
    # given nothing to publish
    # when the calendar is built and parsed back
    data = build_calendar(product_id_name="Homestay 12", calendar_name="Homestay 12", events=[])

    # then it is a calendar with no events
    assert parse_calendar(data) == []
    assert b"BEGIN:VEVENT" not in data


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "error"),
    [
        pytest.param(date(2026, 12, 5), date(2026, 12, 5), ValueError, id="no-night"),
        pytest.param(date(2026, 12, 5), date(2026, 12, 2), ValueError, id="backwards"),
        pytest.param(datetime(2026, 12, 5, 14, tzinfo=UTC), date(2026, 12, 6), TypeError, id="date-time"),
    ],
)
def test_an_event_must_cover_whole_nights(starts_on, ends_on, error):
    # given bounds that do not make at least one night of plain dates
    # when an export event is made from them
    # then it is refused
    with pytest.raises(error):
        ExportEvent(uid="x", starts_on=starts_on, ends_on=ends_on, summary="Booked")
