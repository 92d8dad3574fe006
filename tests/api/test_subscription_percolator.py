"""Partner subscriptions as Elasticsearch percolator queries: the index, the exact stored queries, the
same answers as :func:`api.matching.subscription_matches` for every filter, and a new item finding its
subscriptions through one percolation — against the fake server, and a live one when ``ELASTICSEARCH_URL``
is set."""

import os
import uuid
from itertools import product

import pytest
from django.test import override_settings
from elasticsearch import Elasticsearch

from api import matching_elastic
from api.matching import MatchableItem, subscription_matches
from api.models import PartnerStatus, Subscription
from api.webhooks import matching_subscription_ids
from tests.api.test_matching import GUIDE_EN, TEA, subscription
from tests.core.test_search_elastic import FakeServer, evaluate, fake_client

HONEY_EN = MatchableItem.build(
    kind="product",
    commune_id=112,
    province_id=4,
    categories=["honey"],
    languages=["vi", "en"],
    ocop_stars=3,
    texts=["Mật ong bạc hà", "Mint honey", "honey"],
)
PLACELESS = MatchableItem.build(kind="news", languages=["vi"], texts=["Tin trâu"])
ITEMS = {"tea": TEA, "guide": GUIDE_EN, "honey": HONEY_EN, "placeless": PLACELESS}

FILTERS = [
    {},
    {"content_types": ["product"]},
    {"content_types": ["guide", "stay"]},
    {"languages": ["vi", "en"]},
    {"languages": ["en"]},
    {"categories": ["honey", "tea"]},
    {"categories": ["honey"]},
    {"minimum_ocop_stars": 4},
    {"minimum_ocop_stars": 5},
    {"minimum_ocop_stars": 1},
    {"communes": [12]},
    {"communes": [1, 112]},
    {"provinces": [3]},
    {"provinces": [4]},
    {"communes": [99], "provinces": [3]},
    {"communes": [99], "provinces": [4]},
    {"keywords": "tra"},
    {"keywords": "TRÀ BÚP"},
    {"keywords": "che shan"},
    {"keywords": "shan, mật ong"},
    {"keywords": "mat ong"},
    {"keywords": "tr"},
    {"keywords": "che mat"},
    {"keywords": " , ;"},
    {"keywords": "trau"},
    {"content_types": ["product"], "languages": ["en"], "provinces": [4], "keywords": "honey"},
    {"categories": ["tea"], "minimum_ocop_stars": 3, "communes": [12], "keywords": "búp, hoa"},
]


@pytest.fixture
def server():
    return FakeServer()


@pytest.fixture
def client(server):
    return fake_client(server)


def test_the_percolator_index_maps_the_query_and_the_item_fields():
    body = matching_elastic.subscriptions_index("svp-subscriptions-1").to_dict()

    assert body["settings"] == {"number_of_shards": 1}
    assert body["mappings"] == {
        "dynamic": "strict",
        "properties": {
            "query": {"type": "percolator"},
            "subscription_id": {"type": "integer"},
            "kind": {"type": "keyword"},
            "commune_id": {"type": "integer"},
            "province_id": {"type": "integer"},
            "categories": {"type": "keyword"},
            "languages": {"type": "keyword"},
            "ocop_stars": {"type": "integer"},
            "words": {"type": "keyword"},
        },
    }


def test_an_item_is_percolated_as_its_folded_facts():
    assert matching_elastic.item_document(HONEY_EN) == {
        "kind": "product",
        "commune_id": 112,
        "province_id": 4,
        "categories": ["honey"],
        "languages": ["en", "vi"],
        "ocop_stars": 3,
        "words": ["bac", "ha", "honey", "mat", "mint", "ong"],
    }
    assert matching_elastic.item_document(PLACELESS) == {
        "kind": "news",
        "languages": ["vi"],
        "words": ["tin", "trau"],
    }


def test_an_empty_subscription_is_stored_as_match_all():
    assert matching_elastic.subscription_query(subscription()) == {"match_all": {}}
    assert matching_elastic.subscription_query(subscription(keywords=" , ;")) == {"match_all": {}}


def test_every_filter_becomes_one_exact_clause():
    stored = subscription(
        content_types=["stay", "product"], languages=["vi"], communes=[12, 7], provinces=[3],
        categories=["tea"], minimum_ocop_stars=3, keywords="Trà Shan, mật ong",
    )  # fmt: skip

    assert matching_elastic.subscription_query(stored) == {
        "bool": {
            "filter": [
                {"terms": {"kind": ["product", "stay"]}},
                {"terms": {"languages": ["vi"]}},
                {
                    "bool": {
                        "should": [{"terms": {"commune_id": [7, 12]}}, {"terms": {"province_id": [3]}}],
                        "minimum_should_match": 1,
                    }
                },
                {"terms": {"categories": ["tea"]}},
                {"range": {"ocop_stars": {"gte": 3}}},
                {
                    "bool": {
                        "should": [
                            {"bool": {"filter": [{"term": {"words": "shan"}}, {"term": {"words": "tra"}}]}},
                            {"bool": {"filter": [{"term": {"words": "mat"}}, {"term": {"words": "ong"}}]}},
                        ],
                        "minimum_should_match": 1,
                    }
                },
            ]
        }
    }


def test_a_provinces_only_place_filter_has_one_alternative():
    assert matching_elastic.subscription_query(subscription(provinces=[3])) == {
        "bool": {
            "filter": [{"bool": {"should": [{"terms": {"province_id": [3]}}], "minimum_should_match": 1}}]
        }
    }


@pytest.mark.parametrize(("filters", "item_name"), list(product(range(len(FILTERS)), ITEMS)))
def test_the_stored_query_agrees_with_the_python_rule(filters, item_name):
    stored = subscription(**FILTERS[filters])
    item = ITEMS[item_name]

    stored_answer = evaluate(
        matching_elastic.subscription_query(stored), matching_elastic.item_document(item)
    )

    assert stored_answer is subscription_matches(stored, item)


def _make(partner, name, **filters) -> Subscription:
    return Subscription.objects.create(
        partner=partner, name=name, endpoint_url="https://hooks.example/", secret="whsec_x", **filters
    )


@pytest.fixture
def stored_subscriptions(partner):
    made = [_make(partner, f"s{number}", **filters) for number, filters in enumerate(FILTERS)]
    _make(partner, "paused", is_active=False)
    return made


@pytest.mark.django_db
def test_a_new_item_finds_the_same_subscriptions_as_the_database_scan(server, client, stored_subscriptions):
    for stored in Subscription.objects.all():
        matching_elastic.index_subscription(stored, client=client)

    for item in ITEMS.values():
        assert matching_elastic.percolate_subscriptions(item, client=client) == sorted(
            matching_subscription_ids(item)
        )
    assert server.requests[-1][2]["query"] == {
        "bool": {
            "filter": [
                {"percolate": {"field": "query", "document": matching_elastic.item_document(PLACELESS)}}
            ]
        }
    }


@pytest.mark.django_db
def test_paused_subscriptions_and_unapproved_partners_are_not_returned(server, client, partner):
    everything = _make(partner, "everything")
    paused = _make(partner, "paused", is_active=False)
    for stored in (everything, paused):
        matching_elastic.index_subscription(stored, client=client)

    assert matching_elastic.percolate_subscriptions(TEA, client=client) == [everything.pk]
    partner.status = PartnerStatus.SUSPENDED
    partner.save(update_fields=["status"])
    assert matching_elastic.percolate_subscriptions(TEA, client=client) == []


@pytest.mark.django_db
def test_removing_a_subscription_removes_its_stored_query(server, client, partner):
    stored = _make(partner, "tea", categories=["tea"])
    matching_elastic.index_subscription(stored, client=client)

    matching_elastic.remove_subscription(stored.pk, client=client)
    matching_elastic.remove_subscription(stored.pk, client=client)  # twice: not an error

    assert matching_elastic.percolate_subscriptions(TEA, client=client) == []
    (index,) = server.aliases_of("svp-subscriptions")
    assert server.indices[index]["docs"] == {}


@pytest.mark.django_db
def test_rebuild_stores_every_listening_subscription_and_swaps_the_alias(
    server, client, stored_subscriptions
):
    lines: list[str] = []

    loaded = matching_elastic.rebuild_subscriptions(client=client, progress=lines.append)

    (index,) = server.aliases_of("svp-subscriptions")
    assert loaded == len(FILTERS)
    docs = server.indices[index]["docs"]
    assert sorted(map(int, docs)) == sorted(item.pk for item in stored_subscriptions)
    first = stored_subscriptions[1]
    assert docs[str(first.pk)] == {
        "query": {"bool": {"filter": [{"terms": {"kind": ["product"]}}]}},
        "subscription_id": first.pk,
    }
    loaded_at = lines.index(f"{len(FILTERS)} documents loaded into {index}")
    assert lines[loaded_at + 1] == f"alias svp-subscriptions → {index}"


# --- against a live server --------------------------------------------------------------------------------

LIVE_URL = os.environ.get("ELASTICSEARCH_URL", "")
live = pytest.mark.skipif(
    not LIVE_URL,
    reason="no live Elasticsearch: set ELASTICSEARCH_URL to run the subscription percolator against a "
    "real server",
)


@live
@pytest.mark.django_db
def test_live_percolation_agrees_with_the_database_scan(stored_subscriptions):
    prefix = f"svp-test-{uuid.uuid4().hex[:8]}"
    client = Elasticsearch(LIVE_URL, request_timeout=10)
    try:
        with override_settings(ELASTICSEARCH_INDEX_PREFIX=prefix):
            assert matching_elastic.rebuild_subscriptions(client=client) == len(FILTERS)
            for item in ITEMS.values():
                assert matching_elastic.percolate_subscriptions(item, client=client) == sorted(
                    matching_subscription_ids(item)
                )
    finally:
        client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)


# --- wiring: the elasticsearch backend percolates, keeps stored queries current, falls back to the scan


@pytest.fixture
def elastic_backend(settings, monkeypatch, client):
    settings.SEARCH_BACKEND = "elasticsearch"
    monkeypatch.setattr("core.search.elastic._client", client)
    return client


@pytest.mark.django_db
def test_subscription_changes_follow_into_the_percolator_after_commit(
    server, elastic_backend, partner, settings, django_capture_on_commit_callbacks
):
    from api.services import subscriptions as subscription_services

    settings.API_WEBHOOK_ALLOW_PRIVATE = True  # a local endpoint address, no DNS
    with django_capture_on_commit_callbacks(execute=True):
        tea = subscription_services.create_subscription(
            partner=partner, actor=None, endpoint_url="http://127.0.0.1/tea", categories=["tea"]
        )
    (index,) = server.aliases_of("svp-subscriptions")
    assert set(server.indices[index]["docs"]) == {str(tea.pk)}

    with django_capture_on_commit_callbacks(execute=True):
        subscription_services.update_subscription(subscription=tea, actor=None, categories=["honey"])
    assert matching_subscription_ids(TEA) == []
    assert matching_subscription_ids(HONEY_EN) == [tea.pk]
    assert "percolate" in str(server.requests[-1][2])

    with django_capture_on_commit_callbacks(execute=True):
        subscription_services.delete_subscription(subscription=tea, actor=None)
    assert server.indices[index]["docs"] == {}


@pytest.mark.django_db
def test_a_cluster_that_is_down_leaves_matching_to_the_database_scan(
    settings, monkeypatch, partner, django_capture_on_commit_callbacks
):
    settings.SEARCH_BACKEND = "elasticsearch"
    down = Elasticsearch("http://127.0.0.1:9", max_retries=0, request_timeout=1)
    monkeypatch.setattr("core.search.elastic._client", down)
    tea = _make(partner, "tea", categories=["tea"])
    _make(partner, "honey", categories=["honey"])

    with django_capture_on_commit_callbacks(execute=True):  # the stored query cannot be written: logged
        matching_elastic.on_subscription_event(
            type("Event", (), {"name": "api.subscription.updated", "payload": {"subscription": tea.pk}})()
        )

    assert matching_subscription_ids(TEA) == [tea.pk]


@pytest.mark.django_db
def test_the_database_backend_never_calls_the_cluster(settings, monkeypatch, partner):
    settings.SEARCH_BACKEND = "database"
    monkeypatch.setattr("core.search.elastic._client", None)
    monkeypatch.setattr(
        "core.search.elastic.get_client", lambda: (_ for _ in ()).throw(AssertionError("no cluster"))
    )
    tea = _make(partner, "tea", categories=["tea"])

    matching_elastic.on_subscription_event(
        type("Event", (), {"name": "api.subscription.updated", "payload": {"subscription": tea.pk}})()
    )
    assert matching_subscription_ids(TEA) == [tea.pk]


@pytest.mark.django_db
def test_suspending_and_reinstating_a_partner_takes_its_stored_queries_out_and_back(
    server, elastic_backend, partner, django_capture_on_commit_callbacks
):
    from api.services import partners as partner_services
    from tests import factories

    admin = factories.make_user("admin@example.org", is_staff=True, is_superuser=True)
    tea = _make(partner, "tea", categories=["tea"])
    matching_elastic.sync_subscription(tea.pk)
    (index,) = server.aliases_of("svp-subscriptions")

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.suspend_partner(partner=partner, reviewer=admin, reason="unpaid")
    assert server.indices[index]["docs"] == {}
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.reinstate_partner(partner=partner, reviewer=admin)
    assert set(server.indices[index]["docs"]) == {str(tea.pk)}
    assert matching_subscription_ids(TEA) == [tea.pk]


def test_the_daily_subscriptions_rebuild_is_scheduled_only_with_the_elasticsearch_backend():
    from core.registries import periodic_jobs

    assert "api.rebuild-subscriptions" not in periodic_jobs  # the test settings use the database
