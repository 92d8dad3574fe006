"""Producers, products, photos, OCOP ratings, certifications and lots: the producer's side of the shop.

Every function checks who acts (``market.acting``), validates the whole row before writing, and records
an event with the actor and — in assisted mode — the household it was done for.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event
from core.money import validate_vnd
from core.text import fold, unique_slug

from ..acting import acting_for_producer, is_commune_moderator
from ..exceptions import MarketError, MarketErrorCode
from ..models import (
    OCOP_VALIDITY_YEARS,
    Certification,
    Lot,
    OcopRating,
    Producer,
    Product,
    ProductImage,
    ReviewStatus,
)

MAX_PRODUCT_IMAGES = 8
MONEY_FIELDS = {"price", "delivery_fee_north", "delivery_fee_central", "delivery_fee_south"}
PRODUCER_FIELDS = {
    "name", "kind", "village", "story_vi", "story_en", "contact_phone", "bank_bin", "bank_account_number",
    "bank_account_name", "offers_pickup", "pickup_note", "delivery_fee_north", "delivery_fee_central",
    "delivery_fee_south", "accepts_cash_on_delivery",
}  # fmt: skip
PRODUCT_FIELDS = {
    "name_vi", "name_en", "description_vi", "description_en", "category", "unit", "price", "minimum_order",
    "stock", "harvest_months",
}  # fmt: skip


def bank_account_name_from(full_name: str) -> str:
    """``"Sùng Thị Mai"`` → ``"SUNG THI MAI"``: how Vietnamese banks print an account holder's name."""
    return " ".join(fold(full_name).upper().split())


def _unique_slug(model, text: str, *, exclude_pk=None) -> str:
    # deleted rows keep their address (they can be restored), so a new one must not take it
    return unique_slug(model.all_objects.all(), text, fallback="shop", exclude_pk=exclude_pk)


def _assign(instance, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name in MONEY_FIELDS & set(fields):
        if fields[name] is not None:
            try:
                validate_vnd(fields[name])
            except ValidationError as error:
                raise ValidationError({name: error.messages}) from error
    for name, value in fields.items():
        setattr(instance, name, value)


def _full_clean(instance) -> None:
    """Validate the whole row; a ``ValidationError`` carries field-level messages for forms and the API."""
    instance.full_clean(exclude=["owner", "producer", "commune", "reviewed_by"])


# --- producers ---------------------------------------------------------------------------------------


def create_producer(*, owner, commune, actor, **fields) -> Producer:
    """A new producer profile, waiting for the commune moderator's approval."""
    producer = Producer(owner=owner, commune=commune)
    _assign(producer, fields, PRODUCER_FIELDS)
    acting = acting_for_producer(user=actor, producer=producer)
    if producer.village_id and producer.village.get_parent().pk != commune.pk:
        raise ValidationError({"village": _("Choose a village of this commune.")})
    producer.slug = _unique_slug(Producer, producer.name)
    _full_clean(producer)
    with transaction.atomic():
        producer.save()
        record_event(
            "market.producer.created",
            subject=producer,
            commune_id=commune.pk,
            payload={"name": producer.name},
            **acting.event_kwargs,
        )
    return producer


def update_producer(*, producer: Producer, actor, **fields) -> Producer:
    acting = acting_for_producer(user=actor, producer=producer)
    with transaction.atomic():
        producer = Producer.objects.select_for_update().get(pk=producer.pk)
        _assign(producer, fields, PRODUCER_FIELDS)
        _full_clean(producer)
        producer.save()
        record_event(
            "market.producer.updated",
            subject=producer,
            commune_id=producer.commune_id,
            payload={"fields": sorted(fields)},
            **acting.event_kwargs,
        )
    return producer


def _review(instance, *, moderator, approve: bool, reason: str, event_prefix: str):
    if not is_commune_moderator(moderator, instance.commune_id):
        raise MarketError(MarketErrorCode.NOT_ALLOWED, _("Only a moderator of this commune can decide."))
    if not approve and not reason.strip():
        raise ValidationError({"rejection_reason": _("Say why, so the producer can fix it.")})
    with transaction.atomic():
        instance = type(instance).objects.select_for_update().get(pk=instance.pk)
        instance.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        instance.rejection_reason = "" if approve else reason.strip()
        instance.reviewed_by = moderator
        instance.reviewed_at = timezone.now()
        instance.save(update_fields=["review_status", "rejection_reason", "reviewed_by", "reviewed_at"])
        record_event(
            f"{event_prefix}.{'approved' if approve else 'rejected'}",
            subject=instance,
            actor=moderator,
            commune_id=instance.commune_id,
            payload={"reason": instance.rejection_reason},
        )
    return instance


def review_producer(*, producer: Producer, moderator, approve: bool, reason: str = "") -> Producer:
    """The commune moderator approves a producer, or rejects it with a reason."""
    return _review(
        producer, moderator=moderator, approve=approve, reason=reason, event_prefix="market.producer"
    )


# --- products ----------------------------------------------------------------------------------------


def create_product(*, producer: Producer, actor, **fields) -> Product:
    """A new listing, waiting for the commune moderator's approval."""
    acting = acting_for_producer(user=actor, producer=producer)
    product = Product(producer=producer, commune_id=producer.commune_id)
    _assign(product, fields, PRODUCT_FIELDS)
    product.slug = _unique_slug(Product, f"{producer.name} {product.name_vi}")
    product.refresh_folded_text()
    _full_clean(product)
    with transaction.atomic():
        product.save()
        record_event(
            "market.product.created",
            subject=product,
            commune_id=product.commune_id,
            payload={"name": product.name_vi, "price": product.price, "stock": product.stock},
            **acting.event_kwargs,
        )
    return product


def update_product(*, product: Product, actor, **fields) -> Product:
    """Change a listing. Changing what it *is* (names, description, category) sends it back to moderation."""
    acting = acting_for_producer(user=actor, producer=product.producer)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        before = {name: getattr(product, name) for name in fields}
        _assign(product, fields, PRODUCT_FIELDS)
        changed = sorted(name for name in fields if before[name] != getattr(product, name))
        if set(changed) & {"name_vi", "name_en", "description_vi", "description_en", "category"}:
            product.review_status = ReviewStatus.PENDING
        product.refresh_folded_text()
        _full_clean(product)
        product.save()
        record_event(
            "market.product.updated",
            subject=product,
            commune_id=product.commune_id,
            payload={"fields": changed},
            **acting.event_kwargs,
        )
    return product


def review_listing(*, product: Product, moderator, approve: bool, reason: str = "") -> Product:
    """The commune moderator approves a listing, or rejects it with a reason."""
    return _review(
        product, moderator=moderator, approve=approve, reason=reason, event_prefix="market.product"
    )


def add_product_image(*, product: Product, image, actor) -> ProductImage:
    acting = acting_for_producer(user=actor, producer=product.producer)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        count = product.images.count()
        if count >= MAX_PRODUCT_IMAGES:
            raise MarketError(
                MarketErrorCode.TOO_MANY_IMAGES,
                _("A product has at most %(count)s photos.") % {"count": MAX_PRODUCT_IMAGES},
                field="image",
            )
        photo = ProductImage.objects.create(product=product, image=image, position=count)
        record_event(
            "market.product.photo_added",
            subject=product,
            commune_id=product.commune_id,
            **acting.event_kwargs,
        )
    return photo


def set_ocop_rating(
    *,
    product: Product,
    actor,
    stars: int,
    certificate_number: str,
    issued_on,
    issuing_province,
    expires_on=None,
) -> OcopRating:
    """Record the product's OCOP rating: it expires three years after issue unless the certificate says so."""
    acting = acting_for_producer(user=actor, producer=product.producer)
    if expires_on is None and issued_on is not None:
        expires_on = issued_on.replace(year=issued_on.year + OCOP_VALIDITY_YEARS)
    with transaction.atomic():
        rating = OcopRating.objects.filter(product=product).first() or OcopRating(product=product)
        rating.stars, rating.certificate_number = stars, certificate_number
        rating.issued_on, rating.expires_on, rating.issuing_province = issued_on, expires_on, issuing_province
        rating.full_clean(exclude=["product"])
        rating.save()
        record_event(
            "market.product.ocop_rated",
            subject=product,
            commune_id=product.commune_id,
            payload={"stars": stars, "certificate_number": certificate_number},
            **acting.event_kwargs,
        )
    return rating


def add_certification(
    *, product: Product, actor, kind: str, certificate_number: str = "", issuer: str = "", valid_until=None
) -> Certification:
    acting = acting_for_producer(user=actor, producer=product.producer)
    with transaction.atomic():
        certification = Certification.objects.filter(product=product, kind=kind).first() or Certification(
            product=product, kind=kind
        )
        certification.certificate_number, certification.issuer = certificate_number, issuer
        certification.valid_until = valid_until
        certification.full_clean(exclude=["product"])
        certification.save()
        record_event(
            "market.product.certified",
            subject=product,
            commune_id=product.commune_id,
            payload={"kind": kind},
            **acting.event_kwargs,
        )
    return certification


def create_lot(
    *,
    product: Product,
    actor,
    code: str,
    harvested_on=None,
    produced_on=None,
    best_before=None,
    quantity=None,
    note: str = "",
) -> Lot:
    """A lot whose traceability page the QR code on the packaging opens."""
    acting = acting_for_producer(user=actor, producer=product.producer)
    lot = Lot(
        product=product,
        code=code.strip(),
        harvested_on=harvested_on,
        produced_on=produced_on,
        best_before=best_before,
        quantity=quantity,
        note=note,
    )
    lot.full_clean(exclude=["product"])
    if Lot.objects.filter(product=product, code=lot.code).exists():
        raise ValidationError({"code": _("This product already has a lot with this number.")})
    with transaction.atomic():
        lot.save()
        record_event(
            "market.lot.created",
            subject=lot,
            commune_id=product.commune_id,
            payload={"code": lot.code},
            **acting.event_kwargs,
        )
    return lot
