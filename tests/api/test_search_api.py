"""The one search through the API: results with or without diacritics and their syndication block,
facets usable as filters, facet values that do not exist refused (400 naming the parameter), long or
operator-laden queries answered (never a 500), kinds limited by the key's scopes, suggestions, pages,
constant queries, and no personal data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import Scope
from core.search.backends import get_search_backend
from tests.api.test_privacy import PRIVATE_STRINGS, private_people  # noqa: F401  (a fixture)
from tests.market.conftest import make_product

SEARCH = "/api/v1/search/"
SUGGEST = "/api/v1/search/suggest/"


@pytest.fixture
def indexed(site_tree, tea, plums):
    """The site tree's pages and the two products, in the index (as ``rebuild_search_index`` does)."""
    get_search_backend().rebuild()
    return {"tea": tea, "plums": plums}


def _keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [hit["key"] for hit in response.json()["results"]]


def _facet(response, name: str) -> dict[str, int]:
    return {value["value"]: value["count"] for value in response.json()["facets"][name]}


def _error_fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


@pytest.mark.django_db
def test_a_partner_finds_a_product_with_or_without_diacritics_with_its_syndication(
    api_client, indexed, site_tree
):
    tea = indexed["tea"]

    plain = api_client.get(SEARCH, {"q": "che shan tuyet", "lang": "vi"})
    marked = api_client.get(SEARCH, {"q": "Chè Shan Tuyết", "lang": "vi"})
    capitals = api_client.get(SEARCH, {"q": "CHE SHAN TUYET", "lang": "vi"})

    assert _keys(plain) == _keys(marked) == _keys(capitals)
    assert _keys(plain)[0] == f"product:{tea.pk}"
    body = plain.json()
    hit = body["results"][0]
    assert (hit["kind"], hit["language"], hit["title"], hit["category"], hit["price"]) == (
        "product",
        "vi",
        "Chè Shan Tuyết",
        "tea",
        350_000,
    )
    assert hit["url"] == f"http://testserver/vi/market/p/{tea.slug}/"
    assert hit["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van"}
    assert hit["province"] == {"id": site_tree["province"].pk, "title": "Lào Cai"}
    syndication = hit["syndication"]
    assert syndication["canonical_url"] == hit["url"]
    assert syndication["tracked_url"].startswith("http://testserver/go/")
    assert syndication["licence"]["name"] == "CC BY 4.0"
    assert "Tả Van" in syndication["attribution"]
    assert (body["total"], body["page"], body["query_cut"], body["next"], body["previous"]) == (
        len(body["results"]),
        1,
        False,
        None,
        None,
    )


@pytest.mark.django_db
def test_facets_count_the_results_and_their_values_narrow_the_search(api_client, indexed, site_tree):
    tea, plums = indexed["tea"], indexed["plums"]

    everything = api_client.get(SEARCH, {"lang": "vi"})
    fruit = api_client.get(SEARCH, {"category": "fruit", "lang": "vi"})
    repeated = api_client.get(f"{SEARCH}?type=product&type=guide&lang=vi")
    commas = api_client.get(SEARCH, {"type": "product,guide", "lang": "vi"})
    in_bac_ha = api_client.get(SEARCH, {"type": "product", "commune": site_tree["b"]["commune"].pk})

    facets = everything.json()["facets"]
    assert set(facets) == {"type", "province", "commune", "category", "minimum_ocop_stars", "price"}
    kinds = _facet(everything, "type")
    assert kinds["product"] == 2 and kinds["guide"] >= 2
    assert {"value": "product", "label": "Sản phẩm", "count": 2} in facets["type"]
    assert _facet(everything, "category")["fruit"] == 1
    assert _keys(fruit) == [f"product:{plums.pk}"]
    assert sorted(_keys(repeated)) == sorted(_keys(commas))
    assert {key.split(":")[0] for key in _keys(commas)} == {"product", "guide"}
    assert f"product:{tea.pk}" in _keys(commas)
    assert _keys(in_bac_ha) == [f"product:{plums.pk}"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"type": "recipe"}, "type"),
        ({"type": "guide,recipe"}, "type"),
        ({"category": "gold"}, "category"),
        ({"province": "999999"}, "province"),
        ({"commune": "999999"}, "commune"),
        ({"commune": "abc"}, "commune"),
        ({"price": "cheap"}, "price"),
        ({"minimum_ocop_stars": "9"}, "minimum_ocop_stars"),
        ({"min_price": "500", "max_price": "100"}, "max_price"),
        ({"min_price": "-1"}, "min_price"),
        ({"page": "0"}, "page"),
        ({"page": "501"}, "page"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"lang": "fr"}, "lang"),
    ],
)
def test_facet_values_that_do_not_exist_are_400_naming_the_parameter(api_client, indexed, query, field):
    response = api_client.get(SEARCH, query)

    fields = _error_fields(response)
    assert list(fields) == [field]
    assert fields[field][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "chè " * 2_500,  # 10,000 characters
        '"((( AND OR NOT *:* ~^2 -- ; DROP TABLE core_searchentry; %_\\ )))" || && !',
        "\u0000\u200b\ufeff",
        "đ" * 10_000,
    ],
    ids=["ten-thousand-characters", "operators", "control-characters", "ten-thousand-d"],
)
def test_a_long_query_or_one_full_of_operators_is_answered_not_refused(api_client, indexed, text):
    response = api_client.get(SEARCH, {"q": text})
    suggestions = api_client.get(SUGGEST, {"q": text})

    assert response.status_code == 200, response.content
    assert response.json()["query_cut"] is (len(text) > 200)
    assert suggestions.status_code == 200, suggestions.content


@pytest.mark.django_db
def test_pages_follow_next_links_and_cover_every_result_once(api_client, indexed, producer_a):
    for number in range(4):
        make_product(producer_a, f"Chè búp {number}")
    get_search_backend().rebuild()

    seen, url, pages = [], f"{SEARCH}?q=che&type=product&limit=2", 0
    while url:
        page = api_client.get(url).json()
        seen += [hit["key"] for hit in page["results"]]
        url, pages = page["next"], pages + 1
    second = api_client.get(SEARCH, {"q": "che", "type": "product", "limit": 2, "page": 2}).json()

    assert len(seen) == len(set(seen)) == 5 and pages == 3
    assert "limit=2" in second["previous"] and "page=" not in second["previous"]
    capped = api_client.get(SEARCH, {"limit": 500}).json()
    assert capped["limit"] == 50


@pytest.mark.django_db
def test_the_search_runs_the_same_queries_for_1_and_50_results(api_client, site_tree, producer_a):
    make_product(producer_a, "Chè 0")
    get_search_backend().rebuild()
    api_client.get(f"{SEARCH}?type=product&limit=50")
    with CaptureQueriesContext(connection) as one:
        response = api_client.get(f"{SEARCH}?type=product&limit=50", HTTP_IF_NONE_MATCH="x")
    assert len(response.json()["results"]) == 1
    for number in range(1, 50):
        make_product(producer_a, f"Chè {number}")
    get_search_backend().rebuild()
    api_client.get(f"{SEARCH}?type=product&limit=50")  # warmed up like the first measurement
    with CaptureQueriesContext(connection) as fifty:
        response = api_client.get(f"{SEARCH}?type=product&limit=50", HTTP_IF_NONE_MATCH="x")

    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(one)


# --- who may search what ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_without_market_read_searches_the_other_kinds_and_is_refused_products(client_for, indexed):
    content_only = client_for(scopes=[Scope.CONTENT_READ])

    everything = content_only.get(SEARCH, {"q": "che"})
    products = content_only.get(SEARCH, {"type": "product"})
    suggestions = content_only.get(SUGGEST, {"q": "che sh"})

    assert everything.status_code == 200
    assert "product" not in _facet(everything, "type")
    assert all(hit["kind"] != "product" for hit in everything.json()["results"])
    assert products.status_code == 403 and products.json()["error"]["code"] == "missing_scope"
    assert "market:read" in products.json()["error"]["message"]
    assert suggestions.json()["suggestions"] == []


@pytest.mark.django_db
def test_search_needs_content_read_or_a_persons_token(client_for, client, user_client, buyer, indexed):
    market_only = client_for(scopes=[Scope.MARKET_READ])

    refused = market_only.get(SEARCH, {"q": "che"})
    anonymous = client.get(SEARCH, {"q": "che"})
    person = user_client(buyer).get(SEARCH, {"q": "che shan"})

    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_scope"
    assert anonymous.status_code == 401
    assert f"product:{indexed['tea'].pk}" in _keys(person)
    assert person.json()["results"][0]["syndication"]["tracked_url"].startswith("http://testserver/vi/")


# --- suggestions --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_suggestions_offer_titles_while_typing_with_or_without_diacritics(api_client, indexed):
    tea = indexed["tea"]

    plain = api_client.get(SUGGEST, {"q": "che sh", "lang": "vi"})
    marked = api_client.get(SUGGEST, {"q": "Chè Sh", "lang": "vi"})
    empty = api_client.get(SUGGEST, {"q": ""})
    too_many = api_client.get(SUGGEST, {"q": "che", "limit": 21})

    assert plain.status_code == 200, plain.content
    assert plain.json() == marked.json()
    assert {
        "text": "Chè Shan Tuyết",
        "kind": "product",
        "url": f"http://testserver/vi/market/p/{tea.slug}/",
    } in plain.json()["suggestions"]
    assert empty.json() == {"suggestions": []}
    assert list(_error_fields(too_many)) == ["limit"]


# --- privacy ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("private_people")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_search_answer_carries_the_private_details_of_the_fixture_people(api_client, language):
    get_search_backend().rebuild()
    answers = [
        api_client.get(SEARCH, {"lang": language}),
        api_client.get(SEARCH, {"q": "Tả Van", "lang": language}),
        api_client.get(SUGGEST, {"q": "ch", "lang": language}),
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert answers[0].json()["total"] > 0
    for answer in answers:
        body = answer.content.decode()
        assert [secret for secret in PRIVATE_STRINGS if secret in body] == []


def test_a_search_cluster_that_is_down_is_a_503_with_retry_after(api_client, indexed, settings, monkeypatch):
    from elasticsearch import ConnectionError as ClusterDown

    from core.search import elastic

    class Down:
        def __getattr__(self, name):
            raise ClusterDown("connection refused")

    settings.SEARCH_BACKEND = "elasticsearch"
    monkeypatch.setattr(elastic, "_client", Down())

    for path in ("/api/v1/search/?q=tra", "/api/v1/search/suggest/?q=tra"):
        response = api_client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30"
        assert response.json()["error"]["code"] == "service_unavailable"
