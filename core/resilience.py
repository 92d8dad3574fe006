"""Staying up while a dependency is briefly down: the database, the shared cache (Redis).

**Database unreachable** — :class:`DatabaseUnavailableMiddleware` turns a
``django.db.OperationalError``/``InterfaceError`` raised while a view runs (connection refused, the
server closed the connection, a failover in progress…) into ``503 Service Unavailable`` with
``Retry-After``: the translated ``503.html`` page, or under ``/api/`` the API's JSON error shape
(``{"error": {"status": 503, "code": "service_unavailable", "message": …}}``). The client never sees a
stack trace; the log line carries the request id and the error class and message. The broken
connection is closed there and then, so the next request opens a new one — no restart needed.

**Redis down** — :class:`ResilientRedisCache` is django-redis with three changes:

* an error reaching Redis (refused, reset, timed out) is answered like a cache *miss*: ``get`` gives
  the default, ``set``/``add``/``delete`` do nothing, ``incr`` gives ``None`` (django-redis's
  ``IGNORE_EXCEPTIONS`` behaviour, so ``/readyz`` still sees the cache as down);
* after an error, Redis is left alone for ``CACHE_RETRY_SECONDS`` (a circuit breaker): a page makes
  several cache calls, and a Redis that hangs until the socket timeout would otherwise cost each of
  them two seconds;
* one warning per ``CACHE_LOG_INTERVAL_SECONDS`` per process says the cache is down (and one line
  when it is back), instead of a stack trace per cache call.

Pages, sessions (database-backed) and the API are then served without the cache, slower. Counters that
must keep counting — API quotas, vote limits — use :func:`count`, which falls back to a counter in
this process's memory while the shared cache is down: limits still hold, per process (with N processes
a client may get up to N times its quota until Redis is back). Values written during an outage are lost;
cached pages and API answers from before it may be served until their timeouts (minutes) afterwards.
"""

import logging
import socket
import threading
import time
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# --- the database -----------------------------------------------------------------------------------

#: what ``Retry-After`` asks a client to wait, in seconds (a restart or failover takes about this long)
DATABASE_RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"


def _drop_broken_connections() -> None:
    """Close every connection that is broken, so the next request (or query) opens a new one.

    Inside an atomic block (a test's transaction) the block's owner decides; otherwise Django's own
    end-of-request check is run now, plus a liveness probe for errors raised outside Django's wrapper.
    """
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block or connection.connection is None:
            continue
        try:
            connection.close_if_unusable_or_obsolete()
            if connection.connection is not None and not connection.is_usable():
                connection.close()
        except Exception:  # noqa: BLE001 — a connection that cannot even close cleanly is dropped anyway
            connection.connection = None


def unavailable_response(request) -> HttpResponse:
    """503 with ``Retry-After`` for a backing service that is down (the database, the search cluster):
    the API's JSON error shape under ``/api/``, else the translated ``503.html``."""
    seconds = DATABASE_RETRY_AFTER_SECONDS
    if request.path.startswith(API_PREFIX):
        message = _("The service is briefly unavailable; try again in a few seconds.")
        response = JsonResponse(
            {"error": {"status": 503, "code": "service_unavailable", "message": message}}, status=503
        )
    else:
        # No request context: context processors could need the database that is down.
        response = HttpResponse(render_to_string("503.html", {"retry_after": seconds}), status=503)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached answers 503 with ``Retry-After``, and the next request recovers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        first_line = (str(exception).strip().splitlines() or [""])[0][:300]
        logger.error(
            "database unavailable: %s: %s (%s %s answered 503)",
            type(exception).__name__,
            first_line,
            request.method,
            request.path,
        )
        _drop_broken_connections()
        return unavailable_response(request)


# --- the shared cache -------------------------------------------------------------------------------


def _cache_errors() -> tuple[type[BaseException], ...]:
    """What "Redis cannot be reached" looks like (not a bug such as a wrong type: those still raise)."""
    from django_redis.exceptions import ConnectionInterrupted
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, socket.timeout, ConnectionError)


class _Outage:
    """Whether the cache is down (per process), and when to say so in the log."""

    def __init__(self, *, retry_seconds: float, log_interval_seconds: float, name: str):
        self.retry_seconds = retry_seconds
        self.log_interval_seconds = log_interval_seconds
        self.name = name
        self.down_until = 0.0
        self.down_since: float | None = None
        self.last_logged = float("-inf")
        self.skipped = 0
        self._lock = threading.Lock()

    def skipping(self) -> bool:
        if time.monotonic() < self.down_until:
            self.skipped += 1
            return True
        return False

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self.down_until = now + self.retry_seconds
            if self.down_since is None:
                self.down_since = now
            if now - self.last_logged >= self.log_interval_seconds:
                self.last_logged = now
                logger.warning(
                    "cache %s unavailable (%s: %s): serving without it, retrying every %gs",
                    self.name,
                    type(error).__name__,
                    error,
                    self.retry_seconds,
                )

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
            self.down_until = 0.0
            self.last_logged = float("-inf")
            logger.warning("cache %s is back after %.0fs", self.name, seconds)

    @property
    def is_down(self) -> bool:
        return self.down_since is not None


def _resilient(name: str, *, miss):
    """Wrap ``RedisCache.<name>``: an unreachable Redis gives ``miss(args, kwargs)`` instead of raising."""

    def method(self, *args, **kwargs):
        if self.outage.skipping():
            return miss(args, kwargs)
        try:
            result = getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
        except self.unreachable_errors as error:
            self.outage.failed(error)
            return miss(args, kwargs)
        self.outage.succeeded()
        return result

    method.__name__ = name
    return method


def _where(server) -> str:
    """``host:port/db`` of a Redis address, for log lines (never its password)."""
    locations = server if isinstance(server, list | tuple) else str(server).split(",")
    parts = [urlsplit(location.strip()) for location in locations]
    return ",".join(f"{part.hostname}:{part.port or 6379}{part.path}" for part in parts)


def _default_of_get(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


def _nothing(args, kwargs):
    return None


try:
    from django_redis.cache import RedisCache
except ImportError:  # django-redis is a runtime requirement; this keeps core importable without it
    RedisCache = None


if RedisCache is not None:

    class ResilientRedisCache(RedisCache):
        """django-redis that serves misses, backs off and logs once while Redis is unreachable."""

        def __init__(self, server, params):
            options = dict(params.get("OPTIONS") or {})
            retry_seconds = float(options.pop("RETRY_SECONDS", 5))
            log_interval_seconds = float(options.pop("LOG_INTERVAL_SECONDS", 60))
            options["IGNORE_EXCEPTIONS"] = False  # we catch them here (and log them our way)
            super().__init__(server, {**params, "OPTIONS": options})
            self.outage = _Outage(
                retry_seconds=retry_seconds,
                log_interval_seconds=log_interval_seconds,
                name=_where(server),
            )
            self.unreachable_errors = _cache_errors()

        get = _resilient("get", miss=_default_of_get)
        get_many = _resilient("get_many", miss=lambda args, kwargs: {})
        has_key = _resilient("has_key", miss=lambda args, kwargs: False)
        set = _resilient("set", miss=_nothing)
        add = _resilient("add", miss=lambda args, kwargs: False)
        set_many = _resilient("set_many", miss=lambda args, kwargs: [])
        touch = _resilient("touch", miss=lambda args, kwargs: False)
        delete = _resilient("delete", miss=lambda args, kwargs: False)
        delete_many = _resilient("delete_many", miss=_nothing)
        delete_pattern = _resilient("delete_pattern", miss=lambda args, kwargs: 0)
        clear = _resilient("clear", miss=_nothing)
        incr = _resilient("incr", miss=_nothing)
        decr = _resilient("decr", miss=_nothing)
        ttl = _resilient("ttl", miss=_nothing)
        expire = _resilient("expire", miss=lambda args, kwargs: False)
        persist = _resilient("persist", miss=lambda args, kwargs: False)


# --- counters that keep counting ----------------------------------------------------------------------

_local_counters = LocMemCache(
    "svp-local-counters", {"OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 10}}
)
_fallback_logged = {"at": float("-inf")}
COUNTER_LOG_INTERVAL_SECONDS = 60


def _shared_count(key: str, timeout: int) -> int | None:
    """Count in the shared cache; ``None`` when it is unreachable (a resilient cache answers ``None``)."""
    try:
        value = cache.incr(key)
    except ValueError:  # the first hit of the window (or the counter just expired)
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            value = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=timeout)
            value = cache.get(key)
            return None if value is None else 1
    return None if value is None else int(value)


def count(key: str, *, timeout: int) -> int:
    """Add one to the counter ``key`` (created with ``timeout`` seconds to live) and return it.

    In the shared cache when it answers; in this process's memory while it does not (see the module
    docstring), so a limit based on it keeps holding during a Redis outage."""
    value = _shared_count(key, timeout)
    if value is not None:
        return value
    now = time.monotonic()
    if now - _fallback_logged["at"] >= COUNTER_LOG_INTERVAL_SECONDS:
        _fallback_logged["at"] = now
        logger.warning("shared cache unavailable: counting limits in this process's memory")
    try:
        return int(_local_counters.incr(key))
    except ValueError:
        if _local_counters.add(key, 1, timeout=timeout):
            return 1
        return int(_local_counters.incr(key))


def cache_is_degraded() -> bool:
    """Whether the default cache is a :class:`ResilientRedisCache` currently treating Redis as down."""
    outage = getattr(cache, "outage", None)
    return bool(outage is not None and outage.is_down)
