"""Stays, tours and experiences as partners see them: the listing, its rooms or departures, prices in
VND, the rating and published reviews — never the host's owner, phone, email or bank account, nor a
guest's or a reviewer's name."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tourism.models import Amenity, BookingMode, CancellationPolicy, Language, ServiceKind
from tourism.selectors import CARD_RENDITIONS

from ..syndication import rendition_url
from .base import SyndicatedMixin
from .common import CommonFilter, LocalTimeField, PlaceRefSerializer, place_ref

#: the larger card photo the site already renders (so it is prefetched, not made per request)
CARD_IMAGE_SPEC = CARD_RENDITIONS[-1]
MAXIMUM_DEPARTURE_DAYS = 92
DEFAULT_DEPARTURE_DAYS = 30


class PriceFromSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text=_("In VND (whole đồng)."))
    currency = serializers.CharField()
    per = serializers.ChoiceField(choices=["night", "person"])


class RatingSerializer(serializers.Serializer):
    average = serializers.FloatField(allow_null=True, help_text=_("1–5, one decimal; null without reviews."))
    count = serializers.IntegerField()


class ServiceSerializer(SyndicatedMixin, serializers.Serializer):
    """What every stay, tour and experience shows (a listing decorated by ``tourism.views.cards``)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    title = serializers.CharField(help_text=_("In the requested language (Vietnamese when not translated)."))
    description = serializers.CharField(allow_blank=True)
    commune = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    amenities = serializers.ListField(child=serializers.ChoiceField(choices=Amenity.choices))
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), help_text=_("Languages the host speaks.")
    )
    booking_mode = serializers.ChoiceField(choices=BookingMode.choices)
    cancellation_policy = serializers.ChoiceField(choices=CancellationPolicy.choices)
    accepts_pay_on_arrival = serializers.BooleanField()
    price_from = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def item_path(self, obj) -> str:
        return reverse("tourism:service", args=[obj.slug])

    def item_commune(self, obj):
        return self.context["places"].commune_by_page_id(obj.commune_id)

    def get_commune(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].commune_by_page_id(obj.commune_id))

    def get_province(self, obj) -> PlaceRefSerializer(allow_null=True):
        places = self.context["places"]
        return place_ref(places.province_of_commune(places.commune_by_page_id(obj.commune_id)))

    def get_price_from(self, obj) -> PriceFromSerializer(allow_null=True):
        if not obj.from_price:
            return None
        return {"amount": obj.from_price, "currency": "VND", "per": obj.price_per}

    def get_rating(self, obj) -> RatingSerializer:
        average = getattr(obj, "rating_average", None)
        return {
            "average": round(average, 1) if average else None,
            "count": getattr(obj, "rating_count", 0) or 0,
        }

    def get_image_url(self, obj) -> str | None:
        return rendition_url(getattr(obj, "card_image", None), CARD_IMAGE_SPEC, self.context.get("request"))


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("In the requested language."))
    capacity = serializers.IntegerField(help_text=_("Guests at most."))
    included_guests = serializers.IntegerField(help_text=_("Guests the nightly price includes."))
    nightly_price = serializers.IntegerField(help_text=_("VND per night, before seasons and weekends."))
    extra_guest_price = serializers.IntegerField(help_text=_("VND per extra guest per night."))
    minimum_nights = serializers.IntegerField()


class StaySerializer(ServiceSerializer):
    check_in_time = LocalTimeField()
    check_out_time = LocalTimeField()
    units = serializers.SerializerMethodField(help_text=_("Rooms and beds taking bookings, cheapest first."))

    def get_units(self, obj) -> UnitSerializer(many=True):
        return UnitSerializer(list(obj.units.all()), many=True).data


class ExperienceSerializer(ServiceSerializer):
    meeting_point = serializers.CharField(allow_blank=True)
    duration_minutes = serializers.IntegerField(allow_null=True)
    price_per_person = serializers.IntegerField(
        allow_null=True, help_text=_("VND; departures may have their own price.")
    )
    maximum_group = serializers.IntegerField(help_text=_("Largest group booked on request."))


# --- filters ------------------------------------------------------------------------------------------


class LanguagesField(serializers.CharField):
    """A comma-separated list of language codes (``en,fr``)."""

    default_error_messages = {"unknown": _("Unknown language code(s): {codes}.")}

    def to_internal_value(self, data):
        codes = [code.strip() for code in super().to_internal_value(data).split(",") if code.strip()]
        unknown = [code for code in codes if code not in Language.values]
        if unknown:
            self.fail("unknown", codes=", ".join(unknown))
        return codes


class ServiceFilter(CommonFilter):
    kind = serializers.ChoiceField(choices=ServiceKind.choices, required=False)
    max_price = serializers.IntegerField(
        required=False, min_value=1, help_text=_("VND: per night for stays, per person for experiences.")
    )
    guests = serializers.IntegerField(
        required=False, min_value=1, max_value=200, help_text=_("Only what can take a party this size.")
    )
    languages = LanguagesField(
        required=False, help_text=_("Comma-separated codes; the host speaks at least one of them.")
    )


class StayFilter(ServiceFilter):
    kind = serializers.ChoiceField(choices=[ServiceKind.STAY], required=False)


class ExperienceFilter(ServiceFilter):
    kind = serializers.ChoiceField(choices=[ServiceKind.TOUR, ServiceKind.EXPERIENCE], required=False)


# --- availability, departures, reviews ---------------------------------------------------------------


class AvailabilityQuery(serializers.Serializer):
    check_in = serializers.DateField(help_text=_("YYYY-MM-DD"))
    check_out = serializers.DateField(help_text=_("YYYY-MM-DD, after check-in."))
    guests = serializers.IntegerField(min_value=1, max_value=30, default=1)


class PriceLineSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_("e.g. “2 nights × 400.000 ₫”, in the requested language."))
    amount = serializers.IntegerField(help_text=_("VND."))
    kind = serializers.ChoiceField(choices=["nights", "extra_guests", "seats"])


class QuoteSerializer(serializers.Serializer):
    lines = PriceLineSerializer(many=True)
    total = serializers.IntegerField(help_text=_("VND."))
    currency = serializers.CharField()


def quote_data(quote) -> dict:
    return {"lines": quote.lines_as_dicts(), "total": quote.total, "currency": "VND"}


class UnitAvailabilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    capacity = serializers.IntegerField()
    available = serializers.BooleanField(help_text=_("Every night free, and the room fits the party."))
    reason = serializers.CharField(allow_null=True, help_text=_("Why the room cannot be booked, when not."))
    quote = QuoteSerializer(allow_null=True)


class AvailabilitySerializer(serializers.Serializer):
    stay = serializers.IntegerField()
    check_in = serializers.DateField()
    check_out = serializers.DateField()
    nights = serializers.IntegerField()
    guests = serializers.IntegerField()
    available = serializers.BooleanField(help_text=_("At least one room is free for the whole stay."))
    units = UnitAvailabilitySerializer(many=True)


class DeparturesQuery(serializers.Serializer):
    # ``from`` is a Python keyword: the field is added under that name below
    to = serializers.DateField(
        required=False, help_text=_("Last day (inclusive); 30 days after “from” by default.")
    )
    guests = serializers.IntegerField(min_value=1, max_value=500, default=1, help_text=_("Seats needed."))

    def validate(self, attrs):
        starts_on = attrs.get("from") or self.context["today"]
        ends_on = attrs.get("to") or starts_on + timedelta(days=DEFAULT_DEPARTURE_DAYS)
        if ends_on < starts_on:
            raise serializers.ValidationError({"to": [_("“to” must not be before “from”.")]})
        if (ends_on - starts_on).days > MAXIMUM_DEPARTURE_DAYS:
            raise serializers.ValidationError(
                {"to": [_("Ask for %(days)d days at most.") % {"days": MAXIMUM_DEPARTURE_DAYS}]}
            )
        return {**attrs, "from": starts_on, "to": ends_on}


DeparturesQuery._declared_fields["from"] = serializers.DateField(
    required=False, help_text=_("First day (YYYY-MM-DD); today by default.")
)


class DepartureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    capacity = serializers.IntegerField()
    seats_left = serializers.IntegerField()
    price_per_person = serializers.IntegerField(help_text=_("VND."))


class DeparturesSerializer(serializers.Serializer):
    experience = serializers.IntegerField()
    guests = serializers.IntegerField()
    departures = DepartureSerializer(many=True)


class ServiceReviewSerializer(serializers.Serializer):
    """A published review: no reviewer's name."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(allow_blank=True)
    reply = serializers.CharField(allow_blank=True, help_text=_("The host's reply, if any."))
    replied_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ServiceReviewPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ServiceReviewSerializer(many=True)
