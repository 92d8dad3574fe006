"""The database search backend: words, ranking, filters, facets, suggestions, writing the index, the
event-driven updates and the rebuild command. Runs on SQLite and, with ``DATABASE_URL``, PostgreSQL."""

import sys
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone, translation

from core.models import SearchEntry
from core.search import indexing
from core.search.backends import BACKENDS, get_search_backend
from core.search.database import DatabaseSearchBackend
from core.search.documents import SearchQuery, parse_query

from .test_search_folding import (
    BAC_HA,
    DA_LAT,
    ITEMS,
    LAM_DONG,
    LAO_CAI,
    TA_VAN,
    document,
    index_corpus,
)


@pytest.fixture
def backend(db):
    search_backend = DatabaseSearchBackend()
    index_corpus(search_backend)
    return search_backend


def keys(results) -> list[str]:
    return [hit.key for hit in results.hits]


def search(backend, text="", **filters):
    return backend.search(SearchQuery(text=text, language=filters.pop("language", "vi"), **filters))


def facet(results, name) -> dict[str, int]:
    return {value.value: value.count for value in results.facets[name]}


# --- words -----------------------------------------------------------------------------------------------


def test_every_word_must_match_whole_except_the_last_which_may_be_a_beginning(backend):
    assert keys(search(backend, "mat ong bac ha")) == ["product:2"]
    assert keys(search(backend, "mat ong bac")) == ["product:2"]
    # "ong" is a whole word only when it is not the last one typed: "on" does not find "ong" in the middle
    assert keys(search(backend, "mat on bac")) == []
    assert keys(search(backend, "mat ong xyzzy")) == []


def test_a_huge_query_full_of_operators_is_cut_and_answered_not_refused(backend):
    # given a query of 10,000 characters: two words, then operators and SQL
    query = "chè shan " + "\" OR 1=1 -- ( ) * % _ ' AND NOT ~ ^" * 290
    query = (query + "x" * 10_000)[:10_000]
    assert len(query) == 10_000
    # when it is searched
    results = search(backend, query)
    # then only its beginning is used: the operators are dropped and the words still match nothing odd
    assert SearchQuery(text=query, language="vi").is_cut is True
    assert SearchQuery(text=query, language="vi").words[:2] == ["che", "shan"]
    assert all(hit.key.startswith(("product:", "service:")) for hit in results.hits)


@pytest.mark.parametrize("text", ["%", "%%%", "''='", "\\", "*", "()", "-", "   ", "+-&|!(){}[]^~*?:"])
def test_operators_alone_find_nothing_and_raise_nothing(backend, text):
    results = search(backend, text)
    # no words: no text filter; nothing is selected by an operator either (the whole corpus, unfiltered)
    assert results.total == len(ITEMS)


# --- ranking ---------------------------------------------------------------------------------------------


def test_title_hits_rank_above_text_hits(backend):
    # "chè shan tuyết" is the title of product 1 and only in the text of experience 5
    assert keys(search(backend, "che shan tuyet")) == ["product:1", "service:5"]


def test_boost_and_recency_order_equal_matches(db):
    backend = DatabaseSearchBackend()
    SearchEntry.objects.all().delete()
    now = timezone.now()
    row = ("product:100", "product", "Chè xanh", "", "", TA_VAN, "tea", None, 100_000, 400)
    backend.index(
        [
            document(row, now=now),
            document(("product:101", *row[1:-1], 3), now=now),
            document(("product:102", *row[1:-1], 400), now=now, boost=2.0),
        ]
    )
    # the boosted one first, then the recent one (a month) before the old one (over a year)
    assert keys(search(backend, "che xanh")) == ["product:102", "product:101", "product:100"]


# --- filters and facets -------------------------------------------------------------------------------


def test_filters_narrow_by_kind_place_category_stars_and_price(backend):
    assert keys(search(backend, "tho cam", kinds=("experience",))) == ["service:3"]
    assert set(keys(search(backend, "dac san", province_id=LAO_CAI))) == {
        "product:1",
        "product:4",
        "product:11",
        "guide:4",
    }
    assert keys(search(backend, "' OR ''='")) == []  # "or" is a word like any other: none has it
    assert set(keys(search(backend, "", commune_id=DA_LAT, kinds=("product",)))) == {
        "product:7",
        "product:12",
    }
    assert keys(search(backend, "", category="honey")) == ["product:2"]
    assert set(keys(search(backend, "", min_ocop_stars=4))) == {"product:1", "product:7"}
    assert set(keys(search(backend, "", kinds=("product",), min_price=100_000, max_price=200_000))) == {
        "product:6",
        "product:9",
        "product:10",
    }


def test_each_facet_counts_the_other_filters_but_not_its_own(backend):
    # when a visitor has chosen products in Lào Cai
    results = search(backend, "", kinds=("product",), province_id=LAO_CAI)
    # then the results are the Lào Cai products…
    assert set(keys(results)) == {f"product:{number}" for number in (1, 3, 4, 5, 6, 10, 11)}
    # …the type facet counts every kind in Lào Cai (not only products), so another type can be chosen
    assert facet(results, "kind") == {"product": 7, "stay": 1, "experience": 2, "tour": 1, "guide": 4,
                                      "news": 3, "event": 1, "notice": 1}  # fmt: skip
    # …the province facet counts products of every province
    assert facet(results, "province") == {str(LAO_CAI): 7, str(LAM_DONG): 2, "103": 2}
    # …and the others count what is shown
    assert facet(results, "commune") == {str(TA_VAN): 4, str(BAC_HA): 2, "205": 1}
    assert facet(results, "category") == {"tea": 1, "fruit": 1, "rice": 1, "spices": 1, "textiles": 1,
                                          "drinks": 1, "processed-food": 1}  # fmt: skip
    assert facet(results, "ocop_stars") == {"4": 1, "3": 4, "2": 4, "1": 4}
    assert facet(results, "price") == {"0-100000": 3, "100000-300000": 3, "300000-1000000": 1}


def test_facet_labels_are_the_place_names_and_category_labels_in_the_language(backend):
    with translation.override("en"):
        results = search(backend, "", kinds=("product",))
    labels = {name: {value.value: value.label for value in values} for name, values in results.facets.items()}
    assert labels["province"][str(LAO_CAI)] == "Lào Cai"
    assert labels["commune"][str(TA_VAN)] == "Tả Van"
    assert labels["kind"]["product"] == "Products"
    assert labels["category"]["tea"] == "Tea"


def test_paging_and_total(backend):
    first = search(backend, "", per_page=5, page=1)
    second = search(backend, "", per_page=5, page=2)
    beyond = search(backend, "", per_page=5, page=100)
    assert first.total == second.total == beyond.total == len(ITEMS)
    assert len(first.hits) == len(second.hits) == 5
    assert not set(keys(first)) & set(keys(second))
    assert beyond.hits == []


def test_the_search_runs_a_fixed_number_of_queries(backend, django_assert_num_queries):
    # the total with every facet in one statement, then the page, whatever the number of results
    with django_assert_num_queries(2):
        search(backend, "dac san", province_id=LAO_CAI)
    with django_assert_num_queries(2):
        search(backend, "")
    # without facets: the count and the page; nothing to page through: the count only
    with django_assert_num_queries(2):
        backend.search(SearchQuery(text="dac san", language="vi"), facets=False)
    with django_assert_num_queries(1):
        backend.search(SearchQuery(text="xyzzy", language="vi"), facets=False)


# --- suggestions ----------------------------------------------------------------------------------------


def test_suggestions_are_distinct_titles_with_a_word_starting_as_typed(backend):
    # titles starting so come first, then titles with a later word starting so
    assert [s.text for s in backend.suggest("Dâu", language="vi")] == ["Dâu tây Đà Lạt"]
    assert backend.suggest("da", language="vi")[0].text == "Dâu tây Đà Lạt"
    assert {s.text for s in backend.suggest("Đà la", language="vi")} == {
        "Dâu tây Đà Lạt",
        "Cà phê Arabica Đà Lạt",
        "Lễ hội đường phố Đà Lạt",
        "Nhà nghỉ đồi thông Đà Lạt",
    }
    assert [s.text for s in backend.suggest("chè sh", language="vi")] == ["Chè Shan Tuyết cổ thụ"]
    assert [s.url for s in backend.suggest("che sh", language="vi")] == ["/vi/product/1/"]
    assert [s.text for s in backend.suggest("an", language="en")] == ["Ancient Shan Tuyet tea"]


def test_suggestions_need_two_characters_and_respect_the_limit(backend):
    assert backend.suggest("d", language="vi") == []
    assert backend.suggest("%%", language="vi") == []
    assert backend.suggest("x" * 10_000, language="vi") == []
    assert len(backend.suggest("th", language="vi", limit=2)) == 2


def test_suggestions_list_a_title_once(db):
    backend = DatabaseSearchBackend()
    SearchEntry.objects.all().delete()
    row = ("product:1", "product", "Mật ong", "", "", TA_VAN, "honey", None, 1, 1)
    backend.index([document(row), document(("product:2", *row[1:])), document(("product:3", *row[1:]))])
    assert [s.text for s in backend.suggest("mat", language="vi")] == ["Mật ong"]


# --- writing --------------------------------------------------------------------------------------------


def test_indexing_a_key_replaces_all_its_languages_and_remove_drops_them(backend):
    # given the tea indexed in Vietnamese and English
    assert SearchEntry.objects.filter(key="product:1").count() == 2
    # when it is indexed again in Vietnamese only
    backend.index([document(ITEMS[0])])
    # then its English entry is gone
    assert list(SearchEntry.objects.filter(key="product:1").values_list("language", flat=True)) == ["vi"]
    # and removing it drops it
    assert backend.remove(["product:1"]) == 1
    assert not SearchEntry.objects.filter(key="product:1").exists()
    assert SearchEntry.objects.count() == len(ITEMS) - 1 + 1  # the English homestay stays


def test_the_folded_copies_are_padded_accent_free_words(backend):
    entry = SearchEntry.objects.get(key="product:2")
    assert entry.folded_title == " mat ong bac ha "
    assert entry.folded_text.startswith(
        " mat ong bac ha 420 000 lit ho sung thi mai mat ong hoa bac ha dong van "
    )
    assert entry.folded_text.endswith(" dong van tuyen quang ")


# --- choosing the backend -----------------------------------------------------------------------------


def test_the_database_backend_is_the_default_and_elasticsearch_is_imported_only_when_chosen(
    settings, monkeypatch
):
    settings.SEARCH_BACKEND = "database"
    # forgotten for this test only: other tests hold the module object and patch its client
    monkeypatch.delitem(sys.modules, "core.search.elastic", raising=False)
    assert isinstance(get_search_backend(), DatabaseSearchBackend)
    assert "core.search.elastic" not in sys.modules
    assert BACKENDS["elasticsearch"] == "core.search.elastic.ElasticsearchSearchBackend"


def test_an_unknown_backend_is_refused(settings):
    settings.SEARCH_BACKEND = "solr"
    with pytest.raises(ValueError, match="SEARCH_BACKEND must be one of"):
        get_search_backend()


# --- parsing a visitor's filters ----------------------------------------------------------------------


def parse(query_string: str, **kwargs):
    return parse_query(
        QueryDict(query_string),
        language="vi",
        known_kinds=["guide", "product", "stay"],
        known_categories=["tea", "honey"],
        **kwargs,
    )


def test_valid_filters_become_a_query():
    query = parse("q=ch%C3%A8&kind=product&kind=stay&province=4&ocop=3&price=100000-300000&page=2")
    assert query == SearchQuery(
        text="chè", language="vi", kinds=("product", "stay"), province_id=4, min_ocop_stars=3,
        min_price=100_000, max_price=300_000, page=2,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("query_string", "field"),
    [
        ("kind=spaceship", "kind"),
        ("province=abc", "province"),
        ("province=-1", "province"),
        ("commune=1e9", "commune"),
        ("category=plutonium", "category"),
        ("ocop=6", "ocop"),
        ("ocop=0", "ocop"),
        ("price=1-2", "price"),
        ("min_price=500&max_price=100", "max_price"),
        ("page=0", "page"),
        ("page=abc", "page"),
    ],
)
def test_filter_values_that_do_not_exist_are_refused_with_the_field(query_string, field):
    with pytest.raises(ValidationError) as refused:
        parse(query_string)
    assert list(refused.value.message_dict) == [field]


def test_places_that_do_not_exist_are_refused():
    with pytest.raises(ValidationError) as refused:
        parse("province=4&commune=9", province_exists=lambda pk: pk == 4, commune_exists=lambda pk: False)
    assert list(refused.value.message_dict) == ["commune"]


# --- kept current from domain events, and rebuilt --------------------------------------------------------


@pytest.fixture
def listed_tea(site_tree):
    from accounts.models import Role
    from market import services
    from tests import factories
    from tests.market.conftest import make_producer

    owner = factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    producer = make_producer(owner, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van")
    product = services.create_product(
        producer=producer, actor=owner, name_vi="Chè Shan Tuyết", price=350_000, stock=20,
        category="tea", unit="kg", description_vi="Chè ngon.",
    )  # fmt: skip
    moderator = factories.make_member("mod@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)
    return product, moderator


def test_a_product_enters_the_index_when_approved_and_leaves_it_when_deleted(listed_tea):
    from market import services

    product, moderator = listed_tea
    key = f"product:{product.pk}"
    # a listing waiting for approval is not searchable
    assert not SearchEntry.objects.filter(key=key).exists()
    # when the moderator approves it
    services.review_listing(product=product, moderator=moderator, approve=True)
    # then it is indexed in Vietnamese with its place, category and price
    entry = SearchEntry.objects.get(key=key)
    assert (entry.language, entry.kind, entry.title, entry.category, entry.price) == (
        "vi", "product", "Chè Shan Tuyết", "tea", 350_000
    )  # fmt: skip
    assert entry.summary == "350.000 ₫ / kg · Hợp tác xã chè Tả Van"
    assert entry.url == f"/vi/market/p/{product.slug}/"
    assert (entry.commune_name, entry.province_name) == ("Tả Van", "Lào Cai")
    # when its producer renames it in English too, an English entry joins
    services.update_product(product=product, actor=product.producer.owner, name_en="Shan Tuyet tea")
    product.refresh_from_db()
    if product.review_status == "approved":
        assert set(SearchEntry.objects.filter(key=key).values_list("language", flat=True)) == {"vi", "en"}
    else:  # a change of words goes back to the moderator: no longer public, no longer searchable
        assert not SearchEntry.objects.filter(key=key).exists()
        services.review_listing(product=product, moderator=moderator, approve=True)
        assert set(SearchEntry.objects.filter(key=key).values_list("language", flat=True)) == {"vi", "en"}
    # when it is deleted, it leaves the index
    services.delete_product(product=product, actor=product.producer.owner)
    assert not SearchEntry.objects.filter(key=key).exists()


def test_a_refused_change_leaves_the_index_as_it_was(listed_tea):
    from django.db import transaction

    from market import services

    product, moderator = listed_tea
    before = list(SearchEntry.objects.order_by("pk").values_list("key", "language", "title"))

    class Refused(Exception):
        pass

    # when the approval's transaction is rolled back
    with pytest.raises(Refused), transaction.atomic():
        services.review_listing(product=product, moderator=moderator, approve=True)
        raise Refused
    # then the index is unchanged
    assert list(SearchEntry.objects.order_by("pk").values_list("key", "language", "title")) == before


def test_the_index_is_refreshed_after_the_commit(listed_tea, django_capture_on_commit_callbacks):
    from market import services

    product, moderator = listed_tea
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.review_listing(product=product, moderator=moderator, approve=True)
    # a refresh waits for the commit (the only path of a non-transactional backend)
    assert len(callbacks) >= 1
    SearchEntry.objects.filter(key=f"product:{product.pk}").delete()
    for callback in callbacks:
        callback()
    assert SearchEntry.objects.filter(key=f"product:{product.pk}").exists()


def test_publishing_and_unpublishing_a_guide_updates_the_index(site_tree):
    guide = site_tree["a"]["guide"].specific
    key = f"guide:{guide.pk}"
    assert (
        SearchEntry.objects.filter(key=key, language="vi").values_list("title", flat=True).get()
        == guide.title
    )
    guide.unpublish()
    assert not SearchEntry.objects.filter(key=key).exists()
    guide.title = "Kích hoạt VNeID"
    guide.save_revision().publish()
    assert SearchEntry.objects.get(key=key).title == "Kích hoạt VNeID"


def test_the_rebuild_command_indexes_every_source_with_progress(site_tree):
    # given an index that lost its entries
    expected = SearchEntry.objects.count()
    assert expected > 0
    SearchEntry.objects.all().delete()
    out = StringIO()
    # when it is rebuilt
    call_command("rebuild_search_index", stdout=out)
    # then every source is read, with a line each, and the entries are back
    lines = out.getvalue().splitlines()
    assert lines[0] == "Rebuilding the database search index…"
    for kind in ("guide", "news", "event", "notice", "product", "service"):
        assert any(line.startswith(f"{kind}: ") for line in lines)
    assert lines[-1].startswith(f"Indexed {expected} entries in ")
    assert SearchEntry.objects.count() == expected


def test_the_keys_an_event_touches(site_tree):
    from core.models import Event

    assert indexing.keys_for_event(Event(name="village.guide.published", subject_id="12")) == ["guide:12"]
    assert indexing.keys_for_event(Event(name="market.product.updated", subject_id="3")) == ["product:3"]
    assert indexing.keys_for_event(Event(name="tourism.service.approved", subject_id="5")) == ["service:5"]
    assert indexing.keys_for_event(Event(name="market.order.paid", subject_id="5")) == []
    assert indexing.keys_for_event(Event(name="village.commune.workspace_created", subject_id="5")) == []


def test_browsing_facets_are_cached_until_the_index_changes(backend, django_assert_num_queries):
    # given a visitor browsing products by filters alone (every entry is read for the facets)
    first = search(backend, "", kinds=("product",))
    # when the same browsing is asked again, only the page is read
    with django_assert_num_queries(1):
        again = search(backend, "", kinds=("product",))
    assert again.facets == first.facets
    # and when the index changes, the facets are counted afresh
    backend.remove(["product:2"])
    after = search(backend, "", kinds=("product",))
    assert after.total == first.total - 1
    assert facet(after, "kind")["product"] == facet(first, "kind")["product"] - 1
