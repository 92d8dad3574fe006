"""iCal sync: each unit's nights exported at a secret address, outside calendars imported as blocks.

Import is keyed by each event's UID, so the next sync picks up moved, shortened and removed events. An
imported event that overlaps one of our bookings (or another block) is kept, flagged ``is_conflict``
and announced to the host — never silently dropped, and never allowed to push our booking out. A feed
that cannot be read or parsed keeps its previous blocks and records the error. The download happens
before any transaction (no lock is held across HTTP).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event
from core.net import FetchError, UnsafeURL, check_public_url, fetch_public

from .. import availability
from ..acting import acting_for_host
from ..exceptions import TourismError, TourismErrorCode
from ..ical import CalendarError, ExportEvent, ExternalEvent, build_calendar, parse_calendar
from ..models import Block, BlockSource, CalendarFeed, Occupancy, Unit
from .bookings import clear_expired_holds_on

EXPORT_DAYS_BACK = 30


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    conflicts: int = 0


def _allow_private() -> bool:
    return bool(settings.TOURISM_ICAL_ALLOW_PRIVATE_HOSTS)


def add_feed(*, unit: Unit, actor, name: str, url: str) -> CalendarFeed:
    """Connect an outside calendar by its ``.ics`` address (public http/https only)."""
    acting = acting_for_host(user=actor, host=unit.service.host)
    name = (name or "").strip()[:80] or _("Other calendar")
    try:
        check_public_url((url or "").strip(), allow_private=_allow_private())
    except UnsafeURL as error:
        raise ValidationError({"url": error.message}) from error
    feed = CalendarFeed(unit=unit, name=name, url=url.strip())
    feed.full_clean(exclude=["unit"])
    with transaction.atomic():
        feed.save()
        record_event(
            "tourism.calendar.connected", subject=unit, commune_id=unit.service.commune_id,
            payload={"feed": feed.pk, "name": name}, **acting.event_kwargs,
        )  # fmt: skip
    return feed


def remove_feed(*, feed: CalendarFeed, actor) -> None:
    """Disconnect a calendar: its blocks go, and their nights open again."""
    unit = feed.unit
    acting = acting_for_host(user=actor, host=unit.service.host)
    with transaction.atomic():
        record_event(
            "tourism.calendar.disconnected", subject=unit, commune_id=unit.service.commune_id,
            payload={"feed": feed.pk, "name": feed.name}, **acting.event_kwargs,
        )  # fmt: skip
        feed.delete()


def _download(feed: CalendarFeed) -> bytes:
    try:
        return fetch_public(
            feed.url, max_bytes=int(settings.TOURISM_ICAL_MAX_BYTES), allow_private=_allow_private()
        )
    except FetchError as error:
        raise TourismError(TourismErrorCode.CALENDAR_UNREACHABLE, error.message, field="url") from error


def _parse(data: bytes) -> list[ExternalEvent]:
    try:
        return parse_calendar(
            data,
            max_bytes=int(settings.TOURISM_ICAL_MAX_BYTES),
            max_events=int(settings.TOURISM_ICAL_MAX_EVENTS),
            today=timezone.localdate(),
        )
    except CalendarError as error:
        raise TourismError(TourismErrorCode.INVALID_CALENDAR, error.message, field="file") from error


def _record_failure(feed: CalendarFeed, message: str) -> None:
    CalendarFeed.objects.filter(pk=feed.pk).update(last_error=message[:300])


def _place(block: Block, *, unit: Unit, now) -> bool:
    """Give ``block`` its nights, or flag it as a conflict when something else holds any of them."""
    Occupancy.objects.filter(block=block).delete()
    taken = availability.taken_nights(unit, starts_on=block.starts_on, ends_on=block.ends_on, now=now)
    placed = not taken.exists()
    if placed:
        try:
            with transaction.atomic():
                Occupancy.objects.create(
                    unit=unit, starts_on=block.starts_on, ends_on=block.ends_on, block=block
                )
        except IntegrityError:
            placed = False
    if block.is_conflict == placed:
        block.is_conflict = not placed
        block.save(update_fields=["is_conflict"])
    return placed


def sync_feed(*, feed: CalendarFeed, data: bytes | None = None, actor=None) -> SyncResult:
    """Read the feed (or the uploaded ``data``) and make its blocks match its events, by UID.

    Raises ``CALENDAR_UNREACHABLE`` / ``INVALID_CALENDAR`` with the reason (also stored on the feed); the
    previous blocks then stay as they were.
    """
    unit = feed.unit
    if actor is not None:
        acting_for_host(user=actor, host=unit.service.host)
    if data is None and not feed.url:
        raise TourismError(
            TourismErrorCode.CALENDAR_HAS_NO_ADDRESS,
            _("An uploaded calendar is updated by uploading the file again."),
        )
    try:
        events = _parse(data if data is not None else _download(feed))
    except TourismError as error:
        _record_failure(feed, error.message)
        raise
    return _apply(feed, events)


def _apply(feed: CalendarFeed, events: list[ExternalEvent]) -> SyncResult:
    """Make the feed's blocks match ``events`` (by UID) under the unit's lock."""
    unit = feed.unit
    now = timezone.now()
    counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0, "conflicts": 0}
    new_conflicts = []
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        clear_expired_holds_on(locked, now=now)
        existing = {block.uid: block for block in Block.objects.filter(feed=feed)}
        event_uids = {event.uid for event in events}
        # remove first, so that a moved event can take nights another event of this feed left
        for uid, block in existing.items():
            if uid not in event_uids:
                block.delete()
                counts["removed"] += 1
        for event in events:
            block = existing.get(event.uid)
            if block is None:
                block = Block.objects.create(
                    unit=locked, starts_on=event.starts_on, ends_on=event.ends_on,
                    source=BlockSource.CALENDAR, feed=feed, uid=event.uid[:255], summary=event.summary[:200],
                )  # fmt: skip
                counts["added"] += 1
                was_conflict = False
            elif (block.starts_on, block.ends_on, block.summary) != (
                event.starts_on,
                event.ends_on,
                event.summary[:200],
            ):
                was_conflict = block.is_conflict
                block.starts_on, block.ends_on, block.summary = (
                    event.starts_on,
                    event.ends_on,
                    event.summary[:200],
                )
                block.save(update_fields=["starts_on", "ends_on", "summary"])
                counts["updated"] += 1
            else:
                was_conflict = block.is_conflict
                counts["unchanged"] += 1
                if not block.is_conflict and Occupancy.objects.filter(block=block).exists():
                    continue
            if not _place(block, unit=locked, now=now):
                counts["conflicts"] += 1
                if not was_conflict:
                    new_conflicts.append(block)
        CalendarFeed.objects.filter(pk=feed.pk).update(last_synced_at=now, last_error="")
        record_event(
            "tourism.calendar.synced", subject=locked, commune_id=unit.service.commune_id,
            payload={"feed": feed.pk, **counts},
        )  # fmt: skip
        for block in new_conflicts:
            record_event(
                "tourism.calendar.conflict", subject=block, commune_id=unit.service.commune_id,
                payload={
                    "feed": feed.name, "unit": locked.pk, "from": block.starts_on.isoformat(),
                    "until": block.ends_on.isoformat(), "summary": block.summary,
                },
            )  # fmt: skip
    return SyncResult(**counts)


def import_file(*, unit: Unit, actor, name: str, data: bytes) -> tuple[CalendarFeed, SyncResult]:
    """Import an uploaded ``.ics`` file as a calendar without an address (upload again to update it)."""
    acting_for_host(user=actor, host=unit.service.host)
    name = (name or "").strip()[:80] or _("Uploaded calendar")
    events = _parse(data)  # a bad file is refused before anything is created
    feed, _created = CalendarFeed.objects.get_or_create(unit=unit, name=name, url="")
    return feed, _apply(feed, events)


def sync_all_feeds() -> int:
    """Sync every feed with an address; a failing feed keeps its blocks and its error (periodic task)."""
    synced = 0
    for feed in CalendarFeed.objects.exclude(url="").select_related("unit__service"):
        try:
            sync_feed(feed=feed)
        except TourismError:
            continue
        synced += 1
    return synced


def unit_calendar_ics(unit: Unit) -> bytes:
    """The export feed of ``unit``: every night taken from a month ago on, without guests' names."""
    now = timezone.now()
    since = timezone.localdate(now) - timedelta(days=EXPORT_DAYS_BACK)
    rows = (
        Occupancy.objects.filter(availability.still_counts(now), unit=unit, ends_on__gt=since)
        .select_related("booking", "block")
        .order_by("starts_on", "pk")
    )
    events = []
    for row in rows:
        if row.booking_id:
            uid, summary = f"booking-{row.booking.reference}@smart-village", "Booked"
        else:
            uid, summary = f"block-{row.block_id}@smart-village", "Not available"
        events.append(ExportEvent(uid=uid, starts_on=row.starts_on, ends_on=row.ends_on, summary=summary))
    return build_calendar(
        product_id_name="Homestay calendar",
        calendar_name=f"{unit.service.title_vi} · {unit.name_vi}",
        events=events,
    )
