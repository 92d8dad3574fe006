"""Producers, products and lots as partners see them: public fields only, no contact or bank data."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from market.models import Category, CertificationKind, Unit
from market.selectors import CARD_RENDITIONS

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
        return {"stars": rating.stars, "certificate_number": rating.certificate_number, "expires_on": rating.expires_on}

    def get_certifications(self, obj) -> CertificationSerializer(many=True):
        today = self.context["today"]
        return [
            {"kind": item.kind, "issuer": item.issuer, "valid_until": item.valid_until}
            for item in obj.certifications.all()
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
        image = getattr(obj, "card_image", None)
        if image is None:
            return None
        rendition = image.get_rendition(CARD_IMAGE_SPEC)
        request = self.context.get("request")
        return request.build_absolute_uri(rendition.url) if request else rendition.url

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["name"] = obj.name
        data["description"] = obj.description
        return data


class ProductFilter(CommonFilter):
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    minimum_ocop_stars = serializers.IntegerField(required=False, min_value=1, max_value=5)
    in_stock = serializers.BooleanField(required=False, allow_null=True, default=None)
    max_price = serializers.IntegerField(required=False, min_value=1, help_text=_("VND per unit."))
    producer = serializers.IntegerField(required=False, min_value=1)
