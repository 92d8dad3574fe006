"""Production: refuses to start without its secrets; secure cookies, HSTS, manifest static files."""

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

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

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
