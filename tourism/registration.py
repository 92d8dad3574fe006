"""What tourism registers with the floors below: bookings as payables, searchable listings, booking
emails, periodic jobs and the commune's computed tourism indicators."""

from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registries import (
    ComputedIndicator,
    EventHandler,
    Payable,
    PeriodicJob,
    Searchable,
    SearchHit,
    event_handlers,
    indicators,
    payables,
    periodic_jobs,
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


def enqueue_booking_email(event) -> None:
    """Event handler: after the transaction commits, email the guest and the host about the booking."""
    from .tasks import send_booking_email_task

    transaction.on_commit(lambda: send_booking_email_task.enqueue(event.pk))


def register() -> None:
    from . import selectors
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
