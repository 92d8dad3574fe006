"""Forms of the tourist's side: the search, the stay dates, booking, cancelling and reviewing.

They check the *shape* of what was typed (a date, a number, an email address, one of the offered ways of
paying); whether the nights are free, the party fits or the booking may be cancelled is decided by
``tourism.services``, whose refusals (:class:`~tourism.exceptions.TourismError`) are put on the field
they name with :func:`add_tourism_error`.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import RegexValidator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ..exceptions import TourismError
from ..models import MAXIMUM_PRICE, BookingPayment, ServiceKind
from ..selectors import Search
from ..services.bookings import GuestDetails, check_stay_dates

MAX_QUERY_LENGTH = 200
MAX_GUESTS = 30
GUEST_ERRORS = {
    "invalid": _("Enter a whole number of guests."),
    "min_value": _("Enter at least one guest."),
    "max_value": _("Enter at most %(limit_value)s guests."),
}


class DateInput(forms.DateInput):
    """A native date picker (works without JavaScript; old browsers get a text box taking YYYY-MM-DD)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=kwargs.pop("widget", DateInput()),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Enter a date such as 2026-03-21.")},
        **kwargs,
    )


def guests_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Guests"),
        min_value=1,
        max_value=MAX_GUESTS,
        error_messages=GUEST_ERRORS,
        widget=kwargs.pop("widget", forms.NumberInput(attrs={"inputmode": "numeric"})),
        **kwargs,
    )


def add_tourism_error(form: forms.Form, error: TourismError) -> None:
    """Put a service's refusal on the field it names (if the form has it), else above the form; once, however
    often the same refusal comes back (every room of a stay page may give the same one)."""
    field = error.field if error.field in form.fields else None
    if field is not None and isinstance(form.fields[field].widget, forms.HiddenInput):
        field = None  # a hidden field's message would not be seen
    if error.message not in form.errors.get(field or NON_FIELD_ERRORS, []):
        form.add_error(field, error.message)


# --- finding a stay or an experience ----------------------------------------------------------------


class DatesForm(forms.Form):
    """A check-in and a check-out date, both given or neither."""

    check_in = date_field(_("Check-in"), required=False)
    check_out = date_field(_("Check-out"), required=False)

    def clean(self):
        cleaned = super().clean()
        if "check_in" in self.errors or "check_out" in self.errors:
            return cleaned
        if cleaned.get("check_in") and not cleaned.get("check_out"):
            self.add_error("check_out", _("Choose a check-out date too."))
        elif cleaned.get("check_out") and not cleaned.get("check_in"):
            self.add_error("check_in", _("Choose a check-in date too."))
        return cleaned


class SearchForm(DatesForm):
    """The search page's GET form. Values that are not understood are named and left out of the search."""

    q = forms.CharField(
        label=_("Where or what"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
        help_text=_("A commune, a village, a host or a word such as “homestay”; accents are not needed."),
    )
    commune = forms.TypedChoiceField(label=_("Commune"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    guests = guests_field(required=False, initial=1)
    max_price = forms.IntegerField(
        label=_("Highest price (VND)"),
        required=False,
        min_value=1,
        max_value=MAXIMUM_PRICE,
        help_text=_("Per night for a room, per person for a tour or an experience."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 10000}),
    )
    field_order = ["q", "commune", "kind", "check_in", "check_out", "guests", "max_price"]

    def __init__(self, *args, communes: list, titles: dict[int, str], **kwargs):
        """``communes``: the commune pages to choose from, shown with ``titles`` (``{page id: title}``)."""
        super().__init__(*args, **kwargs)
        self.commune_keys = {commune.pk: commune.translation_key for commune in communes}
        choices = [(commune.pk, titles[commune.pk]) for commune in communes]
        self.fields["commune"].choices = [("", _("All communes")), *choices]
        self.fields["kind"].choices = [("", _("Stays, tours and experiences")), *ServiceKind.choices]

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_LENGTH]

    def clean(self):
        cleaned = super().clean()
        check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
        if check_in and check_out:
            try:  # the booking's own rules for dates, whichever room is chosen later
                check_stay_dates(unit=None, check_in=check_in, check_out=check_out)
            except TourismError as error:
                add_tourism_error(self, error)
        return cleaned

    def _value(self, name):
        if not self.is_bound or name in self.errors:
            return None
        return getattr(self, "cleaned_data", {}).get(name)

    def search(self) -> Search:
        """What was understood, as a :class:`tourism.selectors.Search` (dates both given or both None)."""
        check_in, check_out = self._value("check_in"), self._value("check_out")
        if not (check_in and check_out):
            check_in = check_out = None
        commune = self._value("commune")
        return Search(
            query=self._value("q") or "",
            kind=self._value("kind") or "",
            commune_translation_key=self.commune_keys.get(commune) if commune else None,
            check_in=check_in,
            check_out=check_out,
            guests=self._value("guests") or 1,
            max_price=self._value("max_price"),
        )

    def ignored_labels(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]


class StayDatesForm(DatesForm):
    """A stay page's GET form: the dates and the party to price every room for."""

    guests = guests_field(required=False, initial=2)

    def stay(self) -> dict | None:
        """``{"check_in", "check_out", "guests"}`` when both dates were understood, else None."""
        if not self.is_bound or not self.is_valid():
            return None
        data = self.cleaned_data
        if not (data.get("check_in") and data.get("check_out")):
            return None
        return {
            "check_in": data["check_in"],
            "check_out": data["check_out"],
            "guests": data.get("guests") or 1,
        }


# --- booking ---------------------------------------------------------------------------------------


country_validator = RegexValidator(
    r"^[A-Za-z]{2}$", _("Enter the two-letter country code, for example VN, FR or GB.")
)


class GuestDetailsForm(forms.Form):
    """Who books and how they pay: the same fields for a stay, a departure or a request."""

    guest_name = forms.CharField(label=_("Your name"), max_length=120)
    guest_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The confirmation and the link to your booking are sent here."),
    )
    guest_phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=20,
        required=False,
        help_text=_("With the country code, for example +84 912 345 678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    guest_country = forms.CharField(
        label=_("Country (optional)"),
        max_length=2,
        required=False,
        validators=[country_validator],
        help_text=_("Two letters, for example VN, FR, GB or US."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": 3}),
    )
    payment_method = forms.ChoiceField(
        label=_("How you pay"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you pay."), "invalid_choice": _("Choose how you pay.")},
    )
    message = forms.CharField(
        label=_("Message to the host (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, payment_methods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(BookingPayment.choices)
        choices = [(method, labels[method]) for method in payment_methods]
        self.fields["payment_method"].choices = choices
        if len(choices) == 1:
            self.fields["payment_method"].initial = choices[0][0]
        self.fields["guest_name"].widget.attrs["autocomplete"] = "name"
        self.fields["guest_email"].widget.attrs["autocomplete"] = "email"

    def clean_guest_name(self):
        return " ".join(self.cleaned_data["guest_name"].split())

    def clean_guest_country(self):
        return self.cleaned_data["guest_country"].upper()

    def guest_details(self) -> GuestDetails:
        data = self.cleaned_data
        return GuestDetails(
            name=data["guest_name"],
            email=data["guest_email"],
            phone=data.get("guest_phone", ""),
            country=data.get("guest_country", ""),
            language=get_language() or "",
        )


class StayBookingForm(GuestDetailsForm):
    """Book one room for the dates and the party priced above the form (they travel as hidden fields)."""

    unit = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    check_in = date_field(_("Check-in"), widget=forms.HiddenInput)
    check_out = date_field(_("Check-out"), widget=forms.HiddenInput)
    guests = guests_field(widget=forms.HiddenInput)


class SlotBookingForm(GuestDetailsForm):
    """Take seats on one departure of a tour or an experience."""

    slot = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    guests = guests_field(initial=1)
    field_order = ["guests"]


class RequestBookingForm(GuestDetailsForm):
    """Ask an on-request tour or experience for a day."""

    day = date_field(_("Day"))
    guests = guests_field(initial=2)
    field_order = ["day", "guests"]


# --- after booking ---------------------------------------------------------------------------------


class CancelBookingForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [
            (str(stars), gettext("%(stars)s of 5 stars") % {"stars": stars}) for stars in range(5, 0, -1)
        ]
