"""Deleting and restoring producers and listings: a soft delete, so nothing is lost by a click.

A deleted row keeps everything (``deleted_at`` / ``deleted_by`` are set) and disappears from the
catalogue, search, the API, feeds, embeds and matching (the default manager and ``listed()`` hide it);
orders that point at it keep showing it. The producer (or a digital team member acting for the
household) or a moderator of the commune may delete; a commune moderator or a platform admin restores
(the "Deleted items" list in the Django admin).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.cache import bump_page_cache
from core.deletion import set_deleted
from core.events import record_event

from ..acting import Acting, acting_for_producer, is_commune_moderator
from ..exceptions import MarketError, MarketErrorCode
from ..models import CartItem, Order, OrderStatus, Producer, Product

OPEN_ORDER_STATUSES = (OrderStatus.PENDING_PAYMENT, OrderStatus.CONFIRMED, OrderStatus.SHIPPED)


def _acting_for_deletion(*, actor, producer: Producer) -> Acting:
    """The producer's own side (owner or assisted helper), or a moderator of the producer's commune."""
    if is_commune_moderator(actor, producer.commune_id):
        return Acting(actor=actor, on_behalf_of=None)
    return acting_for_producer(user=actor, producer=producer)


def _check_restorer(actor, commune_id: int) -> None:
    if not is_commune_moderator(actor, commune_id):
        raise MarketError(
            MarketErrorCode.NOT_ALLOWED, _("Only a moderator of this commune can restore deleted items.")
        )


def delete_product(*, product: Product, actor) -> Product:
    """Hide a listing everywhere; its orders, lots and reviews stay. Deleting twice changes nothing."""
    acting = _acting_for_deletion(actor=actor, producer=product.producer)
    with transaction.atomic():
        product, changed = set_deleted(Product, product, actor=actor, deleted=True)
        if not changed:
            return product
        # cached anonymous pages (the item's own, lists) must not outlive the change
        transaction.on_commit(bump_page_cache)
        # carts hold nothing of value: a deleted listing leaves them (orders keep their lines)
        CartItem.objects.filter(product=product).delete()
        record_event(
            "market.product.deleted",
            subject=product,
            commune_id=product.commune_id,
            payload={"name": product.name_vi, "producer": product.producer_id},
            **acting.event_kwargs,
        )
    return product


def restore_product(*, product: Product, actor) -> Product:
    """Bring a deleted listing back as it was (with its moderation state)."""
    _check_restorer(actor, product.commune_id)
    with transaction.atomic():
        product, changed = set_deleted(Product, product, actor=actor, deleted=False)
        if not changed:
            return product
        # cached anonymous pages (the item's own, lists) must not outlive the change
        transaction.on_commit(bump_page_cache)
        record_event(
            "market.product.restored",
            subject=product,
            actor=actor,
            commune_id=product.commune_id,
            payload={"name": product.name_vi, "producer": product.producer_id},
        )
    return product


def delete_producer(*, producer: Producer, actor) -> Producer:
    """Hide a shop and, with it, its listings (they come back with it); its orders stay."""
    acting = _acting_for_deletion(actor=actor, producer=producer)
    with transaction.atomic():
        # its owner reaches its orders through the shop: a shop with orders under way stays until they end
        if Order.objects.filter(producer=producer, status__in=OPEN_ORDER_STATUSES).exists():
            raise MarketError(
                MarketErrorCode.NOT_ALLOWED,
                _("This shop has orders under way: deliver or cancel them before deleting it."),
            )
        producer, changed = set_deleted(Producer, producer, actor=actor, deleted=True)
        if not changed:
            return producer
        # its listings leave the carts with it (orders keep their lines)
        CartItem.objects.filter(product__producer=producer).delete()
        # cached anonymous pages (the item's own, lists) must not outlive the change
        transaction.on_commit(bump_page_cache)
        record_event(
            "market.producer.deleted",
            subject=producer,
            commune_id=producer.commune_id,
            payload={"name": producer.name},
            **acting.event_kwargs,
        )
    return producer


def restore_producer(*, producer: Producer, actor) -> Producer:
    _check_restorer(actor, producer.commune_id)
    with transaction.atomic():
        producer, changed = set_deleted(Producer, producer, actor=actor, deleted=False)
        if not changed:
            return producer
        # cached anonymous pages (the item's own, lists) must not outlive the change
        transaction.on_commit(bump_page_cache)
        record_event(
            "market.producer.restored",
            subject=producer,
            actor=actor,
            commune_id=producer.commune_id,
            payload={"name": producer.name},
        )
    return producer
