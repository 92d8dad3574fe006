"""Forms of buyer demands, producers' offers and inquiry threads (``market.views.demands``).

They check the *shape* of what was typed — a whole number, a date, one of the listed units or
provinces, a product of this shop — and nothing else: the rules (a needed-by date in the past, a unit
that cannot be converted, who may offer what) belong to ``market.services.demands``, whose refusals
:func:`apply_demand_error` puts back on the form, on the field it names.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.forms import AccessibleForm, VndField, date_input

from ..exceptions import MarketError
from ..models import Category, CertificationKind, Unit
from ..zones import PROVINCE_CHOICES

MAX_DEMAND_QUANTITY = 10_000_000
MAX_MESSAGE_LENGTH = 2000

QUANTITY_ERRORS = {
    "invalid": _("Enter a whole number."),
    "min_value": _("The quantity must be at least %(limit_value)s."),
    "max_value": _("The quantity must be at most %(limit_value)s."),
}


def demand_error_message(error: MarketError) -> str:
    """What a refused call says: the service's own words, already in the visitor's language."""
    return str(error.message)


def apply_demand_error(form: forms.Form, error, *, field_map: dict[str, str] | None = None) -> None:
    """Put a refused demand, offer or inquiry service call on ``form`` (see ``core.forms``); ``field_map``
    renames a service's field to the form's."""
    core_forms.apply_service_error(
        form, error, domain_error=MarketError, message=demand_error_message, field_map=field_map
    )


# --- the buyer's demand --------------------------------------------------------------------------------

OCOP_CHOICES = [("", _("No minimum"))] + [
    (str(stars), _("%(stars)s stars or more") % {"stars": stars}) for stars in range(1, 6)
]


class DemandForm(AccessibleForm):
    """What a buyer wants: what, how much, for how much at most, where to and by when."""

    title = forms.CharField(
        label=_("What are you looking for?"),
        max_length=140,
        help_text=_("For example: Shan Tuyết green tea for our restaurant."),
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *Category.choices]
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=300,
        required=False,
        help_text=_("Words a matching product would have, separated by spaces. Accents are optional."),
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_DEMAND_QUANTITY, error_messages=QUANTITY_ERRORS
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.KILOGRAM)
    max_unit_price = VndField(
        label=_("Highest price per unit (VND)"),
        required=False,
        min_value=1,
        help_text=_("Per unit you chose above. Leave it empty if you have no limit."),
    )
    delivery_province = forms.ChoiceField(
        label=_("Deliver to (province)"), choices=[("", _("Choose a province")), *PROVINCE_CHOICES]
    )
    needed_by = forms.DateField(label=_("Needed by"), widget=date_input())
    required_certifications = forms.MultipleChoiceField(
        label=_("Required certifications"),
        required=False,
        choices=CertificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    minimum_ocop_stars = forms.TypedChoiceField(
        label=_("Minimum OCOP stars"), required=False, coerce=int, empty_value=None, choices=OCOP_CHOICES
    )
    note = forms.CharField(
        label=_("Note for producers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Packing, delivery in several parts, samples… Do not write your phone or address."),
    )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_keywords(self):
        return " ".join(self.cleaned_data["keywords"].split())

    @classmethod
    def initial_of(cls, demand) -> dict:
        """A demand's current values, to change it."""
        values = {name: getattr(demand, name) for name in cls.base_fields}
        values["required_certifications"] = list(demand.required_certifications or ())
        values["minimum_ocop_stars"] = "" if demand.minimum_ocop_stars is None else demand.minimum_ocop_stars
        return values

    def service_arguments(self) -> dict:
        """The keyword arguments of ``services.demands.post_demand`` (without ``buyer``) and of
        ``update_demand``."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "category": data["category"],
            "keywords": data["keywords"],
            "quantity": data["quantity"],
            "unit": data["unit"],
            "max_unit_price": data["max_unit_price"],
            "delivery_province": data["delivery_province"],
            "needed_by": data["needed_by"],
            "required_certifications": tuple(data["required_certifications"]),
            "minimum_ocop_stars": data["minimum_ocop_stars"],
            "note": data["note"],
        }


# --- the producer's offer ------------------------------------------------------------------------------


class OfferForm(AccessibleForm):
    """A producer's answer to a demand: one of the shop's products, how much, at what price, from when."""

    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_DEMAND_QUANTITY,
        error_messages=QUANTITY_ERRORS,
        help_text=_("In the product's own unit."),
    )
    unit_price = VndField(label=_("Price per unit (VND)"), min_value=1)
    available_on = forms.DateField(label=_("Can deliver from"), widget=date_input())
    note = forms.CharField(
        label=_("Note for the buyer"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Do not write your phone or address: the buyer can write to you here."),
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = {product.pk: product for product in products}
        self.fields["product"].choices = [
            (product.pk, f"{product.name} · {product.get_unit_display()}") for product in products
        ]
        if len(products) == 1:
            self.fields["product"].initial = products[0].pk
        self._bound_fields_cache.clear()

    def chosen_product(self):
        return self.products[self.cleaned_data["product"]]


# --- inquiry threads -----------------------------------------------------------------------------------


class MessageForm(AccessibleForm):
    """One message of an inquiry thread."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Messages stay on the platform: neither side sees the other's phone or address."),
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a message."), code="required")
        return body
