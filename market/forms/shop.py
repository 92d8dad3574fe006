"""Forms of the producer area (``/my/shop/``) and of the commune moderation screens.

They check the *shape* of what was typed — a whole number of đồng, a date, a photo within the size
limits — and nothing else: the rules (who may act, what a listing needs, which order moves are
allowed) live in ``market.services``, whose errors the views put back on these forms with
:func:`apply_service_error`.
"""

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import forms as core_forms
from core.forms import AccessibleForm as StyledForm
from core.forms import BankAccountFormMixin, ModerationDecisionForm, VndField, date_input
from village.images import PhotoField

from ..exceptions import MarketError, MarketErrorCode
from ..models import Category, CertificationKind, ProducerKind, Unit
from ..zones import PROVINCE_CHOICES

# The banks most villagers use, with the BIN (bank identification number) VietQR needs.
BANK_CHOICES = [
    ("970436", "Vietcombank"),
    ("970415", "VietinBank"),
    ("970418", "BIDV"),
    ("970405", "Agribank"),
    ("970407", "Techcombank"),
    ("970422", "MB"),
    ("970416", "ACB"),
    ("970432", "VPBank"),
    ("970403", "Sacombank"),
    ("970423", "TPBank"),
]
MONTH_CHOICES = [(number, MONTHS[number]) for number in range(1, 13)]
OCOP_STAR_CHOICES = [("", _("No OCOP rating"))] + [(stars, "★" * stars) for stars in range(1, 6)]

# What a refused service call says, in the visitor's language; codes not listed keep the service's words.
SERVICE_MESSAGES = {
    MarketErrorCode.NOT_ALLOWED: _("You cannot do this for this shop."),
    MarketErrorCode.TOO_MANY_IMAGES: _("A product has at most 8 photos. Remove one before adding another."),
}


def service_message(error: MarketError) -> str:
    return str(SERVICE_MESSAGES.get(error.code, error.message))


def apply_service_error(form: forms.Form, error, *, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ``MarketError`` or ``ValidationError`` on ``form`` (see ``core.forms``)."""
    core_forms.apply_service_error(
        form, error, domain_error=MarketError, message=service_message, field_map=field_map
    )


# --- producer profile ---------------------------------------------------------------------------------


class ProducerForm(BankAccountFormMixin, StyledForm):
    """The shop profile. ``communes`` (create only) are the communes the shop may belong to."""

    name = forms.CharField(label=_("Name of the shop"), max_length=120)
    kind = forms.ChoiceField(label=_("Who sells"), choices=ProducerKind.choices)
    commune = forms.TypedChoiceField(label=_("Commune"), coerce=int)
    village = forms.TypedChoiceField(
        label=pgettext_lazy("thôn or bản of a commune", "Village"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    story_vi = forms.CharField(
        label=_("Your story (Vietnamese)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are, how you grow or make what you sell. Buyers like to know."),
    )
    story_en = forms.CharField(
        label=_("Your story (English)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: the digital team can help translate."),
    )
    contact_phone = forms.CharField(
        label=_("Phone for the platform"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Never shown to buyers: the commune and the platform use it to reach you."),
    )
    bank_bin = forms.ChoiceField(
        label=_("Bank"),
        required=False,
        choices=[("", _("No bank account yet")), *BANK_CHOICES],
        help_text=_("With a bank account, buyers can pay you by bank transfer (VietQR)."),
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
        help_text=_("In capital letters without accents, as the bank prints it, e.g. NGUYEN THI MAI."),
    )
    offers_pickup = forms.BooleanField(label=_("Buyers may pick up at the commune"), required=False)
    pickup_note = forms.CharField(label=_("Where and when to pick up"), required=False, max_length=200)
    delivery_fee_north = VndField(
        label=_("Delivery fee to the north (₫)"),
        required=False,
        help_text=_("Leave empty if you do not deliver there."),
    )
    delivery_fee_central = VndField(
        label=_("Delivery fee to the centre (₫)"),
        required=False,
        help_text=_("Leave empty if you do not deliver there."),
    )
    delivery_fee_south = VndField(
        label=_("Delivery fee to the south (₫)"),
        required=False,
        help_text=_("Leave empty if you do not deliver there."),
    )
    accepts_cash_on_delivery = forms.BooleanField(label=_("I accept cash on delivery"), required=False)

    def __init__(self, *args, communes=None, village_groups=(), **kwargs):
        """``village_groups``: ``[(commune title, [(village id, village title), ...]), ...]``."""
        super().__init__(*args, **kwargs)
        if communes is None:  # editing: the commune does not change
            del self.fields["commune"]
        else:
            self.fields["commune"].choices = [(commune.pk, commune.title) for commune in communes]
        self.fields["village"].choices = [("", _("Not in a particular village")), *village_groups]
        self._describe()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("bank_bin") and not cleaned.get("bank_account_number"):
            cleaned["bank_account_name"] = ""  # the suggested name alone is no bank account
        self.require_whole_bank_account(cleaned)
        return cleaned

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        fields.pop("commune", None)
        return fields


# --- products -----------------------------------------------------------------------------------------


class ProductPhotoForm(StyledForm):
    """Screen 1 of a new product, or "add a photo" on an existing one."""

    photo = PhotoField(
        label=_("Photo"),
        help_text=_("Take a photo in daylight. JPEG, PNG, WebP or HEIC, at most 10 MB."),
    )


class ProductBasicsForm(StyledForm):
    """Screen 1: what it is."""

    photo = PhotoField(
        label=_("Photo"),
        help_text=_("Take a photo in daylight. JPEG, PNG, WebP or HEIC, at most 10 MB."),
    )
    name_vi = forms.CharField(
        label=_("Name"), max_length=140, help_text=_("In Vietnamese, e.g. Chè Shan Tuyết cổ thụ.")
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices])

    def __init__(self, *args, has_photo: bool = False, with_photo: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_photo:
            del self.fields["photo"]
        elif has_photo:
            self.fields["photo"].required = False
            self.fields["photo"].help_text = _(
                "We have your photo. Choose another one only if you want to replace it."
            )
        self._describe()


class ProductPriceForm(StyledForm):
    """Screen 2: price and quantities."""

    price = VndField(
        label=_("Price per unit (₫)"),
        min_value=1,
        help_text=_("A whole number of đồng, for example 350000 or 350.000."),
        error_messages={"required": _("Enter the price per unit.")},
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    stock = forms.IntegerField(
        label=_("In stock (units)"),
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
        error_messages={"invalid": _("Write a whole number of units.")},
    )
    minimum_order = forms.IntegerField(
        label=_("Minimum order (units)"),
        min_value=1,
        max_value=100_000,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "step": 1}),
        error_messages={"invalid": _("Write a whole number of units.")},
    )


class ProductDetailsForm(StyledForm):
    """Screen 3: season, description, OCOP rating and certifications."""

    harvest_months = forms.TypedMultipleChoiceField(
        label=_("Harvest months"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the months when it is fresh or available."),
    )
    description_vi = forms.CharField(
        label=_("Description (Vietnamese)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    name_en = forms.CharField(label=_("Name (English)"), required=False, max_length=140)
    description_en = forms.CharField(
        label=_("Description (English)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    ocop_stars = forms.TypedChoiceField(
        label=_("OCOP stars"), choices=OCOP_STAR_CHOICES, coerce=int, required=False, empty_value=None
    )
    ocop_certificate_number = forms.CharField(
        label=_("OCOP certificate number"), required=False, max_length=60
    )
    ocop_issued_on = forms.DateField(label=_("Issued on"), required=False, widget=date_input())
    ocop_issuing_province = forms.ChoiceField(
        label=_("Issuing province"), required=False, choices=[("", "—"), *PROVINCE_CHOICES]
    )

    OCOP_FIELDS = ("ocop_stars", "ocop_certificate_number", "ocop_issued_on", "ocop_issuing_province")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in CertificationKind.choices:
            self.fields[certification_field(kind)] = forms.BooleanField(label=label, required=False)
            self.fields[certification_field(kind, "number")] = forms.CharField(
                label=_("%(certification)s certificate number") % {"certification": label},
                required=False,
                max_length=60,
                help_text=_("Optional: the number printed on the certificate."),
            )
        self._describe()

    def certification_rows(self) -> list[tuple]:
        """``(checkbox, certificate number)`` bound fields, one pair per kind of certification."""
        return [
            (self[certification_field(kind)], self[certification_field(kind, "number")])
            for kind in CertificationKind.values
        ]

    def clean(self):
        cleaned = super().clean()
        given = [name for name in self.OCOP_FIELDS if cleaned.get(name) not in (None, "")]
        if given and len(given) < len(self.OCOP_FIELDS):
            for name in self.OCOP_FIELDS:
                if name not in given and name not in self.errors:
                    self.add_error(name, _("Fill in every OCOP field, or none of them."))
        return cleaned

    def product_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "harvest_months": sorted(set(data["harvest_months"])),
            "description_vi": data["description_vi"],
            "name_en": data["name_en"],
            "description_en": data["description_en"],
        }

    def ocop(self) -> dict | None:
        data = self.cleaned_data
        if data.get("ocop_stars") is None:
            return None
        return {
            "stars": data["ocop_stars"],
            "certificate_number": data["ocop_certificate_number"],
            "issued_on": data["ocop_issued_on"],
            "issuing_province": data["ocop_issuing_province"],
        }

    def certifications(self) -> list[dict]:
        """The certifications ticked, as keyword arguments of ``services.add_certification``."""
        data = self.cleaned_data
        return [
            {"kind": kind, "certificate_number": data[certification_field(kind, "number")].strip()}
            for kind in CertificationKind.values
            if data.get(certification_field(kind))
        ]


def certification_field(kind: str, part: str = "") -> str:
    name = "certification_" + kind.replace("-", "_")
    return f"{name}_{part}" if part else name


OCOP_FIELD_MAP = {
    "stars": "ocop_stars",
    "certificate_number": "ocop_certificate_number",
    "issued_on": "ocop_issued_on",
    "expires_on": "ocop_issued_on",
    "issuing_province": "ocop_issuing_province",
}


class ProductEditForm(ProductDetailsForm, ProductPriceForm):
    """Editing a listing: the fields of the three screens but the photo, on one page."""

    name_vi = ProductBasicsForm.base_fields["name_vi"]
    category = ProductBasicsForm.base_fields["category"]

    field_order = [
        "name_vi",
        "category",
        "price",
        "unit",
        "stock",
        "minimum_order",
        "harvest_months",
        "description_vi",
        "name_en",
        "description_en",
        *ProductDetailsForm.OCOP_FIELDS,
    ]

    def product_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **super().product_fields(),
            "name_vi": data["name_vi"],
            "category": data["category"],
            "price": data["price"],
            "unit": data["unit"],
            "stock": data["stock"],
            "minimum_order": data["minimum_order"],
        }


class StockForm(StyledForm):
    """The quick stock update on the products list, one form per product (prefixed with its id)."""

    stock = forms.IntegerField(
        label=_("In stock"),
        min_value=0,
        max_value=10_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1, "size": 6}),
        error_messages={"invalid": _("Write a whole number of units.")},
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is not None:
            self.fields["stock"].label = _("Stock of %(product)s (%(unit)s)") % {
                "product": product.name_vi,
                "unit": product.get_unit_display(),
            }


# --- orders ------------------------------------------------------------------------------------------


class ShipForm(StyledForm):
    tracking_note = forms.CharField(
        label=_("Shipping note or tracking number"),
        required=False,
        max_length=200,
        help_text=_("For example: Viettel Post 1234567, or “brought by motorbike on Saturday”."),
    )


class CancelForm(StyledForm):
    reason = forms.CharField(
        label=_("Why are you cancelling?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tell the buyer why the order is cancelled.")},
    )


class EmptyForm(StyledForm):
    """An action without fields (accept, delivered): a plain POST button with its CSRF token."""


# --- lots and payouts ---------------------------------------------------------------------------------


class LotForm(StyledForm):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    code = forms.CharField(
        label=_("Lot number"), max_length=40, help_text=_("As written on the pack, e.g. 2025-VU-XUAN-01.")
    )
    harvested_on = forms.DateField(label=_("Harvested on"), required=False, widget=date_input())
    produced_on = forms.DateField(label=_("Packed or produced on"), required=False, widget=date_input())
    best_before = forms.DateField(label=_("Best before"), required=False, widget=date_input())
    quantity = forms.IntegerField(
        label=_("Quantity (units)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "step": 1}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What buyers will read on the traceability page: field, method, who picked it."),
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—")] + [(product.pk, product.name) for product in products]
        self._describe()


class StatementForm(StyledForm):
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())


# --- moderation (Wagtail admin) -------------------------------------------------------------------------


class ReviewDecisionForm(ModerationDecisionForm):
    reason_help_text = _("Required to reject: the producer reads it and fixes the listing.")
