"""The event log: one append-only record per state change, with dotted names.

It is the activity history (audit trail), the source of partner webhooks (``api`` registers an
event handler) and of computed indicators.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(ValueError):
    """Raised when code tries to change or delete an event (the database refuses it too: ``core.audit``)."""


class EventQuerySet(models.QuerySet):
    def delete(self):
        raise AppendOnlyError("Events are append-only: they cannot be deleted")

    delete.queryset_only = True

    def update(self, **kwargs):
        raise AppendOnlyError("Events are append-only: they cannot be changed")

    def named(self, name: str):
        return self.filter(name=name)

    def for_subject(self, subject: models.Model):
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))


class Event(models.Model):
    """Something that happened, e.g. ``village.guide.published`` or ``market.order.paid``.

    ``actor`` did it; ``on_behalf_of`` is set in assisted mode, when a digital team member acts for
    a household that gave consent. ``commune_id`` is the tenant (the commune page id) if any.
    """

    name = models.CharField(_("name"), max_length=100, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    commune_id = models.BigIntegerField(_("commune"), null=True, blank=True, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="core_event_subject")]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.name} @ {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("force_insert", False):
            raise ValueError("Events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Events are append-only: they cannot be deleted")


class SearchEntry(models.Model):
    """One item of the one site search in one language (``core.search``): the database backend's index.

    Rows are written only by ``core.search`` (event handlers after a change, ``rebuild_search_index``).
    ``folded_title``/``folded_text`` are accent-free, lower-case words separated by single spaces, with a
    space before and after, so ``" da lat "`` matches a whole word and ``" da l"`` a word's beginning
    (PostgreSQL answers these ``LIKE`` with a trigram index). ``folded_text`` includes the title.
    """

    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=20)
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=255)
    summary = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    folded_title = models.CharField(max_length=300)
    folded_text = models.TextField()
    province_id = models.BigIntegerField(null=True, blank=True)
    commune_id = models.BigIntegerField(null=True, blank=True)
    province_name = models.CharField(max_length=255, blank=True)
    commune_name = models.CharField(max_length=255, blank=True)
    category = models.CharField(max_length=40, blank=True)
    ocop_stars = models.PositiveSmallIntegerField(null=True, blank=True)
    price = models.PositiveBigIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    boost = models.FloatField(default=1.0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="search_entry_one_per_language"),
        ]
        indexes = [
            models.Index(fields=["language", "kind"], name="search_entry_kind"),
            models.Index(fields=["language", "province_id"], name="search_entry_province"),
            models.Index(fields=["language", "commune_id"], name="search_entry_commune"),
            models.Index(fields=["language", "category"], name="search_entry_category"),
            models.Index(fields=["language", "ocop_stars"], name="search_entry_ocop"),
            models.Index(fields=["language", "price"], name="search_entry_price"),
            models.Index(fields=["language", "-updated_at"], name="search_entry_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"
