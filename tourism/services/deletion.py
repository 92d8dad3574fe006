"""Deleting and restoring hosts and listings (stays, tours, experiences): a soft delete, never a loss.

A deleted row keeps everything (``deleted_at`` / ``deleted_by`` are set) and disappears from the public
pages, search, the API, feeds and embeds (the default manager and ``listed()`` hide it) and stops taking
bookings; the bookings that point at it keep working — the host still confirms, cancels and refunds
them. The host (or a digital team member acting for the household) or a moderator of the commune may
delete; a commune moderator or a platform admin restores (the "Deleted items" list in the Django admin).
Bookings themselves are never deleted: cancelling is their end state.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.cache import bump_page_cache
from core.deletion import set_deleted
from core.events import record_event

from ..acting import Acting, acting_for_host, is_commune_moderator
from ..exceptions import TourismError, TourismErrorCode
from ..models import Booking, Host, Service


def _acting_for_deletion(*, actor, host: Host) -> Acting:
    if is_commune_moderator(actor, host.commune_id):
        return Acting(actor=actor, on_behalf_of=None)
    return acting_for_host(user=actor, host=host)


def _check_restorer(actor, commune_id: int) -> None:
    if not is_commune_moderator(actor, commune_id):
        raise TourismError(
            TourismErrorCode.NOT_ALLOWED, _("Only a moderator of this commune can restore deleted items.")
        )


def delete_service(*, service: Service, actor) -> Service:
    """Hide a stay, tour or experience everywhere; it takes no new bookings, its bookings stay."""
    acting = _acting_for_deletion(actor=actor, host=service.host)
    with transaction.atomic():
        service, changed = set_deleted(Service, service, actor=actor, deleted=True)
        if changed:
            transaction.on_commit(bump_page_cache)  # cached anonymous pages must not outlive it
            record_event(
                "tourism.service.deleted", subject=service, commune_id=service.commune_id,
                payload={"title": service.title_vi, "kind": service.kind, "host": service.host_id},
                **acting.event_kwargs,
            )  # fmt: skip
    return service


def restore_service(*, service: Service, actor) -> Service:
    _check_restorer(actor, service.commune_id)
    with transaction.atomic():
        service, changed = set_deleted(Service, service, actor=actor, deleted=False)
        if changed:
            transaction.on_commit(bump_page_cache)  # cached anonymous pages must not outlive it
            record_event(
                "tourism.service.restored", subject=service, actor=actor, commune_id=service.commune_id,
                payload={"title": service.title_vi, "kind": service.kind, "host": service.host_id},
            )  # fmt: skip
    return service


def delete_host(*, host: Host, actor) -> Host:
    """Hide a host and, with it, its listings (they come back with it); its bookings stay."""
    acting = _acting_for_deletion(actor=actor, host=host)
    with transaction.atomic():
        # its owner reaches its bookings through the host area: a host with bookings under way stays
        if Booking.objects.active().filter(service__host=host).exists():
            raise TourismError(
                TourismErrorCode.NOT_ALLOWED,
                _("This host has bookings under way: let them end or cancel them before deleting it."),
            )
        host, changed = set_deleted(Host, host, actor=actor, deleted=True)
        if changed:
            transaction.on_commit(bump_page_cache)  # cached anonymous pages must not outlive it
            record_event(
                "tourism.host.deleted", subject=host, commune_id=host.commune_id,
                payload={"name": host.name}, **acting.event_kwargs,
            )  # fmt: skip
    return host


def restore_host(*, host: Host, actor) -> Host:
    _check_restorer(actor, host.commune_id)
    with transaction.atomic():
        host, changed = set_deleted(Host, host, actor=actor, deleted=False)
        if changed:
            transaction.on_commit(bump_page_cache)  # cached anonymous pages must not outlive it
            record_event(
                "tourism.host.restored", subject=host, actor=actor, commune_id=host.commune_id,
                payload={"name": host.name},
            )  # fmt: skip
    return host
