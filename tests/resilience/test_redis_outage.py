"""Redis stops: public pages, the partner API and logged-in pages are still served (from the database,
slower), quotas still count (in each process's memory), and the log says once that the cache is down —
not once per cache call. When Redis comes back, the cache is used again and the log says so.

Nothing stops the machine's redis-server: the cache is pointed at a port where nothing listens, or at a
local TCP relay to the real Redis that the test cuts and restores."""

import contextlib
import logging
import os
import socket
import threading
import time
import uuid

import pytest
import redis
from django.core.cache import cache

from core import resilience
from tests.conftest import require_or_skip

DEAD_REDIS = "redis://127.0.0.1:1/0"
QUOTA = {"per_minute": 3, "per_day": 1000}


def resilient_cache(location: str, **options) -> dict:
    return {
        "default": {
            "BACKEND": "core.resilience.ResilientRedisCache",
            "LOCATION": location,
            # a prefix of its own: never touch (or clear) what another run keeps in the same Redis
            "KEY_PREFIX": f"svp-resilience-{uuid.uuid4().hex[:12]}",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "RETRY_SECONDS": 5,
                "LOG_INTERVAL_SECONDS": 60,
                **options,
            },
        }
    }


@pytest.fixture(autouse=True)
def _fresh_local_counters():
    """The in-process fallback counters (and their log line) start empty in every test."""
    resilience._local_counters.clear()
    resilience._fallback_logged["at"] = float("-inf")
    yield
    resilience._local_counters.clear()


@pytest.fixture
def connection_attempts(monkeypatch):
    """How many times a connection to Redis was opened (or tried)."""
    attempts = []
    connect = redis.connection.AbstractConnection.connect

    def counting_connect(self, *args, **kwargs):
        attempts.append(time.monotonic())
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "connect", counting_connect)
    return attempts


@pytest.fixture
def cache_log(caplog):
    caplog.set_level(logging.WARNING, logger="core.resilience")
    return caplog


def cache_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "core.resilience"]


@pytest.fixture
def dead_redis(settings, connection_attempts):
    settings.CACHES = resilient_cache(DEAD_REDIS)
    settings.PAGE_CACHE_SECONDS = 300  # the anonymous page cache and the API answer cache are on,
    settings.API_RESPONSE_CACHE_SECONDS = 300  # as in production: both must cope without Redis
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # production's, with Redis
    settings.API_TIER_QUOTAS = dict.fromkeys(settings.API_TIER_QUOTAS, QUOTA)
    return connection_attempts


@pytest.mark.django_db
def test_pages_the_api_and_sessions_are_served_while_redis_is_down(
    client, api_client, buyer, site_tree, tea, dead_redis, cache_log
):
    en = site_tree["en"]
    commune = site_tree["a"]["commune"].get_translation(en)
    guide = site_tree["a"]["guide"].get_translation(en)
    public_pages = ["/en/", commune.url, guide.url, "/en/market/", f"/en/market/p/{tea.slug}/"]

    # when visitors read public pages (twice: the page cache cannot keep them)
    statuses = [client.get(path).status_code for path in public_pages * 2]
    # and a partner calls the API
    answers = [api_client.get("/api/v1/products/") for _request in range(4)]
    # and a logged-in buyer opens a private page
    client.force_login(buyer)
    private = client.get("/en/market/my-orders/")

    # then every page answered, from the database
    assert statuses == [200] * len(public_pages) * 2
    assert [answer.status_code for answer in answers[:3]] == [200, 200, 200]
    assert [item["id"] for item in answers[0].json()["results"]] == [tea.pk]
    assert private.status_code == 200
    assert private.wsgi_request.user == buyer  # the session was found (in the database)
    # and the partner's quota still counted (in this process) and held
    assert [answer["X-RateLimit-Remaining"] for answer in answers[:3]] == ["2", "1", "0"]
    assert answers[3].status_code == 429
    assert answers[3].json()["error"]["status"] == 429
    # and Redis was tried once, then left alone (one log line for the outage, one for the fallback)
    assert len(dead_redis) == 1
    assert cache_lines(cache_log) == [
        "cache 127.0.0.1:1/0 unavailable (ConnectionError: Error 111 connecting to 127.0.0.1:1. "
        "Connection refused.): serving without it, retrying every 5s",
        "shared cache unavailable: counting limits in this process's memory",
    ]
    assert resilience.cache_is_degraded()
    # and /readyz keeps the node in the load balancer while naming the cache as degraded
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["cache"]["ok"] is False


@pytest.mark.django_db
def test_after_the_retry_interval_redis_is_tried_again_and_the_outage_is_logged_once_a_minute(
    client, site_tree, dead_redis, cache_log, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(resilience.time, "monotonic", lambda: now[0])
    for second in (0, 1, 4, 6, 7, 12, 30, 59, 61, 65):
        now[0] = 1000.0 + second
        assert client.get("/en/").status_code == 200

    # tried at 0 s, then once each 5 s pause is over (6, 12, 30, 59 and 65 s), never in between
    assert len(dead_redis) == 6
    # and said at 0 s and again once a minute had passed (65 s)
    assert [line.split(" (")[0] for line in cache_lines(cache_log)] == ["cache 127.0.0.1:1/0 unavailable"] * 2


# --- Redis really stopping and coming back (through a relay the test can cut) --------------------------


class Relay:
    """A TCP relay on 127.0.0.1 to the real Redis, which can be cut (connections reset, port closed)
    and restored on the same port."""

    def __init__(self, url: str, target: tuple[str, int]):
        self.url = url
        self.target = target
        self.port = 0
        self.listener: socket.socket | None = None
        self.open_sockets: list[socket.socket] = []

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.open_sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def upstream(self) -> redis.Redis:
        """A client of the real Redis, past the relay."""
        return redis.Redis.from_url(self.url)

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; the port now refuses
        self.listener.close()
        for end in self.open_sockets:
            try:
                end.shutdown(socket.SHUT_RDWR)
                end.close()
            except OSError:
                pass
        self.open_sockets = []


@pytest.fixture
def redis_relay():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        require_or_skip(False, "REDIS_URL", "skipped: no Redis to relay to")
    options = client.connection_pool.connection_kwargs
    relay = Relay(url, (options.get("host", "127.0.0.1"), int(options.get("port", 6379))))
    relay.start()
    yield relay, options.get("db", 0)
    relay.cut()


@pytest.mark.django_db
def test_redis_stopping_mid_traffic_then_coming_back(
    client, api_client, site_tree, settings, redis_relay, cache_log, monkeypatch
):
    relay, database = redis_relay
    settings.CACHES = resilient_cache(f"redis://127.0.0.1:{relay.port}/{database}")
    settings.PAGE_CACHE_SECONDS = 300
    settings.API_TIER_QUOTAS = dict.fromkeys(settings.API_TIER_QUOTAS, QUOTA)
    now = [1000.0]
    monkeypatch.setattr(resilience.time, "monotonic", lambda: now[0])

    # given Redis serves the cache
    assert client.get("/en/").status_code == 200
    assert api_client.get("/api/v1/products/")["X-RateLimit-Remaining"] == "2"
    cache.set("resilience-probe", "before", timeout=60)
    assert cache.get("resilience-probe") == "before"

    # when Redis goes away in the middle of the traffic
    relay.cut()
    during = [client.get("/en/").status_code for _request in range(3)]
    quota_during = api_client.get("/api/v1/products/")

    # then pages and the API are still served, and the outage is logged once
    assert during == [200, 200, 200]
    assert quota_during.status_code == 200
    assert cache.get("resilience-probe") is None  # a miss, not an error
    assert [line.split(" (")[0] for line in cache_lines(cache_log)] == [
        f"cache 127.0.0.1:{relay.port}/{database} unavailable",
        "shared cache unavailable: counting limits in this process's memory",
    ]

    # when Redis is back (and the retry pause is over)
    relay.start()
    now[0] += 6
    assert client.get("/en/").status_code == 200

    # then the cache is used again: a value written now is in Redis itself
    cache.set("resilience-probe", "after", timeout=60)
    assert cache.get("resilience-probe") == "after"
    assert relay.upstream().get(cache.make_and_validate_key("resilience-probe")) is not None
    assert cache_lines(cache_log)[-1].startswith(f"cache 127.0.0.1:{relay.port}/{database} is back after ")
    assert not resilience.cache_is_degraded()
