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

At exit the background thread is stopped and waited for (at most ``EXIT_WAIT_SECONDS``) before the last
write, so a batch it is writing — or has just put back after a failed write — is not lost.

While the database cannot be reached: after a failed write no request tries to write again for
``RETRY_SECONDS`` (the background thread keeps trying), so a request waits for a down database at most
once per interval per process; and the buffer keeps at most ``BUFFER_LIMIT_FACTOR`` ×
``API_EXCHANGE_FLUSH_RECORDS`` records — beyond that the oldest are dropped, counted and logged as an
error. Usage counts (one entry per partner and day) are never dropped: quotas and reports stay right.
"""

import atexit
import hashlib
import logging
import os
import threading
from collections import defaultdict
from datetime import date, timedelta
from time import monotonic

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
#: the buffer holds at most this many times ``API_EXCHANGE_FLUSH_RECORDS`` records (the oldest go first)
BUFFER_LIMIT_FACTOR = 10
#: after a failed write, requests leave the database alone this long (the background thread retries)
RETRY_SECONDS = 5.0
#: at exit, how long to wait for the background thread to finish a write it has started
EXIT_WAIT_SECONDS = 10.0
#: dropped records are logged at most this often (and once more when writing works again, and at exit)
DROP_LOG_SECONDS = 60.0


def flush_seconds() -> float:
    return float(getattr(settings, "API_EXCHANGE_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))


def flush_records() -> int:
    return int(getattr(settings, "API_EXCHANGE_FLUSH_RECORDS", DEFAULT_FLUSH_RECORDS))


def buffer_limit() -> int:
    return max(1, flush_records()) * BUFFER_LIMIT_FACTOR


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
    *,
    partner_id: int,
    key_prefix: str,
    request,
    operation: str,
    status: int,
    body: bytes,
    digest: str | None = None,
) -> ExchangeRecord:
    """The (unsaved) record of one request, stamped now. ``digest``: the body's SHA-256 when the caller
    has it already (an answer kept with its digest), else it is computed from ``body``."""
    if digest is None:
        digest = hashlib.sha256(body).hexdigest() if body else ""
    return ExchangeRecord(
        partner_id=partner_id,
        key_prefix=key_prefix,
        method=request.method[:8],
        operation=operation[:120],
        path=_storable(request.path, 500),
        parameters=_parameters(request),
        status=status,
        response_digest=digest,
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
        #: no write attempt from a request before this (``monotonic``); 0 = the database answers
        self._retry_at = 0.0
        #: records taken by a write that has not finished (or put them back) yet
        self._in_flight = 0
        #: records dropped because the buffer was full: in all, and not yet logged
        self.dropped = 0
        self._dropped_unlogged = 0
        self._drops_logged_at = float("-inf")

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
            now = monotonic()
            if self._oldest is None:
                self._oldest = now
            self._drop_oldest_beyond_limit()
            due = seconds <= 0 or len(self._records) >= flush_records() or now - self._oldest >= seconds
            claim = None
            if due and seconds > 0:
                if now < self._retry_at:
                    due = False  # the database failed moments ago: the background thread retries
                else:
                    claim = self._retry_at = now + RETRY_SECONDS  # this request tries, no other one
        self._log_drops()
        if not due:
            self._ensure_flusher(seconds)
        elif seconds <= 0:
            self.flush()  # written before the answer leaves: a database error is this request's error
        else:
            try:
                if not self.flush():  # another thread took the batch: the claim tells nothing
                    with self._lock:
                        if self._retry_at == claim:
                            self._retry_at = 0.0
            except DatabaseError as error:  # kept: the background thread writes them
                logger.warning(
                    "exchange log: %s records wait for the database, retried in the background (%s)",
                    len(self),
                    error,
                )
                self._ensure_flusher(seconds)

    def flush(self) -> int:
        """Write what is kept (in one transaction); returns how many records were written. On a
        database error the records are kept for the next attempt (within the buffer's limit), requests
        leave the database alone for ``RETRY_SECONDS``, and the error is raised."""
        with self._lock:
            records, usage = self._records, self._usage
            self._records, self._usage, self._oldest = [], defaultdict(lambda: [0, 0]), None
            self._in_flight += len(records)
        if not records and not usage:
            return 0
        try:
            write_exchange(records, usage)
        except DatabaseError:
            with self._lock:
                self._in_flight -= len(records)
                self._records[:0] = records
                for day_key, (requests, throttled) in usage.items():
                    self._usage[day_key][0] += requests
                    self._usage[day_key][1] += throttled
                self._oldest = monotonic() if self._oldest is None else self._oldest
                self._drop_oldest_beyond_limit()
                self._retry_at = monotonic() + RETRY_SECONDS
            self._log_drops()
            raise
        with self._lock:
            self._in_flight -= len(records)
            self._retry_at = 0.0
        self._log_drops(now=True)
        return len(records)

    def _drop_oldest_beyond_limit(self) -> None:
        """(Under the lock.) Keep at most :func:`buffer_limit` records: the oldest go."""
        excess = len(self._records) - buffer_limit()
        if excess > 0:
            del self._records[:excess]
            self.dropped += excess
            self._dropped_unlogged += excess

    def _log_drops(self, *, now: bool = False) -> None:
        """Say how many records were dropped since the last line (at most once per DROP_LOG_SECONDS)."""
        if not self._dropped_unlogged:
            return
        with self._lock:
            moment = monotonic()
            if not self._dropped_unlogged or (not now and moment - self._drops_logged_at < DROP_LOG_SECONDS):
                return
            count, self._dropped_unlogged, self._drops_logged_at = self._dropped_unlogged, 0, moment
        logger.error(
            "exchange log: dropped the oldest %s records (at most %s wait while the database cannot be "
            "reached; %s dropped since the process started)",
            count,
            buffer_limit(),
            self.dropped,
        )

    def _ensure_flusher(self, seconds: float) -> None:
        """One background thread per process (a forked worker starts its own)."""
        pid = os.getpid()
        if self._flusher_pid == pid and self._flusher is not None and self._flusher.is_alive():
            return
        with self._lock:
            if self._flusher_pid == pid and self._flusher is not None and self._flusher.is_alive():
                return
            if self._stopping.is_set():
                return  # exiting: flush_at_exit writes what is left
            self._flusher_pid = pid
            self._flusher = threading.Thread(
                target=self._flush_periodically, args=(seconds,), name="exchange-log-flush", daemon=True
            )
            self._flusher.start()

    def flush_if_due(self, seconds: float, *, now: float | None = None) -> int:
        """Write what is kept when the oldest record is ``seconds`` old (the background thread's check)."""
        oldest = self._oldest
        now = monotonic() if now is None else now
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

    def flush_at_exit(self, *, wait_seconds: float | None = None) -> None:
        """Stop the background thread, wait for a write it has started (at most ``wait_seconds``, by
        default ``EXIT_WAIT_SECONDS``), then write what is left — including a batch it put back."""
        self._stopping.set()
        flusher = self._flusher
        if (
            flusher is not None
            and self._flusher_pid == os.getpid()
            and flusher is not threading.current_thread()
            and flusher.is_alive()
        ):
            flusher.join(EXIT_WAIT_SECONDS if wait_seconds is None else wait_seconds)
            if flusher.is_alive():
                logger.error(
                    "exchange log: the background write of %s records had not finished at exit; "
                    "they are lost if it fails",
                    self._in_flight,
                )
        try:
            self.flush()
        except DatabaseError as error:
            logger.error("exchange log: %s records could not be written at exit (%s)", len(self), error)
        self._log_drops(now=True)


buffer = ExchangeBuffer()
atexit.register(buffer.flush_at_exit)


def record_exchange(
    *,
    partner_id: int,
    key_prefix: str,
    request,
    operation: str,
    status: int,
    body: bytes,
    digest: str | None = None,
) -> None:
    """Log one partner request and count it in the day's usage (429 also as a refusal)."""
    record = exchange_record(
        partner_id=partner_id,
        key_prefix=key_prefix,
        request=request,
        operation=operation,
        status=status,
        body=body,
        digest=digest,
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
