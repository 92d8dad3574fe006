"""Views that belong to no domain app."""

from django.http import HttpResponse


def bare(request):
    """The baseline of ``bench/pages.py``: the cheapest Django view, behind the full middleware stack.

    Routed only when the environment variable ``BENCH_BARE_VIEW`` is on (see ``config/urls.py``).
    """
    return HttpResponse(b"ok", content_type="text/plain")
