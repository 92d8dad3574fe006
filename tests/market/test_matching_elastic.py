"""Demand ↔ supply matching on Elasticsearch: the products and demand-percolator indices, the exact stored
demand queries and candidate search bodies, a new listing finding the open demands that want it, and the
rebuilds behind an alias — against the fake server, and a live one when ``ELASTICSEARCH_URL`` is set."""

import os
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.utils import timezone
from elasticsearch import Elasticsearch

from core.search_analysis import VIETNAMESE_ANALYSIS
from market import matching_elastic
from market.matching import demands_for_product
from market.models import BuyerDemand, Category, CertificationKind, DemandStatus, Product, ReviewStatus, Unit
from market.services import shop
from tests.core.test_search_elastic import FakeServer, evaluate, fake_client
from tests.market.conftest import make_product

TODAY = date(2026, 12, 7)
PRODUCT_FIELDS = {
    "product_id": {"type": "integer"},
    "producer_id": {"type": "integer"},
    "owner_id": {"type": "integer"},
    "listed": {"type": "boolean"},
    "category": {"type": "keyword"},
    "unit": {"type": "keyword"},
    "price": {"type": "long"},
    "stock": {"type": "integer"},
    "ocop_stars": {"type": "integer"},
    "certifications": {"type": "keyword"},
    "harvest_months": {"type": "integer"},
    "location": {"type": "geo_point"},
    "title": {"type": "text", "analyzer": "vietnamese"},
    "text": {"type": "text", "analyzer": "vietnamese"},
    "words": {"type": "keyword"},
    "updated_at": {"type": "date"},
}


def demand(**fields) -> SimpleNamespace:
    """A demand's matching facts without a database (the query builders read only these)."""
    values = {
        "pk": 1, "buyer_id": 9, "title": "Chè Shan Tuyết 500 kg", "keywords": "", "category": "",
        "unit": Unit.KILOGRAM, "quantity": 500, "max_unit_price": None, "minimum_ocop_stars": None,
        "required_certifications": [], "delivery_province": "Hà Nội", "delivery_latitude": None,
        "delivery_longitude": None, "needed_by": date(2027, 1, 15), "status": DemandStatus.OPEN,
    }  # fmt: skip
    values.update(fields)
    return SimpleNamespace(**values)


@pytest.fixture
def server():
    return FakeServer()


@pytest.fixture
def client(server):
    return fake_client(server)


# --- the indices ----------------------------------------------------------------------------------------


def test_the_products_index_maps_the_matching_fields_with_the_vietnamese_analyzer():
    body = matching_elastic.products_index("svp-products-1").to_dict()

    assert (
        body["settings"]["analysis"]["analyzer"]["vietnamese"]
        == VIETNAMESE_ANALYSIS["analyzer"]["vietnamese"]
    )
    assert body["mappings"] == {"dynamic": "strict", "properties": PRODUCT_FIELDS}


def test_the_demands_index_is_a_percolator_over_the_same_product_fields():
    body = matching_elastic.demands_index("svp-demands-1").to_dict()

    assert body["mappings"] == {
        "dynamic": "strict",
        "properties": {
            "query": {"type": "percolator"},
            "demand_id": {"type": "integer"},
            "needed_by": {"type": "date"},
            **PRODUCT_FIELDS,
        },
    }


# --- stored demand queries ----------------------------------------------------------------------------------


SUPPLY = {  # stock now, or a harvest in December or January (today → the needed-by date)
    "bool": {
        "should": [{"range": {"stock": {"gt": 0}}}, {"terms": {"harvest_months": [1, 12]}}],
        "minimum_should_match": 1,
    }
}
TEA_WORDS = ["500", "che", "kg", "shan", "tra", "tuyet"]  # chè brings trà, its synonym


def _any_word(words) -> dict:
    return {"bool": {"should": [{"term": {"words": word}} for word in words], "minimum_should_match": 1}}


def test_a_stored_demand_query_holds_the_scorers_hard_filters_and_a_word():
    assert matching_elastic.demand_query(demand(category=Category.TEA), today=TODAY) == {
        "bool": {
            "filter": [
                {"term": {"listed": True}},
                {"terms": {"unit": ["g", "kg"]}},
                {"term": {"category": "tea"}},
                SUPPLY,
                _any_word(TEA_WORDS),
            ],
            "must_not": [{"term": {"owner_id": 9}}],
        }
    }


def test_filler_words_are_left_out_unless_nothing_else_is_left():
    assert matching_elastic.demand_words(demand(title="Cần mua mật ong cho nhà hàng")) == [
        "mat",
        "nha",
        "ong",
    ]
    assert matching_elastic.demand_words(demand(title="Cần mua")) == ["can", "mua"]


def test_stars_and_every_required_certification_are_filters():
    query = matching_elastic.demand_query(
        demand(
            category=Category.HONEY,
            unit=Unit.LITRE,
            minimum_ocop_stars=3,
            required_certifications=[CertificationKind.VIETGAP, CertificationKind.ORGANIC],
        ),
        today=TODAY,
    )

    assert query["bool"]["filter"][:6] == [
        {"term": {"listed": True}},
        {"terms": {"unit": ["l", "ml"]}},
        {"term": {"category": "honey"}},
        {"term": {"certifications": "organic"}},
        {"term": {"certifications": "vietgap"}},
        {"range": {"ocop_stars": {"gte": 3}}},
    ]


LISTING = {
    "listed": True, "owner_id": 5, "category": "tea", "unit": "kg", "stock": 20, "harvest_months": [3, 4],
    "ocop_stars": 4, "certifications": ["vietgap"], "words": ["che", "co", "shan", "thu", "tuyet"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "listing", "wanted"),
    [
        ({"category": "tea"}, {}, True),
        ({"category": "honey"}, {}, False),
        ({"category": "tea"}, {"unit": "g"}, True),
        ({"category": "tea"}, {"unit": "box"}, False),  # kg cannot become boxes
        ({"category": "tea"}, {"listed": False}, False),
        ({"category": "tea", "buyer_id": 5}, {}, False),  # the buyer's own listing
        ({"category": "tea"}, {"stock": 0}, False),  # nothing now, no harvest before the date
        ({"category": "tea"}, {"stock": 0, "harvest_months": [12]}, True),  # harvested in time
        ({"category": "tea", "minimum_ocop_stars": 4}, {}, True),
        ({"category": "tea", "minimum_ocop_stars": 5}, {}, False),
        ({"category": "tea", "minimum_ocop_stars": 1}, {"ocop_stars": None}, False),
        ({"category": "tea", "required_certifications": ["vietgap"]}, {}, True),
        ({"category": "tea", "required_certifications": ["vietgap", "organic"]}, {}, False),
        ({"category": "tea", "title": "Ô long Mộc Châu"}, {}, False),  # no shared word
        ({"title": "Trà cổ thụ"}, {}, True),  # trà stands in for chè
        ({"title": "Mật ong rừng 20 kg"}, {}, False),
    ],
)
def test_a_stored_demand_query_wants_what_the_scorer_would_fit(fields, listing, wanted):
    document = {**LISTING, **listing}
    document = {name: value for name, value in document.items() if value is not None}

    assert evaluate(matching_elastic.demand_query(demand(**fields), today=TODAY), document) is wanted


# --- candidate search ---------------------------------------------------------------------------------------


def test_the_candidate_search_filters_boosts_words_and_scores_fit_and_distance():
    wanted = demand(
        category=Category.TEA, keywords="cổ thụ", max_unit_price=400_000, required_certifications=["vietgap"],
        delivery_latitude=21.028, delivery_longitude=105.854,
    )  # fmt: skip
    words = ["500", "che", "co", "kg", "shan", "thu", "tra", "tuyet"]

    body = matching_elastic.candidate_search_body(wanted, limit=30, today=TODAY)

    def unit_and(unit: str, condition: dict) -> dict:
        return {"bool": {"filter": [{"term": {"unit": unit}}, condition]}}

    assert body == {
        "query": {
            "function_score": {
                "query": {
                    "bool": {
                        "filter": [
                            {"term": {"listed": True}},
                            {"terms": {"unit": ["g", "kg"]}},
                            {"term": {"category": "tea"}},
                            {"term": {"certifications": "vietgap"}},
                            SUPPLY,
                        ],
                        "must_not": [{"term": {"owner_id": 9}}],
                        "should": [
                            {"terms": {"words": words}},
                            {"multi_match": {"query": " ".join(words), "fields": ["title^2", "text"]}},
                        ],
                        "minimum_should_match": 0,
                    }
                },
                "functions": [
                    {
                        "filter": {
                            "bool": {
                                "should": [
                                    unit_and("g", {"range": {"price": {"lte": 400}}}),
                                    unit_and("kg", {"range": {"price": {"lte": 400_000}}}),
                                ],
                                "minimum_should_match": 1,
                            }
                        },
                        "weight": 2.0,
                    },
                    {
                        "filter": {
                            "bool": {
                                "should": [
                                    unit_and("g", {"range": {"stock": {"gte": 500_000}}}),
                                    unit_and("kg", {"range": {"stock": {"gte": 500}}}),
                                ],
                                "minimum_should_match": 1,
                            }
                        },
                        "weight": 1.5,
                    },
                    {
                        "field_value_factor": {"field": "ocop_stars", "modifier": "log1p", "missing": 0},
                        "weight": 0.5,
                    },
                    {
                        "gauss": {
                            "location": {
                                "origin": {"lat": 21.028, "lon": 105.854},
                                "offset": "50km",
                                "scale": "300km",
                            }
                        },
                        "weight": 2.0,
                    },
                ],
                "score_mode": "sum",
                "boost_mode": "sum",
            }
        },
        "_source": ["product_id"],
        "sort": ["_score", {"product_id": "asc"}],
        "size": 30,
    }


def test_without_a_category_a_word_must_match_and_distance_starts_at_the_province_seat():
    body = matching_elastic.candidate_search_body(demand(max_unit_price=None), limit=5, today=TODAY)

    query = body["query"]["function_score"]
    assert query["query"]["bool"]["minimum_should_match"] == 1
    assert query["functions"][-1]["gauss"]["location"]["origin"] == {"lat": 21.0285, "lon": 105.8542}
    assert [function.get("weight") for function in query["functions"]] == [1.5, 0.5, 2.0]  # no price given


def test_candidate_ids_come_back_in_the_servers_order(server, client):
    server.indices["svp-products-1"] = {"aliases": {"svp-products"}, "docs": {}, "body": {}}
    server.search_response = {
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "hits": [{"_source": {"product_id": 7}}, {"_source": {"product_id": 3}}],
        }
    }
    wanted = demand(category=Category.TEA)

    assert matching_elastic.candidate_product_ids(wanted, 10, client=client) == [7, 3]
    assert server.requests[-1] == (
        "POST",
        "/svp-products/_search",
        matching_elastic.candidate_search_body(wanted, limit=10),
    )
    assert matching_elastic.candidate_product_ids(demand(title="!!!"), 10, client=client) == []
    assert len(server.requests) == 1  # nothing to look for: no request


# --- with the database: documents, percolation, rebuilds -----------------------------------------------


@pytest.fixture
def rated_tea(tea, producer_a):
    shop.set_ocop_rating(
        product=tea, actor=producer_a.owner, stars=4, certificate_number="OCOP-LC-2025-01",
        issued_on=timezone.localdate() - timedelta(days=100), issuing_province="Lào Cai",
    )  # fmt: skip
    shop.add_certification(product=tea, actor=producer_a.owner, kind=CertificationKind.VIETGAP)
    shop.add_certification(
        product=tea, actor=producer_a.owner, kind=CertificationKind.ORGANIC,
        valid_until=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    Product.objects.filter(pk=tea.pk).update(harvest_months=[9, 3, 4])
    return matching_elastic.products_for_indexing().get(pk=tea.pk)


@pytest.mark.django_db
def test_a_product_document_holds_current_ratings_the_commune_point_and_folded_words(rated_tea):
    document = matching_elastic.product_document(rated_tea)

    assert document == {
        "product_id": rated_tea.pk,
        "producer_id": rated_tea.producer_id,
        "owner_id": rated_tea.producer.owner_id,
        "listed": True,
        "category": "tea",
        "unit": "kg",
        "price": 350_000,
        "stock": 20,
        "ocop_stars": 4,
        "certifications": ["vietgap"],  # the organic certificate has expired
        "harvest_months": [3, 4, 9],
        "title": "Chè Shan Tuyết",
        "text": "Chè Shan Tuyết ngon. Chè Tea",
        "words": ["che", "ngon", "shan", "tea", "tuyet"],
        "updated_at": rated_tea.updated_at.isoformat(),
        "location": {"lat": 22.3, "lon": 103.9},
    }


def _demand(buyer, title: str, **fields) -> BuyerDemand:
    values = {
        "quantity": 100, "unit": Unit.KILOGRAM, "delivery_province": "Hà Nội",
        "needed_by": timezone.localdate() + timedelta(days=30),
    }  # fmt: skip
    values.update(fields)
    return BuyerDemand.objects.create(buyer=buyer, title=title, **values)


@pytest.fixture
def demands(buyer):
    return {
        "tea": _demand(buyer, "Chè cho nhà hàng", category=Category.TEA),
        "shan": _demand(buyer, "Shan Tuyết loại 1"),
        "grams": _demand(buyer, "Trà túi lọc", category=Category.TEA, unit=Unit.GRAM),
        "five_stars": _demand(buyer, "Chè OCOP 5 sao", category=Category.TEA, minimum_ocop_stars=5),
        "boxes": _demand(buyer, "Hộp quà chè", category=Category.TEA, unit=Unit.BOX),
        "honey": _demand(buyer, "Mật ong", category=Category.HONEY),
        "closed": _demand(buyer, "Chè đã mua xong", category=Category.TEA, status=DemandStatus.CLOSED),
    }


@pytest.mark.django_db
def test_a_new_listing_finds_the_open_demands_that_want_it(server, client, rated_tea, demands):
    for stored in demands.values():
        matching_elastic.index_demand(stored, client=client)

    found = matching_elastic.percolate_demands(rated_tea, client=client)

    assert found == sorted(demands[name].pk for name in ("tea", "shan", "grams"))
    assert found == sorted(fit.pk for fit, _match in demands_for_product(rated_tea))  # the scorer agrees
    (index,) = server.aliases_of("svp-demands")
    assert str(demands["closed"].pk) not in server.indices[index]["docs"]  # not open: never stored
    assert server.requests[-1][2]["query"]["bool"]["filter"][1] == {
        "range": {"needed_by": {"gte": timezone.localdate().isoformat()}}
    }


@pytest.mark.django_db
def test_a_demand_closed_after_it_was_stored_is_not_returned(server, client, rated_tea, demands):
    matching_elastic.index_demand(demands["tea"], client=client)
    BuyerDemand.objects.filter(pk=demands["tea"].pk).update(status=DemandStatus.FULFILLED)

    assert matching_elastic.percolate_demands(rated_tea, client=client) == []

    demands["tea"].refresh_from_db()
    matching_elastic.index_demand(demands["tea"], client=client)  # re-indexing a closed demand removes it
    (index,) = server.aliases_of("svp-demands")
    assert server.indices[index]["docs"] == {}


@pytest.mark.django_db
def test_an_unlisted_product_finds_no_demand(server, client, rated_tea, demands):
    for stored in demands.values():
        matching_elastic.index_demand(stored, client=client)
    Product.all_objects.filter(pk=rated_tea.pk).update(review_status=ReviewStatus.PENDING)

    hidden = matching_elastic.products_for_indexing().get(pk=rated_tea.pk)

    assert matching_elastic.percolate_demands(hidden, client=client) == []


@pytest.mark.django_db
def test_rebuilds_load_listed_products_and_open_demands_behind_their_aliases(
    server, client, rated_tea, plums, demands
):
    hidden = make_product(rated_tea.producer, "Chè chưa duyệt")
    Product.all_objects.filter(pk=hidden.pk).update(review_status=ReviewStatus.PENDING)

    products = matching_elastic.rebuild_products(client=client)
    stored = matching_elastic.rebuild_demands(client=client)

    (product_index,) = server.aliases_of("svp-products")
    (demand_index,) = server.aliases_of("svp-demands")
    assert products == 2
    listed = [int(pk) for pk, source in server.indices[product_index]["docs"].items() if source["listed"]]
    assert sorted(listed) == sorted([rated_tea.pk, plums.pk])
    assert stored == 6
    assert str(demands["closed"].pk) not in server.indices[demand_index]["docs"]
    assert server.indices[demand_index]["docs"][str(demands["tea"].pk)] == {
        "query": matching_elastic.demand_query(demands["tea"]),
        "demand_id": demands["tea"].pk,
        "needed_by": demands["tea"].needed_by.isoformat(),
    }


# --- against a live server --------------------------------------------------------------------------------

LIVE_URL = os.environ.get("ELASTICSEARCH_URL", "")
live = pytest.mark.skipif(
    not LIVE_URL,
    reason="no live Elasticsearch: set ELASTICSEARCH_URL to run demand percolation and candidate search "
    "against a real server",
)


@pytest.fixture
def live_client():
    prefix = f"svp-test-{uuid.uuid4().hex[:8]}"
    client = Elasticsearch(LIVE_URL, request_timeout=10)
    with override_settings(ELASTICSEARCH_INDEX_PREFIX=prefix):
        yield client
    client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)


@live
@pytest.mark.django_db
def test_live_percolation_finds_the_same_demands(live_client, rated_tea, demands):
    assert matching_elastic.rebuild_demands(client=live_client) == 6

    found = matching_elastic.percolate_demands(rated_tea, client=live_client)

    assert found == sorted(demands[name].pk for name in ("tea", "shan", "grams"))


@live
@pytest.mark.django_db
def test_live_candidates_rank_the_fitting_listing_first(live_client, rated_tea, plums, producer_b):
    other_tea = make_product(producer_b, "Trà xanh", price=900_000, stock=5)
    matching_elastic.rebuild_products(client=live_client)
    wanted = demand(category=Category.TEA, max_unit_price=400_000, required_certifications=["vietgap"])

    assert matching_elastic.candidate_product_ids(wanted, 10, client=live_client) == [
        rated_tea.pk,
        other_tea.pk,
    ]


# --- keeping the indices current after commit (SEARCH_BACKEND == "elasticsearch") ----------------------


@pytest.fixture
def elastic_backend(settings, monkeypatch, client):
    settings.SEARCH_BACKEND = "elasticsearch"
    monkeypatch.setattr("core.search.elastic._client", client)
    return client


def _post(buyer, title: str, **fields) -> BuyerDemand:
    from market.services import demands as demand_services

    values = {
        "quantity": 100, "unit": Unit.KILOGRAM, "delivery_province": "Hà Nội",
        "needed_by": timezone.localdate() + timedelta(days=30), "category": Category.TEA,
    }  # fmt: skip
    values.update(fields)
    return demand_services.post_demand(buyer=buyer, title=title, **values)


@pytest.mark.django_db
def test_a_changed_listing_is_written_to_the_products_index_only_after_commit(
    server, elastic_backend, tea, producer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shop.update_product(product=tea, actor=producer_a.owner, price=400_000)
    assert [target for _method, target, _body in server.requests if "products" in target] == []  # not yet

    for callback in callbacks:
        callback()

    (index,) = server.aliases_of("svp-products")
    assert set(server.indices[index]["docs"]) == {str(tea.pk)}
    assert server.indices[index]["docs"][str(tea.pk)]["price"] == 400_000
    assert server.indices[index]["docs"][str(tea.pk)]["listed"] is True


@pytest.mark.django_db
def test_a_rejected_producers_listings_are_written_as_not_listed(
    server, elastic_backend, tea, plums, producer_a, moderator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shop.review_producer(
            producer=producer_a, moderator=moderator_a, approve=False, reason="Thiếu giấy tờ"
        )

    (index,) = server.aliases_of("svp-products")
    assert set(server.indices[index]["docs"]) == {str(tea.pk)}  # the other producer's plums: untouched
    assert server.indices[index]["docs"][str(tea.pk)]["listed"] is False


@pytest.mark.django_db
def test_a_product_that_is_gone_is_removed_from_the_products_index(server, elastic_backend, tea, plums):
    matching_elastic.sync_products([tea.pk, plums.pk])
    (index,) = server.aliases_of("svp-products")
    missing = max(tea.pk, plums.pk) + 1
    server.indices[index]["docs"][str(missing)] = {"product_id": missing, "listed": True}  # stored earlier

    matching_elastic.sync_products([plums.pk, missing])  # ``missing``: no such product any more

    assert set(server.indices[index]["docs"]) == {str(tea.pk), str(plums.pk)}
    assert server.requests[-1][2] == [{"delete": {"_index": "svp-products", "_id": str(missing)}}]


@pytest.mark.django_db
def test_a_demands_stored_query_follows_it_after_commit(
    server, elastic_backend, buyer, django_capture_on_commit_callbacks
):
    from market.services import demands as demand_services

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posted = _post(buyer, "Chè cho nhà hàng")
    assert [target for _method, target, _body in server.requests if "demands" in target] == []  # not yet
    for callback in callbacks:
        callback()
    (index,) = server.aliases_of("svp-demands")
    assert server.indices[index]["docs"] == {str(posted.pk): matching_elastic.stored_demand(posted)}

    with django_capture_on_commit_callbacks(execute=True):
        demand_services.update_demand(
            demand=posted, actor=buyer, title="Mật ong rừng", category=Category.HONEY
        )
    posted.refresh_from_db()
    assert server.indices[index]["docs"][str(posted.pk)]["query"] == matching_elastic.demand_query(posted)
    assert server.indices[index]["docs"][str(posted.pk)]["query"]["bool"]["filter"][2] == {
        "term": {"category": "honey"}
    }

    with django_capture_on_commit_callbacks(execute=True):
        demand_services.close_demand(demand=posted, actor=buyer)
    assert server.indices[index]["docs"] == {}


@pytest.mark.django_db
def test_a_cluster_that_is_down_is_logged_and_the_database_keeps_answering(
    settings, monkeypatch, tea, producer_a, buyer, caplog, django_capture_on_commit_callbacks
):
    settings.SEARCH_BACKEND = "elasticsearch"
    monkeypatch.setattr(
        "core.search.elastic._client", Elasticsearch("http://127.0.0.1:9", max_retries=0, request_timeout=1)
    )

    with caplog.at_level("WARNING", logger="market.matching_elastic"):
        with django_capture_on_commit_callbacks(execute=True):
            shop.update_product(product=tea, actor=producer_a.owner, price=400_000)
        with django_capture_on_commit_callbacks(execute=True):
            posted = _post(buyer, "Chè cho nhà hàng")

    assert [record.getMessage() for record in caplog.records if record.name == "market.matching_elastic"] == [
        f"products [{tea.pk}]: the products index was not updated",
        f"demand {posted.pk}: the percolator index was not updated",
    ]
    tea.refresh_from_db()
    assert tea.price == 400_000  # the change is committed
    assert BuyerDemand.objects.get(pk=posted.pk).status == DemandStatus.OPEN


@pytest.mark.django_db
def test_the_database_backend_never_touches_the_cluster(
    settings, monkeypatch, tea, producer_a, buyer, django_capture_on_commit_callbacks
):
    settings.SEARCH_BACKEND = "database"
    monkeypatch.setattr("core.search.elastic._client", None)
    monkeypatch.setattr(
        "core.search.elastic.get_client", lambda: (_ for _ in ()).throw(AssertionError("no cluster"))
    )
    monkeypatch.setattr(
        matching_elastic, "get_client", lambda: (_ for _ in ()).throw(AssertionError("no cluster"))
    )

    with django_capture_on_commit_callbacks(execute=True):
        shop.update_product(product=tea, actor=producer_a.owner, price=400_000)
        posted = _post(buyer, "Chè cho nhà hàng")

    assert [fit.pk for fit, _match in demands_for_product(Product.objects.get(pk=tea.pk))] == [posted.pk]


def test_the_daily_demand_rebuild_is_scheduled_only_with_the_elasticsearch_backend():
    from core.registries import periodic_jobs, search_indices

    assert "market.rebuild-demands" not in periodic_jobs  # the test settings use the database backend
    assert search_indices.get("demands").__name__ == "rebuild_demands_index"
    assert search_indices.get("products").__name__ == "rebuild_products_index"
