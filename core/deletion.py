"""Soft deletion: rows that people can "delete" with a click are hidden, never lost.

A soft-deletable model (products, producers, hosts, stays/tours/experiences) inherits
:class:`SoftDeletable`, which adds ``deleted_at`` / ``deleted_by`` and two managers:

- ``objects`` — the default manager — hides deleted rows, so the catalogue, search, the API, feeds,
  embeds, matching and every reverse relation (``producer.products``) stop showing them at once;
- ``all_objects`` sees every row (staff's "Deleted items" list, restore, slugs that must stay unique).

Django reaches a row through a foreign key (``order_line.product``, ``booking.service``) with the
model's ``_base_manager``, a plain manager that filters nothing — so orders, bookings, payouts and
history that point at a deleted row keep showing it. ``Model.delete()`` and ``QuerySet.delete()`` are
refused: the owning app's services (``delete_product`` / ``restore_product``…) set ``deleted_at`` and
record an event. A row that must never be deleted at all (bookings, orders: cancelling is their end
state) inherits :class:`NeverDeleted`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeletionRefused(Exception):
    """Hard deletion of a row that is soft-deleted through a service, or never deleted at all."""


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)

    def delete(self):
        raise DeletionRefused(
            f"{self.model._meta.label} rows are soft-deleted through the app's services, never deleted"
        )

    delete.queryset_only = True


class AliveManager(models.Manager):
    """The default manager of a soft-deletable model: deleted rows are not there."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeletable(models.Model):
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, db_index=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("deleted by"),
    )

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def delete(self, *args, **kwargs):
        raise DeletionRefused(
            f"{self._meta.label} rows are soft-deleted through the app's services, never deleted"
        )


def set_deleted(model, instance, *, actor, deleted: bool):
    """Mark (or unmark) ``instance`` deleted under a row lock; return the fresh row and whether it changed.

    For the owning app's services, inside their transaction; deleting twice (or restoring a row that is
    not deleted) changes nothing."""
    instance = model.all_objects.select_for_update().get(pk=instance.pk)
    if (instance.deleted_at is not None) == deleted:
        return instance, False
    instance.deleted_at = timezone.now() if deleted else None
    instance.deleted_by = actor if deleted else None
    instance.save(update_fields=["deleted_at", "deleted_by"])
    return instance, True


class NeverDeletedQuerySet(models.QuerySet):
    def delete(self):
        raise DeletionRefused(f"{self.model._meta.label} rows are never deleted")

    delete.queryset_only = True


class NeverDeleted(models.Model):
    """A row whose end state is a status (a cancelled booking, a cancelled order), never a deletion."""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise DeletionRefused(f"{self._meta.label} rows are never deleted; cancel instead")
