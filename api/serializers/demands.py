"""A signed-in buyer's demands, their ranked matches and the producers' offers on them.

A demand (and its delivery point) is the buyer's own: answered only to the token's owner, never to a
partner's key. The matches show products by their public fields (the partner product representation)
and producers by their business name — no owner, phone, address or bank data. The shape is validated
here; every rule (needed-by in the past, a demand no longer open…) is the market's
(``market.services.demands``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from market.models import Category, CertificationKind, DemandStatus, OfferStatus, PaymentMethod
from market.models import Unit as ProductUnit
from market.zones import PROVINCE_CHOICES

from .common import PlaceRefSerializer
from .market import ProductSerializer
from .orders import PlaceOrderSerializer

#: the database's bounds (PositiveIntegerField, PositiveBigIntegerField): beyond them is a 400, not a 500
MAXIMUM_QUANTITY = 2_147_483_647
MAXIMUM_PRICE = 9_223_372_036_854_775_807
MAXIMUM_MATCHES = 50


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(CertificationKind.values)}})
class CertificationListField(serializers.ListField):
    """Certification kinds, listed in place in the schema (the products' ``kind`` enum keeps its name)."""


class DemandWriteSerializer(serializers.Serializer):
    """What a buyer sends to post a demand (every field; PATCH sends only those that change)."""

    title = serializers.CharField(max_length=140, help_text=_("What you are looking for."))
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    keywords = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text=_("More words producers' listings should have (varieties, places, “or” alternatives)."),
    )
    quantity = serializers.IntegerField(
        min_value=1, max_value=MAXIMUM_QUANTITY, help_text=_("How much, in the demand's unit.")
    )
    unit = serializers.ChoiceField(choices=ProductUnit.choices)
    max_unit_price = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAXIMUM_PRICE,
        help_text=_("The highest price per unit in VND (whole đồng); leave out for any price."),
    )
    delivery_province = serializers.ChoiceField(
        choices=PROVINCE_CHOICES, help_text=_("The province to deliver to (one of the 34).")
    )
    delivery_latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        help_text=_("With delivery_longitude: the delivery point; otherwise the province's centre."),
    )
    delivery_longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False, allow_null=True
    )
    needed_by = serializers.DateField(help_text=_("YYYY-MM-DD; today or later."))
    required_certifications = CertificationListField(
        child=serializers.ChoiceField(choices=CertificationKind.choices),
        required=False,
        max_length=len(CertificationKind.choices),
        help_text=_("Certifications every offered product must hold."),
    )
    minimum_ocop_stars = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate_required_certifications(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Give each certification once."))
        return value

    def validate(self, attrs):
        latitude = attrs.get("delivery_latitude", getattr(self.instance, "delivery_latitude", None))
        longitude = attrs.get("delivery_longitude", getattr(self.instance, "delivery_longitude", None))
        if (latitude is None) != (longitude is None):
            missing = "delivery_longitude" if longitude is None else "delivery_latitude"
            raise serializers.ValidationError(
                {missing: [_("Give both the latitude and the longitude of the delivery point, or neither.")]}
            )
        return attrs


class DemandSerializer(serializers.Serializer):
    """One of the buyer's demands, as the buyer sees it."""

    public_id = serializers.UUIDField(help_text=_("The demand's id in addresses."))
    title = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices, allow_blank=True)
    keywords = serializers.CharField(allow_blank=True)
    quantity = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=ProductUnit.choices)
    max_unit_price = serializers.IntegerField(allow_null=True, help_text=_("VND per unit; null for any."))
    currency = serializers.SerializerMethodField()
    delivery_province = serializers.ChoiceField(choices=PROVINCE_CHOICES)
    delivery_latitude = serializers.FloatField(allow_null=True)
    delivery_longitude = serializers.FloatField(allow_null=True)
    needed_by = serializers.DateField()
    required_certifications = CertificationListField(
        child=serializers.ChoiceField(choices=CertificationKind.choices)
    )
    minimum_ocop_stars = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=DemandStatus.choices)
    open_offers = serializers.IntegerField(help_text=_("Offers waiting for your answer."))
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_currency(self, obj) -> str:
        return "VND"


# --- matches ------------------------------------------------------------------------------------------


class MatchSerializer(serializers.Serializer):
    """A product ranked for the demand, with the score broken into its parts."""

    rank = serializers.IntegerField(help_text=_("1 for the best match."))
    score = serializers.FloatField(help_text=_("0–1: the weighted sum of the parts."))
    parts = serializers.DictField(
        child=serializers.FloatField(),
        help_text=_(
            "Each component's contribution to the score (text, category, quantity, price, certification, "
            "distance, season, reliability): at most its weight, the more the better the product fits."
        ),
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text=_("The explanation in words, in the requested language.")
    )
    product = serializers.SerializerMethodField()

    def get_product(self, obj) -> ProductSerializer:
        return ProductSerializer(obj["product"], context=self.context).data


class MatchesSerializer(serializers.Serializer):
    demand = serializers.UUIDField()
    weights = serializers.DictField(
        child=serializers.FloatField(), help_text=_("The weight of each component (they add up to 1).")
    )
    results = MatchSerializer(many=True)


class MatchesFilter(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAXIMUM_MATCHES,
        default=20,
        help_text=_("How many matches (1–50, default 20)."),
    )
    lang = serializers.ChoiceField(choices=["vi", "en"], required=False)


# --- offers -------------------------------------------------------------------------------------------


class DemandFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=DemandStatus.choices, required=False)
    lang = serializers.ChoiceField(choices=["vi", "en"], required=False)


class OfferSerializer(serializers.Serializer):
    """A producer's answer to the demand: this product, this quantity (in the product's unit), this price."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=OfferStatus.choices)
    producer = serializers.SerializerMethodField()
    product = serializers.SerializerMethodField()
    quantity = serializers.IntegerField(help_text=_("In the product's unit."))
    unit = serializers.ChoiceField(choices=ProductUnit.choices, source="product.unit")
    unit_price = serializers.IntegerField(help_text=_("VND per unit of the product."))
    total = serializers.IntegerField(help_text=_("VND."))
    currency = serializers.SerializerMethodField()
    available_on = serializers.DateField(help_text=_("The producer can deliver from this day."))
    note = serializers.CharField(allow_blank=True)
    order = serializers.SerializerMethodField(help_text=_("The order's reference once accepted."))
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_producer(self, obj) -> PlaceRefSerializer:
        return {"id": obj.producer_id, "title": obj.producer.name}

    def get_product(self, obj) -> PlaceRefSerializer:
        return {"id": obj.product_id, "title": obj.product.name}

    def get_currency(self, obj) -> str:
        return "VND"

    def get_order(self, obj) -> str | None:
        return obj.order.reference if obj.order_id else None


class AcceptOfferSerializer(PlaceOrderSerializer):
    """The checkout details of the order the accepted offer becomes: the same fields as placing an order
    (``POST /api/v1/orders/``) without the items — the offer says the product, quantity and price."""

    items = None
    payment_method = serializers.ChoiceField(
        choices=[
            (PaymentMethod.CASH_ON_DELIVERY.value, PaymentMethod.CASH_ON_DELIVERY.label),
            (PaymentMethod.BANK_TRANSFER.value, PaymentMethod.BANK_TRANSFER.label),
        ],
        help_text=_("cod: cash on delivery; vietqr: bank transfer by VietQR (the answer carries the QR)."),
    )
    delivery_province = serializers.ChoiceField(
        choices=PROVINCE_CHOICES, required=False, allow_blank=True, default="",
        help_text=_("For delivery; the demand's province when left out."),
    )  # fmt: skip


class OfferPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OfferSerializer(many=True)
