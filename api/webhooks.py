"""Outgoing partner webhooks: the outbox written with the change, the sender, the signature.

**Outbox.** :func:`on_domain_event` is registered as an event handler, so it runs *inside* the
transaction of the domain change: it asks :mod:`api.event_catalogue` which webhooks the event makes,
finds the matching subscriptions (:mod:`api.matching`; active, of approved partners with the
``webhooks`` scope) and writes one :class:`~api.models.WebhookDelivery` per match with the frozen
body. The change, its event and its deliveries commit together or not at all; sending is enqueued
only after the commit (a task per ten deliveries).

**What a partner receives.** ``POST <endpoint_url>`` with the UTF-8 JSON body
``{"created": "<ISO 8601>", "data": {…the item…}, "id": "<event id>", "type": "product.updated"}``
(keys sorted, no spaces) and these headers::

    Content-Type: application/json
    User-Agent: SmartVillagePlatform-Webhooks/1.0 (+<our address>)
    Svp-Event-Id: 0b6f0c1e-…            the same on every retry and redelivery: deduplicate on it
    Svp-Event-Type: product.updated
    Svp-Delivery-Id: 1234               this delivery (a redelivery is a new delivery, same event id)
    Svp-Signature: t=1767225600,v1=5257a869e7ec…

**Verifying the signature.** ``t`` is the Unix time of this attempt; ``v1`` is the lower-case hex
HMAC-SHA256 of ``"<t>." + raw body`` (bytes) keyed with the subscription's whole signing secret
(``whsec_…``, as UTF-8)::

    expected = hmac.new(secret.encode(), f"{t}.".encode() + raw_body, hashlib.sha256).hexdigest()

Compare with ``hmac.compare_digest`` against the raw body as received (before any JSON parsing) and
refuse a ``t`` more than five minutes from your clock, which stops replays. After a secret rotation
only the new secret signs.

**Outcomes of one attempt** (every attempt is stored as a :class:`~api.models.DeliveryAttempt`):

* 2xx → *delivered*.
* 410 Gone → the subscription is disabled (``disabled_reason`` says why) and its other waiting
  deliveries are *cancelled*; this one is *refused*. Fixing the endpoint re-enables it.
* 3xx → *refused*: redirects are never followed (register the final address).
* other 4xx → *refused*, not retried — except 408 and 429, which ask us to come back later.
* 5xx, 408, 429, a timeout (``API_WEBHOOK_TIMEOUT_SECONDS``) or a network error → retried with
  exponential backoff (30 s × 2ⁿ, ±20 % jitter, at most one hour apart) until
  ``API_WEBHOOK_RETRY_HOURS`` after the event, then *failed*.
* an endpoint that is not a public address (private, loopback, link-local…, unless
  ``API_WEBHOOK_ALLOW_PRIVATE`` is on) → *failed* at once, no connection made.

**Who sends.** A delivery is *claimed* before it is sent by moving ``next_attempt_at`` forward in one
conditional ``UPDATE`` (a lease), so two workers never send the same delivery at once, and no database
lock or transaction is held during the HTTP call. A task enqueued for a delivery carries the lease it
was queued under; the periodic job (:func:`enqueue_due_deliveries`, every minute) queues the due
retries and any delivery whose task got lost (its lease ran out), taking the rows with
``select_for_update(skip_locked=True)`` on PostgreSQL (SQLite's IMMEDIATE transactions serialise it).
A worker dying mid-send means the delivery is sent again after its lease: receivers may see an event
twice, always with the same event id.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.events import record_event
from core.net import UnsafeURL, check_public_url

from . import event_catalogue
from .matching import decided_in_sql, prefilter, subscription_matches
from .models import DeliveryAttempt, DeliveryStatus, PartnerStatus, Scope, Subscription, WebhookDelivery

USER_AGENT = "SmartVillagePlatform-Webhooks/1.0"
SIGNATURE_HEADER = "Svp-Signature"
EXCERPT_LENGTH = 500
DELIVERY_LOG_LANGUAGE = "en"
#: how long a queued task owns its delivery before the periodic job queues it again
QUEUE_LEASE = timedelta(minutes=10)
#: on top of the timeout: how long a sender owns the delivery it is sending
SEND_LEASE_MARGIN = timedelta(seconds=60)
FIRST_RETRY_SECONDS = 30
LONGEST_RETRY_SECONDS = 3600
JITTER = 0.2
TASK_CHUNK = 10
DUE_BATCH = 500
RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})

_random = secrets.SystemRandom()
logger = logging.getLogger(__name__)


# --- signing -------------------------------------------------------------------------------------------


def encode_body(body: dict) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON with sorted keys."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def user_agent() -> str:
    return f"{USER_AGENT} (+{settings.WAGTAILADMIN_BASE_URL})"


# --- the outbox ----------------------------------------------------------------------------------------


def listening_subscriptions():
    """Active subscriptions of approved partners that (still) have the ``webhooks`` scope."""
    subscriptions = Subscription.objects.filter(is_active=True, partner__status=PartnerStatus.APPROVED)
    if connection.vendor == "postgresql":
        return subscriptions.filter(partner__scopes__contains=[Scope.WEBHOOKS.value])
    return subscriptions.annotate(partner_scopes_as_text=Cast("partner__scopes", TextField())).filter(
        partner_scopes_as_text__contains=f'"{Scope.WEBHOOKS.value}"'
    )


class SubscriptionFilters(NamedTuple):
    """What :func:`~api.matching.subscription_matches` reads of a subscription, as one plain row."""

    pk: int
    communes: list
    provinces: list
    content_types: list
    categories: list
    languages: list
    minimum_ocop_stars: int | None
    keywords: str


def matching_subscription_ids(item) -> list[int]:
    """Listening subscriptions that want ``item``: one percolation on Elasticsearch, else a SQL scan.

    The scan also answers when the cluster is down, so a change never waits on search to be written.
    """
    if getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch":
        from .matching_elastic import CLUSTER_ERRORS, percolate_subscriptions

        try:
            return percolate_subscriptions(item)
        except CLUSTER_ERRORS:
            logger.warning("percolation failed: matching subscriptions by a database scan", exc_info=True)
    if connection.vendor == "postgresql":  # the database decides, only the ids come back
        return list(decided_in_sql(listening_subscriptions(), item).order_by().values_list("pk", flat=True))
    # plain rows, unordered: thousands of candidates cost no model instances and no sort
    rows = prefilter(listening_subscriptions(), item).order_by().values_list(*SubscriptionFilters._fields)
    return [
        filters.pk
        for filters in map(SubscriptionFilters._make, rows.iterator(chunk_size=2000))
        if subscription_matches(filters, item)
    ]


def write_deliveries(webhook_event, *, created: datetime) -> list[int]:
    """One outbox row per matching subscription, all with the same event id and frozen body."""
    subscription_ids = matching_subscription_ids(webhook_event.item)
    if not subscription_ids:
        return []
    event_id = uuid.uuid4()
    body = {
        "id": str(event_id),
        "type": webhook_event.type,
        "created": created.isoformat(),
        "data": webhook_event.data,
    }
    now = timezone.now()
    lease = now + QUEUE_LEASE
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                event_id=event_id,
                subscription_id=subscription_id,
                event_name=webhook_event.type,
                body=body,
                next_attempt_at=lease,
                created_at=now,
            )
            for subscription_id in subscription_ids
        ],
        batch_size=1000,
    )
    ids = [delivery.pk for delivery in deliveries]
    if None in ids:  # a database that cannot return ids from a bulk insert
        ids = list(WebhookDelivery.objects.filter(event_id=event_id).values_list("pk", flat=True))
    _enqueue_after_commit(ids, lease)
    return ids


def on_domain_event(event) -> None:
    """Event handler (runs in the domain transaction): write the outbox rows for partner webhooks."""
    if not event_catalogue.is_catalogued(event.name):
        return
    if not listening_subscriptions().exists():
        return
    for webhook_event in event_catalogue.webhook_events_for(event):
        write_deliveries(webhook_event, created=event.occurred_at)


def _enqueue_after_commit(ids: list[int], lease: datetime) -> None:
    def enqueue() -> None:
        from .tasks import deliver_webhook_task, deliver_webhooks_task

        for start in range(0, len(ids), TASK_CHUNK):
            chunk = ids[start : start + TASK_CHUNK]
            if len(chunk) == 1:
                deliver_webhook_task.enqueue(chunk[0], lease.isoformat())
            else:
                deliver_webhooks_task.enqueue(chunk, lease.isoformat())

    transaction.on_commit(enqueue, robust=True)


def schedule_delivery(delivery: WebhookDelivery) -> None:
    """Send ``delivery`` after the current transaction commits (it is leased to the queued task)."""
    lease = timezone.now() + QUEUE_LEASE
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        next_attempt_at=lease
    )
    delivery.next_attempt_at = lease
    _enqueue_after_commit([delivery.pk], lease)


def enqueue_due_deliveries(*, now: datetime | None = None, limit: int = DUE_BATCH) -> int:
    """The periodic job: lease the due deliveries (retries, lost tasks) to new tasks. Returns how many."""
    now = now or timezone.now()
    lease = now + QUEUE_LEASE
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=lease)
            _enqueue_after_commit(ids, lease)
    return len(ids)


# --- sending -------------------------------------------------------------------------------------------


def _claim(delivery_id: int, *, now: datetime, lease: datetime | None) -> bool:
    """Take the delivery for sending (one conditional UPDATE): due now, or still under our queue lease."""
    owned_until = max(now, lease) if lease is not None else now
    send_lease = now + timedelta(seconds=float(settings.API_WEBHOOK_TIMEOUT_SECONDS)) + SEND_LEASE_MARGIN
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=owned_until
        ).update(next_attempt_at=send_lease)
    )


def _endpoint_problem(url: str) -> str | None:
    allow_private = settings.API_WEBHOOK_ALLOW_PRIVATE
    if urlsplit(url).scheme.lower() != "https" and not allow_private:
        return _("Webhook endpoints must be https:// addresses.")
    try:
        check_public_url(url, allow_private=allow_private)
    except UnsafeURL as error:
        return error.message
    return None


def _excerpt(response: requests.Response) -> str:
    """The start of the answer, for the partner's delivery log (at most 500 characters)."""
    received = b""
    try:
        for chunk in response.iter_content(chunk_size=1024):
            received += chunk
            if len(received) >= EXCERPT_LENGTH * 4:
                break
    except requests.RequestException:
        pass  # the status is what counts; a body that breaks off is still an answer
    return received.decode("utf-8", errors="replace")[:EXCERPT_LENGTH]


def retry_delay(attempt_count: int) -> timedelta:
    """30 s, 1 min, 2 min… at most an hour, each ±20 % so that retries of many events spread out."""
    seconds = min(FIRST_RETRY_SECONDS * 2 ** max(0, attempt_count - 1), LONGEST_RETRY_SECONDS)
    return timedelta(seconds=seconds * _random.uniform(1 - JITTER, 1 + JITTER))


def _post(delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """Send once. Returns (status code or None, error message, response excerpt)."""
    body = encode_body(delivery.body)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": user_agent(),
        "Svp-Event-Id": str(delivery.event_id),
        "Svp-Event-Type": delivery.event_name,
        "Svp-Delivery-Id": str(delivery.pk),
        SIGNATURE_HEADER: signature_header(delivery.subscription.secret, timestamp, body),
    }
    timeout = float(settings.API_WEBHOOK_TIMEOUT_SECONDS)
    try:
        with requests.post(
            delivery.subscription.endpoint_url,
            data=body,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            return response.status_code, "", _excerpt(response)
    except requests.Timeout:
        return (
            None,
            _("The endpoint did not answer within %(seconds)s seconds.") % {"seconds": f"{timeout:g}"},
            "",
        )
    except requests.RequestException as error:
        return None, _("Could not connect to the endpoint (%(error)s).") % {"error": type(error).__name__}, ""


def _outcome(status_code: int | None, error: str) -> tuple[str, str]:
    """(what happens next: delivered / disable / refused / retry / failed, the error to record)."""
    if error and status_code is None:
        return "retry", error
    if 200 <= status_code < 300:
        return "delivered", ""
    if status_code == 410:
        return "disable", _("The endpoint answered 410 Gone: the subscription was disabled.")
    if 300 <= status_code < 400:
        return "refused", _(
            "The endpoint answered with a redirect (%(status)s); redirects are not followed: register the "
            "final address."
        ) % {"status": status_code}
    if status_code in RETRYABLE_CLIENT_ERRORS or status_code >= 500:
        return "retry", _("The endpoint answered HTTP %(status)s.") % {"status": status_code}
    return "refused", _("The endpoint refused the event with HTTP %(status)s; it is not sent again.") % {
        "status": status_code
    }


def _why_not_sending(subscription: Subscription) -> str:
    """Why this subscription must not receive anything now (empty when it may)."""
    partner = subscription.partner
    if not subscription.is_active:
        return subscription.disabled_reason or _("The subscription is disabled.")
    if partner.status != PartnerStatus.APPROVED:
        return _("The partner account is not active.")
    if not partner.has_scope(Scope.WEBHOOKS):
        return _("The partner no longer has the “webhooks” scope.")
    return ""


def deliver(delivery_id: int, *, lease: datetime | None = None) -> str | None:
    """Try to send one delivery now (if it is ours to send). Returns its status afterwards, or ``None``.

    The delivery log's errors are written in English, whichever language the worker or the request that
    queued the task happens to have active: partners read them next to HTTP status codes."""
    with translation.override(DELIVERY_LOG_LANGUAGE):
        return _deliver(delivery_id, lease=lease)


def _deliver(delivery_id: int, *, lease: datetime | None = None) -> str | None:
    started_at = timezone.now()
    if not _claim(delivery_id, now=started_at, lease=lease):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription__partner").filter(pk=delivery_id).first()
    if delivery is None:  # its subscription was deleted meanwhile
        return None
    subscription = delivery.subscription
    reason = _why_not_sending(subscription)
    if reason:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.CANCELLED, last_error=reason[:500]
        )
        return DeliveryStatus.CANCELLED

    problem = _endpoint_problem(subscription.endpoint_url)
    clock = time.monotonic()
    if problem is not None:
        status_code, error, excerpt, next_step = None, problem, "", "failed"
    else:
        status_code, error, excerpt = _post(delivery)
        next_step, error = _outcome(status_code, error)
    duration_ms = int((time.monotonic() - clock) * 1000)
    return _record(
        delivery,
        attempted_at=started_at,
        duration_ms=duration_ms,
        status_code=status_code,
        error=error,
        excerpt=excerpt,
        next_step=next_step,
    )


def _record(delivery, *, attempted_at, duration_ms, status_code, error, excerpt, next_step) -> str:
    now = timezone.now()
    changes = {
        "attempt_count": F("attempt_count") + 1,
        "last_status_code": status_code,
        "last_error": error[:500],
    }
    if next_step == "retry":
        next_attempt_at = now + retry_delay(delivery.attempt_count + 1)
        deadline = delivery.created_at + timedelta(hours=settings.API_WEBHOOK_RETRY_HOURS)
        if next_attempt_at > deadline:
            next_step = "failed"
        else:
            changes.update(status=DeliveryStatus.PENDING, next_attempt_at=next_attempt_at)
    status = {
        "delivered": DeliveryStatus.DELIVERED,
        "retry": DeliveryStatus.PENDING,
        "failed": DeliveryStatus.FAILED,
        "refused": DeliveryStatus.REFUSED,
        "disable": DeliveryStatus.REFUSED,
    }[next_step]
    changes["status"] = status
    if next_step == "delivered":
        changes["delivered_at"] = now
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            attempted_at=attempted_at,
            duration_ms=duration_ms,
            status_code=status_code,
            error=error[:500],
            response_excerpt=excerpt[:EXCERPT_LENGTH],
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
        if next_step == "disable":
            _disable_subscription(delivery, reason=error, now=now)
    return status


def _disable_subscription(delivery: WebhookDelivery, *, reason: str, now: datetime) -> None:
    """410 Gone: stop sending to this endpoint and cancel what was waiting for it."""
    subscription = delivery.subscription
    disabled = Subscription.objects.filter(pk=subscription.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason[:300], updated_at=now
    )
    cancelled = (
        WebhookDelivery.objects.filter(subscription_id=subscription.pk, status=DeliveryStatus.PENDING)
        .filter(~Q(pk=delivery.pk))
        .update(status=DeliveryStatus.CANCELLED, last_error=reason[:500])
    )
    if disabled:
        record_event(
            "api.subscription.disabled",
            subject=subscription.partner,
            payload={"subscription": subscription.pk, "status_code": 410, "cancelled_deliveries": cancelled},
        )


def deliver_many(delivery_ids: list[int], *, lease: datetime | None = None) -> dict[str, int]:
    """Send several deliveries one after the other; returns how many ended in each status."""
    counts: dict[str, int] = {}
    for delivery_id in delivery_ids:
        status = deliver(delivery_id, lease=lease)
        key = status or "skipped"
        counts[key] = counts.get(key, 0) + 1
    return counts


def parse_lease(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
