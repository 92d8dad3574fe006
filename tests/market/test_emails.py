"""Order emails at each step, and the periodic job that releases expired holds."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from market import services
from market.models import OrderStatus, Product


def _place(buyer, product, *, payment_method="cod", now=None):
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=product, quantity=2)
    return services.place_order(
        cart=cart,
        payment_method=payment_method,
        delivery_methods={product.producer_id: "pickup"},
        now=now,
        buyer=services.Buyer(name="Trần Văn Hùng", phone="0912345678", email="hung@example.org", user=buyer),
    ).orders.get()


def test_buyer_and_producer_are_emailed_when_an_order_is_placed_and_shipped(
    tea, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(buyer, tea)
    assert sorted(message.to[0] for message in mail.outbox) == ["hung@example.org", "mai@example.org"]
    assert {message.subject for message in mail.outbox} == {f"Đã nhận đơn hàng {order.reference}"}
    to_buyer = next(message for message in mail.outbox if message.to == ["hung@example.org"])
    assert "2 kg Chè Shan Tuyết: 700000 VND" in to_buyer.body
    assert f"/vi/market/checkout/{order.checkout.access_token}/" in to_buyer.body

    mail.outbox.clear()
    buyer.preferred_language = "en"
    buyer.save()
    owner = tea.producer.owner
    with django_capture_on_commit_callbacks(execute=True):
        services.ship_order(order=services.accept_cash_order(order=order, actor=owner), actor=owner,
                            tracking_note="VNPost EB123")  # fmt: skip
    subjects = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert ("hung@example.org", f"Order {order.reference} is on its way") in subjects
    assert ("hung@example.org", f"Order {order.reference} confirmed") in subjects
    assert len(mail.outbox) == 4


def test_run_periodic_once_releases_expired_holds(tea, buyer):
    order = _place(buyer, tea, payment_method="vietqr", now=timezone.now() - timedelta(hours=1))
    assert Product.objects.get(pk=tea.pk).stock == 18
    call_command("run_periodic", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=tea.pk).stock == 20
