"""A signed-in buyer's orders: what an app sends to place one, and what the buyer (only) gets back.

The buyer's name, phone and address are their own data: they are answered only to the token's owner,
never to a partner's key. Producers are organisations and shown by name.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from market.models import DeliveryMethod, OrderStatus, PaymentMethod
from market.models import Unit as ProductUnit
from market.services import buyer_may_cancel
from market.services.payments import payment_for
from market.zones import PROVINCE_CHOICES
from payments.models import PaymentStatus

from .common import PlaceRefSerializer

MAXIMUM_ORDER_ITEMS = 50


class OrderItemSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, help_text=_("Product id (GET /api/v1/products/)."))
    quantity = serializers.IntegerField(min_value=1, help_text=_("In the product's unit."))


class PlaceOrderSerializer(serializers.Serializer):
    """The checkout form's fields; stock, minimum orders, delivery zones and payment are market rules."""

    items = serializers.ListField(
        child=OrderItemSerializer(), allow_empty=False, max_length=MAXIMUM_ORDER_ITEMS
    )
    buyer_name = serializers.CharField(max_length=120)
    buyer_phone = serializers.CharField(max_length=20, help_text=_("A Vietnamese phone number."))
    buyer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    delivery_method = serializers.ChoiceField(
        choices=DeliveryMethod.choices, help_text=_("For every producer of the order.")
    )
    delivery_province = serializers.ChoiceField(
        choices=PROVINCE_CHOICES, required=False, allow_blank=True, default="",
        help_text=_("Needed for delivery: it decides the delivery fee."),
    )  # fmt: skip
    delivery_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        help_text=_(
            "cod: cash on delivery; vietqr: bank transfer by VietQR; stripe: card, only when card "
            "payments are on (the answer gives the address to send the buyer to)."
        ),
    )

    def validate_items(self, items):
        seen = set()
        for index, item in enumerate(items):
            if item["product"] in seen:
                raise serializers.ValidationError(
                    {f"{index}.product": [_("This product is already in the order; give it once.")]}
                )
            seen.add(item["product"])
        return items


class CancelOrderSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OrderLineSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    name = serializers.CharField(source="product_name", help_text=_("As it was when ordered."))
    unit = serializers.ChoiceField(choices=ProductUnit.choices)
    unit_price = serializers.IntegerField(help_text=_("VND."))
    quantity = serializers.IntegerField()
    line_total = serializers.IntegerField(help_text=_("VND."))


class BuyerSerializer(serializers.Serializer):
    name = serializers.CharField(source="buyer_name")
    phone = serializers.CharField(source="buyer_phone")
    email = serializers.CharField(source="buyer_email")
    address = serializers.CharField(source="delivery_address")
    province = serializers.CharField(source="delivery_province")


class PaymentSerializer(serializers.Serializer):
    """How the order (or booking) is paid: the VietQR to scan, or the card page to send the buyer to."""

    method = serializers.CharField()
    status = serializers.CharField()
    paid = serializers.BooleanField()
    amount = serializers.IntegerField(help_text=_("VND."))
    reference = serializers.CharField(help_text=_("Write it in the bank transfer's message."))
    qr_payload = serializers.CharField(
        allow_blank=True, help_text=_("The VietQR (EMVCo) text to show as a QR.")
    )
    payment_url = serializers.CharField(allow_blank=True, help_text=_("Card payments: send the buyer here."))


def payment_data(payment) -> dict | None:
    if payment is None:
        return None
    pending = payment.status == PaymentStatus.PENDING
    return {
        "method": payment.provider,
        "status": payment.status,
        "paid": payment.is_paid,
        "amount": payment.amount,
        "reference": payment.reference,
        "qr_payload": payment.qr_payload if pending else "",
        "payment_url": payment.redirect_url if pending else "",
    }


class OrderSerializer(serializers.Serializer):
    reference = serializers.CharField()
    checkout = serializers.CharField(
        source="checkout.reference", help_text=_("One checkout, one order per producer.")
    )
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    producer = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    subtotal = serializers.IntegerField(help_text=_("VND."))
    delivery_fee = serializers.IntegerField(help_text=_("VND."))
    total = serializers.IntegerField(help_text=_("VND."))
    currency = serializers.SerializerMethodField()
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    delivery_method = serializers.ChoiceField(choices=DeliveryMethod.choices)
    buyer = BuyerSerializer(source="checkout", help_text=_("The buyer's own details (only to the buyer)."))
    hold_expires_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Unpaid by then, the order is cancelled and the stock given back.")
    )
    may_cancel = serializers.SerializerMethodField()
    tracking_note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)

    def get_producer(self, obj) -> PlaceRefSerializer:
        return {"id": obj.producer_id, "title": obj.producer.name}

    def get_lines(self, obj) -> OrderLineSerializer(many=True):
        return OrderLineSerializer(obj.lines.all(), many=True).data

    def get_currency(self, obj) -> str:
        return "VND"

    def get_may_cancel(self, obj) -> bool:
        return buyer_may_cancel(obj)


class OrderDetailSerializer(OrderSerializer):
    payment = serializers.SerializerMethodField()

    def get_payment(self, obj) -> PaymentSerializer(allow_null=True):
        return payment_data(payment_for(obj))


class PlacedOrderSerializer(serializers.Serializer):
    checkout = serializers.CharField()
    payment_url = serializers.CharField(
        allow_null=True, help_text=_("Card payments: send the buyer to this page to pay.")
    )
    orders = OrderDetailSerializer(many=True)
