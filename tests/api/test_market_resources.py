"""Producers, lots and reviews through the partner API: public fields only, filters, refusals, constant
queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.models import Scope
from market import services
from market.models import Producer, Product, ReviewStatus
from tests import factories
from tests.market.conftest import make_producer, make_product

pytestmark = pytest.mark.django_db

MARKET_LISTS = ["producers", "lots", "reviews"]


def ids(response, key: str = "id") -> list:
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["results"]]


def delivered_order(buyer, product, quantity: int = 2):
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=product, quantity=quantity)
    checkout = services.place_order(
        cart=cart,
        buyer=services.Buyer(name="Trần Văn Hùng", phone="0912345678", user=buyer),
        payment_method="cod",
        delivery_methods={product.producer_id: "pickup"},
    )
    order = checkout.orders.get()
    owner = product.producer.owner
    services.accept_cash_order(order=order, actor=owner)
    services.ship_order(order=order, actor=owner)
    return services.mark_delivered(order=order, actor=owner)


def reviewed(buyer, product, rating: int, text: str = ""):
    order = delivered_order(buyer, product)
    return services.review_product(order=order, product_id=product.pk, author=buyer, rating=rating, text=text)


def lot_of(product, code: str, **fields):
    return services.create_lot(product=product, actor=product.producer.owner, code=code, **fields)


def pending_product(producer, name: str = "Chè chưa duyệt") -> Product:
    return services.create_product(
        producer=producer, actor=producer.owner, name_vi=name, price=100_000, stock=5, category="tea"
    )


# --- producers --------------------------------------------------------------------------------------


def test_producers_lists_approved_producers_with_their_products_on_sale_and_no_private_data(
    api_client, site_tree, tea, plums, producer_a
):
    pending_product(producer_a)
    newcomer = factories.make_user("new@example.org")
    unapproved = services.create_producer(
        owner=newcomer, commune=site_tree["a"]["commune"], actor=newcomer, name="Hộ mới"
    )

    response = api_client.get("/api/v1/producers/", {"lang": "vi"})

    assert ids(response) == [plums.producer_id, producer_a.pk]
    assert unapproved.pk not in ids(response)
    item = response.json()["results"][1]
    assert set(item) == {
        "id", "slug", "name", "kind", "story", "commune", "province", "products_count", "updated_at",
        "syndication",
    }  # fmt: skip
    assert (item["name"], item["kind"], item["products_count"]) == ("Hợp tác xã chè Tả Van", "household", 1)
    assert item["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van"}
    assert item["province"]["id"] == site_tree["province"].pk
    canonical = f"http://testserver/vi/market/producers/{producer_a.slug}/"
    assert item["syndication"]["canonical_url"] == canonical


def test_a_producers_story_and_commune_follow_the_language_asked(api_client, site_tree, producer_a):
    Producer.objects.filter(pk=producer_a.pk).update(story_vi="Chè cổ thụ", story_en="Ancient tea trees")

    vi = api_client.get(f"/api/v1/producers/{producer_a.pk}/", {"lang": "vi"})
    en = api_client.get(f"/api/v1/producers/{producer_a.pk}/", {"lang": "en"})

    assert vi.json()["story"] == "Chè cổ thụ"
    assert en.json()["story"] == "Ancient tea trees"
    assert en.json()["commune"]["title"] == "Tả Van EN"
    assert en.json()["syndication"]["canonical_url"].startswith("http://testserver/en/market/producers/")


def test_a_producer_detail_has_the_reliability_figures_buyers_see(api_client, tea, buyer):
    reviewed(buyer, tea, rating=4)

    response = api_client.get(f"/api/v1/producers/{tea.producer_id}/")

    assert response.status_code == 200
    assert response.json()["reliability"] == services.producer_reliability(tea.producer)
    assert response.json()["reliability"]["review_count"] == 1
    assert response.json()["reliability"]["orders_fulfilled"] == 1


def test_an_unapproved_or_unknown_producer_is_404(api_client, site_tree, producer_a):
    Producer.objects.filter(pk=producer_a.pk).update(review_status=ReviewStatus.PENDING)

    pending = api_client.get(f"/api/v1/producers/{producer_a.pk}/")
    unknown = api_client.get("/api/v1/producers/999999/")

    assert pending.status_code == 404 and unknown.status_code == 404


def test_producers_filter_by_commune_and_kind_and_bad_values_are_400(
    api_client, site_tree, producer_a, producer_b
):
    in_b = api_client.get("/api/v1/producers/", {"commune": site_tree["b"]["commune"].pk})
    cooperatives = api_client.get("/api/v1/producers/", {"kind": "cooperative"})
    bad = api_client.get("/api/v1/producers/", {"kind": "company", "commune": 999999})

    assert ids(in_b) == [producer_b.pk]
    assert ids(cooperatives) == []
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"kind", "commune"}


# --- lots -------------------------------------------------------------------------------------------


def test_lots_carry_traceability_and_link_to_their_public_page(api_client, site_tree, tea):
    lot = lot_of(
        tea,
        "L-2025-07",
        harvested_on=date(2025, 7, 2),
        produced_on=date(2025, 7, 5),
        best_before=date(2026, 7, 5),
        quantity=120,
        note="Hái tay buổi sáng",
    )

    listed = api_client.get("/api/v1/lots/", {"lang": "en"})
    detail = api_client.get(f"/api/v1/lots/{lot.public_id}/", {"lang": "en"})

    assert ids(listed, "public_id") == [str(lot.public_id)]
    item = listed.json()["results"][0]
    assert item["code"] == "L-2025-07"
    assert item["product"] == {"id": tea.pk, "title": "Chè Shan Tuyết"}
    assert item["producer"] == {"id": tea.producer_id, "title": "Hợp tác xã chè Tả Van"}
    assert item["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van EN"}
    assert (item["harvested_on"], item["produced_on"], item["best_before"]) == (
        "2025-07-02", "2025-07-05", "2026-07-05",
    )  # fmt: skip
    assert (item["quantity"], item["note"]) == (120, "Hái tay buổi sáng")
    assert item["syndication"]["canonical_url"] == f"http://testserver/en/market/lots/{lot.public_id}/"
    assert detail.status_code == 200 and detail.json() == item


def test_lots_of_products_not_on_sale_are_404_and_malformed_ids_too(api_client, producer_a, tea):
    hidden = lot_of(pending_product(producer_a), "L-1")

    listed = api_client.get("/api/v1/lots/")
    detail = api_client.get(f"/api/v1/lots/{hidden.public_id}/")
    unknown = api_client.get("/api/v1/lots/6f1c2d4e-0000-4000-8000-000000000000/")
    malformed = api_client.get("/api/v1/lots/not-a-lot/")

    assert ids(listed) == []
    assert detail.status_code == 404 and unknown.status_code == 404 and malformed.status_code == 404


def test_lots_filter_by_product_and_an_unknown_or_hidden_product_is_400(api_client, producer_a, tea, plums):
    tea_lot, plum_lot = lot_of(tea, "T-1"), lot_of(plums, "M-1")
    hidden = pending_product(producer_a)

    of_tea = api_client.get("/api/v1/lots/", {"product": tea.pk})
    of_producer_b = api_client.get("/api/v1/lots/", {"producer": plums.producer_id})
    unknown = api_client.get("/api/v1/lots/", {"product": 999999})
    not_on_sale = api_client.get("/api/v1/lots/", {"product": hidden.pk})

    assert ids(of_tea, "public_id") == [str(tea_lot.public_id)]
    assert ids(of_producer_b, "public_id") == [str(plum_lot.public_id)]
    assert unknown.status_code == 400 and list(unknown.json()["error"]["fields"]) == ["product"]
    assert not_on_sale.status_code == 400 and list(not_on_sale.json()["error"]["fields"]) == ["product"]


# --- reviews ----------------------------------------------------------------------------------------


def test_reviews_show_stars_text_and_date_but_never_the_reviewer(api_client, tea, buyer):
    review = reviewed(buyer, tea, rating=4, text="Chè thơm, giao nhanh")

    response = api_client.get("/api/v1/reviews/", {"product": tea.pk})

    assert ids(response) == [review.pk]
    item = response.json()["results"][0]
    assert set(item) == {"id", "product", "rating", "text", "created_at", "syndication"}
    assert (item["rating"], item["text"]) == (4, "Chè thơm, giao nhanh")
    assert item["product"] == {"id": tea.pk, "title": "Chè Shan Tuyết"}
    assert item["syndication"]["canonical_url"] == f"http://testserver/vi/market/p/{tea.slug}/"
    body = response.content.decode()
    assert buyer.email not in body and "Hùng" not in body and "0912345678" not in body


def test_reviews_of_a_product_taken_off_sale_are_hidden(api_client, tea, plums, buyer):
    tea_review, plum_review = reviewed(buyer, tea, rating=5), reviewed(buyer, plums, rating=3)
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)

    listed = api_client.get("/api/v1/reviews/")
    detail = api_client.get(f"/api/v1/reviews/{tea_review.pk}/")

    assert ids(listed) == [plum_review.pk]
    assert detail.status_code == 404


def test_reviews_filter_by_rating_and_producer_and_bad_values_are_400(api_client, tea, plums, buyer):
    tea_review, plum_review = reviewed(buyer, tea, rating=5), reviewed(buyer, plums, rating=3)

    good = api_client.get("/api/v1/reviews/", {"minimum_rating": 4})
    of_producer_b = api_client.get("/api/v1/reviews/", {"producer": plums.producer_id})
    bad = api_client.get("/api/v1/reviews/", {"minimum_rating": 6, "producer": 999999})

    assert ids(good) == [tea_review.pk]
    assert ids(of_producer_b) == [plum_review.pk]
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"minimum_rating", "producer"}


# --- access and cost --------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", MARKET_LISTS)
def test_market_resources_need_a_key_with_the_market_read_scope(client_for, resource):
    content_only = client_for(scopes=[Scope.CONTENT_READ])

    refused = content_only.get(f"/api/v1/{resource}/")
    anonymous = APIClient().get(f"/api/v1/{resource}/")

    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_scope"
    assert anonymous.status_code == 401


@pytest.mark.parametrize("resource", MARKET_LISTS)
def test_a_market_list_runs_the_same_queries_for_1_and_50_items(api_client, tea, plums, buyer, resource):
    reviewed(buyer, tea, rating=5)
    reviewed(buyer, plums, rating=4)
    lot_of(tea, "T-1")
    lot_of(plums, "M-1")
    make_product(make_producer(factories.make_user("ba@example.org"), tea.commune, "Hộ Ba"), "Gạo nếp")
    url = f"/api/v1/{resource}/?limit="
    api_client.get(url + "50")

    with CaptureQueriesContext(connection) as one:
        first = api_client.get(url + "1", HTTP_IF_NONE_MATCH="x")
    with CaptureQueriesContext(connection) as fifty:
        every = api_client.get(url + "50", HTTP_IF_NONE_MATCH="x")

    assert len(first.json()["results"]) == 1 and len(every.json()["results"]) >= 2
    assert len(fifty) == len(one)
