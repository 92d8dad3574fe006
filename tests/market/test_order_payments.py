"""Orders paid through the payments app: cash on delivery, VietQR to the producer, Stripe for cards."""

import io

from market import services
from market.models import OrderStatus, Product
from market.services import payments as order_payments
from payments import services as payment_services
from payments.models import LedgerEntry, Payment, PaymentStatus, Refund
from tests.payments.conftest import signed_post
from tests.payments.conftest import stripe_stub as stripe_stub  # the fixture, for these tests


def _checkout(buyer, *lines, payment_method):
    cart = services.cart_for(user=buyer)
    for product, quantity in lines:
        services.add_to_cart(cart=cart, product=product, quantity=quantity)
    return services.place_order(
        cart=cart, payment_method=payment_method,
        delivery_methods={product.producer_id: "pickup" for product, _quantity in lines},
        buyer=services.Buyer(name="Trần Văn Hùng", phone="0912345678", email="hung@example.org", user=buyer),
    )  # fmt: skip


def test_cash_on_delivery_is_paid_when_the_producer_delivers(tea, buyer):
    checkout = _checkout(buyer, (tea, 2), payment_method="cod")
    assert order_payments.start_checkout_payment(checkout=checkout, success_url="", cancel_url="") is None
    order = checkout.orders.get()
    payment = order_payments.payment_for(order)
    assert (payment.provider, payment.status, payment.amount) == ("cod", PaymentStatus.PENDING, 700_000)
    owner = tea.producer.owner
    order = services.ship_order(order=services.accept_cash_order(order=order, actor=owner), actor=owner)
    order = services.mark_delivered(order=order, actor=owner)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert order.status == OrderStatus.DELIVERED
    assert order.paid_at is not None
    assert not LedgerEntry.objects.exists()  # the producer holds the cash: nothing owed through the platform


def test_vietqr_goes_to_the_producers_account_and_a_statement_line_confirms_the_order(tea, buyer):
    checkout = _checkout(buyer, (tea, 1), payment_method="vietqr")
    order_payments.start_checkout_payment(checkout=checkout, success_url="", cancel_url="")
    order = checkout.orders.get()
    view = order_payments.order_payment_view(order)
    assert view["method"] == "vietqr"
    assert view["bank"] == {
        "bin": "970436",
        "account_number": "0011001234567",
        "account_name": "SUNG THI MAI",
        "bank_name": "Vietcombank",
    }
    assert view["qr_svg"].lstrip().startswith(("<svg", "<?xml"))
    # when the producer imports their bank statement with the buyer's transfer
    csv = f"date,amount,description\n2026-11-23,350000,CK {view['reference']} chuyen tien che\n"
    payment_services.import_statement(csv_file=io.StringIO(csv), actor=tea.producer.owner)
    # then the payment succeeded and the order is confirmed
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert Payment.objects.get(reference=view["reference"]).status == PaymentStatus.SUCCEEDED


def test_one_card_payment_for_a_checkout_with_two_producers_then_a_cancellation_is_refunded(
    client,
    stripe_stub,
    tea,
    plums,
    buyer,
):
    # given a checkout split into two orders paid with one Stripe Checkout Session
    checkout = _checkout(buyer, (tea, 1), (plums, 4), payment_method="stripe")
    url = order_payments.start_checkout_payment(
        checkout=checkout, success_url="http://t/ok", cancel_url="http://t/no"
    )
    payment = Payment.objects.get()
    assert url == payment.redirect_url
    assert payment.amount == 350_000 + 180_000
    assert (
        stripe_stub.posts("/v1/checkout/sessions")[0].idempotency_key
        == f"checkout-checkout-{checkout.reference}"
    )
    # when Stripe says it is paid
    session = stripe_stub.complete_session(payment.provider_reference)
    response = signed_post(
        client, stripe_stub.event("checkout.session.completed", session, event_id="evt_m1")
    )
    assert response.status_code == 200
    orders = {order.producer_id: order for order in checkout.orders.all()}
    assert {order.status for order in orders.values()} == {OrderStatus.CONFIRMED}
    assert sorted(LedgerEntry.objects.values_list("gross", "fee", "net")) == [
        (180_000, 9_000, 171_000),
        (350_000, 17_500, 332_500),
    ]
    # when the buyer cancels the tea order before it ships
    tea_order = orders[tea.producer_id]
    services.cancel_order(order=tea_order, actor=buyer, reason="Đổi ý", as_buyer=True)
    # then its money goes back through Stripe and the order ends refunded, stock back
    tea_order.refresh_from_db()
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (350_000, "succeeded")
    assert tea_order.status == OrderStatus.REFUNDED
    assert Product.objects.get(pk=tea.pk).stock == 20
    assert orders[plums.producer_id].status == OrderStatus.CONFIRMED


def test_money_arriving_for_an_order_cancelled_meanwhile_is_refunded_not_refused(
    tea, buyer, django_capture_on_commit_callbacks
):
    checkout = _checkout(buyer, (tea, 1), payment_method="vietqr")
    order_payments.start_checkout_payment(checkout=checkout, success_url="", cancel_url="")
    order = checkout.orders.get()
    services.cancel_order(order=order, actor=buyer, reason="", as_buyer=True)
    payment = order_payments.payment_for(order)
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.confirm_transfer_received(payment=payment, actor=tea.producer.owner)
    payment.refresh_from_db()
    order.refresh_from_db()
    # then the money is recorded as going back (by the producer, who holds it) and the order ends refunded
    assert payment.status == PaymentStatus.REFUNDED
    assert list(Refund.objects.values_list("amount", "status", "settled_by")) == [
        (350_000, "succeeded", "payee")
    ]
    assert order.status == OrderStatus.REFUNDED
