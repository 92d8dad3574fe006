"""The host area, ``/<lang>/my/stays/``: a homestay family, a guide or a workshop on a phone, no JavaScript.

Who may act for which host is ``tourism.acting.hosts_managed_by`` — the owner, or a digital team member
with the household's consent (assisted mode: every page then says for whom one acts). A host the user
may not act for, and anything of it (listings, rooms, bookings, calendars, reviews), is a 404. Views
read what to show and call ``tourism.services`` for every change; a refused call comes back as a
message on the form (or at the top of the page) and writes nothing.
"""

import calendar as month_calendar
import re
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import AssistanceConsent
from core.money import format_vnd
from core.web import (
    Action,
    action_forms,
    post_action,
    private_area,
    refusal_status,
    render_for_household,
    submitted,
)
from village.images import rendition_prefetch
from village.models import VillagePage
from village.services import discard_commune_photo, store_commune_photo

from .. import availability
from ..acting import hosts_managed_by
from ..exceptions import TourismError, TourismErrorCode
from ..forms.host import (
    CalendarFileForm,
    CancelForm,
    CloseDatesForm,
    DeclineForm,
    EmptyForm,
    FeedForm,
    HostForm,
    ReplyForm,
    SeasonForm,
    ServiceForm,
    ServicePhotoForm,
    SlotForm,
    UnitForm,
    apply_service_error,
    error_text,
)
from ..models import (
    ACTIVE_BOOKING_STATUSES,
    MAXIMUM_SERVICE_PHOTOS,
    Block,
    BlockSource,
    Booking,
    BookingPayment,
    BookingStatus,
    CalendarFeed,
    CancelledBy,
    Host,
    Review,
    SeasonalPrice,
    Service,
    ServiceImage,
    ServiceKind,
    Slot,
    Unit,
)
from ..services import bookings as booking_services
from ..services import calendars as calendar_services
from ..services import deletion as listing_deletion
from ..services import listings
from ..services import payments as booking_payments
from ..services import reviews as review_services

BOOKINGS_PER_PAGE = 30
DASHBOARD_LIMIT = 20
ARRIVALS_DAYS = 14
HOST_THUMBNAIL_RENDITIONS = ("fill-96x96|format-webp", "fill-192x192|format-webp")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
BOOKING_FILTERS = {
    "upcoming": gettext_lazy("Upcoming"),
    "requests": gettext_lazy("Requests"),
    "past": gettext_lazy("Past"),
    "cancelled": gettext_lazy("Cancelled"),
}
NIGHT_LABELS = {
    "free": gettext_lazy("Free"),
    "held": gettext_lazy("Held, waiting for payment"),
    "requested": gettext_lazy("Request waiting for your answer"),
    "booked": gettext_lazy("Booked"),
    "closed": gettext_lazy("Closed by you"),
    "imported": gettext_lazy("Taken on another website"),
}
BOOKING_ACTIONS = {
    "accept": Action(EmptyForm, gettext_lazy("Request accepted. The guest has been told.")),
    "decline": Action(
        DeclineForm, gettext_lazy("Request declined. The nights are free again."), prefix="decline"
    ),
    "paid": Action(EmptyForm, gettext_lazy("Transfer received: the booking is paid and confirmed.")),
}
ERROR_STATUSES = {
    TourismErrorCode.ILLEGAL_TRANSITION: 409,
    TourismErrorCode.ALREADY_REPLIED: 409,
    TourismErrorCode.ALREADY_CANCELLED: 409,
    TourismErrorCode.NOT_ALLOWED: 403,
}

host_area = private_area  # logged-in users only, never cached


def _host(request, host_id: int) -> Host:
    """The host ``host_id`` if the user may act for it, else 404."""
    return get_object_or_404(
        hosts_managed_by(request.user).select_related("owner", "commune", "village"), pk=host_id
    )


def _service(host: Host, service_id: int) -> Service:
    return get_object_or_404(
        Service.objects.select_related("host__owner", "commune"), pk=service_id, host=host
    )


def _unit(host: Host, unit_id: int, *, service: Service | None = None) -> Unit:
    filters = {"service": service} if service is not None else {"service__host": host}
    # a deleted listing's rooms go with it (its bookings stay reachable through _booking)
    return get_object_or_404(
        Unit.objects.select_related("service__host__owner"),
        pk=unit_id,
        service__deleted_at__isnull=True,
        **filters,
    )


def _booking(host: Host, reference: str) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("service__host__owner", "unit", "slot"),
        service__host=host,
        reference=reference,
    )


def _render(request, template: str, host: Host | None, context: dict, status: int = 200):
    return render_for_household(
        request, f"tourism/host/{template}", context, name="host", owned=host, status=status
    )


def _error_status(error) -> int:
    return refusal_status(error, domain_error=TourismError, statuses=ERROR_STATUSES)


def _village_groups(commune) -> list:
    villages = VillagePage.objects.child_of(commune).live().order_by("title")
    return [(commune.title, [(village.pk, village.title) for village in villages])]


def _village(village_id) -> VillagePage | None:
    return VillagePage.objects.filter(pk=village_id).first() if village_id else None


# --- choosing and creating a host -------------------------------------------------------------------


def _creation_form(communes, *, data=None) -> HostForm:
    groups = []
    for commune in communes:
        groups.extend(_village_groups(commune))
    return HostForm(data, communes=communes, village_groups=groups)


@host_area
def index(request):
    """The hosts the user manages (own and assisted); with none, the form to become a host."""
    hosts = list(hosts_managed_by(request.user).select_related("owner").order_by("name"))
    own_communes = listings.host_communes(actor=request.user, owner=request.user)
    households = listings.households_to_register(actor=request.user)
    form = _creation_form(own_communes) if not hosts and own_communes else None
    rows = [{"host": host, "assisted": host.owner_id != request.user.pk} for host in hosts]
    return _render(
        request,
        "index.html",
        None,
        {"rows": rows, "can_create_own": bool(own_communes), "households": households, "form": form},
    )


@host_area
@require_http_methods(["GET", "POST"])
def create(request, household_id: int | None = None):
    """Become a host (or, in assisted mode, register a consenting household): waits for approval."""
    user = request.user
    if household_id is None:
        owner = user
    else:
        consent = get_object_or_404(
            AssistanceConsent.objects.select_related("household"),
            helper=user,
            household_id=household_id,
            revoked_at__isnull=True,
        )
        owner = consent.household
    communes = listings.host_communes(actor=user, owner=owner)
    context = {"owner": owner, "assisted": owner.pk != user.pk, "household": owner.get_full_name()}
    if not communes:
        return _render(request, "not_a_host.html", None, context, status=403)
    form = _creation_form(communes, data=submitted(request))
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        commune = next(commune for commune in communes if commune.pk == form.cleaned_data["commune"])
        fields["village"] = _village(fields["village"])
        try:
            host = listings.create_host(owner=owner, commune=commune, actor=user, **fields)
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
            return _render(request, "create.html", None, {**context, "form": form}, status=400)
        messages.success(
            request, _("Thank you! The commune checks every new host; guests see you once it is approved.")
        )
        return redirect("host:dashboard", host_id=host.pk)
    status = 400 if form.is_bound else 200
    return _render(request, "create.html", None, {**context, "form": form}, status=status)


@host_area
@require_http_methods(["GET", "POST"])
def profile(request, host_id: int):
    host = _host(request, host_id)
    fields = sorted(HostForm.base_fields.keys() - {"commune", "village"})
    initial = {name: getattr(host, name) for name in fields}
    initial["village"] = host.village_id
    form = HostForm(submitted(request), village_groups=_village_groups(host.commune), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.service_fields()
        changes["village"] = _village(changes["village"])
        try:
            listings.update_host(host=host, actor=request.user, **changes)
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
            return _render(request, "profile.html", host, {"form": form, "section": "profile"}, 400)
        messages.success(request, _("Your profile is saved."))
        return redirect("host:profile", host_id=host.pk)
    status = 400 if form.is_bound else 200
    return _render(request, "profile.html", host, {"form": form, "section": "profile"}, status)


# --- dashboard ---------------------------------------------------------------------------------------


def _clashing_bookings(blocks: list[Block]) -> dict[int, list[Booking]]:
    """For each conflicting imported block, our active bookings on the same nights of the same room."""
    if not blocks:
        return {}
    overlaps = Q()
    for block in blocks:
        overlaps |= Q(unit_id=block.unit_id, check_in__lt=block.ends_on, check_out__gt=block.starts_on)
    bookings = list(
        Booking.objects.filter(overlaps, status__in=ACTIVE_BOOKING_STATUSES).order_by("check_in", "pk")
    )
    return {
        block.pk: [
            booking
            for booking in bookings
            if booking.unit_id == block.unit_id
            and booking.check_in < block.ends_on
            and booking.check_out > block.starts_on
        ]
        for block in blocks
    }


def _conflicts(blocks) -> list[dict]:
    blocks = list(
        blocks.select_related("feed", "unit__service").order_by("starts_on", "pk")[:DASHBOARD_LIMIT]
    )
    clashing = _clashing_bookings(blocks)
    return [
        {
            "block": block,
            "last_night": block.ends_on - timedelta(days=1),
            "bookings": clashing.get(block.pk, []),
        }
        for block in blocks
    ]


@host_area
def dashboard(request, host_id: int):
    host = _host(request, host_id)
    now = timezone.now()
    today = timezone.localdate(now)
    bookings = Booking.objects.filter(service__host=host).select_related("service", "unit", "slot")
    requests = list(
        bookings.filter(status=BookingStatus.REQUESTED, hold_expires_at__gt=now).order_by("hold_expires_at")[
            :DASHBOARD_LIMIT
        ]
    )
    transfers = list(
        bookings.filter(
            status=BookingStatus.HELD, payment_method=BookingPayment.BANK_TRANSFER, hold_expires_at__gt=now
        ).order_by("hold_expires_at")[:DASHBOARD_LIMIT]
    )
    arrivals = list(
        bookings.filter(
            status=BookingStatus.CONFIRMED,
            check_in__gte=today,
            check_in__lte=today + timedelta(days=ARRIVALS_DAYS),
        ).order_by("check_in", "pk")[:DASHBOARD_LIMIT]
    )
    services = list(
        Service.objects.filter(host=host)
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("id")))
        .order_by("title_vi", "pk")
    )
    conflicts = _conflicts(
        Block.objects.filter(unit__service__host=host, is_conflict=True, ends_on__gt=today)
    )
    reviews = list(
        Review.objects.filter(service__host=host, replied_at__isnull=True)
        .select_related("service")
        .order_by("-created_at")[:DASHBOARD_LIMIT]
    )
    return _render(
        request,
        "dashboard.html",
        host,
        {
            "section": "dashboard",
            "requests": requests,
            "transfers": transfers,
            "arrivals": arrivals,
            "arrivals_days": ARRIVALS_DAYS,
            "services": services,
            "conflicts": conflicts,
            "reviews": reviews,
            "has_actions": bool(requests or transfers or conflicts or reviews),
        },
    )


# --- listings ----------------------------------------------------------------------------------------


def _service_initial(service: Service) -> dict:
    names = ServiceForm.base_fields.keys() - {"kind", "village"}
    initial = {name: getattr(service, name) for name in names}
    initial["village"] = service.village_id
    return initial


@host_area
@require_http_methods(["GET", "POST"])
def service_new(request, host_id: int):
    host = _host(request, host_id)
    kind = request.GET.get("kind", "")
    initial = {
        "kind": kind if kind in ServiceKind.values else ServiceKind.STAY,
        "booking_mode": "instant",
        "cancellation_policy": "moderate",
        "check_in_time": "14:00",
        "check_out_time": "11:00",
        "maximum_group": 10,
    }
    form = ServiceForm(submitted(request), village_groups=_village_groups(host.commune), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields["village"] = _village(fields["village"])
        try:
            service = listings.create_service(host=host, actor=request.user, **fields)
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
        else:
            if service.is_stay:
                messages.success(
                    request,
                    _("%(title)s was sent to the commune for approval. Now add its rooms and their prices.")
                    % {"title": service.title_vi},
                )
            else:
                messages.success(
                    request,
                    _("%(title)s was sent to the commune for approval. Now add its departures.")
                    % {"title": service.title_vi},
                )
            return redirect("host:service_edit", host_id=host.pk, service_id=service.pk)
    status = 400 if form.is_bound else 200
    return _render(request, "service_form.html", host, {"form": form, "section": "new_service"}, status)


@host_area
@require_http_methods(["GET", "POST"])
def service_delete(request, host_id: int, service_id: int):
    """Ask, then delete a listing (soft: tourists no longer see or book it, its bookings stay, the
    commune can restore it)."""
    host = _host(request, host_id)
    service = _service(host, service_id)
    if request.method == "GET":
        return _render(request, "service_delete.html", host, {"service": service})
    try:
        listing_deletion.delete_service(service=service, actor=request.user)
    except TourismError as error:
        messages.error(request, error.message)
        return redirect("host:service_edit", host_id=host.pk, service_id=service.pk)
    messages.success(
        request,
        _(
            "“%(listing)s” is deleted: tourists no longer see it. Its bookings stay. "
            "If this was a mistake, ask the commune to restore it."
        )
        % {"listing": service.title},
    )
    return redirect("host:dashboard", host_id=host.pk)


@host_area
@require_http_methods(["GET", "POST"])
def service_edit(request, host_id: int, service_id: int):
    host = _host(request, host_id)
    service = _service(host, service_id)
    form = ServiceForm(
        submitted(request),
        village_groups=_village_groups(host.commune),
        initial=_service_initial(service),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields["village"] = _village(fields["village"])
        try:
            updated = listings.update_service(service=service, actor=request.user, **fields)
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
        else:
            if updated.status != service.status:
                messages.success(request, _("Saved. The commune checks the new title or description again."))
            else:
                messages.success(request, _("Saved."))
            return redirect("host:service_edit", host_id=host.pk, service_id=service.pk)
    status = 400 if form.is_bound else 200
    return _service_page(request, host, service, form=form, status=status)


def _service_page(request, host, service, *, form=None, photo_form=None, status=200):
    """A listing's page: its photos, rooms or departures, and its details form."""
    if form is None:
        form = ServiceForm(
            village_groups=_village_groups(host.commune), initial=_service_initial(service), editing=True
        )
    photos = list(
        ServiceImage.objects.filter(service=service)
        .select_related("image")
        .prefetch_related(rendition_prefetch(HOST_THUMBNAIL_RENDITIONS))
    )
    return _render(
        request,
        "service_form.html",
        host,
        {
            "form": form,
            "service": service,
            "units": list(service.units.order_by("id")) if service.is_stay else [],
            "photos": photos,
            "photo_form": photo_form or ServicePhotoForm(),
            "max_photos": MAXIMUM_SERVICE_PHOTOS,
            "section": "services",
        },
        status,
    )


@host_area
@require_POST
def photo_add(request, host_id: int, service_id: int):
    """Add a photo: its safe copy goes to the commune's collection, then on the listing. A refused photo
    (not an image, too big, one too many) comes back on the form with 400 and leaves nothing stored."""
    host = _host(request, host_id)
    service = _service(host, service_id)
    photo_form = ServicePhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        image = store_commune_photo(
            commune=service.commune,
            photo=photo_form.cleaned_data["photo"],
            user=request.user,
            title=service.title_vi,
        )
        try:
            listings.add_service_photo(service=service, image=image, actor=request.user)
        except (ValidationError, TourismError) as error:
            discard_commune_photo(image=image)
            apply_service_error(photo_form, error, field_map={"image": "photo"})
            return _service_page(request, host, service, photo_form=photo_form, status=_error_status(error))
        messages.success(request, _("Photo added."))
        return redirect("host:service_edit", host_id=host.pk, service_id=service.pk)
    return _service_page(request, host, service, photo_form=photo_form, status=400)


@host_area
@require_POST
def photo_remove(request, host_id: int, service_id: int, photo_id: int):
    host = _host(request, host_id)
    service = _service(host, service_id)
    photo = get_object_or_404(
        ServiceImage.objects.select_related("service__host__owner"), pk=photo_id, service=service
    )
    listings.remove_service_photo(photo=photo, actor=request.user)
    messages.success(request, _("Photo removed."))
    return redirect("host:service_edit", host_id=host.pk, service_id=service.pk)


# --- rooms and seasonal prices -----------------------------------------------------------------------


def _stay(host: Host, service_id: int) -> Service:
    service = _service(host, service_id)
    if not service.is_stay:
        raise Http404("Only stays have rooms.")
    return service


def _unit_page(request, host, service, unit, form, *, season_form=None, status=200):
    seasons = list(unit.seasonal_prices.order_by("starts_on")) if unit is not None else []
    return _render(
        request,
        "unit_form.html",
        host,
        {
            "service": service,
            "unit": unit,
            "form": form,
            "seasons": seasons,
            "season_form": season_form or SeasonForm(prefix="season"),
            "section": "services",
        },
        status,
    )


@host_area
@require_http_methods(["GET", "POST"])
def unit_new(request, host_id: int, service_id: int):
    host = _host(request, host_id)
    service = _stay(host, service_id)
    form = UnitForm(
        submitted(request), initial={"included_guests": 2, "minimum_nights": 1, "is_active": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = listings.save_unit(service=service, actor=request.user, **form.unit_fields())
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Room added. Guests can book it once the listing is approved."))
            return redirect("host:unit_edit", host_id=host.pk, service_id=service.pk, unit_id=unit.pk)
    return _unit_page(request, host, service, None, form, status=400 if form.is_bound else 200)


@host_area
@require_http_methods(["GET", "POST"])
def unit_edit(request, host_id: int, service_id: int, unit_id: int):
    host = _host(request, host_id)
    service = _stay(host, service_id)
    unit = _unit(host, unit_id, service=service)
    initial = {name: getattr(unit, name) for name in UnitForm.base_fields}
    form = UnitForm(submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            listings.save_unit(service=service, unit=unit, actor=request.user, **form.unit_fields())
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
            unit.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("host:unit_edit", host_id=host.pk, service_id=service.pk, unit_id=unit.pk)
    return _unit_page(request, host, service, unit, form, status=400 if form.is_bound else 200)


@host_area
@require_POST
def season_add(request, host_id: int, service_id: int, unit_id: int):
    host = _host(request, host_id)
    service = _stay(host, service_id)
    unit = _unit(host, unit_id, service=service)
    season_form = SeasonForm(request.POST, prefix="season")
    if season_form.is_valid():
        try:
            season = listings.add_seasonal_price(unit=unit, actor=request.user, **season_form.cleaned_data)
        except (ValidationError, TourismError) as error:
            apply_service_error(season_form, error)
        else:
            messages.success(request, _("Seasonal price “%(name)s” added.") % {"name": season.name})
            return redirect("host:unit_edit", host_id=host.pk, service_id=service.pk, unit_id=unit.pk)
    form = UnitForm(initial={name: getattr(unit, name) for name in UnitForm.base_fields})
    return _unit_page(request, host, service, unit, form, season_form=season_form, status=400)


@host_area
@require_POST
def season_remove(request, host_id: int, service_id: int, unit_id: int, season_id: int):
    host = _host(request, host_id)
    service = _stay(host, service_id)
    unit = _unit(host, unit_id, service=service)
    season = get_object_or_404(
        SeasonalPrice.objects.select_related("unit__service__host"), pk=season_id, unit=unit
    )
    listings.remove_seasonal_price(season=season, actor=request.user)
    messages.success(request, _("Seasonal price “%(name)s” removed.") % {"name": season.name})
    return redirect("host:unit_edit", host_id=host.pk, service_id=service.pk, unit_id=unit.pk)


# --- departures --------------------------------------------------------------------------------------


@host_area
@require_http_methods(["GET", "POST"])
def slots(request, host_id: int, service_id: int):
    """Upcoming departures of a tour or an experience, with the seats taken; add one."""
    host = _host(request, host_id)
    service = _service(host, service_id)
    if service.is_stay:
        return redirect("host:service_edit", host_id=host.pk, service_id=service.pk)
    form = SlotForm(submitted(request), initial={"price_per_person": service.price_per_person})
    if request.method == "POST" and form.is_valid():
        try:
            slot = listings.add_slot(service=service, actor=request.user, **form.slot_fields())
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error, field_map={"starts_at": "day"})
        else:
            messages.success(
                request,
                _("Departure on %(when)s added.")
                % {"when": timezone.localtime(slot.starts_at).strftime("%d/%m/%Y %H:%M")},
            )
            return redirect("host:slots", host_id=host.pk, service_id=service.pk)
    upcoming = list(
        Slot.objects.filter(service=service, starts_at__gt=timezone.now()).order_by("starts_at", "pk")
    )
    return _render(
        request,
        "slots.html",
        host,
        {"service": service, "slots": upcoming, "form": form, "section": "services"},
        400 if form.is_bound else 200,
    )


# --- the month calendar of a room --------------------------------------------------------------------


def _month(value: str, today: date) -> date:
    """The first day of ``?month=YYYY-MM``, or of this month when missing or unreadable."""
    match = MONTH_PATTERN.match(value or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _calendar_page(request, host, unit, *, form=None, status=200):
    today = timezone.localdate()
    first = _month(request.GET.get("month", ""), today)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    nights = availability.unit_calendar(
        unit, starts_on=weeks[0][0], ends_on=weeks[-1][-1] + timedelta(days=1)
    )
    by_day = {night.day: night for night in nights}
    rows = [
        [
            {
                "day": day,
                "in_month": day.month == first.month,
                "is_today": day == today,
                "is_past": day < today,
                "night": by_day[day],
                "state_label": NIGHT_LABELS[by_day[day].state],
            }
            for day in week
        ]
        for week in weeks
    ]
    closures = list(
        Block.objects.filter(unit=unit, source=BlockSource.HOST, ends_on__gt=today).order_by(
            "starts_on", "pk"
        )
    )
    return _render(
        request,
        "calendar.html",
        host,
        {
            "unit": unit,
            "service": unit.service,
            "month": first,
            "previous_month": _shift_month(first, -1).strftime("%Y-%m"),
            "next_month": _shift_month(first, 1).strftime("%Y-%m"),
            "weekdays": [WEEKDAYS_ABBR[number] for number in range(7)],
            "rows": rows,
            "closures": closures,
            "form": form or CloseDatesForm(),
            "section": "services",
        },
        status,
    )


@host_area
def unit_calendar(request, host_id: int, unit_id: int):
    host = _host(request, host_id)
    return _calendar_page(request, host, _unit(host, unit_id))


@host_area
@require_POST
def close_dates(request, host_id: int, unit_id: int):
    host = _host(request, host_id)
    unit = _unit(host, unit_id)
    form = CloseDatesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            listings.close_dates(
                unit=unit,
                actor=request.user,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Closed from the night of %(first)s; open again from %(until)s.")
                % {
                    "first": data["starts_on"].strftime("%d/%m/%Y"),
                    "until": data["ends_on"].strftime("%d/%m/%Y"),
                },
            )
            url = reverse("host:unit_calendar", kwargs={"host_id": host.pk, "unit_id": unit.pk})
            return redirect(f"{url}?month={data['starts_on']:%Y-%m}")
    return _calendar_page(request, host, unit, form=form, status=400)


@host_area
@require_POST
def reopen_dates(request, host_id: int, unit_id: int, block_id: int):
    host = _host(request, host_id)
    unit = _unit(host, unit_id)
    block = get_object_or_404(
        Block.objects.select_related("unit__service__host__owner"),
        pk=block_id,
        unit=unit,
        source=BlockSource.HOST,
    )
    listings.reopen_dates(block=block, actor=request.user)
    messages.success(
        request,
        _("The nights from %(first)s to %(last)s are open again.")
        % {
            "first": block.starts_on.strftime("%d/%m/%Y"),
            "last": (block.ends_on - timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    return redirect("host:unit_calendar", host_id=host.pk, unit_id=unit.pk)


# --- iCal: the export address and the connected calendars --------------------------------------------


def _calendars_page(request, host, unit, *, feed_form=None, file_form=None, status=200):
    today = timezone.localdate()
    feeds = list(
        CalendarFeed.objects.filter(unit=unit)
        .annotate(
            block_count=Count("blocks", distinct=True),
            conflict_count=Count("blocks", filter=Q(blocks__is_conflict=True), distinct=True),
        )
        .order_by("name", "pk")
    )
    export_url = request.build_absolute_uri(reverse("calendars:unit", args=[unit.calendar_token]))
    return _render(
        request,
        "calendars.html",
        host,
        {
            "unit": unit,
            "service": unit.service,
            "export_url": export_url,
            "feeds": feeds,
            "conflicts": _conflicts(Block.objects.filter(unit=unit, is_conflict=True, ends_on__gt=today)),
            "feed_form": feed_form or FeedForm(prefix="feed"),
            "file_form": file_form or CalendarFileForm(prefix="upload"),
            "max_size": settings.TOURISM_ICAL_MAX_BYTES,
            "section": "services",
        },
        status,
    )


def _sync_message(name: str, result) -> str:
    text = _("%(name)s read: %(added)d added, %(updated)d changed, %(removed)d removed.") % {
        "name": name,
        "added": result.added,
        "updated": result.updated,
        "removed": result.removed,
    }
    if result.conflicts:
        text += " " + _(
            "%(count)d clash with your bookings here: see the warnings below and resolve them on the "
            "other website."
        ) % {"count": result.conflicts}
    return text


def _announce_sync(request, name: str, result) -> None:
    if result.conflicts:
        messages.warning(request, _sync_message(name, result))
    else:
        messages.success(request, _sync_message(name, result))


@host_area
def calendars(request, host_id: int, unit_id: int):
    host = _host(request, host_id)
    return _calendars_page(request, host, _unit(host, unit_id))


@host_area
@require_POST
def calendar_address(request, host_id: int, unit_id: int):
    """A new secret export address: the old one stops working at once."""
    host = _host(request, host_id)
    unit = _unit(host, unit_id)
    listings.regenerate_calendar_token(unit=unit, actor=request.user)
    messages.success(
        request,
        _(
            "Your calendar has a new address. Give it again to the other websites: "
            "the old one no longer works."
        ),
    )
    return redirect("host:calendars", host_id=host.pk, unit_id=unit.pk)


@host_area
@require_POST
def feed_add(request, host_id: int, unit_id: int):
    """Connect a calendar by its address, then read it at once."""
    host = _host(request, host_id)
    unit = _unit(host, unit_id)
    form = FeedForm(request.POST, prefix="feed")
    if form.is_valid():
        try:
            feed = calendar_services.add_feed(
                unit=unit, actor=request.user, name=form.cleaned_data["name"], url=form.cleaned_data["url"]
            )
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
        else:
            try:
                result = calendar_services.sync_feed(feed=feed, actor=request.user)
            except TourismError as error:
                messages.error(
                    request,
                    _("%(name)s is connected but could not be read yet: %(reason)s")
                    % {"name": feed.name, "reason": error_text(error)},
                )
            else:
                _announce_sync(request, feed.name, result)
            return redirect("host:calendars", host_id=host.pk, unit_id=unit.pk)
    return _calendars_page(request, host, unit, feed_form=form, status=400)


@host_area
@require_POST
def feed_upload(request, host_id: int, unit_id: int):
    """Import an ``.ics`` file (read at most one byte past the limit; the service refuses a bigger one)."""
    host = _host(request, host_id)
    unit = _unit(host, unit_id)
    form = CalendarFileForm(request.POST, request.FILES, prefix="upload")
    if form.is_valid():
        try:
            feed, result = calendar_services.import_file(
                unit=unit, actor=request.user, name=form.cleaned_data["name"], data=form.read_file()
            )
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
        else:
            _announce_sync(request, feed.name, result)
            return redirect("host:calendars", host_id=host.pk, unit_id=unit.pk)
    return _calendars_page(request, host, unit, file_form=form, status=400)


def _feed(unit: Unit, feed_id: int) -> CalendarFeed:
    return get_object_or_404(
        CalendarFeed.objects.select_related("unit__service__host__owner"), pk=feed_id, unit=unit
    )


@host_area
@require_POST
def feed_sync(request, host_id: int, unit_id: int, feed_id: int):
    host = _host(request, host_id)
    unit = _unit(host, unit_id)
    feed = _feed(unit, feed_id)
    try:
        result = calendar_services.sync_feed(feed=feed, actor=request.user)
    except TourismError as error:
        if error.code == TourismErrorCode.CALENDAR_HAS_NO_ADDRESS:
            messages.error(request, error_text(error))
        else:
            messages.error(
                request,
                _("%(name)s could not be read: %(reason)s")
                % {"name": feed.name, "reason": error_text(error)},
            )
    else:
        _announce_sync(request, feed.name, result)
    return redirect("host:calendars", host_id=host.pk, unit_id=unit.pk)


@host_area
@require_POST
def feed_remove(request, host_id: int, unit_id: int, feed_id: int):
    host = _host(request, host_id)
    unit = _unit(host, unit_id)
    feed = _feed(unit, feed_id)
    calendar_services.remove_feed(feed=feed, actor=request.user)
    messages.success(
        request, _("%(name)s is disconnected; its nights are open again here.") % {"name": feed.name}
    )
    return redirect("host:calendars", host_id=host.pk, unit_id=unit.pk)


# --- bookings ----------------------------------------------------------------------------------------


def _filtered_bookings(host: Host, show: str, today: date):
    bookings = Booking.objects.filter(service__host=host).select_related("service", "unit", "slot")
    if show == "requests":
        return bookings.filter(status=BookingStatus.REQUESTED).order_by("hold_expires_at", "pk")
    if show == "past":
        return bookings.filter(
            Q(status=BookingStatus.COMPLETED) | Q(status=BookingStatus.CONFIRMED, check_out__lte=today)
        ).order_by("-check_in", "-pk")
    if show == "cancelled":
        return bookings.filter(
            status__in=(BookingStatus.CANCELLED, BookingStatus.DECLINED, BookingStatus.EXPIRED)
        ).order_by("-check_in", "-pk")
    return bookings.filter(
        status__in=(BookingStatus.CONFIRMED, BookingStatus.HELD), check_out__gt=today
    ).order_by("check_in", "pk")


@host_area
def bookings(request, host_id: int):
    host = _host(request, host_id)
    show = request.GET.get("show", "")
    if show not in BOOKING_FILTERS:
        show = "upcoming"
    queryset = _filtered_bookings(host, show, timezone.localdate())
    page_obj = Paginator(queryset, BOOKINGS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(
        request,
        "bookings.html",
        host,
        {"page_obj": page_obj, "show": show, "filters": BOOKING_FILTERS.items(), "section": "bookings"},
    )


def _booking_page(request, host, booking, *, bound: tuple[str, object] | None = None, status=200):
    now = timezone.now()
    available = {
        "answer": booking_services.awaits_answer(booking, now=now),
        "paid": booking_payments.awaits_bank_transfer(booking),
        "cancel": booking_services.is_cancellable(booking, today=timezone.localdate(now)),
    }
    return _render(
        request,
        "booking_detail.html",
        host,
        {
            "booking": booking,
            "forms": action_forms(BOOKING_ACTIONS, bound),
            "available": available,
            "failed_action": bound[0] if bound else "",
            "section": "bookings",
        },
        status,
    )


@host_area
def booking_detail(request, host_id: int, reference: str):
    host = _host(request, host_id)
    return _booking_page(request, host, _booking(host, reference))


@host_area
@require_POST
def booking_action(request, host_id: int, reference: str, action: str):
    """Accept or decline a request, or confirm that a bank transfer arrived — plain POST forms."""
    if action not in BOOKING_ACTIONS:
        raise Http404
    host = _host(request, host_id)
    booking = _booking(host, reference)

    def perform(data: dict) -> None:
        if action == "accept":
            booking_services.answer_request(booking=booking, accept=True, actor=request.user)
        elif action == "decline":
            booking_services.answer_request(
                booking=booking, accept=False, actor=request.user, reason=data["reason"]
            )
        else:
            booking_payments.confirm_bank_transfer(booking=booking, actor=request.user)

    return post_action(
        request,
        BOOKING_ACTIONS[action],
        perform,
        refusals=(ValidationError, TourismError),
        apply_error=apply_service_error,
        error_status=_error_status,
        done_url=reverse("host:booking_detail", kwargs={"host_id": host.pk, "reference": booking.reference}),
        show_again=lambda form, status: _booking_page(
            request, host, _booking(host, reference), bound=(action, form), status=status
        ),
    )


@host_area
@require_http_methods(["GET", "POST"])
def booking_cancel(request, host_id: int, reference: str):
    """The host cancels: the page first shows what the guest gets back (all that was paid), then POST
    does it."""
    host = _host(request, host_id)
    booking = _booking(host, reference)
    if not booking_services.is_cancellable(booking, today=timezone.localdate()):
        messages.error(request, _("This booking cannot be cancelled any more."))
        return redirect("host:booking_detail", host_id=host.pk, reference=booking.reference)
    refund = booking_services.cancellation_preview(booking=booking, by_host=True)
    form = CancelForm(submitted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                booking, refund = booking_services.cancel_booking(
                    booking=booking,
                    cancelled_by=CancelledBy.HOST,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, TourismError) as error:
                apply_service_error(form, error)
                status = _error_status(error)
            else:
                if refund.amount:
                    messages.success(
                        request,
                        _("Booking cancelled. The guest gets back %(amount)s.")
                        % {"amount": format_vnd(refund.amount)},
                    )
                else:
                    messages.success(request, _("Booking cancelled. Nothing had been paid."))
                return redirect("host:booking_detail", host_id=host.pk, reference=booking.reference)
    return _render(
        request,
        "booking_cancel.html",
        host,
        {"booking": booking, "refund": refund, "form": form, "section": "bookings"},
        status,
    )


# --- reviews -----------------------------------------------------------------------------------------


def _reviews_page(request, host, *, failed: tuple[int, ReplyForm] | None = None, status=200):
    reviews = list(
        Review.objects.filter(service__host=host)
        .select_related("service", "booking")
        .order_by("-created_at", "-pk")
    )
    rows = []
    for review in reviews:
        if failed is not None and failed[0] == review.pk:
            form = failed[1]
        else:
            form = ReplyForm(prefix=f"reply-{review.pk}")
        rows.append({"review": review, "form": form, "summary_id": f"reply-errors-{review.pk}"})
    return _render(request, "reviews.html", host, {"rows": rows, "section": "reviews"}, status)


@host_area
def reviews(request, host_id: int):
    return _reviews_page(request, _host(request, host_id))


@host_area
@require_POST
def review_reply(request, host_id: int, review_id: int):
    host = _host(request, host_id)
    review = get_object_or_404(
        Review.objects.select_related("service__host__owner"), pk=review_id, service__host=host
    )
    form = ReplyForm(request.POST, prefix=f"reply-{review.pk}")
    if form.is_valid():
        try:
            review_services.reply_to_review(
                review=review, actor=request.user, text=form.cleaned_data["reply"]
            )
        except (ValidationError, TourismError) as error:
            apply_service_error(form, error)
            return _reviews_page(request, host, failed=(review.pk, form), status=_error_status(error))
        messages.success(request, _("Your reply is published under the review."))
        return redirect("host:reviews", host_id=host.pk)
    return _reviews_page(request, host, failed=(review.pk, form), status=400)
