"""How bookings are paid through the ``payments`` app, and what payments calls back.

Bookings register as the payable ``tourism.booking`` (``tourism.registration``). A card payment opens a
Stripe Checkout Session (the hold is stretched to outlive the session); a bank transfer shows a VietQR
to the host's own account; paying on arrival needs no payment until the guest arrives. Money arriving
confirms a held booking; money arriving for a booking that expired or was cancelled meanwhile goes back,
never refused (a real payment must not be rolled back).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event
from core.registries import PayableSummary
from payments import services as payment_services
from payments.exceptions import PaymentError
from payments.models import Payment, PaymentStatus
from payments.vietqr import BankAccount

from ..exceptions import TourismError, TourismErrorCode
from ..models import Booking, BookingPayment, BookingStatus
from .bookings import check_hold_alive, extend_hold, mark_paid

PAYABLE_KIND = "tourism.booking"
CARD_HOLD_MARGIN = timedelta(minutes=5)


def booking_summary(booking: Booking) -> PayableSummary:
    return PayableSummary(
        kind=PAYABLE_KIND,
        payable_id=str(booking.pk),
        amount=booking.total,
        reference=booking.reference,
        description=f"{booking.reference} · {booking.service.title_vi}",
        payee_id=booking.service.host.owner_id,
        commune_id=booking.commune_id,
        buyer_email=booking.guest_email,
    )


def start_booking_payment(*, booking: Booking, success_url: str, cancel_url: str) -> Payment:
    """Open the payment of a held booking; the guest goes to ``payment.redirect_url`` for a card.

    Call outside any transaction (a card payment calls Stripe). Idempotent: a retry finds the same payment.
    """
    booking = Booking.objects.select_related("service__host").get(pk=booking.pk)
    check_hold_alive(booking)
    summary = booking_summary(booking)
    try:
        if booking.payment_method == BookingPayment.CARD:
            payment = payment_services.start_checkout(
                items=[summary],
                buyer_email=booking.guest_email,
                success_url=success_url,
                cancel_url=cancel_url,
                idempotency_key=f"booking-{booking.reference}-card",
            )
            if payment.expires_at:
                extend_hold(booking=booking, until=payment.expires_at + CARD_HOLD_MARGIN)
            return payment
        if booking.payment_method == BookingPayment.BANK_TRANSFER:
            host = booking.service.host
            return payment_services.start_vietqr(
                item=summary,
                buyer_email=booking.guest_email,
                payee_account=BankAccount(
                    bank_bin=host.bank_bin,
                    account_number=host.bank_account_number,
                    account_name=host.bank_account_name,
                ),
                idempotency_key=f"booking-{booking.reference}-vietqr",
            )
    except PaymentError as error:
        raise TourismError(TourismErrorCode.PAYMENT_METHOD_UNAVAILABLE, error.message) from error
    raise TourismError(TourismErrorCode.ILLEGAL_TRANSITION, _("This booking is paid on arrival."))


def payment_for(booking: Booking) -> Payment | None:
    """The booking's latest payment attempt."""
    return payment_services.latest_payment(payable_kind=PAYABLE_KIND, payable_id=booking.pk)


def awaits_payment(booking: Booking) -> bool:
    """Whether the guest still has to pay online: a held booking, unpaid, by card or bank transfer
    (:func:`start_booking_payment` also refuses a hold whose time ran out)."""
    return (
        booking.status == BookingStatus.HELD
        and not booking.is_paid
        and booking.payment_method in (BookingPayment.CARD, BookingPayment.BANK_TRANSFER)
    )


def booking_payment_view(booking: Booking) -> dict | None:
    """What the guest needs to pay a booking: method, status, amount, reference, the VietQR and account
    (``payments.services.payment_summary``); None when paid on arrival or not started."""
    if booking.payment_method == BookingPayment.ON_ARRIVAL:
        return None
    payment = payment_for(booking)
    return payment_services.payment_summary(payment) if payment is not None else None


def _pending_payment(booking: Booking) -> Payment | None:
    """The payment a held booking is still waiting for, if the guest has started one."""
    if booking.status != BookingStatus.HELD:
        return None
    payment = payment_for(booking)
    return payment if payment is not None and payment.status == PaymentStatus.PENDING else None


def awaits_bank_transfer(booking: Booking) -> bool:
    """Whether the host can confirm that the guest's bank transfer arrived (``confirm_bank_transfer``)."""
    return booking.payment_method == BookingPayment.BANK_TRANSFER and _pending_payment(booking) is not None


def confirm_bank_transfer(*, booking: Booking, actor) -> Booking:
    """The host saw the guest's transfer arrive in their own account: the booking is paid and confirmed."""
    payment = _pending_payment(booking)
    if payment is None:
        raise TourismError(
            TourismErrorCode.ILLEGAL_TRANSITION, _("This booking is not waiting for a bank transfer.")
        )
    try:
        payment_services.confirm_transfer_received(payment=payment, actor=actor)
    except PaymentError as error:
        raise TourismError(TourismErrorCode.NOT_ALLOWED, error.message) from error
    booking.refresh_from_db()
    return booking


def refund_cancelled_booking(*, booking: Booking, amount: int, actor) -> None:
    """Give back ``amount`` of what was paid for a cancelled booking (outside any transaction).

    A card refund goes through Stripe; a transfer's refund is recorded for the host to make by hand.
    """
    payment_services.refund_payable(
        payable_kind=PAYABLE_KIND,
        payable_id=booking.pk,
        amount=amount,
        reason="booking cancelled",
        actor=actor,
    )


# --- what payments calls back (registered as the ``tourism.booking`` payable) ----------------------------


def summarize(payable_id: str) -> PayableSummary:
    return booking_summary(Booking.objects.select_related("service__host").get(pk=payable_id))


def on_paid(payable_id: str, payment) -> None:
    """Money arrived. Held → confirmed; expired, declined or cancelled meanwhile → the money goes back."""
    booking = Booking.objects.select_for_update().get(pk=payable_id)
    if booking.status == BookingStatus.HELD:
        mark_paid(booking_id=booking.pk, payment_reference=payment.reference)
    elif booking.status in (BookingStatus.EXPIRED, BookingStatus.CANCELLED, BookingStatus.DECLINED):
        record_event(
            "tourism.booking.paid_after_release",
            subject=booking,
            commune_id=booking.commune_id,
            payload={"reference": booking.reference, "payment": payment.reference, "status": booking.status},
        )
        transaction.on_commit(
            lambda: refund_cancelled_booking(booking=booking, amount=booking.total, actor=None)
        )
    elif booking.paid_at is None:
        booking.paid_at = timezone.now()
        booking.save(update_fields=["paid_at"])


def on_refunded(payable_id: str, refund) -> None:
    """Money went back: recorded on the payment side; the booking already says what the policy gave."""
    booking = Booking.objects.get(pk=payable_id)
    record_event(
        "tourism.booking.refunded",
        subject=booking,
        commune_id=booking.commune_id,
        payload={"amount": refund.amount, "remaining": refund.item.remaining_amount},
    )


def refundable_amount(payable_id: str) -> int:
    """A cancelled booking: what its policy gave (all of it when it was never confirmed); else nothing."""
    booking = Booking.objects.get(pk=payable_id)
    if booking.status == BookingStatus.CANCELLED:
        # paid before cancelling: what the policy gave; paid only afterwards: all of it
        return booking.refund_amount if booking.paid_at else booking.total
    if booking.status in (BookingStatus.EXPIRED, BookingStatus.DECLINED):
        return booking.total
    return 0
