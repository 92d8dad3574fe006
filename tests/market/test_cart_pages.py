"""The cart pages: adding from a product page, changing and removing lines, guests and accounts."""

import pytest

from market.models import Cart, CartItem, Product, ReviewStatus


def _add(client, product, quantity, **extra):
    return client.post("/vi/market/cart/add/", {"product": product.slug, "quantity": quantity, **extra})


def _lines(cart_filter) -> dict[str, int]:
    return dict(CartItem.objects.filter(**cart_filter).values_list("product__slug", "quantity"))


def _guest_lines(client) -> dict[str, int]:
    return _lines({"cart__session_key": client.session.session_key})


def test_a_guest_adds_a_product_and_sees_it_in_the_cart(client, tea):
    # when a guest adds 3 kg of tea from the product page
    response = _add(client, tea, 3)
    # then they land on their cart, which holds the tea, and are told so
    assert response.status_code == 302
    assert response["Location"] == "/vi/market/cart/"
    assert _guest_lines(client) == {tea.slug: 3}
    html = client.get("/vi/market/cart/").text
    assert "Đã thêm 3 kg Chè Shan Tuyết vào giỏ hàng." in html
    assert "350.000 ₫ / kg × 3 = <strong>1.050.000 ₫</strong>" in html
    assert 'href="/vi/market/checkout/"' in html


def test_adding_twice_adds_up(client, tea):
    _add(client, tea, 2)
    _add(client, tea, 3)
    assert _guest_lines(client) == {tea.slug: 5}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (21, "Chỉ còn 20 kg Chè Shan Tuyết."),
        ("abc", "Hãy nhập một số nguyên."),
        (0, "Hãy chọn ít nhất 1."),
    ],
)
def test_a_refused_add_goes_back_to_the_product_with_the_reason_and_the_cart_unchanged(
    client, tea, quantity, message
):
    # given a cart with 1 kg of tea
    _add(client, tea, 1)
    # when the guest asks for more than there is, or for something that is not a quantity
    response = _add(client, tea, quantity)
    # then they are back on the product page with the reason, and the cart still holds 1 kg
    assert response["Location"] == f"/vi/market/p/{tea.slug}/"
    assert message in client.get(response["Location"]).text
    assert _guest_lines(client) == {tea.slug: 1}
    assert Product.objects.get(pk=tea.pk).stock == 20


def test_adding_above_stock_to_an_empty_cart_writes_nothing(client, tea):
    response = _add(client, tea, 500)
    assert "Chỉ còn 20 kg Chè Shan Tuyết." in client.get(response["Location"]).text
    assert not CartItem.objects.exists()


def test_the_minimum_order_is_enforced(client, plums):
    response = _add(client, plums, 1)
    assert "Đặt tối thiểu 2 kg Mận Bắc Hà." in client.get(response["Location"]).text
    assert not CartItem.objects.exists()


def test_a_product_that_is_not_for_sale_cannot_be_added(client, tea):
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)
    assert _add(client, tea, 1).status_code == 404
    assert not CartItem.objects.exists()


def test_the_cart_groups_lines_by_producer_with_subtotals(client, tea, plums):
    _add(client, tea, 2)
    _add(client, plums, 10)
    html = client.get("/vi/market/cart/").text
    assert f'<h2 id="producer-{tea.producer_id}">Hợp tác xã chè Tả Van</h2>' in html
    assert f'<h2 id="producer-{plums.producer_id}">Hộ Nguyễn Thị Hoa</h2>' in html
    assert html.count('class="cart-group"') == 2
    assert "Tạm tính: <strong>700.000 ₫</strong>" in html
    assert "Tạm tính: <strong>450.000 ₫</strong>" in html
    assert "<strong>1.150.000 ₫</strong>" in html


def test_changing_a_quantity(client, tea):
    _add(client, tea, 2)
    response = client.post("/vi/market/cart/update/", {"product": tea.pk, "quantity": 5})
    assert response["Location"] == "/vi/market/cart/"
    assert _guest_lines(client) == {tea.slug: 5}
    assert "Đã đổi số lượng Chè Shan Tuyết." in client.get("/vi/market/cart/").text


def test_changing_a_quantity_above_stock_is_refused_and_changes_nothing(client, tea):
    _add(client, tea, 2)
    client.post("/vi/market/cart/update/", {"product": tea.pk, "quantity": 25})
    assert _guest_lines(client) == {tea.slug: 2}
    assert "Chỉ còn 20 kg Chè Shan Tuyết." in client.get("/vi/market/cart/").text


def test_a_quantity_of_zero_or_the_remove_button_takes_the_line_out(client, tea, plums):
    _add(client, tea, 2)
    _add(client, plums, 4)
    client.post("/vi/market/cart/update/", {"product": tea.pk, "quantity": 0})
    response = client.post("/vi/market/cart/remove/", {"product": plums.pk})
    assert response["Location"] == "/vi/market/cart/"
    assert _guest_lines(client) == {}
    html = client.get("/vi/market/cart/").text
    assert "Đã bỏ Mận Bắc Hà khỏi giỏ hàng." in html
    assert "Giỏ hàng của bạn đang trống." in html


def test_nobody_changes_a_line_of_someone_elses_cart(client, tea, buyer):
    # given the buyer's cart with 2 kg of tea
    other_cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=other_cart, product=tea, quantity=2)
    # and a guest with a cart of their own, without tea
    _add(client, tea, 1)
    CartItem.objects.filter(cart__session_key=client.session.session_key).delete()
    # when the guest posts changes for that product
    update = client.post("/vi/market/cart/update/", {"product": tea.pk, "quantity": 7})
    remove = client.post("/vi/market/cart/remove/", {"product": tea.pk})
    # then neither is found and the buyer's line is untouched
    assert (update.status_code, remove.status_code) == (404, 404)
    assert _lines({"cart__user": buyer}) == {tea.slug: 2}


def test_cart_changes_only_by_post(client, tea):
    assert client.get("/vi/market/cart/add/", {"product": tea.slug, "quantity": 1}).status_code == 405
    assert not CartItem.objects.exists()


def test_the_guest_cart_joins_the_account_cart_on_login(client, tea, plums, buyer):
    # given a buyer whose account cart holds plums, shopping as a guest first
    account_cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=account_cart, product=plums, quantity=4)
    _add(client, tea, 3)
    guest_session = client.session.session_key
    # when they log in and open the cart
    client.force_login(buyer)
    html = client.get("/vi/market/cart/").text
    # then the account cart holds both and the guest cart is gone
    assert _lines({"cart__user": buyer}) == {tea.slug: 3, plums.slug: 4}
    assert not Cart.objects.filter(session_key=guest_session).exists()
    assert "Chè Shan Tuyết" in html and "Mận Bắc Hà" in html


def test_an_empty_cart_for_a_visitor_without_a_session_creates_nothing(client, db):
    response = client.get("/vi/market/cart/")
    assert response.status_code == 200
    assert "Giỏ hàng của bạn đang trống." in response.text
    assert not Cart.objects.exists()
