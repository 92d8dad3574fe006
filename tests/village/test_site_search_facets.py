"""The one search page: results of every kind with facets, paging, suggestions, and refusals of filter
values that do not exist (400 with the reason, never 500)."""

import json
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import Role
from core.models import SearchEntry
from market import services as market_services
from tests import factories
from tests.market.conftest import make_producer
from tests.tourism.conftest import make_experience, make_host, make_stay
from village.views import search_suggest


@pytest.fixture
def moderator(site_tree):
    return factories.make_member("mod@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)


@pytest.fixture
def producer(site_tree):
    owner = factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    return make_producer(owner, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van")


def listed(producer, moderator, name, *, price, category="tea", stars=None):
    """A product approved by the moderator, through the services (so the index hears of it)."""
    product = market_services.create_product(
        producer=producer, actor=producer.owner, name_vi=name, price=price, stock=10, category=category,
        unit="kg", description_vi=f"{name}: đặc sản Tả Van.",
    )  # fmt: skip
    if stars:
        market_services.set_ocop_rating(
            product=product, actor=producer.owner, stars=stars, certificate_number=f"OCOP-{product.pk}",
            issued_on=timezone.localdate(), issuing_province="Lào Cai",
        )  # fmt: skip
    return market_services.review_listing(product=product, moderator=moderator, approve=True)


@pytest.fixture
def catalogue(site_tree, producer, moderator):
    """Tea (4 stars) and honey (3 stars) in Tả Van; a homestay and an indigo-dyeing experience there too."""
    tea = listed(producer, moderator, "Chè Shan Tuyết", price=350_000, stars=4)
    honey = listed(producer, moderator, "Mật ong bạc hà", price=90_000, category="honey", stars=3)
    owner = factories.make_member("pao@example.org", site_tree["a"]["commune"], Role.HOST)
    host = make_host(owner, site_tree["a"]["commune"], "Homestay Sùng A Páo")
    stay = make_stay(host, "Homestay Sùng A Páo đặc sản", rooms=((2, 400_000),))
    experience = make_experience(host, "Nhuộm chàm đặc sản")
    return {"tea": tea, "honey": honey, "stay": stay, "experience": experience}


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def facet_links(html: str, name: str) -> dict[str, str]:
    """``{label: "(count)"}`` of one facet section of the page."""
    section = re.search(
        rf'<section class="search-facet" aria-labelledby="facet-{name}">(.*?)</section>', html, re.S
    )
    assert section, f"no {name} facet"
    return dict(re.findall(r'<a href="[^"]*"(?: aria-current="true")?>(?:<strong>)?([^<]+)(?:</strong>)?</a> '
                            r'<span class="meta">\((\d+)\)</span>', section.group(1)))  # fmt: skip


def result_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="result-title"><a href="[^"]*">([^<]+)</a></h2>', html)


def test_one_search_lists_every_kind_with_facets(client, catalogue):
    # when a visitor searches "dac san" (without the marks) on the Vietnamese site
    with translation.override("en"):
        response = client.get("/en/search/", {"q": "dac san"})
    html = main(client.get("/vi/search/", {"q": "dac san"}))
    # then the products, the stay and the experience are listed
    titles = result_titles(html)
    assert set(titles) == {
        "Chè Shan Tuyết",
        "Mật ong bạc hà",
        "Homestay Sùng A Páo đặc sản",
        "Nhuộm chàm đặc sản",
    }
    # with their facets: types, the commune and province, categories, OCOP stars and price bands
    assert facet_links(html, "kind") == {"Sản phẩm": "2", "Lưu trú": "1", "Trải nghiệm": "1"}
    assert facet_links(html, "province") == {"Lào Cai": "4"}
    assert facet_links(html, "commune") == {"Tả Van": "4"}
    assert set(facet_links(html, "category").values()) == {"1"}
    assert list(facet_links(html, "ocop").values()) == ["1", "2", "2", "2"]
    assert sum(int(count) for count in facet_links(html, "price").values()) == 4
    # and the English site has only what has an English version (none of these)
    assert response.status_code == 200
    assert result_titles(main(response)) == []


def test_choosing_a_type_narrows_the_results_but_not_the_type_facet(client, catalogue):
    # when the visitor ticks "products"
    html = main(client.get("/vi/search/", {"q": "dac san", "kind": "product"}))
    # then only products are listed, the tea first (its title holds no word, both rank by text: newest)
    assert set(result_titles(html)) == {"Chè Shan Tuyết", "Mật ong bạc hà"}
    # the type facet still offers the other types with their counts, and the product box stays ticked
    assert facet_links(html, "kind") == {"Sản phẩm": "2", "Lưu trú": "1", "Trải nghiệm": "1"}
    assert '<input type="checkbox" name="kind" value="product" checked>' in html
    assert '<a href="/vi/search/?q=dac+san" aria-current="true"><strong>Sản phẩm</strong></a>' in html
    # and the other filters narrow it further
    four_stars = main(client.get("/vi/search/", {"q": "dac san", "kind": "product", "ocop": "4"}))
    assert result_titles(four_stars) == ["Chè Shan Tuyết"]
    cheap = main(client.get("/vi/search/", {"q": "dac san", "price": "0-100000"}))
    assert result_titles(cheap) == ["Mật ong bạc hà"]
    honey = main(client.get("/vi/search/", {"q": "dac san", "category": "honey"}))
    assert result_titles(honey) == ["Mật ong bạc hà"]
    commune = catalogue["tea"].commune_id
    in_commune = main(client.get("/vi/search/", {"q": "mat ong", "commune": commune}))
    assert result_titles(in_commune) == ["Mật ong bạc hà"]


def test_results_are_paged(client, site_tree, producer, moderator):
    # given 23 teas
    for number in range(23):
        listed(producer, moderator, f"Chè xanh số {number}", price=100_000 + number)
    # when the visitor pages through "che xanh"
    first = main(client.get("/vi/search/", {"q": "che xanh"}))
    second = main(client.get("/vi/search/", {"q": "che xanh", "page": "2"}))
    # then 20 are on the first page and 3 on the second, with links between them
    assert len(result_titles(first)) == 20
    assert len(result_titles(second)) == 3
    assert not set(result_titles(first)) & set(result_titles(second))
    assert '<a href="/vi/search/?q=che+xanh&amp;page=2" rel="next">' in first
    assert '<a href="/vi/search/?q=che+xanh&amp;page=1" rel="prev">' in second


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"kind": "spaceship"}, "Type: This type of result does not exist: spaceship."),
        ({"province": "abc"}, "Province: "),
        ({"province": "999999"}, "Province: This province does not exist."),
        ({"commune": "999999"}, "Commune: This commune does not exist."),
        ({"category": "plutonium"}, "Category: This category does not exist."),
        ({"ocop": "9"}, "OCOP stars: "),
        ({"price": "1-2"}, "Price: This price band does not exist."),
        ({"min_price": "500", "max_price": "100"}, "Highest price: "),
        ({"page": "0"}, "Page: "),
    ],
)
def test_filter_values_that_do_not_exist_answer_400_with_the_reason(client, site_tree, params, reason):
    before = SearchEntry.objects.count()
    with translation.override("en"):
        response = client.get("/en/search/", {"q": "dinh danh", **params})
    html = main(response)
    assert response.status_code == 400
    assert escape(reason) in html
    assert 'class="result"' not in html
    assert SearchEntry.objects.count() == before


def test_a_commune_id_given_as_a_province_is_refused(client, site_tree):
    commune = site_tree["a"]["commune"].pk
    response = client.get("/vi/search/", {"q": "dinh danh", "province": commune})
    assert response.status_code == 400


def test_a_huge_query_is_cut_and_the_visitor_told(client, site_tree):
    response = client.get("/vi/search/", {"q": "định danh " + "x" * 9_990})
    html = main(response)
    assert response.status_code == 200
    assert "only its beginning was used" in html or "chỉ phần đầu" in html
    assert 'class="result"' not in html


def test_the_suggestions_endpoint_answers_titles_starting_as_typed(rf: RequestFactory, catalogue):
    # when the search box asks for "che sh" (no marks) on the Vietnamese site
    with translation.override("vi"):
        response = search_suggest(rf.get("/vi/search/suggest/", {"q": "che sh"}))
        too_short = search_suggest(rf.get("/vi/search/suggest/", {"q": "c"}))
        hostile = search_suggest(rf.get("/vi/search/suggest/", {"q": "%' OR 1=1 --" * 1000}))
    # then the tea's title and address come back as JSON
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "suggestions": [
            {"text": "Chè Shan Tuyết", "kind": "product", "url": f"/vi/market/p/{catalogue['tea'].slug}/"}
        ]
    }
    assert json.loads(too_short.content) == {"suggestions": []}
    assert hostile.status_code == 200


def test_the_page_suggests_while_typing_through_its_own_script_and_endpoint(client, catalogue):
    # the search box names the suggestions endpoint and loads the script (a static file: no inline code)
    html = client.get("/vi/search/", {"q": "che"}).content.decode()
    assert 'list="search-suggestions" data-suggest-url="/vi/search/suggest/"' in html
    assert '<script src="/static/themes/search.js" defer></script>' in html
    # and the endpoint answers in the visitor's language, without diacritics typed
    answer = client.get("/vi/search/suggest/", {"q": "mat o"})
    assert answer.status_code == 200
    assert [item["text"] for item in answer.json()["suggestions"]] == ["Mật ong bạc hà"]
    assert client.get("/en/search/suggest/", {"q": "mat o"}).json() == {"suggestions": []}


# --- places: province, commune and village pages ---------------------------------------------------------


def place_keys(site_tree) -> dict[str, str]:
    """``{title: key}`` of the place entries in the index."""
    return dict(SearchEntry.objects.filter(kind="place").values_list("title", "key"))


@pytest.mark.parametrize("typed", ["Tả Van", "ta van"])
def test_searching_a_commune_finds_its_page_in_each_language(client, site_tree, typed):
    # when a visitor searches the commune's name, with or without the marks
    vietnamese = main(client.get("/vi/search/", {"q": typed}))
    with translation.override("en"):
        english = main(client.get("/en/search/", {"q": typed, "kind": "place"}))
    # then the commune page (and its village) are found in the visitor's language, the commune first
    assert result_titles(vietnamese)[:2] == ["Tả Van", "Thôn Tả Van"]
    assert result_titles(english) == ["Tả Van EN", "Thôn Tả Van EN"]
    commune = site_tree["a"]["commune"]
    assert f'<a href="{commune.url}">Tả Van</a>' in vietnamese
    # with the places' type in the facets, the commune and province they are in
    assert facet_links(english, "kind")["Places"] == "2"
    assert facet_links(english, "commune") == {"Tả Van EN": "2"}
    assert facet_links(english, "province") == {"Lào Cai": "2"}


def test_a_province_is_found_as_a_place_of_its_own(client, site_tree):
    html = main(client.get("/vi/search/", {"q": "lao cai", "kind": "place"}))

    # the province first; its communes and villages are in Lào Cai too, below it
    assert result_titles(html)[0] == "Lào Cai"
    assert sorted(result_titles(html)[1:]) == ["Bắc Hà", "Thôn Bắc Hà", "Thôn Tả Van", "Tả Van"]
    assert facet_links(html, "province") == {"Lào Cai": "5"}


def test_unpublishing_a_commune_takes_it_out_of_the_search_and_publishing_brings_it_back(client, site_tree):
    commune = site_tree["a"]["commune"]
    key = f"place:{commune.pk}"
    assert place_keys(site_tree)["Tả Van"] == key

    commune.unpublish()

    assert "Tả Van" not in place_keys(site_tree)
    assert "Tả Van" not in result_titles(main(client.get("/vi/search/", {"q": "ta van"})))
    assert "Tả Van EN" in place_keys(site_tree)  # the English page is a page of its own

    commune.refresh_from_db()
    factories.publish(commune.specific)

    assert place_keys(site_tree)["Tả Van"] == key
    assert result_titles(main(client.get("/vi/search/", {"q": "ta van"})))[0] == "Tả Van"


def test_the_search_page_answers_503_and_suggestions_none_while_the_search_cluster_is_down(
    client, site_tree, settings, monkeypatch
):
    from elasticsearch import ConnectionError as ClusterDown

    from core.search import elastic

    class Down:
        def __getattr__(self, name):
            raise ClusterDown("connection refused")

    settings.SEARCH_BACKEND = "elasticsearch"
    monkeypatch.setattr(elastic, "_client", Down())

    page = client.get("/en/search/?q=tea")
    assert page.status_code == 503 and page["Retry-After"]
    suggestions = client.get("/en/search/suggest/?q=tea")
    assert suggestions.status_code == 200 and suggestions.json() == {"suggestions": []}
    assert suggestions["Cache-Control"] == "no-store"


def test_a_page_made_private_leaves_the_search_with_the_pages_under_it_and_comes_back(
    client, site_tree, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    guide = site_tree["a"]["guide"]
    village = site_tree["a"]["village"]
    guide_key, village_key = f"guide:{guide.pk}", f"place:{village.pk}"
    indexed = set(SearchEntry.objects.values_list("key", flat=True))
    assert {guide_key, village_key} <= indexed

    def found() -> int:  # the other commune has a guide of the same title
        return result_titles(main(client.get("/vi/search/", {"q": guide.title}))).count(guide.title)

    assert found() == 2

    # the commune's guide index made private (a password): the guide under it goes too, the village stays
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=site_tree["a"]["guides"], restriction_type=PageViewRestriction.PASSWORD, password="làng"
        )
    keys = set(SearchEntry.objects.values_list("key", flat=True))
    assert guide_key not in keys and village_key in keys
    assert found() == 1

    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert guide_key in set(SearchEntry.objects.values_list("key", flat=True))
    assert found() == 2
