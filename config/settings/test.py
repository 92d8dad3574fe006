"""Test settings: fast hasher, local-memory cache, immediate tasks, a throw-away media folder.

``DATABASE_URL``/``REDIS_URL`` still switch the suite to PostgreSQL/Redis (CI runs it twice).
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .environment import env_str

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "svp-test"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env_str("TEST_MEDIA_ROOT", tempfile.mkdtemp(prefix="svp-media-")))
PAGE_CACHE_SECONDS = 0
if not DATABASE_URL:  # noqa: F405
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Static files straight from the apps (no collectstatic), also for the live server of browser tests.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="svp-static-"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Payments: Stripe off unless a test turns it on (against the local stub); no slow retries.
STRIPE_SECRET_KEY = ""
STRIPE_WEBHOOK_SECRET = ""
STRIPE_MAX_NETWORK_RETRIES = 0
# API answers are not kept between requests in tests (a test changes rows without committing, so the
# content clock would not move); tests/api/test_access.py turns the answer cache on to test it.
API_RESPONSE_CACHE_SECONDS = 0
API_EXCHANGE_FLUSH_SECONDS = 0  # each request's record is written before its answer (tests read it next)
