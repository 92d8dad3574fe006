"""Partners of the open exchange, their API keys, quotas, subscriptions, webhook outbox and exchange log.

A *partner* is an organisation (a newspaper, a travel magazine, a buyers' app) that pulls our content
through ``/api/v1/`` with an API key, subscribes to what fits its readers and receives signed webhooks.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a key may do. Reading public content needs the matching ``*:read`` scope."""

    CONTENT_READ = "content:read", _("read guides, news, notices, events and places")
    MARKET_READ = "market:read", _("read producers, products and lots")
    TOURISM_READ = "tourism:read", _("read stays, experiences and their availability")
    INDICATORS_READ = "indicators:read", _("read digital-village indicators")
    WEBHOOKS = "webhooks", _("manage subscriptions and receive webhooks")
    ORDERS_WRITE = "orders:write", _("place orders for a signed-in buyer")
    BOOKINGS_WRITE = "bookings:write", _("make bookings for a signed-in guest")
    DEMANDS_WRITE = "demands:write", _("post buyer demands for a signed-in buyer")


READ_SCOPES = [
    Scope.CONTENT_READ.value,
    Scope.MARKET_READ.value,
    Scope.TOURISM_READ.value,
    Scope.INDICATORS_READ.value,
]


class Tier(models.TextChoices):
    """Quota tiers; the numbers per tier are settings (``API_TIER_QUOTAS``)."""

    FREE = "free", _("free")
    STANDARD = "standard", _("standard")
    PREMIUM = "premium", _("premium")


class PartnerStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SUSPENDED = "suspended", _("suspended")


class Partner(models.Model):
    """An organisation that uses the open API; registered by ``owner``, approved by a platform admin."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partners")
    organisation = models.CharField(_("organisation"), max_length=160)
    website = models.URLField(_("website"), max_length=300)
    contact_name = models.CharField(_("contact person"), max_length=120)
    contact_email = models.EmailField(_("contact email"))
    intended_use = models.TextField(_("what you will use the API for"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PartnerStatus.choices,
        default=PartnerStatus.PENDING,
        db_index=True,
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, default=Tier.FREE)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    licence_terms = models.TextField(
        _("licence terms"),
        blank=True,
        max_length=4000,
        help_text=_("What the partner agreed to: attribution, no resale, link back…"),
    )
    status_reason = models.TextField(_("reason given for the status"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.organisation

    @property
    def is_approved(self) -> bool:
        return self.status == PartnerStatus.APPROVED

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ApiKey(models.Model):
    """A partner's key: ``svp_<prefix>_<secret>``. Only the SHA-256 of the secret is stored.

    The prefix finds the row; the secret is compared by hash in constant time. The whole key is shown
    once, when it is made (see ``api/keys.py``).
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    name = models.CharField(_("name"), max_length=80, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"svp_{self.prefix}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class UsageDay(models.Model):
    """How many requests a partner made on one day (UTC), and how many were refused for quota."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="usage_days")
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    throttled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["partner", "day"], name="api_usage_one_row_per_day")]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day}: {self.requests}"


class ExchangeRecord(models.Model):
    """One partner request, recorded append-only (after X-Road's evidential log).

    Rows are never changed; ``purge_exchange_log`` deletes those older than ``API_EXCHANGE_LOG_DAYS``.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="exchange_records")
    key_prefix = models.CharField(max_length=16, blank=True)
    method = models.CharField(max_length=8)
    operation = models.CharField(max_length=120)
    path = models.CharField(max_length=500)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.PositiveSmallIntegerField()
    response_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partner", "-created_at"], name="api_exchange_partner_time")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("The exchange log is append-only: a record is never changed.")
        super().save(*args, **kwargs)


class LinkClickDay(models.Model):
    """Clicks on a partner's tracked links to one of our pages, per day."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="link_clicks")
    day = models.DateField()
    path = models.CharField(max_length=500)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "path"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "day", "path"], name="api_link_clicks_one_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.day}: {self.clicks}"


class ItemKind(models.TextChoices):
    """The kinds of item the API, feeds, embeds and webhooks speak about."""

    GUIDE = "guide", _("guide")
    NEWS = "news", _("news")
    NOTICE = "notice", _("notice")
    EVENT = "event", _("event")
    PRODUCT = "product", _("product")
    STAY = "stay", _("stay")
    EXPERIENCE = "experience", _("experience")
    TOUR = "tour", _("tour")


class Subscription(models.Model):
    """A partner's webhook endpoint and what it wants to hear about (empty filter = everything)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="subscriptions")
    name = models.CharField(_("name"), max_length=80, blank=True)
    endpoint_url = models.URLField(_("endpoint address"), max_length=500)
    secret = models.CharField(max_length=64, help_text=_("The signing secret shared with the partner."))
    communes = models.JSONField(_("communes (ids)"), default=list, blank=True)
    provinces = models.JSONField(_("provinces (ids)"), default=list, blank=True)
    content_types = models.JSONField(_("content types"), default=list, blank=True)
    categories = models.JSONField(_("product categories and guide topics"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    minimum_ocop_stars = models.PositiveSmallIntegerField(_("minimum OCOP stars"), null=True, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    #: ``keywords`` as folded word lists, one per alternative (``api.matching.keyword_sets_of``), kept
    #: by ``save()`` so PostgreSQL can match them (``api.matching.decided_in_sql``)
    keyword_sets = models.JSONField(default=list, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return self.name or self.endpoint_url

    def save(self, *args, **kwargs):
        from .matching import keyword_sets_of

        self.keyword_sets = keyword_sets_of(self.keywords)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "keywords" in update_fields:
            kwargs["update_fields"] = {*update_fields, "keyword_sets"}
        super().save(*args, **kwargs)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("gave up after retrying")
    REFUSED = "refused", _("refused by the receiver (4xx)")
    CANCELLED = "cancelled", _("endpoint disabled")


class WebhookDelivery(models.Model):
    """The outbox: one event for one subscription, written in the same transaction as the change.

    ``event_id`` is what the receiver uses for idempotency: it stays the same across retries and
    redeliveries. ``body`` is the exact JSON sent (frozen when the event happened).
    """

    event_id = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event_name = models.CharField(max_length=80)
    body = models.JSONField()
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event_name} {self.event_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """Every try to send a delivery, kept for the partner's delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
