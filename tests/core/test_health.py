"""The probes (/healthz liveness, /readyz readiness), request ids and JSON log lines."""

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext

from core import health
from core.logs import JsonFormatter, RequestIdFilter

SECRET_TEXT = "db.internal.example:5432 user=svp password=hunter2"


class ExplodingCache(LocMemCache):
    """A cache whose writes fail, as Redis does when it is gone."""

    def set(self, *args, **kwargs):
        raise ConnectionError(f"Error connecting to redis://:{SECRET_TEXT}")


class ForgetfulCache(LocMemCache):
    """A cache that swallows its errors (django-redis with IGNORE_EXCEPTIONS): nothing comes back."""

    def get(self, *args, **kwargs):
        return None


@contextlib.contextmanager
def database_down(message="connection refused"):
    """Every cursor of the default database raises, as when PostgreSQL is gone (undone before the test's
    own database teardown, which needs a cursor)."""

    def refuse(*args, **kwargs):
        raise OperationalError(message)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(connections["default"]), "cursor", refuse)
        yield


def _broken_cache(settings, backend_class):
    settings.CACHES = {
        "default": {"BACKEND": f"{__name__}.{backend_class.__name__}", "LOCATION": "svp-health-test"}
    }


# --- /healthz -------------------------------------------------------------------------------------


def test_healthz_answers_ok_without_touching_the_database(client):
    # given no database access allowed at all (no db fixture: pytest-django would refuse a query)
    # when the load balancer asks whether the process lives
    response = client.get("/healthz")
    # then it answers at once, never cached
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie, no language cookie


def test_healthz_answers_head_and_refuses_post(client):
    head = client.head("/healthz")
    assert head.status_code == 200
    assert head.content == b""
    post = client.post("/healthz")
    assert post.status_code == 405
    assert set(post["Allow"].split(", ")) == {"GET", "HEAD"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_are_not_redirected_to_a_language_even_with_a_trailing_slash(db, client, path):
    assert client.get(path, headers={"Accept-Language": "en"}).status_code == 200
    # the Wagtail catch-all would make /vi/healthz/ look valid: a 404 here stays a 404
    assert client.get(path + "/").status_code == 404


# --- /readyz --------------------------------------------------------------------------------------


def test_readyz_reports_database_cache_and_task_queue(db, client):
    # given the embedded run mode: SQLite, local-memory cache, the immediate task backend of the tests
    # when the load balancer asks whether this node can serve
    response = client.get("/readyz")
    # then every check passed, with its time
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "task_queue"}
    for check in body["checks"].values():
        assert check["ok"] is True
        assert isinstance(check["ms"], float)
        assert check["ms"] >= 0
    # the immediate backend has no queue to look at
    assert body["checks"]["task_queue"]["unchecked"] is True
    assert "unchecked" not in body["checks"]["database"]


def test_readyz_queries_the_task_table_of_the_database_backend(db, client, settings):
    # given the database task backend of `make run`
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # when readiness is checked
    with CaptureQueriesContext(connections["default"]) as captured:
        response = client.get("/readyz")
    # then the database answered SELECT 1 and the task table one cheap query (PostgreSQL adds its
    # statement timeout and savepoint around the SELECT 1)
    assert response.status_code == 200
    task_queue = response.json()["checks"]["task_queue"]
    assert task_queue["ok"] is True
    assert "unchecked" not in task_queue
    statements = [query["sql"].lower() for query in captured.captured_queries]
    assert "select 1" in statements
    task_queries = [sql for sql in statements if "dbtaskresult" in sql]
    assert len(task_queries) == 1
    assert "limit 1" in task_queries[0]


def test_readyz_is_503_with_the_error_class_only_when_the_database_fails(db, client):
    # given a database that refuses connections
    # when readiness is checked
    with database_down(f"connection to server at {SECRET_TEXT} failed"):
        response = client.get("/readyz")
    # then the node is taken out of rotation, told when to ask again
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["cache"]["ok"] is True
    # and the message (host, user, password) never leaves the process
    assert "hunter2" not in response.text
    assert "internal" not in response.text
    assert "connection to server" not in response.text


def test_readyz_stays_ready_but_says_degraded_when_the_cache_fails(db, client, settings):
    # given a cache that cannot be written to
    _broken_cache(settings, ExplodingCache)
    # when readiness is checked
    response = client.get("/readyz")
    # then the node keeps its traffic (a cache outage slows pages down, it does not stop them), and the
    # cache is named as the degraded part with its error class only
    assert response.status_code == 200
    assert "Retry-After" not in response
    body = response.json()
    assert body["status"] == "degraded"
    checks = body["checks"]
    assert checks["cache"] == {
        "ok": False,
        "error": "ConnectionError",
        "degraded": True,
        "ms": checks["cache"]["ms"],
    }
    assert checks["database"]["ok"] is True
    assert "hunter2" not in response.text
    assert "redis://" not in response.text


def test_readyz_says_degraded_when_the_cache_swallows_its_errors(db, client, settings):
    # given a cache that ignores its errors (django-redis IGNORE_EXCEPTIONS): writes vanish silently
    _broken_cache(settings, ForgetfulCache)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["error"] == "CacheRoundTripFailed"


def test_readyz_is_503_when_the_database_fails_even_with_the_cache_down(db, client, settings, monkeypatch):
    # given both the cache and the database failing
    _broken_cache(settings, ExplodingCache)

    def broken_database():
        raise OperationalError("could not connect to server")

    monkeypatch.setitem(health.CHECKS, "database", broken_database)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_readyz_counts_a_slow_check_as_failed(db, client, settings, monkeypatch):
    # given a database check that answers, but later than the budget
    settings.READINESS_CHECK_SECONDS = 0.2
    real_check = health.CHECKS["database"]

    def slow_check():
        time.sleep(0.3)
        real_check()

    monkeypatch.setitem(health.CHECKS, "database", slow_check)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["error"] == "CheckTimeout"


def test_readyz_answers_head_and_refuses_post(db, client):
    assert client.head("/readyz").status_code == 200
    assert client.post("/readyz").status_code == 405


def test_readyz_leaves_no_key_in_the_cache(db, client, monkeypatch):
    # given a spy on the cache's writes (locmem here, Redis in the PostgreSQL run)
    backend = caches["default"]
    written = []
    original_set = backend.set

    def spy(key, *args, **kwargs):
        written.append(key)
        return original_set(key, *args, **kwargs)

    monkeypatch.setattr(backend, "set", spy)
    # when readiness is checked
    assert client.get("/readyz").status_code == 200
    # then its random key was written and is gone again
    probe_keys = [key for key in written if key.startswith("readyz:")]
    assert len(probe_keys) == 1
    assert backend.get(probe_keys[0]) is None


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_are_never_served_from_the_page_cache(db, client, settings, path):
    # given the anonymous page cache on and a probe answered once
    settings.PAGE_CACHE_SECONDS = 300
    assert "X-Page-Cache" not in client.get(path)
    # when it is asked again
    second = client.get(path)
    # then it is answered afresh
    assert "X-Page-Cache" not in second
    if path == "/readyz":
        # (after the database went down, the answer is "not ready", not yesterday's "ok")
        with database_down():
            assert client.get(path).status_code == 503


def test_readyz_with_a_backend_without_a_cheap_check_reports_it_unchecked(db, monkeypatch):
    # given a check that cannot be run for the configured backend
    def cannot_check():
        raise health.Unchecked

    monkeypatch.setitem(health.CHECKS, "task_queue", cannot_check)
    ready, checks = health.run_checks()
    assert ready is True
    assert checks["task_queue"]["unchecked"] is True


# --- request ids ----------------------------------------------------------------------------------


def test_a_sane_incoming_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.c9_01-XYZ"})
    assert response["X-Request-ID"] == "lb-7f3a.c9_01-XYZ"


@pytest.mark.parametrize(
    "bad",
    ["", "has space", "x" * 65, "semi;colon", "new\\nline", "accent-é", "<script>"],
)
def test_a_bad_incoming_request_id_is_replaced_by_a_new_one(client, bad):
    response = client.get("/healthz", headers={"X-Request-ID": bad})
    request_id = response["X-Request-ID"]
    assert request_id != bad
    assert len(request_id) == 32
    int(request_id, 16)  # a uuid4 hex


def test_every_request_gets_its_own_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


# --- log lines ------------------------------------------------------------------------------------


def test_the_json_formatter_writes_one_parsable_line_with_the_request_id():
    record = logging.LogRecord(
        name="svp.test",
        level=logging.WARNING,
        pathname=__file__,
        lineno=1,
        msg="tồn kho %s của %s",
        args=(3, "chè Shan Tuyết"),
        exc_info=None,
    )
    record.request_id = "abc123"
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "tồn kho 3 của chè Shan Tuyết"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "svp.test"
    assert entry["request_id"] == "abc123"
    assert entry["time"].endswith("Z")
    assert "T" in entry["time"]
    assert "exc_info" not in entry


def test_the_json_formatter_keeps_the_traceback_on_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("svp.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "-"  # outside a request
    assert "ValueError: boom" in entry["exc_info"]
    assert "Traceback" in entry["exc_info"]


@pytest.fixture
def json_lines():
    """What the JSON console handler of production writes, from every logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_a_request_writes_one_json_access_line_with_its_request_id(client, settings, json_lines):
    # given access logging on, as in production
    settings.LOG_REQUESTS = True
    # when a request comes in with a query string
    response = client.get("/healthz?token=secret-value", headers={"X-Request-ID": "probe-42"})
    # then one access line, with the request id, without the query string
    access = [entry for entry in json_lines() if entry["logger"] == "svp.request"]
    assert len(access) == 1
    entry = access[0]
    assert entry["request_id"] == "probe-42" == response["X-Request-ID"]
    assert entry["method"] == "GET"
    assert entry["path"] == "/healthz"
    assert entry["status"] == 200
    assert entry["duration_ms"] >= 0
    assert entry["level"] == "INFO"
    assert "secret-value" not in json.dumps(entry)


def test_the_access_line_names_the_url_pattern_not_a_secret_carried_in_the_path(
    db, client, settings, json_lines
):
    # given access logging on, and an address whose path is a secret (a room's calendar feed token)
    settings.LOG_REQUESTS = True
    secret = "0f6c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
    # when it is asked for (unknown token: 404, but the line is written all the same)
    response = client.get(f"/calendars/{secret}.ics")
    # then the line names the pattern the address matched, never the token
    entry = next(entry for entry in json_lines() if entry["logger"] == "svp.request")
    assert entry["status"] == response.status_code == 404
    assert entry["path"].startswith("/calendars/<")
    assert secret not in json.dumps(entry)


def test_lines_logged_while_serving_carry_the_request_id(db, client, settings, json_lines):
    # given a database failure, which /readyz logs as a warning
    settings.LOG_REQUESTS = False
    with database_down():
        response = client.get("/readyz")
    # then that warning carries the request's id; no access line when LOG_REQUESTS is off
    entries = json_lines()
    warnings = [entry for entry in entries if entry["logger"] in ("core.health", "django.request")]
    assert {entry["logger"] for entry in warnings} == {"core.health", "django.request"}
    assert {entry["request_id"] for entry in warnings} == {response["X-Request-ID"]}
    assert not [entry for entry in entries if entry["logger"] == "svp.request"]


def test_the_plain_format_appends_the_request_id():
    from core.logs import logging_config

    config = logging_config(log_format="plain", log_level="INFO")
    assert config["formatters"]["plain"]["format"].endswith("request_id=%(request_id)s")
    assert config["handlers"]["console"]["filters"] == ["request_id"]
    assert logging_config(log_format="json", log_level="INFO")["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml", log_level="INFO")


# --- production settings --------------------------------------------------------------------------

PROBE_IN_PRODUCTION = """
import django; django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="langso.example.org")
print("FORMAT", settings.LOG_FORMAT, "REQUESTS", settings.LOG_REQUESTS)
for path in ("/healthz", "/vi/"):
    response = client.get(path)
    print("PROBE", path, response.status_code, response.get("Location", "-"))
"""


def test_production_answers_the_probes_over_http_and_logs_json(tmp_path):
    # given production settings behind a TLS-terminating proxy (SECURE_SSL_REDIRECT on)
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "production-secret-key-that-is-long-and-random-enough-1234567890",
        "ALLOWED_HOSTS": "langso.example.org",
        "VAR_DIR": str(tmp_path),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    # when a load balancer probes over plain http
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE_IN_PRODUCTION],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # then the probe answers where pages are sent to https
    assert "FORMAT json REQUESTS True" in result.stdout
    assert "PROBE /healthz 200 -" in result.stdout
    assert "PROBE /vi/ 301 https://langso.example.org/vi/" in result.stdout
    # and the access lines are JSON with the request id
    access = [json.loads(line) for line in result.stderr.splitlines() if '"svp.request"' in line]
    assert [entry["path"] for entry in access] == ["/healthz", "/vi/"]
    assert all(len(entry["request_id"]) == 32 for entry in access)
