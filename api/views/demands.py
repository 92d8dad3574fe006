"""A signed-in buyer's demands (``demands:write``, a person's token): post, list, read, change, close; the
ranked matches with their explanation; the producers' offers, accepted (→ an order) or declined.

Every write goes through ``market.services.demands`` (the rules — a needed-by date in the past, a demand
no longer open, an offer already decided — are the market's and come back as ``api.domain_errors``
says); the matches are ``market.matching.matches_for_demand``, shown with the products' public fields.
A demand is its buyer's alone: anyone else's id is a 404, and a partner's key alone is refused.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from market import matching, services
from market.exceptions import MarketError
from market.models import BuyerDemand, Certification, DemandOffer, OfferStatus, Order, OrderLine, Product
from market.selectors import decorate_cards, with_cards
from market.services import demands as demand_services
from market.services.payments import start_checkout_payment
from payments.exceptions import PaymentError

from ..domain_errors import DomainErrorsMixin
from ..models import Scope
from ..pagination import ApiCursorPagination
from ..permissions import ApiAccess
from ..places import places_for
from ..serializers.demands import (
    AcceptOfferSerializer,
    DemandFilter,
    DemandSerializer,
    DemandWriteSerializer,
    MatchesFilter,
    MatchesSerializer,
    OfferPageSerializer,
    OfferSerializer,
)
from ..serializers.orders import OrderDetailSerializer
from .auth import PersonOnly
from .base import ID_PATTERN, ApiViewMixin
from .market import UUID_PATTERN

DEMAND_EXAMPLE = {
    "title": "Chè Shan Tuyết",
    "category": "tea",
    "keywords": "shan tuyết, chè cổ thụ",
    "quantity": 500,
    "unit": "kg",
    "max_unit_price": 400000,
    "delivery_province": "Hà Nội",
    "needed_by": "2026-12-20",
    "required_certifications": ["vietgap"],
    "minimum_ocop_stars": 3,
    "note": "Đóng gói 1 kg một túi.",
}
POST_EXAMPLES = [
    OpenApiExample("500 kg of VietGAP Shan Tuyết tea to Hà Nội", request_only=True, value=DEMAND_EXAMPLE),
    OpenApiExample(
        "a needed-by date in the past, an unknown unit",
        status_codes=["400"],
        response_only=True,
        value={
            "error": {
                "status": 400,
                "code": "invalid",
                "message": "Some inputs are not valid.",
                "fields": {
                    "unit": ["“tonne” is not a valid choice."],
                    "needed_by": ["The date you need it by has already passed."],
                },
            }
        },
    ),
]
NOT_OPEN_EXAMPLE = OpenApiExample(
    "the demand is closed",
    status_codes=["409"],
    response_only=True,
    value={"error": {"status": 409, "code": "demand_not_open", "message": "This demand is no longer open."}},
)
MATCHES_EXAMPLE = OpenApiExample(
    "the best match",
    response_only=True,
    value={
        "demand": "6f1c1b52-3c4e-4a8e-9a35-0b7f1f3d2a10",
        "weights": {
            "text": 0.3, "category": 0.08, "quantity": 0.15, "price": 0.12, "certification": 0.1,
            "distance": 0.1, "season": 0.05, "reliability": 0.1,
        },
        "results": [
            {
                "rank": 1,
                "score": 0.907,
                "parts": {
                    "text": 0.3, "category": 0.08, "quantity": 0.15, "price": 0.099, "certification": 0.1,
                    "distance": 0.062, "season": 0.03, "reliability": 0.086,
                },
                "reasons": [
                    "Matches your words: che, shan, tuyet",
                    "Enough in stock for the whole quantity",
                    "OCOP 4 stars",
                    "260.000 ₫ per box, within your highest price",
                    "About 247 km from the delivery place",
                ],
                "product": {
                    "id": 42, "name": "Chè Shan Tuyết cổ thụ (hộp 200 g)", "price": 260000, "unit": "box",
                },
            }
        ],
    },
)  # fmt: skip


def _offers_pagination() -> ApiCursorPagination:
    return ApiCursorPagination()


@extend_schema_view(
    list=extend_schema(
        summary="My demands",
        description="The token owner's demands, newest first; `status` narrows them.",
        parameters=[DemandFilter],
        tags=["demands"],
    ),
    retrieve=extend_schema(
        summary="One of my demands", description="Someone else's demand is a 404.", tags=["demands"]
    ),
)
@extend_schema(auth=[{"userToken": []}])  # a partner's key alone is refused here
class DemandViewSet(
    DomainErrorsMixin, ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The demands of the person whose token is sent (a partner's key alone is refused)."""

    permission_classes = [ApiAccess, PersonOnly]
    required_scope = Scope.DEMANDS_WRITE
    write_scope = Scope.DEMANDS_WRITE
    serializer_class = DemandSerializer
    filter_serializer_class = DemandFilter
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return BuyerDemand.objects.none()
        waiting = Q(offers__status=OfferStatus.OPEN)
        return BuyerDemand.objects.filter(buyer=self.request.user).annotate(
            open_offers=Count("offers", filter=waiting)
        )

    def apply_filters(self, queryset, filters):
        if "status" in filters:
            queryset = queryset.filter(status=filters["status"])
        return queryset

    def _answer(self, demand: BuyerDemand, *, status_code=status.HTTP_200_OK) -> Response:
        demand = self.get_queryset().get(pk=demand.pk)  # with its counts, as the list shows it
        return Response(
            DemandSerializer(demand, context=self.get_serializer_context()).data, status=status_code
        )

    # --- posting and changing ---------------------------------------------------------------------------
    @extend_schema(
        summary="Post a demand",
        description=(
            "What the buyer wants, how much, by when and where to: producers whose listings fit see it "
            "ranked among their open demands and may answer with offers; "
            "`GET /api/v1/demands/{public_id}/matches/` ranks the listings for it. Unknown units, "
            "categories, certifications or provinces, a quantity or price below 1 and a needed-by date "
            "in the past are a 400 with the field at fault; nothing is written."
        ),
        request=DemandWriteSerializer,
        responses={201: DemandSerializer},
        examples=POST_EXAMPLES,
        tags=["demands"],
    )
    def create(self, request):
        given = DemandWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        demand = demand_services.post_demand(buyer=request.user, **given.validated_data)
        return self._answer(demand, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change one of my demands",
        description=(
            "Send only the fields that change (the same rules as posting). A demand no longer open "
            "(fulfilled, closed or expired): 409. Someone else's demand: 404."
        ),
        request=DemandWriteSerializer(partial=True),
        responses=DemandSerializer,
        examples=[NOT_OPEN_EXAMPLE],
        tags=["demands"],
    )
    def partial_update(self, request, public_id=None):
        demand = self.get_object()
        given = DemandWriteSerializer(demand, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        demand = demand_services.update_demand(demand=demand, actor=request.user, **given.validated_data)
        return self._answer(demand)

    @extend_schema(
        summary="Close one of my demands",
        description=(
            "Producers no longer see it and its open offers can no longer be accepted. Not open: 409."
        ),
        request=None,
        responses=DemandSerializer,
        examples=[NOT_OPEN_EXAMPLE],
        tags=["demands"],
    )
    @action(detail=True, methods=["post"])
    def close(self, request, public_id=None):
        demand = demand_services.close_demand(demand=self.get_object(), actor=request.user)
        return self._answer(demand)

    # --- matches ----------------------------------------------------------------------------------------
    @extend_schema(
        summary="Listings ranked for one of my demands",
        description=(
            "The products on sale that fit the demand, best first. `score` (0–1) is the sum of `parts`: "
            "what each component adds, at most its weight (in `weights`) — text relevance, "
            "category, quantity coverage (stock and harvest), price, certifications and OCOP stars, "
            "distance from the producer's commune to the delivery point, season (harvest months against "
            "the needed-by date) and the producer's reliability (fulfilment rate, rating). `reasons` say "
            "it in words. Products are given by their public fields (as `GET /api/v1/products/{id}/`)."
        ),
        parameters=[MatchesFilter],
        responses=MatchesSerializer,
        examples=[MATCHES_EXAMPLE],
        tags=["demands"],
    )
    @action(detail=True, methods=["get"])
    def matches(self, request, public_id=None):
        demand = self.get_object()
        query = MatchesFilter(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = matching.matches_for_demand(demand, limit=query.validated_data["limit"])
        products = self._public_products([match.product.pk for match in found])
        results = [
            {"score": match.score, "parts": match.parts, "reasons": match.reasons, "product": products[pk]}
            for match in found
            if (pk := match.product.pk) in products
        ]
        for rank, result in enumerate(results, start=1):
            result["rank"] = rank
        context = self.get_serializer_context()
        context["places"] = places_for(request, self.language)
        context["today"] = timezone.localdate()
        body = {"demand": demand.public_id, "weights": matching.weights(), "results": results}
        return Response(MatchesSerializer(body, context=context).data)

    @staticmethod
    def _public_products(ids: list[int]) -> dict[int, Product]:
        """The matched products as the products API shows them, in one go (listed ones only)."""
        certifications = Prefetch("certifications", queryset=Certification.objects.order_by("kind", "pk"))
        products = with_cards(Product.objects.listed().filter(pk__in=ids)).prefetch_related(certifications)
        return {product.pk: product for product in decorate_cards(products, commune_titles={})}

    # --- offers -----------------------------------------------------------------------------------------
    @extend_schema(
        summary="The offers on one of my demands",
        description="Newest first: what each producer offers (product, quantity in its unit, price, date).",
        parameters=[
            OpenApiParameter(
                "cursor", str, description=str(_("The position to read from: use next/previous as given."))
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description=str(_("Items per page (1–100, default 20; more is capped at 100).")),
            ),
        ],
        responses=OfferPageSerializer,
        tags=["demands"],
    )
    @action(detail=True, methods=["get"])
    def offers(self, request, public_id=None):
        demand = self.get_object()
        queryset = DemandOffer.objects.filter(demand=demand).select_related("producer", "product", "order")
        paginator = _offers_pagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(OfferSerializer(page, many=True).data)

    def _offer(self, offer_id: str) -> DemandOffer:
        demand = self.get_object()
        queryset = DemandOffer.objects.select_related("demand", "producer", "product", "order")
        return get_object_or_404(queryset, demand=demand, pk=offer_id)

    @extend_schema(
        summary="Accept an offer: it becomes an order",
        description=(
            "The order is placed through the marketplace (one order, the offer's product, quantity and "
            "price; stock held as for any order) and the demand is fulfilled. Pay by cash on delivery "
            "(cod) or bank transfer (vietqr: the answer carries the VietQR). An offer already decided or "
            "withdrawn, a demand no longer open, or a product sold out meanwhile: 409, nothing ordered."
        ),
        request=AcceptOfferSerializer,
        responses={201: OrderDetailSerializer},
        tags=["demands"],
    )
    @action(detail=True, methods=["post"], url_path=rf"offers/(?P<offer_id>{ID_PATTERN})/accept")
    def accept_offer(self, request, public_id=None, offer_id=None):
        offer = self._offer(offer_id)
        given = AcceptOfferSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        buyer = services.Buyer(
            name=data["buyer_name"],
            phone=data["buyer_phone"],
            email=data["buyer_email"] or (request.user.email or ""),
            address=data["delivery_address"],
            province=data["delivery_province"] or offer.demand.delivery_province,
            user=request.user,
        )
        order = demand_services.accept_offer(
            offer=offer,
            actor=request.user,
            buyer=buyer,
            payment_method=data["payment_method"],
            delivery_method=data["delivery_method"],
        )
        self._start_payment(request, order)
        lines = Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
        order = Order.objects.select_related("producer", "checkout").prefetch_related(lines).get(pk=order.pk)
        context = self.get_serializer_context()
        return Response(OrderDetailSerializer(order, context=context).data, status=status.HTTP_201_CREATED)

    def _start_payment(self, request, order) -> None:
        """As the checkout does, after the order is committed; a failure leaves it to pay later."""
        confirmation = request.build_absolute_uri(
            reverse("market:checkout_done", kwargs={"access_token": order.checkout.access_token})
        )
        try:
            start_checkout_payment(checkout=order.checkout, success_url=confirmation, cancel_url=confirmation)
        except (PaymentError, MarketError):
            return

    @extend_schema(
        summary="Decline an offer",
        description="The producer is told. An offer already decided or withdrawn: 409.",
        request=None,
        responses=OfferSerializer,
        tags=["demands"],
    )
    @action(detail=True, methods=["post"], url_path=rf"offers/(?P<offer_id>{ID_PATTERN})/decline")
    def decline_offer(self, request, public_id=None, offer_id=None):
        offer = self._offer(offer_id)
        demand_services.decline_offer(offer=offer, actor=request.user)
        offer = DemandOffer.objects.select_related("producer", "product", "order").get(pk=offer.pk)
        return Response(OfferSerializer(offer).data)
