"""The Stripe webhook endpoint. Everything else about payments is called from the domains' views."""

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services, stripe_client
from .exceptions import PaymentError, PaymentErrorCode

logger = logging.getLogger(__name__)


def _error(error: PaymentError, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": str(error.code), "message": error.message}}, status=status)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """Verify the signature on the raw body, then apply the event once.

    400: Stripe is off, bad or missing signature, timestamp older than 5 minutes, malformed body (the
    event is not stored). 503: Stripe could not be reached for a re-fetch —
    nothing was stored, so Stripe's retry is processed. 200: applied, ignored or a duplicate.
    """
    if not stripe_client.is_enabled():
        # 400, not 404: LocaleMiddleware would turn a 404 into a redirect to /vi/… (Wagtail catches all).
        return JsonResponse({"error": {"code": "provider_disabled", "message": "Stripe is off."}}, status=400)
    try:
        event = stripe_client.verify_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except PaymentError as error:
        logger.warning("Refused a Stripe webhook: %s", error.message)
        return _error(error, 400)
    try:
        outcome = services.handle_stripe_event(event=event)
    except PaymentError as error:
        if error.code == PaymentErrorCode.PROVIDER_UNAVAILABLE:
            return _error(error, 503)
        logger.warning("Could not apply Stripe event %s: %s", event.get("id"), error.message)
        return _error(error, 400)
    return JsonResponse({"received": True, "outcome": outcome})
