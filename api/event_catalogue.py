"""The webhook catalogue: which domain events become which partner webhooks, and what they say.

A webhook type is ``<kind>.<change>``; the kinds are those of ``ItemKind`` and the changes are:

=========================  ============================================================================
type                       sent when (domain events in brackets)
=========================  ============================================================================
``<page>.published``       a guide, news item, notice or event goes live in one language, or goes live
                           again after being unpublished (``village.<kind>.published``)
``<page>.updated``         a live page is published again with changes (``village.<kind>.published``
                           while already live)
``<page>.unpublished``     a page is taken down (``village.<kind>.unpublished``)
``product.published``      the commune moderator approves a listing, or a deleted listed one is restored
                           (``market.product.approved`` / ``restored``)
``product.updated``        a listed product changes: price, words, unit, harvest months, photos, OCOP
                           rating, certifications (``market.product.updated`` / ``ocop_rated`` /
                           ``certified`` / ``photo_added``)
``product.availability_changed``
                           the producer changes only the stock (``market.product.updated`` with
                           ``fields == ["stock"]``); a checkout sells the last unit
                           (``market.order.placed``: stock now 0); a cancelled order brings a sold-out
                           product back (``market.order.cancelled``: stock was 0 before)
``product.unpublished``    the moderator rejects an approved listing, an edit of its words sends a
                           listed product back to moderation, or a listed product is deleted
                           (``market.product.rejected`` / ``updated`` / ``deleted``)
``<listing>.published``    a stay, tour or experience is approved, or a deleted listed one is restored
                           (``tourism.service.approved`` / ``restored``)
``<listing>.updated``      a listed one changes: words, photos, rooms, nightly or seasonal prices
                           (``tourism.service.updated`` / ``photo_*``, ``tourism.unit.created`` /
                           ``updated`` / ``season_added`` / ``season_removed``)
``<listing>.availability_changed``
                           nights or seats are taken or given back: a booking is held, requested,
                           confirmed at once (pay on arrival), cancelled, declined or expires; the host
                           closes or reopens nights; an imported calendar changed; a departure is added
``<listing>.unpublished``  an approved one is rejected, sent back to moderation by an edit of its
                           words, or deleted (``tourism.service.deleted``)
=========================  ============================================================================

Deliberate choices:

* Only *public* items are announced: a product or listing that is not approved (or whose producer or
  host is not) produces nothing, except the ``unpublished`` that tells partners to take it down —
  and that only when it had been approved (the event log says so), never for a listing partners
  could not have seen.
* Checkouts do not announce every stock movement (that would be one webhook per order per product and
  would publish sales volumes); only the moments a product sells out or comes back.
* Availability webhooks carry the item and the affected dates, never who booked, how many guests, the
  booking reference or any amount paid.
* Producers and hosts being approved or suspended, reviews, payments, accounts and the exchange's own
  ``api.*`` events are not webhooks.

Every webhook body is ``{"id", "type", "created", "data"}``; ``data`` is the item summary built here
(kind, id, titles in vi/en, commune and province with their canonical ids, category, OCOP stars,
languages, canonical URL, attribution and licence) plus ``changes`` where useful.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page

from core.models import Event
from market.models import Category, OrderLine, Product, ReviewStatus
from tourism.models import Booking, BookingStatus, ListingStatus, Service, ServiceKind, Slot, Unit
from village.models import CommunePage, EventPage, GuidePage, NewsPage, NoticePage, ProvincePage

from .matching import MatchableItem
from .places import COMMUNE_DEPTH, PROVINCE_DEPTH, page_url
from .syndication import absolute_url, attribution_line, licence_of

PAGE_MODELS = {"guide": GuidePage, "news": NewsPage, "notice": NoticePage, "event": EventPage}
PRODUCT_REVIEW_FIELDS = {"name_vi", "name_en", "description_vi", "description_en", "category"}


@dataclass(frozen=True)
class WebhookEvent:
    """One webhook to fan out: its type, the frozen ``data`` of the body, and the facts to match."""

    type: str
    data: dict
    item: MatchableItem


@dataclass
class _Lookups:
    """Per-event memo of the commune/province lookups (an order may touch several products)."""

    areas: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _CommuneForLicence:
    """What :func:`api.syndication.licence_of` and :func:`attribution_line` read from a commune."""

    title: str
    content_licence: str


@dataclass(frozen=True)
class _Area:
    commune: dict | None = None
    province: dict | None = None
    licence_commune: _CommuneForLicence | None = None

    @property
    def commune_id(self) -> int | None:
        return self.commune["id"] if self.commune else None

    @property
    def province_id(self) -> int | None:
        return self.province["id"] if self.province else None


def _pick(versions: list[dict], language: str) -> tuple[dict, dict]:
    """(the default-language version = canonical id, the version in ``language`` or the canonical)."""
    default = settings.LANGUAGE_CODE
    original = next((v for v in versions if v["locale__language_code"] == default), versions[0])
    shown = next((v for v in versions if v["locale__language_code"] == language), original)
    return original, shown


def _area(lookups: _Lookups, commune_page_id: int | None, language: str) -> _Area:
    """The canonical commune and province of a commune page (any language): two small queries."""
    if commune_page_id is None:
        return _Area()
    key = (commune_page_id, language)
    if key in lookups.areas:
        return lookups.areas[key]
    communes = list(
        CommunePage.objects.filter(
            translation_key__in=CommunePage.objects.filter(pk=commune_page_id).values("translation_key")
        ).values("pk", "title", "path", "content_licence", "locale__language_code")
    )
    if not communes:
        lookups.areas[key] = _Area()
        return lookups.areas[key]
    original, shown = _pick(communes, language)
    province_path = original["path"][: PROVINCE_DEPTH * Page.steplen]
    provinces = list(
        ProvincePage.objects.filter(
            translation_key__in=ProvincePage.objects.filter(path=province_path).values("translation_key")
        ).values("pk", "title", "locale__language_code")
    )
    province = None
    if provinces:
        province_original, province_shown = _pick(provinces, language)
        province = {"id": province_original["pk"], "title": province_shown["title"]}
    area = _Area(
        commune={"id": original["pk"], "title": shown["title"]},
        province=province,
        licence_commune=_CommuneForLicence(
            title=shown["title"], content_licence=shown["content_licence"] or ""
        ),
    )
    lookups.areas[key] = area
    return area


def _syndication(path: str, area: _Area, language: str) -> dict:
    with translation.override(language):
        return {
            "url": absolute_url(path),
            "attribution": attribution_line(area.licence_commune),
            "licence": licence_of(area.licence_commune).as_dict(),
        }


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _labels(choices_class, value: str) -> list[str]:
    """The label of a choice in both languages (so keywords in either find it)."""
    labels = []
    for language in ("vi", "en"):
        with translation.override(language):
            labels.append(str(choices_class(value).label))
    return labels


def _webhook(kind: str, change: str, data: dict, item: MatchableItem, changes: dict | None = None):
    if changes:
        data = {**data, "changes": changes}
    return WebhookEvent(type=f"{kind}.{change}", data=data, item=item)


def _last_event_name(event: Event, names: list[str]) -> str | None:
    """The latest of ``names`` recorded for the same subject before ``event`` (one indexed query)."""
    return (
        Event.objects.filter(subject_type=event.subject_type, subject_id=event.subject_id, name__in=names)
        .exclude(pk=event.pk)
        .order_by("-occurred_at", "-pk")
        .values_list("name", flat=True)
        .first()
    )


# --- pages ---------------------------------------------------------------------------------------------


def _page_summary(page, kind: str, lookups: _Lookups) -> tuple[dict, MatchableItem]:
    language = page.locale.language_code
    commune_page_id = None
    commune_path = page.path[: COMMUNE_DEPTH * Page.steplen]
    if len(page.path) >= COMMUNE_DEPTH * Page.steplen:
        commune_page_id = CommunePage.objects.filter(path=commune_path).values_list("pk", flat=True).first()
    area = _area(lookups, commune_page_id, language)
    titles = {
        row["locale__language_code"]: row["title"]
        for row in Page.objects.filter(translation_key=page.translation_key, live=True)
        .exclude(pk=page.pk)
        .values("title", "locale__language_code")
    }
    titles[language] = page.title
    category = getattr(page, "topic", None) or (page.kind if isinstance(page, EventPage) else None)
    data = {
        "kind": kind,
        "id": page.pk,
        "language": language,
        "title": {code: titles.get(code) for code in ("vi", "en")},
        "summary": page.teaser,
        "category": category,
        "commune": area.commune,
        "province": area.province,
        **_syndication(page_url(page.url_path), area, language),
        "published_at": _iso(page.last_published_at),
    }
    if isinstance(page, EventPage):
        data.update(starts_at=_iso(page.start), ends_at=_iso(page.end), location=page.location)
    if isinstance(page, NoticePage):
        data.update(date=_iso(page.date), expires_at=_iso(page.expires_at), urgency=page.urgency)
    item = MatchableItem.build(
        kind=kind,
        commune_id=area.commune_id,
        province_id=area.province_id,
        categories=[category] if category else [],
        languages=[language],
        texts=[page.title, page.teaser, category],
    )
    return data, item


def _gone_page(kind: str, event: Event, lookups: _Lookups) -> list[WebhookEvent]:
    """A page unpublished on its way to deletion: what the event itself remembers is enough."""
    payload = event.payload
    language = payload.get("locale") or settings.LANGUAGE_CODE
    area = _area(lookups, event.commune_id, language)
    data = {
        "kind": kind,
        "id": int(payload.get("page_id") or event.subject_id),
        "language": language,
        "title": {code: payload.get("title") if code == language else None for code in ("vi", "en")},
        "commune": area.commune,
        "province": area.province,
        **_syndication(page_url(payload.get("url_path") or "/"), area, language),
    }
    item = MatchableItem.build(
        kind=kind,
        commune_id=area.commune_id,
        province_id=area.province_id,
        languages=[language],
        texts=[payload.get("title")],
    )
    return [_webhook(kind, "unpublished", data, item)]


def _page_events(kind: str, action: str) -> Callable[[Event, _Lookups], list[WebhookEvent]]:
    model = PAGE_MODELS[kind]

    def translate(event: Event, lookups: _Lookups) -> list[WebhookEvent]:
        page = model.objects.filter(pk=event.payload.get("page_id") or event.subject_id).first()
        if page is None:
            return _gone_page(kind, event, lookups) if action == "unpublished" else []
        change = action
        if action == "published":
            previous = _last_event_name(event, [f"village.{kind}.published", f"village.{kind}.unpublished"])
            change = "updated" if previous == f"village.{kind}.published" else "published"
        data, item = _page_summary(page, kind, lookups)
        return [_webhook(kind, change, data, item)]

    return translate


# --- products --------------------------------------------------------------------------------------------


def _product_summary(product: Product, lookups: _Lookups) -> tuple[dict, MatchableItem]:
    today = timezone.localdate()
    rating = product.ocop if hasattr(product, "ocop") else None  # no rating: the accessor raises
    stars = rating.stars if rating is not None and rating.expires_on >= today else None
    language = settings.LANGUAGE_CODE
    area = _area(lookups, product.commune_id, language)
    with translation.override(language):
        path = reverse("market:product", kwargs={"slug": product.slug})
    data = {
        "kind": "product",
        "id": product.pk,
        "slug": product.slug,
        "title": {"vi": product.name_vi, "en": product.name_en or None},
        "category": product.category,
        "unit": product.unit,
        "price": product.price,
        "currency": "VND",
        "in_stock": product.stock > 0,
        "stock": product.stock,
        "ocop_stars": stars,
        "producer": {"id": product.producer_id, "title": product.producer.name},
        "commune": area.commune,
        "province": area.province,
        **_syndication(path, area, language),
        "updated_at": _iso(product.updated_at),
    }
    item = MatchableItem.build(
        kind="product",
        commune_id=area.commune_id,
        province_id=area.province_id,
        categories=[product.category],
        languages=["vi", "en"] if product.name_en else ["vi"],
        ocop_stars=stars,
        texts=[
            product.name_vi,
            product.name_en,
            product.description_vi,
            product.description_en,
            product.category,
            *_labels(Category, product.category),
        ],
    )
    return data, item


def _load_products(ids) -> list[Product]:
    # all_objects: a deleted listing still has to be announced as taken down
    return list(Product.all_objects.filter(pk__in=ids).select_related("producer", "ocop").order_by("pk"))


def _is_listed(product: Product) -> bool:
    return (
        product.review_status == ReviewStatus.APPROVED
        and product.producer.review_status == ReviewStatus.APPROVED
    )


def _was_approved(event: Event, prefix: str) -> bool:
    return _last_event_name(event, [f"{prefix}.approved", f"{prefix}.rejected"]) == f"{prefix}.approved"


def _product_events(action: str):
    def translate(event: Event, lookups: _Lookups) -> list[WebhookEvent]:
        products = _load_products([event.subject_id])
        if not products:
            return []
        product = products[0]
        listed = _is_listed(product)
        if action == "deleted":
            change = "unpublished" if listed else None
        elif action == "restored":
            change = "published" if listed and product.producer.deleted_at is None else None
        elif product.deleted_at is not None:
            change = None
        elif action == "approved":
            change = "published" if listed else None
        elif action == "rejected":
            change = "unpublished" if _was_approved(event, "market.product") else None
        elif action == "updated":
            fields = set(event.payload.get("fields") or [])
            if not listed:
                sent_back = bool(fields & PRODUCT_REVIEW_FIELDS) and _was_approved(event, "market.product")
                change = "unpublished" if sent_back else None
            elif not fields:
                change = None
            else:
                change = "availability_changed" if fields == {"stock"} else "updated"
        else:  # ocop_rated, certified, photo_added
            change = "updated" if listed else None
        if change is None:
            return []
        data, item = _product_summary(product, lookups)
        changes = {"fields": sorted(event.payload.get("fields") or [])} if action == "updated" else None
        return [_webhook("product", change, data, item, changes)]

    return translate


def _order_events(action: str):
    """A placed order that sold the last unit, or a cancelled one that brought a product back."""

    def translate(event: Event, lookups: _Lookups) -> list[WebhookEvent]:
        lines = list(OrderLine.objects.filter(order_id=event.subject_id).values("product_id", "quantity"))
        quantities = {line["product_id"]: line["quantity"] for line in lines}
        webhooks = []
        for product in _load_products(quantities):
            if not _is_listed(product):
                continue
            sold_out = action == "placed" and product.stock == 0
            back = action == "cancelled" and product.stock == quantities[product.pk]
            if sold_out or back:
                data, item = _product_summary(product, lookups)
                webhooks.append(
                    _webhook("product", "availability_changed", data, item, {"in_stock": product.stock > 0})
                )
        return webhooks

    return translate


# --- stays, tours and experiences ----------------------------------------------------------------------


def _price_from(service: Service) -> int | None:
    if service.kind == ServiceKind.STAY:
        return Unit.objects.filter(service=service, is_active=True).aggregate(low=Min("nightly_price"))["low"]
    if service.price_per_person:
        return service.price_per_person
    return Slot.objects.filter(service=service, is_cancelled=False, starts_at__gt=timezone.now()).aggregate(
        low=Min("price_per_person")
    )["low"]


def _service_summary(service: Service, lookups: _Lookups) -> tuple[dict, MatchableItem]:
    language = settings.LANGUAGE_CODE
    area = _area(lookups, service.commune_id, language)
    with translation.override(language):
        path = reverse("tourism:service", args=[service.slug])
    data = {
        "kind": service.kind,
        "id": service.pk,
        "slug": service.slug,
        "title": {"vi": service.title_vi, "en": service.title_en or None},
        "price_from": _price_from(service),
        "currency": "VND",
        "commune": area.commune,
        "province": area.province,
        **_syndication(path, area, language),
        "updated_at": _iso(service.updated_at),
    }
    item = MatchableItem.build(
        kind=service.kind,
        commune_id=area.commune_id,
        province_id=area.province_id,
        languages=["vi", "en"] if service.title_en else ["vi"],
        texts=[
            service.title_vi,
            service.title_en,
            service.description_vi,
            service.description_en,
            *_labels(ServiceKind, service.kind),
        ],
    )
    return data, item


def _service_is_listed(service: Service) -> bool:
    return service.status == ListingStatus.APPROVED and service.host.status == ListingStatus.APPROVED


def _service_webhooks(service: Service | None, change: str | None, lookups: _Lookups, changes=None):
    if service is None or change is None:
        return []
    if change != "unpublished" and not _service_is_listed(service):
        return []
    data, item = _service_summary(service, lookups)
    return [_webhook(service.kind, change, data, item, changes)]


def _service(pk) -> Service | None:
    # all_objects: a deleted listing still has to be announced as taken down
    return Service.all_objects.select_related("host").filter(pk=pk).first()


def _service_of_unit(pk) -> Service | None:
    return (
        Service.objects.select_related("host")
        .filter(pk__in=Unit.objects.filter(pk=pk).values("service_id"))
        .first()
    )


def _dates(starts_on, ends_on) -> dict:
    return {"dates": {"from": _iso(starts_on), "until": _iso(ends_on)}}


def _listing_events(action: str):
    def translate(event: Event, lookups: _Lookups) -> list[WebhookEvent]:
        service = _service(event.subject_id)
        if service is None:
            return []
        if action == "deleted":
            return _service_webhooks(service, "unpublished" if _service_is_listed(service) else None, lookups)
        if action == "restored":
            return _service_webhooks(
                service, "published" if service.host.deleted_at is None else None, lookups
            )
        if service.deleted_at is not None:
            return []
        if action == "approved":
            change = "published"
        elif action == "rejected" or (action == "updated" and service.status == ListingStatus.PENDING):
            # taken down, or its words changed and it went back to the moderator
            change = "unpublished" if _was_approved(event, "tourism.service") else None
        else:  # updated, photo_added, photo_removed
            change = "updated"
        changes = {"fields": sorted(event.payload.get("fields") or [])} if action == "updated" else None
        return _service_webhooks(service, change, lookups, changes)

    return translate


def _unit_events(change: str):
    def translate(event: Event, lookups: _Lookups) -> list[WebhookEvent]:
        payload = event.payload
        if event.name == "tourism.calendar.synced" and not any(
            payload.get(name) for name in ("added", "updated", "removed")
        ):
            return []
        changes = (
            _dates(payload["from"], payload["until"]) if "from" in payload and "until" in payload else None
        )
        return _service_webhooks(_service_of_unit(event.subject_id), change, lookups, changes)

    return translate


def _slot_added(event: Event, lookups: _Lookups) -> list[WebhookEvent]:
    slot = Slot.objects.filter(pk=event.subject_id).values("service_id", "starts_at").first()
    if slot is None:
        return []
    day = timezone.localdate(slot["starts_at"])
    return _service_webhooks(_service(slot["service_id"]), "availability_changed", lookups, _dates(day, day))


def _booking_events(event: Event, lookups: _Lookups) -> list[WebhookEvent]:
    booking = (
        Booking.objects.filter(pk=event.subject_id)
        .values(
            "service_id",
            "unit_id",
            "slot_id",
            "check_in",
            "check_out",
            "status",
            "created_at",
            "confirmed_at",
        )
        .first()
    )
    if booking is None or (booking["unit_id"] is None and booking["slot_id"] is None):
        return []  # an on-request experience takes no seats of a departure
    if event.name == "tourism.booking.confirmed" and not (
        booking["status"] == BookingStatus.CONFIRMED and booking["confirmed_at"] == booking["created_at"]
    ):
        return []  # a hold or request that got paid or accepted: its nights were already taken
    changes = _dates(booking["check_in"], booking["check_out"])
    return _service_webhooks(_service(booking["service_id"]), "availability_changed", lookups, changes)


# --- the catalogue -------------------------------------------------------------------------------------

TRANSLATORS: dict[str, Callable[[Event, _Lookups], list[WebhookEvent]]] = {
    **{
        f"village.{kind}.{action}": _page_events(kind, action)
        for kind in PAGE_MODELS
        for action in ("published", "unpublished")
    },
    **{
        f"market.product.{action}": _product_events(action)
        for action in (
            "approved",
            "rejected",
            "updated",
            "ocop_rated",
            "certified",
            "photo_added",
            "deleted",
            "restored",
        )
    },
    "market.order.placed": _order_events("placed"),
    "market.order.cancelled": _order_events("cancelled"),
    **{
        f"tourism.service.{action}": _listing_events(action)
        for action in (
            "approved",
            "rejected",
            "updated",
            "photo_added",
            "photo_removed",
            "deleted",
            "restored",
        )
    },
    **{
        f"tourism.unit.{action}": _unit_events("updated")
        for action in ("created", "updated", "season_added", "season_removed")
    },
    "tourism.unit.closed": _unit_events("availability_changed"),
    "tourism.unit.reopened": _unit_events("availability_changed"),
    "tourism.calendar.synced": _unit_events("availability_changed"),
    "tourism.calendar.disconnected": _unit_events("availability_changed"),
    "tourism.slot.added": _slot_added,
    **{
        f"tourism.booking.{action}": _booking_events
        for action in ("held", "requested", "confirmed", "cancelled", "declined", "expired")
    },
}


def is_catalogued(event_name: str) -> bool:
    return event_name in TRANSLATORS


def webhook_events_for(event: Event) -> list[WebhookEvent]:
    """The webhooks one recorded domain event produces (none for most events)."""
    translator = TRANSLATORS.get(event.name)
    if translator is None:
        return []
    return translator(event, _Lookups())
