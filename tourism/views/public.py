"""The tourist's pages under ``/<language>/stays/``: search, a listing's page, booking, the booking's
private page (its ``access_token`` is the secret, as the market's checkout page), paying, cancelling and
reviewing.

Views read through ``tourism.selectors``/``availability`` and change nothing themselves: every write is a
call to ``tourism.services``, whose refusals (:class:`~tourism.exceptions.TourismError`) come back as a
message on the field they name — 409 when someone else was faster (nights taken, departure full), 400
when what was asked is impossible — and nothing written.
"""

import io
from datetime import timedelta

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.money import format_vnd
from village.translations import localized_titles

from .. import availability, selectors
from ..exceptions import TourismError, TourismErrorCode
from ..forms.booking import (
    CancelBookingForm,
    RequestBookingForm,
    ReviewForm,
    SearchForm,
    SlotBookingForm,
    StayBookingForm,
    StayDatesForm,
    add_tourism_error,
)
from ..models import Booking, BookingPayment, BookingStatus, CancelledBy, Service
from ..services import bookings, reviews
from ..services import payments as booking_payments
from .cards import decorate_cards

REVIEWS_SHOWN = 20
DEPARTURES_SHOWN = 12
# someone else got there first, or the listing stopped taking bookings: a conflict, not a bad request
CONFLICT_CODES = {
    TourismErrorCode.UNAVAILABLE,
    TourismErrorCode.SLOT_FULL,
    TourismErrorCode.CLOSED,
    TourismErrorCode.NOT_BOOKABLE,
    TourismErrorCode.HOLD_EXPIRED,
    TourismErrorCode.ALREADY_CANCELLED,
    TourismErrorCode.ILLEGAL_TRANSITION,
    TourismErrorCode.ALREADY_REVIEWED,
}
SCHEMA_AVAILABILITY = {True: "https://schema.org/InStock", False: "https://schema.org/SoldOut"}


class SeeOther(HttpResponseRedirect):
    """303: after a POST, the browser fetches the next page with GET."""

    status_code = 303


def status_for(error: TourismError) -> int:
    if error.code == TourismErrorCode.REVIEW_NOT_ALLOWED:
        return 403
    return 409 if error.code in CONFLICT_CODES else 400


def _user_or_none(request):
    return request.user if request.user.is_authenticated else None


# --- search -------------------------------------------------------------------------------------------


@require_GET
def search(request):
    """Listed stays, tours and experiences, narrowed by a GET form; with dates, only what is free."""
    communes = selectors.listed_communes()
    titles = localized_titles(communes)
    communes.sort(key=lambda commune: titles[commune.pk])  # by their title in the visitor's language
    form = SearchForm(request.GET or None, communes=communes, titles=titles)
    if form.is_bound:
        form.is_valid()
    wanted = form.search()
    paginator = Paginator(selectors.find_services(wanted), selectors.PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    stay = {"check_in": wanted.check_in, "check_out": wanted.check_out, "guests": wanted.guests}
    services = decorate_cards(page_obj.object_list, stay=stay, commune_titles=titles)
    structured_data = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": _("Homestays, tours and experiences"),
        "numberOfItems": paginator.count,
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": page_obj.start_index() + index,
                "url": request.build_absolute_uri(reverse("tourism:service", args=[service.slug])),
                "name": service.title,
            }
            for index, service in enumerate(services)
        ],
    }
    return render(
        request,
        "tourism/search.html",
        {
            "form": form,
            "search": wanted,
            "services": services,
            "page_obj": page_obj,
            "ignored": form.ignored_labels(),
            "structured_data": structured_data,
        },
    )


# --- a listing's page ---------------------------------------------------------------------------------


def _listed_service(slug) -> Service:
    service = selectors.listed_service(slug)
    if service is None:
        raise Http404
    return service


def _guest_initial(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"guest_name": user.full_name, "guest_email": user.email or "", "guest_phone": user.phone or ""}


def _posted_id(request, name: str) -> int | None:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


def _stay_rooms(request, service, *, dates_form, stay, methods, posted=None, posted_unit=None) -> list[dict]:
    """Each active room: when dates are given, its quote line by line, whether it is free, and for a free
    room a booking form. A refusal every room shares (dates in the past…) goes on the dates form's field."""
    rooms = []
    for unit in selectors.active_units(service):
        room = {"unit": unit, "quote": None, "free": None, "refusal": None, "form": None}
        if stay:
            try:
                room["quote"] = bookings.quote_for_stay(unit=unit, **stay)
            except TourismError as error:
                room["refusal"] = error
            else:
                room["free"] = availability.is_unit_free(
                    unit, check_in=stay["check_in"], check_out=stay["check_out"]
                )
        if room["free"] and methods:
            if posted is not None and posted_unit == unit.pk:
                room["form"] = posted
            else:
                room["form"] = StayBookingForm(
                    initial={"unit": unit.pk, **stay, **_guest_initial(request)},
                    payment_methods=methods,
                    auto_id=f"id_unit{unit.pk}_%s",
                )
        rooms.append(room)
    refusals = [room["refusal"] for room in rooms if room["refusal"] is not None]
    if refusals and len(refusals) == len(rooms) and len({(r.code, r.message) for r in refusals}) == 1:
        add_tourism_error(dates_form, refusals[0])
        for room in rooms:
            room["refusal"] = None
    return rooms


def _departures(request, service, *, methods, posted=None, posted_slot=None) -> list[dict]:
    """Upcoming departures (full ones too, said so) and a booking form for each one with seats left."""
    departures = []
    for slot in selectors.upcoming_slots(service, guests=0, limit=DEPARTURES_SHOWN):
        form = None
        if slot.seats_left and methods:
            if posted is not None and posted_slot == slot.pk:
                form = posted
            else:
                form = SlotBookingForm(
                    initial={"slot": slot.pk, "guests": 1, **_guest_initial(request)},
                    payment_methods=methods,
                    auto_id=f"id_slot{slot.pk}_%s",
                )
        departures.append({"slot": slot, "form": form})
    return departures


def _address(commune_title: str) -> dict:
    return {"@type": "PostalAddress", "addressLocality": commune_title, "addressCountry": "VN"}


def _aggregate_rating(rating: dict) -> dict | None:
    if not rating["count"]:
        return None
    return {
        "@type": "AggregateRating",
        "ratingValue": str(rating["average"]),
        "reviewCount": rating["count"],
        "bestRating": "5",
        "worstRating": "1",
    }


def photo_urls(request, photos) -> list[str]:
    """The absolute addresses of the photos' WebP renditions for JSON-LD (never the original files)."""
    return [
        request.build_absolute_uri(photo.image.get_rendition(selectors.JSONLD_RENDITION).url)
        for photo in photos
    ]


def service_structured_data(request, service, *, commune_title, rating, units, slots, images=()) -> dict:
    """schema.org: a stay is a ``LodgingBusiness`` offering its rooms; a tour or an experience is a
    ``TouristAttraction`` with one ``Event`` (and its ``Offer``) per upcoming departure. ``images`` are the
    absolute addresses of its photos (:func:`photo_urls`)."""
    url = request.build_absolute_uri(reverse("tourism:service", args=[service.slug]))
    address = _address(commune_title)
    aggregate = _aggregate_rating(rating)
    if service.is_stay:
        data = {
            "@context": "https://schema.org",
            "@type": "LodgingBusiness",
            "name": service.title,
            "description": service.description,
            "url": url,
            "address": address,
            "checkinTime": service.check_in_time.strftime("%H:%M"),
            "checkoutTime": service.check_out_time.strftime("%H:%M"),
            "amenityFeature": [
                {"@type": "LocationFeatureSpecification", "name": label, "value": True}
                for label in service.amenity_labels()
            ],
            "makesOffer": [
                {
                    "@type": "Offer",
                    "name": unit.name,
                    "price": str(unit.nightly_price),
                    "priceCurrency": "VND",
                    "url": url,
                    "itemOffered": {
                        "@type": "HotelRoom",
                        "name": unit.name,
                        "occupancy": {"@type": "QuantitativeValue", "maxValue": unit.capacity},
                    },
                }
                for unit in units
            ],
        }
        if images:
            data["image"] = list(images)
        if aggregate:
            data["aggregateRating"] = aggregate
        return data
    attraction = {
        "@type": "TouristAttraction",
        "@id": f"{url}#attraction",
        "name": service.title,
        "description": service.description,
        "url": url,
        "address": address,
    }
    if images:
        attraction["image"] = list(images)
    if service.languages:
        attraction["availableLanguage"] = service.language_labels()
    if aggregate:
        attraction["aggregateRating"] = aggregate
    events = []
    for slot in slots:
        starts_at = timezone.localtime(slot.starts_at)
        event = {
            "@type": "Event",
            "name": service.title,
            "startDate": starts_at.isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": {
                "@type": "Place",
                "name": service.meeting_point or commune_title,
                "address": address,
            },
            "organizer": {"@type": "Organization", "name": service.host.name},
            "maximumAttendeeCapacity": slot.capacity,
            "remainingAttendeeCapacity": slot.seats_left,
            "offers": {
                "@type": "Offer",
                "price": str(slot.price_per_person),
                "priceCurrency": "VND",
                "availability": SCHEMA_AVAILABILITY[slot.seats_left > 0],
                "url": url,
            },
        }
        if service.duration_minutes:
            event["endDate"] = (starts_at + timedelta(minutes=service.duration_minutes)).isoformat()
        events.append(event)
    return {"@context": "https://schema.org", "@graph": [attraction, *events]}


def _service_page(request, service, *, dates_form=None, posted=None, refusal=None, status=200):
    """The listing's page, for a GET or for a booking that was refused (``posted`` form, ``refusal``)."""
    methods = bookings.payment_methods_for(service)
    commune = service.commune.localized
    if dates_form is None:
        dates_form = StayDatesForm(request.GET or None)
    rooms = departures = []
    request_form = None
    stay = None
    units = []
    if service.is_stay:
        stay = dates_form.stay()
        rooms = _stay_rooms(
            request, service, dates_form=dates_form, stay=stay, methods=methods, posted=posted,
            posted_unit=_posted_id(request, "unit") if posted is not None else None,
        )  # fmt: skip
        units = [room["unit"] for room in rooms]
    else:
        departures = _departures(
            request, service, methods=methods, posted=posted,
            posted_slot=_posted_id(request, "slot") if posted is not None else None,
        )  # fmt: skip
        if service.is_on_request and service.price_per_person and methods:
            if isinstance(posted, RequestBookingForm):
                request_form = posted
            else:
                request_form = RequestBookingForm(
                    initial={"guests": 2, **_guest_initial(request)},
                    payment_methods=methods,
                    auto_id="id_request_%s",
                )
    if refusal is not None and refusal.field and service.is_stay:
        add_tourism_error(dates_form, refusal)
    rating = reviews.rating_of(service)
    slots = [departure["slot"] for departure in departures]
    photos = selectors.service_photos(service)
    return render(
        request,
        "tourism/service.html",
        {
            "service": service,
            "host": service.host,
            "commune": commune,
            "commune_title": commune.title,
            "dates_form": dates_form,
            "stay": stay,
            "rooms": rooms,
            "departures": departures,
            "request_form": request_form,
            "payment_methods": methods,
            "refusal": refusal,
            "reviews": selectors.published_reviews(service, limit=REVIEWS_SHOWN),
            "rating": rating,
            "photos": photos,
            "structured_data": service_structured_data(
                request,
                service,
                commune_title=commune.title,
                rating=rating,
                units=units,
                slots=slots,
                images=photo_urls(request, photos),
            ),
        },
        status=status,
    )


@require_GET
def service_detail(request, slug):
    return _service_page(request, _listed_service(slug))


# --- booking ------------------------------------------------------------------------------------------


def _booking_form(request, service, methods):
    """The posted form, with the same element ids as on the page it came from."""
    if service.is_stay:
        auto_id = f"id_unit{_posted_id(request, 'unit') or ''}_%s"
        return StayBookingForm(request.POST, payment_methods=methods, auto_id=auto_id)
    if request.POST.get("slot"):
        auto_id = f"id_slot{_posted_id(request, 'slot') or ''}_%s"
        return SlotBookingForm(request.POST, payment_methods=methods, auto_id=auto_id)
    return RequestBookingForm(request.POST, payment_methods=methods, auto_id="id_request_%s")


def _book(request, service, form) -> Booking:
    data = form.cleaned_data
    common = {
        "guests": data["guests"],
        "guest": form.guest_details(),
        "payment_method": data["payment_method"],
        "user": request.user,
        "message": data["message"],
    }
    if isinstance(form, StayBookingForm):
        unit = service.units.filter(pk=data["unit"]).first()
        if unit is None:
            raise TourismError(TourismErrorCode.NOT_BOOKABLE, _("This room is not taking bookings."))
        return bookings.book_stay(unit=unit, check_in=data["check_in"], check_out=data["check_out"], **common)
    if isinstance(form, SlotBookingForm):
        slot = service.slots.filter(pk=data["slot"]).first()
        if slot is None:
            raise TourismError(TourismErrorCode.NOT_BOOKABLE, _("This departure is no longer open."))
        return bookings.book_slot(slot=slot, **common)
    return bookings.request_experience(service=service, day=data["day"], **common)


def booking_path(booking) -> str:
    return reverse("tourism:booking", args=[booking.access_token])


def _start_payment(request, booking):
    """Open the payment of a held booking: the Stripe page's address for a card, else None (VietQR is
    shown on the booking page). A failure leaves the booking held, payable from its page."""
    if not booking_payments.awaits_payment(booking):
        return None
    url = request.build_absolute_uri(booking_path(booking))
    try:
        payment = booking_payments.start_booking_payment(booking=booking, success_url=url, cancel_url=url)
    except TourismError as error:
        messages.error(request, _("The payment could not be started: %(reason)s") % {"reason": error.message})
        return None
    if booking.payment_method == BookingPayment.CARD and payment.redirect_url:
        return payment.redirect_url
    return None


@require_POST
def book(request, slug):
    """Book a room, seats on a departure or a request; card payments go on to Stripe (303)."""
    service = _listed_service(slug)
    methods = bookings.payment_methods_for(service)
    form = _booking_form(request, service, methods)
    dates_form = None
    if service.is_stay:
        dates_form = StayDatesForm(
            {name: request.POST.get(name, "") for name in ("check_in", "check_out", "guests")}
        )
    if not form.is_valid():
        return _service_page(request, service, dates_form=dates_form, posted=form, status=400)
    try:
        booking = _book(request, service, form)
    except TourismError as error:
        add_tourism_error(form, error)
        return _service_page(
            request, service, dates_form=dates_form, posted=form, refusal=error, status=status_for(error)
        )
    messages.success(request, _("Booking %(reference)s is made.") % {"reference": booking.reference})
    redirect_url = _start_payment(request, booking)
    return SeeOther(redirect_url or booking_path(booking))


# --- the booking's private page -----------------------------------------------------------------------


def _booking_or_404(access_token) -> Booking:
    booking = selectors.booking_by_token(access_token)
    if booking is None:
        raise Http404
    return booking


def _payment_view(booking) -> dict | None:
    view = booking_payments.booking_payment_view(booking)
    if view and view.get("qr_svg"):
        view = {**view, "qr_svg": mark_safe(view["qr_svg"])}  # our own QR generator's SVG
    return view


@never_cache
@require_GET
def booking_detail(request, access_token):
    booking = _booking_or_404(access_token)
    payment = _payment_view(booking)
    awaits_payment = booking_payments.awaits_payment(booking)
    return render(
        request,
        "tourism/booking.html",
        {
            "booking": booking,
            "service": booking.service,
            "payment": payment,
            "may_pay_by_card": awaits_payment and booking.payment_method == BookingPayment.CARD,
            "may_show_transfer": awaits_payment
            and booking.payment_method == BookingPayment.BANK_TRANSFER
            and not (payment and payment["pending"]),
            "may_cancel": bookings.is_cancellable(booking, today=timezone.localdate()),
            "may_review": reviews.may_review(booking, request.user),
            "is_held": booking.status in (BookingStatus.HELD, BookingStatus.REQUESTED),
        },
    )


def booking_scan_url(request, booking) -> str:
    """The booking page's absolute address without a language prefix (the phone's language is used)."""
    path = booking_path(booking)
    prefix = f"/{get_language()}/"
    if path.startswith(prefix):
        path = path[len(prefix) - 1 :]
    return request.build_absolute_uri(path)


@require_GET
def booking_qr(request, access_token):
    """An SVG QR code of the booking's address, to show the host on arrival."""
    booking = _booking_or_404(access_token)
    code = segno.make(booking_scan_url(request, booking), error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=4,
        border=2,
        title=_("Booking %(reference)s") % {"reference": booking.reference},
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def pay(request, access_token):
    """Start (or resume) paying a held booking: to Stripe for a card; the VietQR for a transfer."""
    booking = _booking_or_404(access_token)
    if not booking_payments.awaits_payment(booking):
        messages.error(request, _("This booking is not waiting for payment."))
        return SeeOther(booking_path(booking))
    redirect_url = _start_payment(request, booking)
    return SeeOther(redirect_url or booking_path(booking))


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, access_token):
    """GET: what cancelling now refunds under the booking's policy; POST: cancel it."""
    booking = _booking_or_404(access_token)
    form = CancelBookingForm(request.POST if request.method == "POST" else None)  # the reason is optional
    refusal = None
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = 400  # nothing is cancelled with a reason that cannot be kept
    elif request.method == "POST":
        try:
            booking, refund = bookings.cancel_booking(
                booking=booking,
                cancelled_by=CancelledBy.GUEST,
                actor=_user_or_none(request),
                reason=form.cleaned_data["reason"],
            )
        except TourismError as error:
            refusal, status = error, status_for(error)
        else:
            if refund.amount:
                message = _("Booking %(reference)s is cancelled; %(amount)s will be refunded.")
            else:
                message = _("Booking %(reference)s is cancelled.")
            messages.success(
                request, message % {"reference": booking.reference, "amount": format_vnd(refund.amount)}
            )
            return SeeOther(booking_path(booking))
    may_cancel = refusal is None and bookings.is_cancellable(booking, today=timezone.localdate())
    return render(
        request,
        "tourism/cancel.html",
        {
            "booking": booking,
            "service": booking.service,
            "form": form,
            "preview": bookings.cancellation_preview(booking=booking) if may_cancel else None,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def review(request, access_token):
    """The guest of a completed booking rates it (the service decides who may, and until when)."""
    booking = _booking_or_404(access_token)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    refusal = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reviews.write_review(
                    booking=booking,
                    author=request.user,
                    rating=form.cleaned_data["rating"],
                    text=form.cleaned_data["text"],
                )
            except TourismError as error:
                refusal, status = error.message, status_for(error)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                status = 400
            else:
                messages.success(request, _("Thank you for your review."))
                return SeeOther(reverse("tourism:service", args=[booking.service.slug]) + "#reviews")
        else:
            status = 400
    elif not reviews.may_review(booking, request.user):
        refusal = _(
            "This booking cannot be reviewed: only its guest can, once the stay is completed and for "
            "%(days)d days after it, and only once."
        ) % {"days": reviews.REVIEW_DAYS}
        status = 403
    return render(
        request,
        "tourism/review.html",
        {"booking": booking, "service": booking.service, "form": form, "refusal": refusal},
        status=status,
    )
