"""The partner's own resources: account, usage, exchange log, subscriptions and webhook deliveries.

Input serializers check the *shape* (types, lengths, known ids and names); the rules (https only,
public addresses, at most 20 subscriptions, who may subscribe) are the subscription services'.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from market.models import Category
from village.models import EventKind, Topic

from ..models import DeliveryStatus, ItemKind
from ..services.subscriptions import LANGUAGES

#: what the ``categories`` filter understands: product categories, guide topics, event kinds
KNOWN_CATEGORIES = sorted({*Category.values, *Topic.values, *EventKind.values})


# --- the partner ----------------------------------------------------------------------------------------


class QuotaSerializer(serializers.Serializer):
    per_minute = serializers.IntegerField()
    per_day = serializers.IntegerField()


class KeySummarySerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text=_("The visible part of the key (svp_<prefix>_…)."))
    name = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


class PartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField()
    website = serializers.URLField()
    status = serializers.CharField(help_text=_("pending, approved, rejected or suspended"))
    tier = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    quota = QuotaSerializer()
    licence_terms = serializers.CharField(allow_blank=True)
    keys = KeySummarySerializer(many=True)
    created_at = serializers.DateTimeField()


# --- usage and the exchange log -------------------------------------------------------------------------


class UsageFilter(serializers.Serializer):
    days = serializers.IntegerField(
        required=False, min_value=1, max_value=366, default=30, help_text=_("How many days back (1–366).")
    )


class UsageDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    requests = serializers.IntegerField()
    throttled = serializers.IntegerField(help_text=_("Requests refused for quota (429)."))
    link_clicks = serializers.IntegerField(help_text=_("Clicks on your tracked links that day."))


class UsageTotalsSerializer(serializers.Serializer):
    requests = serializers.IntegerField()
    throttled = serializers.IntegerField()
    link_clicks = serializers.IntegerField()


class UsageSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    totals = UsageTotalsSerializer()
    days = UsageDaySerializer(many=True, help_text=_("Every day of the period, newest first (UTC)."))


class ExchangeLogFilter(serializers.Serializer):
    status = serializers.IntegerField(required=False, min_value=100, max_value=599)
    operation = serializers.CharField(required=False, max_length=120, help_text=_("e.g. product.list"))
    since = serializers.DateTimeField(required=False, help_text=_("Only requests at or after this time."))


class ExchangeRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    key_prefix = serializers.CharField(allow_blank=True)
    method = serializers.CharField()
    operation = serializers.CharField()
    path = serializers.CharField()
    parameters = serializers.DictField()
    status = serializers.IntegerField()
    response_digest = serializers.CharField(
        allow_blank=True,
        help_text=_("SHA-256 (hex) of the response body we sent; empty when there was none."),
    )


# --- subscriptions --------------------------------------------------------------------------------------


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    endpoint_url = serializers.URLField(max_length=500, help_text=_("An https:// address that accepts POST."))
    communes = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=200,
        help_text=_("Commune ids."),
    )
    provinces = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=50,
        help_text=_("Province ids."),
    )
    content_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ItemKind.values),
        required=False,
        max_length=len(ItemKind.values),
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=KNOWN_CATEGORIES),
        required=False,
        max_length=len(KNOWN_CATEGORIES),
        help_text=_("Product categories, guide topics or event kinds."),
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGES), required=False, max_length=len(LANGUAGES)
    )
    minimum_ocop_stars = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    keywords = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=_("Comma-separated alternatives; diacritics and case do not matter (“tra shan, mat ong”)."),
    )
    is_active = serializers.BooleanField(
        required=False, help_text=_("False pauses the subscription; true re-enables a disabled one.")
    )
    disabled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    disabled_reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_communes(self, value):
        places = self.context["places"]
        unknown = sorted({commune for commune in value if commune not in places.communes})
        if unknown:
            raise serializers.ValidationError(
                _("There is no commune with the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
            )
        return value

    def validate_provinces(self, value):
        places = self.context["places"]
        unknown = sorted({province for province in value if province not in places.provinces})
        if unknown:
            raise serializers.ValidationError(
                _("There is no province with the id %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
            )
        return value


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    """Answers of *create* and *rotate secret*: the only times the signing secret is shown."""

    secret = serializers.CharField(
        read_only=True, help_text=_("Your signing secret: store it now, it is not shown again.")
    )


# --- deliveries -----------------------------------------------------------------------------------------


class DeliveryFilter(serializers.Serializer):
    subscription = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event_id = serializers.UUIDField(required=False, help_text=_("Every delivery of one event."))

    def validate_subscription(self, value):
        if not self.context["subscriptions"].filter(pk=value).exists():
            raise serializers.ValidationError(_("You have no subscription with this id."))
        return value


class DeliveryAttemptSerializer(serializers.Serializer):
    attempted_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    # The start of the endpoint's answer is kept for the platform's operators but not shown to the
    # partner: with DNS rebinding an endpoint could point at an internal service for one request, and
    # its answer must not travel back to whoever chose the address.


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField(help_text=_("Deduplicate on it: retries and redeliveries keep it."))
    type = serializers.CharField(source="event_name")
    subscription = serializers.IntegerField(source="subscription_id")
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.SerializerMethodField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)

    def get_next_attempt_at(self, obj) -> serializers.DateTimeField(allow_null=True):
        if obj.status != DeliveryStatus.PENDING:
            return None
        return serializers.DateTimeField().to_representation(obj.next_attempt_at)


class DeliveryDetailSerializer(DeliverySerializer):
    body = serializers.JSONField(help_text=_("The event as sent."))
    attempts = DeliveryAttemptSerializer(many=True, source="attempts.all")
