"""A commune's colour as a tiny stylesheet, so that no page needs an inline ``<style>`` (core/security.py).

``/theme/<rrggbb>.css`` is ``:root{--primary:#rrggbb}``. Its address is its content, so browsers and
proxies keep it for a year; the colour itself was checked when the commune was saved (village.theme).
"""

from django.http import HttpResponse
from django.views.decorators.http import require_safe

ONE_YEAR = 31_536_000


@require_safe
def colour_stylesheet(request, colour: str):
    response = HttpResponse(f":root{{--primary:#{colour}}}\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
