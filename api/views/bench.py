"""The baseline of ``bench/api.py``: the cheapest DRF view, behind the full middleware stack.

Routed only when the environment variable ``BENCH_BARE_VIEW`` is on (see ``config/urls.py``), at
``/__bench__/bare-api/``: no authentication, no permission check, no throttling, no database, one tiny
JSON body through DRF's request/response cycle and renderer. The partner API's list endpoints are
measured against it.
"""

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class BareApiView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get(self, request):
        return Response({"ok": True})


bare = BareApiView.as_view()
