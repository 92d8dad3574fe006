"""Deleting a product or a producer is a soft delete: gone from every public door, orders keep working,
staff restore it, and nothing can hard-delete it by accident."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from core.deletion import DeletionRefused
from core.models import Event
from market import services
from market.exceptions import MarketError, MarketErrorCode
from market.models import CartItem, Order, OrderStatus, Producer, Product
from tests import factories
from tests.api.conftest import client_with_key, make_partner


def shop_url(name: str, **kwargs) -> str:
    with translation.override("vi"):
        return reverse(f"shop:{name}", kwargs=kwargs)


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def place_order_for(buyer, product, quantity=2) -> Order:
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=product, quantity=quantity)
    checkout = services.place_order(
        cart=cart,
        buyer=services.Buyer(
            name="Trần Văn Hùng", phone="0912345678", address="12 Hàng Bạc", province="Hà Nội", user=buyer
        ),
        payment_method="cod",
        delivery_methods={product.producer_id: "delivery"},
    )
    return checkout.orders.get()


def event_names(subject) -> list[str]:
    return list(Event.objects.for_subject(subject).order_by("id").values_list("name", flat=True))


def public_views(product, api_client) -> dict:
    """Whether ``product`` shows in each public door."""
    browser = Client()
    catalogue = browser.get("/vi/market/").content.decode()
    search = browser.get("/vi/search/", {"q": "che shan tuyet"}).content.decode()
    feed = browser.get("/feeds/vi/products.json").json()
    api_list = api_client.get("/api/v1/products/").json()["results"]
    return {
        "catalogue": product.name_vi in catalogue,
        "product page": browser.get(f"/vi/market/p/{product.slug}/").status_code,
        "search": product.name_vi in search,
        "feed": any(item["title"] == product.name_vi for item in feed["items"]),
        "embed": browser.get(f"/embed/product/{product.slug}/").status_code,
        "api list": any(item["id"] == product.pk for item in api_list),
        "api detail": api_client.get(f"/api/v1/products/{product.pk}/").status_code,
    }


VISIBLE = {
    "catalogue": True,
    "product page": 200,
    "search": True,
    "feed": True,
    "embed": 200,
    "api list": True,
    "api detail": 200,
}
HIDDEN = {
    "catalogue": False,
    "product page": 404,
    "search": False,
    "feed": False,
    "embed": 404,
    "api list": False,
    "api detail": 404,
}


@pytest.fixture
def partner_client(site_tree) -> APIClient:
    return client_with_key(make_partner())


@pytest.fixture
def platform_admin(db):
    return factories.make_user("admin@example.org", superuser=True)


@pytest.mark.django_db
def test_the_producer_deletes_a_product_it_vanishes_everywhere_and_its_order_still_shows(
    tea, buyer, owner_a, partner_client
):
    # given an order of tea, and tea visible everywhere
    order = place_order_for(buyer, tea)
    assert public_views(tea, partner_client) == VISIBLE
    # when the producer deletes it from the producer area
    response = logged_in(owner_a).post(
        shop_url("product_delete", producer_id=tea.producer_id, product_id=tea.pk)
    )
    # then it is gone from every public door
    assert response.status_code == 302
    assert response["Location"] == shop_url("products", producer_id=tea.producer_id)
    assert public_views(tea, partner_client) == HIDDEN
    stored = Product.all_objects.get(pk=tea.pk)
    assert stored.deleted_by == owner_a and stored.deleted_at is not None
    assert not Product.objects.filter(pk=tea.pk).exists()
    assert tea.name_vi not in logged_in(owner_a).get(shop_url("products", producer_id=tea.producer_id)).text
    # and its order still works for the producer, the buyer and the API
    assert order.lines.get().product == stored
    producer_page = logged_in(owner_a).get(
        shop_url("order_detail", producer_id=tea.producer_id, reference=order.reference)
    )
    assert producer_page.status_code == 200 and tea.name_vi in producer_page.text
    buyer_page = logged_in(buyer).get(f"/vi/market/checkout/{order.checkout.access_token}/")
    assert buyer_page.status_code == 200 and tea.name_vi in buyer_page.text
    token = Token.objects.create(user=buyer)
    api_order = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}").get(f"/api/v1/orders/{order.reference}/")
    assert api_order.status_code == 200
    assert [(line["product"], line["name"]) for line in api_order.json()["lines"]] == [(tea.pk, tea.name_vi)]
    # and the producer can still fulfil it
    services.accept_cash_order(order=order, actor=owner_a)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CONFIRMED
    assert event_names(stored)[-1] == "market.product.deleted"


@pytest.mark.django_db
def test_cancelling_an_order_of_a_deleted_product_gives_its_stock_back(tea, buyer, owner_a):
    order = place_order_for(buyer, tea, quantity=3)
    services.delete_product(product=tea, actor=owner_a)

    services.cancel_order(order=order, actor=owner_a, reason="Hết hàng", as_buyer=False)

    assert Product.all_objects.get(pk=tea.pk).stock == 20


@pytest.mark.django_db
def test_a_deleted_product_leaves_carts_and_cannot_be_added_again(tea, buyer, owner_a):
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=tea, quantity=1)

    services.delete_product(product=tea, actor=owner_a)
    response = logged_in(buyer).post("/vi/market/cart/add/", {"product": tea.slug, "quantity": 1})

    assert response.status_code in (302, 400, 404)
    assert not CartItem.objects.filter(product_id=tea.pk).exists()


@pytest.mark.django_db
def test_deleting_a_producer_empties_its_products_from_carts(tea, plums, buyer, owner_a, producer_a):
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=tea, quantity=1)
    services.add_to_cart(cart=cart, product=plums, quantity=2)

    services.delete_producer(producer=producer_a, actor=owner_a)

    assert list(CartItem.objects.filter(cart=cart).values_list("product_id", flat=True)) == [plums.pk]


@pytest.mark.django_db
def test_a_deleted_product_is_not_counted_on_sale_in_the_producers_api(
    tea, owner_a, producer_a, partner_client
):
    def on_sale() -> int:
        rows = partner_client.get("/api/v1/producers/").json()["results"]
        return {row["id"]: row["products_count"] for row in rows}[producer_a.pk]

    assert on_sale() == 1

    services.delete_product(product=tea, actor=owner_a)

    assert on_sale() == 0


@pytest.mark.django_db
def test_someone_else_cannot_delete_a_product_404_and_nothing_changes(tea, owner_b, producer_b):
    before = event_names(tea)
    browser = logged_in(owner_b)

    through_their_shop = browser.post(
        shop_url("product_delete", producer_id=tea.producer_id, product_id=tea.pk)
    )
    through_own_shop = browser.post(shop_url("product_delete", producer_id=producer_b.pk, product_id=tea.pk))
    anonymous = Client().post(shop_url("product_delete", producer_id=tea.producer_id, product_id=tea.pk))

    assert through_their_shop.status_code == 404
    assert through_own_shop.status_code == 404
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert Product.objects.get(pk=tea.pk).deleted_at is None
    assert event_names(tea) == before


@pytest.mark.django_db
def test_a_get_does_not_delete(tea, owner_a):
    response = logged_in(owner_a).get(
        shop_url("product_delete", producer_id=tea.producer_id, product_id=tea.pk)
    )

    assert response.status_code == 405
    assert Product.objects.filter(pk=tea.pk).exists()


@pytest.mark.django_db
def test_staff_restore_a_product_from_the_deleted_items_list(tea, owner_a, platform_admin, partner_client):
    services.delete_product(product=tea, actor=owner_a)
    admin = logged_in(platform_admin)
    # the deleted items list shows it
    listing = admin.get("/django-admin/market/product/", {"deleted": "yes"})
    assert listing.status_code == 200 and tea.name_vi in listing.text
    not_deleted = admin.get("/django-admin/market/product/", {"deleted": "no"})
    assert tea.name_vi not in not_deleted.text

    response = admin.post(
        "/django-admin/market/product/", {"action": "restore_selected", "_selected_action": [tea.pk]}
    )

    assert response.status_code == 302
    restored = Product.objects.get(pk=tea.pk)
    assert (restored.deleted_at, restored.deleted_by) == (None, None)
    assert public_views(tea, partner_client) == VISIBLE
    assert event_names(tea)[-2:] == ["market.product.deleted", "market.product.restored"]
    assert Event.objects.for_subject(tea).named("market.product.restored").get().actor == platform_admin


@pytest.mark.django_db
def test_the_admin_action_deletes_softly_and_the_admin_cannot_hard_delete(tea, platform_admin):
    admin = logged_in(platform_admin)

    response = admin.post(
        "/django-admin/market/product/", {"action": "soft_delete_selected", "_selected_action": [tea.pk]}
    )
    hard = admin.post(f"/django-admin/market/product/{tea.pk}/delete/", {"post": "yes"})
    bulk = admin.post(
        "/django-admin/market/product/", {"action": "delete_selected", "_selected_action": [tea.pk]}
    )

    assert response.status_code == 302
    assert hard.status_code == 403
    assert bulk.status_code in (200, 302)  # Django's "delete selected" is not offered: nothing happens
    assert Product.all_objects.filter(pk=tea.pk).exists()
    stored = Product.all_objects.get(pk=tea.pk)
    assert stored.deleted_by == platform_admin
    assert event_names(stored)[-1] == "market.product.deleted"


@pytest.mark.django_db
def test_only_a_moderator_of_the_commune_restores(site_tree, tea, owner_a):
    services.delete_product(product=tea, actor=owner_a)
    other_moderator = factories.make_member(
        "mod-b@example.org", site_tree["b"]["commune"], Role.COMMUNE_MODERATOR
    )
    moderator = factories.make_member("mod-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)

    for refused in (owner_a, other_moderator):
        with pytest.raises(MarketError) as error:
            services.restore_product(product=tea, actor=refused)
        assert error.value.code == MarketErrorCode.NOT_ALLOWED
    assert Product.all_objects.get(pk=tea.pk).deleted_at is not None

    services.restore_product(product=tea, actor=moderator)
    assert Product.objects.filter(pk=tea.pk).exists()


@pytest.mark.django_db
def test_deleting_a_producer_hides_its_shop_and_products_and_restoring_brings_them_back(
    tea, producer_a, owner_a, buyer, platform_admin, partner_client
):
    order = place_order_for(buyer, tea)
    # a shop with an order under way is refused, and nothing changes
    with pytest.raises(MarketError) as refused:
        services.delete_producer(producer=producer_a, actor=owner_a)
    assert refused.value.code == MarketErrorCode.NOT_ALLOWED
    assert Producer.objects.filter(pk=producer_a.pk).exists()
    assert "market.producer.deleted" not in event_names(producer_a)
    # once the order has ended, the shop can go
    services.cancel_order(order=order, actor=owner_a, reason="Hết hàng", as_buyer=False)

    services.delete_producer(producer=producer_a, actor=owner_a)

    assert public_views(tea, partner_client) == HIDDEN
    assert Client().get(f"/vi/market/producers/{producer_a.slug}/").status_code == 404
    assert partner_client.get(f"/api/v1/producers/{producer_a.pk}/").status_code == 404
    assert logged_in(owner_a).get(shop_url("dashboard", producer_id=producer_a.pk)).status_code == 404
    assert Order.objects.get(pk=order.pk).producer == Producer.all_objects.get(pk=producer_a.pk)
    # a cart cannot check out a product of a deleted shop
    cart = services.cart_for(user=buyer)
    CartItem.objects.create(cart=cart, product=tea, quantity=1)
    with pytest.raises(MarketError) as error:
        services.place_order(
            cart=cart,
            buyer=services.Buyer(
                name="Hùng", phone="0912345678", address="1 Hàng Bạc", province="Hà Nội", user=buyer
            ),
            payment_method="cod",
            delivery_methods={tea.producer_id: "delivery"},
        )
    assert error.value.code == MarketErrorCode.PRODUCT_UNAVAILABLE

    logged_in(platform_admin).post(
        "/django-admin/market/producer/", {"action": "restore_selected", "_selected_action": [producer_a.pk]}
    )

    assert public_views(tea, partner_client) == VISIBLE
    assert event_names(producer_a)[-2:] == ["market.producer.deleted", "market.producer.restored"]


@pytest.mark.django_db
def test_a_new_product_does_not_take_the_address_of_a_deleted_one(tea, producer_a, owner_a):
    services.delete_product(product=tea, actor=owner_a)

    again = services.create_product(
        producer=producer_a,
        actor=owner_a,
        name_vi=tea.name_vi,
        price=1000,
        stock=1,
        category="tea",
        unit="kg",
    )

    assert again.slug != tea.slug


@pytest.mark.django_db
def test_hard_deletion_is_refused_by_the_models(tea, buyer, producer_a):
    order = place_order_for(buyer, tea)

    for attempt in (
        tea.delete,
        Product.objects.filter(pk=tea.pk).delete,
        Product.all_objects.filter(pk=tea.pk).delete,
        producer_a.delete,
        Producer.objects.all().delete,
        order.delete,
        Order.objects.all().delete,
    ):
        with pytest.raises(DeletionRefused):
            attempt()

    assert Product.objects.filter(pk=tea.pk).exists() and Order.objects.filter(pk=order.pk).exists()


@pytest.mark.django_db
def test_a_user_or_commune_with_a_shop_cannot_be_deleted_out_from_under_it(site_tree, producer_a, owner_a):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        owner_a.delete()
    assert Producer.objects.filter(pk=producer_a.pk).exists()
