"""Partners' webhook subscriptions: endpoints and filters; redelivery of past events.

An endpoint must be ``https://`` and resolve to a public address; ``http://`` and private or loopback
addresses are accepted only when ``API_WEBHOOK_ALLOW_PRIVATE`` is on (development and tests; the
production settings force it off). The signing secret is made here and shown to the partner.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event
from core.net import UnsafeURL, check_public_url

from ..exceptions import ApiErrorCode, ApiServiceError
from ..models import DeliveryStatus, ItemKind, Partner, PartnerStatus, Scope, Subscription, WebhookDelivery

LANGUAGES = ("vi", "en")
MAX_SUBSCRIPTIONS_PER_PARTNER = 20
FILTER_FIELDS = (
    "communes",
    "provinces",
    "content_types",
    "categories",
    "languages",
    "minimum_ocop_stars",
    "keywords",
)


def new_signing_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def check_endpoint(url: str) -> str:
    """Refuse endpoints we must not call: not https (outside development), private or loopback."""
    allow_private = settings.API_WEBHOOK_ALLOW_PRIVATE
    scheme = urlsplit(url).scheme.lower()
    if scheme != "https" and not (allow_private and scheme == "http"):
        raise ApiServiceError(
            ApiErrorCode.ENDPOINT_REFUSED,
            _("Webhook endpoints must be https:// addresses."),
            field="endpoint_url",
        )
    try:
        check_public_url(url, allow_private=allow_private)
    except UnsafeURL as error:
        raise ApiServiceError(ApiErrorCode.ENDPOINT_REFUSED, str(error), field="endpoint_url") from error
    return url


def _clean_filters(filters: dict) -> dict:
    cleaned = {}
    for name in ("communes", "provinces"):
        values = filters.get(name) or []
        if any(not isinstance(value, int) or value < 1 for value in values):
            raise ApiServiceError(
                ApiErrorCode.INVALID_FILTER, _("Ids are positive whole numbers."), field=name
            )
        cleaned[name] = sorted(set(values))
    content_types = filters.get("content_types") or []
    unknown = [value for value in content_types if value not in ItemKind.values]
    if unknown:
        raise ApiServiceError(
            ApiErrorCode.INVALID_FILTER,
            _("Unknown content type: %(values)s.") % {"values": ", ".join(map(str, unknown))},
            field="content_types",
        )
    cleaned["content_types"] = sorted(set(content_types))
    categories = filters.get("categories") or []
    if any(not isinstance(value, str) or not value or len(value) > 40 for value in categories):
        raise ApiServiceError(
            ApiErrorCode.INVALID_FILTER, _("Categories are short names."), field="categories"
        )
    cleaned["categories"] = sorted(set(categories))
    languages = filters.get("languages") or []
    if any(value not in LANGUAGES for value in languages):
        raise ApiServiceError(
            ApiErrorCode.INVALID_FILTER, _("Languages are “vi” and “en”."), field="languages"
        )
    cleaned["languages"] = sorted(set(languages))
    stars = filters.get("minimum_ocop_stars")
    if stars is not None and (not isinstance(stars, int) or not 1 <= stars <= 5):
        raise ApiServiceError(
            ApiErrorCode.INVALID_FILTER, _("OCOP stars go from 1 to 5."), field="minimum_ocop_stars"
        )
    cleaned["minimum_ocop_stars"] = stars
    keywords = (filters.get("keywords") or "").strip()
    if len(keywords) > 300:
        raise ApiServiceError(
            ApiErrorCode.INVALID_FILTER, _("At most 300 characters of keywords."), field="keywords"
        )
    cleaned["keywords"] = keywords
    return cleaned


def _check_partner(partner) -> None:
    if partner.status != PartnerStatus.APPROVED or not partner.has_scope(Scope.WEBHOOKS):
        raise ApiServiceError(
            ApiErrorCode.PARTNER_NOT_APPROVED,
            _("Subscriptions need an approved partner with the “webhooks” scope."),
        )


def create_subscription(*, partner, actor, endpoint_url: str, name: str = "", **filters) -> Subscription:
    """A new subscription with its own signing secret (returned on the row, shown to the partner)."""
    _check_partner(partner)
    endpoint_url = check_endpoint(endpoint_url)
    cleaned = _clean_filters(filters)
    with transaction.atomic():
        # the partner row serialises two creations racing for the last free place
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        _check_partner(partner)
        if Subscription.objects.filter(partner=partner).count() >= MAX_SUBSCRIPTIONS_PER_PARTNER:
            raise ApiServiceError(
                ApiErrorCode.INVALID_FILTER,
                _("A partner has at most %(count)s subscriptions.")
                % {"count": MAX_SUBSCRIPTIONS_PER_PARTNER},
            )
        subscription = Subscription.objects.create(
            partner=partner, name=name, endpoint_url=endpoint_url, secret=new_signing_secret(), **cleaned
        )
        record_event(
            "api.subscription.created",
            subject=partner,
            actor=actor,
            payload={"subscription": subscription.pk, "endpoint": endpoint_url},
        )
    return subscription


def update_subscription(*, subscription: Subscription, actor, **changes) -> Subscription:
    """Change the endpoint, name or filters; a new endpoint re-enables a disabled subscription."""
    _check_partner(subscription.partner)
    # the address is resolved (DNS) before any row is locked
    new_endpoint = check_endpoint(changes["endpoint_url"]) if "endpoint_url" in changes else None
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if new_endpoint is not None and new_endpoint != subscription.endpoint_url:
            subscription.endpoint_url = new_endpoint
            subscription.is_active, subscription.disabled_at, subscription.disabled_reason = True, None, ""
        if "name" in changes:
            subscription.name = changes["name"]
        current = {name: getattr(subscription, name) for name in FILTER_FIELDS}
        current.update({name: value for name, value in changes.items() if name in FILTER_FIELDS})
        for name, value in _clean_filters(current).items():
            setattr(subscription, name, value)
        if changes.get("is_active") is True and not subscription.is_active:
            subscription.is_active, subscription.disabled_at, subscription.disabled_reason = True, None, ""
        elif changes.get("is_active") is False and subscription.is_active:
            subscription.is_active, subscription.disabled_at = False, timezone.now()
            subscription.disabled_reason = _("Paused by the partner.")
        subscription.save()
        record_event(
            "api.subscription.updated",
            subject=subscription.partner,
            actor=actor,
            payload={"subscription": subscription.pk},
        )
    return subscription


def rotate_secret(*, subscription: Subscription, actor) -> Subscription:
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        subscription.secret = new_signing_secret()
        subscription.save(update_fields=["secret", "updated_at"])
        record_event(
            "api.subscription.secret_rotated",
            subject=subscription.partner,
            actor=actor,
            payload={"subscription": subscription.pk},
        )
    return subscription


def delete_subscription(*, subscription: Subscription, actor) -> None:
    with transaction.atomic():
        partner = subscription.partner
        record_event(
            "api.subscription.deleted",
            subject=partner,
            actor=actor,
            payload={"subscription": subscription.pk},
        )
        subscription.delete()


def redeliver(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a past event again, as a new delivery with the **same event id** (receivers dedupe on it)."""
    subscription = delivery.subscription
    if not subscription.is_active:
        raise ApiServiceError(
            ApiErrorCode.SUBSCRIPTION_DISABLED,
            _("This subscription is disabled; fix or re-enable its endpoint first."),
        )
    with transaction.atomic():
        copy = WebhookDelivery.objects.create(
            event_id=delivery.event_id,
            subscription=subscription,
            event_name=delivery.event_name,
            body=delivery.body,
            status=DeliveryStatus.PENDING,
            next_attempt_at=timezone.now(),
        )
        record_event(
            "api.delivery.redelivered",
            subject=subscription.partner,
            actor=actor,
            payload={"delivery": delivery.pk, "copy": copy.pk, "event_id": str(delivery.event_id)},
        )
        from ..webhooks import schedule_delivery

        schedule_delivery(copy)
    return copy
