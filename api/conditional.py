"""Conditional GET for the API: ``ETag``/``If-None-Match`` and ``Last-Modified``/``If-Modified-Since``.

Every recorded event (a page published, a product's price changed, a booking confirmed…) moves the
*content clock* after its transaction commits. An answer's ETag is derived from that clock, the
caller (tracked links differ per partner), the language, the path and the query, and a time window
(``API_ETAG_WINDOW_SECONDS``) so time-bound content (expiring notices, past events, released holds)
is re-read at least that often. A revalidation therefore costs one cache read and no query.
"""

import hashlib
import time
from email.utils import formatdate, parsedate_to_datetime

from django.conf import settings
from django.core.cache import cache

CLOCK_KEY = "api-content-clock"


def content_clock() -> float:
    """When content last changed (seconds since the epoch), as far as this cache knows."""
    value = cache.get(CLOCK_KEY)
    if value is None:
        value = time.time()
        cache.add(CLOCK_KEY, value, timeout=None)
        value = cache.get(CLOCK_KEY) or value
    return float(value)


def advance_content_clock() -> None:
    """Move the clock forward (called after commit of every recorded event)."""
    previous = cache.get(CLOCK_KEY) or 0.0
    cache.set(CLOCK_KEY, max(time.time(), float(previous) + 0.001), timeout=None)


def last_modified(now: float | None = None) -> float:
    now = time.time() if now is None else now
    window = settings.API_ETAG_WINDOW_SECONDS
    window_start = (now // window) * window
    return max(content_clock(), window_start)


def etag_for(*, caller: str, language: str, full_path: str, accept: str, now: float | None = None) -> str:
    changed = last_modified(now)
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
