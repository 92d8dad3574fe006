"""Views that belong to no domain app: the health probes and the benchmark's baseline."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .health import run_checks

READINESS_RETRY_AFTER_SECONDS = 5


def _probe_answer(body: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a POST gets its 405, not a CSRF 403
@require_safe  # GET and HEAD
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the cache, so a restart is never
    triggered by a dependency's outage (that is what ``/readyz`` is for)."""
    return _probe_answer({"status": "ok"})


@csrf_exempt
@require_safe
def readyz(request):
    """Readiness: the database and the task queue answer (``core.health``). 503 with ``Retry-After`` and
    the failing check's error class otherwise — a load balancer stops sending traffic here until it
    passes again. A failing cache is ``"status": "degraded"`` with 200: the node serves, slower."""
    ready, checks = run_checks()
    if ready:
        degraded = any(not check["ok"] for check in checks.values())
        return _probe_answer({"status": "degraded" if degraded else "ok", "checks": checks})
    response = _probe_answer({"status": "unavailable", "checks": checks}, status=503)
    response["Retry-After"] = str(READINESS_RETRY_AFTER_SECONDS)
    return response


def bare(request):
    """The baseline of ``bench/pages.py``: the cheapest Django view, behind the full middleware stack.

    Routed only when the environment variable ``BENCH_BARE_VIEW`` is on (see ``config/urls.py``).
    """
    return HttpResponse(b"ok", content_type="text/plain")
