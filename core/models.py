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
