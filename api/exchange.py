"""The exchange log and daily usage: what each partner asked, when, and what it got back.

Records are append-only; ``purge_exchange_log`` removes those older than ``API_EXCHANGE_LOG_DAYS``.

Writing them: every partner request adds its record (stamped with the time of the request) and its
usage count to this process's :class:`ExchangeBuffer`, which writes them to the database in one
transaction — one multi-row ``INSERT`` and one ``UPDATE`` per partner and day — when it holds
``API_EXCHANGE_FLUSH_RECORDS`` records, when its oldest record is ``API_EXCHANGE_FLUSH_SECONDS`` old
(checked by each request and by a background thread of the process, so an idle process writes too),
and when the process exits (gunicorn recycling or stopping a worker). A record is therefore in the
database within ``API_EXCHANGE_FLUSH_SECONDS`` of its request; a process killed outright (``SIGKILL``,
out of memory, power loss) loses at most that much. ``API_EXCHANGE_FLUSH_SECONDS = 0`` writes each
request's record before its answer leaves (the test settings do).
"""

import atexit
import hashlib
import logging
import os
import threading
import time
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import ExchangeRecord, UsageDay

logger = logging.getLogger(__name__)

MAX_PARAMETER_LENGTH = 200
MAX_PARAMETERS = 30
#: defaults of the two settings (``config/settings``): at most this long, or this many records, in memory
DEFAULT_FLUSH_SECONDS = 2
DEFAULT_FLUSH_RECORDS = 200


def flush_seconds() -> float:
    return float(getattr(settings, "API_EXCHANGE_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))


def flush_records() -> int:
    return int(getattr(settings, "API_EXCHANGE_FLUSH_RECORDS", DEFAULT_FLUSH_RECORDS))


def _storable(text: str, limit: int) -> str:
    """``text`` cut to ``limit``, without NUL characters (PostgreSQL refuses them in text and jsonb)."""
    return text[:limit].replace("\x00", "\ufffd")


def _parameters(request) -> dict:
    parameters = {}
    for name in list(request.GET.keys())[:MAX_PARAMETERS]:
        values = [_storable(value, MAX_PARAMETER_LENGTH) for value in request.GET.getlist(name)]
        parameters[_storable(name, MAX_PARAMETER_LENGTH)] = values[0] if len(values) == 1 else values
    return parameters


def _add_usage(partner_id: int, day: date, requests: int, throttled: int) -> None:
    changes = {"requests": F("requests") + requests}
    if throttled:
        changes["throttled"] = F("throttled") + throttled
    if UsageDay.objects.filter(partner_id=partner_id, day=day).update(**changes):
        return
    try:
        with transaction.atomic():
            UsageDay.objects.create(partner_id=partner_id, day=day, requests=requests, throttled=throttled)
    except IntegrityError:  # another process created that day's row first
        UsageDay.objects.filter(partner_id=partner_id, day=day).update(**changes)


def count_usage(*, partner_id: int, throttled: bool = False) -> None:
    """Add one request (and one refusal, if throttled) to the partner's row for today (UTC), now."""
    _add_usage(partner_id, timezone.now().date(), 1, int(throttled))


def exchange_record(
    *, partner_id: int, key_prefix: str, request, operation: str, status: int, body: bytes
) -> ExchangeRecord:
    """The (unsaved) record of one request, stamped now."""
    return ExchangeRecord(
        partner_id=partner_id,
        key_prefix=key_prefix,
        method=request.method[:8],
        operation=operation[:120],
        path=_storable(request.path, 500),
        parameters=_parameters(request),
        status=status,
        response_digest=hashlib.sha256(body).hexdigest() if body else "",
        created_at=timezone.now(),
    )


def write_exchange(records: list[ExchangeRecord], usage: dict[tuple[int, date], list[int]]) -> None:
    """Records and usage counts in one transaction that does not wait for the disk on PostgreSQL
    (``synchronous_commit off``: a database crash may lose its last fraction of a second, never the
    order of what is kept)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if records:
            ExchangeRecord.objects.bulk_create(records)
        for (partner_id, day), (requests, throttled) in sorted(usage.items()):
            _add_usage(partner_id, day, requests, throttled)


class ExchangeBuffer:
    """This process's records and usage counts not yet written (see the module docstring)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records: list[ExchangeRecord] = []
        self._usage: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
        self._oldest: float | None = None
        self._flusher: threading.Thread | None = None
        self._flusher_pid: int | None = None
        self._stopping = threading.Event()

    def __len__(self) -> int:
        return len(self._records)

    def add(self, record: ExchangeRecord, *, throttled: bool) -> None:
        """Keep ``record`` and count it in its day's usage; write everything now when due."""
        seconds = flush_seconds()
        with self._lock:
            self._records.append(record)
            counts = self._usage[(record.partner_id, record.created_at.date())]
            counts[0] += 1
            counts[1] += int(throttled)
            now = time.monotonic()
            if self._oldest is None:
                self._oldest = now
            due = seconds <= 0 or len(self._records) >= flush_records() or now - self._oldest >= seconds
        if not due:
            self._ensure_flusher(seconds)
        elif seconds <= 0:
            self.flush()  # written before the answer leaves: a database error is this request's error
        else:
            try:
                self.flush()
            except DatabaseError as error:  # kept: the next request or the thread writes them
                logger.warning("exchange log: %s records wait for the database (%s)", len(self), error)
                self._ensure_flusher(seconds)

    def flush(self) -> int:
        """Write what is kept (in one transaction); returns how many records were written. On a
        database error the records are kept for the next attempt and the error is raised."""
        with self._lock:
            records, usage = self._records, self._usage
            self._records, self._usage, self._oldest = [], defaultdict(lambda: [0, 0]), None
        if not records:
            return 0
        try:
            write_exchange(records, usage)
        except DatabaseError:
            with self._lock:
                self._records[:0] = records
                for day_key, (requests, throttled) in usage.items():
                    self._usage[day_key][0] += requests
                    self._usage[day_key][1] += throttled
                self._oldest = time.monotonic() if self._oldest is None else self._oldest
            raise
        return len(records)

    def _ensure_flusher(self, seconds: float) -> None:
        """One background thread per process (a forked worker starts its own)."""
        pid = os.getpid()
        if self._flusher_pid == pid and self._flusher is not None and self._flusher.is_alive():
            return
        with self._lock:
            if self._flusher_pid == pid and self._flusher is not None and self._flusher.is_alive():
                return
            self._flusher_pid = pid
            self._flusher = threading.Thread(
                target=self._flush_periodically, args=(seconds,), name="exchange-log-flush", daemon=True
            )
            self._flusher.start()

    def flush_if_due(self, seconds: float, *, now: float | None = None) -> int:
        """Write what is kept when the oldest record is ``seconds`` old (the background thread's check)."""
        oldest = self._oldest
        now = time.monotonic() if now is None else now
        if oldest is None or now - oldest < seconds:
            return 0
        return self.flush()

    def _flush_periodically(self, seconds: float) -> None:
        interval = max(0.05, seconds / 2)
        while not self._stopping.wait(interval):
            try:
                self.flush_if_due(seconds)
            except DatabaseError as error:
                logger.warning("exchange log: %s records wait for the database (%s)", len(self), error)
                connection.close()  # this thread's connection: the next attempt opens a new one

    def flush_at_exit(self) -> None:
        self._stopping.set()
        try:
            self.flush()
        except DatabaseError as error:
            logger.error("exchange log: %s records could not be written at exit (%s)", len(self), error)


buffer = ExchangeBuffer()
atexit.register(buffer.flush_at_exit)


def record_exchange(
    *, partner_id: int, key_prefix: str, request, operation: str, status: int, body: bytes
) -> None:
    """Log one partner request and count it in the day's usage (429 also as a refusal)."""
    record = exchange_record(
        partner_id=partner_id,
        key_prefix=key_prefix,
        request=request,
        operation=operation,
        status=status,
        body=body,
    )
    buffer.add(record, throttled=status == 429)


def flush_exchange_log() -> int:
    """Write this process's waiting records and usage counts now; returns how many records."""
    return buffer.flush()


def purge_exchange_log(*, now=None) -> int:
    """Delete records older than the retention (days); returns how many were removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.API_EXCHANGE_LOG_DAYS)
    deleted, _ = ExchangeRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
