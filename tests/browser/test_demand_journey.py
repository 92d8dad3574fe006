"""Buyer demands in a real Chromium: a demand, its ranked matches with *why*, an offer, an order.

A lowland buyer (logged in through Wagtail's login form) posts a demand for Shan Tuyết tea; the demand
page ranks the tea of a highland cooperative first and shows why (every part of the score as a labelled
meter with its percentage, and the reasons). The cooperative's owner finds the demand among "open
demands for my products" and answers with an offer; the buyer accepts it and lands on the order's own
page. No page breaks the Content-Security-Policy (``new_context`` fails the test on a violation) and
axe-core finds no accessibility violation on any of them.

The steps follow the pages' structure (forms, links, classes), not their words, so the test holds in
Vietnamese as the translations arrive.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from accounts.models import Role
from market.models import BuyerDemand, DemandOffer, DemandStatus, OfferStatus, Order, OrderStatus
from tests import factories
from tests.browser.test_journeys import describe_violations
from tests.market.conftest import make_producer, make_product

pytestmark = pytest.mark.browser

LANGUAGE = "vi"
PHONE_VIEWPORT = {"width": 360, "height": 740}
CHECKOUT_DONE = re.compile(r"/vi/market/checkout/[0-9a-f-]{36}/$")
DEMAND_PAGE = re.compile(r"/vi/market/demands/[0-9a-f-]{36}/$")


@pytest.fixture
def owner_a(site_tree):
    return factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.PRODUCER)


@pytest.fixture
def producer_a(site_tree, owner_a):
    return make_producer(owner_a, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van")


@pytest.fixture
def tea(producer_a):
    return make_product(producer_a, "Chè Shan Tuyết", price=350_000, stock=20)


@pytest.fixture
def buyer(site_tree):
    return factories.make_user(
        "buyer@example.org", phone="0912345678", first_name="Hùng", last_name="Trần Văn"
    )


def log_in(page, email: str, password: str, next_path: str, lands_on: str = "") -> None:
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{lands_on or next_path}")


class AccessibilityCheck:
    """axe-core on each page visited; the problems are collected and asserted at the end."""

    def __init__(self):
        self.axe = Axe()
        self.problems = {}

    def __call__(self, page, name: str) -> None:
        assert page.locator("html").get_attribute("lang") == LANGUAGE, page.url
        results = self.axe.run(page)
        if results.violations_count:
            self.problems[f"{name} ({page.url})"] = describe_violations(results.response)

    def assert_none(self) -> None:
        report = "\n\n".join(f"{name}\n{found}" for name, found in self.problems.items())
        assert not self.problems, f"accessibility check of the demand pages failed:\n{report}"


def test_a_buyer_posts_a_demand_a_producer_offers_and_the_buyer_orders(
    new_context, site_tree, buyer, producer_a, tea, password
):
    check = AccessibilityCheck()
    needed_by = timezone.localdate() + timedelta(days=30)

    # given a buyer on a phone, logged in, at the demand form
    buyer_page = new_context(viewport=PHONE_VIEWPORT).new_page()
    form_path = f"/{LANGUAGE}/market/demands/new/"
    log_in(buyer_page, buyer.email, password, form_path)
    check(buyer_page, "demand form")

    # when she asks for 10 kg of Shan Tuyết tea, VietGAP not required, delivered to Hà Nội in a month
    buyer_page.fill("input[name=title]", "Chè Shan Tuyết cho quán trà")
    buyer_page.select_option("select[name=category]", "tea")
    buyer_page.fill("input[name=keywords]", "shan tuyet che")
    buyer_page.fill("input[name=quantity]", "10")
    buyer_page.select_option("select[name=unit]", "kg")
    buyer_page.fill("input[name=max_unit_price]", "400.000")
    buyer_page.select_option("select[name=delivery_province]", "Hà Nội")
    buyer_page.fill("input[name=needed_by]", needed_by.isoformat())
    buyer_page.click("form.demand-form button[type=submit]")
    buyer_page.wait_for_url(DEMAND_PAGE)

    # then the demand is saved and the page ranks the cooperative's tea, saying why
    demand = BuyerDemand.objects.get(buyer=buyer)
    assert (demand.quantity, demand.unit, demand.max_unit_price, demand.needed_by) == (
        10,
        "kg",
        400_000,
        needed_by,
    )
    assert buyer_page.url.endswith(f"/market/demands/{demand.public_id}/")
    first = buyer_page.locator("ol.match-list > li.match-item").first
    assert first.get_attribute("id") == f"match-{tea.pk}"
    assert first.locator("h3").inner_text() == tea.name
    why = first.locator("details.match-details")
    assert why.get_attribute("open") is not None  # the best match's why is open
    meters = why.locator("meter")
    assert meters.count() >= 3
    for index in range(meters.count()):
        meter = meters.nth(index)
        value = int(meter.get_attribute("value"))
        assert 0 <= value <= 100
        label_id = meter.get_attribute("aria-labelledby")
        assert buyer_page.locator(f'[id="{label_id}"]').inner_text().strip()
        assert f"{value} %" in meter.locator("xpath=..").inner_text()
    check(buyer_page, "demand with matches")

    # when the cooperative's owner opens "open demands for my products"
    producer_page = new_context(viewport=PHONE_VIEWPORT).new_page()
    demands_path = f"/{LANGUAGE}/my/shop/{producer_a.pk}/demands/"
    log_in(producer_page, producer_a.owner.email, password, demands_path)
    demand_path = f"/{LANGUAGE}/my/shop/{producer_a.pk}/demands/{demand.public_id}/"
    assert producer_page.locator(f'li.demand-match a[href="{demand_path}"]').count() == 1
    assert producer_page.locator("li.demand-match meter").count() >= 3
    check(producer_page, "open demands for my products")

    # and answers with an offer: 10 kg at 330.000 ₫, from next week
    producer_page.locator(f'li.demand-match h2 a[href="{demand_path}"]').click()
    producer_page.wait_for_url(f"**{demand_path}")
    check(producer_page, "demand as the producer sees it")
    producer_page.select_option("select[name=product]", str(tea.pk))
    producer_page.fill("input[name=quantity]", "10")
    producer_page.fill("input[name=unit_price]", "330.000")
    producer_page.fill("input[name=available_on]", (timezone.localdate() + timedelta(days=7)).isoformat())
    producer_page.fill("textarea[name=note]", "Chè vụ xuân, đóng túi 1 kg.")
    producer_page.click("form.offer-form button[type=submit]")
    producer_page.wait_for_url(f"**/{LANGUAGE}/my/shop/{producer_a.pk}/offers/")
    offer = DemandOffer.objects.get(demand=demand)
    assert (offer.product_id, offer.quantity, offer.unit_price, offer.status) == (
        tea.pk,
        10,
        330_000,
        OfferStatus.OPEN,
    )
    check(producer_page, "the producer's offers")

    # then the buyer sees the offer on her demand and accepts it
    buyer_page.reload()
    accept_path = f"/{LANGUAGE}/market/demands/{demand.public_id}/offers/{offer.pk}/accept/"
    buyer_page.locator(f'#offer-{offer.pk} a[href="{accept_path}"]').click()
    buyer_page.wait_for_url(f"**{accept_path}")
    check(buyer_page, "accept the offer")
    assert buyer_page.input_value("input[name=buyer_phone]") == "+84912345678"  # from her account
    buyer_page.check(f'input[name="delivery_{producer_a.pk}"][value="pickup"]')
    buyer_page.check('input[name=payment_method][value="cod"]')
    buyer_page.click("form.accept-form button[type=submit]")
    buyer_page.wait_for_url(CHECKOUT_DONE)

    # and lands on the order's page: one order at the offer's price, the demand fulfilled
    order = Order.objects.get()
    assert buyer_page.url.endswith(f"/checkout/{order.checkout.access_token}/")
    assert (order.status, order.total, order.buyer_id) == (
        OrderStatus.PENDING_PAYMENT,
        10 * 330_000,
        buyer.pk,
    )
    assert order.reference in buyer_page.locator("main").inner_text()
    demand.refresh_from_db()
    offer.refresh_from_db()
    assert (demand.status, offer.status, offer.order_id) == (
        DemandStatus.FULFILLED,
        OfferStatus.ACCEPTED,
        order.pk,
    )

    check.assert_none()
