"""A signed-in guest's bookings: what an app sends to book, and what the guest (only) gets back.

The guest's name, email and phone are their own data: answered only to the token's owner.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tourism.models import (
    BookingPayment,
    BookingStatus,
    CancellationPolicy,
    CancelledBy,
    Service,
    ServiceKind,
)
from tourism.services import bookings
from tourism.services.payments import payment_for

from .orders import PaymentSerializer, payment_data
from .tourism import PriceLineSerializer


class BookRequestSerializer(serializers.Serializer):
    """A room for nights (stays), seats on a departure, or a day asked for (on-request experiences)."""

    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.listed().select_related("host"),
        help_text=_("Stay or experience id (GET /api/v1/stays/ or /api/v1/experiences/)."),
    )
    unit = serializers.IntegerField(required=False, min_value=1, help_text=_("Stays: the room's id."))
    check_in = serializers.DateField(required=False, help_text=_("Stays: YYYY-MM-DD."))
    check_out = serializers.DateField(required=False, help_text=_("Stays: YYYY-MM-DD, after check-in."))
    slot = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Tours and experiences: the departure's id.")
    )
    day = serializers.DateField(
        required=False,
        help_text=_("On-request tours and experiences without a departure: the day asked for."),
    )
    guests = serializers.IntegerField(
        min_value=1, max_value=500, help_text=_("Guests, or seats on a departure.")
    )
    payment_method = serializers.ChoiceField(
        choices=BookingPayment.choices,
        help_text=_(
            "card only when card payments are on; bank_transfer to the host's account; on_arrival "
            "when the host allows it."
        ),
    )
    guest_name = serializers.CharField(
        max_length=120, required=False, help_text=_("Defaults to the account's name.")
    )
    guest_email = serializers.EmailField(required=False, help_text=_("Defaults to the account's email."))
    guest_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    guest_country = serializers.CharField(
        max_length=2,
        min_length=2,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("ISO 3166 alpha-2."),
    )
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        service = attrs["service"]
        missing = _("Required for this listing.")
        if service.kind == ServiceKind.STAY:
            required, refused = ("unit", "check_in", "check_out"), ("slot", "day")
        elif "slot" in attrs:
            required, refused = ("slot",), ("unit", "check_in", "check_out", "day")
        else:
            required, refused = ("day",), ("unit", "check_in", "check_out")
        errors = {name: [missing] for name in required if name not in attrs}
        errors |= {name: [_("Not used for this listing.")] for name in refused if name in attrs}
        if errors:
            raise serializers.ValidationError(errors)
        if "unit" in attrs:
            attrs["unit"] = service.units.filter(pk=attrs["unit"]).first()
            if attrs["unit"] is None:
                raise serializers.ValidationError({"unit": [_("This stay has no room with this id.")]})
        if "slot" in attrs:
            attrs["slot"] = service.slots.filter(pk=attrs["slot"]).first()
            if attrs["slot"] is None:
                raise serializers.ValidationError(
                    {"slot": [_("This listing has no departure with this id.")]}
                )
        return attrs


class CancelBookingSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RefundSerializer(serializers.Serializer):
    paid = serializers.IntegerField(help_text=_("VND paid so far."))
    percent = serializers.IntegerField()
    amount = serializers.IntegerField(help_text=_("VND that goes back."))
    deadline = serializers.DateTimeField(allow_null=True, help_text=_("Until when this refund holds."))
    explanation = serializers.CharField()


def refund_data(refund) -> dict:
    return {
        "paid": refund.paid,
        "percent": refund.percent,
        "amount": refund.amount,
        "deadline": refund.deadline,
        "explanation": refund.explanation,
    }


class BookedServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    title = serializers.CharField()


class BookedUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BookedSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()


class GuestSerializer(serializers.Serializer):
    name = serializers.CharField(source="guest_name")
    email = serializers.CharField(source="guest_email")
    phone = serializers.CharField(source="guest_phone")
    country = serializers.CharField(source="guest_country")


class BookingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=BookingStatus.choices)
    service = BookedServiceSerializer()
    unit = BookedUnitSerializer(allow_null=True)
    slot = BookedSlotSerializer(allow_null=True)
    check_in = serializers.DateField(help_text=_("Stays: first night; departures: the day."))
    check_out = serializers.DateField()
    guests = serializers.IntegerField()
    price_lines = PriceLineSerializer(many=True, help_text=_("The quote accepted when booking."))
    total = serializers.IntegerField(help_text=_("VND."))
    currency = serializers.SerializerMethodField()
    payment_method = serializers.ChoiceField(choices=BookingPayment.choices)
    cancellation_policy = serializers.ChoiceField(choices=CancellationPolicy.choices)
    guest = GuestSerializer(source="*", help_text=_("The guest's own details (only to the guest)."))
    hold_expires_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Unpaid (or unanswered by the host) by then, the booking expires.")
    )
    paid = serializers.BooleanField(source="is_paid")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancelled_by = serializers.ChoiceField(choices=CancelledBy.choices, allow_blank=True)
    refund_amount = serializers.IntegerField(help_text=_("VND refunded on cancelling."))
    created_at = serializers.DateTimeField()

    def get_currency(self, obj) -> str:
        return "VND"


class BookingDetailSerializer(BookingSerializer):
    booking_url = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()
    refund_if_cancelled_now = serializers.SerializerMethodField()

    def get_booking_url(self, obj) -> str:
        """The booking's private page (payment, QR for the host, cancelling) — for the guest only."""
        request = self.context.get("request")
        path = reverse("tourism:booking", args=[obj.access_token])
        return request.build_absolute_uri(path) if request else path

    def get_payment(self, obj) -> PaymentSerializer(allow_null=True):
        return payment_data(payment_for(obj))

    def get_refund_if_cancelled_now(self, obj) -> RefundSerializer(allow_null=True):
        if not bookings.is_cancellable(obj, today=timezone.localdate()):
            return None
        return refund_data(bookings.cancellation_preview(booking=obj))


class BookedSerializer(serializers.Serializer):
    booking = BookingDetailSerializer()
    payment_url = serializers.CharField(allow_null=True, help_text=_("Card payments: send the guest here."))


class CancelledBookingSerializer(serializers.Serializer):
    booking = BookingDetailSerializer()
    refund = RefundSerializer()
