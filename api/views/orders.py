"""A signed-in buyer's orders (``orders:write``, a person's token): place, list, read, cancel.

Placing goes through the very services of the site's checkout: the items are put in a cart of their
own (``market.services.set_cart_quantity``: listed, minimum order, stock), the cart is checked out
(``market.services.place_order``: one order per producer, stock held under a lock) and the payment is
started (``market.services.payments.start_checkout_payment``) — so an order placed here is the same
rows as one placed on the site. Refusals come back as the market said them (see ``api.domain_errors``):
sold out or no longer for sale → 409, nothing written and no stock moved.
"""

import uuid

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from market import selectors, services
from market.exceptions import MarketError
from market.models import Order, OrderLine, PaymentMethod, Product
from market.services.payments import start_checkout_payment
from payments.exceptions import PaymentError

from ..domain_errors import DomainErrorsMixin, renamed
from ..models import Scope
from ..permissions import ApiAccess
from ..serializers.orders import (
    CancelOrderSerializer,
    OrderDetailSerializer,
    OrderSerializer,
    PlacedOrderSerializer,
    PlaceOrderSerializer,
)
from .auth import PersonOnly
from .base import ApiViewMixin

PLACE_EXAMPLE = OpenApiExample(
    "two kilos of tea, delivered, cash on delivery",
    request_only=True,
    value={
        "items": [{"product": 42, "quantity": 2}],
        "buyer_name": "Trần Văn Hùng",
        "buyer_phone": "0912 345 678",
        "delivery_method": "delivery",
        "delivery_province": "Hà Nội",
        "delivery_address": "12 Hàng Bạc, Hoàn Kiếm",
        "payment_method": "cod",
    },
)
SOLD_OUT_EXAMPLE = OpenApiExample(
    "sold out",
    status_codes=["409"],
    response_only=True,
    value={
        "error": {
            "status": 409,
            "code": "out_of_stock",
            "message": "Only 3 kg left.",
            "fields": {"items.0.quantity": ["Only 3 kg left."]},
        }
    },
)


def api_cart_key() -> str:
    """A cart of the API request's own, so the buyer's cart on the site is left alone."""
    return f"api-{uuid.uuid4().hex}"


@extend_schema_view(
    list=extend_schema(
        summary="My orders", description="The token owner's orders, newest first.", tags=["orders"]
    ),
    retrieve=extend_schema(
        summary="One of my orders", description="Someone else's order is a 404.", tags=["orders"]
    ),
)
@extend_schema(auth=[{"userToken": []}])  # a partner's key alone is refused here
class OrderViewSet(
    DomainErrorsMixin, ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The orders of the person whose token is sent (a partner's key alone is refused)."""

    permission_classes = [ApiAccess, PersonOnly]
    required_scope = Scope.ORDERS_WRITE
    write_scope = Scope.ORDERS_WRITE
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z0-9]{1,32}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return Order.objects.none()
        lines = Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
        return (
            Order.objects.filter(buyer=self.request.user)
            .select_related("producer", "checkout")
            .prefetch_related(lines)
        )

    def get_serializer_class(self):
        return OrderSerializer if self.action == "list" else OrderDetailSerializer

    # --- placing ----------------------------------------------------------------------------------------
    @extend_schema(
        summary="Place an order",
        description=(
            "Like the site's checkout: one order per producer, stock held until paid (or accepted, for "
            "cash on delivery) or until the hold expires. Pay by cash on delivery (cod), bank transfer "
            "(vietqr: the answer carries the VietQR of each order) or card (stripe, when card payments "
            "are on: send the buyer to payment_url). Sold out or no longer for sale: 409 and nothing is "
            "ordered."
        ),
        request=PlaceOrderSerializer,
        responses={201: PlacedOrderSerializer},
        examples=[PLACE_EXAMPLE, SOLD_OUT_EXAMPLE],
        tags=["orders"],
    )
    def create(self, request):
        given = PlaceOrderSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        products = self._products(data["items"])
        self._check_payment_offered(data["payment_method"], products)
        checkout = self._place(data, products)
        payment_url = self._start_payment(request, checkout)
        orders = list(self.get_queryset().filter(checkout=checkout).order_by("producer__name", "id"))
        body = {"checkout": checkout.reference, "payment_url": payment_url, "orders": orders}
        context = self.get_serializer_context()
        return Response(PlacedOrderSerializer(body, context=context).data, status=status.HTTP_201_CREATED)

    def _products(self, items) -> dict[int, Product]:
        wanted = [item["product"] for item in items]
        products = Product.objects.select_related("producer").in_bulk(wanted)
        unknown = {
            f"{index}.product": [_("There is no product with this id.")]
            for index, product_id in enumerate(wanted)
            if product_id not in products
        }
        if unknown:
            raise serializers.ValidationError({"items": unknown})
        return products

    def _check_payment_offered(self, payment_method: str, products: dict[int, Product]) -> None:
        """Card needs Stripe on (as on the checkout page); cash and transfer are the producers' to refuse."""
        if payment_method != PaymentMethod.CARD:
            return
        offered = selectors.payment_options([product.producer for product in products.values()])
        if not any(option.value == PaymentMethod.CARD for option in offered):
            raise serializers.ValidationError(
                {"payment_method": [_("Card payments are not available; pay by cod or vietqr.")]}
            )

    def _place(self, data, products):
        """Put the items in a cart of their own and check it out, all or nothing."""
        buyer = services.Buyer(
            name=data["buyer_name"],
            phone=data["buyer_phone"],
            email=data["buyer_email"] or (self.request.user.email or ""),
            address=data["delivery_address"],
            province=data["delivery_province"],
            user=self.request.user,
        )
        with transaction.atomic():
            cart = services.cart_for(session_key=api_cart_key())
            for index, item in enumerate(data["items"]):
                try:
                    services.set_cart_quantity(
                        cart=cart, product=products[item["product"]], quantity=item["quantity"]
                    )
                except MarketError as error:
                    raise renamed(error, f"items.{index}.{error.field or 'product'}") from error
            checkout = services.place_order(
                cart=cart,
                buyer=buyer,
                payment_method=data["payment_method"],
                delivery_methods={
                    product.producer_id: data["delivery_method"] for product in products.values()
                },
            )
            cart.delete()  # emptied by the checkout; it was this request's alone
        return checkout

    def _start_payment(self, request, checkout) -> str | None:
        """As the checkout page does, after the orders are committed; a failure leaves them to pay later."""
        confirmation = request.build_absolute_uri(
            reverse("market:checkout_done", kwargs={"access_token": checkout.access_token})
        )
        try:
            return start_checkout_payment(
                checkout=checkout, success_url=confirmation, cancel_url=confirmation
            )
        except (PaymentError, MarketError):
            return None

    # --- cancelling -------------------------------------------------------------------------------------
    @extend_schema(
        summary="Cancel one of my orders",
        description=(
            "Until the producer ships; the stock goes back and what was paid is refunded. An order that "
            "has left the producer: 409."
        ),
        request=CancelOrderSerializer,
        responses=OrderDetailSerializer,
        tags=["orders"],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, reference=None):
        order = self.get_object()
        given = CancelOrderSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.cancel_order(
            order=order, actor=request.user, reason=given.validated_data["reason"], as_buyer=True
        )
        order = self.get_queryset().get(pk=order.pk)
        return Response(OrderDetailSerializer(order, context=self.get_serializer_context()).data)
