"""The matching engine (market.matching): hard filters, each part of the score and its explanation,
weights from settings, bounded queries, the backend hook, and the reverse direction with its email."""

import sys
import types
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

import market
from core.models import Event
from market import matching, notifications, services
from market.models import (
    BuyerDemand,
    CancelledBy,
    Category,
    Certification,
    Checkout,
    DemandStatus,
    Lot,
    OcopRating,
    Order,
    OrderStatus,
    Product,
    Unit,
)
from market.services import demands as demand_services
from tests import factories

from .conftest import make_producer, make_product

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english():
    """Reasons are read in English here (English msgids: the lead translates them to Vietnamese)."""
    with translation.override("en"):
        yield


def _demand(buyer, **overrides) -> BuyerDemand:
    fields = {
        "buyer": buyer,
        "title": "Chè Shan Tuyết",
        "keywords": "shan tuyết",
        "quantity": 10,
        "unit": Unit.KILOGRAM,
        "category": Category.TEA,
        "max_unit_price": 400_000,
        "delivery_province": "Hà Nội",
        "needed_by": TODAY + timedelta(days=30),
    }
    fields.update(overrides)
    return BuyerDemand.objects.create(**fields)


def _keys(matches) -> list[int]:
    return [match.product.pk for match in matches]


# --- ranking and explanation ------------------------------------------------------------------------------


def test_the_listing_asked_for_comes_first_and_its_parts_add_up_to_its_score(buyer, producer_a, tea):
    green = make_product(producer_a, "Chè xanh búp", price=200_000, stock=500)
    demand = _demand(buyer)
    found = matching.matches_for_demand(demand)
    assert _keys(found) == [tea.pk, green.pk]
    best = found[0]
    assert set(best.parts) == set(matching.PARTS)
    assert sum(best.parts.values()) == pytest.approx(best.score, abs=1e-3)
    assert 0 < best.score <= 1
    assert best.parts["text"] > found[1].parts["text"]
    assert "Matches your words: che, shan, tuyet" in best.reasons
    assert "Enough in stock for the whole quantity" in best.reasons
    assert "350.000 ₫ per kg, within your highest price" in best.reasons
    assert any(
        reason.startswith("About ") and reason.endswith(" km from the delivery place")
        for reason in best.reasons
    )
    assert "New on the marketplace: no orders or reviews yet" in best.reasons


def test_each_part_is_its_weight_times_its_value(buyer, tea, settings):
    # given all the weight on the price, and a listing whose name holds every word (text value 1, so the
    # relevance that scales the other parts is 1 too)
    settings.MATCHING_WEIGHTS = {"text": 0.0, "price": 1.0}
    assert matching.WEIGHTS["price"] == 1.0 and matching.WEIGHTS["distance"] == 0.0
    demand = _demand(buyer, max_unit_price=350_000)  # the price is the maximum: value 0.8
    [match] = matching.matches_for_demand(demand)
    assert match.parts["price"] == pytest.approx(0.8)
    assert match.score == pytest.approx(0.8)
    assert {name for name, value in match.parts.items() if value} == {"price"}
    # half the price weight, half the contribution
    settings.MATCHING_WEIGHTS = {"text": 0.5, "price": 0.5}
    [match] = matching.matches_for_demand(demand)
    assert match.parts == {**dict.fromkeys(matching.PARTS, 0.0), "text": 0.5, "price": 0.4}


def test_a_listing_of_something_else_cannot_outrank_the_thing_asked_for_on_price_and_stock(
    buyer, producer_a, tea
):
    cheap_plenty = make_product(producer_a, "Chè xanh", price=100_000, stock=5_000)
    OcopRating.objects.create(
        product=cheap_plenty,
        stars=5,
        certificate_number="X",
        issued_on=TODAY - timedelta(days=10),
        expires_on=TODAY + timedelta(days=300),
        issuing_province="Lào Cai",
    )
    demand = _demand(buyer, quantity=15)
    assert _keys(matching.matches_for_demand(demand)) == [tea.pk, cheap_plenty.pk]


def test_units_convert_and_impossible_ones_are_excluded(buyer, producer_a, tea):
    grams = make_product(producer_a, "Chè Shan Tuyết gói nhỏ", unit=Unit.GRAM, price=400, stock=50_000)
    boxes = make_product(producer_a, "Chè Shan Tuyết hộp quà", unit=Unit.BOX, price=300_000, stock=50)
    demand = _demand(buyer)
    found = {match.product.pk: match for match in matching.matches_for_demand(demand)}
    assert set(found) == {tea.pk, grams.pk}
    assert boxes.pk not in found
    # 400 VND a gram is 400,000 VND a kilogram: just over the 400,000 maximum? equal — within it
    assert "400.000 ₫ per kg, within your highest price" in found[grams.pk].reasons


def test_required_certifications_and_ocop_stars_must_be_current(buyer, producer_a, tea):
    expired = make_product(producer_a, "Chè Shan Tuyết hết hạn")
    current = make_product(producer_a, "Chè Shan Tuyết hữu cơ")
    Certification.objects.create(product=expired, kind="organic", valid_until=TODAY - timedelta(days=1))
    Certification.objects.create(product=current, kind="organic", valid_until=None)
    demand = _demand(buyer, required_certifications=["organic"])
    found = matching.matches_for_demand(demand)
    assert _keys(found) == [current.pk]
    assert "Meets your required certifications and OCOP stars" in found[0].reasons
    assert "Certified: Organic" in found[0].reasons

    for product, expires_on in ((tea, TODAY - timedelta(days=1)), (current, TODAY + timedelta(days=90))):
        OcopRating.objects.create(
            product=product,
            stars=4,
            certificate_number=f"OCOP-{product.pk}",
            issued_on=expires_on - timedelta(days=700),
            expires_on=expires_on,
            issuing_province="Lào Cai",
        )
    starred = _demand(buyer, minimum_ocop_stars=4)
    assert _keys(matching.matches_for_demand(starred)) == [current.pk]
    assert _keys(matching.matches_for_demand(_demand(buyer, minimum_ocop_stars=5))) == []


def test_a_listing_with_nothing_to_sell_before_the_date_is_excluded(buyer, producer_a, tea):
    month = TODAY.month
    later = (month + 5) % 12 + 1  # a month well after the needed-by date
    Product.objects.filter(pk=tea.pk).update(stock=0, harvest_months=[later])
    coming = make_product(producer_a, "Chè Shan Tuyết vụ mới", stock=0, harvest_months=[month])
    Lot.objects.create(product=coming, code="V1", quantity=400)
    demand = _demand(buyer, needed_by=TODAY + timedelta(days=20))
    [match] = matching.matches_for_demand(demand)
    assert match.product.pk == coming.pk
    assert "About 400 kg with the coming harvest, of the 10 you need" in match.reasons
    assert match.parts["quantity"] == pytest.approx(
        matching.WEIGHTS["quantity"] * (matching.RELEVANCE_FLOOR + (1 - matching.RELEVANCE_FLOOR) * 1.0),
        abs=0.02,
    )


def test_distance_uses_the_province_centre_or_the_buyers_point(buyer, tea):
    hanoi = matching.matches_for_demand(_demand(buyer))[0]
    saigon = matching.matches_for_demand(_demand(buyer, delivery_province="TP. Hồ Chí Minh"))[0]
    # the producers of the fixtures deliver north and centre only: the south is halved too
    assert hanoi.parts["distance"] > 2 * saigon.parts["distance"]
    assert "Does not deliver to the South yet: pickup or your own transport" in saigon.reasons
    # a point next to the commune (22.3, 103.9) is nearer than Hà Nội
    near = matching.matches_for_demand(
        _demand(buyer, delivery_latitude="22.306", delivery_longitude="103.9")
    )[0]
    assert "About 1 km from the delivery place" in near.reasons
    assert near.parts["distance"] > hanoi.parts["distance"]


def _history(producer, product, *, fulfilled: int, dropped: int) -> None:
    owner = factories.make_user(f"history-{producer.pk}@example.org")
    for number in range(fulfilled + dropped):
        checkout = Checkout.objects.create(
            reference=f"LSH{producer.pk}{number}", buyer=owner, buyer_name="K", buyer_phone="0912345678",
            payment_method="cod",
        )  # fmt: skip
        Order.objects.create(
            checkout=checkout,
            reference=f"DHH{producer.pk}{number}",
            producer=producer,
            commune_id=producer.commune_id,
            status=OrderStatus.COMPLETED if number < fulfilled else OrderStatus.CANCELLED,
            cancelled_by="" if number < fulfilled else CancelledBy.PRODUCER,
            confirmed_at=timezone.now(),
            payment_method="cod",
            delivery_method="pickup",
            subtotal=product.price,
            total=product.price,
        )


def test_reliability_starts_neutral_and_follows_the_producers_record(buyer, site_tree):
    commune = site_tree["a"]["commune"]
    steady = make_producer(factories.make_user("steady@example.org"), commune, "HTX Vững")
    shaky = make_producer(factories.make_user("shaky@example.org"), commune, "Hộ Lỡ hẹn")
    new = make_producer(factories.make_user("new@example.org"), commune, "Hộ Mới")
    products = {
        name: make_product(producer, "Chè Shan Tuyết", price=300_000, stock=100)
        for name, producer in (("steady", steady), ("shaky", shaky), ("new", new))
    }
    _history(steady, products["steady"], fulfilled=12, dropped=0)
    _history(shaky, products["shaky"], fulfilled=1, dropped=5)
    found = {match.product.pk: match for match in matching.matches_for_demand(_demand(buyer))}
    reliability = {name: found[product.pk].parts["reliability"] for name, product in products.items()}
    assert reliability["steady"] > reliability["new"] > reliability["shaky"]
    assert "Delivered 1 of 6 orders it took on" in found[products["shaky"].pk].reasons
    assert _keys(matching.matches_for_demand(_demand(buyer)))[0] == products["steady"].pk


def test_the_buyers_own_listings_and_unlisted_ones_are_not_matches(owner_a, producer_a, tea):
    assert matching.matches_for_demand(_demand(owner_a)) == []


def test_without_a_category_the_words_find_the_listings(buyer, tea, plums):
    found = matching.matches_for_demand(
        _demand(buyer, category="", title="Mận Bắc Hà", keywords="", unit="kg")
    )
    assert _keys(found) == [plums.pk]
    assert matching.matches_for_demand(_demand(buyer, category="", title="Xe máy", keywords="")) == []


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_candidates(buyer, site_tree):
    commune = site_tree["a"]["commune"]
    demand = _demand(buyer)
    producer = make_producer(factories.make_user("one@example.org"), commune, "HTX Một")
    make_product(producer, "Chè Shan Tuyết 1")
    one = _queries(lambda: matching.matches_for_demand(demand))
    for number in range(8):
        other = make_producer(factories.make_user(f"p{number}@example.org"), commune, f"HTX {number}")
        product = make_product(other, f"Chè Shan Tuyết {number}")
        Certification.objects.create(product=product, kind="vietgap")
    assert len(matching.matches_for_demand(demand)) == 9
    assert _queries(lambda: matching.matches_for_demand(demand)) == one


def test_the_elasticsearch_backend_supplies_the_candidates(buyer, producer_a, tea, monkeypatch, settings):
    other = make_product(producer_a, "Chè Shan Tuyết loại 1")
    asked = []

    def candidate_product_ids(demand, limit):
        asked.append((demand.pk, limit))
        return [other.pk]

    fake = types.ModuleType("market.matching_elastic")
    fake.candidate_product_ids = candidate_product_ids
    monkeypatch.setitem(sys.modules, "market.matching_elastic", fake)
    monkeypatch.setattr(market, "matching_elastic", fake, raising=False)
    settings.SEARCH_BACKEND = "elasticsearch"
    demand = _demand(buyer)
    assert _keys(matching.matches_for_demand(demand)) == [other.pk]
    assert asked == [(demand.pk, matching.CANDIDATE_LIMIT)]


def test_with_the_cluster_down_the_database_answers_both_directions(
    buyer, producer_a, tea, monkeypatch, settings, caplog
):
    from elasticsearch import ConnectionError as ClusterDown

    def down(*args, **kwargs):
        raise ClusterDown("connection refused")

    fake = types.ModuleType("market.matching_elastic")
    fake.candidate_product_ids = down
    fake.percolate_demands = down
    monkeypatch.setitem(sys.modules, "market.matching_elastic", fake)
    monkeypatch.setattr(market, "matching_elastic", fake, raising=False)
    demand = _demand(buyer)
    expected_matches = _keys(matching.matches_for_demand(demand))
    expected_demands = [found.pk for found, _match in matching.demands_for_product(tea)]
    assert expected_matches == [tea.pk] and expected_demands == [demand.pk]

    settings.SEARCH_BACKEND = "elasticsearch"
    with caplog.at_level("WARNING", logger="market.matching"):
        assert _keys(matching.matches_for_demand(demand)) == expected_matches
        assert [found.pk for found, _match in matching.demands_for_product(tea)] == expected_demands
    assert caplog.text.count("Elasticsearch unavailable") == 2


# --- the other direction: open demands a listing fits -----------------------------------------------------


def test_a_listing_finds_the_open_demands_it_fits(buyer, owner_a, producer_a, tea, plums):
    other_buyer = factories.make_user("shop@example.org")
    fits = _demand(buyer)
    also = _demand(
        other_buyer, title="Trà Shan Tuyết cho quán", keywords="", category="", max_unit_price=None
    )
    _demand(buyer, title="Mật ong bạc hà", keywords="", category=Category.HONEY)  # another category
    _demand(buyer, title="Chè Shan Tuyết", unit=Unit.PIECE)  # a unit the listing cannot be counted in
    _demand(buyer, status=DemandStatus.CLOSED)
    past = _demand(buyer)
    BuyerDemand.objects.filter(pk=past.pk).update(needed_by=TODAY - timedelta(days=1))
    _demand(buyer, required_certifications=["organic"])
    _demand(owner_a)  # the producer's own demand
    found = matching.demands_for_product(tea)
    assert [demand.pk for demand, _match in found] == [fits.pk, also.pk]
    # the score is the one the buyer sees for the same pair
    buyer_side = {match.product.pk: match for match in matching.matches_for_demand(fits)}
    assert found[0][1].score == buyer_side[tea.pk].score
    assert matching.demands_for_product(tea, limit=1) == found[:1]
    # a listing taken off the marketplace fits nothing
    Product.objects.filter(pk=tea.pk).update(deleted_at=timezone.now())
    assert matching.demands_for_product(tea) == []


def test_reasons_are_worded_when_read_in_the_readers_language(buyer, tea):
    """Ranking words nothing; the reasons come when read, in the language active then (a buyer's e-mail
    in the buyer's language, whatever language the job that found the pair ran in) — the same sentences
    and parts as a pair scored with its reasons at once."""
    demand = _demand(buyer)
    with translation.override("vi"):
        (found, match), *_others = matching.demands_for_product(tea)
    with translation.override("en"):
        english = list(match.reasons)
        explained = matching.score_pair(
            matching.DemandFacts.of(found, today=TODAY),
            matching.product_facts([tea], today=TODAY)[0],
            today=TODAY,
        )

    assert found.pk == demand.pk
    assert "Enough in stock for the whole quantity" in english
    assert english == explained.reasons and match.parts == explained.parts and match.score == explained.score


def test_a_producer_sees_each_demand_once_with_its_best_listing(buyer, producer_a, tea):
    green = make_product(producer_a, "Chè xanh", price=150_000, stock=400)
    wants_green = _demand(buyer, title="Chè xanh", keywords="")
    wants_shan = _demand(buyer)
    rows = matching.open_demands_for_producer(producer_a)
    assert {demand.pk: match.product.pk for demand, match in rows} == {
        wants_green.pk: green.pk,
        wants_shan.pk: tea.pk,
    }
    assert len(rows) == 2


def test_an_uncategorised_demand_naming_any_one_listing_of_a_shop_reaches_the_shop(buyer, producer_a, tea):
    # the shop's longer names ("Chè Shan Tuyết cổ thụ", "Măng khô vầu rừng"…) must not crowd out a short one
    for name, category in (
        ("Măng khô vầu rừng", "vegetables"),
        ("Gạo nếp cái hoa vàng", "rice"),
        ("Mật ong", "honey"),
        ("Nấm hương rừng", "mushrooms"),
    ):
        make_product(producer_a, name, category=category, unit="kg", stock=200)
    honey = _demand(buyer, title="Mật ong bạc hà", keywords="", category="", max_unit_price=None)

    rows = matching.open_demands_for_producer(producer_a)

    assert [(demand.pk, match.product.name_vi) for demand, match in rows if demand.pk == honey.pk] == [
        (honey.pk, "Mật ong")
    ]


def test_a_new_listing_emails_the_buyers_it_fits_once(
    buyer, producer_a, moderator_a, django_capture_on_commit_callbacks
):
    demand = demand_services.post_demand(
        buyer=buyer,
        title="Chè Shan Tuyết",
        keywords="shan tuyết",
        quantity=10,
        unit="kg",
        category="tea",
        max_unit_price=400_000,
        delivery_province="Hà Nội",
        needed_by=TODAY + timedelta(days=30),
    )
    product = services.create_product(
        producer=producer_a, actor=producer_a.owner, name_vi="Chè Shan Tuyết Tả Van", category="tea",
        unit="kg", price=350_000, stock=50,
    )  # fmt: skip
    buyer.preferred_language = "en"
    buyer.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    # when the moderator approves it (the listing goes public)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_listing(product=product, moderator=moderator_a, approve=True)
    # then the buyer hears about it, once
    assert [message.to for message in mail.outbox] == [["buyer@example.org"]]
    message = mail.outbox[0]
    assert "Chè Shan Tuyết" in message.subject
    assert "Chè Shan Tuyết Tả Van" in message.body
    assert "Matches your words: che, shan, tuyet" in message.body
    assert "0912345678" not in message.body and producer_a.owner.email not in message.body
    matched = Event.objects.get(name="market.demand.matched")
    assert (matched.subject_id, matched.payload["product"]) == (str(demand.pk), product.pk)
    # a later change of the listing does not email again
    with django_capture_on_commit_callbacks(execute=True):
        services.update_product(product=product, actor=producer_a.owner, stock=80)
    assert len(mail.outbox) == 1
    assert Event.objects.filter(name="market.demand.matched").count() == 1


def test_a_listing_that_fits_poorly_sends_no_email(
    buyer, producer_a, moderator_a, django_capture_on_commit_callbacks
):
    _demand(buyer, title="Chè Shan Tuyết", quantity=5000, max_unit_price=50_000)
    product = services.create_product(
        producer=producer_a, actor=producer_a.owner, name_vi="Chè đen", category="tea", unit="kg",
        price=350_000, stock=5,
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_listing(product=product, moderator=moderator_a, approve=True)
    assert mail.outbox == []
    assert not Event.objects.filter(name="market.demand.matched").exists()


def test_window_months_wrap_around_the_year():
    assert matching._window_months(date(2026, 11, 20), date(2027, 2, 1)) == {11, 12, 1, 2}
    assert matching._window_months(date(2026, 3, 1), date(2027, 3, 1)) == set(range(1, 13))
    assert matching._window_months(date(2026, 3, 1), date(2026, 3, 31)) == {3}


def test_the_elasticsearch_backend_percolates_the_demands_a_listing_fits(buyer, tea, monkeypatch, settings):
    wanted, ignored = _demand(buyer), _demand(buyer, title="Chè Shan Tuyết loại 1")
    fake = types.ModuleType("market.matching_elastic")
    fake.percolate_demands = lambda product: [wanted.pk] if product.pk == tea.pk else []
    monkeypatch.setitem(sys.modules, "market.matching_elastic", fake)
    monkeypatch.setattr(market, "matching_elastic", fake, raising=False)
    settings.SEARCH_BACKEND = "elasticsearch"
    assert [demand.pk for demand, _match in matching.demands_for_product(tea)] == [wanted.pk]
    settings.SEARCH_BACKEND = "database"
    assert {demand.pk for demand, _match in matching.demands_for_product(tea)} == {wanted.pk, ignored.pk}


def _tea_demand(buyer) -> BuyerDemand:
    return demand_services.post_demand(
        buyer=buyer, title="Chè Shan Tuyết", keywords="shan tuyết", quantity=10, unit="kg", category="tea",
        max_unit_price=400_000, delivery_province="Hà Nội", needed_by=TODAY + timedelta(days=30),
    )  # fmt: skip


def _new_producer_with_tea(owner, site_tree):
    """A producer waiting for review, with a tea listing (not yet approved)."""
    producer = services.create_producer(
        owner=owner, commune=site_tree["a"]["commune"], actor=owner, name="Hợp tác xã chè mới",
        delivery_fee_north=30_000, offers_pickup=True,
    )  # fmt: skip
    tea = services.create_product(
        producer=producer, actor=owner, name_vi="Chè Shan Tuyết Tả Van", category="tea", unit="kg",
        price=350_000, stock=50,
    )  # fmt: skip
    return producer, tea


def test_approving_a_producer_emails_the_buyers_its_listings_fit(
    buyer, owner_a, site_tree, moderator_a, django_capture_on_commit_callbacks
):
    demand = _tea_demand(buyer)
    producer, tea = _new_producer_with_tea(owner_a, site_tree)
    honey = services.create_product(
        producer=producer, actor=owner_a, name_vi="Mật ong bạc hà", category="honey", unit="l",
        price=300_000, stock=50,
    )  # fmt: skip
    Product.objects.filter(pk__in=[tea.pk, honey.pk]).update(review_status="approved")  # listings approved
    mail.outbox.clear()
    # when the moderator approves the producer, its approved listings go public at once
    with django_capture_on_commit_callbacks(execute=True):
        services.review_producer(producer=producer, moderator=moderator_a, approve=True)
    # then the buyer whose demand the tea fits hears about it, once
    assert [message.to for message in mail.outbox] == [["buyer@example.org"]]
    assert "Chè Shan Tuyết Tả Van" in mail.outbox[0].body
    matched = Event.objects.get(name="market.demand.matched")
    assert (matched.subject_id, matched.payload["product"]) == (str(demand.pk), tea.pk)


def test_a_rejected_producer_sends_no_match_email(
    buyer, owner_a, site_tree, moderator_a, django_capture_on_commit_callbacks
):
    _tea_demand(buyer)
    producer, tea = _new_producer_with_tea(owner_a, site_tree)
    Product.objects.filter(pk=tea.pk).update(review_status="approved")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_producer(producer=producer, moderator=moderator_a, approve=False, reason="No address")
    assert mail.outbox == []
    assert not Event.objects.filter(name="market.demand.matched").exists()


def test_restoring_a_producer_emails_the_buyers_its_listings_fit(
    buyer, producer_a, tea, moderator_a, django_capture_on_commit_callbacks
):
    services.delete_producer(producer=producer_a, actor=moderator_a)
    demand = _tea_demand(buyer)  # posted while the shop was away
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.restore_producer(producer=producer_a, actor=moderator_a)
    assert [message.to for message in mail.outbox] == [["buyer@example.org"]]
    matched = Event.objects.get(name="market.demand.matched")
    assert (matched.subject_id, matched.payload["product"]) == (str(demand.pk), tea.pk)


@pytest.mark.parametrize("change", ["closed", "past_date"])
def test_a_demand_that_stopped_being_open_after_it_was_found_gets_no_email(
    buyer, producer_a, tea, monkeypatch, change
):
    demand = _tea_demand(buyer)
    found = [(demand, matching.Match(product=tea, score=0.95, parts={}, reasons=[]))]
    # the demand was found open, then closed (or its date passed) before its row was locked
    if change == "closed":
        BuyerDemand.objects.filter(pk=demand.pk).update(status=DemandStatus.CLOSED)
    else:
        BuyerDemand.objects.filter(pk=demand.pk).update(needed_by=TODAY - timedelta(days=1))
    monkeypatch.setattr(matching, "demands_for_product", lambda product: found)
    mail.outbox.clear()
    assert notifications.notify_demand_matches(product_id=tea.pk) == 0
    assert mail.outbox == []
    assert not Event.objects.filter(name="market.demand.matched").exists()
    # while an open one found the same way is told
    BuyerDemand.objects.filter(pk=demand.pk).update(
        status=DemandStatus.OPEN, needed_by=TODAY + timedelta(days=30)
    )
    assert notifications.notify_demand_matches(product_id=tea.pk) == 1
