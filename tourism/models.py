"""Community tourism: homestays (stays), tours and experiences, their calendars, bookings and reviews.

A *host* is a homestay family, a trekking guide or a craft workshop in one commune (xã). A host lists
*services*: a stay has bookable *units* (rooms or beds, each with a capacity and a nightly price); a tour
or an experience has scheduled *slots* with a number of seats, or is booked on request.

Nights are half-open date ranges ``[starts_on, ends_on)``: a booking from the 2nd to the 5th occupies the
nights of the 2nd, 3rd and 4th. Everything that takes a unit's nights — a booking (held, waiting for the
host or confirmed), a date the host closed, a block imported from Airbnb/Booking.com by iCal — writes one
:class:`Occupancy` row, so availability is one query over one table, and PostgreSQL refuses two rows of
one unit whose nights overlap (an exclusion constraint, see migration 0002). Money is whole VND.
"""

import secrets
import uuid
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.deletion import AliveManager, NeverDeleted, NeverDeletedQuerySet, SoftDeletable, SoftDeleteQuerySet
from core.text import folded_words
from payments.validators import account_name_validator, account_number_validator, bank_bin_validator

MAXIMUM_PRICE = 1_000_000_000


def new_calendar_token() -> str:
    """The secret part of a unit's iCal export address (regenerable by the host)."""
    return secrets.token_urlsafe(24)


class ListingStatus(models.TextChoices):
    """Moderation state of a host or a listing, decided by the commune moderator."""

    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ServiceKind(models.TextChoices):
    STAY = "stay", _("Stay")
    TOUR = "tour", _("Tour")
    EXPERIENCE = "experience", _("Experience")


class BookingMode(models.TextChoices):
    INSTANT = "instant", _("Instant booking")
    ON_REQUEST = "on_request", _("On request (the host accepts or declines)")


class CancellationPolicy(models.TextChoices):
    """Presets; the rules themselves live in ``tourism.cancellation``."""

    FLEXIBLE = "flexible", _("Flexible: full refund until 24 hours before")
    MODERATE = "moderate", _("Moderate: full refund until 5 days before")
    # xgettext:no-python-format
    STRICT = "strict", _("Strict: 50% refund until 14 days before")


class Amenity(models.TextChoices):
    WIFI = "wifi", _("Wi-Fi")
    HOT_WATER = "hot_water", _("Hot water")
    BREAKFAST = "breakfast", _("Breakfast included")
    DINNER = "dinner", _("Family dinner")
    PRIVATE_BATHROOM = "private_bathroom", _("Private bathroom")
    MOSQUITO_NET = "mosquito_net", _("Mosquito net")
    BLANKETS = "blankets", _("Warm blankets")
    PARKING = "parking", _("Motorbike parking")
    PICKUP = "pickup", _("Pick-up from the bus")
    GUIDE = "guide", _("Local guide on request")


class Language(models.TextChoices):
    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    HMONG = "hmn", _("Hmong")
    DAO = "dao", _("Dao")
    TAY = "tay", _("Tày")


class HostQuerySet(SoftDeleteQuerySet):
    pass


class Host(SoftDeletable):
    """A homestay family, a trekking guide or a workshop taking bookings in one commune.

    Deleting a host (``services.delete_host``) hides it and its listings; its bookings stay.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosts")
    commune = models.ForeignKey("village.CommunePage", on_delete=models.PROTECT, related_name="hosts")
    village = models.ForeignKey(
        "village.VillagePage", on_delete=models.SET_NULL, null=True, blank=True, related_name="hosts"
    )
    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    about_vi = models.TextField(_("about (Vietnamese)"), blank=True, max_length=4000)
    about_en = models.TextField(_("about (English)"), blank=True, max_length=4000)
    contact_phone = models.CharField(_("phone for guests with a booking"), max_length=16, blank=True)
    bank_bin = models.CharField(_("bank BIN"), max_length=6, blank=True, validators=[bank_bin_validator])
    bank_account_number = models.CharField(
        _("account number"), max_length=19, blank=True, validators=[account_number_validator]
    )
    bank_account_name = models.CharField(
        _("account name"), max_length=70, blank=True, validators=[account_name_validator]
    )
    status = models.CharField(
        _("approval"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AliveManager.from_queryset(HostQuerySet)()
    all_objects = models.Manager.from_queryset(HostQuerySet)()

    class Meta:
        verbose_name = _("host")
        verbose_name_plural = _("hosts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def about(self) -> str:
        return (self.about_en if get_language() == "en" else "") or self.about_vi

    @property
    def accepts_bank_transfer(self) -> bool:
        return bool(self.bank_bin and self.bank_account_number and self.bank_account_name)


class ServiceQuerySet(SoftDeleteQuerySet):
    def listed(self):
        """What tourists see: approved listings of approved hosts, neither of them deleted."""
        return self.filter(
            status=ListingStatus.APPROVED,
            host__status=ListingStatus.APPROVED,
            deleted_at__isnull=True,
            host__deleted_at__isnull=True,
        )


class Service(SoftDeletable):
    """A stay, a tour or an experience offered by a host (the thing a tourist finds and books).

    Deleting a listing (``services.delete_service``) hides it everywhere; its bookings keep pointing at
    it. Its rooms (units) and departures (slots) go with it: they are reached only through the listing.
    """

    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="services")
    commune = models.ForeignKey("village.CommunePage", on_delete=models.PROTECT, related_name="services")
    village = models.ForeignKey(
        "village.VillagePage", on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ServiceKind.choices, db_index=True)
    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=140)
    title_en = models.CharField(_("title (English)"), max_length=140, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), max_length=5000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    booking_mode = models.CharField(
        _("booking"), max_length=12, choices=BookingMode.choices, default=BookingMode.INSTANT
    )
    cancellation_policy = models.CharField(
        _("cancellation policy"),
        max_length=12,
        choices=CancellationPolicy.choices,
        default=CancellationPolicy.MODERATE,
    )
    accepts_pay_on_arrival = models.BooleanField(_("guests may pay on arrival"), default=False)
    # stays
    check_in_time = models.TimeField(_("check-in from"), default=time(14, 0))
    check_out_time = models.TimeField(_("check-out until"), default=time(11, 0))
    amenities = models.JSONField(_("amenities"), default=list, blank=True)
    # tours and experiences
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(14 * 24 * 60)]
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    price_per_person = models.PositiveBigIntegerField(
        _("price per person (VND)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_PRICE)],
    )
    maximum_group = models.PositiveIntegerField(
        _("largest group on request"), default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    status = models.CharField(
        _("approval"),
        max_length=16,
        choices=ListingStatus.choices,
        default=ListingStatus.PENDING,
        db_index=True,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    folded_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = AliveManager.from_queryset(ServiceQuerySet)()
    all_objects = models.Manager.from_queryset(ServiceQuerySet)()

    class Meta:
        verbose_name = _("tourism service")
        verbose_name_plural = _("tourism services")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "kind", "commune"], name="tourism_service_listing")]

    def __str__(self) -> str:
        return self.title_vi

    @property
    def title(self) -> str:
        return (self.title_en if get_language() == "en" else "") or self.title_vi

    @property
    def description(self) -> str:
        return (self.description_en if get_language() == "en" else "") or self.description_vi

    @property
    def is_stay(self) -> bool:
        return self.kind == ServiceKind.STAY

    @property
    def is_on_request(self) -> bool:
        return self.booking_mode == BookingMode.ON_REQUEST

    def amenity_labels(self) -> list[str]:
        labels = dict(Amenity.choices)
        return [str(labels[code]) for code in self.amenities if code in labels]

    def language_labels(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels[code]) for code in self.languages if code in labels]

    def refresh_folded_text(self) -> None:
        self.folded_text = folded_words(
            self.title_vi,
            self.title_en,
            self.description_vi,
            self.description_en,
            self.get_kind_display(),
            "homestay" if self.kind == ServiceKind.STAY else "",
            self.host.name if self.host_id else "",
            self.commune.title if self.commune_id else "",
            self.village.title if self.village_id else "",
        )


MAXIMUM_SERVICE_PHOTOS = 8


class ServiceImage(models.Model):
    """One of up to eight photos of a listing (the first one is its card's), shown through renditions
    only. The image itself is a ``village.VillageImage`` in the commune's own collection."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("village.VillageImage", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("listing photo")
        verbose_name_plural = _("listing photos")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.service_id} #{self.position}"


class Unit(models.Model):
    """A room or a bed of a stay: what one booking takes for a range of nights."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="units")
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("guests at most"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    included_guests = models.PositiveSmallIntegerField(
        _("guests included in the nightly price"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    nightly_price = models.PositiveBigIntegerField(
        _("price per night (VND)"), validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_PRICE)]
    )
    weekend_nightly_price = models.PositiveBigIntegerField(
        _("price per Friday or Saturday night (VND)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_PRICE)],
    )
    extra_guest_price = models.PositiveBigIntegerField(
        _("per extra guest per night (VND)"), default=0, validators=[MaxValueValidator(MAXIMUM_PRICE)]
    )
    minimum_nights = models.PositiveSmallIntegerField(
        _("minimum nights"), default=1, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    is_active = models.BooleanField(_("taking bookings"), default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("room or bed")
        verbose_name_plural = _("rooms and beds")
        ordering = ["service_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="unit_capacity_positive"),
            models.CheckConstraint(condition=Q(nightly_price__gt=0), name="unit_nightly_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.name_vi}"

    @property
    def name(self) -> str:
        return (self.name_en if get_language() == "en" else "") or self.name_vi


class SeasonalPrice(models.Model):
    """A nightly price for the nights from ``starts_on`` to ``ends_on`` inclusive (Tết, rice harvest…)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="seasonal_prices")
    name = models.CharField(_("season"), max_length=80)
    starts_on = models.DateField(_("first night"))
    ends_on = models.DateField(_("last night"))
    nightly_price = models.PositiveBigIntegerField(
        _("price per night (VND)"), validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_PRICE)]
    )

    class Meta:
        verbose_name = _("seasonal price")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="season_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on}–{self.ends_on}"


class Slot(models.Model):
    """A scheduled departure of a tour or an experience, with a number of seats.

    ``seats_taken`` counts the guests of held, requested and confirmed bookings; it changes only with
    ``F()`` under the slot's row lock, and the database refuses it above ``capacity``.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    seats_taken = models.PositiveSmallIntegerField(default=0, editable=False)
    price_per_person = models.PositiveBigIntegerField(
        _("price per person (VND)"), validators=[MinValueValidator(1), MaxValueValidator(MAXIMUM_PRICE)]
    )
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("departure")
        verbose_name_plural = _("departures")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=models.F("capacity")), name="slot_seats_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class BookingStatus(models.TextChoices):
    HELD = "held", _("Waiting for payment")
    REQUESTED = "requested", _("Waiting for the host")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined by the host")
    EXPIRED = "expired", _("Expired")


ACTIVE_BOOKING_STATUSES = (BookingStatus.HELD, BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class BookingPayment(models.TextChoices):
    CARD = "card", _("Card (Stripe)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (VietQR)")
    ON_ARRIVAL = "on_arrival", _("Pay on arrival")


class CancelledBy(models.TextChoices):
    GUEST = "guest", _("Guest")
    HOST = "host", _("Host")
    SYSTEM = "system", _("Platform")


class BookingQuerySet(NeverDeletedQuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_BOOKING_STATUSES)

    def expired_holds(self, now=None):
        return self.filter(
            status__in=(BookingStatus.HELD, BookingStatus.REQUESTED),
            hold_expires_at__lte=now or timezone.now(),
        )


class Booking(NeverDeleted):
    """A tourist's booking of a unit's nights or of seats on a slot (or an on-request date).

    A booking is never deleted: cancelled, declined or expired is its end state.

    ``price_lines`` keeps the quote the guest accepted (label, amount) so the booking never changes
    price afterwards; ``total`` is its sum.
    """

    reference = models.CharField(_("booking reference"), max_length=16, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings")
    commune = models.ForeignKey("village.CommunePage", on_delete=models.PROTECT, related_name="bookings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings")
    guest = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    guest_name = models.CharField(_("name"), max_length=120)
    guest_email = models.EmailField(_("email"))
    guest_phone = models.CharField(_("phone"), max_length=20, blank=True)
    guest_country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language of the booking"), max_length=8, blank=True)
    guests = models.PositiveSmallIntegerField(_("guests"))
    check_in = models.DateField(_("check-in"), db_index=True)
    check_out = models.DateField(_("check-out"))
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.HELD, db_index=True
    )
    payment_method = models.CharField(_("payment"), max_length=16, choices=BookingPayment.choices)
    price_lines = models.JSONField(default=list)
    total = models.PositiveBigIntegerField(_("total (VND)"))
    cancellation_policy = models.CharField(max_length=12, choices=CancellationPolicy.choices)
    message = models.TextField(_("message to the host"), max_length=1000, blank=True)
    hold_expires_at = models.DateTimeField(_("held until"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=8, choices=CancelledBy.choices, blank=True)
    cancellation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    refund_amount = models.PositiveBigIntegerField(_("refund (VND)"), default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    review_invited_at = models.DateTimeField(null=True, blank=True)
    access_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_out__gt=models.F("check_in")), name="booking_nights_order"
            ),
            models.CheckConstraint(condition=Q(guests__gte=1), name="booking_guests_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BOOKING_STATUSES

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class BlockSource(models.TextChoices):
    HOST = "host", _("Closed by the host")
    CALENDAR = "calendar", _("Imported calendar")


class CalendarFeed(models.Model):
    """An outside calendar (Airbnb, Booking.com…) whose busy nights block one unit here.

    With a ``url`` it is synced on a schedule and on demand; without one it holds what the host last
    uploaded as a file.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="calendar_feeds")
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("calendar address (.ics)"), max_length=500, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("imported calendar")
        ordering = ["unit_id", "id"]

    def __str__(self) -> str:
        return self.name


class Block(models.Model):
    """Nights of a unit closed by the host or busy in an imported calendar (keyed by the event's UID).

    An imported event that overlaps one of our bookings is kept with ``is_conflict`` set and shown to
    the host, but takes no nights (our booking stands; the host must resolve it on the other channel).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="blocks")
    starts_on = models.DateField(_("first night"))
    ends_on = models.DateField(_("day after the last night"))
    source = models.CharField(max_length=10, choices=BlockSource.choices, default=BlockSource.HOST)
    feed = models.ForeignKey(
        CalendarFeed, on_delete=models.CASCADE, null=True, blank=True, related_name="blocks"
    )
    uid = models.CharField(max_length=255, blank=True)
    summary = models.CharField(_("note"), max_length=200, blank=True)
    is_conflict = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("closed nights")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="block_nights_order"),
            models.UniqueConstraint(
                fields=["feed", "uid"], condition=Q(feed__isnull=False), name="one_block_per_feed_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.starts_on}–{self.ends_on}"


class Occupancy(models.Model):
    """Nights ``[starts_on, ends_on)`` of a unit taken by a booking or a block — the one availability table.

    A held or requested booking's row carries ``expires_at``; an expired row no longer counts and is
    deleted (with its booking marked expired) by the next writer on that unit or the periodic task. On
    PostgreSQL an exclusion constraint (btree_gist) refuses two overlapping rows of one unit.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="occupancies")
    starts_on = models.DateField()
    ends_on = models.DateField()
    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="occupancy"
    )
    block = models.OneToOneField(
        Block, on_delete=models.CASCADE, null=True, blank=True, related_name="occupancy"
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("occupied nights")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="occupancy_nights_order"
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False, block__isnull=True)
                | Q(booking__isnull=True, block__isnull=False),
                name="occupancy_booking_or_block",
            ),
        ]
        indexes = [models.Index(fields=["unit", "starts_on", "ends_on"], name="tourism_occupancy_nights")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.starts_on}–{self.ends_on}"


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by the commune")


class Review(models.Model):
    """A guest's review after a completed stay or experience; the host may reply once."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="review")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=120)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), max_length=2000, blank=True)
    reply = models.TextField(_("host's reply"), max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderation_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("review")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="stay_review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.service_id}"
