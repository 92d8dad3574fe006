"""Settings shared by every run mode. Every switch is an environment variable with a safe default.

The embedded default (``make run``, tests) uses SQLite, a local-memory cache and the database task
backend; setting ``DATABASE_URL``, ``REDIS_URL`` or ``ELASTICSEARCH_URL`` moves one concern to a
real service (see README, configuration table).
"""

from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.logs import LOG_FORMATS as _LOG_FORMATS
from core.logs import logging_config as _logging_config
from core.search_analysis import elasticsearch_index_settings as _elasticsearch_index_settings

from .environment import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # our floors, top to bottom
    "api",
    "market",
    "tourism",
    "payments",
    "village",
    "accounts",
    "core",
    "themes",
    # Wagtail
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # third party
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: every later middleware's log lines and answers (redirects too) carry the request id.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy (core/security.py), outside the page cache.
    "core.security.SecurityHeadersMiddleware",
    "api.middleware.ExchangeEdgeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.AnonymousPageCacheMiddleware",
    # A partner's revalidation or repeated question, answered before the rest (api.shortcut).
    "api.middleware.EarlyAnswerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # who made a permission change in an admin screen that calls no service (accounts.audit)
    "accounts.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it sees a view's database errors first: 503 + Retry-After, and the next request reconnects.
    "core.resilience.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "themes" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "themes.context_processors.theme",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis that answers misses while Redis is unreachable, leaves it alone for
            # RETRY_SECONDS after an error and logs the outage once per LOG_INTERVAL_SECONDS
            # (core/resilience.py): a cache outage slows pages down, it does not break them.
            "BACKEND": "core.resilience.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "svp",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_int("REDIS_CONNECT_TIMEOUT_SECONDS", 1),
                "SOCKET_TIMEOUT": env_int("REDIS_TIMEOUT_SECONDS", 2),
                "RETRY_SECONDS": env_int("CACHE_RETRY_SECONDS", 5),
                "LOG_INTERVAL_SECONDS": env_int("CACHE_LOG_INTERVAL_SECONDS", 60),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "svp"}}

# Whole-page cache for anonymous visitors of public pages, in seconds (0 disables it).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# New "Was this guide helpful?" answers accepted per IP address and hour (more are refused with 429).
GUIDE_VOTES_PER_IP_PER_HOUR = env_int("GUIDE_VOTES_PER_IP_PER_HOUR", 30)

# --- background work ------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A database-queue job RUNNING for longer than this is taken for dead (its worker was killed) and
# queued again, at most TASKS_MAX_RUNS times in all (core/tasks.py): keep it above the longest job.
TASKS_STALE_AFTER_SECONDS = env_int("TASKS_STALE_AFTER_SECONDS", 1800)
TASKS_MAX_RUNS = env_int("TASKS_MAX_RUNS", 3)

# --- authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.PhoneOrEmailBackend"]
LOGIN_URL = "wagtailadmin_login"
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.ThrottledLoginForm"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (accounts/throttling.py), on every door that takes a password: after
# LOGIN_FAILURES_LIMIT failures for one account (its phone and email together) from one address, or
# LOGIN_FAILURES_PER_ADDRESS_LIMIT from one address (higher: mobile carriers put many people behind one
# address), within LOGIN_LOCKOUT_SECONDS, attempts are refused for LOGIN_LOCKOUT_SECONDS, right password
# or not.
LOGIN_FAILURES_LIMIT = env_int("LOGIN_FAILURES_LIMIT", 5)
# One account from any number of addresses (guessing spread over many machines); see accounts/throttling.py.
LOGIN_FAILURES_PER_ACCOUNT_LIMIT = env_int("LOGIN_FAILURES_PER_ACCOUNT_LIMIT", 100)
LOGIN_FAILURES_PER_ADDRESS_LIMIT = env_int("LOGIN_FAILURES_PER_ADDRESS_LIMIT", 50)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
# The commune model that memberships point at (kept as a string so accounts/ never imports village/).
COMMUNE_MODEL = "village.CommunePage"

# --- internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Wagtail --------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Làng số · Smart Village"
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "village.VillageImage"
WAGTAILIMAGES_IMAGE_FORM_BASE = "village.images.SafeImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "heic", "heif"]
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"heic": "jpeg", "heif": "jpeg"}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "txt", "csv"]
# The admin keeps Vietnamese letters while typing; village pages fold them (village/forms.py).
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILEMBEDS_FINDERS = []  # no oEmbed calls at render time: our video block renders a link
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "svp")
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX": ELASTICSEARCH_INDEX_PREFIX,
            "TIMEOUT": 5,
            "OPTIONS": {},
            "INDEX_SETTINGS": _elasticsearch_index_settings(),
        }
    }
else:
    # "simple": no English stemming or stop words on PostgreSQL, like SQLite FTS5. Folded Vietnamese
    # words such as "so" (số), "to" (tổ) and "the" (thẻ) are English stop words and would be dropped.
    # (Ignored on SQLite. After changing it on PostgreSQL, run `manage.py update_index`.)
    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "simple"}
    }

# The one search across guides, news, events, products, stays and experiences (core.search):
# "database" (core.SearchEntry; SQLite or PostgreSQL with trigram indexes) or "elasticsearch"
# (the default when ELASTICSEARCH_URL is set). After switching, run `manage.py rebuild_search_index`.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "elasticsearch" if ELASTICSEARCH_URL else "database")

# --- demand ↔ supply matching (market.matching; explained in docs/matching.md) ---------------------
# Each part of a match scores 0–1 and counts with its weight; the weights add up to 1, so a match
# scores 0–1. A listing a new demand fits by at least MATCHING_NOTIFY_MIN_SCORE is emailed to the buyer.
MATCHING_WEIGHTS = {
    "text": 0.30,  # the demand's words in the listing's name (most) and description
    "category": 0.08,  # the same category
    "quantity": 0.15,  # stock plus what a harvest before the date can add, against the quantity
    "price": 0.12,  # the listing's price, in the demand's unit, against the highest price
    "certification": 0.10,  # required certifications and OCOP stars (current), or OCOP quality
    "distance": 0.10,  # producer's commune to the delivery point (haversine), delivery to the zone
    "season": 0.05,  # a harvest month between today and the needed-by date
    "reliability": 0.10,  # the producer's fulfilment rate and rating (a neutral prior when new)
}
MATCHING_NOTIFY_MIN_SCORE = 0.6

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.UserTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ApiAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Smart Village Platform API",
    "DESCRIPTION": (
        "The open exchange of the Smart Village Platform: village guides, news, notices and events, "
        "highland products and their lots, stays and experiences, for partners with an API key; "
        "orders and bookings for apps acting for a signed-in person. Guide: docs/partners.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["config.openapi.only_public_api"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ServiceKindEnum": "tourism.models.ServiceKind",
        "OrderPaymentMethodEnum": "market.models.PaymentMethod",
        "BookingPaymentMethodEnum": "tourism.models.BookingPayment",
        "OrderStatusEnum": "market.models.OrderStatus",
        "BookingStatusEnum": "tourism.models.BookingStatus",
        "SpokenLanguageEnum": "tourism.models.Language",
        "EventKindEnum": "village.models.EventKind",
        "IndicatorUnitEnum": "village.models.IndicatorUnit",
        "UnitEnum": "market.models.Unit",
        "ProducerKindEnum": "market.models.ProducerKind",
        "DeliveryStatusEnum": "api.models.DeliveryStatus",
        "ContentLanguageEnum": [("vi", "vi"), ("en", "en")],
    },
}
# Partner API: quotas per tier (requests per minute / per day), per person token; page sizes; how long
# the exchange log is kept; how often time-bound answers are re-read at least (ETag window).
API_TIER_QUOTAS = {
    "free": {
        "per_minute": env_int("API_FREE_PER_MINUTE", 60),
        "per_day": env_int("API_FREE_PER_DAY", 10_000),
    },
    "standard": {
        "per_minute": env_int("API_STANDARD_PER_MINUTE", 300),
        "per_day": env_int("API_STANDARD_PER_DAY", 100_000),
    },
    "premium": {
        "per_minute": env_int("API_PREMIUM_PER_MINUTE", 1_200),
        "per_day": env_int("API_PREMIUM_PER_DAY", 1_000_000),
    },
}
API_USER_QUOTA = {
    "per_minute": env_int("API_USER_PER_MINUTE", 60),
    "per_day": env_int("API_USER_PER_DAY", 5_000),
}
API_DEFAULT_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100
API_EXCHANGE_LOG_DAYS = env_int("API_EXCHANGE_LOG_DAYS", 180)
# Exchange-log records and usage counts wait in the worker's memory at most this long (0: written
# before each answer) or until this many are waiting, then are written in one batch.
API_EXCHANGE_FLUSH_SECONDS = env_int("API_EXCHANGE_FLUSH_SECONDS", 2)
API_EXCHANGE_FLUSH_RECORDS = env_int("API_EXCHANGE_FLUSH_RECORDS", 200)
API_ETAG_WINDOW_SECONDS = env_int("API_ETAG_WINDOW_SECONDS", 300)
API_RESPONSE_CACHE_SECONDS = env_int("API_RESPONSE_CACHE_SECONDS", 300)
API_PLATFORM_NAME = env_str("API_PLATFORM_NAME", "Làng số")
# Webhooks: timeout per attempt, how long to keep retrying, and whether endpoints may be private
# addresses (development and tests only; production always refuses them).
API_WEBHOOK_TIMEOUT_SECONDS = env_int("API_WEBHOOK_TIMEOUT_SECONDS", 10)
API_WEBHOOK_RETRY_HOURS = env_int("API_WEBHOOK_RETRY_HOURS", 24)
API_WEBHOOK_ALLOW_PRIVATE = env_bool("API_WEBHOOK_ALLOW_PRIVATE", False)
# Open data: the licence of the indicator downloads (/<lang>/indicators/data.csv|json) and of
# /api/v1/indicators/values/.
OPEN_DATA_LICENCE = env_str("OPEN_DATA_LICENCE", "CC BY 4.0")
OPEN_DATA_LICENCE_URL = env_str("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")

# --- market ---------------------------------------------------------------------------------------
# Minutes a checkout holds stock unpaid (bank transfer; card payments hold at least the Stripe session
# plus five minutes); hours a producer has to accept a cash-on-delivery order.
MARKET_HOLD_MINUTES = env_int("MARKET_HOLD_MINUTES", 30)
MARKET_COD_ACCEPT_HOURS = env_int("MARKET_COD_ACCEPT_HOURS", 48)
# tourism: how long a booking's nights are held unpaid, how long a host has to answer a request, the
# iCal import limits and whether calendar addresses may point to private networks (tests only)
TOURISM_HOLD_MINUTES = env_int("TOURISM_HOLD_MINUTES", 15)
TOURISM_REQUEST_HOURS = env_int("TOURISM_REQUEST_HOURS", 24)
TOURISM_ICAL_MAX_BYTES = env_int("TOURISM_ICAL_MAX_BYTES", 1_000_000)
TOURISM_ICAL_MAX_EVENTS = env_int("TOURISM_ICAL_MAX_EVENTS", 2000)
TOURISM_ICAL_ALLOW_PRIVATE_HOSTS = env_bool("TOURISM_ICAL_ALLOW_PRIVATE_HOSTS", False)

# --- payments -------------------------------------------------------------------------------------
# Cash on delivery and VietQR are always on; Stripe (cards) when STRIPE_SECRET_KEY is set.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 10)
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
# The platform's fee on money it collects (Stripe, VietQR to the platform account), in percent; the fee
# is rounded half up to a whole đồng (payments/fees.py).
try:
    PLATFORM_FEE_PERCENT = Decimal(env_str("PLATFORM_FEE_PERCENT", "5"))
except InvalidOperation as _error:
    raise ImproperlyConfigured("PLATFORM_FEE_PERCENT must be a number, e.g. 5 or 2.5") from _error
if not Decimal(0) <= PLATFORM_FEE_PERCENT <= Decimal(100):
    raise ImproperlyConfigured("PLATFORM_FEE_PERCENT must be between 0 and 100")
# How long a Stripe Checkout Session stays open (Stripe allows 30 minutes to 24 hours).
PAYMENTS_CHECKOUT_MINUTES = env_int("PAYMENTS_CHECKOUT_MINUTES", 30)
# How long a VietQR transfer is awaited before the payment expires.
PAYMENTS_TRANSFER_HOURS = env_int("PAYMENTS_TRANSFER_HOURS", 48)
# VietQR to a payee without their own bank account goes to the platform's account (then the ledger).
PAYMENTS_VIETQR_COLLECTS_TO_PLATFORM = env_bool("PAYMENTS_VIETQR_COLLECTS_TO_PLATFORM", True)
# The platform's account for VietQR transfers (demo values in development; empty in production).
PLATFORM_BANK_BIN = env_str("PLATFORM_BANK_BIN", "970436")
PLATFORM_BANK_ACCOUNT = env_str("PLATFORM_BANK_ACCOUNT", "0011001932418")
PLATFORM_BANK_ACCOUNT_NAME = env_str("PLATFORM_BANK_ACCOUNT_NAME", "LANG SO DEMO")

# --- email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Làng số <no-reply@localhost>")

# --- security defaults (tightened further in production) -------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (core/security.py): more origins for images (a media CDN) and for forms — a
# form's redirect counts too, so Stripe Checkout's origin is listed for the card payment's 303.
CSP_IMG_ORIGINS = env_list("CSP_IMG_ORIGINS", [])
CSP_FORM_ACTION_ORIGINS = env_list("CSP_FORM_ACTION_ORIGINS", ["https://checkout.stripe.com"])
# How many proxies of ours (nginx, a load balancer) add to X-Forwarded-For before Django: the client's
# address (login throttling) is read that many entries from its right. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# No Gravatar images in the admin: no third-party request carrying a hash of staff email addresses.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- logging --------------------------------------------------------------------------------------
# To standard output, with the request id on every line (core/logs.py): "plain" text or "json" lines
# (production's default). LOG_REQUESTS adds one access line per request (logger svp.request).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in _LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(_LOG_FORMATS)}, got {LOG_FORMAT!r}")
LOG_REQUESTS = env_bool("LOG_REQUESTS", False)
LOGGING = _logging_config(log_format=LOG_FORMAT, log_level=LOG_LEVEL)
# Each /readyz check (database, cache, task queue) must answer within this many seconds.
READINESS_CHECK_SECONDS = env_int("READINESS_CHECK_SECONDS", 2)
WAGTAIL_USER_CUSTOM_FIELDS = ["phone", "preferred_language"]

# Serve uploaded media from Django (embedded mode); production serves it from storage or a proxy.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
