"""A buyer's orders through the API with a person's token: the same rows as the site's checkout, the
buyer's own orders only, refusals that change nothing."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.models import Scope
from core.models import Event
from market import services
from market.models import Cart, CartItem, Checkout, Order, OrderStatus, Product, ReviewStatus
from payments.models import Payment, PaymentItem
from tests import factories

ORDERS = "/api/v1/orders/"


def _order_body(*items, **overrides) -> dict:
    body = {
        "items": [{"product": product.pk, "quantity": quantity} for product, quantity in items],
        "buyer_name": "Trần Văn Hùng",
        "buyer_phone": "0912 345 678",
        "buyer_email": "hung@example.org",
        "delivery_method": "delivery",
        "delivery_province": "Hà Nội",
        "delivery_address": "12 Hàng Bạc, Hoàn Kiếm",
        "payment_method": "cod",
    }
    body.update(overrides)
    return body


def _place(client, *items, **overrides):
    return client.post(ORDERS, _order_body(*items, **overrides), format="json", HTTP_ACCEPT_LANGUAGE="en")


def _shape(checkout: Checkout) -> dict:
    """Everything a checkout wrote, without its ids, references and times."""
    orders = []
    for order in checkout.orders.order_by("producer_id"):
        payments = Payment.objects.filter(
            items__in=PaymentItem.objects.filter(payable_kind="market.order", payable_id=str(order.pk))
        )
        orders.append(
            {
                "order": (
                    order.producer_id, order.buyer_id, order.status, order.payment_method,
                    order.delivery_method, order.subtotal, order.delivery_fee, order.total,
                    order.hold_expires_at - order.created_at,
                ),
                "lines": list(
                    order.lines.values_list(
                        "product_id", "product_name", "unit_price", "quantity", "line_total"
                    )
                ),
                "payments": list(payments.values_list("provider", "status", "amount", "collected_by")),
                "events": list(
                    Event.objects.filter(subject_type="market.order", subject_id=str(order.pk))
                    .order_by("id")
                    .values_list("name", "actor_id")
                ),
            }
        )  # fmt: skip
    return {
        "checkout": (
            checkout.buyer_id, checkout.buyer_name, checkout.buyer_phone, checkout.buyer_email,
            checkout.delivery_address, checkout.delivery_province, checkout.payment_method,
        ),
        "orders": orders,
    }  # fmt: skip


def _state() -> dict:
    """What a refused request must leave as it was."""
    return {
        "checkouts": Checkout.objects.count(),
        "orders": list(Order.objects.order_by("id").values_list("id", "status")),
        "stock": dict(Product.objects.values_list("id", "stock")),
        "carts": Cart.objects.count(),
        "cart_items": CartItem.objects.count(),
        "payments": Payment.objects.count(),
        "events": Event.objects.count(),
    }


@pytest.fixture
def buyer_api(user_client, buyer):
    return user_client(buyer)


@pytest.fixture
def stranger_api(user_client, db):
    return user_client(factories.make_user("stranger@example.org", phone="0987654321"))


# --- placing ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_order_placed_through_the_api_writes_the_same_rows_as_the_site_checkout(
    buyer_api, buyer, tea, plums
):
    # given the buyer checks out tea and plums on the site, both delivered to Hà Nội, cash on delivery
    browser = Client()
    browser.force_login(buyer)
    for product, quantity in ((tea, 3), (plums, 10)):
        browser.post("/vi/market/cart/add/", {"product": product.slug, "quantity": quantity})
    site = browser.post(
        "/vi/market/checkout/",
        {
            "buyer_name": "Trần Văn Hùng", "buyer_phone": "0912 345 678", "buyer_email": "hung@example.org",
            "delivery_address": "12 Hàng Bạc, Hoàn Kiếm", "delivery_province": "Hà Nội",
            "payment_method": "cod",
            f"delivery_{tea.producer_id}": "delivery", f"delivery_{plums.producer_id}": "delivery",
        },
    )  # fmt: skip
    assert site.status_code == 302
    carts = Cart.objects.count()
    # when an app places the same order for the buyer through the API
    response = _place(buyer_api, (tea, 3), (plums, 10))
    # then the API's checkout wrote exactly what the site's did, and held the stock again
    assert response.status_code == 201, response.content
    web_checkout, api_checkout = Checkout.objects.order_by("id")
    assert _shape(api_checkout) == _shape(web_checkout)
    assert _shape(api_checkout)["orders"][0]["payments"] == [("cod", "pending", 1_080_000, "payee")]
    assert Product.objects.get(pk=tea.pk).stock == 20 - 3 - 3
    assert Product.objects.get(pk=plums.pk).stock == 100 - 10 - 10
    assert Cart.objects.count() == carts  # the request's own cart is gone, the site's cart untouched
    # and the answer is the buyer's orders, one per producer, with their own details
    body = response.json()
    assert body["checkout"] == api_checkout.reference and body["payment_url"] is None
    by_reference = {order["reference"]: order for order in body["orders"]}
    tea_order = by_reference[api_checkout.orders.get(producer=tea.producer).reference]
    assert (tea_order["status"], tea_order["subtotal"], tea_order["delivery_fee"], tea_order["total"]) == (
        "pending_payment",
        1_050_000,
        30_000,
        1_080_000,
    )
    assert tea_order["lines"] == [
        {"product": tea.pk, "name": "Chè Shan Tuyết", "unit": "kg", "unit_price": 350_000, "quantity": 3,
         "line_total": 1_050_000}
    ]  # fmt: skip
    assert tea_order["buyer"] == {
        "name": "Trần Văn Hùng", "phone": "+84912345678", "email": "hung@example.org",
        "address": "12 Hàng Bạc, Hoàn Kiếm", "province": "Hà Nội",
    }  # fmt: skip
    assert tea_order["producer"] == {"id": tea.producer_id, "title": "Hợp tác xã chè Tả Van"}
    assert tea_order["may_cancel"] is True
    assert tea_order["payment"]["method"] == "cod" and tea_order["payment"]["paid"] is False


@pytest.mark.django_db
def test_a_bank_transfer_order_answers_the_vietqr_to_pay(buyer_api, tea):
    response = _place(buyer_api, (tea, 1), payment_method="vietqr", delivery_method="pickup")

    assert response.status_code == 201, response.content
    [order] = response.json()["orders"]
    payment = Payment.objects.get(items__payable_id=str(Order.objects.get().pk))
    assert order["payment"]["reference"] == payment.reference
    assert order["payment"]["qr_payload"] == payment.qr_payload != ""
    assert order["payment"]["amount"] == 350_000


@pytest.mark.django_db
def test_a_card_order_gives_the_stripe_page_when_card_payments_are_on(buyer_api, tea, settings, monkeypatch):
    # given card payments are on and Stripe answers with its page
    settings.STRIPE_SECRET_KEY = "sk_test_api"
    calls = []

    def start_checkout_payment(*, checkout, success_url, cancel_url):
        calls.append((checkout.reference, success_url))
        return "https://checkout.stripe.test/c/pay/cs_test_api"

    monkeypatch.setattr("api.views.orders.start_checkout_payment", start_checkout_payment)
    # when the app orders by card
    response = _place(buyer_api, (tea, 1), payment_method="stripe", delivery_method="pickup")
    # then the answer sends the buyer to Stripe, which comes back to the checkout's page
    assert response.status_code == 201, response.content
    checkout = Checkout.objects.get()
    assert response.json()["payment_url"] == "https://checkout.stripe.test/c/pay/cs_test_api"
    assert calls == [(checkout.reference, f"http://testserver/en/market/checkout/{checkout.access_token}/")]


@pytest.mark.django_db
def test_a_card_order_while_card_payments_are_off_is_400_and_writes_nothing(buyer_api, tea):
    before = _state()

    response = _place(buyer_api, (tea, 1), payment_method="stripe", delivery_method="pickup")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["payment_method"]
    assert _state() == before


# --- refusals -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_more_than_the_stock_is_409_with_the_markets_message_and_nothing_changes(buyer_api, tea, plums):
    before = _state()

    response = _place(buyer_api, (plums, 4), (tea, 21))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "out_of_stock"
    assert error["message"] == "Only 20 kg left."
    assert error["fields"] == {"items.1.quantity": ["Only 20 kg left."]}
    assert _state() == before


@pytest.mark.django_db
def test_a_product_no_longer_for_sale_is_409_and_nothing_changes(buyer_api, tea):
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)
    before = _state()

    response = _place(buyer_api, (tea, 1))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "product_unavailable"
    assert list(response.json()["error"]["fields"]) == ["items.0.product"]
    assert _state() == before


@pytest.mark.django_db
def test_bad_order_details_are_400_with_field_messages_and_nothing_changes(buyer_api, tea):
    before = _state()

    empty = buyer_api.post(ORDERS, _order_body(), format="json")
    unknown = _place(buyer_api, (tea, 1), items=[{"product": 999999, "quantity": 1}])
    twice = _place(buyer_api, (tea, 1), (tea, 2))
    buyer = _place(buyer_api, (tea, 1), buyer_phone="12345", delivery_province="", delivery_address="")
    far = _place(buyer_api, (tea, 1), delivery_province="Cần Thơ")  # Tả Van delivers to the north only

    assert empty.status_code == 400 and list(empty.json()["error"]["fields"]) == ["items"]
    assert unknown.status_code == 400 and list(unknown.json()["error"]["fields"]) == ["items.0.product"]
    assert twice.status_code == 400 and list(twice.json()["error"]["fields"]) == ["items.1.product"]
    assert buyer.status_code == 400
    assert set(buyer.json()["error"]["fields"]) == {"buyer_phone", "delivery_address", "delivery_province"}
    assert far.status_code == 400 and far.json()["error"]["code"] == "no_delivery_to_zone"
    assert _state() == before


@pytest.mark.django_db
def test_a_partner_key_alone_cannot_order_and_nothing_changes(client_for, tea):
    key_only = client_for(scopes=[Scope.MARKET_READ, Scope.ORDERS_WRITE])
    before = _state()

    placing = key_only.post(ORDERS, _order_body((tea, 1)), format="json")
    listing = key_only.get(ORDERS)

    assert placing.status_code == listing.status_code == 403
    assert placing.json()["error"]["code"] == listing.json()["error"]["code"] == "user_token_needed"
    assert _state() == before


@pytest.mark.django_db
def test_without_credentials_orders_are_401_and_nothing_changes(client, tea):
    before = _state()

    response = client.post(ORDERS, _order_body((tea, 1)), content_type="application/json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert _state() == before


# --- reading and cancelling ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_buyer_reads_only_their_own_orders(buyer_api, stranger_api, tea, plums):
    placed = _place(buyer_api, (tea, 1), (plums, 2)).json()
    references = sorted(order["reference"] for order in placed["orders"])

    mine = buyer_api.get(ORDERS)
    first_page = buyer_api.get(ORDERS, {"limit": 1})
    second_page = buyer_api.get(first_page.json()["next"])
    theirs = stranger_api.get(ORDERS)
    one = buyer_api.get(f"{ORDERS}{references[0]}/")

    assert sorted(order["reference"] for order in mine.json()["results"]) == references
    assert "payment" not in mine.json()["results"][0]  # the list is light; one order tells its payment
    assert (
        sorted([first_page.json()["results"][0]["reference"], second_page.json()["results"][0]["reference"]])
        == references
    )
    assert theirs.status_code == 200 and theirs.json()["results"] == []
    assert one.status_code == 200 and one.json()["reference"] == references[0]
    assert one.json()["payment"]["method"] == "cod"


@pytest.mark.django_db
def test_someone_elses_order_is_404_to_read_and_to_cancel_and_nothing_changes(buyer_api, stranger_api, tea):
    reference = _place(buyer_api, (tea, 2)).json()["orders"][0]["reference"]
    before = _state()

    read = stranger_api.get(f"{ORDERS}{reference}/")
    cancel = stranger_api.post(f"{ORDERS}{reference}/cancel/", {"reason": "mine now"}, format="json")

    assert read.status_code == cancel.status_code == 404
    assert cancel.json()["error"]["code"] == "not_found"
    assert _state() == before


@pytest.mark.django_db
def test_the_buyer_cancels_an_order_which_gives_the_stock_back_and_a_second_cancel_is_409(buyer_api, tea):
    reference = _place(buyer_api, (tea, 2)).json()["orders"][0]["reference"]
    assert Product.objects.get(pk=tea.pk).stock == 18

    cancelled = buyer_api.post(f"{ORDERS}{reference}/cancel/", {"reason": "Đặt nhầm"}, format="json")
    before_again = _state()
    again = buyer_api.post(f"{ORDERS}{reference}/cancel/", {}, format="json")

    assert cancelled.status_code == 200, cancelled.content
    assert (cancelled.json()["status"], cancelled.json()["may_cancel"]) == ("cancelled", False)
    order = Order.objects.get(reference=reference)
    assert (order.status, order.cancelled_by, order.cancellation_reason) == (
        OrderStatus.CANCELLED,
        "buyer",
        "Đặt nhầm",
    )
    assert Product.objects.get(pk=tea.pk).stock == 20
    assert again.status_code == 409 and again.json()["error"]["code"] == "illegal_transition"
    assert _state() == before_again


@pytest.mark.django_db
def test_the_orders_list_runs_the_same_queries_for_1_and_50_orders(buyer_api, buyer, tea, plums):
    def place(quantity=1):
        cart = services.cart_for(user=buyer)
        services.add_to_cart(cart=cart, product=plums, quantity=2)
        services.add_to_cart(cart=cart, product=tea, quantity=quantity)
        services.place_order(
            cart=cart,
            buyer=services.Buyer(name="Hùng", phone="0912345678", user=buyer),
            payment_method="cod",
            delivery_methods={tea.producer_id: "pickup", plums.producer_id: "pickup"},
        )

    place()
    buyer_api.get(f"{ORDERS}?limit=50")
    with CaptureQueriesContext(connection) as one:
        assert buyer_api.get(f"{ORDERS}?limit=1", HTTP_IF_NONE_MATCH="x").status_code == 200
    for _ in range(19):
        place()
    with CaptureQueriesContext(connection) as many:
        response = buyer_api.get(f"{ORDERS}?limit=50", HTTP_IF_NONE_MATCH="x")
    assert len(response.json()["results"]) == 40
    assert len(many) == len(one)
