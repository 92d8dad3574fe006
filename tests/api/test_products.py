"""Products through the partner API: public fields, filters, cursor pages, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from market.models import Category


@pytest.mark.django_db
def test_a_partner_lists_products_with_syndication(api_client, tea, plums, site_tree):
    response = api_client.get("/api/v1/products/", {"lang": "en"})

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    names = [item["name"] for item in response.json()["results"]]
    assert names == ["Mận Bắc Hà", "Chè Shan Tuyết"]
    first = response.json()["results"][1]
    assert first["price"] == 350_000 and first["currency"] == "VND" and first["unit"] == "kg"
    assert first["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van EN"}
    assert first["province"]["id"] == site_tree["province"].pk
    syndication = first["syndication"]
    assert syndication["canonical_url"] == f"http://testserver/en/market/p/{tea.slug}/"
    assert syndication["tracked_url"].startswith("http://testserver/go/")
    assert syndication["licence"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert "Tả Van" in syndication["attribution"]


@pytest.mark.django_db
def test_filters_narrow_the_list_and_bad_filters_are_400(api_client, tea, plums, site_tree):
    fruit = api_client.get("/api/v1/products/", {"category": Category.FRUIT})
    in_a = api_client.get("/api/v1/products/", {"commune": site_tree["a"]["commune"].pk})
    bad = api_client.get("/api/v1/products/", {"commune": 999999, "category": "gold"})

    assert [item["id"] for item in fruit.json()["results"]] == [plums.pk]
    assert [item["id"] for item in in_a.json()["results"]] == [tea.pk]
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["status"] == 400
    assert set(error["fields"]) == {"commune", "category"}


@pytest.mark.django_db
def test_cursor_pages_follow_next_links_and_a_forged_cursor_is_400(api_client, producer_a):
    from tests.market.conftest import make_product

    made = [make_product(producer_a, f"Chè {number}") for number in range(5)]

    seen, url = [], "/api/v1/products/?limit=2"
    while url:
        page = api_client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    forged = api_client.get("/api/v1/products/", {"cursor": "bm90LWEtY3Vyc29y"})

    assert sorted(seen) == sorted(product.pk for product in made) and len(seen) == 5
    assert forged.status_code == 400 and "cursor" in forged.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_list_runs_the_same_queries_for_1_and_50_products(api_client, producer_a):
    from tests.market.conftest import make_product

    make_product(producer_a, "Chè 0")
    api_client.get("/api/v1/products/?limit=50")  # warm the site root paths
    with CaptureQueriesContext(connection) as one:
        assert api_client.get("/api/v1/products/?limit=50", HTTP_IF_NONE_MATCH="x").status_code == 200
    for number in range(1, 50):
        make_product(producer_a, f"Chè {number}")
    with CaptureQueriesContext(connection) as fifty:
        response = api_client.get("/api/v1/products/?limit=50", HTTP_IF_NONE_MATCH="x")
    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(one)


@pytest.mark.django_db
def test_an_unchanged_list_revalidates_with_304_and_a_change_makes_it_200(
    api_client, tea, django_capture_on_commit_callbacks
):
    first = api_client.get("/api/v1/products/")
    etag = first["ETag"]

    again = api_client.get("/api/v1/products/", HTTP_IF_NONE_MATCH=etag)
    from market.services.shop import update_product

    with django_capture_on_commit_callbacks(execute=True):
        update_product(product=tea, actor=tea.producer.owner, price=360_000)
    after_change = api_client.get("/api/v1/products/", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert after_change.status_code == 200
    assert after_change.json()["results"][0]["price"] == 360_000
