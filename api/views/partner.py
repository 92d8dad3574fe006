"""The partner's self-service: its account, usage, exchange log, subscriptions and webhook deliveries.

Only a partner's API key gets here (``partner_only``); a person's token is refused. Everything is the
caller's own: another partner's subscription or delivery is a 404. These answers change without any
content event (a request is logged, an attempt is made), so they are not conditional (no ETag).
"""

from datetime import timedelta

from django.db.models import Prefetch, Sum
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import (
    DeliveryAttempt,
    ExchangeRecord,
    LinkClickDay,
    Scope,
    Subscription,
    UsageDay,
    WebhookDelivery,
)
from ..places import places_for
from ..quotas import quota_for_tier
from ..serializers.partner import (
    DeliveryDetailSerializer,
    DeliveryFilter,
    DeliverySerializer,
    ExchangeLogFilter,
    ExchangeRecordSerializer,
    PartnerSerializer,
    SubscriptionSerializer,
    SubscriptionWithSecretSerializer,
    UsageFilter,
    UsageSerializer,
)
from ..services import subscriptions as subscription_services
from .base import ApiViewMixin


class PartnerOnlyMixin(ApiViewMixin):
    partner_only = True
    conditional = False


@extend_schema_view(
    get=extend_schema(summary="Your partner account", tags=["partner"], responses=PartnerSerializer)
)
class PartnerView(PartnerOnlyMixin, generics.GenericAPIView):
    """Your organisation, status, tier, scopes, quotas, licence terms and keys (never their secrets)."""

    basename = "partner"
    serializer_class = PartnerSerializer

    def get(self, request, *args, **kwargs):
        partner = self.partner
        quota = quota_for_tier(partner.tier)
        data = {
            "id": partner.pk,
            "organisation": partner.organisation,
            "website": partner.website,
            "status": partner.status,
            "tier": partner.tier,
            "scopes": partner.scopes,
            "quota": {"per_minute": quota.per_minute, "per_day": quota.per_day},
            "licence_terms": partner.licence_terms,
            "keys": [
                {
                    "prefix": key.prefix,
                    "name": key.name,
                    "created_at": key.created_at,
                    "last_used_at": key.last_used_at,
                    "is_active": key.is_active,
                }
                for key in partner.keys.all()
            ],
            "created_at": partner.created_at,
        }
        return Response(PartnerSerializer(data).data)


@extend_schema_view(
    get=extend_schema(
        summary="Your requests per day", tags=["partner"], parameters=[UsageFilter], responses=UsageSerializer
    )
)
class UsageView(PartnerOnlyMixin, generics.GenericAPIView):
    """Requests, quota refusals (429) and tracked-link clicks per day (UTC), every day of the period."""

    basename = "partner-usage"
    serializer_class = UsageSerializer
    filter_serializer_class = UsageFilter

    def get(self, request, *args, **kwargs):
        days = self.filters()["days"]
        until = timezone.now().date()
        since = until - timedelta(days=days - 1)
        usage = {
            row.day: row
            for row in UsageDay.objects.filter(partner=self.partner, day__gte=since, day__lte=until)
        }
        clicks = dict(
            LinkClickDay.objects.filter(partner=self.partner, day__gte=since, day__lte=until)
            .values("day")
            .annotate(total=Sum("clicks"))
            .values_list("day", "total")
        )
        rows = []
        for offset in range(days):
            day = until - timedelta(days=offset)
            counted = usage.get(day)
            rows.append(
                {
                    "day": day,
                    "requests": counted.requests if counted else 0,
                    "throttled": counted.throttled if counted else 0,
                    "link_clicks": clicks.get(day, 0),
                }
            )
        totals = {name: sum(row[name] for row in rows) for name in ("requests", "throttled", "link_clicks")}
        return Response(
            UsageSerializer({"since": since, "until": until, "totals": totals, "days": rows}).data
        )


@extend_schema_view(
    get=extend_schema(summary="Your exchange log", tags=["partner"], parameters=[ExchangeLogFilter])
)
class ExchangeLogView(PartnerOnlyMixin, generics.ListAPIView):
    """Every request you made (kept ``API_EXCHANGE_LOG_DAYS`` days), newest first, with the SHA-256 of
    what we answered, so both sides can prove what was exchanged."""

    basename = "partner-exchange-log"
    serializer_class = ExchangeRecordSerializer
    filter_serializer_class = ExchangeLogFilter

    def get_queryset(self):
        return ExchangeRecord.objects.filter(partner=self.partner)

    def apply_filters(self, queryset, filters):
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        if "operation" in filters:
            queryset = queryset.filter(operation=filters["operation"])
        if "since" in filters:
            queryset = queryset.filter(created_at__gte=filters["since"])
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Your webhook subscriptions", tags=["partner"]),
    retrieve=extend_schema(summary="One subscription", tags=["partner"]),
    create=extend_schema(
        summary="Subscribe an endpoint",
        tags=["partner"],
        request=SubscriptionSerializer,
        responses={201: SubscriptionWithSecretSerializer},
    ),
    partial_update=extend_schema(summary="Change, pause or re-enable a subscription", tags=["partner"]),
    destroy=extend_schema(summary="Delete a subscription", tags=["partner"], responses={204: None}),
    rotate_secret=extend_schema(
        summary="Make a new signing secret",
        tags=["partner"],
        request=None,
        responses=SubscriptionWithSecretSerializer,
    ),
)
class SubscriptionViewSet(
    PartnerOnlyMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your webhook endpoints and what each wants to hear about (empty filter = everything).

    The signing secret is shown in the answer of *create* and of *rotate secret* only."""

    required_scope = Scope.WEBHOOKS
    serializer_class = SubscriptionSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Subscription.objects.filter(partner=self.partner)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["places"] = places_for(self.request, self.language)
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("is_active", None)
        subscription = subscription_services.create_subscription(partner=self.partner, actor=None, **fields)
        return Response(SubscriptionWithSecretSerializer(subscription).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        subscription = self.get_object()
        serializer = self.get_serializer(subscription, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        subscription = subscription_services.update_subscription(
            subscription=subscription, actor=None, **serializer.validated_data
        )
        return Response(SubscriptionSerializer(subscription).data)

    def destroy(self, request, *args, **kwargs):
        subscription_services.delete_subscription(subscription=self.get_object(), actor=None)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        subscription = subscription_services.rotate_secret(subscription=self.get_object(), actor=None)
        return Response(SubscriptionWithSecretSerializer(subscription).data)


@extend_schema_view(
    list=extend_schema(summary="Your webhook deliveries", tags=["partner"], parameters=[DeliveryFilter]),
    retrieve=extend_schema(summary="One delivery with its attempts", tags=["partner"]),
    redeliver=extend_schema(
        summary="Send an event again (same event id)",
        tags=["partner"],
        request=None,
        responses={202: OpenApiResponse(DeliveryDetailSerializer, description="The new delivery, queued.")},
    ),
)
class DeliveryViewSet(
    PartnerOnlyMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The delivery log: every event sent to your endpoints, its status and (in detail) every attempt."""

    required_scope = Scope.WEBHOOKS
    filter_serializer_class = DeliveryFilter

    def get_queryset(self):
        deliveries = WebhookDelivery.objects.filter(subscription__partner=self.partner)
        if self.action in ("retrieve", "redeliver"):
            attempts = Prefetch("attempts", queryset=DeliveryAttempt.objects.order_by("-attempted_at", "-pk"))
            deliveries = deliveries.select_related("subscription").prefetch_related(attempts)
        return deliveries

    def get_serializer_class(self):
        return DeliverySerializer if self.action == "list" else DeliveryDetailSerializer

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            serializer = DeliveryFilter(
                data=self.request.query_params,
                context={"subscriptions": Subscription.objects.filter(partner=self.partner)},
            )
            serializer.is_valid(raise_exception=True)
            self._filters = serializer.validated_data
        return self._filters

    def apply_filters(self, queryset, filters):
        if "subscription" in filters:
            queryset = queryset.filter(subscription_id=filters["subscription"])
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        if "event_id" in filters:
            queryset = queryset.filter(event_id=filters["event_id"])
        return queryset

    @action(detail=True, methods=["post"])
    def redeliver(self, request, *args, **kwargs):
        copy = subscription_services.redeliver(delivery=self.get_object(), actor=None)
        copy = self.get_queryset().get(pk=copy.pk)
        return Response(DeliveryDetailSerializer(copy).data, status=status.HTTP_202_ACCEPTED)
