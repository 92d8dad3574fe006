"""Request ids and the access log; the whole-page cache for anonymous visitors; the locale middleware.

Page cache: only GET/HEAD requests without a session or CSRF cookie, outside the admin and the API, and
only responses that are 200, not private and set no cookie are stored. The key holds the path, query,
language and the cache generation (see ``core.cache``), so a publish invalidates everything.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .cache import page_cache_generation
from .logs import REQUEST_ID_HEADER, bind_request_id, request_id_from_header, unbind_request_id

access_log = logging.getLogger("svp.request")


def _loggable(text: str) -> str:
    """The text with control characters escaped, so that a crafted address cannot forge log lines."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def _logged_path(request) -> str:
    """What the access log says was asked for: the path, or — when the URL pattern captured named parts
    (checkout and booking tokens, calendar feed tokens, ids) — the pattern itself, so that no secret
    carried in a path reaches the logs; never the query string."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.kwargs and match.route:
        return "/" + _loggable(match.route)
    return _loggable(request.path)


class RequestIdMiddleware:
    """First in ``MIDDLEWARE``: gives the request an id (the caller's ``X-Request-ID`` when it is a sane
    token, else a new one) that every log line of the request carries (``core.logs``), returns it in the
    ``X-Request-ID`` header, and writes one access-log line (logger ``svp.request``) when ``LOG_REQUESTS``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = bind_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if getattr(settings, "LOG_REQUESTS", False):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                path = _logged_path(request)
                access_log.info(
                    "%s %s %s %.1fms",
                    request.method,
                    path,
                    response.status_code,
                    duration_ms,
                    extra={
                        "method": request.method,
                        "path": path,
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                        "request_id": request_id,
                    },
                )
            return response
        finally:
            unbind_request_id(token)


# The API, feeds, oEmbed and embed cards have their own ETags from the content clock (api/conditional.py),
# which moves with products and stays too; the page cache's generation moves only with pages.
UNCACHED_PREFIXES = (
    "/admin",
    "/django-admin",
    "/api",
    "/feeds",
    "/oembed",
    "/embed",
    "/static",
    "/media",
    "/sw.js",
    "/theme/",  # a commune's colour stylesheet: cached for a year by its own headers (themes.views)
    "/healthz",
    "/readyz",
)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def _cacheable_request(self, request) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and settings.CSRF_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(UNCACHED_PREFIXES)
        )

    def _key(self, request) -> str:
        raw = "|".join(
            [
                request.get_host(),
                request.get_full_path(),
                request.headers.get("Accept-Language", "")[:32],
                str(page_cache_generation()),
            ]
        )
        return "page:" + hashlib.sha256(raw.encode()).hexdigest()

    def __call__(self, request):
        if not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
        ):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            patch_cache_control(response, public=True, max_age=60)
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


# Addresses outside the language prefixes (/vi/, /en/): a 404 there is final, never a redirect to /vi/….
UNPREFIXED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/api/",
    "/feeds/",
    "/oembed/",
    "/embed/",
    "/go/",
    "/calendars/",
    "/payments/",
    "/documents/",
    "/theme/",
    "/static/",
    "/media/",
    "/healthz",
    "/readyz",
)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that it does not turn a 404 of an address that lives outside the
    language prefixes (the API, the admin, feeds…) into a redirect to ``/vi/<the same address>`` — the
    Wagtail catch-all makes every prefixed address look valid, so that redirect always led to a second 404.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED_PREFIXES):
            response.headers.setdefault("Content-Language", translation.get_language())
            patch_vary_headers(response, ("Accept-Language",))
            return response
        return super().process_response(request, response)
