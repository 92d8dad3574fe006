"""Hosts, listings and their photos, rooms, prices, departures and closed dates: the host's side of tourism.

Every function checks who acts (``tourism.acting``: the owner, or a digital team member in assisted
mode), validates the whole row before writing, and records an event. Listings wait for the commune
moderator's approval before tourists see them.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AssistanceConsent, Role
from core.events import record_event
from core.text import unique_slug
from village.models import CommunePage
from village.services import discard_commune_photo

from .. import availability
from ..acting import acting_for_host, check_moderator
from ..exceptions import TourismError, TourismErrorCode
from ..models import (
    MAXIMUM_SERVICE_PHOTOS,
    Amenity,
    Block,
    BlockSource,
    Host,
    Language,
    ListingStatus,
    Occupancy,
    SeasonalPrice,
    Service,
    ServiceImage,
    ServiceKind,
    Slot,
    Unit,
    new_calendar_token,
)
from .bookings import MAXIMUM_DAYS_AHEAD, clear_expired_holds_on

HOST_FIELDS = {
    "name", "village", "about_vi", "about_en", "contact_phone", "bank_bin", "bank_account_number",
    "bank_account_name",
}  # fmt: skip
SERVICE_FIELDS = {
    "kind", "village", "title_vi", "title_en", "description_vi", "description_en", "booking_mode",
    "cancellation_policy", "accepts_pay_on_arrival", "check_in_time", "check_out_time", "amenities",
    "meeting_point", "duration_minutes", "languages", "price_per_person", "maximum_group",
}  # fmt: skip
UNIT_FIELDS = {
    "name_vi", "name_en", "capacity", "included_guests", "nightly_price", "weekend_nightly_price",
    "extra_guest_price", "minimum_nights", "is_active",
}  # fmt: skip
MAXIMUM_BLOCK_NIGHTS = 366


def _assign(instance, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _clean_choices(service: Service) -> None:
    errors = {}
    if any(code not in Amenity.values for code in service.amenities or []):
        errors["amenities"] = _("Choose amenities from the list.")
    if any(code not in Language.values for code in service.languages or []):
        errors["languages"] = _("Choose languages from the list.")
    if service.kind != ServiceKind.STAY and not service.meeting_point.strip():
        errors["meeting_point"] = _("Say where guests meet you.")
    if (
        service.kind != ServiceKind.STAY
        and service.booking_mode == "on_request"
        and not service.price_per_person
    ):
        errors["price_per_person"] = _("Give a price per person for bookings on request.")
    if errors:
        raise ValidationError(errors)


def _check_village(instance, commune_id: int) -> None:
    if instance.village_id and instance.village.get_parent().pk != commune_id:
        raise ValidationError({"village": _("Choose a village of this commune.")})


# --- hosts ------------------------------------------------------------------------------------------------


def create_host(*, owner, commune, actor, **fields) -> Host:
    """A new host profile, waiting for the commune moderator's approval."""
    host = Host(owner=owner, commune=commune)
    _assign(host, fields, HOST_FIELDS)
    acting = acting_for_host(user=actor, host=host)
    _check_village(host, commune.pk)
    host.slug = unique_slug(Host.all_objects.all(), host.name, fallback="host")
    host.full_clean(exclude=["owner", "commune"])
    with transaction.atomic():
        host.save()
        record_event(
            "tourism.host.created", subject=host, commune_id=commune.pk, payload={"name": host.name},
            **acting.event_kwargs,
        )  # fmt: skip
    return host


def update_host(*, host: Host, actor, **fields) -> Host:
    acting = acting_for_host(user=actor, host=host)
    with transaction.atomic():
        host = Host.objects.select_for_update().get(pk=host.pk)
        _assign(host, fields, HOST_FIELDS)
        _check_village(host, host.commune_id)
        host.full_clean(exclude=["owner", "commune"])
        host.save()
        record_event(
            "tourism.host.updated", subject=host, commune_id=host.commune_id,
            payload={"fields": sorted(fields)}, **acting.event_kwargs,
        )  # fmt: skip
    return host


def host_communes(*, actor, owner) -> list[CommunePage]:
    """The communes where ``actor`` may register a new host of ``owner`` ("become a host"), by title.

    For oneself: the communes where one is registered as a host (``Role.HOST``). For a household that
    consented to ``actor``'s help (assisted mode): its host communes and the communes of its consents,
    where ``actor`` is in the digital team. (``create_host`` itself checks only that ``actor`` may act
    for ``owner`` there.)
    """
    if owner.pk == actor.pk:
        commune_ids = set(actor.memberships.filter(role=Role.HOST).values_list("commune_id", flat=True))
    else:
        consented = set(
            AssistanceConsent.objects.filter(
                helper=actor, household=owner, revoked_at__isnull=True
            ).values_list("commune_id", flat=True)
        )
        if not consented:
            return []
        team = set(actor.memberships.filter(role=Role.DIGITAL_TEAM).values_list("commune_id", flat=True))
        household = set(owner.memberships.filter(role=Role.HOST).values_list("commune_id", flat=True))
        commune_ids = (household | consented) & team
    return list(CommunePage.objects.filter(pk__in=commune_ids).order_by("title"))


def households_to_register(*, actor) -> list[AssistanceConsent]:
    """The consents of households without a host yet that ``actor`` may register as hosts (assisted mode:
    ``actor`` is in the digital team of the consent's commune)."""
    team_communes = actor.memberships.filter(role=Role.DIGITAL_TEAM).values("commune_id")
    return list(
        AssistanceConsent.objects.filter(
            helper=actor, revoked_at__isnull=True, commune_id__in=team_communes, household__hosts=None
        ).select_related("household", "commune")
    )


# --- listings ---------------------------------------------------------------------------------------------


def create_service(*, host: Host, actor, **fields) -> Service:
    """A new stay, tour or experience of ``host``, waiting for approval."""
    acting = acting_for_host(user=actor, host=host)
    service = Service(host=host, commune_id=host.commune_id)
    _assign(service, fields, SERVICE_FIELDS)
    _check_village(service, host.commune_id)
    _clean_choices(service)
    service.slug = unique_slug(Service.all_objects.all(), service.title_vi, fallback="service")
    service.refresh_folded_text()
    service.full_clean(exclude=["host", "commune"])
    with transaction.atomic():
        service.save()
        record_event(
            "tourism.service.created", subject=service, commune_id=service.commune_id,
            payload={"title": service.title_vi, "kind": service.kind}, **acting.event_kwargs,
        )  # fmt: skip
    return service


def update_service(*, service: Service, actor, **fields) -> Service:
    """Change a listing; an approved listing whose words change goes back to the moderator."""
    acting = acting_for_host(user=actor, host=service.host)
    with transaction.atomic():
        service = Service.objects.select_for_update().select_related("host", "commune").get(pk=service.pk)
        words_before = (service.title_vi, service.title_en, service.description_vi, service.description_en)
        _assign(service, fields, SERVICE_FIELDS)
        _check_village(service, service.commune_id)
        _clean_choices(service)
        service.refresh_folded_text()
        service.full_clean(exclude=["host", "commune"])
        words_after = (service.title_vi, service.title_en, service.description_vi, service.description_en)
        if service.status == ListingStatus.APPROVED and words_after != words_before:
            service.status = ListingStatus.PENDING
        service.save()
        record_event(
            "tourism.service.updated", subject=service, commune_id=service.commune_id,
            payload={"fields": sorted(fields)}, **acting.event_kwargs,
        )  # fmt: skip
    return service


def review_listing(*, instance: Host | Service, moderator, approve: bool, reason: str = "") -> Host | Service:
    """The commune moderator approves a host or a listing, or rejects it with a reason."""
    check_moderator(moderator, instance.commune_id)
    if not approve and not reason.strip():
        raise ValidationError({"rejection_reason": _("Say why, so the host can fix it.")})
    kind = "host" if isinstance(instance, Host) else "service"
    with transaction.atomic():
        instance = type(instance).objects.select_for_update().get(pk=instance.pk)
        instance.status = ListingStatus.APPROVED if approve else ListingStatus.REJECTED
        instance.rejection_reason = "" if approve else reason.strip()
        instance.save(update_fields=["status", "rejection_reason", "updated_at"])
        record_event(
            f"tourism.{kind}.{'approved' if approve else 'rejected'}", subject=instance, actor=moderator,
            commune_id=instance.commune_id, payload={"reason": "" if approve else reason.strip()},
        )  # fmt: skip
    return instance


# --- photos ---------------------------------------------------------------------------------------------


def add_service_photo(*, service: Service, image, actor) -> ServiceImage:
    """Add ``image`` (a ``village.VillageImage``, see ``village.services.store_commune_photo``) as the last
    photo of a listing; refused once it has ``MAXIMUM_SERVICE_PHOTOS``."""
    acting = acting_for_host(user=actor, host=service.host)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)  # two uploads at once count right
        count = locked.images.count()
        if count >= MAXIMUM_SERVICE_PHOTOS:
            raise TourismError(
                TourismErrorCode.TOO_MANY_PHOTOS,
                _("A listing has at most %(count)s photos.") % {"count": MAXIMUM_SERVICE_PHOTOS},
                field="image",
            )
        photo = ServiceImage.objects.create(service=locked, image=image, position=count)
        record_event(
            "tourism.service.photo_added", subject=locked, commune_id=locked.commune_id,
            payload={"photo": photo.pk, "position": count}, **acting.event_kwargs,
        )  # fmt: skip
    return photo


def remove_service_photo(*, photo: ServiceImage, actor) -> None:
    """Remove a listing's photo and delete its image (unless a commune page uses it too); the photos after
    it move up one place."""
    acting = acting_for_host(user=actor, host=photo.service.host)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=photo.service_id)
        photo = ServiceImage.objects.select_related("image").filter(pk=photo.pk, service=locked).first()
        if photo is None:  # already removed (the same form sent twice)
            return
        image, position = photo.image, photo.position
        photo.delete()
        if not ServiceImage.objects.filter(image=image).exists():
            discard_commune_photo(image=image)
        for number, remaining in enumerate(locked.images.order_by("position", "id")):
            if remaining.position != number:
                ServiceImage.objects.filter(pk=remaining.pk).update(position=number)
        record_event(
            "tourism.service.photo_removed", subject=locked, commune_id=locked.commune_id,
            payload={"position": position}, **acting.event_kwargs,
        )  # fmt: skip


# --- rooms, prices and departures -------------------------------------------------------------------------


def save_unit(*, service: Service, actor, unit: Unit | None = None, **fields) -> Unit:
    """Add a room or bed to a stay, or change one."""
    acting = acting_for_host(user=actor, host=service.host)
    if service.kind != ServiceKind.STAY:
        raise TourismError(TourismErrorCode.NOT_ALLOWED, _("Only stays have rooms."))
    unit = unit or Unit(service=service)
    if unit.service_id != service.pk:
        raise TourismError(TourismErrorCode.NOT_ALLOWED, _("This room belongs to another listing."))
    _assign(unit, fields, UNIT_FIELDS)
    unit.full_clean(exclude=["service"])
    if unit.included_guests > unit.capacity:
        raise ValidationError({"included_guests": _("Included guests cannot exceed the room's capacity.")})
    with transaction.atomic():
        created = unit.pk is None
        unit.save()
        record_event(
            f"tourism.unit.{'created' if created else 'updated'}", subject=unit,
            commune_id=service.commune_id, payload={"service": service.pk}, **acting.event_kwargs,
        )  # fmt: skip
    return unit


def add_seasonal_price(*, unit: Unit, actor, name: str, starts_on: date, ends_on: date, nightly_price: int):
    acting = acting_for_host(user=actor, host=unit.service.host)
    season = SeasonalPrice(
        unit=unit, name=name.strip(), starts_on=starts_on, ends_on=ends_on, nightly_price=nightly_price
    )
    season.full_clean(exclude=["unit"])
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last night cannot be before the first.")})
    with transaction.atomic():
        Unit.objects.select_for_update().get(pk=unit.pk)  # two seasons added at once cannot both overlap
        if unit.seasonal_prices.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
            raise ValidationError({"starts_on": _("This season overlaps another one of this room.")})
        season.save()
        record_event(
            "tourism.unit.season_added", subject=unit, commune_id=unit.service.commune_id,
            payload={"name": season.name, "price": nightly_price}, **acting.event_kwargs,
        )  # fmt: skip
    return season


def remove_seasonal_price(*, season: SeasonalPrice, actor) -> None:
    acting = acting_for_host(user=actor, host=season.unit.service.host)
    with transaction.atomic():
        unit = season.unit
        season.delete()
        record_event(
            "tourism.unit.season_removed", subject=unit, commune_id=unit.service.commune_id,
            **acting.event_kwargs,
        )  # fmt: skip


def add_slot(*, service: Service, actor, starts_at: datetime, capacity: int, price_per_person: int) -> Slot:
    """Schedule a departure of a tour or experience."""
    acting = acting_for_host(user=actor, host=service.host)
    if service.kind == ServiceKind.STAY:
        raise TourismError(TourismErrorCode.NOT_ALLOWED, _("Stays have rooms, not departures."))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A departure must be in the future.")})
    slot = Slot(service=service, starts_at=starts_at, capacity=capacity, price_per_person=price_per_person)
    slot.full_clean(exclude=["service"])
    with transaction.atomic():
        slot.save()
        record_event(
            "tourism.slot.added", subject=slot, commune_id=service.commune_id,
            payload={"starts_at": starts_at.isoformat(), "capacity": capacity}, **acting.event_kwargs,
        )  # fmt: skip
    return slot


# --- closed dates -----------------------------------------------------------------------------------------


def close_dates(*, unit: Unit, actor, starts_on: date, ends_on: date, note: str = "") -> Block:
    """The host closes the nights ``[starts_on, ends_on)`` of a room; refused where a booking holds them."""
    acting = acting_for_host(user=actor, host=unit.service.host)
    today = timezone.localdate()
    if not isinstance(starts_on, date) or not isinstance(ends_on, date) or ends_on <= starts_on:
        raise TourismError(
            TourismErrorCode.INVALID_DATES, _("The reopening day must be after the first closed night.")
        )
    if starts_on < today:
        raise TourismError(TourismErrorCode.DATES_IN_THE_PAST, _("Closed dates cannot be in the past."))
    if (ends_on - starts_on).days > MAXIMUM_BLOCK_NIGHTS or ends_on > today + timedelta(
        days=MAXIMUM_DAYS_AHEAD
    ):
        raise TourismError(TourismErrorCode.TOO_MANY_NIGHTS, _("Close at most a year at a time."))
    try:
        with transaction.atomic():
            locked = Unit.objects.select_for_update().get(pk=unit.pk)
            now = timezone.now()
            clear_expired_holds_on(locked, now=now)
            if availability.taken_nights(locked, starts_on=starts_on, ends_on=ends_on, now=now).exists():
                raise TourismError(
                    TourismErrorCode.UNAVAILABLE,
                    _("Some of these nights are booked or already closed; cancel those first."),
                )
            block = Block.objects.create(
                unit=locked, starts_on=starts_on, ends_on=ends_on, source=BlockSource.HOST, summary=note[:200]
            )
            with transaction.atomic():
                Occupancy.objects.create(unit=locked, starts_on=starts_on, ends_on=ends_on, block=block)
            record_event(
                "tourism.unit.closed", subject=locked, commune_id=unit.service.commune_id,
                payload={"from": starts_on.isoformat(), "until": ends_on.isoformat()}, **acting.event_kwargs,
            )  # fmt: skip
    except IntegrityError as error:
        raise TourismError(
            TourismErrorCode.UNAVAILABLE, _("Some of these nights are already taken.")
        ) from error
    return block


def reopen_dates(*, block: Block, actor) -> None:
    """Remove a closure the host made (imported blocks follow their calendar instead)."""
    acting = acting_for_host(user=actor, host=block.unit.service.host)
    if block.source != BlockSource.HOST:
        raise TourismError(TourismErrorCode.NOT_ALLOWED, _("Imported nights change with their calendar."))
    with transaction.atomic():
        unit = block.unit
        record_event(
            "tourism.unit.reopened", subject=unit, commune_id=unit.service.commune_id,
            payload={"from": block.starts_on.isoformat(), "until": block.ends_on.isoformat()},
            **acting.event_kwargs,
        )  # fmt: skip
        block.delete()


def regenerate_calendar_token(*, unit: Unit, actor) -> Unit:
    """A new secret export address; the old one stops working at once."""
    acting = acting_for_host(user=actor, host=unit.service.host)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        unit.calendar_token = new_calendar_token()
        unit.save(update_fields=["calendar_token"])
        record_event(
            "tourism.unit.calendar_address_changed", subject=unit, commune_id=unit.service.commune_id,
            **acting.event_kwargs,
        )  # fmt: skip
    return unit
