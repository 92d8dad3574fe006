"""Readiness checks behind ``/readyz``: the database, the cache and the task queue.

Each check is cheap (one round trip), guarded by a time budget (``READINESS_CHECK_SECONDS``: a
PostgreSQL statement timeout, the cache client's socket timeout, and a slower-than-budget answer counts
as a failure) and measured in milliseconds. A failure is reported by its exception *class* only; the
message (which may name hosts, users or addresses) goes to the log, never to the answer.
"""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

logger = logging.getLogger(__name__)


class CheckTimeout(Exception):
    """The check answered, but slower than the readiness budget."""


class CacheRoundTripFailed(Exception):
    """A value written to the cache did not come back (a cache that swallows errors, like django-redis
    with ``IGNORE_EXCEPTIONS``, fails this way)."""


class Unchecked(Exception):
    """The configured backend offers no cheap check: reported as unchecked, not as a failure."""


def _budget_seconds() -> float:
    return float(getattr(settings, "READINESS_CHECK_SECONDS", 2))


def check_database() -> None:
    """``SELECT 1`` on the default connection (under a statement timeout on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(_budget_seconds() * 1000)}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return
    # No transaction on SQLite: ours begin IMMEDIATE, which would queue the probe behind every writer.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    """Write, read back and delete a random key."""
    key = f"readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise CacheRoundTripFailed
    finally:
        cache.delete(key)


def check_task_queue() -> None:
    """The configured Django tasks backend: for ``django_tasks_db`` (the embedded default), its table
    answers a query; for ``django_tasks_rq`` (production's ``TASKS_BACKEND=rq``), the Redis of each of
    its queues answers a PING; any other backend (the immediate one of the tests…) is reported unchecked."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    module = type(backend).__module__
    if module.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.only("pk").exists()
        return
    if module.startswith("django_tasks_rq."):
        _ping_rq_queues(backend.queues)
        return
    raise Unchecked


def _ping_rq_queues(queue_names) -> None:
    """PING the Redis behind each RQ queue (once per distinct server), on a throw-away connection with
    the readiness budget as its connect and read timeouts: the queue's own connection may wait longer
    (an enqueue is allowed a few seconds), a probe may not."""
    import django_rq
    import redis
    from rq.connections import parse_connection

    budget = _budget_seconds()
    pinged: list[dict] = []
    for name in sorted(queue_names):
        redis_class, connection_class, options = parse_connection(django_rq.get_connection(name))
        if options in pinged:
            continue
        pinged.append(options)
        pool = redis.ConnectionPool(
            connection_class=connection_class,
            **{**options, "socket_connect_timeout": budget, "socket_timeout": budget},
        )
        probe = redis_class(connection_pool=pool)
        try:
            probe.ping()
        finally:
            pool.disconnect()


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "task_queue": check_task_queue,
}


# Checks whose failure slows the node down without stopping it: the cache (a Redis outage is a cache
# miss, core.resilience). Taking every node out of the load balancer because the shared Redis is down
# would turn a slower site into no site; they are reported ``degraded`` instead.
DEGRADABLE = frozenset({"cache"})


def run_checks() -> tuple[bool, dict[str, dict]]:
    """Run every check; return whether the node is ready (every check but the degradable ones passed)
    and, per check, ``ok``, ``ms`` and the ``error`` class name of a failure (``degraded`` for a
    degradable one), or ``unchecked``."""
    budget = _budget_seconds()
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        result: dict = {"ok": True}
        try:
            check()
            if time.perf_counter() - started > budget:
                raise CheckTimeout
        except Unchecked:
            result["unchecked"] = True
        except Exception as error:  # noqa: BLE001 — any failure of a dependency means "not ready"
            result = {"ok": False, "error": type(error).__name__}
            if name in DEGRADABLE:
                result["degraded"] = True
            # The operator's log gets the message (no traceback: a probe repeats every few seconds).
            logger.warning("readiness check %s failed: %s: %s", name, type(error).__name__, error)
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return all(result["ok"] for name, result in results.items() if name not in DEGRADABLE), results
