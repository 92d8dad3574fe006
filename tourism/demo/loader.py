"""Builds the community-tourism demo on top of the village demo: hosts, stays with rooms and prices,
tours and experiences with departures, closed nights, an Airbnb calendar, bookings past and future from
visitors of several countries, cancellations and reviews.

Everything is written through ``tourism.services`` (and ``accounts.services`` for the people,
``village.services`` for the photos), as hosts, moderators and guests would. Every listing gets one to
three photos drawn with Pillow (``village.demo.images``: no downloads). Past bookings are made by calling the booking services with ``now`` set to
a day in the past, then completed with ``complete_finished_bookings``. Idempotent: hosts, listings and
rooms are found by name, bookings by their demo reference, calendars by name, photos are counted, so
running it again creates nothing.
"""

import zlib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from village.demo.accounts import (
    ADMIN_EMAIL,
    commune_moderator,
    demo_account,
    demo_communes,
    existing_account,
)
from village.demo.images import landscape_jpeg
from village.models import CommunePage, VillagePage
from village.services import store_commune_photo

from ..models import (
    BlockSource,
    Booking,
    BookingPayment,
    BookingStatus,
    CalendarFeed,
    CancelledBy,
    Host,
    ListingStatus,
    Review,
    Service,
    ServiceKind,
    Unit,
)
from ..services import bookings, calendars, listings, reviews
from ..services import payments as booking_payments
from . import content

BOOKING_REFERENCE_PREFIX = "DPDEMO"
SERVICE_FIELDS = {
    "kind", "title_vi", "title_en", "description_vi", "description_en", "booking_mode", "cancellation_policy",
    "accepts_pay_on_arrival", "amenities", "meeting_point", "duration_minutes", "languages",
    "price_per_person", "maximum_group",
}  # fmt: skip
UNIT_FIELDS = {
    "name_vi", "name_en", "capacity", "included_guests", "nightly_price", "weekend_nightly_price",
    "extra_guest_price", "minimum_nights",
}  # fmt: skip


def booking_reference(key: str) -> str:
    return f"{BOOKING_REFERENCE_PREFIX}{key}"


def next_tet(today: date) -> date:
    """The first day of the next Tết whose eve is still ahead (the demo books the eve)."""
    for value in content.TET_DAYS:
        day = date.fromisoformat(value)
        if day - timedelta(days=content.TET_NIGHTS_BEFORE) > today:
            return day
    raise ValueError("content.TET_DAYS needs later years")  # pragma: no cover - update the table


def photo_count(key: str) -> int:
    """How many photos the demo gives a listing: one to three, always the same for the same listing."""
    return 1 + zlib.crc32(key.encode()) % 3


def local(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def airbnb_calendar(events: list[dict], *, today: date) -> bytes:
    """An ``.ics`` file shaped like Airbnb's export, with the events' dates counted from ``today``."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID;X-RICAL-TZSOURCE=TZINFO:-//Airbnb Inc//Hosting Calendar 1.0//EN",
        "CALSCALE:GREGORIAN",
        "VERSION:2.0",
    ]
    for number, event in enumerate(events, start=1):
        starts_on = today + timedelta(days=event["day"])
        ends_on = starts_on + timedelta(days=event["nights"])
        lines += [
            "BEGIN:VEVENT",
            f"DTEND;VALUE=DATE:{ends_on:%Y%m%d}",
            f"DTSTART;VALUE=DATE:{starts_on:%Y%m%d}",
            f"UID:{event['uid']}",
            f"SUMMARY:{event['summary']}",
        ]
        if event["summary"] == "Reserved":
            lines.append(
                "DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/details/"
                f"HMDEMO{number:04d}\\nPhone Number (Last 4 Digits): {4800 + number}"
            )
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


class TourismDemoLoader:
    def __init__(self, *, log: Callable[[str], None] = print):
        self.log = log
        self.created = {
            "users": 0,
            "hosts": 0,
            "listings": 0,
            "photos": 0,
            "rooms": 0,
            "seasonal_prices": 0,
            "departures": 0,
            "closed_dates": 0,
            "calendars": 0,
            "bookings": 0,
            "reviews": 0,
        }
        self.today = timezone.localdate()
        self.tet = next_tet(self.today)
        self.services: dict[str, Service] = {}
        self.guests: dict[str, User] = {}

    # --- setup ---------------------------------------------------------------------------------------
    def run(self) -> dict:
        self.communes = demo_communes()
        self.admin = existing_account(ADMIN_EMAIL)
        total = len(content.HOSTS)
        for index, spec in enumerate(content.HOSTS, start=1):
            self.log(f"[{index}/{total}] {spec['name']}…")
            with transaction.atomic():
                self._host(spec)
        self.log(f"Guests ({len(content.GUESTS)})…")
        for key, spec in content.GUESTS.items():
            self._guest_account(key, spec)
        self.log(f"Bookings ({len(content.BOOKINGS)})…")
        for spec in content.BOOKINGS:
            self._booking(spec)
        return self.created

    def _user(self, data: dict, *, commune: CommunePage | None = None, role: Role | None = None) -> User:
        user, created = demo_account(data, commune=commune, role=role, actor=self.admin)
        self.created["users"] += created
        return user

    # --- hosts, listings, rooms, departures ----------------------------------------------------------
    def _host(self, spec: dict) -> Host:
        commune = self.communes[spec["commune"]]
        owner = self._user(spec["owner"], commune=commune, role=Role.HOST)
        host = Host.objects.filter(owner=owner, name=spec["name"]).first()
        if host is None:
            village = VillagePage.objects.child_of(commune).filter(slug=spec["village"]).first()
            bank_bin, account_number, account_name = spec["bank"]
            host = listings.create_host(
                owner=owner,
                commune=commune,
                actor=owner,
                name=spec["name"],
                village=village,
                about_vi=spec["about_vi"],
                about_en=spec["about_en"],
                contact_phone=owner.phone or "",
                bank_bin=bank_bin,
                bank_account_number=account_number,
                bank_account_name=account_name,
            )
            self.created["hosts"] += 1
        moderator = commune_moderator(commune, fallback=self.admin)
        if spec.get("status", "approved") == "approved" and host.status == ListingStatus.PENDING:
            host = listings.review_listing(instance=host, moderator=moderator, approve=True)
        for service_spec in spec["services"]:
            self.services[service_spec["key"]] = self._service(host, service_spec, moderator)
        return host

    def _service(self, host: Host, spec: dict, moderator: User) -> Service:
        owner = host.owner
        service = Service.objects.filter(host=host, title_vi=spec["title_vi"]).first()
        if service is None:
            fields = {name: value for name, value in spec.items() if name in SERVICE_FIELDS}
            service = listings.create_service(host=host, actor=owner, village=host.village, **fields)
            self.created["listings"] += 1
        self._photos(service, spec["key"])
        for unit_spec in spec.get("units", []):
            self._unit(service, unit_spec)
        if spec.get("departures") and not service.slots.exists():
            self._departures(service, spec["departures"])
        if spec.get("status", "approved") == "approved" and service.status == ListingStatus.PENDING:
            service = listings.review_listing(instance=service, moderator=moderator, approve=True)
        units = list(service.units.order_by("id"))
        for closed in spec.get("closed", []):
            unit = units[closed["unit"]]
            if not unit.blocks.filter(source=BlockSource.HOST).exists():
                starts_on = self.today + timedelta(days=closed["day"])
                listings.close_dates(
                    unit=unit, actor=owner, starts_on=starts_on,
                    ends_on=starts_on + timedelta(days=closed["nights"]), note=closed["note"],
                )  # fmt: skip
                self.created["closed_dates"] += 1
        ical = spec.get("ical")
        if ical:
            unit = units[ical["unit"]]
            if not CalendarFeed.objects.filter(unit=unit, name=ical["name"]).exists():
                calendars.import_file(
                    unit=unit, actor=owner, name=ical["name"],
                    data=airbnb_calendar(ical["events"], today=self.today),
                )  # fmt: skip
                self.created["calendars"] += 1
        return service

    def _photos(self, service: Service, key: str) -> None:
        """The listing's demo photos (a stay's first one shows its stilt house), as its host uploads them."""
        owner = service.host.owner
        for number in range(service.images.count() + 1, photo_count(key) + 1):
            data = landscape_jpeg(
                f"{key}-{number}", width=1200, height=900, stilt_house=service.is_stay and number == 1
            )
            image = store_commune_photo(
                commune=service.commune,
                photo=(data, f"{service.slug[:60]}-{number}.jpg", "image/jpeg"),
                user=owner,
                title=service.title_vi,
            )
            listings.add_service_photo(service=service, image=image, actor=owner)
            self.created["photos"] += 1

    def _unit(self, service: Service, spec: dict) -> Unit:
        owner = service.host.owner
        unit = service.units.filter(name_vi=spec["name_vi"]).first()
        if unit is None:
            fields = {name: value for name, value in spec.items() if name in UNIT_FIELDS}
            unit = listings.save_unit(service=service, actor=owner, **fields)
            self.created["rooms"] += 1
        if spec.get("tet_price") and not unit.seasonal_prices.filter(ends_on__gte=self.today).exists():
            listings.add_seasonal_price(
                unit=unit,
                actor=owner,
                name=f"Tết Nguyên Đán {self.tet.year}",
                starts_on=self.tet - timedelta(days=content.TET_NIGHTS_BEFORE),
                ends_on=self.tet + timedelta(days=content.TET_NIGHTS_AFTER),
                nightly_price=spec["tet_price"],
            )
            self.created["seasonal_prices"] += 1
        return unit

    def _departures(self, service: Service, spec: dict) -> None:
        clock = time.fromisoformat(spec["time"])
        if "weekday" in spec:
            first = self.today + timedelta(days=(spec["weekday"] - self.today.weekday()) % 7 or 7)
            days = [first + timedelta(weeks=week) for week in range(spec["count"])]
        else:
            days = [self.today + timedelta(days=offset) for offset in spec["days"]]
        for day in days:
            listings.add_slot(
                service=service, actor=service.host.owner, starts_at=local(day, clock),
                capacity=spec["seats"], price_per_person=spec["price"],
            )  # fmt: skip
            self.created["departures"] += 1

    # --- guests and bookings -------------------------------------------------------------------------
    def _guest_account(self, key: str, spec: dict) -> None:
        account = spec.get("account")
        if account:
            self.guests[key] = self._user({"email": spec["email"], **account})

    def _day(self, value) -> date:
        if isinstance(value, str):  # "tet-1", "tet+2"
            return self.tet + timedelta(days=int(value[3:]))
        return self.today + timedelta(days=value)

    def _booking(self, spec: dict) -> None:
        reference = booking_reference(spec["key"])
        if Booking.objects.filter(reference=reference).exists():
            return
        service = self.services[spec["service"]]
        guest_spec = content.GUESTS[spec["guest"]]
        guest = bookings.GuestDetails(
            name=guest_spec["name"], email=guest_spec["email"], phone=guest_spec["phone"],
            country=guest_spec["country"],
        )  # fmt: skip
        user = self.guests.get(spec["guest"])
        owner = service.host.owner
        payment = (
            BookingPayment.BANK_TRANSFER if spec.get("payment") == "transfer" else BookingPayment.ON_ARRIVAL
        )
        arrival = None if "departure" in spec else self._day(spec["day"])
        booked_at = None
        if arrival is not None and arrival <= self.today:  # a past booking, made ``booked`` days ahead
            booked_at = local(arrival - timedelta(days=spec.get("booked", 30)), time(10, 15))
        with transaction.atomic():
            if service.kind == ServiceKind.STAY:
                unit = service.units.order_by("id")[spec["unit"]]
                booking = bookings.book_stay(
                    unit=unit, check_in=arrival, check_out=arrival + timedelta(days=spec["nights"]),
                    guests=spec["guests"], guest=guest, payment_method=payment, user=user,
                    message=spec.get("message", ""), now=booked_at,
                )  # fmt: skip
            elif "departure" in spec:
                slot = service.slots.filter(starts_at__gt=timezone.now()).order_by("starts_at")[
                    spec["departure"]
                ]
                booking = bookings.book_slot(
                    slot=slot, guests=spec["guests"], guest=guest, payment_method=payment, user=user,
                    message=spec.get("message", ""),
                )  # fmt: skip
            else:
                booking = bookings.request_experience(
                    service=service, day=arrival, guests=spec["guests"], guest=guest, payment_method=payment,
                    user=user, message=spec.get("message", ""), now=booked_at,
                )  # fmt: skip
                if booked_at is not None:  # the host said yes within a few hours
                    booking = bookings.answer_request(
                        booking=booking, accept=True, actor=owner, now=booked_at + timedelta(hours=3)
                    )
            # A demo reference, so a second run finds what the first one made.
            Booking.objects.filter(pk=booking.pk).update(reference=reference)
            booking.refresh_from_db()
        if booking.status == BookingStatus.HELD and payment == BookingPayment.BANK_TRANSFER:
            booking_payments.start_booking_payment(booking=booking, success_url="", cancel_url="")
            booking = booking_payments.confirm_bank_transfer(booking=booking, actor=owner)
        self.created["bookings"] += 1
        if spec.get("cancel"):
            self._cancel(booking, spec["cancel"], user=user, owner=owner, past=booked_at is not None)
            return
        if booked_at is not None:
            bookings.complete_finished_bookings(now=local(booking.check_out, time(11, 30)))
            review = spec.get("review")
            if review:
                self._review(Booking.objects.get(pk=booking.pk), review, user=user, owner=owner)

    def _cancel(self, booking: Booking, spec: tuple, *, user, owner, past: bool) -> None:
        by, days_before, reason = spec
        now = local(booking.check_in - timedelta(days=days_before), time(9, 0)) if past else None
        bookings.cancel_booking(
            booking=booking,
            cancelled_by=CancelledBy.HOST if by == "host" else CancelledBy.GUEST,
            actor=owner if by == "host" else user,
            reason=reason,
            now=now,
        )

    def _review(self, booking: Booking, spec: tuple, *, user, owner) -> None:
        rating, text, reply = spec
        review = reviews.write_review(
            booking=booking, author=user, rating=rating, text=text,
            now=local(booking.check_out + timedelta(days=1), time(20, 0)),
        )  # fmt: skip
        self.created["reviews"] += 1
        if reply:
            reviews.reply_to_review(review=review, actor=owner, text=reply)


def summary() -> dict:
    """What the demo tourism holds, for the command's last lines and the tests."""
    services = Service.objects.all()
    return {
        "stays": services.filter(kind=ServiceKind.STAY).count(),
        "experiences": services.exclude(kind=ServiceKind.STAY).count(),
        "bookings": {
            status: Booking.objects.filter(status=status).count() for status in BookingStatus.values
        },
        "reviews": Review.objects.count(),
    }
