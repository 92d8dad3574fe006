"""Forms of the buyer's side: the catalogue filters, the cart, checkout, cancelling and reviewing.

They check the *shape* of what was typed (a number, a province from the list, one of the offered
choices); the rules (stock, minimum order, who delivers where) belong to ``market.services``, whose
error codes are turned into translated messages here.
"""

from django import forms
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone
from core.forms import QuickSelect

from ..exceptions import MarketError, MarketErrorCode
from ..models import Category, CertificationKind, DeliveryMethod
from ..selectors import MAX_QUERY_LENGTH, Places, Sort, delivers_anywhere
from ..services.checkout import MAX_QUANTITY, Buyer
from ..zones import PROVINCE_CHOICES

# The service's own English messages for buyer details, so that makemessages lists them and the views can
# show them translated (``gettext(message)``) when the service, not the form, refuses.
SERVICE_MESSAGES = (
    gettext_noop("Give your name."),
    gettext_noop("Give the delivery address."),
    gettext_noop("Choose the province to deliver to."),
)

MAX_PRICE = 1_000_000_000
QUANTITY_ERRORS = {
    "invalid": _("Enter a whole number."),
    "min_value": _("Choose at least %(limit_value)s."),
    "max_value": _("Choose at most %(limit_value)s."),
}


# --- turning service errors into messages ------------------------------------------------------------


def market_error_message(error: MarketError, *, product=None) -> str:
    """A translated message for a refused market operation; names the product when the caller knows it."""
    code = error.code
    if product is not None:
        values = {"product": product.name, "unit": product.get_unit_display()}
        if code == MarketErrorCode.OUT_OF_STOCK:
            if product.stock == 0:
                return gettext("%(product)s is sold out.") % values
            return gettext("Only %(stock)s %(unit)s of %(product)s left.") % {
                **values,
                "stock": product.stock,
            }
        if code == MarketErrorCode.BELOW_MINIMUM_ORDER:
            return gettext("The minimum order for %(product)s is %(minimum)s %(unit)s.") % {
                **values,
                "minimum": product.minimum_order,
            }
        if code == MarketErrorCode.PRODUCT_UNAVAILABLE:
            return gettext("%(product)s is not for sale at the moment.") % values
    messages = {
        MarketErrorCode.OUT_OF_STOCK: _(
            "A product in your cart has less stock left than you asked for. Lower the quantity in your cart."
        ),
        MarketErrorCode.BELOW_MINIMUM_ORDER: _(
            "A product in your cart is below its minimum order. Raise the quantity in your cart."
        ),
        MarketErrorCode.INVALID_QUANTITY: _("Choose a whole number from 1 to %(maximum)s.")
        % {"maximum": MAX_QUANTITY},
        MarketErrorCode.PRODUCT_UNAVAILABLE: _(
            "A product in your cart is no longer for sale. Remove it from your cart."
        ),
        MarketErrorCode.EMPTY_CART: _("Your cart is empty."),
        MarketErrorCode.NO_DELIVERY_TO_ZONE: _(
            "A producer does not deliver to the province you chose or does not offer pickup. "
            "Choose another way to receive the goods."
        ),
        MarketErrorCode.PAYMENT_METHOD_UNAVAILABLE: _(
            "Not every producer in your cart takes this way of paying. Choose another."
        ),
        MarketErrorCode.ILLEGAL_TRANSITION: _("This order can no longer be changed this way."),
        MarketErrorCode.HOLD_EXPIRED: _("The time to pay for this order has run out."),
        MarketErrorCode.NOT_ALLOWED: _("This is not your order."),
        MarketErrorCode.REVIEW_NOT_ALLOWED: _("You can review a product once its order has been delivered."),
        MarketErrorCode.ALREADY_REVIEWED: _("You already reviewed this product."),
    }
    return str(messages.get(code, _("This could not be done. Please try again.")))


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's refusal on the form: on the field it names, else above the form."""
    if isinstance(error, MarketError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, market_error_message(error))
        return
    # a ValidationError from the service (buyer details)
    for field, messages in (
        error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    ):
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, gettext(message))


# --- the catalogue ----------------------------------------------------------------------------------


STAR_CHOICES = [(str(stars), _("%(stars)s stars or more") % {"stars": stars}) for stars in range(3, 6)]
STAR_CHOICES.insert(0, ("1", _("any OCOP rating")))


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET filters. Values that are not understood are left out and said so."""

    q = forms.CharField(
        label=_("Search products"),
        required=False,
        help_text=_("You do not need to type the accents: “che” finds “chè”."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    # hundreds of options nationally: written without a template per option
    province = forms.ChoiceField(label=_("Province"), required=False, widget=QuickSelect)
    commune = forms.TypedChoiceField(
        label=_("Commune"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    ocop = forms.TypedChoiceField(
        label=_("OCOP stars"), required=False, coerce=int, empty_value=None, choices=[]
    )
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    min_price = forms.IntegerField(
        label=_("Lowest price (VND)"), required=False, min_value=0, max_value=MAX_PRICE
    )
    max_price = forms.IntegerField(
        label=_("Highest price (VND)"), required=False, min_value=0, max_value=MAX_PRICE
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (Sort.NEWEST, _("Newest first")),
            (Sort.PRICE_ASCENDING, _("Price: low to high")),
            (Sort.PRICE_DESCENDING, _("Price: high to low")),
        ],
    )

    def __init__(self, *args, places: Places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places
        anything = [("", _("All"))]
        self.fields["category"].choices = anything + list(Category.choices)
        self.fields["province"].choices = anything + [
            (province.slug, places.titles[province.pk]) for province in places.provinces
        ]
        self.fields["commune"].choices = anything + [
            (str(commune.pk), places.titles[commune.pk]) for commune in places.communes
        ]
        self.fields["ocop"].choices = [("", _("Any")), *STAR_CHOICES]
        self.fields["certification"].choices = anything + list(CertificationKind.choices)
        self.query_was_cut = False

    def clean_q(self):
        query = self.cleaned_data["q"].strip()
        if len(query) > MAX_QUERY_LENGTH:
            self.query_was_cut = True
            query = query[:MAX_QUERY_LENGTH]
        return query

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("The highest price is below the lowest price."))
        return cleaned

    def filters(self) -> dict:
        """The filters that were understood, as keyword arguments of ``selectors.catalogue_products``."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        province = next((p for p in self.places.provinces if p.slug == data.get("province")), None)
        commune = next((c for c in self.places.communes if c.pk == data.get("commune")), None)
        return {
            "query": data.get("q") or "",
            "category": data.get("category") or "",
            "province": province,
            "commune": commune,
            "min_stars": data.get("ocop"),
            "certification": data.get("certification") or "",
            "min_price": data.get("min_price"),
            "max_price": data.get("max_price"),
            "in_stock": bool(data.get("in_stock")),
            "sort": data.get("sort") or Sort.NEWEST,
        }

    def ignored_labels(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]


# --- the cart ---------------------------------------------------------------------------------------


class AddToCartForm(forms.Form):
    product = forms.SlugField(max_length=100, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        error_messages=QUANTITY_ERRORS,
    )


class CartQuantityForm(forms.Form):
    """Change a line's quantity; 0 takes it out of the cart."""

    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        max_value=MAX_QUANTITY,
        error_messages=QUANTITY_ERRORS,
    )


class CartRemoveForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- checkout ---------------------------------------------------------------------------------------


def delivery_field_name(producer) -> str:
    return f"delivery_{producer.pk}"


class CheckoutForm(forms.Form):
    """Who the buyer is, where the goods go, how each producer's part arrives and how it is paid."""

    buyer_name = forms.CharField(label=_("Your name"), max_length=120)
    buyer_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        help_text=_("The producer calls this number about the delivery, for example 0912 345 678."),
    )
    buyer_email = forms.EmailField(label=_("Email (optional)"), required=False, max_length=254)
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("House number, street, village or ward. Not needed if you pick everything up."),
    )
    delivery_province = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("Choose a province")), *PROVINCE_CHOICES]
    )
    payment_method = forms.ChoiceField(label=_("How you pay"), widget=forms.RadioSelect)

    def __init__(self, *args, producers, payment_options, **kwargs):
        super().__init__(*args, **kwargs)
        self.producers = list(producers)
        self.payment_options = payment_options
        available = [(option.value, option.label) for option in payment_options if option.available]
        self.fields["payment_method"].choices = available
        if len(available) == 1:
            self.fields["payment_method"].initial = available[0][0]
        for producer in self.producers:
            choices = []
            if producer.offers_pickup:
                choices.append((DeliveryMethod.PICKUP.value, DeliveryMethod.PICKUP.label))
            if delivers_anywhere(producer):
                choices.append((DeliveryMethod.DELIVERY.value, DeliveryMethod.DELIVERY.label))
            self.fields[delivery_field_name(producer)] = forms.ChoiceField(
                label=producer.name,
                choices=choices,
                widget=forms.RadioSelect,
                initial=choices[0][0] if len(choices) == 1 else None,
                error_messages={"required": _("Choose pickup or delivery.")},
            )

    def clean_buyer_name(self):
        return " ".join(self.cleaned_data["buyer_name"].split())

    def clean_buyer_phone(self):
        return normalize_phone(self.cleaned_data["buyer_phone"])

    def buyer(self, user) -> Buyer:
        """The buyer's details from a valid form, for ``place_order`` or ``accept_offer``."""
        data = self.cleaned_data
        return Buyer(
            name=data["buyer_name"],
            phone=data["buyer_phone"],
            email=data["buyer_email"],
            address=data["delivery_address"],
            province=data["delivery_province"],
            user=user,
        )

    def delivery_methods(self) -> dict[int, str]:
        return {
            producer.pk: self.cleaned_data.get(delivery_field_name(producer), "")
            for producer in self.producers
        }

    def clean(self):
        cleaned = super().clean()
        if any(method == DeliveryMethod.DELIVERY for method in self.delivery_methods().values()):
            if not cleaned.get("delivery_address", "").strip():
                self.add_error("delivery_address", _("Give the address to deliver to."))
            if not cleaned.get("delivery_province"):
                self.add_error("delivery_province", _("Choose the province to deliver to."))
        return cleaned

    def delivery_fields(self):
        """``(producer, bound field)`` pairs, in cart order, for the template."""
        return [(producer, self[delivery_field_name(producer)]) for producer in self.producers]


# --- after the order ---------------------------------------------------------------------------------


class CancelOrderForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(str(stars), str(stars)) for stars in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
