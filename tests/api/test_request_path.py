"""What one partner request costs on its way through: the exchange log written in batches, the key and
the quota counters without extra round trips, a revalidation answered before any content is read."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from api import exchange, keys, quotas
from api.models import ApiKey, ExchangeRecord, UsageDay
from api.services import partners as partner_services


@pytest.fixture
def buffered(settings, monkeypatch):
    """The production way: records kept in memory, written by count (3 here) or age (a minute here).
    The background thread is left out: in tests it would use a database connection of its own."""
    settings.API_EXCHANGE_FLUSH_SECONDS = 60
    settings.API_EXCHANGE_FLUSH_RECORDS = 3
    monkeypatch.setattr(exchange.buffer, "_ensure_flusher", lambda seconds: None)
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
