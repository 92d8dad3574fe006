"""Production: refuses to start without its secrets; secure cookies, HSTS, manifest static files; and the
scale-out switches, each off (the embedded default) until its environment variable is set:

* ``DATABASE_URL`` — PostgreSQL with persistent, health-checked connections (``DATABASE_CONN_MAX_AGE``,
  ``DATABASE_CONNECT_TIMEOUT``);
* ``REDIS_URL`` — the shared cache (base) and sessions (``cached_db``: read from Redis, written through
  to the database);
* ``TASKS_BACKEND=rq`` — the Django tasks API on an RQ queue in Redis (``TASKS_REDIS_URL``, else
  ``REDIS_URL``), worked by ``manage.py rqworker-pool`` (``make worker``); the database queue otherwise;
* ``ELASTICSEARCH_URL`` — Wagtail's Elasticsearch 8 backend (read in base);
* ``S3_BUCKET`` — uploaded media in an S3-compatible bucket (django-storages), optionally behind a CDN;
* ``FRONTEND_CACHE_PURGE_URL`` / ``CLOUDFLARE_*`` / ``CLOUDFRONT_DISTRIBUTION_ID`` — Wagtail purges a
  page from the front cache when it is published or unpublished.

docs/operations.md ("Deployment") tells what runs where; README's configuration table lists every variable.
"""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import _logging_config
from .environment import env_bool, env_int, env_list, env_str, require

DEBUG = False
SECRET_KEY = require("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:  # unset, blank or only separators (" , ")
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS is required in production.")

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
if STRIPE_SECRET_KEY:
    STRIPE_WEBHOOK_SECRET = require("STRIPE_WEBHOOK_SECRET")
# Webhook endpoints on private or loopback networks are never called in production.
API_WEBHOOK_ALLOW_PRIVATE = False
# No demo bank account in production: VietQR to the platform needs the real one (else it is refused).
PLATFORM_BANK_BIN = env_str("PLATFORM_BANK_BIN", "")
PLATFORM_BANK_ACCOUNT = env_str("PLATFORM_BANK_ACCOUNT", "")
PLATFORM_BANK_ACCOUNT_NAME = env_str("PLATFORM_BANK_ACCOUNT_NAME", "")

# --- database -------------------------------------------------------------------------------------
# Base parses DATABASE_URL with persistent connections (DATABASE_CONN_MAX_AGE seconds, default 60; 0
# closes each connection after its request, e.g. behind PgBouncer in transaction mode) that are checked
# before reuse (CONN_HEALTH_CHECKS), so a restarted PostgreSQL costs one failed ping, not a 500.
# A PostgreSQL that does not answer is given up on after DATABASE_CONNECT_TIMEOUT seconds (503 from
# /readyz and the pages), instead of holding a worker thread until gunicorn's timeout.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(  # noqa: F405
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )

# --- sessions -------------------------------------------------------------------------------------
# With Redis, sessions are read from the cache and written through to the database ("cached_db"), not
# kept in the cache alone: the cache swallows Redis errors (base: IGNORE_EXCEPTIONS), so during a Redis
# outage or after a Redis restart or eviction the database still has every session and nobody is
# logged out (in the cache alone, signing in would even fail outright: Django cannot create a session
# key in a cache that keeps nothing); Redis is never something to back up. Without Redis: the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL  # noqa: F405
    else "django.contrib.sessions.backends.db"
)

# --- background work ------------------------------------------------------------------------------
# "database" (django-tasks-db, base's default): jobs are rows written in the same transaction as the
# change that asks for them, worked by `manage.py db_worker` processes (as many as needed: they claim
# rows with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL). "rq": jobs go to an RQ queue in Redis,
# worked by `manage.py rqworker-pool default --num-workers N`: a database spared the queue's polling,
# at the price of Redis becoming a dependency of every enqueue — so it is chosen explicitly, never
# implied by REDIS_URL (which the cache alone may use). Use a Redis that does not evict
# (maxmemory-policy noeviction), e.g. TASKS_REDIS_URL on an instance other than the cache's.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database").strip().lower() or "database"
if TASKS_BACKEND not in {"database", "rq"}:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'database' or 'rq', got {TASKS_BACKEND!r}")


def _redis_url_with_timeouts(url: str, *, connect_seconds: int, socket_seconds: int) -> str:
    """``url`` with socket timeouts unless it names its own: an enqueue never hangs a request on a Redis
    that does not answer (RQ's workers raise the read timeout above their blocking pop by themselves)."""
    parts = urlsplit(url)
    query = parts.query
    extra = {}
    if "socket_connect_timeout=" not in query:
        extra["socket_connect_timeout"] = connect_seconds
    if "socket_timeout=" not in query:
        extra["socket_timeout"] = socket_seconds
    if extra:
        query = "&".join(part for part in (query, urlencode(extra)) if part)
    return urlunsplit(parts._replace(query=query))


if TASKS_BACKEND == "rq":
    TASKS_REDIS_URL = env_str("TASKS_REDIS_URL", "") or REDIS_URL  # noqa: F405
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs TASKS_REDIS_URL or REDIS_URL.")
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]  # noqa: F405
    RQ_QUEUES = {
        "default": {
            "URL": _redis_url_with_timeouts(TASKS_REDIS_URL, connect_seconds=2, socket_seconds=5),
            # A job running longer than this is stopped (and recorded as failed).
            "DEFAULT_TIMEOUT": env_int("TASKS_JOB_TIMEOUT", 600),
        }
    }
    # The workers rebuild each job as a django-tasks task (rqworker and rqworker-pool read this).
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    RQ_SHOW_ADMIN_LINK = False
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

# --- media: local folder, or an S3-compatible bucket behind a CDN ----------------------------------
S3_BUCKET = env_str("S3_BUCKET", "") or env_str("AWS_STORAGE_BUCKET_NAME", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if S3_BUCKET:
    from botocore.config import Config as _BotocoreConfig

    # Credentials come the AWS way (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or the machine's role);
    # they never appear in settings.
    # (None, not "", when unset: django-storages reads these as its defaults.)
    AWS_S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "") or None  # MinIO, Ceph, other clouds (None: AWS)
    AWS_S3_REGION_NAME = env_str("S3_REGION", "") or env_str("AWS_S3_REGION_NAME", "") or None
    # The CDN (or bucket website) host that serves the media, e.g. "media.langso.vn": no scheme.
    AWS_S3_CUSTOM_DOMAIN = env_str("S3_CUSTOM_DOMAIN", "").strip().strip("/") or None
    if AWS_S3_CUSTOM_DOMAIN and "://" in AWS_S3_CUSTOM_DOMAIN:
        raise ImproperlyConfigured("S3_CUSTOM_DOMAIN is a host name (media.example.org), not a URL.")
    S3_LOCATION = env_str("S3_LOCATION", "").strip("/")  # key prefix inside the bucket
    S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "") or ("path" if AWS_S3_ENDPOINT_URL else "virtual")
    if S3_ADDRESSING_STYLE not in {"path", "virtual"}:
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be 'path' or 'virtual', got {S3_ADDRESSING_STYLE!r}"
        )
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "location": S3_LOCATION,
        # Public media: plain URLs (cacheable by the CDN), no per-object ACL — the bucket policy (or the
        # CDN's origin access) decides who reads; buckets with ACLs disabled refuse any ACL anyway.
        "querystring_auth": env_bool("S3_QUERYSTRING_AUTH", False),
        "default_acl": None,
        # Two uploads of "photo.jpg" never replace each other (the second gets a suffix).
        "file_overwrite": False,
        "object_parameters": {"CacheControl": env_str("S3_CACHE_CONTROL", "public, max-age=86400")},
    }
    if AWS_S3_ENDPOINT_URL:
        _s3_options["endpoint_url"] = AWS_S3_ENDPOINT_URL
    if AWS_S3_REGION_NAME:
        _s3_options["region_name"] = AWS_S3_REGION_NAME
    if AWS_S3_CUSTOM_DOMAIN:
        _s3_options["custom_domain"] = AWS_S3_CUSTOM_DOMAIN
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
    # Timeouts and bounded retries on every call to the bucket (an upload never hangs a request).
    AWS_S3_CLIENT_CONFIG = _BotocoreConfig(
        signature_version="s3v4",
        s3={"addressing_style": S3_ADDRESSING_STYLE},
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    # Where the files are served from: the storage builds each file's URL itself; MEDIA_URL says the
    # same, for the Content-Security-Policy (core/security.py) and anything that joins paths to it.
    _prefix = f"{S3_LOCATION}/" if S3_LOCATION else ""
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/{_prefix}"
    elif AWS_S3_ENDPOINT_URL and S3_ADDRESSING_STYLE == "path":
        MEDIA_URL = f"{AWS_S3_ENDPOINT_URL.rstrip('/')}/{S3_BUCKET}/{_prefix}"
    elif AWS_S3_ENDPOINT_URL:
        _endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        MEDIA_URL = f"{_endpoint.scheme}://{S3_BUCKET}.{_endpoint.netloc}/{_prefix}"
    else:
        MEDIA_URL = f"https://{S3_BUCKET}.s3.amazonaws.com/{_prefix}"
    # Nothing to serve from the local folder; documents are streamed through Django so that a private
    # collection's file is never handed out as a public bucket URL.
    SERVE_MEDIA = False
    WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- front cache (Varnish/nginx, Cloudflare, CloudFront): purged on publish and unpublish ----------
WAGTAILFRONTENDCACHE = {}
FRONTEND_CACHE_PURGE_URL = env_str("FRONTEND_CACHE_PURGE_URL", "")
if FRONTEND_CACHE_PURGE_URL:
    if urlsplit(FRONTEND_CACHE_PURGE_URL).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            "FRONTEND_CACHE_PURGE_URL must be an http(s) URL, e.g. http://10.0.0.5:6081"
        )
    # An HTTP PURGE of each page's path to this address, with the page's own Host header.
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": FRONTEND_CACHE_PURGE_URL,
    }
    if _purged_hosts := env_list("FRONTEND_CACHE_HOSTNAMES"):
        WAGTAILFRONTENDCACHE["http"]["HOSTNAMES"] = _purged_hosts
_cloudflare_token = env_str("CLOUDFLARE_API_TOKEN", "")
_cloudflare_zone = env_str("CLOUDFLARE_ZONE_ID", "")
if bool(_cloudflare_token) != bool(_cloudflare_zone):
    raise ImproperlyConfigured("CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID go together.")
if _cloudflare_token:
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": _cloudflare_token,  # an API token allowed "Zone.Cache Purge" on this zone only
        "ZONEID": _cloudflare_zone,
    }
if _cloudfront_distribution := env_str("CLOUDFRONT_DISTRIBUTION_ID", ""):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": _cloudfront_distribution,
    }
if WAGTAILFRONTENDCACHE:
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]

# --- HTTPS and cookies ----------------------------------------------------------------------------
# Production runs behind a proxy (gunicorn binds to loopback by default, docs/operations.md): without
# this every visitor would share the proxy's address, and login throttling and vote limits with it.
# nginx alone: 1; a load balancer in front of nginx: 2; nodes answering the internet directly: 0.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer probes the nodes over plain http: the probes answer there instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload HSTS for the whole domain is the operator's decision (README), not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

# JSON log lines and one access line per request, unless the environment says otherwise (a LOG_FORMAT
# from the environment was already validated by base).
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOG_REQUESTS = env_bool("LOG_REQUESTS", True)
LOGGING = _logging_config(log_format=LOG_FORMAT, log_level=LOG_LEVEL)  # noqa: F405
