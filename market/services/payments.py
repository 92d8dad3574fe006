"""How market orders are paid through the ``payments`` app, and what payments calls back.

Orders register as the payable ``market.order`` (``market.registration``). A checkout starts one Stripe
Checkout Session for all its orders, or one VietQR transfer (to the producer's own account) or one cash
payment per order. Money arriving confirms a pending order; money arriving for an order that was
cancelled meanwhile is refunded, never refused (payments must not roll back a real payment).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event
from core.registries import PayableSummary
from payments import services as payment_services
from payments.exceptions import PaymentError
from payments.models import Payment, PaymentStatus
from payments.vietqr import BankAccount

from ..exceptions import MarketError, MarketErrorCode
from ..models import Checkout, Order, OrderStatus, PaymentMethod

PAYABLE_KIND = "market.order"


def order_summary(order: Order) -> PayableSummary:
    return PayableSummary(
        kind=PAYABLE_KIND,
        payable_id=str(order.pk),
        amount=order.total,
        reference=order.reference,
        description=f"{order.reference} · {order.producer.name}",
        payee_id=order.producer.owner_id,
        commune_id=order.commune_id,
        buyer_email=order.checkout.buyer_email,
    )


def start_checkout_payment(*, checkout: Checkout, success_url: str, cancel_url: str) -> str | None:
    """Create the payments for a checkout's orders. Returns the URL to send the buyer to (cards), or None.

    Call outside any transaction: a card payment calls Stripe. Idempotent: calling again (a retry after a
    network error) finds the same payments and asks Stripe with the same key.
    """
    orders = list(checkout.orders.select_related("producer", "checkout").order_by("pk"))
    if checkout.payment_method == PaymentMethod.CARD:
        payment = payment_services.start_checkout(
            items=[order_summary(order) for order in orders],
            buyer_email=checkout.buyer_email,
            success_url=success_url,
            cancel_url=cancel_url,
            idempotency_key=f"checkout-{checkout.reference}",
        )
        return payment.redirect_url or None
    for order in orders:
        if checkout.payment_method == PaymentMethod.BANK_TRANSFER:
            producer = order.producer
            payment_services.start_vietqr(
                item=order_summary(order),
                buyer_email=checkout.buyer_email,
                payee_account=BankAccount(
                    bank_bin=producer.bank_bin,
                    account_number=producer.bank_account_number,
                    account_name=producer.bank_account_name,
                ),
                idempotency_key=f"order-{order.reference}-vietqr",
            )
        else:
            payment_services.start_cash_on_delivery(
                item=order_summary(order),
                buyer_email=checkout.buyer_email,
                idempotency_key=f"order-{order.reference}-cod",
            )
    return None


def payment_for(order: Order) -> Payment | None:
    """The order's latest payment attempt."""
    return payment_services.latest_payment(payable_kind=PAYABLE_KIND, payable_id=order.pk)


def order_payment_view(order: Order) -> dict | None:
    """What the buyer needs to pay an order: method, status, amount, reference, the VietQR and account."""
    payment = payment_for(order)
    return payment_services.payment_summary(payment) if payment is not None else None


def confirm_cash_on_delivery(*, order: Order, payee) -> None:
    """The producer handed over the goods and took the cash: the cash payment succeeds."""
    payment = payment_for(order)
    if payment is not None and payment.status == PaymentStatus.PENDING:
        payment_services.confirm_cash_received(payment=payment, actor=payee)


def awaits_bank_transfer(order: Order) -> bool:
    return order.payment_method == PaymentMethod.BANK_TRANSFER and order.status == OrderStatus.PENDING_PAYMENT


def confirm_bank_transfer(*, order: Order, actor) -> Order:
    """The producer saw the buyer's transfer arrive in their own account: the order is paid and confirmed."""
    from ..acting import acting_for_producer

    acting_for_producer(user=actor, producer=order.producer)
    payment = payment_for(order)
    if not awaits_bank_transfer(order) or payment is None or payment.status != PaymentStatus.PENDING:
        raise MarketError(
            MarketErrorCode.ILLEGAL_TRANSITION, _("This order is not waiting for a bank transfer.")
        )
    try:
        payment_services.confirm_transfer_received(payment=payment, actor=order.producer.owner)
    except PaymentError as error:
        raise MarketError(MarketErrorCode.NOT_ALLOWED, error.message) from error
    order.refresh_from_db()
    return order


def refund_cancelled_order(*, order: Order, actor) -> None:
    """Give back what was paid for an order that has just been cancelled (outside any transaction)."""
    payment_services.refund_payable(
        payable_kind=PAYABLE_KIND, payable_id=order.pk, reason="order cancelled", actor=actor
    )


# --- what payments calls back (registered as the ``market.order`` payable) ---------------------------------


def summarize(payable_id: str) -> PayableSummary:
    return order_summary(Order.objects.select_related("producer", "checkout").get(pk=payable_id))


def on_paid(payable_id: str, payment) -> None:
    """Money arrived. Pending → confirmed; already confirmed (cash on delivery) → just note when; an order
    cancelled meanwhile keeps its state and the money goes back after commit."""
    from .orders import mark_paid

    order = Order.objects.select_for_update().get(pk=payable_id)
    if order.status == OrderStatus.PENDING_PAYMENT:
        mark_paid(order_id=order.pk, payment_reference=payment.reference)
    elif order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        record_event(
            "market.order.paid_after_cancellation", subject=order, commune_id=order.commune_id,
            payload={"reference": order.reference, "payment": payment.reference},
        )  # fmt: skip
        transaction.on_commit(lambda: refund_cancelled_order(order=order, actor=None))
    elif order.paid_at is None:
        order.paid_at = timezone.now()
        order.save(update_fields=["paid_at"])


def on_refunded(payable_id: str, refund) -> None:
    """Money went back. When all of it did, a cancelled order becomes refunded."""
    from .orders import mark_refunded

    order = Order.objects.select_for_update().get(pk=payable_id)
    if order.status == OrderStatus.CANCELLED and refund.item.remaining_amount == 0:
        mark_refunded(order_id=order.pk, amount=refund.item.refunded_amount)


def refundable_amount(payable_id: str) -> int:
    """The whole order may be refunded until the goods leave the producer; after that, not automatically."""
    order = Order.objects.get(pk=payable_id)
    if order.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.CONFIRMED, OrderStatus.CANCELLED):
        return order.total
    return 0
