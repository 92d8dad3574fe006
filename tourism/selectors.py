"""The read side of tourism: finding listings, cards for pages, and the commune office's statistics."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, Exists, Min, OuterRef, Prefetch, Q
from django.utils import timezone

from core.text import fold_query, folded_words
from village.images import rendition_prefetch
from village.models import CommunePage

from . import availability
from .models import (
    Booking,
    BookingStatus,
    CancelledBy,
    Review,
    ReviewStatus,
    Service,
    ServiceImage,
    ServiceKind,
    Slot,
    Unit,
)

PAGE_SIZE = 24
# Renditions the pages ask for (``includes/card_image.html``, the service page's gallery and JSON-LD);
# prefetching exactly these avoids one query per photo.
CARD_RENDITIONS = ("fill-320x180|format-webp", "fill-640x360|format-webp")
JSONLD_RENDITION = "fill-960x720|format-webp"
GALLERY_RENDITIONS = (
    "fill-480x360|format-webp", JSONLD_RENDITION, "fill-1440x1080|format-webp",  # the first photo
    "fill-160x120|format-webp", "fill-320x240|format-webp",  # the thumbnails
)  # fmt: skip
COUNTED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)


def matching(services, words: list[str]):
    """Services whose folded text (no diacritics) holds every one of the folded ``words``."""
    for word in words:
        services = services.filter(folded_text__icontains=word)
    return services


def _first_photo() -> Prefetch:
    """Each service's first photo only, with its card renditions (a sliced prefetch: one query a page)."""
    photos = ServiceImage.objects.select_related("image").prefetch_related(
        rendition_prefetch(CARD_RENDITIONS)
    )
    return Prefetch("images", queryset=photos.order_by("position", "id")[:1], to_attr="first_photos")


def with_cards(services):
    """What a listing card shows, in a fixed number of queries: host, commune, first photo, rooms, next
    departures, rating."""
    return (
        services.select_related("host", "commune", "village")
        .prefetch_related(
            _first_photo(),
            Prefetch("units", queryset=Unit.objects.filter(is_active=True).order_by("nightly_price", "id")),
        )
        .annotate(
            rating_average=Avg("reviews__rating", filter=Q(reviews__status=ReviewStatus.PUBLISHED)),
            rating_count=Count("reviews", filter=Q(reviews__status=ReviewStatus.PUBLISHED), distinct=True),
            next_price=Min("slots__price_per_person", filter=Q(slots__starts_at__gt=timezone.now())),
        )
    )


@dataclass(frozen=True)
class Search:
    """What a tourist asked for; dates are both given or both None."""

    query: str = ""
    kind: str = ""
    commune_translation_key: object | None = None
    check_in: date | None = None
    check_out: date | None = None
    guests: int = 1
    max_price: int | None = None


def find_services(search: Search, *, now=None):
    """Listed services matching every word, the kind, the commune, the party and — with dates — only those
    actually free for them; cheapest first when a price cap is set, else newest."""
    services = Service.objects.listed()
    words = folded_words(fold_query(search.query)).split()
    services = matching(services, words)
    if search.kind:
        services = services.filter(kind=search.kind)
    if search.commune_translation_key:
        services = services.filter(commune__translation_key=search.commune_translation_key)
    services = availability.available_services(
        services, check_in=search.check_in, check_out=search.check_out, guests=search.guests, now=now
    )
    if search.max_price:
        cheap_units = Q(
            kind=ServiceKind.STAY, units__is_active=True, units__nightly_price__lte=search.max_price
        )
        cheap_slots = ~Q(kind=ServiceKind.STAY) & (
            Q(slots__price_per_person__lte=search.max_price) | Q(price_per_person__lte=search.max_price)
        )
        services = services.filter(cheap_units | cheap_slots).distinct()
    return with_cards(services).order_by("-updated_at", "-id")


def commune_services(commune, *, limit: int = 6) -> list[Service]:
    """Listed stays and experiences of a commune, whichever translation of the commune page is shown."""
    services = Service.objects.listed().filter(commune__translation_key=commune.translation_key)
    return list(with_cards(services).order_by("kind", "-created_at", "-id")[:limit])


def upcoming_slots(service: Service, *, guests: int = 1, limit: int = 20) -> list[Slot]:
    return list(availability.open_slots(service.slots.all(), guests=guests).order_by("starts_at")[:limit])


# --- the tourist's pages ----------------------------------------------------------------------------------


def listed_communes() -> list[CommunePage]:
    """The commune pages that listed services point at, in tree order (for the search form's choices)."""
    listed = Service.objects.listed().filter(commune=OuterRef("pk"))
    return list(CommunePage.objects.filter(Exists(listed)).order_by("path"))


def listed_service(slug: str) -> Service | None:
    """A listed service with its host, commune and village, or None (not found, or not listed)."""
    return Service.objects.listed().select_related("host", "commune", "village").filter(slug=slug).first()


def service_photos(service: Service) -> list[ServiceImage]:
    """A listing's photos in their order, with the renditions its page shows (two queries)."""
    photos = service.images.select_related("image").prefetch_related(rendition_prefetch(GALLERY_RENDITIONS))
    return list(photos.order_by("position", "id"))


def active_units(service: Service) -> list[Unit]:
    """A stay's rooms that take bookings, cheapest first, with their seasonal prices."""
    units = service.units.filter(is_active=True).prefetch_related("seasonal_prices")
    return list(units.order_by("nightly_price", "id"))


def published_reviews(service: Service, *, limit: int) -> list[Review]:
    """A listing's newest published reviews."""
    reviews = service.reviews.filter(status=ReviewStatus.PUBLISHED)
    return list(reviews.order_by("-created_at", "-id")[:limit])


def booking_by_token(access_token) -> Booking | None:
    """The booking behind a private link (``access_token``) with what its pages show, or None."""
    booking = Booking.objects.select_related("service__host", "service__commune", "unit", "slot")
    return booking.filter(access_token=access_token).first()


def bookings_of_guest(user):
    """An account's bookings, newest first, with what the list shows (a queryset, to paginate)."""
    bookings = Booking.objects.filter(guest=user).select_related("service", "unit", "slot")
    return bookings.order_by("-created_at", "-id")


# --- the commune office's "smart tourism" figures ---------------------------------------------------------


def _months(year: int) -> list[date]:
    return [date(year, month, 1) for month in range(1, 13)]


def _nights_in(booking_check_in: date, booking_check_out: date, starts_on: date, ends_on: date) -> int:
    first = max(booking_check_in, starts_on)
    last = min(booking_check_out, ends_on)
    return max(0, (last - first).days)


@dataclass
class MonthFigures:
    month: date
    bookings: int = 0
    guest_nights: int = 0
    cancellations: int = 0


def commune_statistics(commune, *, year: int) -> dict:
    """Guest-nights, bookings and cancellations by month, occupancy per stay, top experiences and the
    visitors' countries of a commune for ``year`` (confirmed and completed bookings count as stays)."""
    starts_on, ends_on = date(year, 1, 1), date(year + 1, 1, 1)
    bookings = list(
        Booking.objects.filter(commune__translation_key=commune.translation_key)
        .filter(check_in__lt=ends_on, check_out__gt=starts_on)
        .select_related("service")
        .only(
            "status", "guests", "check_in", "check_out", "guest_country", "unit_id", "slot_id",
            "cancelled_by", "service__id", "service__title_vi", "service__title_en", "service__kind",
        )
    )  # fmt: skip
    months = {month: MonthFigures(month=month) for month in _months(year)}
    booked_nights_per_unit: Counter = Counter()
    experiences: Counter = Counter()
    experience_titles: dict[int, Service] = {}
    countries: Counter = Counter()
    for booking in bookings:
        month = months.get(booking.check_in.replace(day=1))
        if booking.status in COUNTED_STATUSES:
            if month:
                month.bookings += 1
            if booking.unit_id:
                for first in _months(year):
                    following = (first + timedelta(days=32)).replace(day=1)
                    nights = _nights_in(booking.check_in, booking.check_out, first, following)
                    months[first].guest_nights += nights * booking.guests
                booked_nights_per_unit[booking.unit_id] += _nights_in(
                    booking.check_in, booking.check_out, starts_on, ends_on
                )
            else:
                experiences[booking.service_id] += booking.guests
                experience_titles[booking.service_id] = booking.service
            countries[booking.guest_country or "??"] += booking.guests
        elif (
            booking.status == BookingStatus.CANCELLED and booking.cancelled_by != CancelledBy.SYSTEM and month
        ):
            month.cancellations += 1
    days = (
        ends_on - starts_on
    ).days  # occupancy "on the books": booked nights of the year / nights of the year
    occupancy = []
    stays = Service.objects.listed().filter(
        commune__translation_key=commune.translation_key, kind=ServiceKind.STAY
    )
    for stay in stays.prefetch_related("units").order_by("title_vi"):
        units = list(stay.units.all())
        available = len(units) * max(days, 1)
        booked = sum(booked_nights_per_unit[unit.pk] for unit in units)
        occupancy.append(
            {"service": stay, "booked_nights": booked, "rate": booked / available if available else 0}
        )
    top = [
        {"service": experience_titles[service_id], "guests": guests}
        for service_id, guests in experiences.most_common(5)
    ]
    return {
        "year": year,
        "months": list(months.values()),
        "totals": {
            "bookings": sum(m.bookings for m in months.values()),
            "guest_nights": sum(m.guest_nights for m in months.values()),
            "cancellations": sum(m.cancellations for m in months.values()),
        },
        "occupancy": occupancy,
        "top_experiences": top,
        "countries": countries.most_common(),
    }


def guest_nights(commune_id: int, starts_on: date, ends_on: date) -> int:
    """Guest-nights of confirmed and completed stays in a commune over ``[starts_on, ends_on)``."""
    total = 0
    rows = Booking.objects.filter(
        commune_id=commune_id, status__in=COUNTED_STATUSES, unit__isnull=False,
        check_in__lt=ends_on, check_out__gt=starts_on,
    ).values_list("check_in", "check_out", "guests")  # fmt: skip
    for check_in, check_out, guests in rows:
        total += _nights_in(check_in, check_out, starts_on, ends_on) * guests
    return total


def bookings_count(commune_id: int, starts_on: date, ends_on: date) -> int:
    return Booking.objects.filter(
        commune_id=commune_id, status__in=COUNTED_STATUSES, check_in__gte=starts_on, check_in__lt=ends_on
    ).count()


def cancellation_rate(commune_id: int, starts_on: date, ends_on: date) -> float | None:
    """Cancelled bookings as a percentage of bookings made (confirmed, completed or cancelled) arriving
    in ``[starts_on, ends_on)``."""
    counts = Booking.objects.filter(
        commune_id=commune_id, check_in__gte=starts_on, check_in__lt=ends_on
    ).aggregate(
        made=Count("id", filter=Q(status__in=(*COUNTED_STATUSES, BookingStatus.CANCELLED))),
        cancelled=Count("id", filter=Q(status=BookingStatus.CANCELLED)),
    )
    return round(100 * counts["cancelled"] / counts["made"], 1) if counts["made"] else None
