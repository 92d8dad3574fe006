"""Forms of the host area (``/my/stays/``): homestay families, guides and workshops on a phone.

They check the *shape* of what was typed — a whole number of đồng, a date, a file within the size
limit — and nothing else: the rules (who may act, what a listing needs, which nights can be closed,
which booking moves are allowed) live in ``tourism.services``, whose ``TourismError`` and
``ValidationError`` the views put back on these forms with :func:`apply_service_error`.
"""

import re
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.phones import normalize_phone
from core import forms as core_forms
from core.forms import AccessibleForm, BankAccountFormMixin, VndField, date_input
from payments.vietqr import KNOWN_BANKS
from village.images import PhotoField

from ..exceptions import TourismError, TourismErrorCode
from ..models import Amenity, BookingMode, CancellationPolicy, Language, ServiceKind

BANK_CHOICES = sorted(KNOWN_BANKS.items(), key=lambda item: item[1])

# What a refused service call says, in the visitor's language; codes not listed keep the service's words.
SERVICE_MESSAGES = {
    TourismErrorCode.NOT_ALLOWED: _("You cannot do this for this host."),
    TourismErrorCode.TOO_MANY_PHOTOS: _("A listing has at most 8 photos. Remove one before adding another."),
}


def service_message(error: TourismError) -> str:
    return str(SERVICE_MESSAGES.get(error.code, error.message))


def error_text(error) -> str:
    """One sentence for a refused service call (a ``TourismError`` or a ``ValidationError``)."""
    if isinstance(error, TourismError):
        return service_message(error)
    return " ".join(str(message) for message in error.messages)


def apply_service_error(form: forms.Form, error, *, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ``TourismError`` or ``ValidationError`` on ``form`` (see ``core.forms``)."""
    core_forms.apply_service_error(
        form, error, domain_error=TourismError, message=service_message, field_map=field_map
    )


# --- fields -----------------------------------------------------------------------------------------


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def whole_number(label, *, minimum: int, maximum: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": minimum, "max": maximum, "step": 1}),
        **kwargs,
    )


# --- the host profile -------------------------------------------------------------------------------


class HostForm(BankAccountFormMixin, AccessibleForm):
    """The host profile. ``communes`` (create only) are the communes the host may belong to."""

    name = forms.CharField(
        label=_("Name guests see"),
        max_length=120,
        help_text=_("Your homestay, your name as a guide, or your workshop."),
    )
    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int)
    village = forms.TypedChoiceField(
        label=pgettext_lazy("thôn or bản of a commune", "Village"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    about_vi = forms.CharField(
        label=_("About you (Vietnamese)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your family, your house, what guests share with you."),
    )
    about_en = forms.CharField(
        label=_("About you (English)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: the digital team can help translate."),
    )
    contact_phone = forms.CharField(
        label=_("Phone for guests with a booking"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only guests with a confirmed booking see it."),
    )
    bank_bin = forms.ChoiceField(
        label=_("Bank"),
        required=False,
        choices=[("", _("No bank account yet")), *BANK_CHOICES],
        help_text=_("With a bank account, guests can pay you by bank transfer (VietQR)."),
    )
    bank_account_number = forms.CharField(
        label=_("Account number"),
        required=False,
        max_length=19,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_account_name = forms.CharField(
        label=_("Account name"),
        required=False,
        max_length=70,
        help_text=_("In capital letters without accents, as the bank prints it, e.g. SUNG A PAO."),
    )

    def __init__(self, *args, communes=None, village_groups=(), **kwargs):
        """``village_groups``: ``[(commune title, [(village id, village title), ...]), ...]``."""
        super().__init__(*args, **kwargs)
        if communes is None:  # editing: the commune does not change
            del self.fields["commune"]
        else:
            self.fields["commune"].choices = [(commune.pk, commune.title) for commune in communes]
        self.fields["village"].choices = [("", _("Not in a particular village")), *village_groups]
        self._describe()

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        return normalize_phone(phone) if phone else ""

    def clean_bank_account_number(self):
        return re.sub(r"[\s.\-]", "", self.cleaned_data["bank_account_number"])

    def clean(self):
        cleaned = super().clean()
        self.require_whole_bank_account(cleaned)
        return cleaned

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.pop("commune", None)
        return fields


# --- listings -----------------------------------------------------------------------------------------


class ServiceForm(AccessibleForm):
    """A stay, a tour or an experience. ``editing`` drops the kind (a listing keeps its kind)."""

    kind = forms.ChoiceField(label=_("What you offer"), choices=ServiceKind.choices, widget=forms.RadioSelect)
    village = forms.TypedChoiceField(
        label=pgettext_lazy("thôn or bản of a commune", "Village"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=140)
    title_en = forms.CharField(label=_("Title (English)"), max_length=140, required=False)
    description_vi = forms.CharField(
        label=_("Description (Vietnamese)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    booking_mode = forms.ChoiceField(
        label=_("How guests book"), choices=BookingMode.choices, widget=forms.RadioSelect
    )
    cancellation_policy = forms.ChoiceField(
        label=_("Cancellation policy"), choices=CancellationPolicy.choices, widget=forms.RadioSelect
    )
    accepts_pay_on_arrival = forms.BooleanField(label=_("Guests may pay on arrival"), required=False)
    check_in_time = forms.TimeField(label=_("Check-in from"), required=False, widget=time_input())
    check_out_time = forms.TimeField(label=_("Check-out until"), required=False, widget=time_input())
    amenities = forms.MultipleChoiceField(
        label=_("Amenities"), choices=Amenity.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    meeting_point = forms.CharField(
        label=_("Meeting point"),
        max_length=200,
        required=False,
        help_text=_("Tours and experiences: where guests meet you."),
    )
    duration_minutes = whole_number(_("Duration (minutes)"), minimum=1, maximum=14 * 24 * 60, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    price_per_person = VndField(
        label=_("Price per person (₫)"),
        min_value=1,
        required=False,
        help_text=_("Tours and experiences booked on request: the price of one guest."),
    )
    maximum_group = whole_number(
        _("Largest group on request"),
        minimum=1,
        maximum=200,
        initial=10,
        required=False,
        help_text=_("Tours and experiences booked on request."),
    )

    KEEP_WHEN_EMPTY = ("check_in_time", "check_out_time", "maximum_group")

    def __init__(self, *args, village_groups=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
        self.fields["village"].choices = [("", _("Not in a particular village")), *village_groups]
        self._describe()

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        for name in self.KEEP_WHEN_EMPTY:
            if fields.get(name) is None:
                fields.pop(name, None)  # keep the listing's value (or the default)
        return fields


class ServicePhotoForm(AccessibleForm):
    """ "Add a photo" on a listing's page: one phone photo, kept without its location data."""

    photo = PhotoField(
        label=_("Photo"),
        help_text=_(
            "Your house, a room, the view, the activity: take it in daylight. "
            "JPEG, PNG, WebP or HEIC, at most 10 MB."
        ),
    )


class UnitForm(AccessibleForm):
    """A room or a bed of a stay, with its prices."""

    name_vi = forms.CharField(label=_("Name (Vietnamese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)
    capacity = whole_number(_("Guests at most"), minimum=1, maximum=30)
    included_guests = whole_number(
        _("Guests included in the nightly price"), minimum=1, maximum=30, initial=2
    )
    nightly_price = VndField(label=_("Price per night (₫)"), min_value=1)
    weekend_nightly_price = VndField(
        label=_("Price per Friday or Saturday night (₫)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to use the nightly price every night."),
    )
    extra_guest_price = VndField(
        label=_("Per extra guest per night (₫)"),
        min_value=0,
        required=False,
        help_text=_("For each guest above those included."),
    )
    minimum_nights = whole_number(_("Minimum nights"), minimum=1, maximum=60, initial=1)
    is_active = forms.BooleanField(label=_("Taking bookings"), required=False, initial=True)

    def unit_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields["extra_guest_price"] = fields.get("extra_guest_price") or 0
        return fields


class SeasonForm(AccessibleForm):
    """A seasonal nightly price (Tết, the rice harvest…), from the first to the last night."""

    name = forms.CharField(label=_("Season"), max_length=80)
    starts_on = forms.DateField(label=_("First night"), widget=date_input())
    ends_on = forms.DateField(label=_("Last night"), widget=date_input())
    nightly_price = VndField(label=_("Price per night (₫)"), min_value=1)


class SlotForm(AccessibleForm):
    """A departure of a tour or an experience: day, time, seats and price."""

    day = forms.DateField(label=_("Day"), widget=date_input())
    starts_at = forms.TimeField(label=_("Time"), widget=time_input())
    capacity = whole_number(_("Seats"), minimum=1, maximum=500)
    price_per_person = VndField(label=_("Price per person (₫)"), min_value=1)

    def slot_fields(self) -> dict:
        data = self.cleaned_data
        starts_at = timezone.make_aware(datetime.combine(data["day"], data["starts_at"]))
        return {
            "starts_at": starts_at,
            "capacity": data["capacity"],
            "price_per_person": data["price_per_person"],
        }


# --- calendars ----------------------------------------------------------------------------------------


class CloseDatesForm(AccessibleForm):
    starts_on = forms.DateField(label=_("First closed night"), widget=date_input())
    ends_on = forms.DateField(
        label=_("Open again from"),
        widget=date_input(),
        help_text=_("The first night guests can book again."),
    )
    note = forms.CharField(
        label=_("Note for yourself"),
        required=False,
        max_length=200,
        help_text=_("Only you see it, e.g. “family wedding”."),
    )


class FeedForm(AccessibleForm):
    """Connect an outside calendar (Airbnb, Booking.com…) by its export address."""

    name = forms.CharField(
        label=_("Name of the calendar"), max_length=80, required=False, help_text=_("For example Airbnb.")
    )
    url = forms.CharField(
        label=_("Calendar address (.ics)"),
        max_length=500,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
        help_text=_("Copy the export link from the other website; it starts with https://."),
    )


class CalendarFileForm(AccessibleForm):
    """Upload an ``.ics`` file exported from another website."""

    name = forms.CharField(
        label=_("Name of the calendar"), max_length=80, required=False, help_text=_("For example Airbnb.")
    )
    file = forms.FileField(
        label=_("Calendar file (.ics)"), widget=forms.FileInput(attrs={"accept": ".ics,text/calendar"})
    )

    def read_file(self) -> bytes:
        """The file's bytes, read up to one byte past the limit (the service refuses what is too big)."""
        uploaded = self.cleaned_data["file"]
        uploaded.seek(0)
        return uploaded.read(int(settings.TOURISM_ICAL_MAX_BYTES) + 1)


# --- bookings and reviews -----------------------------------------------------------------------------


class EmptyForm(AccessibleForm):
    """A plain POST button."""


class DeclineForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Why you decline (the guest reads it)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Why you cancel (the guest reads it)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReplyForm(AccessibleForm):
    reply = forms.CharField(
        label=_("Your reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You can reply once; everyone reading the review sees it."),
    )
