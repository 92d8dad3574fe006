"""Conditional GET for the API: ``ETag``/``If-None-Match`` and ``Last-Modified``/``If-Modified-Since``.

Every recorded event (a page published, a product's price changed, a booking confirmed…) moves the
*content clock* after its transaction commits. An answer's ETag is derived from that clock, the
caller (tracked links differ per partner), the language, the path and the query, and a time window
(``API_ETAG_WINDOW_SECONDS``) so time-bound content (expiring notices, past events, released holds)
is re-read at least that often. A revalidation therefore costs one cache read and no query.

A cache that has no clock yet (a new process with the local-memory cache, a restarted or emptied
Redis) starts it at the time of the latest recorded content event, not at "now": every process then
derives the same ETags, also after gunicorn recycles a worker, so revalidations keep answering 304.
"""

import hashlib
import time
from contextvars import ContextVar
from email.utils import formatdate, parsedate_to_datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

CLOCK_KEY = "api-content-clock"


def content_clock(value=None) -> float:
    """When content last changed (seconds since the epoch), as far as this cache knows.

    ``value``: the clock as already read from the cache (with other keys, in one round trip)."""
    if value is None:
        value = cache.get(CLOCK_KEY)
    if value is None:
        value = clock_from_events()
        cache.add(CLOCK_KEY, value, timeout=None)
        value = cache.get(CLOCK_KEY) or value
    return float(value)


def clock_from_events() -> float:
    """When the latest content event was recorded (the exchange's own ``api.*`` bookkeeping changes no
    content, see ``api.registration``); the epoch when there is none (the ETag window then decides
    alone); now when the database cannot say."""
    from core.models import Event

    try:
        latest = (
            Event.objects.exclude(name__startswith="api.")
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
    except DatabaseError:
        return time.time()
    return latest.timestamp() if latest is not None else 0.0


def advance_content_clock() -> None:
    """Move the clock forward (called after commit of every recorded event)."""
    previous = cache.get(CLOCK_KEY) or 0.0
    value = max(time.time(), float(previous) + 0.001)
    cache.set(CLOCK_KEY, value, timeout=None)
    _moved_here.set(value)


#: the clock value this thread last moved it to, since :func:`start_of_request` (a view may move the
#: clock after the request read it, e.g. the indicators when recomputed values are newer)
_moved_here: ContextVar[float | None] = ContextVar("api_content_clock_moved_here", default=None)


def start_of_request() -> None:
    _moved_here.set(None)


def clock_of_request(read_at_start) -> float | None:
    """The clock as the request read it at its start, or the value this thread moved it to since."""
    moved = _moved_here.get()
    if moved is None:
        return read_at_start
    return moved if read_at_start is None else max(float(read_at_start), moved)


def last_modified(now: float | None = None, *, clock: float | None = None) -> float:
    now = time.time() if now is None else now
    window = settings.API_ETAG_WINDOW_SECONDS
    window_start = (now // window) * window
    return max(content_clock(clock), window_start)


def etag_for(
    *,
    caller: str,
    language: str,
    full_path: str,
    accept: str,
    now: float | None = None,
    modified: float | None = None,
) -> str:
    """``modified``: :func:`last_modified` when the caller has it already (else it is read)."""
    changed = last_modified(now) if modified is None else modified
    material = f"v1|{changed:.6f}|{caller}|{language}|{full_path}|{accept}"
    return '"' + hashlib.sha256(material.encode()).hexdigest()[:32] + '"'


def http_date(timestamp: float) -> str:
    return formatdate(int(timestamp), usegmt=True)


def is_not_modified(request, *, etag: str, modified: float) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        presented = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in presented or etag in presented
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return int(modified) <= since
    return False
