"""The marketplace in a real Chromium: two producers, VietQR and cash on delivery, the producer's shop.

A buyer (logged in through Wagtail's login form) fills a cart from two producers and pays by bank
transfer (VietQR): one order per producer, each with its own QR code and transfer message. A guest then
orders one product cash on delivery. The first producer accepts and ships that order from the shop;
the shop has no button to confirm a bank transfer, so the transfer is confirmed through the payments
service (as the producer's own bank-statement check would) and the producer ships that order too. Both
buyers reload their confirmation pages and follow the timeline.

Labels are computed from the same definitions the views render, in Vietnamese (the visitor's language).
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import translation

from accounts.models import Role
from market.models import Category, Checkout, DeliveryMethod, Order, OrderStatus, PaymentMethod, Product
from market.services import payments as order_payments
from market.views.orders import TIMELINE_LABELS
from payments import services as payment_services
from payments.models import PaymentStatus
from tests import factories
from tests.browser.test_journeys import describe_violations
from tests.market.conftest import make_producer, make_product

pytestmark = pytest.mark.browser

LANGUAGE = "vi"
CHECKOUT_DONE = re.compile(r"/vi/market/checkout/[0-9a-f-]{36}/$")
PHONE_VIEWPORT = {"width": 360, "height": 740}


# --- data ----------------------------------------------------------------------------------------------


@pytest.fixture
def owner_a(site_tree):
    return factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.PRODUCER)


@pytest.fixture
def owner_b(site_tree):
    return factories.make_member("hoa@example.org", site_tree["b"]["commune"], Role.PRODUCER)


@pytest.fixture
def producer_a(site_tree, owner_a):
    return make_producer(owner_a, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van")


@pytest.fixture
def producer_b(site_tree, owner_b):
    return make_producer(
        owner_b, site_tree["b"]["commune"], "Hộ Nguyễn Thị Hoa", bank_account_name="NGUYEN THI HOA"
    )


@pytest.fixture
def tea(producer_a):
    return make_product(producer_a, "Chè Shan Tuyết", price=350_000, stock=20)


@pytest.fixture
def plums(producer_b):
    return make_product(
        producer_b, "Mận Bắc Hà", price=45_000, stock=100, category=Category.FRUIT, minimum_order=2
    )


@pytest.fixture
def buyer(site_tree):
    return factories.make_user(
        "buyer@example.org", phone="0912345678", first_name="Hùng", last_name="Trần Văn"
    )


# --- helpers -------------------------------------------------------------------------------------------


def log_in(page, email: str, password: str, next_path: str, lands_on: str = "") -> None:
    """Log in through Wagtail's login form (the site's LOGIN_URL), back to ``next_path`` (or where it
    redirects: ``lands_on``)."""
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{lands_on or next_path}")


def product_path(product) -> str:
    return f"/{LANGUAGE}/market/p/{product.slug}/"


def open_product_from_catalogue(page, product) -> None:
    page.goto(f"/{LANGUAGE}/market/")
    page.locator(f'.product-card a[href="{product_path(product)}"]').click()
    page.wait_for_url(f"**{product_path(product)}")
    assert page.locator("h1").inner_text() == product.name


def add_to_cart(page, quantity: int) -> None:
    page.fill("form.add-to-cart input[name=quantity]", str(quantity))
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(f"**/{LANGUAGE}/market/cart/")


def go_to_checkout(page) -> None:
    page.click(f'a[href="/{LANGUAGE}/market/checkout/"]')
    page.wait_for_url(f"**/{LANGUAGE}/market/checkout/")


def fill_buyer_details(page, *, name: str, phone: str, email: str = "") -> None:
    page.fill("input[name=buyer_name]", name)
    page.fill("input[name=buyer_phone]", phone)
    page.fill("input[name=buyer_email]", email)


def choose_delivery(page, producer, method: str) -> None:
    page.check(f'input[name="delivery_{producer.pk}"][value="{method}"]')


def place_order(page) -> None:
    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url(CHECKOUT_DONE)


def order_section(page, order):
    return page.locator("section.order", has=page.locator(f'[id="order-{order.reference}"]'))


def timeline_labels(section) -> list[str]:
    return [text.strip() for text in section.locator("ol.timeline li strong").all_inner_texts()]


def expected_timeline(*names: str) -> list[str]:
    with translation.override(LANGUAGE):
        return [str(TIMELINE_LABELS[f"market.order.{name}"]) for name in names]


def status_label(status: OrderStatus) -> str:
    with translation.override(LANGUAGE):
        return str(status.label)


def stock(product) -> int:
    return Product.objects.get(pk=product.pk).stock


def shop_dashboard(producer) -> str:
    return f"/{LANGUAGE}/my/shop/{producer.pk}/"


def open_shop_order(page, producer, order) -> None:
    """``/vi/my/shop/`` (an owner of one shop lands on its dashboard), then the order from "needs action"."""
    page.goto(f"/{LANGUAGE}/my/shop/")
    page.wait_for_url(f"**{shop_dashboard(producer)}")
    detail = f"/{LANGUAGE}/my/shop/{producer.pk}/orders/{order.reference}/"
    page.locator(f'.order-item a[href="{detail}"]').first.click()
    page.wait_for_url(f"**{detail}")


def press_order_action(page, producer, order, action: str) -> None:
    detail = f"/{LANGUAGE}/my/shop/{producer.pk}/orders/{order.reference}/"
    page.click(f'form[action="{detail}{action}/"] button[type=submit]')
    page.wait_for_url(f"**{detail}")


# --- 1. the whole journey ------------------------------------------------------------------------------


def test_buyer_pays_two_producers_by_vietqr_then_cash_and_follows_the_producers_progress(
    new_context, site_tree, buyer, owner_a, producer_a, producer_b, tea, plums, password
):
    assert producer_a.accepts_bank_transfer and producer_b.accepts_bank_transfer

    # given a buyer logged in through the login form, at the marketplace
    page = new_context().new_page()
    log_in(page, buyer.email, password, f"/{LANGUAGE}/market/")

    # when she adds tea from producer A and plums from producer B to her cart
    open_product_from_catalogue(page, tea)
    add_to_cart(page, 2)
    open_product_from_catalogue(page, plums)
    add_to_cart(page, 4)
    assert page.locator("section.cart-group").count() == 2

    # and checks out: pickup for A, delivery to Hà Nội for B, paying by bank transfer (VietQR)
    go_to_checkout(page)
    fill_buyer_details(page, name="Trần Văn Hùng", phone="0912 345 678", email="buyer@example.org")
    choose_delivery(page, producer_a, DeliveryMethod.PICKUP)
    choose_delivery(page, producer_b, DeliveryMethod.DELIVERY)
    page.fill("textarea[name=delivery_address]", "12 Phố Huế, Hai Bà Trưng")
    page.select_option("select[name=delivery_province]", "Hà Nội")
    page.check(f'input[name=payment_method][value="{PaymentMethod.BANK_TRANSFER}"]')
    place_order(page)
    vietqr_url = page.url

    # then one checkout with one order per producer waits for payment, and the stock is held
    checkout = Checkout.objects.get()
    assert checkout.buyer_id == buyer.pk
    assert vietqr_url.endswith(f"/checkout/{checkout.access_token}/")
    assert (checkout.buyer_name, checkout.buyer_phone, checkout.delivery_province) == (
        "Trần Văn Hùng",
        "+84912345678",  # normalised from what she typed
        "Hà Nội",
    )
    order_a = Order.objects.get(checkout=checkout, producer=producer_a)
    order_b = Order.objects.get(checkout=checkout, producer=producer_b)
    assert Order.objects.count() == 2
    for order in (order_a, order_b):
        assert order.status == OrderStatus.PENDING_PAYMENT
        assert order.payment_method == PaymentMethod.BANK_TRANSFER
    assert order_a.delivery_method == DeliveryMethod.PICKUP and order_a.delivery_fee == 0
    assert order_b.delivery_method == DeliveryMethod.DELIVERY and order_b.delivery_fee == 30_000
    assert (order_a.total, order_b.total) == (2 * 350_000, 4 * 45_000 + 30_000)
    assert (stock(tea), stock(plums)) == (18, 96)

    # and the confirmation shows both orders, each with its VietQR code and transfer message
    assert page.locator("section.order").count() == 2
    for order, account_name in ((order_a, "SUNG THI MAI"), (order_b, "NGUYEN THI HOA")):
        payment = order_payments.payment_for(order)
        assert payment.provider == "vietqr" and payment.status == PaymentStatus.PENDING
        assert payment.amount == order.total
        section = order_section(page, order)
        assert order.reference in section.locator("h2").inner_text()
        box = section.locator(".payment-box")
        assert box.locator(".vietqr-code svg").count() == 1
        assert box.locator("dd strong").inner_text() == payment.reference
        assert account_name in box.inner_text()
        assert timeline_labels(section) == expected_timeline("placed")

    # when a guest, on another phone, buys one product cash on delivery and picks it up
    guest = new_context().new_page()
    open_product_from_catalogue(guest, tea)
    add_to_cart(guest, 1)
    go_to_checkout(guest)
    fill_buyer_details(guest, name="Lò Văn Pao", phone="0987654321")
    choose_delivery(guest, producer_a, DeliveryMethod.PICKUP)
    guest.check(f'input[name=payment_method][value="{PaymentMethod.CASH_ON_DELIVERY}"]')
    place_order(guest)
    cod_url = guest.url

    # then a second checkout holds one cash order for producer A
    assert Checkout.objects.count() == 2
    assert Order.objects.count() == 3
    cod_order = Order.objects.get(checkout__buyer__isnull=True)
    assert cod_url.endswith(f"/checkout/{cod_order.checkout.access_token}/")
    assert (cod_order.producer_id, cod_order.status) == (producer_a.pk, OrderStatus.PENDING_PAYMENT)
    assert cod_order.payment_method == PaymentMethod.CASH_ON_DELIVERY
    assert stock(tea) == 17
    assert order_payments.payment_for(cod_order).provider == "cod"
    assert guest.locator("section.order").count() == 1
    assert guest.locator(".payment-box svg").count() == 0  # no QR code for cash

    # when producer A logs in on her own phone, finds the cash order in her shop and accepts it
    shop = new_context().new_page()
    log_in(shop, owner_a.email, password, f"/{LANGUAGE}/my/shop/", lands_on=shop_dashboard(producer_a))
    open_shop_order(shop, producer_a, cod_order)
    press_order_action(shop, producer_a, cod_order, "accept")

    # then it is confirmed, the stock stays held
    cod_order.refresh_from_db()
    assert cod_order.status == OrderStatus.CONFIRMED
    assert cod_order.hold_expires_at is None
    assert stock(tea) == 17
    assert status_label(OrderStatus.CONFIRMED) in shop.locator(".badge").first.inner_text()

    # when she ships it with a shipping note
    shop.fill("input[name=tracking_note], textarea[name=tracking_note]", "Viettel Post 1234567")
    press_order_action(shop, producer_a, cod_order, "ship")

    # then it is shipped, the note kept, the cash still to collect
    cod_order.refresh_from_db()
    assert cod_order.status == OrderStatus.SHIPPED
    assert cod_order.tracking_note == "Viettel Post 1234567"
    assert order_payments.payment_for(cod_order).status == PaymentStatus.PENDING

    # when the transfer for her VietQR order reaches her account and she confirms it (the shop has no
    # button for this: the payments service does what her bank-statement check would do)
    payment_services.confirm_transfer_received(payment=order_payments.payment_for(order_a), actor=owner_a)

    # then that order is paid and confirmed; producer B's order still waits for its transfer
    order_a.refresh_from_db()
    order_b.refresh_from_db()
    assert order_a.status == OrderStatus.CONFIRMED and order_a.paid_at is not None
    assert order_payments.payment_for(order_a).status == PaymentStatus.SUCCEEDED
    assert order_b.status == OrderStatus.PENDING_PAYMENT

    # when she ships it from her shop too
    open_shop_order(shop, producer_a, order_a)
    assert shop.locator(f'form[action$="/{order_a.reference}/accept/"]').count() == 0  # not a cash order
    shop.fill("input[name=tracking_note], textarea[name=tracking_note]", "Giao xe máy thứ Bảy")
    press_order_action(shop, producer_a, order_a, "ship")
    order_a.refresh_from_db()
    assert order_a.status == OrderStatus.SHIPPED
    assert (stock(tea), stock(plums)) == (17, 96)  # nothing was given back

    # then the guest, reloading the confirmation, follows her order: placed → confirmed → shipped
    guest.reload()
    section = order_section(guest, cod_order)
    assert timeline_labels(section) == expected_timeline("placed", "confirmed", "shipped")
    assert status_label(OrderStatus.SHIPPED) in section.locator("p.status").inner_text()
    assert "Viettel Post 1234567" in section.inner_text()

    # and the logged-in buyer sees the same progress for A's order, and B's still only placed
    page.reload()
    section_a, section_b = order_section(page, order_a), order_section(page, order_b)
    assert timeline_labels(section_a) == expected_timeline("placed", "confirmed", "shipped")
    assert status_label(OrderStatus.SHIPPED) in section_a.locator("p.status").inner_text()
    assert timeline_labels(section_b) == expected_timeline("placed")
    assert status_label(OrderStatus.PENDING_PAYMENT) in section_b.locator("p.status").inner_text()
    assert section_b.locator(".payment-box .vietqr-code svg").count() == 1
    # and those labels really are Vietnamese, not the English msgids
    assert expected_timeline("placed", "confirmed", "shipped") == [
        "Đã đặt hàng",
        "Người bán đã xác nhận",
        "Đã gửi hàng",
    ]


# --- 2. accessibility ----------------------------------------------------------------------------------


def test_market_pages_have_no_accessibility_violations(new_context, site_tree, tea, plums):
    # given a phone-sized visitor with a product of each producer in her cart
    page = new_context(viewport=PHONE_VIEWPORT).new_page()
    axe = Axe()
    problems = {}

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == LANGUAGE, page.url
        results = axe.run(page)
        if results.violations_count:
            problems[f"{name} ({page.url})"] = describe_violations(results.response)

    # when axe-core checks the catalogue, a product page, the cart (as it opens after "Add to cart",
    # with its message) and the checkout
    page.goto(f"/{LANGUAGE}/market/")
    check("catalogue")
    open_product_from_catalogue(page, tea)
    check("product")
    add_to_cart(page, 1)
    open_product_from_catalogue(page, plums)
    add_to_cart(page, 2)
    check("cart")
    go_to_checkout(page)
    check("checkout")

    # then none has a violation (they come from themes/templates/market/**: fix them there, not here)
    report = "\n\n".join(f"{name}\n{found}" for name, found in problems.items())
    assert not problems, f"accessibility check of the market pages failed:\n{report}"
