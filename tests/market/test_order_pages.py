"""Checkout and order pages: placing orders, the private confirmation link, cancelling, reviewing."""

import importlib
import re
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import market.services
from market import services
from market.models import CartItem, Checkout, Order, OrderStatus, Producer, Product, Review
from tests import factories

CHECKOUT = "/vi/market/checkout/"


@pytest.fixture
def payments_bridge(monkeypatch):
    """``market.services.payments`` as it is, or — while it is being written — a stand-in that starts
    no online payment (cash on delivery, VietQR) and shows no payment box."""
    try:
        return importlib.import_module("market.services.payments")
    except ModuleNotFoundError:
        bridge = SimpleNamespace(
            start_checkout_payment=lambda **kwargs: None, order_payment_view=lambda order: None
        )
        monkeypatch.setattr(market.services, "payments", bridge, raising=False)
        return bridge


def _logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _fill_cart(client, *lines):
    for product, quantity in lines:
        client.post("/vi/market/cart/add/", {"product": product.slug, "quantity": quantity})


def _checkout_data(*deliveries, **overrides):
    data = {
        "buyer_name": "Trần Văn Hùng",
        "buyer_phone": "0912 345 678",
        "buyer_email": "",
        "delivery_address": "12 Hàng Bạc, Hoàn Kiếm",
        "delivery_province": "Hà Nội",
        "payment_method": "cod",
    }
    for producer, method in deliveries:
        data[f"delivery_{producer.pk}"] = method
    data.update(overrides)
    return data


def _assert_nothing_placed(client, stocks: dict):
    assert not Checkout.objects.exists()
    assert not Order.objects.exists()
    for product, stock in stocks.items():
        assert Product.objects.get(pk=product.pk).stock == stock
    assert CartItem.objects.filter(cart__session_key=client.session.session_key).exists()


def _place_as_guest(client, tea, plums=None):
    lines = [(tea, 3)] + ([(plums, 10)] if plums else [])
    _fill_cart(client, *lines)
    deliveries = [(tea.producer, "delivery")] + ([(plums.producer, "pickup")] if plums else [])
    response = client.post(CHECKOUT, _checkout_data(*deliveries))
    checkout = Checkout.objects.get()
    return response, checkout


def _place_for(user, product, quantity=2):
    cart = services.cart_for(user=user)
    services.add_to_cart(cart=cart, product=product, quantity=quantity)
    return services.place_order(
        cart=cart,
        buyer=services.Buyer(
            name="Trần Văn Hùng", phone="0912345678", address="12 Hàng Bạc", province="Hà Nội", user=user
        ),
        payment_method="cod",
        delivery_methods={product.producer_id: "delivery"},
    )


# --- checkout ---------------------------------------------------------------------------------------


def test_the_checkout_form_is_prefilled_for_a_logged_in_buyer(client, tea, buyer):
    client.force_login(buyer)
    _fill_cart(client, (tea, 1))
    html = client.get(CHECKOUT).text
    assert 'name="buyer_name" value="Trần Văn Hùng"' in html
    assert 'name="buyer_phone" value="+84912345678"' in html
    assert 'name="buyer_email" value="buyer@example.org"' in html
    assert 'value="stripe"' not in html  # cards only when Stripe is configured


def test_checkout_shows_each_producers_delivery_fees_and_only_the_payments_all_take(client, tea, plums):
    # given a cart from two producers, one of whom has no bank account
    Producer.objects.filter(pk=plums.producer_id).update(bank_account_number="")
    _fill_cart(client, (tea, 1), (plums, 2))
    # when the guest looks up the delivery costs to Hồ Chí Minh City
    html = client.get(CHECKOUT, {"province": "TP. Hồ Chí Minh"}).text
    # then each producer's fee there (or that it does not deliver there) is shown
    assert "Không giao đến TP. Hồ Chí Minh." in html
    # and bank transfer is not offered, with the reason
    assert 'value="cod"' in html and 'value="vietqr"' not in html
    assert "Chuyển khoản (VietQR) không dùng được cho giỏ hàng này: Hộ Nguyễn Thị Hoa không nhận." in html
    # without a province every zone's fee is listed
    html = client.get(CHECKOUT).text
    assert "Giao đến miền Bắc: 30.000 ₫." in html
    assert "Không giao đến miền Nam." in html


def test_a_guest_places_a_cash_on_delivery_order(client, tea, plums, payments_bridge):
    # when a guest with tea and plums in the cart checks out with a phone and an address
    response, checkout = _place_as_guest(client, tea, plums)
    # then one order per producer is placed, stock is held, the cart is empty
    assert response.status_code == 302
    assert response["Location"] == f"/vi/market/checkout/{checkout.access_token}/"
    orders = {order.producer_id: order for order in checkout.orders.all()}
    assert (orders[tea.producer_id].delivery_fee, orders[tea.producer_id].total) == (30_000, 1_080_000)
    assert (orders[plums.producer_id].delivery_fee, orders[plums.producer_id].total) == (0, 450_000)
    assert checkout.buyer is None
    assert (checkout.buyer_phone, checkout.delivery_province) == ("+84912345678", "Hà Nội")
    assert Product.objects.get(pk=tea.pk).stock == 17
    assert Product.objects.get(pk=plums.pk).stock == 90
    assert not CartItem.objects.exists()
    # and the confirmation page shows both orders, their timeline and the guest's details
    html = client.get(response["Location"]).text
    for order in orders.values():
        assert f"Đơn {order.reference} của " in html
    assert html.count("<strong>Đã đặt hàng</strong>") == 2
    assert "<dd>+84912345678</dd>" in html
    assert "12 Hàng Bạc, Hoàn Kiếm, Hà Nội" in html
    assert "<strong>1.530.000 ₫</strong>" in html


def test_checkout_with_too_little_stock_left_places_nothing(client, tea, payments_bridge):
    # given 5 kg of tea in the cart, but only 2 kg left by the time of checkout
    _fill_cart(client, (tea, 5))
    Product.objects.filter(pk=tea.pk).update(stock=2)
    # when the guest checks out
    response = client.post(CHECKOUT, _checkout_data((tea.producer, "pickup")))
    # then the form says why and nothing is written
    assert response.status_code == 400
    assert "Một sản phẩm trong giỏ còn ít hơn số bạn đặt." in response.text
    _assert_nothing_placed(client, {tea: 2})


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"buyer_phone": "12345"}, "buyer_phone", "Hãy nhập số điện thoại Việt Nam, ví dụ 0912 345 678."),
        ({"buyer_name": "  "}, "buyer_name", "Trường này là bắt buộc."),
        ({"delivery_address": ""}, "delivery_address", "Hãy ghi địa chỉ giao hàng."),
        ({"delivery_province": "Paris"}, "delivery_province", "Hãy chọn một lựa chọn hợp lệ."),
        ({"payment_method": "bitcoin"}, "payment_method", "Hãy chọn một lựa chọn hợp lệ."),
    ],
)
def test_bad_buyer_details_are_refused_field_by_field_with_nothing_written(
    client, tea, payments_bridge, overrides, field, message
):
    _fill_cart(client, (tea, 3))
    response = client.post(CHECKOUT, _checkout_data((tea.producer, "delivery"), **overrides))
    assert response.status_code == 400
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', response.text, re.S)
    assert errors is not None and message in errors.group(1)
    _assert_nothing_placed(client, {tea: 20})


def test_a_producer_that_does_not_deliver_to_the_province_is_refused_with_nothing_written(
    client, tea, payments_bridge
):
    _fill_cart(client, (tea, 3))
    response = client.post(
        CHECKOUT, _checkout_data((tea.producer, "delivery"), delivery_province="TP. Hồ Chí Minh")
    )
    assert response.status_code == 400
    assert "Có người bán không giao đến tỉnh bạn chọn" in response.text
    _assert_nothing_placed(client, {tea: 20})


def test_pickup_needs_no_address(client, tea, payments_bridge):
    _fill_cart(client, (tea, 1))
    response = client.post(
        CHECKOUT, _checkout_data((tea.producer, "pickup"), delivery_address="", delivery_province="")
    )
    assert response.status_code == 302
    assert Order.objects.get().delivery_method == "pickup"


def test_an_empty_cart_cannot_check_out(client, db, payments_bridge):
    response = client.get(CHECKOUT)
    assert response["Location"] == "/vi/market/cart/"
    assert client.post(CHECKOUT, _checkout_data())["Location"] == "/vi/market/cart/"
    assert not Checkout.objects.exists()


def test_a_card_payment_goes_to_the_payment_page(client, tea, settings, monkeypatch):
    # given Stripe is on and the payments bridge answers with a Checkout page
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    calls = []

    def start_checkout_payment(*, checkout, success_url, cancel_url):
        calls.append((checkout.reference, success_url, cancel_url))
        return "https://checkout.stripe.test/c/pay/cs_test_1"

    bridge = SimpleNamespace(
        start_checkout_payment=start_checkout_payment, order_payment_view=lambda order: None
    )
    monkeypatch.setattr(market.services, "payments", bridge, raising=False)
    _fill_cart(client, (tea, 1))
    assert 'value="stripe"' in client.get(CHECKOUT).text
    # when the buyer pays by card
    response = client.post(CHECKOUT, _checkout_data((tea.producer, "pickup"), payment_method="stripe"))
    # then they are sent to Stripe, which comes back to the confirmation page
    checkout = Checkout.objects.get()
    assert response["Location"] == "https://checkout.stripe.test/c/pay/cs_test_1"
    confirmation = f"http://testserver/vi/market/checkout/{checkout.access_token}/"
    assert calls == [(checkout.reference, confirmation, confirmation)]


def test_the_confirmation_page_shows_bank_transfer_instructions(client, tea, monkeypatch):
    # given the payments bridge describes a VietQR payment
    qr = '<svg xmlns="http://www.w3.org/2000/svg" class="qr"><path d="M0 0h1v1H0z"/></svg>'

    def order_payment_view(order):
        return {
            "method": "vietqr", "status": "Chờ chuyển khoản", "amount": order.total,
            "reference": order.reference, "qr_svg": qr,
            "bank": {"bin": "970436", "account_number": "0011001234567", "account_name": "SUNG THI MAI",
                     "bank_name": "Vietcombank"},
        }  # fmt: skip

    bridge = SimpleNamespace(
        start_checkout_payment=lambda **kwargs: None, order_payment_view=order_payment_view
    )
    monkeypatch.setattr(market.services, "payments", bridge, raising=False)
    _fill_cart(client, (tea, 1))
    response = client.post(CHECKOUT, _checkout_data((tea.producer, "pickup"), payment_method="vietqr"))
    # when the confirmation page is shown
    html = client.get(response["Location"]).text
    order = Order.objects.get()
    # then the QR code, the account and the transfer message are there
    assert qr in html
    assert "<dd>0011001234567</dd>" in html
    assert "<dd>SUNG THI MAI</dd>" in html
    assert f"<dd><strong>{order.reference}</strong></dd>" in html
    assert "<dd>350.000 ₫</dd>" in html


# --- who sees which orders ---------------------------------------------------------------------------


def test_an_unknown_token_or_someone_elses_order_is_not_found(client, tea, plums, payments_bridge, buyer):
    # given a guest's checkout and a buyer's checkout
    _response, guest_checkout = _place_as_guest(client, tea)
    account_checkout = _place_for(buyer, plums)
    account_order = account_checkout.orders.get()
    # then an unknown token, the buyer's checkout seen by someone else, and the buyer's order reference under
    # the guest's token are all "not found"
    intruder = factories.make_user("intruder@example.org")
    other = _logged_in(intruder)
    assert other.get(f"/vi/market/checkout/{uuid.uuid4()}/").status_code == 404
    assert other.get(f"/vi/market/checkout/{account_checkout.access_token}/").status_code == 404
    cancel = client.post(
        f"/vi/market/checkout/{guest_checkout.access_token}/{account_order.reference}/cancel/"
    )
    assert cancel.status_code == 404
    assert Order.objects.get(pk=account_order.pk).status == OrderStatus.PENDING_PAYMENT


def test_the_buyers_phone_and_address_are_shown_only_to_the_buyer(client, tea, payments_bridge, buyer):
    # given a guest checkout placed from this browser and an account's checkout
    _response, guest_checkout = _place_as_guest(client, tea)
    account_checkout = _place_for(buyer, tea)
    # when the guest's private link is opened in another browser
    elsewhere = Client().get(f"/vi/market/checkout/{guest_checkout.access_token}/")
    # then the orders are there but not the phone or the address
    assert elsewhere.status_code == 200
    assert guest_checkout.orders.get().reference in elsewhere.text
    assert "+84912345678" not in elsewhere.text
    assert "Hàng Bạc" not in elsewhere.text
    # and an account's checkout asks a visitor who is not logged in to log in
    anonymous = Client().get(f"/vi/market/checkout/{account_checkout.access_token}/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/?next=")
    # while the buyer sees everything
    mine = _logged_in(buyer).get(f"/vi/market/checkout/{account_checkout.access_token}/")
    assert "<dd>+84912345678</dd>" in mine.text


# --- cancelling and reviewing -------------------------------------------------------------------------


def test_a_guest_cancels_and_the_stock_comes_back(client, tea, payments_bridge):
    _response, checkout = _place_as_guest(client, tea)
    order = checkout.orders.get()
    assert Product.objects.get(pk=tea.pk).stock == 17
    response = client.post(
        f"/vi/market/checkout/{checkout.access_token}/{order.reference}/cancel/", {"reason": "Đặt nhầm"}
    )
    assert response["Location"] == f"/vi/market/checkout/{checkout.access_token}/"
    order.refresh_from_db()
    assert (order.status, order.cancelled_by, order.cancellation_reason) == ("cancelled", "buyer", "Đặt nhầm")
    assert Product.objects.get(pk=tea.pk).stock == 20
    html = client.get(response["Location"]).text
    assert f"Đã hủy đơn {order.reference}." in html
    assert "<strong>Đã hủy</strong>" in html
    assert "/cancel/" not in html


def test_an_order_that_has_shipped_cannot_be_cancelled(client, tea, payments_bridge):
    _response, checkout = _place_as_guest(client, tea)
    order = checkout.orders.get()
    owner = tea.producer.owner
    services.accept_cash_order(order=order, actor=owner)
    services.ship_order(order=order, actor=owner)
    html = client.get(f"/vi/market/checkout/{checkout.access_token}/").text
    assert "/cancel/" not in html
    response = client.post(f"/vi/market/checkout/{checkout.access_token}/{order.reference}/cancel/")
    assert "Đơn này không thể thay đổi theo cách đó nữa." in client.get(response["Location"]).text
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED
    assert Product.objects.get(pk=tea.pk).stock == 17


def test_the_buyer_reviews_a_product_once_it_is_delivered(client, tea, buyer, payments_bridge):
    # given a logged-in buyer's order, not yet delivered
    client.force_login(buyer)
    checkout = _place_for(buyer, tea)
    order = checkout.orders.get()
    url = f"/vi/market/checkout/{checkout.access_token}/"
    review_url = f"{url}{order.reference}/review/"
    assert review_url not in client.get(url).text
    refused = client.post(review_url, {"product": tea.pk, "rating": 5})
    assert "Bạn có thể đánh giá sản phẩm khi đơn đã được giao." in client.get(refused["Location"]).text
    assert not Review.objects.exists()
    # when it is delivered
    owner = tea.producer.owner
    services.accept_cash_order(order=order, actor=owner)
    services.ship_order(order=order, actor=owner)
    services.mark_delivered(order=order, actor=owner)
    assert f'action="{review_url}"' in client.get(url).text
    response = client.post(review_url, {"product": tea.pk, "rating": 4, "text": "Chè thơm"})
    # then the review is stored, the form is gone and the product page shows it
    review = Review.objects.get()
    assert (review.product_id, review.rating, review.text, review.author_id) == (
        tea.pk,
        4,
        "Chè thơm",
        buyer.pk,
    )
    html = client.get(response["Location"]).text
    assert "Cảm ơn bạn đã đánh giá." in html
    assert review_url not in html
    assert "Chè thơm" in client.get(f"/vi/market/p/{tea.slug}/").text


def test_only_the_logged_in_buyer_may_review(client, tea, buyer, payments_bridge):
    checkout = _place_for(buyer, tea)
    order = checkout.orders.get()
    owner = tea.producer.owner
    services.accept_cash_order(order=order, actor=owner)
    services.ship_order(order=order, actor=owner)
    services.mark_delivered(order=order, actor=owner)
    intruder = _logged_in(factories.make_user("intruder@example.org"))
    response = intruder.post(
        f"/vi/market/checkout/{checkout.access_token}/{order.reference}/review/",
        {"product": tea.pk, "rating": 1},
    )
    assert response.status_code == 404
    assert not Review.objects.exists()


# --- my orders ----------------------------------------------------------------------------------------


def test_my_orders_needs_a_login(client):
    response = client.get("/vi/market/my-orders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/vi/market/my-orders/")


def test_my_orders_lists_the_buyers_checkouts_with_the_same_queries_for_one_and_many(
    client, tea, plums, buyer, payments_bridge
):
    client.force_login(buyer)
    first = _place_for(buyer, tea)
    url = "/vi/market/my-orders/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _number in range(4):
        _place_for(buyer, plums)
    _place_for(factories.make_user("someone@example.org"), tea)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert response.text.count('class="checkout-entry"') == 5
    assert f'href="/vi/market/checkout/{first.access_token}/"' in response.text
    assert len(five.captured_queries) == len(one.captured_queries)
