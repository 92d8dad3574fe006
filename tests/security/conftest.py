"""Shared fixtures of the security corpora: two of everything (communes A and B, producers, hosts,
buyers, guests, partners with keys and subscriptions) so that every attack can aim at someone else's row.

``world`` builds it through the services users' forms call; tests then attack through the real doors
(pages with the Django test client, the API with DRF's client and a real key or token).
"""

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from api.services import subscriptions as subscription_services
from market import services as market_services
from tests import factories
from tests.api.conftest import client_with_key, make_partner
from tests.market.conftest import make_producer, make_product
from tests.tourism.conftest import days_from_today, make_experience, make_host, make_stay
from tourism.models import BookingPayment
from tourism.services import bookings


@dataclass
class World:
    """Everything an attack needs, owned by A or by B."""

    site: dict
    users: dict = field(default_factory=dict)
    producer_a: object = None
    producer_b: object = None
    product_a: object = None
    product_b: object = None
    host_a: object = None
    host_b: object = None
    stay_a: object = None
    stay_b: object = None
    experience_a: object = None
    order_a: object = None  # buyer's order from producer A
    order_b: object = None  # other buyer's order from producer B
    booking_a: object = None  # guest's booking at host A
    booking_b: object = None  # other guest's booking at host B
    partner_a: object = None
    partner_b: object = None
    subscription_a: object = None
    subscription_b: object = None


def place_order(buyer_user, product, *, name: str, address: str = "12 Phố Huế", notes: str = ""):
    cart = market_services.cart_for(user=buyer_user)
    market_services.add_to_cart(cart=cart, product=product, quantity=max(2, product.minimum_order))
    checkout = market_services.place_order(
        cart=cart,
        payment_method="cod",
        delivery_methods={product.producer_id: "delivery"},
        buyer=market_services.Buyer(
            name=name, phone="0912345678", user=buyer_user, address=address, province="Hà Nội"
        ),
    )
    return checkout.orders.get()


def book_room(unit, user, *, name: str, email: str, days: int):
    guest = bookings.GuestDetails(name=name, email=email, phone="+84912000111", country="VN")
    return bookings.book_stay(
        unit=unit,
        check_in=days_from_today(days),
        check_out=days_from_today(days + 2),
        guests=2,
        guest=guest,
        payment_method=BookingPayment.ON_ARRIVAL,
        user=user,
    )


def subscribe(partner, name: str):
    return subscription_services.create_subscription(
        partner=partner,
        actor=partner.owner,
        endpoint_url="http://127.0.0.1:9/hook",
        name=name,
        keywords="chè",
    )


@pytest.fixture
def world(site_tree, settings) -> World:
    settings.API_WEBHOOK_ALLOW_PRIVATE = True  # the subscriptions' endpoint is on this machine
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    users = {
        "buyer": factories.make_user(
            "buyer-a@example.org", phone="0912000001", first_name="Hùng", last_name="Trần"
        ),
        "buyer_b": factories.make_user(
            "buyer-b@example.org", phone="0912000002", first_name="Bích", last_name="Lê"
        ),
        "producer_a": factories.make_member("producer-a@example.org", a, Role.PRODUCER),
        "producer_b": factories.make_member("producer-b@example.org", b, Role.PRODUCER),
        "host_a": factories.make_member("host-a@example.org", a, Role.HOST),
        "host_b": factories.make_member("host-b@example.org", b, Role.HOST),
        "editor_a": factories.make_member("editor-a@example.org", a, Role.COMMUNE_EDITOR),
        "moderator_a": factories.make_member("moderator-a@example.org", a, Role.COMMUNE_MODERATOR),
        "moderator_b": factories.make_member("moderator-b@example.org", b, Role.COMMUNE_MODERATOR),
        "superuser": factories.make_user("root@example.org", superuser=True),
    }
    w = World(site=site_tree, users=users)
    w.producer_a = make_producer(users["producer_a"], a, "Hợp tác xã chè Tả Van")
    w.producer_b = make_producer(
        users["producer_b"], b, "Hộ Lê Thị Bích Ngọc", bank_account_name="LE THI NGOC"
    )
    w.product_a = make_product(w.producer_a, "Chè Shan Tuyết", price=350_000, stock=40)
    w.product_b = make_product(w.producer_b, "Mận Bắc Hà", price=45_000, stock=100)
    w.host_a = make_host(users["host_a"], a, "Homestay Sùng A Páo")
    w.host_b = make_host(users["host_b"], b, "Nhà nghỉ Lò Thị Lan", bank_account_name="LO THI LAN")
    w.stay_a = make_stay(w.host_a, "Nhà sàn Páo")
    w.stay_b = make_stay(w.host_b, "Nhà nghỉ Lan")
    w.experience_a = make_experience(w.host_a, "Nhuộm chàm")
    w.order_a = place_order(users["buyer"], w.product_a, name="Trần Văn Hùng", address="12 Phố Huế")
    w.order_b = place_order(users["buyer_b"], w.product_b, name="Lê Thị Bích", address="99 Nguyễn Trãi")
    w.booking_a = book_room(
        w.stay_a.units.order_by("id").first(),
        users["buyer"],
        name="Trần Văn Hùng",
        email="buyer-a@example.org",
        days=10,
    )
    w.booking_b = book_room(
        w.stay_b.units.order_by("id").first(),
        users["buyer_b"],
        name="Lê Thị Bích",
        email="buyer-b@example.org",
        days=12,
    )
    w.partner_a = make_partner("desk-a@newspaper.example")
    w.partner_b = make_partner("desk-b@magazine.example")
    users["partner_a"], users["partner_b"] = w.partner_a.owner, w.partner_b.owner
    w.subscription_a = subscribe(w.partner_a, "Chè của báo A")
    w.subscription_b = subscribe(w.partner_b, "Mận của tạp chí B")
    return w


@pytest.fixture
def key_client():
    """An API client sending a fresh key of ``partner``."""
    return client_with_key


@pytest.fixture
def token_client():
    def make(user) -> APIClient:
        token, _created = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
