"""The one module through which every Stripe call goes.

Every call has a timeout (``STRIPE_TIMEOUT_SECONDS``) and a bounded number of network retries; every
POST carries an idempotency key chosen by the caller from our own ids, so a retry — ours or the
library's — can never create a second session or refund. Stripe errors become :class:`PaymentError`:
``PROVIDER_UNAVAILABLE`` for network trouble, rate limits, 5xx and a concurrent request with the same
key (worth retrying later), ``IDEMPOTENCY_CONFLICT`` for a key reused with other parameters, and
``PROVIDER_REFUSED`` for any other 4xx (never retried). Results are plain dicts.

Never call this while holding a database lock or inside a transaction that writes.
"""

import json
import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings

from .exceptions import PaymentError, PaymentErrorCode

logger = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300


def is_enabled() -> bool:
    """Stripe is on when a secret key is configured."""
    return bool(settings.STRIPE_SECRET_KEY)


@lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str, timeout: float, max_network_retries: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        max_network_retries=max_network_retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def client() -> stripe.StripeClient:
    if not is_enabled():
        raise PaymentError(PaymentErrorCode.PROVIDER_DISABLED, "Card payments (Stripe) are not configured.")
    return _client_for(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        float(settings.STRIPE_TIMEOUT_SECONDS),
        int(settings.STRIPE_MAX_NETWORK_RETRIES),
    )


def _call(description: str, function: Callable[..., Any], *args, **kwargs) -> dict:
    try:
        result = function(*args, **kwargs)
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        logger.warning("Stripe unavailable during %s: %s", description, error)
        raise PaymentError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE, "The card payment service is unavailable; try again soon."
        ) from error
    except stripe.IdempotencyError as error:
        if error.http_status == 409:  # the same key is in flight in another request: try again soon
            raise PaymentError(
                PaymentErrorCode.PROVIDER_UNAVAILABLE, "The same request is already in progress; try again."
            ) from error
        logger.error("Stripe idempotency key reused with other parameters during %s: %s", description, error)
        raise PaymentError(
            PaymentErrorCode.IDEMPOTENCY_CONFLICT, "This request was already made with other details."
        ) from error
    except (
        stripe.InvalidRequestError,
        stripe.CardError,
        stripe.AuthenticationError,
        stripe.PermissionError,
    ) as error:
        logger.warning("Stripe refused %s: %s", description, error)
        raise PaymentError(
            PaymentErrorCode.PROVIDER_REFUSED,
            f"The card payment service refused the request: {error.user_message or error}",
        ) from error
    except stripe.StripeError as error:
        logger.warning("Stripe error during %s: %s", description, error)
        raise PaymentError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE, "The card payment service failed; try again soon."
        ) from error
    return result.to_dict(recursive=True)


def create_checkout_session(params: dict, *, idempotency_key: str) -> dict:
    return _call(
        "checkout session create",
        client().v1.checkout.sessions.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def retrieve_checkout_session(session_id: str) -> dict:
    return _call("checkout session retrieve", client().v1.checkout.sessions.retrieve, session_id)


def expire_checkout_session(session_id: str, *, idempotency_key: str) -> dict:
    return _call(
        "checkout session expire",
        client().v1.checkout.sessions.expire,
        session_id,
        options={"idempotency_key": idempotency_key},
    )


def create_refund(params: dict, *, idempotency_key: str) -> dict:
    return _call(
        "refund create",
        client().v1.refunds.create,
        params=params,
        options={"idempotency_key": idempotency_key},
    )


def retrieve_payment_intent(payment_intent_id: str) -> dict:
    return _call("payment intent retrieve", client().v1.payment_intents.retrieve, payment_intent_id)


def verify_webhook(payload: bytes, signature_header: str, *, now: float | None = None) -> dict:
    """Check a webhook's ``Stripe-Signature`` on the raw body and return the event as a dict.

    Refused (``INVALID_WEBHOOK``): no secret configured, a missing or wrong signature, a timestamp more
    than five minutes old (or in the future), a body that is not UTF-8 JSON of an event.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise PaymentError(PaymentErrorCode.INVALID_WEBHOOK, "No webhook secret is configured.")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature_header, secret, WEBHOOK_TOLERANCE_SECONDS)
    except UnicodeDecodeError as error:
        raise PaymentError(PaymentErrorCode.INVALID_WEBHOOK, "The body is not UTF-8.") from error
    except stripe.SignatureVerificationError as error:
        raise PaymentError(PaymentErrorCode.INVALID_WEBHOOK, f"Bad signature: {error}") from error
    # The library refuses old timestamps; refuse ones from the future too (a clock-skewed replay window).
    timestamp = _signature_timestamp(signature_header)
    if timestamp > (now if now is not None else time.time()) + WEBHOOK_TOLERANCE_SECONDS:
        raise PaymentError(PaymentErrorCode.INVALID_WEBHOOK, "The signature timestamp is in the future.")
    try:
        event = json.loads(text)
    except json.JSONDecodeError as error:
        raise PaymentError(PaymentErrorCode.INVALID_WEBHOOK, "The body is not JSON.") from error
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise PaymentError(PaymentErrorCode.INVALID_WEBHOOK, "The body is not a Stripe event.")
    return event


def _signature_timestamp(header: str) -> int:
    for part in header.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t" and value.strip().isdigit():
            return int(value)
    return 0
