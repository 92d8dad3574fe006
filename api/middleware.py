"""The exchange's edge: CORS for reads and gzip, only on the API, the feeds and oEmbed; early answers.

* CORS: any origin may *read* (GET/HEAD) — a partner's web app calls us from the browser with its key
  in a header. Preflights are answered here, before authentication; writes get no CORS headers, so
  browsers refuse cross-origin writes. No cookies are involved (``Access-Control-Allow-Origin: *``).
* gzip: JSON and feeds compress 5–10×. Pages are left alone (their CSRF tokens and BREACH).
"""

from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware

from .shortcut import early_answer

PREFIXES = ("/api/", "/feeds/", "/oembed/")
READ_METHODS = ("GET", "HEAD")
ALLOWED_HEADERS = "Authorization, X-Api-Key, If-None-Match, If-Modified-Since, Accept, Accept-Language"
EXPOSED_HEADERS = (
    "ETag, Last-Modified, Retry-After, Content-Language, X-RateLimit-Limit, X-RateLimit-Remaining, "
    "X-RateLimit-Reset, X-RateLimit-Limit-Day, X-RateLimit-Remaining-Day"
)
PREFLIGHT_MAX_AGE = "86400"


def _is_exchange(request) -> bool:
    return request.path.startswith(PREFIXES)


class ExchangeEdgeMiddleware(GZipMiddleware):
    def __call__(self, request):
        if (
            _is_exchange(request)
            and request.method == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        ):
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
            return response
        return super().__call__(request)

    def process_response(self, request, response):
        if not _is_exchange(request):
            return response
        if request.method in READ_METHODS and "HTTP_ORIGIN" in request.META:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return super().process_response(request, response)


class EarlyAnswerMiddleware:
    """A partner's revalidation (304) or repeated question (a kept answer) answered before the rest of
    the stack, when everything the full path checks is known already (``api.shortcut``); every other
    request goes on unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        answer = early_answer(request)
        return answer if answer is not None else self.get_response(request)
