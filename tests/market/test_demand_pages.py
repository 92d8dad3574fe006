"""The pages of buyer demands, producers' offers and inquiry threads (``market.views.demands``).

Requests go through the Django test client, in English (``/en/``) where a test reads the page's words.
The buyer posts a demand and reads the ranked matches with their *why*; a producer sees the demands
that fit the shop and answers with an offer; the buyer accepts it and lands on the order's page. Every
refused request also checks that nothing was written.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import Role
from core.models import Event
from market import services as market_services
from market.models import (
    BuyerDemand,
    Category,
    CertificationKind,
    DemandOffer,
    DemandStatus,
    InquiryMessage,
    InquiryThread,
    OfferStatus,
    Order,
    OrderStatus,
    Producer,
    Product,
    ReviewStatus,
    Unit,
)
from market.services import demands as demand_services
from market.services import payments as order_payments
from market.views.demands import PART_LABELS
from payments.models import PaymentStatus
from tests import factories

from .conftest import make_producer, make_product

# --- helpers -------------------------------------------------------------------------------------------


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def market_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"market:{name}", kwargs=kwargs)


def shop_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"shop:{name}", kwargs=kwargs)


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def post_demand(buyer, **overrides) -> BuyerDemand:
    fields = {
        "buyer": buyer,
        "title": "Chè Shan Tuyết cho quán trà",
        "quantity": 10,
        "unit": Unit.KILOGRAM,
        "needed_by": in_days(30),
        "delivery_province": "Hà Nội",
        "category": Category.TEA,
        "keywords": "shan tuyết chè",
        "max_unit_price": 400_000,
    }
    fields.update(overrides)
    return demand_services.post_demand(**fields)


def make_offer(demand, product, **overrides) -> DemandOffer:
    fields = {"quantity": 5, "unit_price": 330_000, "available_on": in_days(3), "note": ""}
    fields.update(overrides)
    return demand_services.make_offer(demand=demand, product=product, actor=product.producer.owner, **fields)


def demand_form_data(**overrides) -> dict:
    data = {
        "title": "Chè Shan Tuyết cho quán trà",
        "category": "tea",
        "keywords": "shan tuyết chè",
        "quantity": "10",
        "unit": "kg",
        "max_unit_price": "400.000",
        "delivery_province": "Hà Nội",
        "needed_by": in_days(30).isoformat(),
        "required_certifications": ["vietgap"],
        "minimum_ocop_stars": "",
        "note": "Giao làm hai lần.",
    }
    data.update(overrides)
    return data


def field_error(html: str, field: str) -> str:
    """The text of a field's error message on the page ('' when it has none)."""
    found = re.search(rf'id="id_{field}(?:_0)?-error">(.*?)</p>', html, re.S)
    if found is None:
        return ""
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()


def table_counts() -> tuple[int, int, int, int, int]:
    return (
        BuyerDemand.objects.count(),
        DemandOffer.objects.count(),
        Order.objects.count(),
        InquiryThread.objects.count(),
        InquiryMessage.objects.count(),
    )


@pytest.fixture
def other_buyer(db):
    return factories.make_user("other-buyer@example.org", phone="0987654321", first_name="Lan")


# --- the buyer posts a demand ---------------------------------------------------------------------------


def test_pages_of_demands_ask_a_visitor_to_log_in(client, buyer):
    demand = post_demand(buyer)
    for path in (
        market_url("my_demands"),
        market_url("demand_new"),
        market_url("demand", public_id=demand.public_id),
        market_url("inquiries"),
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")


def test_a_buyer_posts_a_demand_and_sees_the_products_ranked_with_why(client, buyer, tea, plums):
    # given VietGAP tea (the demand requires it) and plums (another category)
    market_services.add_certification(product=tea, actor=tea.producer.owner, kind=CertificationKind.VIETGAP)
    client.force_login(buyer)
    form_page = client.get(market_url("demand_new"))
    assert form_page.status_code == 200
    assert 'name="required_certifications" value="vietgap"' in form_page.text
    assert 'type="date"' in form_page.text

    response = client.post(market_url("demand_new"), demand_form_data())

    demand = BuyerDemand.objects.get(buyer=buyer)
    assert response.status_code == 302
    assert response["Location"] == market_url("demand", public_id=demand.public_id)
    assert (demand.title, demand.category, demand.quantity, demand.unit) == (
        "Chè Shan Tuyết cho quán trà",
        "tea",
        10,
        "kg",
    )
    assert (demand.max_unit_price, demand.delivery_province, demand.needed_by) == (
        400_000,
        "Hà Nội",
        in_days(30),
    )
    assert (demand.required_certifications, demand.minimum_ocop_stars, demand.note) == (
        ["vietgap"],
        None,
        "Giao làm hai lần.",
    )
    assert demand.status == DemandStatus.OPEN

    page = client.get(response["Location"])
    html = page.text
    assert page.status_code == 200
    assert "Your demand is posted." in html
    # the tea listing is ranked, with every part of its score labelled and measured
    match = re.search(
        rf'<li class="match-item" id="match-{tea.pk}">(.*?)</li>\s*(?:<li class="match-item"|</ol>)',
        html,
        re.S,
    )
    assert match is not None
    card = match.group(1)
    assert tea.name in card and tea.producer.name in card
    assert re.search(r"Fit: \d{1,3} %", card)
    meters = re.findall(r'<meter min="0" max="100" value="(\d{1,3})" aria-labelledby="([^"]+)">', card)
    assert meters, "no part of the score is shown"
    for label in (str(PART_LABELS["text"]), str(PART_LABELS["category"]), str(PART_LABELS["price"])):
        assert escape(label) in card
    assert all(0 <= int(value) <= 100 for value, _ in meters)
    assert (
        f'href="{market_url("demand_contact", public_id=demand.public_id, producer_id=tea.producer_id)}"'
        in card
    )
    # plums are another category: not ranked
    assert f'id="match-{plums.pk}"' not in html


def test_the_why_shows_each_part_of_the_engines_match(client, buyer, tea):
    # given the engine's match for the tea: each part's weighted contribution, adding up to the score
    from market import matching

    demand = post_demand(buyer)
    found = matching.matches_for_demand(demand)
    assert [match.product.pk for match in found] == [tea.pk]
    best, weights = found[0], matching.WEIGHTS
    client.force_login(buyer)
    html = client.get(market_url("demand", public_id=demand.public_id)).text
    # then the score is shown as a percentage
    assert f"Fit: {round(best.score / sum(weights.values()) * 100)} %" in html
    # and every part, as how well it fits (contribution over weight) and the points it adds
    for name, contribution in best.parts.items():
        label = escape(str(PART_LABELS[name]))
        percent = round(min(contribution / weights[name], 1.0) * 100)
        points = round(contribution / sum(weights.values()) * 100)
        maximum = round(weights[name] / sum(weights.values()) * 100)
        assert re.search(
            rf'<dt id="match-{tea.pk}-part-{name}">{re.escape(label)}</dt>\s*<dd><meter min="0" max="100" '
            rf'value="{percent}" aria-labelledby="match-{tea.pk}-part-{name}">{percent} %</meter>\s*'
            rf'<span class="match-percent">{percent} %</span>\s*'
            rf'<span class="match-points meta">{points} of {maximum} points</span>',
            html,
        ), name
    # and every reason is written out
    assert best.reasons
    for reason in best.reasons:
        assert f"<li>{escape(reason)}</li>" in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-5"}, "quantity"),
        ({"quantity": "2.5"}, "quantity"),
        ({"unit": "tonne"}, "unit"),
        ({"max_unit_price": "0"}, "max_unit_price"),
        ({"max_unit_price": "1500.5"}, "max_unit_price"),
        ({"needed_by": "2020-01-01"}, "needed_by"),
        ({"needed_by": "not a date"}, "needed_by"),
        ({"delivery_province": "Atlantis"}, "delivery_province"),
        ({"required_certifications": ["fair-trade"]}, "required_certifications"),
        ({"minimum_ocop_stars": "7"}, "minimum_ocop_stars"),
        ({"title": "   "}, "title"),
        ({"category": "cars"}, "category"),
    ],
)
def test_a_bad_demand_is_refused_on_its_field_and_nothing_is_written(client, buyer, overrides, field):
    client.force_login(buyer)
    response = client.post(market_url("demand_new"), demand_form_data(**overrides))
    assert response.status_code == 400
    assert field_error(response.text, field), f"no message on {field}"
    assert 'class="error-summary"' in response.text
    assert not BuyerDemand.objects.exists()


def test_the_buyer_changes_an_open_demand_and_the_ranking_follows(client, buyer, tea, plums):
    demand = post_demand(buyer, title="Chè cho quán", category=Category.TEA, quantity=20)
    client.force_login(buyer)
    detail = client.get(market_url("demand", public_id=demand.public_id)).text
    page = client.get(market_url("demand_edit", public_id=demand.public_id))
    data = demand_form_data(
        title="Mận Bắc Hà cho quán",
        category=Category.FRUIT,
        keywords="mận",
        quantity="40",
        required_certifications=[],
        note="Hai lần.",
    )

    response = client.post(market_url("demand_edit", public_id=demand.public_id), data)

    assert f'href="{market_url("demand_edit", public_id=demand.public_id)}"' in detail
    assert page.status_code == 200
    assert 'value="Chè cho quán"' in page.text and 'name="quantity" value="20"' in page.text
    assert response.status_code == 302
    assert response["Location"] == market_url("demand", public_id=demand.public_id)
    demand.refresh_from_db()
    assert (demand.title, demand.category, demand.quantity, demand.note) == (
        "Mận Bắc Hà cho quán",
        Category.FRUIT,
        40,
        "Hai lần.",
    )
    changed = Event.objects.get(name="market.demand.updated", subject_id=str(demand.pk))
    assert set(changed.payload["fields"]) >= {"title", "category", "quantity", "keywords", "note"}
    ranked = client.get(market_url("demand", public_id=demand.public_id)).text
    assert f'id="match-{tea.pk}"' in detail and f'id="match-{plums.pk}"' not in detail
    assert f'id="match-{plums.pk}"' in ranked and f'id="match-{tea.pk}"' not in ranked


@pytest.mark.parametrize(
    ("overrides", "field"), [({"needed_by": "2020-01-01"}, "needed_by"), ({"quantity": "0"}, "quantity")]
)
def test_a_bad_change_is_refused_on_its_field_and_nothing_changes(client, buyer, tea, overrides, field):
    demand = post_demand(buyer, title="Chè cho quán", quantity=20)
    client.force_login(buyer)

    response = client.post(
        market_url("demand_edit", public_id=demand.public_id), demand_form_data(**overrides)
    )

    assert response.status_code == 400
    assert field_error(response.text, field)
    demand.refresh_from_db()
    assert (demand.title, demand.quantity) == ("Chè cho quán", 20)
    assert not Event.objects.filter(name="market.demand.updated").exists()


def test_a_closed_demand_or_another_buyers_cannot_be_changed(client, buyer, other_buyer, tea):
    closed = post_demand(buyer, title="Chè cũ")
    demand_services.close_demand(demand=closed, actor=buyer)
    theirs = post_demand(other_buyer, title="Chè của người khác")
    client.force_login(buyer)

    refused = client.post(
        market_url("demand_edit", public_id=closed.public_id), demand_form_data(title="Mới")
    )
    hidden = client.post(market_url("demand_edit", public_id=theirs.public_id), demand_form_data(title="Mới"))

    assert refused.status_code == 302 and refused["Location"] == market_url(
        "demand", public_id=closed.public_id
    )
    assert hidden.status_code == 404
    closed.refresh_from_db()
    theirs.refresh_from_db()
    assert (closed.title, theirs.title) == ("Chè cũ", "Chè của người khác")
    assert (
        f'href="{market_url("demand_edit", public_id=closed.public_id)}"'
        not in client.get(market_url("demand", public_id=closed.public_id)).text
    )


def test_my_demands_lists_only_the_buyers_own_with_their_waiting_offers(client, buyer, other_buyer, tea):
    mine = post_demand(buyer, title="Chè cho quán")
    post_demand(other_buyer, title="Mật ong rừng", category=Category.HONEY)
    make_offer(mine, tea)
    client.force_login(buyer)
    html = client.get(market_url("my_demands")).text
    assert "Chè cho quán" in html and "Mật ong rừng" not in html
    assert "1 offer waits for your answer" in html
    assert f'href="{market_url("demand_new")}"' in html


def test_another_buyers_demand_is_not_found_and_nothing_changes(client, buyer, other_buyer, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea)
    client.force_login(other_buyer)
    before = table_counts()
    gets = [
        market_url("demand", public_id=demand.public_id),
        market_url("offer_accept", public_id=demand.public_id, offer_id=offer.pk),
        market_url("demand_contact", public_id=demand.public_id, producer_id=tea.producer_id),
    ]
    for path in gets:
        assert client.get(path).status_code == 404
    posts = [
        (market_url("demand_close", public_id=demand.public_id), {}),
        (market_url("offer_decline", public_id=demand.public_id, offer_id=offer.pk), {}),
        (
            market_url("offer_accept", public_id=demand.public_id, offer_id=offer.pk),
            {
                "buyer_name": "X",
                "buyer_phone": "0912345678",
                "payment_method": "cod",
                f"delivery_{tea.producer_id}": "pickup",
            },
        ),
        (
            market_url("demand_contact", public_id=demand.public_id, producer_id=tea.producer_id),
            {"body": "Xin chào"},
        ),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 404
    assert table_counts() == before
    demand.refresh_from_db()
    offer.refresh_from_db()
    assert (demand.status, offer.status) == (DemandStatus.OPEN, OfferStatus.OPEN)


def test_the_buyer_closes_a_demand_and_its_open_offers_are_declined(client, buyer, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea)
    client.force_login(buyer)
    response = client.post(market_url("demand_close", public_id=demand.public_id))
    assert response.status_code == 302
    demand.refresh_from_db()
    offer.refresh_from_db()
    assert (demand.status, offer.status) == (DemandStatus.CLOSED, OfferStatus.DECLINED)
    html = client.get(response["Location"]).text
    assert "Your demand is closed." in html
    assert "This demand is no longer open" in html
    assert market_url("demand_close", public_id=demand.public_id) not in html
    # closing again is refused with a message, nothing changes
    response = client.post(market_url("demand_close", public_id=demand.public_id), follow=True)
    assert "This demand is no longer open." in response.text


# --- the producer ---------------------------------------------------------------------------------------


def test_the_producer_sees_the_open_demands_that_fit_with_why(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    client.force_login(producer_a.owner)
    response = client.get(shop_url("demands", producer_id=producer_a.pk))
    html = response.text
    assert response.status_code == 200
    assert f'href="{shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id)}"' in html
    assert "Your product: " + escape(tea.name) in html
    assert re.search(r'<meter min="0" max="100" value="\d{1,3}" aria-labelledby="demand-0-part-', html)
    # the buyer's contact details are nowhere
    assert buyer.email not in html and buyer.phone not in html and "0912345678" not in html
    # the shop's navigation leads here
    dashboard = client.get(shop_url("dashboard", producer_id=producer_a.pk)).text
    assert f'href="{shop_url("demands", producer_id=producer_a.pk)}"' in dashboard


def test_the_producer_answers_with_an_offer(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    client.force_login(producer_a.owner)
    page = client.get(shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id))
    assert page.status_code == 200
    assert f'<option value="{tea.pk}"' in page.text
    assert buyer.email not in page.text and "0912345678" not in page.text

    response = client.post(
        shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id),
        {
            "product": str(tea.pk),
            "quantity": "8",
            "unit_price": "330.000",
            "available_on": in_days(5).isoformat(),
            "note": "Chè vụ xuân.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == shop_url("offers", producer_id=producer_a.pk)
    offer = DemandOffer.objects.get()
    assert (offer.demand_id, offer.product_id, offer.producer_id) == (demand.pk, tea.pk, producer_a.pk)
    assert (offer.quantity, offer.unit_price, offer.available_on, offer.note, offer.status) == (
        8,
        330_000,
        in_days(5),
        "Chè vụ xuân.",
        OfferStatus.OPEN,
    )
    offers_page = client.get(response["Location"]).text
    assert "Your offer is sent to the buyer." in offers_page
    assert escape(demand.title) in offers_page
    assert shop_url("offer_withdraw", producer_id=producer_a.pk, offer_id=offer.pk) in offers_page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"unit_price": "0"}, "unit_price"),
        ({"unit_price": "-1"}, "unit_price"),
        ({"available_on": "2020-01-01"}, "available_on"),
        ({"available_on": "soon"}, "available_on"),
        ({"product": "999999"}, "product"),
    ],
)
def test_a_bad_offer_is_refused_on_its_field_and_nothing_is_written(
    client, buyer, producer_a, tea, overrides, field
):
    demand = post_demand(buyer)
    client.force_login(producer_a.owner)
    data = {
        "product": str(tea.pk),
        "quantity": "8",
        "unit_price": "330000",
        "available_on": in_days(5).isoformat(),
    }
    data.update(overrides)
    response = client.post(shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id), data)
    assert response.status_code == 400
    assert field_error(response.text, field), f"no message on {field}"
    assert not DemandOffer.objects.exists()


def test_a_producer_cannot_offer_another_shops_product(client, buyer, producer_a, tea, plums):
    demand = post_demand(buyer)
    client.force_login(producer_a.owner)
    response = client.post(
        shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id),
        {
            "product": str(plums.pk),
            "quantity": "8",
            "unit_price": "30000",
            "available_on": in_days(5).isoformat(),
        },
    )
    assert response.status_code == 400
    assert field_error(response.text, "product")
    assert not DemandOffer.objects.exists()


def test_an_offer_in_a_unit_that_cannot_be_converted_is_refused(client, buyer, producer_a):
    soap = make_product(
        producer_a, "Xà phòng thảo dược", price=40_000, unit=Unit.PIECE, category=Category.HANDICRAFT
    )
    demand = post_demand(buyer)  # in kg
    client.force_login(producer_a.owner)
    response = client.post(
        shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id),
        {
            "product": str(soap.pk),
            "quantity": "8",
            "unit_price": "30000",
            "available_on": in_days(5).isoformat(),
        },
    )
    assert response.status_code == 400
    assert field_error(response.text, "product")
    assert not DemandOffer.objects.exists()


def test_someone_who_runs_no_shop_cannot_see_demands_or_offer(client, buyer, other_buyer, producer_a, tea):
    demand = post_demand(buyer)
    client.force_login(other_buyer)
    before = table_counts()
    assert client.get(shop_url("demands", producer_id=producer_a.pk)).status_code == 404
    assert (
        client.get(shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id)).status_code
        == 404
    )
    response = client.post(
        shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id),
        {
            "product": str(tea.pk),
            "quantity": "8",
            "unit_price": "330000",
            "available_on": in_days(5).isoformat(),
        },
    )
    assert response.status_code == 404
    assert table_counts() == before


def test_another_producer_cannot_withdraw_an_offer(client, buyer, producer_a, producer_b, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea)
    client.force_login(producer_b.owner)
    response = client.post(shop_url("offer_withdraw", producer_id=producer_b.pk, offer_id=offer.pk))
    assert response.status_code == 404
    response = client.post(shop_url("offer_withdraw", producer_id=producer_a.pk, offer_id=offer.pk))
    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_the_producer_withdraws_an_offer(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea)
    client.force_login(producer_a.owner)
    response = client.post(
        shop_url("offer_withdraw", producer_id=producer_a.pk, offer_id=offer.pk), follow=True
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert "Your offer is withdrawn." in response.text
    assert shop_url("offer_withdraw", producer_id=producer_a.pk, offer_id=offer.pk) not in response.text
    # withdrawing again is refused, with the service's reason
    response = client.post(
        shop_url("offer_withdraw", producer_id=producer_a.pk, offer_id=offer.pk), follow=True
    )
    assert "This offer has already been decided." in response.text


# --- accepting and declining offers ---------------------------------------------------------------------


def test_the_buyer_accepts_an_offer_and_lands_on_the_orders_page(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea, quantity=5, unit_price=330_000)
    client.force_login(buyer)
    detail = client.get(market_url("demand", public_id=demand.public_id)).text
    accept_url = market_url("offer_accept", public_id=demand.public_id, offer_id=offer.pk)
    assert f'href="{accept_url}"' in detail
    page = client.get(accept_url)
    assert page.status_code == 200
    assert 'name="buyer_phone" value="+84912345678"' in page.text
    assert '<option value="Hà Nội" selected>' in page.text

    response = client.post(
        accept_url,
        {
            "buyer_name": "Trần Văn Hùng",
            "buyer_phone": "0912 345 678",
            "buyer_email": "",
            "delivery_address": "12 Hàng Bạc, Hoàn Kiếm",
            "delivery_province": "Hà Nội",
            "payment_method": "cod",
            f"delivery_{producer_a.pk}": "delivery",
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == market_url("checkout_done", access_token=order.checkout.access_token)
    assert (order.producer_id, order.buyer_id, order.status) == (
        producer_a.pk,
        buyer.pk,
        OrderStatus.PENDING_PAYMENT,
    )
    line = order.lines.get()
    assert (line.product_id, line.quantity, line.unit_price) == (tea.pk, 5, 330_000)
    assert order.subtotal == 5 * 330_000 and order.delivery_fee == producer_a.delivery_fee_north
    offer.refresh_from_db()
    demand.refresh_from_db()
    assert (offer.status, offer.order_id, demand.status) == (
        OfferStatus.ACCEPTED,
        order.pk,
        DemandStatus.FULFILLED,
    )
    assert Product.objects.get(pk=tea.pk).stock == 20 - 5
    # and its payment started as a checkout's does: cash on delivery, waiting for the handover
    payment = order_payments.payment_for(order)
    assert (payment.provider, payment.status, payment.amount) == ("cod", PaymentStatus.PENDING, order.total)
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert order.reference in done.text
    # the demand page links to the order
    assert (
        market_url("checkout_done", access_token=order.checkout.access_token)
        in client.get(market_url("demand", public_id=demand.public_id)).text
    )


def test_an_offer_accepted_for_bank_transfer_shows_its_vietqr_code(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea, quantity=2, unit_price=340_000)
    client.force_login(buyer)
    response = client.post(
        market_url("offer_accept", public_id=demand.public_id, offer_id=offer.pk),
        {
            "buyer_name": "Trần Văn Hùng",
            "buyer_phone": "0912345678",
            "payment_method": "vietqr",
            f"delivery_{producer_a.pk}": "pickup",
        },
        follow=True,
    )
    order = Order.objects.get()
    payment = order_payments.payment_for(order)
    assert (payment.provider, payment.amount) == ("vietqr", 2 * 340_000)
    assert response.redirect_chain[-1][0] == market_url(
        "checkout_done", access_token=order.checkout.access_token
    )
    assert 'class="vietqr-code"' in response.text


def test_an_accept_with_missing_details_is_refused_and_no_order_is_made(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea)
    client.force_login(buyer)
    response = client.post(
        market_url("offer_accept", public_id=demand.public_id, offer_id=offer.pk),
        {
            "buyer_name": "Trần Văn Hùng",
            "buyer_phone": "0912345678",
            "payment_method": "cod",
            f"delivery_{producer_a.pk}": "delivery",
        },
    )
    assert response.status_code == 400
    assert "Give the address to deliver to." in response.text
    assert not Order.objects.exists()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    assert Product.objects.get(pk=tea.pk).stock == 20


def test_an_accept_the_service_refuses_shows_why_and_makes_no_order(client, buyer, producer_a, tea):
    # given an offer for more than the producer still has
    demand = post_demand(buyer)
    offer = make_offer(demand, tea, quantity=15)
    Product.objects.filter(pk=tea.pk).update(stock=3)
    client.force_login(buyer)
    response = client.post(
        market_url("offer_accept", public_id=demand.public_id, offer_id=offer.pk),
        {
            "buyer_name": "Trần Văn Hùng",
            "buyer_phone": "0912345678",
            "payment_method": "cod",
            f"delivery_{producer_a.pk}": "pickup",
        },
    )
    assert response.status_code == 400
    assert "only 3" in response.text
    assert not Order.objects.exists()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN


def test_the_buyer_declines_an_offer(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    offer = make_offer(demand, tea)
    client.force_login(buyer)
    response = client.post(
        market_url("offer_decline", public_id=demand.public_id, offer_id=offer.pk), follow=True
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert escape(f"You declined the offer of {producer_a.name}.") in response.text
    # a decided offer cannot be accepted any more
    response = client.get(
        market_url("offer_accept", public_id=demand.public_id, offer_id=offer.pk), follow=True
    )
    assert "This offer can no longer be accepted." in response.text
    assert not Order.objects.exists()


# --- inquiry threads ------------------------------------------------------------------------------------


def test_buyer_and_producer_talk_without_seeing_each_others_contact_details(buyer, producer_a, tea):
    Producer.objects.filter(pk=producer_a.pk).update(contact_phone="+84977111222")
    demand = post_demand(buyer)
    buyer_client = logged_in(buyer)
    producer_client = logged_in(producer_a.owner)

    # the buyer writes to the producer from a match
    contact = market_url("demand_contact", public_id=demand.public_id, producer_id=producer_a.pk)
    assert buyer_client.get(contact).status_code == 200
    response = buyer_client.post(contact, {"body": "Chị còn chè vụ xuân không?"})
    thread = InquiryThread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == market_url("inquiry", public_id=thread.public_id)
    assert (thread.buyer_id, thread.producer_id, thread.demand_id) == (buyer.pk, producer_a.pk, demand.pk)
    # writing again from the demand goes to the same thread
    assert buyer_client.get(contact)["Location"] == market_url("inquiry", public_id=thread.public_id)

    # the producer sees it as new, opens it (read), answers
    inbox = producer_client.get(shop_url("inquiries", producer_id=producer_a.pk)).text
    assert "thread-unread" in inbox and escape(demand.title) in inbox
    thread_url = shop_url("inquiry", producer_id=producer_a.pk, public_id=thread.public_id)
    page = producer_client.get(thread_url)
    assert "Chị còn chè vụ xuân không?" in page.text
    assert escape(buyer.first_name) in page.text
    thread.refresh_from_db()
    assert thread.producer_read_at is not None
    response = producer_client.post(thread_url, {"body": "Còn 20 kg ạ."})
    assert response.status_code == 302
    assert list(thread.messages.values_list("author_id", "body")) == [
        (buyer.pk, "Chị còn chè vụ xuân không?"),
        (producer_a.owner_id, "Còn 20 kg ạ."),
    ]

    # the buyer sees the answer, from the shop's name
    buyer_page = buyer_client.get(market_url("inquiry", public_id=thread.public_id)).text
    assert "Còn 20 kg ạ." in buyer_page and escape(producer_a.name) in buyer_page
    buyer_inbox = buyer_client.get(market_url("inquiries")).text

    # no phone, email or address of the other side anywhere
    for html in (page.text, inbox):
        for private in (buyer.email, buyer.phone, "912345678"):
            assert private not in html
    for html in (buyer_page, buyer_inbox):
        for private in (producer_a.owner.email, "+84977111222", "977111222", producer_a.bank_account_number):
            assert private not in html


def test_a_message_that_is_empty_or_too_long_is_refused(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    client.force_login(buyer)
    contact = market_url("demand_contact", public_id=demand.public_id, producer_id=producer_a.pk)
    for body in ("   ", "x" * 2001):
        response = client.post(contact, {"body": body})
        assert response.status_code == 400
        assert field_error(response.text, "body")
    assert not InquiryThread.objects.exists()


def test_a_thread_is_private_to_its_buyer_and_producer(buyer, other_buyer, producer_a, producer_b, tea):
    demand = post_demand(buyer)
    thread = demand_services.open_inquiry(buyer=buyer, producer=producer_a, demand=demand, body="Xin chào")
    before = table_counts()
    stranger = logged_in(other_buyer)
    assert stranger.get(market_url("inquiry", public_id=thread.public_id)).status_code == 404
    assert stranger.post(market_url("inquiry", public_id=thread.public_id), {"body": "Hi"}).status_code == 404
    other_shop = logged_in(producer_b.owner)
    assert (
        other_shop.get(shop_url("inquiry", producer_id=producer_b.pk, public_id=thread.public_id)).status_code
        == 404
    )
    assert (
        other_shop.get(shop_url("inquiry", producer_id=producer_a.pk, public_id=thread.public_id)).status_code
        == 404
    )
    assert table_counts() == before


def test_a_team_member_acting_for_the_household_sees_its_demands(client, buyer, site_tree, producer_a, tea):
    from accounts.services import grant_consent

    helper = factories.make_member("team-a@example.org", site_tree["a"]["commune"], Role.DIGITAL_TEAM)
    grant_consent(household=producer_a.owner, helper=helper, commune=site_tree["a"]["commune"], scope="shop")
    demand = post_demand(buyer)
    client.force_login(helper)
    html = client.get(shop_url("demands", producer_id=producer_a.pk)).text
    assert shop_url("demand", producer_id=producer_a.pk, public_id=demand.public_id) in html
    assert "You are acting for" in html


# --- constant queries -----------------------------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_the_match_list_runs_as_many_queries_for_many_matches_as_for_one(client, buyer, site_tree, tea):
    demand = post_demand(buyer)
    client.force_login(buyer)
    path = market_url("demand", public_id=demand.public_id)
    client.get(path)  # warm the caches (site, translations)
    one = _queries(client, path)
    assert len(re.findall(r'class="match-item"', client.get(path).text)) == 1

    # given five more producers with a fitting tea each
    for number in range(5):
        owner = factories.make_member(f"grower{number}@example.org", site_tree["b"]["commune"], Role.PRODUCER)
        producer = make_producer(owner, site_tree["b"]["commune"], f"Hộ trồng chè {number}")
        make_product(producer, f"Chè Shan Tuyết số {number}", price=300_000 + number * 1000, stock=40)
    many = _queries(client, path)
    assert len(re.findall(r'class="match-item"', client.get(path).text)) == 6
    assert many == one


def test_the_producers_demand_list_runs_as_many_queries_for_many_demands_as_for_one(
    client, buyer, producer_a, tea
):
    post_demand(buyer)
    client.force_login(producer_a.owner)
    path = shop_url("demands", producer_id=producer_a.pk)
    client.get(path)
    one = _queries(client, path)
    for number in range(5):
        post_demand(buyer, title=f"Chè Shan Tuyết lô {number}", quantity=5 + number)
    many = _queries(client, path)
    assert len(re.findall(r'class="match-item demand-match"', client.get(path).text)) == 6
    assert many == one


def test_the_buyer_reading_a_thread_marks_it_read(client, buyer, producer_a, tea):
    demand = post_demand(buyer)
    thread = demand_services.open_inquiry(buyer=buyer, producer=producer_a, demand=demand, body="Xin chào")
    demand_services.post_message(thread=thread, author=producer_a.owner, body="Chào anh")
    thread.refresh_from_db()
    assert thread.buyer_read_at < thread.last_message_at
    client.force_login(buyer)
    assert "thread-unread" in client.get(market_url("inquiries")).text
    client.get(market_url("inquiry", public_id=thread.public_id))
    thread.refresh_from_db()
    assert thread.buyer_read_at >= thread.last_message_at
    assert "thread-unread" not in client.get(market_url("inquiries")).text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_demand_pages_answer_in_both_languages(client, buyer, producer_a, tea, language):
    demand = post_demand(buyer)
    make_offer(demand, tea)
    thread = demand_services.open_inquiry(buyer=buyer, producer=producer_a, demand=demand, body="Xin chào")
    client.force_login(buyer)
    for path in (
        market_url("my_demands", language),
        market_url("demand_new", language),
        market_url("demand", language, public_id=demand.public_id),
        market_url("inquiries", language),
        market_url("inquiry", language, public_id=thread.public_id),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert path.startswith(f"/{language}/")
        assert f'<html lang="{language}"' in response.text
    client.force_login(producer_a.owner)
    for path in (
        shop_url("demands", language, producer_id=producer_a.pk),
        shop_url("demand", language, producer_id=producer_a.pk, public_id=demand.public_id),
        shop_url("offers", language, producer_id=producer_a.pk),
        shop_url("inquiries", language, producer_id=producer_a.pk),
        shop_url("inquiry", language, producer_id=producer_a.pk, public_id=thread.public_id),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{language}"' in response.text


def test_a_buyer_asks_the_producer_about_a_product_from_its_page(client, buyer, producer_a, tea):
    product_page = client.get(market_url("product", slug=tea.slug)).text
    ask = market_url("product_contact", slug=tea.slug)
    assert f'href="{ask}"' in product_page
    # a visitor is asked to log in first, and nothing is written
    response = client.get(ask)
    assert response.status_code == 302 and "/login/" in response["Location"]

    client.force_login(buyer)
    assert client.get(ask).status_code == 200
    response = client.post(ask, {"body": "Chè này pha được mấy lần nước?"})
    thread = InquiryThread.objects.get()
    assert response["Location"] == market_url("inquiry", public_id=thread.public_id)
    assert (thread.buyer_id, thread.producer_id, thread.product_id, thread.demand_id) == (
        buyer.pk,
        producer_a.pk,
        tea.pk,
        None,
    )
    # asking again goes to the same conversation
    assert client.get(ask)["Location"] == market_url("inquiry", public_id=thread.public_id)
    assert escape(tea.name) in client.get(market_url("inquiry", public_id=thread.public_id)).text
    # the producer reads it in the shop's messages
    producer_client = logged_in(producer_a.owner)
    inbox = producer_client.get(shop_url("inquiries", producer_id=producer_a.pk)).text
    assert "thread-unread" in inbox
    page = producer_client.get(shop_url("inquiry", producer_id=producer_a.pk, public_id=thread.public_id))
    assert "Chè này pha được mấy lần nước?" in page.text and escape(tea.name) in page.text


def test_asking_about_a_product_not_for_sale_is_not_found_and_nothing_is_written(client, buyer, tea):
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)
    client.force_login(buyer)
    ask = market_url("product_contact", slug=tea.slug)
    assert client.get(ask).status_code == 404
    assert client.post(ask, {"body": "Còn hàng không?"}).status_code == 404
    assert not InquiryThread.objects.exists()
