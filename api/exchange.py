"""The exchange log and daily usage: what each partner asked, when, and what it got back.

Records are append-only; ``purge_exchange_log`` removes those older than ``API_EXCHANGE_LOG_DAYS``.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ExchangeRecord, UsageDay

MAX_PARAMETER_LENGTH = 200
MAX_PARAMETERS = 30


def _storable(text: str, limit: int) -> str:
    """``text`` cut to ``limit``, without NUL characters (PostgreSQL refuses them in text and jsonb)."""
    return text[:limit].replace("\x00", "\ufffd")


def _parameters(request) -> dict:
    parameters = {}
    for name in list(request.GET.keys())[:MAX_PARAMETERS]:
        values = [_storable(value, MAX_PARAMETER_LENGTH) for value in request.GET.getlist(name)]
        parameters[_storable(name, MAX_PARAMETER_LENGTH)] = values[0] if len(values) == 1 else values
    return parameters


def count_usage(*, partner_id: int, throttled: bool = False) -> None:
    """Add one request (and one refusal, if throttled) to the partner's row for today (UTC)."""
    day = timezone.now().date()
    changes = {"requests": F("requests") + 1}
    if throttled:
        changes["throttled"] = F("throttled") + 1
    if UsageDay.objects.filter(partner_id=partner_id, day=day).update(**changes):
        return
    try:
        with transaction.atomic():
            UsageDay.objects.create(partner_id=partner_id, day=day, requests=1, throttled=int(throttled))
    except IntegrityError:  # another request created today's row first
        UsageDay.objects.filter(partner_id=partner_id, day=day).update(**changes)


def record_exchange(*, partner_id: int, key_prefix: str, request, operation: str, status: int, body: bytes):
    ExchangeRecord.objects.create(
        partner_id=partner_id,
        key_prefix=key_prefix,
        method=request.method[:8],
        operation=operation[:120],
        path=_storable(request.path, 500),
        parameters=_parameters(request),
        status=status,
        response_digest=hashlib.sha256(body).hexdigest() if body else "",
    )


def purge_exchange_log(*, now=None) -> int:
    """Delete records older than the retention (days); returns how many were removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.API_EXCHANGE_LOG_DAYS)
    deleted, _ = ExchangeRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
