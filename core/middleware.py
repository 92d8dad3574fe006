"""Whole-page cache for anonymous visitors of public pages.

Only GET/HEAD requests without a session or CSRF cookie, outside the admin and the API, and only
responses that are 200, not private and set no cookie are stored. The key holds the path, query,
language and the cache generation (see ``core.cache``), so a publish invalidates everything.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from .cache import page_cache_generation

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
    "/static/",
    "/media/",
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
