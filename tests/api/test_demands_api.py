"""A buyer's demands through the API with a person's token: posting (the market's refusals as 400s with
the field at fault), the buyer's own demands only, changing and closing, the ranked matches with their
explanation and the products' public fields, and the producers' offers accepted (an order) or declined."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import Scope
from core.models import Event
from market.models import (
    BuyerDemand,
    Checkout,
    DemandOffer,
    DemandStatus,
    OfferStatus,
    Order,
    OrderStatus,
    Product,
)
from market.services import demands as demand_services
from tests import factories
from tests.api.test_privacy import PRIVATE_STRINGS, private_people  # noqa: F401  (a fixture)

DEMANDS = "/api/v1/demands/"
CHECKOUT_DETAILS = {"buyer_name": "Hùng", "buyer_phone": "0912345678", "delivery_method": "pickup"}


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _demand_body(**overrides) -> dict:
    body = {
        "title": "Chè Shan Tuyết",
        "category": "tea",
        "keywords": "shan tuyết, chè cổ thụ",
        "quantity": 15,
        "unit": "kg",
        "max_unit_price": 400_000,
        "delivery_province": "Hà Nội",
        "needed_by": _in_days(30).isoformat(),
        "required_certifications": [],
        "minimum_ocop_stars": None,
        "note": "Đóng gói 1 kg một túi.",
    }
    body.update(overrides)
    return body


def _post(client, **overrides):
    return client.post(DEMANDS, _demand_body(**overrides), format="json", HTTP_ACCEPT_LANGUAGE="en")


def _state() -> dict:
    """What a refused request must leave as it was."""
    return {
        "demands": list(
            BuyerDemand.objects.order_by("id").values_list(
                "id", "title", "quantity", "unit", "max_unit_price", "needed_by", "status", "closed_at"
            )
        ),
        "offers": list(DemandOffer.objects.order_by("id").values_list("id", "status", "order_id")),
        "orders": Order.objects.count(),
        "checkouts": Checkout.objects.count(),
        "stock": dict(Product.objects.values_list("id", "stock")),
        "events": Event.objects.count(),
    }


def _posted(buyer, **overrides) -> BuyerDemand:
    fields = {
        "title": "Chè Shan Tuyết",
        "category": "tea",
        "quantity": 15,
        "unit": "kg",
        "needed_by": _in_days(30),
        "delivery_province": "Hà Nội",
    }
    fields.update(overrides)
    return demand_services.post_demand(buyer=buyer, **fields)


def _offer(demand, product, *, quantity=10, unit_price=340_000) -> DemandOffer:
    return demand_services.make_offer(
        demand=demand,
        product=product,
        actor=product.producer.owner,
        quantity=quantity,
        unit_price=unit_price,
        available_on=_in_days(7),
    )


def _error(response) -> dict:
    return response.json()["error"]


@pytest.fixture
def buyer_api(user_client, buyer):
    return user_client(buyer)


@pytest.fixture
def stranger(db):
    return factories.make_user("stranger@example.org", phone="0987654321")


@pytest.fixture
def stranger_api(user_client, stranger):
    return user_client(stranger)


# --- posting ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_buyer_posts_a_demand_and_gets_it_back(buyer_api, buyer):
    response = _post(buyer_api, required_certifications=["vietgap"], minimum_ocop_stars=3)

    assert response.status_code == 201, response.content
    demand = BuyerDemand.objects.get()
    body = response.json()
    assert body == {
        "public_id": str(demand.public_id),
        "title": "Chè Shan Tuyết",
        "category": "tea",
        "keywords": "shan tuyết, chè cổ thụ",
        "quantity": 15,
        "unit": "kg",
        "max_unit_price": 400_000,
        "currency": "VND",
        "delivery_province": "Hà Nội",
        "delivery_latitude": None,
        "delivery_longitude": None,
        "needed_by": _in_days(30).isoformat(),
        "required_certifications": ["vietgap"],
        "minimum_ocop_stars": 3,
        "note": "Đóng gói 1 kg một túi.",
        "status": "open",
        "open_offers": 0,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "closed_at": None,
    }
    assert (demand.buyer, demand.quantity, demand.unit, demand.required_certifications) == (
        buyer,
        15,
        "kg",
        ["vietgap"],
    )
    assert list(Event.objects.filter(name="market.demand.posted").values_list("actor_id", "subject_id")) == [
        (buyer.pk, str(demand.pk))
    ]


@pytest.mark.django_db
def test_a_delivery_point_is_kept_with_both_coordinates(buyer_api):
    response = _post(buyer_api, delivery_latitude="21.028511", delivery_longitude="105.804817")

    assert response.status_code == 201, response.content
    assert (response.json()["delivery_latitude"], response.json()["delivery_longitude"]) == (
        21.028511,
        105.804817,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unit": "tonne"}, "unit"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"quantity": 10_000_001}, "quantity"),  # above what the market takes
        ({"max_unit_price": 0}, "max_unit_price"),
        ({"needed_by": "2020-01-01"}, "needed_by"),
        ({"needed_by": "31/12/2026"}, "needed_by"),
        ({"category": "gold"}, "category"),
        ({"required_certifications": ["iso-9001"]}, "required_certifications.0"),
        ({"required_certifications": ["vietgap", "vietgap"]}, "required_certifications"),
        ({"delivery_province": "Atlantis"}, "delivery_province"),
        ({"minimum_ocop_stars": 6}, "minimum_ocop_stars"),
        ({"title": ""}, "title"),
        ({"delivery_latitude": "21.0"}, "delivery_longitude"),
        ({"delivery_latitude": "95", "delivery_longitude": "105"}, "delivery_latitude"),
    ],
)
def test_bad_demands_are_400_with_the_field_at_fault_and_nothing_is_written(buyer_api, overrides, field):
    before = _state()

    response = _post(buyer_api, **overrides)

    assert response.status_code == 400, response.content
    error = _error(response)
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]
    assert _state() == before


@pytest.mark.django_db
def test_a_needed_by_date_in_the_past_gets_the_markets_message(buyer_api):
    response = _post(buyer_api, needed_by=_in_days(-1).isoformat())

    assert response.status_code == 400
    assert _error(response)["fields"] == {"needed_by": ["The date you need it by has already passed."]}


@pytest.mark.django_db
def test_a_partner_key_alone_cannot_post_or_list_demands_and_nothing_changes(client_for):
    key_only = client_for(scopes=[Scope.MARKET_READ, Scope.DEMANDS_WRITE])
    before = _state()

    posting = _post(key_only)
    listing = key_only.get(DEMANDS)

    assert posting.status_code == listing.status_code == 403
    assert _error(posting)["code"] == _error(listing)["code"] == "user_token_needed"
    assert _state() == before


@pytest.mark.django_db
def test_without_credentials_demands_are_401_and_nothing_changes(client):
    before = _state()

    response = client.post(DEMANDS, _demand_body(), content_type="application/json")

    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"
    assert _state() == before


# --- reading, changing, closing -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_buyer_lists_only_their_own_demands_newest_first_and_filters_by_status(
    buyer_api, buyer, stranger, stranger_api
):
    older = _posted(buyer, title="Mật ong bạc hà", category="honey")
    newer = _posted(buyer)
    demand_services.close_demand(demand=older, actor=buyer)
    _posted(stranger, title="Gạo Séng Cù", category="rice")

    mine = buyer_api.get(DEMANDS)
    open_only = buyer_api.get(DEMANDS, {"status": "open"})
    bad_status = buyer_api.get(DEMANDS, {"status": "lost"})
    theirs = stranger_api.get(DEMANDS)

    assert [item["public_id"] for item in mine.json()["results"]] == [
        str(newer.public_id),
        str(older.public_id),
    ]
    assert [item["status"] for item in mine.json()["results"]] == ["open", "closed"]
    assert [item["public_id"] for item in open_only.json()["results"]] == [str(newer.public_id)]
    assert bad_status.status_code == 400 and list(_error(bad_status)["fields"]) == ["status"]
    assert [item["title"] for item in theirs.json()["results"]] == ["Gạo Séng Cù"]


@pytest.mark.django_db
def test_the_buyer_changes_a_demand_with_patch(buyer_api, buyer):
    demand = _posted(buyer)

    response = buyer_api.patch(
        f"{DEMANDS}{demand.public_id}/", {"quantity": 40, "max_unit_price": 380_000}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["quantity"], response.json()["max_unit_price"]) == (40, 380_000)
    demand.refresh_from_db()
    assert (demand.quantity, demand.max_unit_price, demand.title) == (40, 380_000, "Chè Shan Tuyết")
    assert Event.objects.filter(name="market.demand.updated", subject_id=str(demand.pk)).count() == 1


@pytest.mark.django_db
def test_a_bad_change_is_400_and_nothing_changes(buyer_api, buyer):
    demand = _posted(buyer)
    before = _state()

    response = buyer_api.patch(
        f"{DEMANDS}{demand.public_id}/", {"quantity": 0, "unit": "tonne"}, format="json"
    )

    assert response.status_code == 400
    assert set(_error(response)["fields"]) == {"quantity", "unit"}
    assert _state() == before


@pytest.mark.django_db
def test_a_unit_the_open_offers_cannot_be_converted_to_is_400_and_nothing_changes(buyer_api, buyer, tea):
    demand = _posted(buyer)
    _offer(demand, tea)
    before = _state()

    pieces = buyer_api.patch(f"{DEMANDS}{demand.public_id}/", {"unit": "piece"}, format="json")
    after_pieces = _state()
    grams = buyer_api.patch(f"{DEMANDS}{demand.public_id}/", {"unit": "g", "quantity": 15_000}, format="json")

    assert pieces.status_code == 400
    assert _error(pieces)["code"] == "incompatible_unit" and list(_error(pieces)["fields"]) == ["unit"]
    assert after_pieces == before
    assert grams.status_code == 200 and (grams.json()["unit"], grams.json()["quantity"]) == ("g", 15_000)


@pytest.mark.django_db
def test_the_buyer_closes_a_demand_and_a_closed_demand_can_neither_close_nor_change_again(buyer_api, buyer):
    demand = _posted(buyer)

    closed = buyer_api.post(f"{DEMANDS}{demand.public_id}/close/")
    before_again = _state()
    again = buyer_api.post(f"{DEMANDS}{demand.public_id}/close/")
    change = buyer_api.patch(f"{DEMANDS}{demand.public_id}/", {"quantity": 3}, format="json")

    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"] is not None
    assert BuyerDemand.objects.get().status == DemandStatus.CLOSED
    for refused in (again, change):
        assert refused.status_code == 409
        assert _error(refused)["code"] == "demand_not_open"
    assert _state() == before_again


@pytest.mark.django_db
def test_someone_elses_demand_is_404_for_every_operation_and_nothing_changes(
    stranger_api, buyer, tea, site_tree
):
    demand = _posted(buyer)
    offer = _offer(demand, tea)
    path = f"{DEMANDS}{demand.public_id}/"
    before = _state()

    answers = [
        stranger_api.get(path),
        stranger_api.patch(path, {"quantity": 1}, format="json"),
        stranger_api.post(f"{path}close/"),
        stranger_api.get(f"{path}matches/"),
        stranger_api.get(f"{path}offers/"),
        stranger_api.post(f"{path}offers/{offer.pk}/decline/"),
        stranger_api.post(
            f"{path}offers/{offer.pk}/accept/",
            {"buyer_name": "Kẻ lạ", "buyer_phone": "0987654321", "delivery_method": "pickup",
             "payment_method": "cod"},
            format="json",
        ),
    ]  # fmt: skip

    assert [answer.status_code for answer in answers] == [404] * len(answers)
    assert {_error(answer)["code"] for answer in answers} == {"not_found"}
    assert _state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["not-a-uuid/", "00000000-0000-0000-0000-000000000000/"])
def test_addresses_that_name_no_demand_are_a_json_404(buyer_api, address):
    response = buyer_api.get(f"{DEMANDS}{address}")

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.django_db
def test_the_demands_list_runs_the_same_queries_for_1_and_50_demands(buyer_api, buyer, tea):
    _offer(_posted(buyer), tea)
    buyer_api.get(f"{DEMANDS}?limit=50")
    with CaptureQueriesContext(connection) as one:
        assert buyer_api.get(f"{DEMANDS}?limit=50", HTTP_IF_NONE_MATCH="x").status_code == 200
    for number in range(49):
        _offer(_posted(buyer, title=f"Chè {number}"), tea)
    with CaptureQueriesContext(connection) as fifty:
        response = buyer_api.get(f"{DEMANDS}?limit=50", HTTP_IF_NONE_MATCH="x")

    assert len(response.json()["results"]) == 50
    assert {item["open_offers"] for item in response.json()["results"]} == {1}
    assert len(fifty) == len(one)


# --- offers -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_buyer_reads_the_offers_on_a_demand(buyer_api, buyer, tea, plums, producer_b):
    demand = _posted(buyer)
    offer = _offer(demand, tea, quantity=12, unit_price=330_000)

    response = buyer_api.get(f"{DEMANDS}{demand.public_id}/offers/")
    listed = buyer_api.get(f"{DEMANDS}{demand.public_id}/")

    assert response.status_code == 200, response.content
    assert response.json()["results"] == [
        {
            "id": offer.pk,
            "status": "open",
            "producer": {"id": tea.producer_id, "title": "Hợp tác xã chè Tả Van"},
            "product": {"id": tea.pk, "title": "Chè Shan Tuyết"},
            "quantity": 12,
            "unit": "kg",
            "unit_price": 330_000,
            "total": 3_960_000,
            "currency": "VND",
            "available_on": _in_days(7).isoformat(),
            "note": "",
            "order": None,
            "created_at": response.json()["results"][0]["created_at"],
            "decided_at": None,
        }
    ]
    assert listed.json()["open_offers"] == 1


@pytest.mark.django_db
def test_the_offers_list_runs_the_same_queries_for_1_and_50_offers(buyer_api, buyer, producer_a):
    from tests.market.conftest import make_product

    demand = _posted(buyer)
    _offer(demand, make_product(producer_a, "Chè 0", stock=100))
    path = f"{DEMANDS}{demand.public_id}/offers/?limit=50"
    buyer_api.get(path)
    with CaptureQueriesContext(connection) as one:
        assert buyer_api.get(path, HTTP_IF_NONE_MATCH="x").status_code == 200
    for number in range(1, 50):
        _offer(demand, make_product(producer_a, f"Chè {number}", stock=100))
    with CaptureQueriesContext(connection) as fifty:
        response = buyer_api.get(path, HTTP_IF_NONE_MATCH="x")

    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(one)


@pytest.mark.django_db
def test_accepting_an_offer_makes_an_order_at_its_price_and_fulfils_the_demand(
    buyer_api, buyer, tea, producer_a
):
    from tests.market.conftest import make_product

    demand = _posted(buyer)
    accepted = _offer(demand, tea, quantity=10, unit_price=340_000)
    other = _offer(demand, make_product(producer_a, "Chè xanh", stock=30), quantity=15)

    response = buyer_api.post(
        f"{DEMANDS}{demand.public_id}/offers/{accepted.pk}/accept/",
        {"buyer_name": "Trần Văn Hùng", "buyer_phone": "0912 345 678", "delivery_method": "pickup",
         "payment_method": "cod"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.content
    order = Order.objects.get()
    body = response.json()
    assert (body["reference"], body["status"], body["subtotal"], body["total"]) == (
        order.reference,
        OrderStatus.PENDING_PAYMENT,
        3_400_000,
        3_400_000,
    )
    assert body["lines"] == [
        {"product": tea.pk, "name": "Chè Shan Tuyết", "unit": "kg", "unit_price": 340_000, "quantity": 10,
         "line_total": 3_400_000}
    ]  # fmt: skip
    assert body["payment"]["method"] == "cod"
    assert Product.objects.get(pk=tea.pk).stock == 10
    demand.refresh_from_db()
    assert demand.status == DemandStatus.FULFILLED
    assert dict(DemandOffer.objects.values_list("pk", "status")) == {
        accepted.pk: OfferStatus.ACCEPTED,
        other.pk: OfferStatus.DECLINED,
    }
    offers = buyer_api.get(f"{DEMANDS}{demand.public_id}/offers/").json()["results"]
    assert {item["id"]: item["order"] for item in offers} == {accepted.pk: order.reference, other.pk: None}


@pytest.mark.django_db
def test_a_refused_accept_is_a_conflict_or_a_field_message_and_nothing_changes(buyer_api, buyer, tea):
    demand = _posted(buyer)
    offer = _offer(demand, tea, quantity=10)
    path = f"{DEMANDS}{demand.public_id}/offers/{offer.pk}/accept/"
    details = CHECKOUT_DETAILS
    before = _state()

    card = buyer_api.post(path, {**details, "payment_method": "stripe"}, format="json")
    bad_phone = buyer_api.post(path, {**details, "buyer_phone": "12", "payment_method": "cod"}, format="json")
    unknown = buyer_api.post(f"{DEMANDS}{demand.public_id}/offers/999999/accept/", details, format="json")
    assert _state() == before
    Product.objects.filter(pk=tea.pk).update(stock=4)
    before_sold_out = _state()
    sold_out = buyer_api.post(path, {**details, "payment_method": "cod"}, format="json")

    assert card.status_code == 400 and list(_error(card)["fields"]) == ["payment_method"]
    assert bad_phone.status_code == 400 and list(_error(bad_phone)["fields"]) == ["buyer_phone"]
    assert unknown.status_code == 404
    assert sold_out.status_code == 409 and _error(sold_out)["code"] == "out_of_stock"
    assert _state() == before_sold_out


@pytest.mark.django_db
def test_the_buyer_declines_an_offer_and_a_decided_offer_cannot_be_declined_or_accepted(
    buyer_api, buyer, tea
):
    demand = _posted(buyer)
    offer = _offer(demand, tea)
    path = f"{DEMANDS}{demand.public_id}/offers/{offer.pk}/"

    declined = buyer_api.post(f"{path}decline/")
    before_again = _state()
    again = buyer_api.post(f"{path}decline/")
    accept = buyer_api.post(f"{path}accept/", {**CHECKOUT_DETAILS, "payment_method": "cod"}, format="json")

    assert declined.status_code == 200, declined.content
    assert declined.json()["status"] == "declined" and declined.json()["decided_at"] is not None
    assert DemandOffer.objects.get().status == OfferStatus.DECLINED
    for refused in (again, accept):
        assert refused.status_code == 409
        assert _error(refused)["code"] == "offer_not_open"
    assert _state() == before_again


# --- matches ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_matches_rank_the_listings_with_the_score_broken_into_weighted_parts(buyer_api, buyer, tea, plums):
    demand = _posted(buyer, keywords="shan tuyết", max_unit_price=400_000)

    response = buyer_api.get(f"{DEMANDS}{demand.public_id}/matches/", {"lang": "en"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["demand"] == str(demand.public_id)
    assert set(body["weights"]) == {
        "text", "category", "quantity", "price", "certification", "distance", "season", "reliability",
    }  # fmt: skip
    assert sum(body["weights"].values()) == pytest.approx(1.0)
    best = body["results"][0]
    assert (best["rank"], best["product"]["id"]) == (1, tea.pk)
    assert set(best["parts"]) <= set(body["weights"])
    assert best["score"] == pytest.approx(sum(best["parts"].values()), abs=1e-6)
    for name, contribution in best["parts"].items():
        assert 0 <= contribution <= body["weights"][name] + 1e-9
    assert best["reasons"] and all(isinstance(reason, str) and reason for reason in best["reasons"])
    assert [result["rank"] for result in body["results"]] == list(range(1, len(body["results"]) + 1))
    scores = [result["score"] for result in body["results"]]
    assert scores == sorted(scores, reverse=True)
    # the product is shown exactly as the products API shows it
    assert best["product"] == buyer_api.get(f"/api/v1/products/{tea.pk}/", {"lang": "en"}).json()


@pytest.mark.django_db
def test_a_listing_no_longer_for_sale_is_not_among_the_matches(buyer_api, buyer, tea):
    from market.models import ReviewStatus

    demand = _posted(buyer)
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)

    response = buyer_api.get(f"{DEMANDS}{demand.public_id}/matches/")

    assert response.status_code == 200
    assert [result["product"]["id"] for result in response.json()["results"]] == []


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "51", "many"])
def test_a_bad_matches_limit_is_400(buyer_api, buyer, limit):
    demand = _posted(buyer)

    response = buyer_api.get(f"{DEMANDS}{demand.public_id}/matches/", {"limit": limit})

    assert response.status_code == 400
    assert list(_error(response)["fields"]) == ["limit"]


@pytest.mark.django_db
def test_matches_run_the_same_queries_for_1_and_many_listings(buyer_api, buyer, producer_a):
    from tests.market.conftest import make_product

    make_product(producer_a, "Chè Shan Tuyết 0", stock=100)
    demand = _posted(buyer)
    path = f"{DEMANDS}{demand.public_id}/matches/?limit=50"
    buyer_api.get(path)
    with CaptureQueriesContext(connection) as one:
        assert len(buyer_api.get(path, HTTP_IF_NONE_MATCH="x").json()["results"]) == 1
    for number in range(1, 30):
        make_product(producer_a, f"Chè Shan Tuyết {number}", stock=100)
    with CaptureQueriesContext(connection) as many:
        response = buyer_api.get(path, HTTP_IF_NONE_MATCH="x")

    assert len(response.json()["results"]) == 30
    assert len(many) == len(one)


@pytest.mark.django_db
@pytest.mark.usefixtures("private_people")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_matches_carry_no_private_details_of_the_producers_people(buyer_api, buyer, language):
    demand = _posted(buyer)

    response = buyer_api.get(f"{DEMANDS}{demand.public_id}/matches/", {"lang": language})

    assert response.status_code == 200 and response.json()["results"]
    body = response.content.decode()
    assert [secret for secret in PRIVATE_STRINGS if secret in body] == []
