"""What one partner request costs on its way through: the exchange log written in batches, the key and
the quota counters without extra round trips, a revalidation answered before any content is read."""

import logging
import threading
import time
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import timezone

from api import exchange, keys, quotas
from api.models import ApiKey, ExchangeRecord, UsageDay
from api.services import partners as partner_services
from core import resilience
from tests import factories


@pytest.fixture
def buffered(settings, monkeypatch):
    """The production way: records kept in memory, written by count (3 here) or age (a minute here).
    The background thread is left out: in tests it would use a database connection of its own."""
    settings.API_EXCHANGE_FLUSH_SECONDS = 60
    settings.API_EXCHANGE_FLUSH_RECORDS = 3
    monkeypatch.setattr(exchange.buffer, "_ensure_flusher", lambda seconds: None)
    for name in ("_retry_at", "dropped", "_dropped_unlogged", "_drops_logged_at"):  # restored after
        monkeypatch.setattr(exchange.buffer, name, getattr(exchange.buffer, name))
    yield exchange.buffer
    monkeypatch.undo()  # the real writer again, if a test made it fail
    exchange.buffer.flush()


def usage_of(partner) -> tuple[int, int] | None:
    row = UsageDay.objects.filter(partner=partner).first()
    return None if row is None else (row.requests, row.throttled)


@pytest.mark.django_db
def test_records_wait_in_memory_until_the_batch_is_full_then_are_written_together(api_client, buffered):
    api_client.get("/api/v1/products/")
    api_client.get("/api/v1/products/?lang=en")
    waiting = (ExchangeRecord.objects.count(), usage_of(api_client.partner), len(buffered))

    api_client.get("/api/v1/products/?category=tea")

    assert waiting == (0, None, 2)
    assert len(buffered) == 0
    assert list(ExchangeRecord.objects.order_by("created_at").values_list("parameters", flat=True)) == [
        {},
        {"lang": "en"},
        {"category": "tea"},
    ]
    assert usage_of(api_client.partner) == (3, 0)


@pytest.mark.django_db
def test_a_record_keeps_the_time_of_its_request_not_of_its_writing(api_client, buffered):
    asked_at = timezone.now() - timedelta(hours=3)
    with time_machine.travel(asked_at, tick=False):
        api_client.get("/api/v1/products/")

    written = exchange.flush_exchange_log()

    record = ExchangeRecord.objects.get(partner=api_client.partner)
    assert written == 1
    assert record.created_at == asked_at
    assert exchange.flush_exchange_log() == 0  # nothing written twice


@pytest.mark.django_db
def test_usage_is_counted_on_the_day_of_the_request(api_client, buffered):
    yesterday_noon = (timezone.now() - timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(yesterday_noon, tick=False):
        api_client.get("/api/v1/products/")
    api_client.get("/api/v1/products/")

    exchange.flush_exchange_log()

    days = dict(UsageDay.objects.filter(partner=api_client.partner).values_list("day", "requests"))
    assert days == {yesterday_noon.date(): 1, timezone.now().date(): 1}


@pytest.mark.django_db
def test_the_background_check_writes_records_once_the_oldest_is_due_and_not_before(api_client, buffered):
    api_client.get("/api/v1/products/")
    oldest = buffered._oldest

    early = buffered.flush_if_due(60, now=oldest + 59)
    count_early = ExchangeRecord.objects.count()
    due = buffered.flush_if_due(60, now=oldest + 60)

    assert (early, count_early) == (0, 0)
    assert due == 1 and ExchangeRecord.objects.count() == 1
    assert usage_of(api_client.partner) == (1, 0)


@pytest.mark.django_db
def test_records_are_written_when_the_process_exits(api_client, buffered, monkeypatch):
    monkeypatch.setattr(buffered, "_stopping", type(buffered._stopping)())  # the real one stays unset
    api_client.get("/api/v1/products/")
    api_client.get("/api/v1/products/")

    buffered.flush_at_exit()

    assert ExchangeRecord.objects.filter(partner=api_client.partner).count() == 2
    assert usage_of(api_client.partner) == (2, 0)


@pytest.mark.django_db
def test_a_database_error_keeps_the_records_for_the_next_attempt(api_client, buffered, monkeypatch):
    api_client.get("/api/v1/products/")
    api_client.get("/api/v1/products/?lang=en")
    real_write = exchange.write_exchange

    def unreachable(records, usage):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(exchange, "write_exchange", unreachable)
    with pytest.raises(OperationalError):
        exchange.flush_exchange_log()
    kept = (len(buffered), ExchangeRecord.objects.count())
    monkeypatch.setattr(exchange, "write_exchange", real_write)

    written = exchange.flush_exchange_log()

    assert kept == (2, 0)
    assert written == 2
    assert ExchangeRecord.objects.count() == 2 and usage_of(api_client.partner) == (2, 0)


@pytest.mark.django_db
def test_a_full_batch_that_cannot_be_written_does_not_fail_the_request(api_client, buffered, monkeypatch):
    def unreachable(records, usage):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(exchange, "write_exchange", unreachable)
    statuses = [api_client.get("/api/v1/products/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 200]
    assert len(buffered) == 4 and ExchangeRecord.objects.count() == 0


@pytest.mark.django_db
def test_written_per_request_when_the_flush_interval_is_zero(api_client, settings):
    settings.API_EXCHANGE_FLUSH_SECONDS = 0

    api_client.get("/api/v1/products/")

    assert ExchangeRecord.objects.filter(partner=api_client.partner).count() == 1
    assert len(exchange.buffer) == 0
    assert usage_of(api_client.partner) == (1, 0)


@pytest.mark.django_db
def test_a_revalidation_reads_no_row_and_writes_none_on_its_way(
    api_client, buffered, tea, django_assert_num_queries
):
    first = api_client.get("/api/v1/products/")

    with django_assert_num_queries(0):
        again = api_client.get("/api/v1/products/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == "private, no-cache"
    assert again["Content-Language"] == "vi"
    assert int(again["X-RateLimit-Remaining"]) == int(first["X-RateLimit-Remaining"]) - 1
    exchange.flush_exchange_log()
    statuses = list(ExchangeRecord.objects.order_by("created_at").values_list("status", flat=True))
    assert statuses == [200, 304]


@pytest.mark.django_db
def test_the_key_is_kept_in_process_memory_and_dropped_when_its_generation_moves(
    api_client, buffered, django_assert_num_queries
):
    api_key = ApiKey.objects.get(partner=api_client.partner)
    assert api_client.get("/api/v1/products/").status_code == 200
    generation = cache.get(keys.GENERATION_KEY)
    cache.delete(keys._cache_key(api_key.prefix, generation))  # only this process's copy is left

    with django_assert_num_queries(0):
        from_memory = keys.find_key(api_key.prefix)
    partner_services.revoke_key(api_key=api_key, actor=api_client.partner.owner)
    after_revocation = api_client.get("/api/v1/products/?lang=en")

    assert from_memory is not None and from_memory.pk == api_key.pk
    assert after_revocation.status_code == 401
    assert keys.find_key(api_key.prefix).is_active is False


def test_the_process_copy_of_a_key_expires(monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(keys.time, "monotonic", lambda: clock["now"])
    keys.forget_local_keys()
    marker = object()

    keys._remember_locally("abcdefghij", 7, marker)
    fresh = keys._found_locally("abcdefghij", 7)
    other_generation = keys._found_locally("abcdefghij", 8)
    clock["now"] += keys.KEY_LOCAL_SECONDS + 1
    expired = keys._found_locally("abcdefghij", 7)

    assert fresh is marker
    assert other_generation is None and expired is None
    keys.forget_local_keys()


@pytest.mark.skipif(not quotas.settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_on_redis_both_quota_windows_move_in_one_round_trip(monkeypatch):
    def no_fallback(*args, **kwargs):
        raise AssertionError("counted outside the one-round-trip script")

    monkeypatch.setattr(quotas, "_count", no_fallback)
    identity = f"p-test-{timezone.now().timestamp()}"
    quota = quotas.Quota(per_minute=2, per_day=100)
    now = 1_800_000_000.0

    first = quotas.take(identity, quota, now=now)
    second = quotas.take(identity, quota, now=now + 1)
    third = quotas.take(identity, quota, now=now + 2)

    assert (first.used_minute, second.used_minute, third.used_minute) == (1, 2, 3)
    assert (first.used_day, third.used_day) == (1, 3)
    assert (second.allowed, third.allowed) == (True, False)
    client = cache.client.get_client(write=True)
    minute_key = cache.make_key(f"api-quota:m:{identity}:{int(now // 60)}")
    day_key = cache.make_key(f"api-quota:d:{identity}:{int(now // quotas.SECONDS_PER_DAY)}")
    assert 0 < client.ttl(minute_key) <= quotas.MINUTE_WINDOW_TIMEOUT
    assert quotas.MINUTE_WINDOW_TIMEOUT < client.ttl(day_key) <= quotas.DAY_WINDOW_TIMEOUT
    assert cache.get(f"api-quota:m:{identity}:{int(now // 60)}") == 3  # the cache reads the same counter
    cache.delete_many(
        [f"api-quota:m:{identity}:{int(now // 60)}", f"api-quota:d:{identity}:{int(now // 86400)}"]
    )


# --- the exit flush, the buffer's limit and the back-off ---------------------------------------------

PARTNER_ID = 7


def record(number: int, *, throttled: bool = False):
    """An unsaved record numbered in its parameters (these tests write with a stand-in writer)."""
    request = RequestFactory().get("/api/v1/products/", {"n": str(number)})
    return exchange.exchange_record(
        partner_id=PARTNER_ID,
        key_prefix="abcdefghij",
        request=request,
        operation="products-list",
        status=429 if throttled else 200,
        body=b"{}",
    )


def numbers(records) -> list[int]:
    return [int(item.parameters["n"]) for item in records]


def unreachable(records, usage):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


class HeldWriter:
    """Stands in for ``write_exchange``: the background thread's first write waits inside until
    ``release`` (and then fails when ``fail_held``); every completed write is kept, with its thread."""

    def __init__(self, buffer, *, fail_held: bool = False):
        self.buffer = buffer
        self.fail_held = fail_held
        self.inside, self.release = threading.Event(), threading.Event()
        self.written: list[tuple[str, list[int], dict]] = []

    def __call__(self, records, usage):
        held = threading.current_thread() is self.buffer._flusher and not self.inside.is_set()
        if held:
            self.inside.set()
            assert self.release.wait(10)
            if self.fail_held:
                raise OperationalError("server closed the connection unexpectedly")
        who = "flusher" if threading.current_thread() is self.buffer._flusher else "exit"
        self.written.append((who, numbers(records), {key: list(value) for key, value in usage.items()}))


@pytest.fixture
def fast_flusher(settings):
    """A buffer of its own whose real background thread writes records 0.1 s old."""
    settings.API_EXCHANGE_FLUSH_SECONDS = 0.1
    settings.API_EXCHANGE_FLUSH_RECORDS = 100
    buffer = exchange.ExchangeBuffer()
    yield buffer
    buffer._stopping.set()
    if buffer._flusher is not None:
        buffer._flusher.join(10)


def test_the_exit_flush_waits_for_a_write_the_thread_has_started_and_loses_nothing(fast_flusher, monkeypatch):
    writer = HeldWriter(fast_flusher)
    monkeypatch.setattr(exchange, "write_exchange", writer)
    fast_flusher.add(record(1), throttled=False)
    fast_flusher.add(record(2, throttled=True), throttled=True)
    assert writer.inside.wait(10)  # the thread took both records and is writing them
    fast_flusher.add(record(3), throttled=False)  # a request answered meanwhile
    threading.Timer(0.3, writer.release.set).start()

    started = time.monotonic()
    fast_flusher.flush_at_exit()
    waited = time.monotonic() - started

    today = timezone.now().date()
    assert writer.written == [
        ("flusher", [1, 2], {(PARTNER_ID, today): [2, 1]}),
        ("exit", [3], {(PARTNER_ID, today): [1, 0]}),
    ]
    assert waited >= 0.2
    assert not fast_flusher._flusher.is_alive()
    assert len(fast_flusher) == 0 and fast_flusher._in_flight == 0


def test_a_batch_the_thread_puts_back_after_a_failed_write_is_written_at_exit(
    fast_flusher, monkeypatch, caplog
):
    writer = HeldWriter(fast_flusher, fail_held=True)
    monkeypatch.setattr(exchange, "write_exchange", writer)
    fast_flusher.add(record(1), throttled=False)
    fast_flusher.add(record(2), throttled=False)
    assert writer.inside.wait(10)
    fast_flusher.add(record(3, throttled=True), throttled=True)
    threading.Timer(0.3, writer.release.set).start()

    fast_flusher.flush_at_exit()

    today = timezone.now().date()
    assert writer.written == [("exit", [1, 2, 3], {(PARTNER_ID, today): [3, 1]})]
    assert len(fast_flusher) == 0 and fast_flusher._in_flight == 0
    assert not [line for line in caplog.records if line.levelno >= logging.ERROR]


def test_a_thread_write_that_outlasts_the_exit_wait_is_named_in_the_log(fast_flusher, monkeypatch, caplog):
    writer = HeldWriter(fast_flusher)
    monkeypatch.setattr(exchange, "write_exchange", writer)
    fast_flusher.add(record(1), throttled=False)
    fast_flusher.add(record(2), throttled=False)
    assert writer.inside.wait(10)
    fast_flusher.add(record(3), throttled=False)

    fast_flusher.flush_at_exit(wait_seconds=0.1)
    at_exit = list(writer.written)
    writer.release.set()
    fast_flusher._flusher.join(10)

    assert at_exit == [("exit", [3], {(PARTNER_ID, timezone.now().date()): [1, 0]})]
    errors = [line.getMessage() for line in caplog.records if line.levelno >= logging.ERROR]
    assert errors == [
        "exchange log: the background write of 2 records had not finished at exit; they are lost if it fails"
    ]


@pytest.fixture
def clock(monkeypatch):
    now = {"value": 5000.0}
    monkeypatch.setattr(exchange, "monotonic", lambda: now["value"])
    return now


@pytest.fixture
def quiet_buffer(settings, monkeypatch):
    """A buffer of its own, writing by count (3; at most 30 kept), without its background thread."""
    settings.API_EXCHANGE_FLUSH_SECONDS = 60
    settings.API_EXCHANGE_FLUSH_RECORDS = 3
    buffer = exchange.ExchangeBuffer()
    monkeypatch.setattr(buffer, "_ensure_flusher", lambda seconds: None)
    return buffer


def test_a_full_buffer_drops_its_oldest_records_counts_and_logs_them(
    quiet_buffer, clock, monkeypatch, caplog
):
    caplog.set_level(logging.WARNING, logger="api.exchange")
    monkeypatch.setattr(exchange, "write_exchange", unreachable)
    for number in range(35):
        quiet_buffer.add(record(number, throttled=number % 5 == 0), throttled=number % 5 == 0)
    kept = numbers(quiet_buffer._records)
    errors_while_down = [line.getMessage() for line in caplog.records if line.levelno >= logging.ERROR]
    written = []
    monkeypatch.setattr(
        exchange, "write_exchange", lambda records, usage: written.append((numbers(records), dict(usage)))
    )

    clock["value"] += exchange.RETRY_SECONDS
    quiet_buffer.flush()  # the database is back

    assert exchange.buffer_limit() == 30
    assert kept == list(range(5, 35))
    assert quiet_buffer.dropped == 5
    assert errors_while_down == [
        "exchange log: dropped the oldest 1 records (at most 30 wait while the database cannot be reached; "
        "1 dropped since the process started)"
    ]
    # the usage of the dropped records is still counted: 35 requests, 7 of them throttled
    assert written == [(list(range(5, 35)), {(PARTNER_ID, timezone.now().date()): [35, 7]})]
    errors = [line.getMessage() for line in caplog.records if line.levelno >= logging.ERROR]
    assert errors[1:] == [
        "exchange log: dropped the oldest 4 records (at most 30 wait while the database cannot be reached; "
        "5 dropped since the process started)"
    ]
    assert len(quiet_buffer) == 0


def test_after_a_failed_write_requests_leave_the_database_alone_for_the_retry_interval(
    quiet_buffer, clock, monkeypatch
):
    attempts = []

    def down(records, usage):
        attempts.append((clock["value"], len(records)))
        unreachable(records, usage)

    monkeypatch.setattr(exchange, "write_exchange", down)
    for number in range(12):  # a full batch (3) and then nine more requests in the same moment
        quiet_buffer.add(record(number), throttled=False)
    attempts_at_once = list(attempts)
    clock["value"] += exchange.RETRY_SECONDS - 0.01
    quiet_buffer.add(record(12), throttled=False)
    attempts_just_before = list(attempts)
    clock["value"] += 0.01
    quiet_buffer.add(record(13), throttled=False)
    quiet_buffer.add(record(14), throttled=False)

    assert attempts_at_once == [(5000.0, 3)]
    assert attempts_just_before == attempts_at_once
    assert attempts == [(5000.0, 3), (5000.0 + exchange.RETRY_SECONDS, 14)]
    assert len(quiet_buffer) == 15


def test_a_write_that_works_ends_the_back_off(quiet_buffer, clock, monkeypatch):
    monkeypatch.setattr(exchange, "write_exchange", unreachable)
    for number in range(3):
        quiet_buffer.add(record(number), throttled=False)
    written = []
    monkeypatch.setattr(exchange, "write_exchange", lambda records, usage: written.append(numbers(records)))
    clock["value"] += 1
    quiet_buffer.flush_if_due(0.5)  # the background thread finds the database back

    for number in range(3, 6):
        quiet_buffer.add(record(number), throttled=False)

    assert written == [[0, 1, 2], [3, 4, 5]]
    assert quiet_buffer._retry_at == 0.0


@pytest.mark.django_db
def test_requests_during_a_database_outage_try_to_write_once_per_interval(
    api_client, buffered, clock, monkeypatch
):
    attempts = []

    def down(records, usage):
        attempts.append(len(records))
        unreachable(records, usage)

    monkeypatch.setattr(exchange, "write_exchange", down)
    statuses = [api_client.get("/api/v1/products/").status_code for _ in range(6)]

    assert statuses == [200] * 6
    assert attempts == [3]
    assert len(buffered) == 6 and ExchangeRecord.objects.count() == 0


# --- revocation when the shared cache is down or has lost the generation ------------------------------

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    """The production cache (ResilientRedisCache) pointed at a port where nothing listens."""

    def stop():
        settings.CACHES = {
            "default": {
                "BACKEND": "core.resilience.ResilientRedisCache",
                "LOCATION": DEAD_REDIS,
                "KEY_PREFIX": f"svp-h13-{uuid.uuid4().hex[:12]}",
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "RETRY_SECONDS": 5},
            }
        }

    yield stop
    resilience._local_counters.clear()  # the quota counted in this process's memory meanwhile
    resilience._fallback_logged["at"] = float("-inf")


@pytest.mark.django_db
def test_a_key_revoked_while_redis_is_down_is_refused_on_the_next_request(
    api_client, redis_down, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="api.keys")
    api_key = ApiKey.objects.get(partner=api_client.partner)
    before = api_client.get("/api/v1/products/")
    generation = cache.get(keys.GENERATION_KEY)
    kept = keys._found_locally(api_key.prefix, generation)
    redis_down()

    during = api_client.get("/api/v1/products/?lang=en")
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        partner_services.revoke_key(api_key=api_key, actor=api_client.partner.owner)
    after = api_client.get("/api/v1/products/", HTTP_ACCEPT_LANGUAGE="en")

    assert before.status_code == 200 and kept is not None and kept.pk == api_key.pk
    assert resilience.cache_is_degraded()
    assert during.status_code == 200
    assert after.status_code == 401
    assert after.json()["error"]["message"] == "This API key has been revoked; use your new key."
    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None
    moves = [line.getMessage() for line in caplog.records if line.name == "api.keys"]
    assert len(after_commit) == 1  # the move tried again once the revocation committed
    assert len(moves) == 2 and all(move.startswith("API key generation not moved: ") for move in moves)


@pytest.mark.django_db
def test_a_suspension_whose_generation_move_is_lost_still_empties_this_processs_copies(
    api_client, monkeypatch
):
    api_key = ApiKey.objects.get(partner=api_client.partner)
    assert api_client.get("/api/v1/products/").status_code == 200
    generation = cache.get(keys.GENERATION_KEY)
    cache.delete(keys._cache_key(api_key.prefix, generation))  # only this process's copy is left
    monkeypatch.setattr(keys, "_move_generation", lambda: None)  # the move did not reach the cache
    admin = factories.make_user("reviewer@example.org", superuser=True)

    partner_services.suspend_partner(partner=api_client.partner, reviewer=admin, reason="Scraping.")
    after = api_client.get("/api/v1/products/?lang=en")

    assert cache.get(keys.GENERATION_KEY) == generation
    assert after.status_code == 403


@pytest.mark.django_db
def test_a_generation_lost_from_the_cache_starts_above_every_earlier_one(api_client):
    api_key = ApiKey.objects.get(partner=api_client.partner)
    assert api_client.get("/api/v1/products/").status_code == 200
    first = cache.get(keys.GENERATION_KEY)
    stale = keys.find_key(api_key.prefix)  # the row as read before the revocation
    ApiKey.objects.filter(pk=api_key.pk).update(revoked_at=timezone.now())  # no generation move
    for generation in (1, 2, first, first + 1):  # copies kept under every earlier generation
        keys._remember_locally(api_key.prefix, generation, stale)
        cache.set(keys._cache_key(api_key.prefix, generation), stale, timeout=keys.KEY_CACHE_SECONDS)
    cache.delete(keys.GENERATION_KEY)  # evicted

    after = api_client.get("/api/v1/products/?lang=en")
    reseeded = cache.get(keys.GENERATION_KEY)
    cache.delete(keys.GENERATION_KEY)
    keys._move_generation()  # a revocation finding no generation starts one the same way
    moved = cache.get(keys.GENERATION_KEY)

    assert after.status_code == 401
    assert reseeded > first + 1
    assert moved > reseeded
    keys.forget_local_keys()
