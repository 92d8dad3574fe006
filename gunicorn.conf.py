"""gunicorn's configuration for production: ``gunicorn config.wsgi`` (run from the repository root, where
gunicorn finds this file by itself; elsewhere pass ``-c /path/to/gunicorn.conf.py``).

Every value comes from the environment with a default sized from this machine's CPUs. Flags given on the
command line win over this file (the benchmarks in ``bench/`` pass their own workers, threads and bind).

* Threaded workers (``gthread``): a request waiting on PostgreSQL, Redis or Stripe holds a thread, not a
  process. Each thread keeps its own database connection (``DATABASE_CONN_MAX_AGE``), so one node opens
  up to ``GUNICORN_WORKERS × GUNICORN_THREADS`` connections: size PostgreSQL's ``max_connections`` (or a
  PgBouncer) for every node together (docs/operations.md, "Deployment").
* No access log here: the application writes one JSON line per request with its request id
  (``LOG_REQUESTS``); gunicorn's own lines (start, worker boot, timeouts) go to standard error, as JSON
  lines when ``LOG_FORMAT`` is ``json`` (production's default).
* Workers are recycled after ``GUNICORN_MAX_REQUESTS`` requests (± jitter, so they do not all restart at
  once), which bounds slow memory growth; ``GUNICORN_MAX_REQUESTS=0`` turns that off.
* ``FORWARDED_ALLOW_IPS``: the proxies (nginx, the load balancer) whose ``X-Forwarded-*`` headers
  gunicorn believes; Django itself reads the scheme from ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``),
  so gunicorn must never be reachable except through those proxies.
"""

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {value!r}") from None


def _cpus() -> int:
    """CPUs this process may run on (a container's or a taskset's share, not the whole host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# The repository root, so that the logger below can import core.logs whatever the working directory.
sys.path.insert(0, str(Path(__file__).resolve().parent))

wsgi_app = "config.wsgi:application"
# Loopback by default: a proxy on the same machine. Nodes behind a load balancer: GUNICORN_BIND=0.0.0.0:8000
# (and a firewall that lets only the load balancer in).
bind = os.environ.get("GUNICORN_BIND", "").strip() or f"127.0.0.1:{_env_int('PORT', 8000)}"
worker_class = "gthread"
workers = _env_int("GUNICORN_WORKERS", min(2 * _cpus() + 1, 12))
threads = _env_int("GUNICORN_THREADS", 4)
# A worker silent for this long is killed and replaced (a request stuck that long is a bug or an
# outside call without a timeout); on SIGTERM (a deploy), requests in flight get graceful_timeout to end.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep-alive with the proxy: longer than the proxy's idle timeout for upstream connections avoids the
# race where gunicorn closes a connection the proxy is about to reuse (a 502).
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
# half: with a tenth, workers fed round-robin reached their limit together and keep-alive clients
# waited 14–20 s for both to boot again (seen in bench/api.py)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1"
# The heartbeat files of the workers in memory, not on a disk that may stall (containers, slow volumes).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented advice
proc_name = "svp"
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info").strip().lower() or "info"
# Request limits (gunicorn's defaults, stated): longer lines or more headers are refused with 400.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190


class SvpLogger(Logger):
    """gunicorn's own log lines in the application's format: JSON lines (time, level, logger, message,
    request_id "-") when ``LOG_FORMAT`` is ``json`` — the production default — else gunicorn's text."""

    def setup(self, cfg):
        super().setup(cfg)
        if (os.environ.get("LOG_FORMAT", "").strip() or "json") != "json":
            return
        from core.logs import JsonFormatter

        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())


logger_class = SvpLogger
