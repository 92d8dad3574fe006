"""Production's scale-out switches: each environment gives the right storage, task queue, sessions, cache,
search, front cache and database connection settings; and each switch works against the real thing —
media saved into an S3 bucket (moto), the readiness probe and a burst worker on the RQ queue in the local
Redis, a front-cache PURGE received by a local HTTP server when a page is published.

The settings are read as a server would read them: a fresh Python with a clean environment imports
``config.settings.production`` and prints what it decided. The in-process tests then run with exactly
those values (not a hand-written copy of them).
"""

import io
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django_tasks import TaskResultStatus, task
from moto import mock_aws
from PIL import Image

from tests import factories
from tests.config.test_settings import SECRETS
from tests.conftest import require_or_skip

SETTINGS_SHOWN = (
    "STORAGES",
    "TASKS",
    "SESSION_ENGINE",
    "CACHES",
    "WAGTAILFRONTENDCACHE",
    "WAGTAILSEARCH_BACKENDS",
    "DATABASES",
    "INSTALLED_APPS",
    "RQ_QUEUES",
    "RQ",
    "MEDIA_URL",
    "SERVE_MEDIA",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_ENDPOINT_URL",
    "WAGTAILDOCS_SERVE_METHOD",
)
SHOW_SETTINGS = f"""
import json, importlib
production = importlib.import_module("config.settings.production")
shown = {{name: getattr(production, name, None) for name in {SETTINGS_SHOWN!r}}}
client = getattr(production, "AWS_S3_CLIENT_CONFIG", None)
if client is not None:
    shown["AWS_S3_CLIENT_CONFIG"] = {{
        "signature_version": client.signature_version, "s3": client.s3,
        "connect_timeout": client.connect_timeout, "read_timeout": client.read_timeout,
        "retries": client.retries,
    }}
print(json.dumps(shown, default=str))
"""
REDIS_URL = os.environ.get("REDIS_URL", "")
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def run_production(script: str, variables: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "VAR_DIR": str(django_settings.BASE_DIR / "var"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **SECRETS,
        **variables,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_settings(**variables: str) -> dict:
    """What ``config.settings.production`` decides with the secrets and these variables."""
    result = run_production(SHOW_SETTINGS, variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- each environment, its settings ------------------------------------------------------------------


def test_without_services_production_keeps_the_embedded_defaults():
    # when production starts with only its secrets
    shown = production_settings()
    # then media on the local disk, manifest static files, the database queue and sessions, local memory
    assert shown["STORAGES"] == {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert shown["TASKS"] == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert shown["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert shown["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["WAGTAILSEARCH_BACKENDS"]["default"]["BACKEND"] == "wagtail.search.backends.database"
    assert shown["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert shown["MEDIA_URL"] == "/media/"
    # and nothing of the scale-out is loaded
    assert shown["WAGTAILFRONTENDCACHE"] == {}
    assert shown["RQ_QUEUES"] is None
    for app in ("django_rq", "django_tasks_rq", "wagtail.contrib.frontend_cache"):
        assert app not in shown["INSTALLED_APPS"]


def test_postgresql_connections_are_reused_health_checked_and_time_out():
    # given PostgreSQL without a connection lifetime of its own
    shown = production_settings(DATABASE_URL="postgres://svp:secret@db.internal:5432/svp")
    database = shown["DATABASES"]["default"]
    # then each thread keeps its connection 60 s, checks it before reuse and gives up connecting after 5 s
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"] == {"connect_timeout": 5}


def test_postgresql_connection_settings_follow_the_environment():
    shown = production_settings(
        DATABASE_URL="postgres://svp:secret@db.internal:5432/svp?connect_timeout=10",
        DATABASE_CONN_MAX_AGE="0",  # behind PgBouncer in transaction mode
    )
    database = shown["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"] == {"connect_timeout": 10}  # the URL's own value wins


def test_redis_gives_the_shared_cache_and_write_through_sessions_but_not_the_queue():
    # given Redis (and no choice of task backend)
    shown = production_settings(REDIS_URL="redis://cache.internal:6379/0")
    # then the cache is Redis, sessions are read from it and written through to the database
    assert shown["CACHES"]["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
    assert shown["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert shown["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    # and the jobs stay in the database until the RQ queue is chosen
    assert shown["TASKS"] == {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert "django_rq" not in shown["INSTALLED_APPS"]


def test_the_rq_queue_uses_redis_with_timeouts_and_the_django_tasks_job_class():
    shown = production_settings(TASKS_BACKEND="rq", REDIS_URL="redis://cache.internal:6379/0")
    assert shown["TASKS"] == {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    assert shown["RQ_QUEUES"] == {
        "default": {
            "URL": "redis://cache.internal:6379/0?socket_connect_timeout=2&socket_timeout=5",
            "DEFAULT_TIMEOUT": 600,
        }
    }
    assert shown["RQ"] == {"JOB_CLASS": "django_tasks_rq.Job"}
    assert {"django_rq", "django_tasks_rq"} <= set(shown["INSTALLED_APPS"])


def test_the_rq_queue_may_live_on_its_own_redis():
    # given a cache Redis and a queue Redis (which must not evict), the latter with its own timeouts
    shown = production_settings(
        TASKS_BACKEND="RQ",
        REDIS_URL="redis://cache.internal:6379/0",
        TASKS_REDIS_URL="rediss://:pw@queue.internal:6380/2?socket_timeout=9",
        TASKS_JOB_TIMEOUT="120",
    )
    assert shown["RQ_QUEUES"]["default"] == {
        "URL": "rediss://:pw@queue.internal:6380/2?socket_timeout=9&socket_connect_timeout=2",
        "DEFAULT_TIMEOUT": 120,
    }
    assert shown["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"


def test_elasticsearch_is_the_search_backend_when_configured():
    shown = production_settings(ELASTICSEARCH_URL="https://search.internal:9200")
    backend = shown["WAGTAILSEARCH_BACKENDS"]["default"]
    assert backend["BACKEND"] == "wagtail.search.backends.elasticsearch8"
    assert backend["URLS"] == ["https://search.internal:9200"]
    assert backend["INDEX"] == "svp"


def test_s3_media_behind_a_cdn():
    shown = production_settings(
        S3_BUCKET="langso-media",
        S3_REGION="ap-southeast-1",
        S3_CUSTOM_DOMAIN="media.langso.example",
        S3_LOCATION="/media/",
    )
    # then uploads go to the bucket, public (no signed query strings, no ACL), never overwritten
    assert shown["STORAGES"]["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "langso-media",
            "location": "media",
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=86400"},
            "region_name": "ap-southeast-1",
            "custom_domain": "media.langso.example",
        },
    }
    # static files stay with whitenoise
    assert shown["STORAGES"]["staticfiles"] == {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    }
    # the CDN is where media are served from (and what the Content-Security-Policy allows)
    assert shown["MEDIA_URL"] == "https://media.langso.example/media/"
    assert shown["AWS_S3_CUSTOM_DOMAIN"] == "media.langso.example"
    assert shown["SERVE_MEDIA"] is False
    assert shown["WAGTAILDOCS_SERVE_METHOD"] == "serve_view"
    # every call to the bucket has timeouts and bounded retries
    assert shown["AWS_S3_CLIENT_CONFIG"] == {
        "signature_version": "s3v4",
        "s3": {"addressing_style": "virtual"},
        "connect_timeout": 5,
        "read_timeout": 30,
        "retries": {"max_attempts": 3, "mode": "standard"},
    }


def test_s3_compatible_storage_at_its_own_endpoint():
    # given MinIO (or another S3-compatible store), named the django-storages way
    shown = production_settings(
        AWS_STORAGE_BUCKET_NAME="svp", S3_ENDPOINT_URL="https://minio.internal:9000", S3_QUERYSTRING_AUTH="1"
    )
    options = shown["STORAGES"]["default"]["OPTIONS"]
    assert options["bucket_name"] == "svp"
    assert options["endpoint_url"] == "https://minio.internal:9000"
    assert options["querystring_auth"] is True
    assert "custom_domain" not in options
    # path-style addressing (bucket in the path) unless told otherwise
    assert shown["AWS_S3_CLIENT_CONFIG"]["s3"] == {"addressing_style": "path"}
    assert shown["MEDIA_URL"] == "https://minio.internal:9000/svp/"
    assert shown["AWS_S3_ENDPOINT_URL"] == "https://minio.internal:9000"


def test_front_cache_purge_by_http_and_cloudflare():
    shown = production_settings(
        FRONTEND_CACHE_PURGE_URL="http://10.0.0.5:6081",
        FRONTEND_CACHE_HOSTNAMES="langso.example.org, www.langso.example.org",
        CLOUDFLARE_API_TOKEN="cf-token",
        CLOUDFLARE_ZONE_ID="zone-123",
    )
    assert shown["WAGTAILFRONTENDCACHE"] == {
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://10.0.0.5:6081",
            "HOSTNAMES": ["langso.example.org", "www.langso.example.org"],
        },
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": "cf-token",
            "ZONEID": "zone-123",
        },
    }
    assert "wagtail.contrib.frontend_cache" in shown["INSTALLED_APPS"]


def test_front_cache_purge_on_cloudfront():
    shown = production_settings(CLOUDFRONT_DISTRIBUTION_ID="E2EXAMPLE")
    assert shown["WAGTAILFRONTENDCACHE"] == {
        "cloudfront": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
            "DISTRIBUTION_ID": "E2EXAMPLE",
        }
    }


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"TASKS_BACKEND": "rq"}, "TASKS_BACKEND=rq needs TASKS_REDIS_URL or REDIS_URL."),
        ({"TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be 'database' or 'rq', got 'celery'"),
        ({"CLOUDFLARE_API_TOKEN": "cf-token"}, "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID go together."),
        ({"CLOUDFLARE_ZONE_ID": "zone-123"}, "CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID go together."),
        ({"FRONTEND_CACHE_PURGE_URL": "10.0.0.5:6081"}, "FRONTEND_CACHE_PURGE_URL must be an http(s) URL"),
        (
            {"S3_BUCKET": "b", "S3_CUSTOM_DOMAIN": "https://media.example.org"},
            "S3_CUSTOM_DOMAIN is a host name (media.example.org), not a URL.",
        ),
        (
            {"S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "auto"},
            "S3_ADDRESSING_STYLE must be 'path' or 'virtual', got 'auto'",
        ),
        ({"DATABASE_URL": "postgres://db/svp", "DATABASE_CONNECT_TIMEOUT": "soon"}, "must be an integer"),
    ],
    ids=[
        "rq-without-redis",
        "unknown-backend",
        "cloudflare-without-zone",
        "cloudflare-without-token",
        "purge-url-without-scheme",
        "cdn-domain-as-url",
        "unknown-addressing-style",
        "connect-timeout-not-a-number",
    ],
)
def test_production_refuses_a_half_or_wrong_configuration(variables, message):
    result = run_production(SHOW_SETTINGS, variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert result.stdout == ""


def test_the_deploy_checks_pass_with_every_service_switched_on(tmp_path):
    # given production with the RQ queue, S3 media and front-cache purges (no service needs to answer)
    result = run_production(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        {
            "VAR_DIR": str(tmp_path),
            "REDIS_URL": DEAD_REDIS,
            "TASKS_BACKEND": "rq",
            "S3_BUCKET": "langso-media",
            "S3_CUSTOM_DOMAIN": "media.langso.example",
            "FRONTEND_CACHE_PURGE_URL": "http://127.0.0.1:6081",
        },
    )
    # then `check --deploy` is as clean as `make check` (the task backend's own check included)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


# --- sessions: a Redis outage logs nobody out --------------------------------------------------


def test_signing_in_and_staying_signed_in_while_the_cache_redis_is_down(client, superuser, settings):
    # given production's cache and sessions, with the cache's Redis not answering
    shown = production_settings(REDIS_URL=DEAD_REDIS)
    settings.CACHES = shown["CACHES"]
    settings.SESSION_ENGINE = shown["SESSION_ENGINE"]
    # when a member of staff signs in and opens the admin
    signed_in = client.login(username="root@example.org", password=factories.PASSWORD)
    response = client.get("/admin/")
    # then the session, written through to the database, keeps them signed in
    assert signed_in is True
    assert response.status_code == 200
    assert response.wsgi_request.user == superuser


# --- S3: a file saved lands in the bucket ---------------------------------------------------------


def _png(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def s3_media(settings, monkeypatch):
    """Django's default storage configured as production configures it for a CDN in front of a bucket,
    on an in-process S3 (moto) that holds the bucket."""
    shown = production_settings(
        S3_BUCKET="langso-media",
        S3_REGION="us-east-1",
        S3_CUSTOM_DOMAIN="media.langso.example",
        S3_LOCATION="media",
    )
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="langso-media")
        settings.STORAGES = shown["STORAGES"]
        settings.MEDIA_URL = shown["MEDIA_URL"]
        yield client


def test_a_saved_file_lands_in_the_bucket_and_is_served_from_the_cdn(s3_media):
    from django.core.files.storage import default_storage

    picture = _png()
    # when a file is saved through Django's default storage
    name = default_storage.save("original_images/che-shan-tuyet.png", ContentFile(picture))
    # then it is in the bucket under the media prefix, with its type and the CDN's cache lifetime
    assert name == "original_images/che-shan-tuyet.png"
    stored = s3_media.get_object(Bucket="langso-media", Key="media/original_images/che-shan-tuyet.png")
    assert stored["Body"].read() == picture
    assert stored["ContentType"] == "image/png"
    assert stored["CacheControl"] == "public, max-age=86400"
    # no ACL was set: the bucket's owner alone has a grant (reading is the bucket policy's or CDN's call)
    grants = s3_media.get_object_acl(Bucket="langso-media", Key="media/original_images/che-shan-tuyet.png")
    assert [grant["Permission"] for grant in grants["Grants"]] == ["FULL_CONTROL"]
    # and its address is a plain CDN URL (no signature to defeat the cache), under MEDIA_URL
    url = default_storage.url(name)
    assert url == "https://media.langso.example/media/original_images/che-shan-tuyet.png"
    assert url.startswith(django_settings.MEDIA_URL)
    assert default_storage.exists(name)


def test_a_second_upload_with_the_same_name_never_replaces_the_first(s3_media):
    from django.core.files.storage import default_storage

    first = default_storage.save("documents/bang-gia.txt", ContentFile(b"gia cu"))
    second = default_storage.save("documents/bang-gia.txt", ContentFile(b"gia moi"))
    assert first == "documents/bang-gia.txt"
    assert second != first
    assert second.startswith("documents/bang-gia_") and second.endswith(".txt")
    keys = {item["Key"] for item in s3_media.list_objects_v2(Bucket="langso-media")["Contents"]}
    assert keys == {f"media/{first}", f"media/{second}"}
    body = s3_media.get_object(Bucket="langso-media", Key=f"media/{first}")["Body"].read()
    assert body == b"gia cu"


def test_image_renditions_are_made_from_and_kept_in_the_bucket(s3_media, db):
    # given an image uploaded into the bucket
    image = factories.make_image(title="ruong-bac-thang", size=(640, 400))
    original_key = f"media/{image.file.name}"
    assert s3_media.head_object(Bucket="langso-media", Key=original_key)["ContentType"] == "image/jpeg"
    # when a page asks for a WebP rendition (read from the bucket, resized, written back)
    rendition = image.get_rendition("fill-320x200|format-webp")
    # then the rendition is an object of its own, served from the CDN
    stored = s3_media.get_object(Bucket="langso-media", Key=f"media/{rendition.file.name}")
    assert stored["ContentType"] == "image/webp"
    assert Image.open(io.BytesIO(stored["Body"].read())).size == (320, 200)
    assert rendition.url == f"https://media.langso.example/media/{rendition.file.name}"


# --- the RQ queue: readiness and a worker --------------------------------------------------------


def _rq_settings(settings, redis_url: str) -> None:
    """The task settings production makes for TASKS_BACKEND=rq on ``redis_url``."""
    shown = production_settings(TASKS_BACKEND="rq", TASKS_REDIS_URL=redis_url)
    settings.TASKS = shown["TASKS"]
    settings.RQ_QUEUES = shown["RQ_QUEUES"]
    settings.RQ = shown["RQ"]


def test_readyz_pings_the_redis_of_the_rq_queue(db, client, settings):
    require_or_skip(bool(REDIS_URL), "REQUIRE_POSTGRES", "skipped: no REDIS_URL")
    # given production's RQ queue on the local Redis
    _rq_settings(settings, REDIS_URL)
    # when the load balancer asks whether this node can serve
    response = client.get("/readyz")
    # then the queue's Redis answered
    assert response.status_code == 200
    task_queue = response.json()["checks"]["task_queue"]
    assert task_queue["ok"] is True
    assert "unchecked" not in task_queue


def test_readyz_is_503_with_the_error_class_only_when_the_queue_redis_is_gone(db, client, settings):
    # given production's RQ queue on a Redis that is not there
    _rq_settings(settings, "redis://:queue-password@127.0.0.1:1/0")
    # when readiness is checked
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    # then the node is out of rotation, the queue named as the failure by its error class alone
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["task_queue"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": body["checks"]["task_queue"]["ms"],
    }
    assert body["checks"]["database"]["ok"] is True
    assert "queue-password" not in response.text
    assert "127.0.0.1" not in response.text
    # within the readiness budget (a refused connection answers at once)
    assert elapsed < django_settings.READINESS_CHECK_SECONDS


@task()
def fold_for_search(text: str) -> str:
    """The job of the worker test: folds Vietnamese text as the search does (run by an RQ worker)."""
    from core.text import fold

    return fold(text)


def _queue_redis_url(url: str) -> str:
    """The local Redis, database 14: a queue of this test's own, which no other test or run uses."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/14", query=""))


def test_a_task_enqueued_on_rq_is_run_by_a_burst_worker(settings, tmp_path):
    require_or_skip(bool(REDIS_URL), "REQUIRE_POSTGRES", "skipped: no REDIS_URL")
    import redis

    queue_url = _queue_redis_url(REDIS_URL)
    redis.Redis.from_url(queue_url).flushdb()  # leftovers of an earlier run
    _rq_settings(settings, queue_url)
    # given a task enqueued through the Django tasks API on production's RQ queue
    result = fold_for_search.enqueue("Chè Shan Tuyết Suối Giàng")
    assert result.status == TaskResultStatus.READY
    assert fold_for_search.get_result(result.id).status == TaskResultStatus.READY
    # when `make worker`'s command runs one burst over the queue (production settings, its own process)
    worker = run_production(
        "from django.core.management import execute_from_command_line; execute_from_command_line("
        "['manage.py', 'rqworker-pool', 'default', '--num-workers', '1', '--burst'])",
        {
            "VAR_DIR": str(tmp_path),
            "TASKS_BACKEND": "rq",
            "TASKS_REDIS_URL": queue_url,
            "LOG_FORMAT": "plain",
        },
    )
    assert worker.returncode == 0, worker.stderr
    # then the task ran there once, successfully, and its value came back through Redis
    done = fold_for_search.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == "che shan tuyet suoi giang"
    assert len(done.worker_ids) == 1
    assert done.errors == []
    # and the queue is empty
    assert redis.Redis.from_url(queue_url).llen("rq:queue:default") == 0


# --- front cache: publishing a page purges it ----------------------------------------------------


class PurgeReceiver(BaseHTTPRequestHandler):
    """A stand-in for Varnish/nginx: records every request and answers 200."""

    received: list  # set per server

    def do_PURGE(self):
        self.server.received.append((self.command, self.headers["Host"], self.path))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeReceiver)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def frontend_cache_app():
    """What installing ``wagtail.contrib.frontend_cache`` (production, when configured) does at start-up:
    connect its publish/unpublish handlers — undone afterwards, as the test settings do not install it."""
    from django.apps import apps
    from wagtail.contrib.frontend_cache.signal_handlers import (
        page_published_signal_handler,
        page_unpublished_signal_handler,
        register_signal_handlers,
    )
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished

    register_signal_handlers()
    yield
    for model in apps.get_models():
        if issubclass(model, Page):
            page_published.disconnect(page_published_signal_handler, sender=model)
            page_unpublished.disconnect(page_unpublished_signal_handler, sender=model)


def test_publishing_a_page_purges_it_from_the_front_cache(
    site_tree, superuser, settings, purge_receiver, frontend_cache_app
):
    # given production's front cache on a local purge receiver
    host, port = purge_receiver.server_address
    shown = production_settings(FRONTEND_CACHE_PURGE_URL=f"http://{host}:{port}")
    assert "wagtail.contrib.frontend_cache" in shown["INSTALLED_APPS"]
    settings.WAGTAILFRONTENDCACHE = shown["WAGTAILFRONTENDCACHE"]
    news = site_tree["a"]["news"]
    path = news.get_url()
    assert path.startswith("/vi/")
    # when an editor's change to the news is published
    news.title = "Mùa chè Shan Tuyết"
    news.save_revision(user=superuser).publish(user=superuser)
    # then the cache was told to drop the page, in each language, for the site's host
    assert sorted(purge_receiver.received) == sorted(
        [("PURGE", "localhost", path), ("PURGE", "localhost", "/en/" + path.removeprefix("/vi/"))]
    )
    # when it is unpublished, the same again
    purge_receiver.received.clear()
    news.unpublish(user=superuser)
    assert sorted(purge_receiver.received) == sorted(
        [("PURGE", "localhost", path), ("PURGE", "localhost", "/en/" + path.removeprefix("/vi/"))]
    )
