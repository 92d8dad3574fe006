"""iCalendar (RFC 5545) for homestay calendars: read the blocks other channels publish, write our own.

A host who also lists a homestay on Airbnb or Booking.com pastes the export link of each channel, and
gives those channels our export link in turn, so a night booked anywhere is closed everywhere. This
module only translates between ``.ics`` bytes and plain values; fetching (see :mod:`core.net`), storing
and overlap rules live in the tourism services.

Everything here is in **nights**: an event covers the nights ``[starts_on, ends_on)``, so a stay from
2 to 5 December (checkout on the 5th) is the nights of the 2nd, 3rd and 4th. Dates are local to the
homestay, in Vietnam (``Asia/Ho_Chi_Minh``, UTC+7, no daylight saving).

Reading rules (:func:`parse_calendar`):

- All-day ``DTSTART;VALUE=DATE`` / ``DTEND;VALUE=DATE`` are nights directly; ``DTEND`` is exclusive.
- Without ``DTEND``, ``DURATION`` is added to the start; with neither, the event is one night.
- Date-times are converted to local dates: a ``Z`` (UTC) or ``TZID`` time is moved to Vietnam time, a
  floating time (no zone, or a zone we do not know) is taken as Vietnam time already. The first night is
  the local date of the start. The event ends on the local date of its end *whatever the time of day*:
  a checkout at 11:00 on the 12th frees the night of the 12th, so the nights run up to the 12th
  exclusive. If that leaves no night (an event within one day), the event blocks that one night.
- ``STATUS:CANCELLED`` events are skipped (their dates are not even read). ``TRANSP`` is ignored: a
  block is a block.
- ``RRULE``/``RDATE`` are **not** expanded — only the first occurrence counts. Airbnb and Booking.com
  publish one event per stay and never use them.
- Several events with the same ``UID`` (a recurring event and its overrides) → the first one in the
  file that is not cancelled is kept, and the rest are ignored.
- A missing ``UID`` is replaced by a stable one derived (SHA-256) from the start, end and summary, so
  the same event gets the same ``UID`` at every import. A ``UID`` longer than 255 characters is
  replaced the same way, so it fits a database column.
- Events longer than 366 nights are clipped to 366; events whose last night is before yesterday may be
  dropped (when ``today`` is given) since past blocks change nothing.

Any event whose dates cannot be read refuses the whole file: importing the rest would silently reopen
the nights of the unreadable event.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from icalendar.error import InvalidCalendar

from core.net import describe_size

LOCAL_TIME_ZONE_NAME = "Asia/Ho_Chi_Minh"
LOCAL_TIME_ZONE = ZoneInfo(LOCAL_TIME_ZONE_NAME)
MAX_NIGHTS = 366
MAX_UID_LENGTH = 255
DERIVED_UID_SUFFIX = "@derived.smart-village"


class CalendarError(ValueError):
    """The calendar file cannot be used; ``message`` says why, in a sentence fit to show to the host."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check_nights(*, starts_on: date, ends_on: date) -> None:
    """Both bounds are plain dates (not date-times) and at least one night lies between them."""
    for value in (starts_on, ends_on):
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"Nights are bounded by dates, not {type(value).__name__}.")
    if ends_on <= starts_on:
        raise ValueError(f"An event must cover at least one night: {starts_on} → {ends_on}.")


@dataclass(frozen=True)
class ExternalEvent:
    """A block read from another channel's calendar: the nights ``[starts_on, ends_on)`` are taken."""

    uid: str
    starts_on: date
    ends_on: date
    summary: str

    def __post_init__(self) -> None:
        _check_nights(starts_on=self.starts_on, ends_on=self.ends_on)


@dataclass(frozen=True)
class ExportEvent:
    """A block we publish: the nights ``[starts_on, ends_on)``.

    The caller chooses ``summary`` and ``description`` — use neutral words such as "Booked" or
    "Closed", never a guest's name: the export link is readable by anyone who has it.
    """

    uid: str
    starts_on: date
    ends_on: date
    summary: str
    description: str = ""

    def __post_init__(self) -> None:
        _check_nights(starts_on=self.starts_on, ends_on=self.ends_on)


def _text_value(event: Event, name: str) -> str:
    """A text property as a stripped string; the first one if the property is (wrongly) repeated."""
    value = event.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return "" if value is None else str(value).strip()


def _local_date(moment: date) -> date:
    """The Vietnam date of a date or date-time; a floating date-time is already Vietnam time."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(LOCAL_TIME_ZONE)
        return moment.date()
    return moment


def _derived_uid(*parts: str) -> str:
    """A stable UID from the event's own content, for events without one (or with an unusable one)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{digest}{DERIVED_UID_SUFFIX}"


def _read_event(event: Event, *, position: int) -> ExternalEvent:
    """Turn one VEVENT into nights, following the rules in the module docstring."""
    raw_uid = _text_value(event, "UID")
    label = (
        (_("event “%(uid)s”") % {"uid": raw_uid})
        if raw_uid
        else (_("event number %(number)d") % {"number": position})
    )
    summary = _text_value(event, "SUMMARY")
    try:
        start_value = event.DTSTART
        end_value = event.DTEND
        duration = event.DURATION if end_value is None else None
    except InvalidCalendar as error:
        raise CalendarError(
            _("The dates of the %(event)s cannot be read (%(error)s).") % {"event": label, "error": error}
        ) from error
    if start_value is None:
        raise CalendarError(_("The %(event)s has no start date (DTSTART).") % {"event": label})
    if not isinstance(start_value, date):
        raise CalendarError(
            _("The start of the %(event)s is not a date or a date and time.") % {"event": label}
        )
    if end_value is not None and not isinstance(end_value, date):
        raise CalendarError(
            _("The end of the %(event)s is not a date or a date and time.") % {"event": label}
        )
    if duration is not None and not isinstance(duration, timedelta):
        raise CalendarError(_("The duration of the %(event)s cannot be read.") % {"event": label})
    try:
        if end_value is None and duration is not None:
            end_value = start_value + duration
        starts_on = _local_date(start_value)
        ends_on = _local_date(end_value) if end_value is not None else starts_on
        if ends_on <= starts_on:
            ends_on = starts_on + timedelta(days=1)
        ends_on = min(ends_on, starts_on + timedelta(days=MAX_NIGHTS))
    except OverflowError as error:
        raise CalendarError(_("The dates of the %(event)s are out of range.") % {"event": label}) from error
    uid = raw_uid
    if not uid or len(uid) > MAX_UID_LENGTH:
        end_text = end_value.isoformat() if end_value is not None else ""
        uid = _derived_uid(raw_uid, start_value.isoformat(), end_text, summary)
    return ExternalEvent(uid=uid, starts_on=starts_on, ends_on=ends_on, summary=summary)


def parse_calendar(
    data: bytes,
    *,
    max_bytes: int = 1_000_000,
    max_events: int = 2000,
    today: date | None = None,
) -> list[ExternalEvent]:
    """Read an ``.ics`` file into the blocks it describes, sorted by ``(starts_on, uid)``.

    Raises :class:`CalendarError` when the file is over ``max_bytes``, is not a VCALENDAR, cannot be
    parsed, has more than ``max_events`` VEVENTs, or has an event whose dates cannot be read. When
    ``today`` is given, events whose last night is before yesterday are dropped (yesterday is kept, so
    a clock or time-zone difference never drops a block that still matters).
    """
    if len(data) > max_bytes:
        raise CalendarError(
            _("The calendar file is larger than %(size)s.") % {"size": describe_size(max_bytes)}
        )
    try:
        calendar = Calendar.from_ical(data)
    # icalendar's parsing errors and UnicodeDecodeError are ValueErrors. icalendar 7.3 also raises
    # AttributeError on a list-valued VALUE parameter (``DTSTART;VALUE=DATE,DATE:…``), see
    # collective/icalendar#1565; it is caught here, around the parse only.
    except (ValueError, AttributeError) as error:
        raise CalendarError(_("The file is not a valid iCalendar (.ics) calendar.")) from error
    if calendar.name != "VCALENDAR":
        raise CalendarError(
            _("The file is not an iCalendar calendar: it does not start with BEGIN:VCALENDAR.")
        )
    vevents = [component for component in calendar.subcomponents if component.name == "VEVENT"]
    if len(vevents) > max_events:
        raise CalendarError(
            _("The calendar has %(count)d events; at most %(most)d can be imported.")
            % {"count": len(vevents), "most": max_events}
        )
    oldest_kept_end = today - timedelta(days=1) if today is not None else None
    seen_uids = set()
    events = []
    for position, vevent in enumerate(vevents, start=1):
        if _text_value(vevent, "STATUS").upper() == "CANCELLED":
            continue
        event = _read_event(vevent, position=position)
        if event.uid in seen_uids:
            continue
        seen_uids.add(event.uid)
        if oldest_kept_end is not None and event.ends_on <= oldest_kept_end:
            continue
        events.append(event)
    return sorted(events, key=lambda event: (event.starts_on, event.uid))


def build_calendar(
    *,
    product_id_name: str,
    calendar_name: str,
    events: Iterable[ExportEvent],
    stamped_at: datetime | None = None,
) -> bytes:
    """Write ``events`` as an ``.ics`` calendar that Airbnb, Booking.com and phone calendars can read.

    ``product_id_name`` names the publisher inside ``PRODID`` (``-//Smart Village Platform//<name>//EN``);
    ``calendar_name`` is the title calendar apps show (``X-WR-CALNAME``). Every event is all-day
    (``VALUE=DATE``, ``DTEND`` exclusive) and opaque. ``DTSTAMP`` is ``stamped_at`` (an aware
    date-time; default: now), in UTC. Events are written sorted by ``(starts_on, uid)``, so the same
    blocks give the same bytes apart from the stamp. The text is written exactly as given: never pass
    guest names.
    """
    if stamped_at is not None and stamped_at.tzinfo is None:
        raise ValueError("stamped_at must be an aware date-time.")
    stamp = (stamped_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", f"-//Smart Village Platform//{product_id_name}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", LOCAL_TIME_ZONE_NAME)
    for item in sorted(events, key=lambda item: (item.starts_on, item.uid)):
        vevent = Event()
        vevent.add("uid", item.uid)
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", item.starts_on)
        vevent.add("dtend", item.ends_on)
        vevent.add("summary", item.summary)
        if item.description:
            vevent.add("description", item.description)
        vevent.add("transp", "OPAQUE")
        calendar.add_component(vevent)
    return calendar.to_ical()
