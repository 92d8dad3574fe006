"""A signed-in guest's bookings (``bookings:write``, a person's token): book, list, read, cancel.

Booking goes through ``tourism.services.bookings`` like the site's booking form: a room for nights
(``book_stay``: the unit locked, availability re-checked, the nights taken), seats on a departure
(``book_slot``) or a day asked of an on-request experience (``request_experience``); then the payment
is started as the site does (``tourism.services.payments.start_booking_payment``). Cancelling refunds
what the booking's policy gives (``tourism.cancellation`` through ``cancel_booking``). Taken dates, a
full departure or a listing no longer bookable → 409 with nothing written (``api.domain_errors``).
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tourism import selectors
from tourism.exceptions import TourismError
from tourism.models import Booking, BookingPayment, CancelledBy
from tourism.services import bookings
from tourism.services import payments as booking_payments

from ..domain_errors import DomainErrorsMixin
from ..models import Scope
from ..permissions import ApiAccess
from ..serializers.bookings import (
    BookedSerializer,
    BookingDetailSerializer,
    BookingSerializer,
    BookRequestSerializer,
    CancelBookingSerializer,
    CancelledBookingSerializer,
    refund_data,
)
from .auth import PersonOnly
from .base import ApiViewMixin

BOOK_EXAMPLES = [
    OpenApiExample(
        "two nights in a room, paid on arrival",
        request_only=True,
        value={
            "service": 12,
            "unit": 31,
            "check_in": "2026-05-08",
            "check_out": "2026-05-10",
            "guests": 2,
            "payment_method": "on_arrival",
            "guest_name": "Emma Walker",
            "guest_email": "emma@example.org",
        },
    ),
    OpenApiExample(
        "three seats on a departure",
        request_only=True,
        value={"service": 15, "slot": 204, "guests": 3, "payment_method": "bank_transfer"},
    ),
    OpenApiExample(
        "dates taken meanwhile",
        status_codes=["409"],
        response_only=True,
        value={
            "error": {
                "status": 409,
                "code": "unavailable",
                "message": "These dates are no longer available.",
                "fields": {"check_in": ["These dates are no longer available."]},
            }
        },
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="My bookings", description="The token owner's bookings, newest first.", tags=["bookings"]
    ),
    retrieve=extend_schema(
        summary="One of my bookings",
        description="With its payment and what cancelling now would refund. Someone else's booking is a 404.",
        tags=["bookings"],
    ),
)
@extend_schema(auth=[{"userToken": []}])  # a partner's key alone is refused here
class BookingViewSet(
    DomainErrorsMixin, ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The bookings of the person whose token is sent (a partner's key alone is refused)."""

    permission_classes = [ApiAccess, PersonOnly]
    required_scope = Scope.BOOKINGS_WRITE
    write_scope = Scope.BOOKINGS_WRITE
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z0-9]{1,32}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no person
            return Booking.objects.none()
        return selectors.bookings_of_guest(self.request.user)

    def get_serializer_class(self):
        return BookingSerializer if self.action == "list" else BookingDetailSerializer

    # --- booking ----------------------------------------------------------------------------------------
    @extend_schema(
        summary="Book a stay or an experience",
        description=(
            "A stay: service, unit, check_in, check_out, guests. A departure of a tour or experience: "
            "service, slot, guests (the seats). An on-request experience: service, day, guests. Card "
            "(when card payments are on) and bank transfer hold the booking until paid: send the guest "
            "to payment_url, or show the VietQR of the booking's payment. Paying on arrival confirms at "
            "once (or when the host accepts an on-request booking). Taken, full or no longer bookable: "
            "409, nothing booked."
        ),
        request=BookRequestSerializer,
        responses={201: BookedSerializer},
        examples=BOOK_EXAMPLES,
        tags=["bookings"],
    )
    def create(self, request):
        given = BookRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        booking = self._book(given.validated_data)
        payment_url = self._start_payment(request, booking)
        booking = self.get_queryset().get(pk=booking.pk)
        body = {"booking": booking, "payment_url": payment_url}
        return Response(
            BookedSerializer(body, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    def _book(self, data) -> Booking:
        user = self.request.user
        guest = bookings.GuestDetails(
            name=data.get("guest_name") or user.full_name,
            email=data.get("guest_email") or user.email or "",
            phone=data["guest_phone"] or user.phone or "",
            country=data["guest_country"],
            language=self.language,
        )
        common = {
            "guests": data["guests"],
            "guest": guest,
            "payment_method": data["payment_method"],
            "user": user,
            "message": data["message"],
        }
        if "unit" in data:
            return bookings.book_stay(
                unit=data["unit"], check_in=data["check_in"], check_out=data["check_out"], **common
            )
        if "slot" in data:
            return bookings.book_slot(slot=data["slot"], **common)
        return bookings.request_experience(service=data["service"], day=data["day"], **common)

    def _start_payment(self, request, booking) -> str | None:
        """As the booking page does: a card payment's Stripe page, or the VietQR made ready; a failure
        leaves the booking held, payable from its page."""
        if not booking_payments.awaits_payment(booking):
            return None
        page = request.build_absolute_uri(reverse("tourism:booking", args=[booking.access_token]))
        try:
            payment = booking_payments.start_booking_payment(
                booking=booking, success_url=page, cancel_url=page
            )
        except TourismError:
            return None
        if booking.payment_method == BookingPayment.CARD and payment.redirect_url:
            return payment.redirect_url
        return None

    # --- cancelling -------------------------------------------------------------------------------------
    @extend_schema(
        summary="Cancel one of my bookings",
        description=(
            "Under the booking's cancellation policy: the answer says what is refunded. A booking already "
            "cancelled or a finished stay: 409."
        ),
        request=CancelBookingSerializer,
        responses=CancelledBookingSerializer,
        tags=["bookings"],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, reference=None):
        booking = self.get_object()
        given = CancelBookingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        _booking, refund = bookings.cancel_booking(
            booking=booking,
            cancelled_by=CancelledBy.GUEST,
            actor=request.user,
            reason=given.validated_data["reason"],
        )
        body = {"booking": self.get_queryset().get(pk=booking.pk), "refund": refund_data(refund)}
        return Response(CancelledBookingSerializer(body, context=self.get_serializer_context()).data)
