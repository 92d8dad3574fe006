"""Producers, products, lots and reviews as partners see them: public fields only, no contact or bank data,
no owner, no reviewer."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from market.models import Category, CertificationKind, Producer, ProducerKind, Product, Unit
from market.selectors import CARD_RENDITIONS
from market.services import producer_reliability

from ..syndication import rendition_url
from .base import SyndicatedMixin
from .common import CommonFilter, PlaceRefSerializer, place_ref

#: a card photo the catalogue already renders (so it is prefetched, not made per request)
CARD_IMAGE_SPEC = CARD_RENDITIONS[-1]


class OcopSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    certificate_number = serializers.CharField()
    expires_on = serializers.DateField()


class CertificationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CertificationKind.choices)
    issuer = serializers.CharField(allow_blank=True)
    valid_until = serializers.DateField(allow_null=True)


class ProductSerializer(SyndicatedMixin, serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField(help_text=_("In the requested language (Vietnamese when not translated)."))
    description = serializers.CharField(allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices)
    unit = serializers.ChoiceField(choices=Unit.choices)
    price = serializers.IntegerField(help_text=_("Price per unit in VND (whole đồng)."))
    currency = serializers.SerializerMethodField()
    minimum_order = serializers.IntegerField()
    in_stock = serializers.SerializerMethodField()
    stock = serializers.IntegerField(help_text=_("Units available now."))
    harvest_months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12))
    ocop = serializers.SerializerMethodField()
    certifications = serializers.SerializerMethodField()
    producer = serializers.SerializerMethodField()
    commune = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def item_path(self, obj) -> str:
        return reverse("market:product", kwargs={"slug": obj.slug})

    def item_commune(self, obj):
        return self.context["places"].commune_by_page_id(obj.commune_id)

    def get_currency(self, obj) -> str:
        return "VND"

    def get_in_stock(self, obj) -> bool:
        return obj.stock > 0

    def get_ocop(self, obj) -> OcopSerializer(allow_null=True):
        rating = getattr(obj, "current_ocop", None)
        if rating is None:
            return None
        return {
            "stars": rating.stars,
            "certificate_number": rating.certificate_number,
            "expires_on": rating.expires_on,
        }

    def get_certifications(self, obj) -> CertificationSerializer(many=True):
        today = self.context["today"]
        certifications = getattr(obj, "ordered_certifications", None)  # prefetched by the product views
        if certifications is None:
            certifications = obj.certifications.all()
        return [
            {"kind": item.kind, "issuer": item.issuer, "valid_until": item.valid_until}
            for item in certifications
            if item.is_current(today)
        ]

    def get_producer(self, obj) -> PlaceRefSerializer:
        return {"id": obj.producer_id, "title": obj.producer.name}

    def get_commune(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].commune_by_page_id(obj.commune_id))

    def get_province(self, obj) -> PlaceRefSerializer(allow_null=True):
        places = self.context["places"]
        return place_ref(places.province_of_commune(places.commune_by_page_id(obj.commune_id)))

    def get_image_url(self, obj) -> str | None:
        return rendition_url(getattr(obj, "card_image", None), CARD_IMAGE_SPEC, self.context.get("request"))

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["name"] = obj.name
        data["description"] = obj.description
        return data


class MarketRefsFilter(serializers.Serializer):
    """``producer`` and ``product`` ids: an id that names nothing a partner may see is a 400."""

    def validate_producer(self, value):
        if not Producer.objects.approved().filter(pk=value).exists():
            raise serializers.ValidationError(_("There is no producer with this id."))
        return value

    def validate_product(self, value):
        if not Product.objects.listed().filter(pk=value).exists():
            raise serializers.ValidationError(_("There is no product with this id."))
        return value


class ProductFilter(MarketRefsFilter, CommonFilter):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    minimum_ocop_stars = serializers.IntegerField(required=False, min_value=1, max_value=5)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    max_price = serializers.IntegerField(required=False, min_value=1, help_text=_("VND per unit."))
    producer = serializers.IntegerField(required=False, min_value=1)


# --- producers --------------------------------------------------------------------------------------


class ReliabilitySerializer(serializers.Serializer):
    fulfilment_rate = serializers.FloatField(
        allow_null=True, help_text=_("Orders delivered over orders taken on (0–1); null before any.")
    )
    orders_fulfilled = serializers.IntegerField()
    median_hours_to_ship = serializers.FloatField(allow_null=True)
    average_rating = serializers.FloatField(allow_null=True, help_text=_("1–5 stars from verified buyers."))
    review_count = serializers.IntegerField()


class ProducerSerializer(SyndicatedMixin, serializers.Serializer):
    """A household, cooperative or small enterprise that sells. Never its owner, phone or bank account."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ProducerKind.choices)
    story = serializers.CharField(help_text=_("In the requested language (Vietnamese when not translated)."))
    commune = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    products_count = serializers.IntegerField(help_text=_("Products on sale now."))
    updated_at = serializers.DateTimeField()

    def item_path(self, obj) -> str:
        return reverse("market:producer", kwargs={"slug": obj.slug})

    def item_commune(self, obj):
        return self.context["places"].commune_by_page_id(obj.commune_id)

    def get_commune(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].commune_by_page_id(obj.commune_id))

    def get_province(self, obj) -> PlaceRefSerializer(allow_null=True):
        places = self.context["places"]
        return place_ref(places.province_of_commune(places.commune_by_page_id(obj.commune_id)))


class ProducerDetailSerializer(ProducerSerializer):
    reliability = serializers.SerializerMethodField(
        help_text=_("The figures the marketplace shows buyers (only on the detail, they take a few queries).")
    )

    def get_reliability(self, obj) -> ReliabilitySerializer:
        return producer_reliability(obj)


class ProducerFilter(CommonFilter):
    kind = serializers.ChoiceField(choices=ProducerKind.choices, required=False)


# --- lots and reviews -------------------------------------------------------------------------------


def _product_ref(product) -> dict:
    return {"id": product.pk, "title": product.name}


class LotSerializer(SyndicatedMixin, serializers.Serializer):
    """A harvest or production lot: what the QR code on the pack leads to."""

    public_id = serializers.UUIDField(help_text=_("The lot's id (also in its QR code)."))
    code = serializers.CharField(help_text=_("The producer's lot number."))
    product = serializers.SerializerMethodField()
    producer = serializers.SerializerMethodField()
    commune = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    harvested_on = serializers.DateField(allow_null=True)
    produced_on = serializers.DateField(allow_null=True)
    best_before = serializers.DateField(allow_null=True)
    quantity = serializers.IntegerField(allow_null=True, help_text=_("Units in the lot."))
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    def item_path(self, obj) -> str:
        return reverse("market:lot", kwargs={"public_id": obj.public_id})

    def item_commune(self, obj):
        return self.context["places"].commune_by_page_id(obj.product.commune_id)

    def get_product(self, obj) -> PlaceRefSerializer:
        return _product_ref(obj.product)

    def get_producer(self, obj) -> PlaceRefSerializer:
        return {"id": obj.product.producer_id, "title": obj.product.producer.name}

    def get_commune(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.item_commune(obj))

    def get_province(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].province_of_commune(self.item_commune(obj)))


class LotFilter(MarketRefsFilter, CommonFilter):
    updated_since = serializers.DateTimeField(
        required=False, help_text=_("Only lots recorded at or after this time (ISO 8601).")
    )
    product = serializers.IntegerField(required=False, min_value=1)
    producer = serializers.IntegerField(required=False, min_value=1)


class ReviewSerializer(SyndicatedMixin, serializers.Serializer):
    """A verified buyer's review of a product: the stars and the text, never who wrote it."""

    id = serializers.IntegerField()
    product = serializers.SerializerMethodField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    def item_path(self, obj) -> str:
        return reverse("market:product", kwargs={"slug": obj.product.slug})

    def item_commune(self, obj):
        return self.context["places"].commune_by_page_id(obj.product.commune_id)

    def get_product(self, obj) -> PlaceRefSerializer:
        return _product_ref(obj.product)


class ReviewFilter(MarketRefsFilter, CommonFilter):
    updated_since = serializers.DateTimeField(
        required=False, help_text=_("Only reviews written at or after this time (ISO 8601).")
    )
    product = serializers.IntegerField(required=False, min_value=1)
    producer = serializers.IntegerField(required=False, min_value=1)
    minimum_rating = serializers.IntegerField(required=False, min_value=1, max_value=5)
