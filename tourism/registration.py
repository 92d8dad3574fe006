"""What tourism registers with the floors below: bookings as payables, searchable listings, booking
emails, periodic jobs and the commune's computed tourism indicators."""

from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import format_vnd
from core.registries import (
    ComputedIndicator,
    EventHandler,
    Payable,
    PeriodicJob,
    Searchable,
    SearchHit,
    SearchSource,
    event_handlers,
    indicators,
    payables,
    periodic_jobs,
    search_sources,
    searchables,
)


def search_services(words: list[str], limit: int) -> list[SearchHit]:
    """Listed stays, tours and experiences whose folded text holds every word, as site-search hits."""
    from .models import Service
    from .selectors import matching

    services = matching(Service.objects.listed().select_related("commune"), words)
    return [
        SearchHit(
            title=service.title,
            url=reverse("tourism:service", args=[service.slug]),
            summary=f"{service.get_kind_display()} · {service.commune.title}",
            kind=service.kind,
        )
        for service in services.order_by("-updated_at", "-id")[:limit]
    ]


def tourism_search_url(query: str) -> str:
    return reverse("tourism:search") + "?" + urlencode({"q": query})


def search_documents(keys=None):
    """Listed stays, tours and experiences for the one search (``core.search``): in Vietnamese, and in
    English when the listing has an English title; priced from the lowest nightly or seat price."""
    from django.db.models import Min, Q
    from django.utils import timezone, translation

    from core.search.documents import SearchDocument
    from village.search import Places, ids_of

    from .models import Service

    now = timezone.now()
    services = (
        Service.objects.listed()
        .select_related("commune")
        .annotate(
            lowest_night=Min("units__nightly_price", filter=Q(units__is_active=True)),
            lowest_seat=Min(
                "slots__price_per_person", filter=Q(slots__is_cancelled=False, slots__starts_at__gt=now)
            ),
        )
        .order_by("pk")
    )
    if keys is not None:
        services = services.filter(pk__in=ids_of(keys, "service"))
    places = Places()
    for service in services.iterator(chunk_size=500):
        price = service.lowest_night if service.is_stay else (service.price_per_person or service.lowest_seat)
        commune = places.commune_of_page(service.commune_id)
        for language in ("vi", "en") if service.title_en else ("vi",):
            with translation.override(language):
                english = language == "en"
                area = places.area(commune, language)
                summary = str(service.get_kind_display())
                if area["commune_name"]:
                    summary = f"{summary} · {area['commune_name']}"
                if price:
                    summary = f"{summary} · " + str(_("from %(price)s") % {"price": format_vnd(price)})
                yield SearchDocument(
                    key=f"service:{service.pk}",
                    kind=service.kind,
                    language=language,
                    title=service.title_en if english else service.title_vi,
                    summary=summary,
                    text=service.folded_text,
                    url=reverse("tourism:service", args=[service.slug]),
                    category="",
                    ocop_stars=None,
                    price=price,
                    updated_at=service.updated_at,
                    **area,
                )


def search_keys_for_event(event) -> list[str]:
    """The listing an event touches: itself, the one of a room or departure, or all of a host's."""
    from .models import Service, Slot, Unit

    family = event.name.split(".")[1]
    if family == "service":
        return [f"service:{event.subject_id}"]
    if family == "unit":
        service_ids = Unit.objects.filter(pk=event.subject_id).values_list("service_id", flat=True)
    elif family == "slot":
        service_ids = Slot.objects.filter(pk=event.subject_id).values_list("service_id", flat=True)
    else:  # host
        service_ids = Service.all_objects.filter(host_id=event.subject_id).values_list("pk", flat=True)
    return [f"service:{pk}" for pk in service_ids]


def search_keys_due(since, until) -> list[str]:
    """Tours and experiences with a departure that left between ``since`` and ``until``: their price is
    the lowest seat price of the departures still to come."""
    from .models import Slot

    left = Slot.objects.filter(starts_at__gte=since, starts_at__lt=until, is_cancelled=False)
    return [f"service:{pk}" for pk in left.values_list("service_id", flat=True).distinct()]


def enqueue_booking_email(event) -> None:
    """Event handler: after the transaction commits, email the guest and the host about the booking."""
    from .tasks import send_booking_email_task

    transaction.on_commit(lambda: send_booking_email_task.enqueue(event.pk))


def register() -> None:
    from core.search import indexing as search_index

    from . import selectors
    from .models import ServiceKind
    from .services import payments as booking_payments
    from .tasks import daily_bookings_task, release_expired_holds_task, sync_calendars_task

    payables.register(
        booking_payments.PAYABLE_KIND,
        Payable(
            kind=booking_payments.PAYABLE_KIND,
            summarize=booking_payments.summarize,
            on_paid=booking_payments.on_paid,
            on_refunded=booking_payments.on_refunded,
            refundable_amount=booking_payments.refundable_amount,
        ),
    )
    event_handlers.register(
        "tourism.booking-emails", EventHandler("tourism.booking.*", enqueue_booking_email)
    )
    periodic_jobs.register(
        "tourism.release-expired-holds", PeriodicJob(release_expired_holds_task, every_seconds=60)
    )
    periodic_jobs.register("tourism.daily-bookings", PeriodicJob(daily_bookings_task, every_seconds=3600))
    periodic_jobs.register("tourism.sync-calendars", PeriodicJob(sync_calendars_task, every_seconds=3600))
    search_sources.register(
        "service",
        SearchSource(
            kind="service",
            label=_("Stays and experiences"),
            documents=search_documents,
            event_patterns=("tourism.service.*", "tourism.host.*", "tourism.unit.*", "tourism.slot.*"),
            keys_for_event=search_keys_for_event,
            keys_due=search_keys_due,
            kinds=tuple(ServiceKind.choices),
            more_url=tourism_search_url,
            order=30,
        ),
    )
    search_index.register()
    searchables.register(
        "tourism.service",
        Searchable(
            label=_("Stays and experiences"), search=search_services, more_url=tourism_search_url, order=30
        ),
    )
    for key, label, unit, compute in (
        ("tourism.guest_nights", _("Guest-nights in homestays"), "nights", selectors.guest_nights),
        ("tourism.bookings", _("Confirmed bookings"), "bookings", selectors.bookings_count),
        ("tourism.cancellation_rate", _("Bookings cancelled"), "%", selectors.cancellation_rate),
    ):
        indicators.register(key, ComputedIndicator(key=key, label=label, unit=unit, compute=compute))
