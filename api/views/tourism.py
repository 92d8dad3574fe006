"""Stays, tours and experiences (``tourism:read``): listings, a stay's availability and quote, an
experience's departures, and published reviews.

The lists are what the site's search lists (``tourism.selectors.find_services``: listed services that
can take the party), the details any listed service (``Service.objects.listed()``). Availability, quotes
and departures come from ``tourism.availability``, ``tourism.pricing`` and the booking service's own
checks, so the API and the pages can never disagree.
"""

from datetime import timedelta

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from tourism import availability, selectors
from tourism.exceptions import TourismError
from tourism.models import ReviewStatus, Service, ServiceKind
from tourism.services import bookings
from tourism.views.cards import decorate_cards

from ..domain_errors import DomainErrorsMixin
from ..models import Scope
from ..serializers.tourism import (
    AvailabilityQuery,
    AvailabilitySerializer,
    DeparturesQuery,
    DeparturesSerializer,
    ExperienceFilter,
    ExperienceSerializer,
    ServiceReviewPageSerializer,
    ServiceReviewSerializer,
    StayFilter,
    StaySerializer,
    quote_data,
)
from .base import ReadOnlyApiViewSet
from .market import PlacesMixin

#: answers that depend on the clock and on holds expiring: no ETag, so never a 304 nor a cached answer
LIVE_ACTIONS = ("availability", "departures")


class ServiceViewSet(DomainErrorsMixin, PlacesMixin, ReadOnlyApiViewSet):
    """Listed services of ``kinds``."""

    required_scope = Scope.TOURISM_READ
    kinds: tuple[str, ...] = ()

    @property
    def conditional(self) -> bool:
        return getattr(self, "action", None) not in LIVE_ACTIONS

    def listed(self):
        return Service.objects.listed().filter(kind__in=self.kinds)

    def get_queryset(self):
        if self.action == "list":
            filters = self.filters()
            search = selectors.Search(
                kind=filters.get("kind", ""),
                guests=filters.get("guests", 1),
                max_price=filters.get("max_price"),
            )
            return selectors.find_services(search).filter(kind__in=self.kinds)
        if self.action == "retrieve":
            return selectors.with_cards(self.listed())
        return self.listed()

    def apply_filters(self, queryset, filters):
        page_ids = self.commune_page_ids(filters)
        if page_ids is not None:
            queryset = queryset.filter(commune_id__in=page_ids)
        if "updated_since" in filters:
            queryset = queryset.filter(updated_at__gte=filters["updated_since"])
        if filters.get("languages"):
            # a JSON list of fixed codes: its text holds ``"en"`` exactly when it lists English (any backend)
            spoken = Q()
            for code in filters["languages"]:
                spoken |= Q(languages_text__contains=f'"{code}"')
            queryset = queryset.alias(languages_text=Cast("languages", TextField())).filter(spoken)
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return decorate_cards(page, commune_titles={}) if page is not None else None

    def get_object(self):
        service = super().get_object()
        if self.action == "retrieve":
            return decorate_cards([service], commune_titles={})[0]
        return service

    def _reviews(self, request):
        service = self.get_object()
        reviews = service.reviews.filter(status=ReviewStatus.PUBLISHED).only(
            "id", "rating", "text", "reply", "replied_at", "created_at"
        )
        page = self.paginate_queryset_plain(reviews)
        return self.get_paginated_response(ServiceReviewSerializer(page, many=True).data)

    def paginate_queryset_plain(self, queryset):
        return self.paginator.paginate_queryset(queryset, self.request, view=self)


REVIEWS_SCHEMA = extend_schema(
    summary="Published reviews",
    description="Newest first; rating, text and the host's reply — never the reviewer's name.",
    parameters=[
        OpenApiParameter("limit", int, description="Items per page (1–100, default 20)."),
        OpenApiParameter("cursor", str, description="From the “next” or “previous” link."),
    ],
    responses=ServiceReviewPageSerializer,
    tags=["tourism"],
)


@extend_schema_view(
    list=extend_schema(summary="Stays (homestays)", parameters=[StayFilter], tags=["tourism"]),
    retrieve=extend_schema(summary="One stay, with its rooms", tags=["tourism"]),
)
class StayViewSet(ServiceViewSet):
    """Listed homestays with their rooms, the lowest nightly price, rating and a card photo."""

    kinds = (ServiceKind.STAY,)
    serializer_class = StaySerializer
    filter_serializer_class = StayFilter

    @extend_schema(
        summary="Which rooms are free, and their price",
        description=(
            "For each room taking bookings: whether every night from check-in to check-out is free for "
            "the party, why not, and the quote line by line (seasons, weekends, extra guests) in VND. "
            "Impossible dates (in the past, check-out not after check-in, more than 60 nights, more "
            "than two years ahead) are a 400 with the field at fault."
        ),
        parameters=[AvailabilityQuery],
        responses=AvailabilitySerializer,
        examples=[
            OpenApiExample(
                "two rooms, one taken",
                response_only=True,
                value={
                    "stay": 12,
                    "check_in": "2026-05-08",
                    "check_out": "2026-05-10",
                    "nights": 2,
                    "guests": 2,
                    "available": True,
                    "units": [
                        {
                            "id": 31, "name": "Room 1", "capacity": 2, "available": True, "reason": None,
                            "quote": {
                                "lines": [{"label": "2 nights × 400.000 ₫", "amount": 800000,
                                       "kind": "nights"}],
                                "total": 800000, "currency": "VND",
                            },
                        },
                        {
                            "id": 32, "name": "Room 2", "capacity": 4, "available": False,
                            "reason": "These dates are no longer available.",
                            "quote": {
                                "lines": [{"label": "2 nights × 650.000 ₫", "amount": 1300000,
                                       "kind": "nights"}],
                                "total": 1300000, "currency": "VND",
                            },
                        },
                    ],
                },
            )
        ],
        tags=["tourism"],
    )  # fmt: skip
    @action(detail=True, methods=["get"])
    def availability(self, request, pk=None):
        stay = self.get_object()
        query = AvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        check_in, check_out, guests = (
            query.validated_data[name] for name in ("check_in", "check_out", "guests")
        )
        bookings.check_stay_dates(unit=None, check_in=check_in, check_out=check_out)
        now = timezone.now()
        rows = []
        for unit in selectors.active_units(stay):
            row = {"id": unit.pk, "name": unit.name, "capacity": unit.capacity, "quote": None, "reason": None}
            try:
                row["quote"] = quote_data(
                    bookings.quote_for_stay(unit=unit, check_in=check_in, check_out=check_out, guests=guests)
                )
                bookings.check_still_free(unit, check_in=check_in, check_out=check_out, now=now)
            except TourismError as refusal:
                row["reason"] = refusal.message
            row["available"] = row["reason"] is None
            rows.append(row)
        body = {
            "stay": stay.pk,
            "check_in": check_in,
            "check_out": check_out,
            "nights": (check_out - check_in).days,
            "guests": guests,
            "available": any(row["available"] for row in rows),
            "units": rows,
        }
        return Response(AvailabilitySerializer(body).data)

    @REVIEWS_SCHEMA
    @action(detail=True, methods=["get"])
    def reviews(self, request, pk=None):
        return self._reviews(request)


@extend_schema_view(
    list=extend_schema(summary="Tours and experiences", parameters=[ExperienceFilter], tags=["tourism"]),
    retrieve=extend_schema(summary="One tour or experience", tags=["tourism"]),
)
class ExperienceViewSet(ServiceViewSet):
    """Listed tours and experiences with the next price per person, rating and a card photo."""

    kinds = (ServiceKind.TOUR, ServiceKind.EXPERIENCE)
    serializer_class = ExperienceSerializer
    filter_serializer_class = ExperienceFilter

    @extend_schema(
        summary="Departures with seats left",
        description=(
            "Future departures between “from” and “to” (inclusive, 92 days at most) with at least "
            "“guests” seats left, earliest first. An on-request experience has none: ask for a day "
            "when booking."
        ),
        parameters=[DeparturesQuery],
        responses=DeparturesSerializer,
        tags=["tourism"],
    )
    @action(detail=True, methods=["get"])
    def departures(self, request, pk=None):
        experience = self.get_object()
        query = DeparturesQuery(data=request.query_params, context={"today": timezone.localdate()})
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        slots = availability.open_slots(
            experience.slots.all(),
            guests=wanted["guests"],
            starts_on=wanted["from"],
            ends_on=wanted["to"] + timedelta(days=1),
        ).order_by("starts_at", "id")
        duration = timedelta(minutes=experience.duration_minutes) if experience.duration_minutes else None
        departures = [
            {
                "id": slot.pk,
                "starts_at": slot.starts_at,
                "ends_at": slot.starts_at + duration if duration else None,
                "capacity": slot.capacity,
                "seats_left": slot.seats_left,
                "price_per_person": slot.price_per_person,
            }
            for slot in slots
        ]
        body = {"experience": experience.pk, "guests": wanted["guests"], "departures": departures}
        return Response(DeparturesSerializer(body).data)

    @REVIEWS_SCHEMA
    @action(detail=True, methods=["get"])
    def reviews(self, request, pk=None):
        return self._reviews(request)
