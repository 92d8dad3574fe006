"""The Elasticsearch search backend: the generated index (analyzers, field types, completion, geo_point),
the exact search, facet and suggestion bodies, the build → bulk → alias swap → delete sequence, and —
against a live server when ``ELASTICSEARCH_URL`` is set — the same behaviour as the database backend.

Without a server the client is real (``elasticsearch.Elasticsearch``, its helpers and serializers) and
only its HTTP node is replaced by :class:`FakeServer`, an in-memory stand-in that records every request
(method, path, body) and understands the few APIs the backend uses. :func:`evaluate` interprets the
subset of the query DSL our stored (percolator) queries use, so the fake can percolate too.
"""

import json
import os
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node._base import NodeApiResponse
from elasticsearch import Elasticsearch
from elasticsearch.helpers import BulkIndexError

from core.registries import SearchSource, search_sources
from core.search import elastic
from core.search.documents import FacetValue, SearchDocument, SearchQuery, Suggestion
from core.search_analysis import VIETNAMESE_ANALYSIS

# --- the fake server ------------------------------------------------------------------------------------


def _matches_value(stored, wanted) -> bool:
    values = stored if isinstance(stored, list) else [stored]
    return any(value == wanted for value in values)


def evaluate(query: dict, document: dict) -> bool:
    """Does ``document`` match ``query``? (bool, term(s), range, match_all/none: what stored queries use.)"""
    ((kind, body),) = query.items()
    if kind in {"match_all", "match_none"}:
        return kind == "match_all"
    if kind == "bool":
        required = [*body.get("filter", []), *body.get("must", [])]
        if not all(evaluate(clause, document) for clause in required):
            return False
        if any(evaluate(clause, document) for clause in body.get("must_not", [])):
            return False
        should = body.get("should", [])
        minimum = body.get("minimum_should_match", 0 if required else 1)
        return not should or sum(evaluate(clause, document) for clause in should) >= int(minimum)
    ((field, condition),) = body.items()
    if field not in document:
        return False
    if kind == "term":
        return _matches_value(document[field], condition)
    if kind == "terms":
        return any(_matches_value(document[field], wanted) for wanted in condition)
    if kind == "range":
        values = document[field] if isinstance(document[field], list) else [document[field]]
        checks = {
            "gte": lambda v, b: v >= b,
            "gt": lambda v, b: v > b,
            "lte": lambda v, b: v <= b,
            "lt": lambda v, b: v < b,
        }
        return any(all(checks[op](value, bound) for op, bound in condition.items()) for value in values)
    raise AssertionError(f"the fake does not understand {kind}")


class FakeServer:
    """Indices, aliases and documents in memory; every request recorded as (method, path, body)."""

    def __init__(self):
        self.requests: list[tuple[str, str, object]] = []
        self.indices: dict[str, dict] = {}  # name → {"aliases": set, "docs": {id: source}, "body": dict}
        self.search_response: dict | None = None
        self.fail_bulk = False

    # helpers
    def resolve(self, name: str) -> list[str]:
        if name in self.indices:
            return [name]
        return sorted(index for index, data in self.indices.items() if name in data["aliases"])

    def aliases_of(self, alias: str) -> list[str]:
        return sorted(index for index, data in self.indices.items() if alias in data["aliases"])

    def calls(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path, _body in self.requests]

    # the HTTP surface
    def handle(self, method: str, target: str, raw: bytes | None) -> tuple[int, dict]:
        split = urlsplit(target)
        path, params = split.path, parse_qs(split.query)
        body = None
        if raw:
            text = raw.decode("utf-8")
            body = (
                [json.loads(line) for line in text.splitlines() if line]
                if path.endswith("_bulk")
                else json.loads(text)
            )
        self.requests.append((method, path, body))
        parts = [part for part in path.split("/") if part]
        if parts[:1] == ["_alias"]:
            found = self.aliases_of(parts[1])
            if not found:
                return 404, {"error": "alias missing", "status": 404}
            return 200, {index: {"aliases": {parts[1]: {}}} for index in found}
        if parts == ["_aliases"]:
            for action in body["actions"]:
                ((verb, target_),) = action.items()
                aliases = self.indices[target_["index"]]["aliases"]
                (aliases.discard if verb == "remove" else aliases.add)(target_["alias"])
            return 200, {"acknowledged": True}
        if parts == ["_bulk"]:
            return self.bulk(body, params)
        if len(parts) == 2 and parts[1] == "_alias":
            names = [index for index in self.indices if index.startswith(parts[0].rstrip("*"))]
            return 200, {
                index: {"aliases": {alias: {} for alias in self.indices[index]["aliases"]}} for index in names
            }
        if len(parts) == 1 and method == "PUT":
            self.indices[parts[0]] = {
                "aliases": set((body or {}).get("aliases", {})),
                "docs": {},
                "body": body,
            }
            return 200, {"acknowledged": True, "index": parts[0]}
        if len(parts) == 1 and method == "DELETE":
            self.indices.pop(parts[0], None)
            return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_refresh":
            return 200, {"_shards": {"failed": 0}}
        if len(parts) == 2 and parts[1] == "_count":
            return 200, {"count": sum(len(self.indices[index]["docs"]) for index in self.resolve(parts[0]))}
        if len(parts) == 3 and parts[1] == "_doc":
            (index,) = self.resolve(parts[0])
            if method == "DELETE":
                gone = self.indices[index]["docs"].pop(parts[2], None)
                return (200 if gone else 404), {"result": "deleted" if gone else "not_found"}
            self.indices[index]["docs"][parts[2]] = body
            return 201, {"_index": index, "_id": parts[2], "result": "created"}
        if len(parts) == 2 and parts[1] == "_delete_by_query":
            deleted = 0
            for index in self.resolve(parts[0]):
                docs = self.indices[index]["docs"]
                for doc_id in [key for key, source in docs.items() if evaluate(body["query"], source)]:
                    del docs[doc_id]
                    deleted += 1
            return 200, {"deleted": deleted}
        if len(parts) == 2 and parts[1] == "_search":
            return 200, self.search(parts[0], body)
        raise AssertionError(f"the fake does not understand {method} {target}")

    def bulk(self, lines: list[dict], params) -> tuple[int, dict]:
        items = []
        position = 0
        while position < len(lines):
            ((operation, meta),) = lines[position].items()
            position += 1
            index = self.resolve(meta["_index"])[0] if self.resolve(meta["_index"]) else meta["_index"]
            if operation == "delete":
                gone = self.indices[index]["docs"].pop(meta["_id"], None)
                items.append(
                    {"delete": {"_index": index, "_id": meta["_id"], "status": 200 if gone else 404}}
                )
                continue
            source = lines[position]
            position += 1
            if self.fail_bulk:
                items.append(
                    {
                        operation: {
                            "_index": index,
                            "_id": meta["_id"],
                            "status": 400,
                            "error": {"type": "mapper_parsing_exception"},
                        }
                    }
                )
                continue
            self.indices[index]["docs"][meta["_id"]] = source
            items.append({operation: {"_index": index, "_id": meta["_id"], "status": 201}})
        errors = any(item[next(iter(item))]["status"] >= 300 for item in items)
        return 200, {"took": 1, "errors": errors, "items": items}

    def search(self, target: str, body: dict) -> dict:
        filters = body.get("query", {}).get("bool", {}).get("filter", [])
        percolations = [clause["percolate"] for clause in filters if "percolate" in clause]
        if not percolations:
            assert self.search_response is not None, "set server.search_response first"
            return self.search_response
        document = percolations[0]["document"]
        others = [clause for clause in filters if "percolate" not in clause]
        hits = []
        for index in self.resolve(target):
            for source in self.indices[index]["docs"].values():
                if evaluate(source["query"], document) and all(evaluate(clause, source) for clause in others):
                    hits.append({"_source": {key: source[key] for key in body["_source"]}})
        ((sort_field, _direction),) = body["sort"][0].items()
        hits.sort(key=lambda hit: hit["_source"][sort_field])
        if "search_after" in body:
            hits = [hit for hit in hits if hit["_source"][sort_field] > body["search_after"][0]]
        return {"hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits[: body["size"]]}}


def fake_client(server: FakeServer) -> Elasticsearch:
    """A real client whose only node answers from ``server``."""

    class FakeNode(BaseNode):
        def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
            status, payload = server.handle(method, target, body)
            meta = ApiResponseMeta(
                status=status,
                http_version="1.1",
                headers=HttpHeaders(
                    {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
                ),
                duration=0.0,
                node=self.config,
            )
            return NodeApiResponse(meta, json.dumps(payload).encode("utf-8"))

    return Elasticsearch("http://search.test:9200", node_class=FakeNode, max_retries=0)


@pytest.fixture
def server():
    return FakeServer()


@pytest.fixture
def client(server):
    return fake_client(server)


# --- documents ------------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def document(key: str, title: str, *, language: str = "vi", **fields) -> SearchDocument:
    values = {
        "kind": key.split(":")[0], "summary": "", "text": "", "url": f"/{key.replace(':', '/')}/",
        "province_id": 3, "commune_id": 12, "category": "", "ocop_stars": None, "price": None,
        "latitude": None, "longitude": None, "updated_at": NOW, "province_name": "Lào Cai",
        "commune_name": "Tả Van",
    }  # fmt: skip
    values.update(fields)
    return SearchDocument(key=key, language=language, title=title, **values)


TEA = document(
    "product:1", "Chè Shan Tuyết Tả Van", summary="Trà búp hái tay", text="Cây chè cổ thụ trên núi.",
    category="tea", ocop_stars=4, price=350_000, latitude=22.3, longitude=103.9, boost=1.5,
)  # fmt: skip
GUIDE = document("guide:7", "Đăng ký định danh điện tử mức 2", text="Mang căn cước đến công an xã.")
DALAT = document(
    "news:3",
    "Đà Lạt mùa hoa",
    text="Hoa dã quỳ nở khắp đồi.",
    province_id=9,
    commune_id=90,
    province_name="Lâm Đồng",
    commune_name="Xuân Trường",
)


@pytest.fixture
def sources(monkeypatch, db):
    """Two registered sources (and no other), yielding the documents above (a rebuild reads the event
    log for its catch-up, so the database is there)."""
    registered = {
        "product": SearchSource(
            kind="product",
            label="Products",
            documents=lambda keys: [TEA],
            categories=(("tea", "Tea"),),
            order=20,
        ),
        "guide": SearchSource(
            kind="guide",
            label="Guides",
            documents=lambda keys: [GUIDE, DALAT],
            kinds=(("guide", "Guides"), ("news", "News")),
            order=10,
        ),
    }
    monkeypatch.setattr(search_sources, "_entries", registered)
    return registered


# --- the index definition -------------------------------------------------------------------------------


def test_the_items_index_carries_the_shared_vietnamese_analysis():
    body = elastic.index_body(elastic.items_index("svp-items-1"))

    assert body["settings"]["number_of_shards"] == 1
    assert body["settings"]["analysis"] == VIETNAMESE_ANALYSIS


def test_the_items_mapping_types_every_field():
    mapping = elastic.index_body(elastic.items_index("svp-items-1"))["mappings"]

    assert mapping["dynamic"] == "strict"
    assert mapping["properties"] == {
        "key": {"type": "keyword"},
        "kind": {"type": "keyword"},
        "language": {"type": "keyword"},
        "title": {"type": "text", "analyzer": "vietnamese", "copy_to": "all_text"},
        "summary": {"type": "text", "analyzer": "vietnamese", "copy_to": "all_text"},
        "text": {"type": "text", "analyzer": "vietnamese", "copy_to": "all_text"},
        "all_text": {"type": "text", "analyzer": "vietnamese"},
        "url": {"type": "keyword", "index": False},
        "province_id": {"type": "integer"},
        "commune_id": {"type": "integer"},
        "province_name": {"type": "keyword"},
        "commune_name": {"type": "keyword"},
        "category": {"type": "keyword"},
        "ocop_stars": {"type": "integer"},
        "price": {"type": "long"},
        "location": {"type": "geo_point"},
        "updated_at": {"type": "date"},
        "boost": {"type": "float"},
        "suggest": {
            "type": "completion",
            "analyzer": "vietnamese_search",
            "contexts": [{"name": "language", "type": "category", "path": "language"}],
        },
    }


@override_settings(ELASTICSEARCH_INDEX_PREFIX="village")
def test_names_come_from_the_prefix_setting_and_sort_by_time():
    first = elastic.timestamped_index_name(
        "village-items", datetime(2026, 12, 7, 13, 22, 33, 123456, tzinfo=UTC)
    )
    later = elastic.timestamped_index_name("village-items", datetime(2026, 12, 7, 13, 22, 34, tzinfo=UTC))

    assert elastic.alias_name() == "village-items"
    assert first == "village-items-20261207t132233123456"
    assert sorted([later, first]) == [first, later]


def test_a_document_is_stored_with_its_location_and_folded_suggestions():
    source = elastic.document_source(TEA)

    assert source == {
        "key": "product:1", "kind": "product", "language": "vi", "title": "Chè Shan Tuyết Tả Van",
        "summary": "Trà búp hái tay", "text": "Cây chè cổ thụ trên núi.", "url": "/product/1/",
        "province_id": 3, "commune_id": 12, "province_name": "Lào Cai", "commune_name": "Tả Van",
        "category": "tea", "ocop_stars": 4, "price": 350_000, "updated_at": "2026-12-01T08:00:00+00:00",
        "boost": 1.5, "location": {"lat": 22.3, "lon": 103.9},
        "suggest": {
            "input": [
                "Chè Shan Tuyết Tả Van", "che shan tuyet ta van", "Shan Tuyết Tả Van", "shan tuyet ta van",
                "Tuyết Tả Van", "tuyet ta van", "Tả Van", "ta van", "Van", "van",
            ],
            "weight": 19,
        },
    }  # fmt: skip
    assert "location" not in elastic.document_source(GUIDE)
    assert "category" not in elastic.document_source(GUIDE)


def test_folded_inputs_let_da_lat_suggest_da_lat_with_its_marks():
    assert elastic.suggestion_inputs("Đà Lạt") == ["Đà Lạt", "da lat", "Lạt", "lat"]


# --- search bodies --------------------------------------------------------------------------------------


def test_a_plain_search_body_ranks_with_function_score_and_counts_every_facet():
    body = elastic.search_body(SearchQuery(text="Chè Shan", language="vi"))

    unfiltered = {"filter": {"bool": {"filter": []}}}
    assert body["query"] == {
        "function_score": {
            "query": {
                "bool": {
                    "filter": [{"term": {"language": "vi"}}],
                    "must": [
                        {
                            "bool": {
                                "must": [
                                    {
                                        "match_bool_prefix": {
                                            "all_text": {"query": "che shan", "operator": "and"}
                                        }
                                    }
                                ],
                                "should": [
                                    {
                                        "multi_match": {
                                            "query": "Chè Shan",
                                            "fields": ["title^3", "summary^2", "text"],
                                        }
                                    },
                                    {"match_phrase": {"title": {"query": "Chè Shan", "boost": 2}}},
                                ],
                            }
                        }
                    ],
                }
            },
            "functions": [
                {"field_value_factor": {"field": "boost", "missing": 1.0}},
                {"gauss": {"updated_at": {"scale": "180d", "offset": "14d", "decay": 0.5}}, "weight": 0.5},
                {
                    "field_value_factor": {"field": "ocop_stars", "modifier": "log1p", "missing": 0},
                    "weight": 0.2,
                },
            ],
            "score_mode": "sum",
            "boost_mode": "multiply",
        }
    }
    assert "post_filter" not in body
    assert body["aggs"] == {
        "kind": {**unfiltered, "aggs": {"values": {"terms": {"field": "kind", "size": 50}}}},
        "province": {
            **unfiltered,
            "aggs": {
                "values": {
                    "terms": {"field": "province_id", "size": 50},
                    "aggs": {"name": {"terms": {"field": "province_name", "size": 1}}},
                }
            },
        },
        "commune": {
            **unfiltered,
            "aggs": {
                "values": {
                    "terms": {"field": "commune_id", "size": 50},
                    "aggs": {"name": {"terms": {"field": "commune_name", "size": 1}}},
                }
            },
        },
        "category": {**unfiltered, "aggs": {"values": {"terms": {"field": "category", "size": 50}}}},
        "ocop_stars": {
            **unfiltered,
            "aggs": {
                "values": {
                    "range": {
                        "field": "ocop_stars",
                        "ranges": [{"key": str(n), "from": n} for n in range(1, 6)],
                    }
                }
            },
        },
        "price": {
            **unfiltered,
            "aggs": {
                "values": {
                    "range": {
                        "field": "price",
                        "ranges": [
                            {"key": "0-100000", "from": 0, "to": 100_000},
                            {"key": "100000-300000", "from": 100_000, "to": 300_000},
                            {"key": "300000-1000000", "from": 300_000, "to": 1_000_000},
                            {"key": "1000000-", "from": 1_000_000},
                        ],
                    }
                }
            },
        },
    }
    assert (body["from"], body["size"], body["track_total_hits"]) == (0, 20, True)


def test_chosen_facets_filter_hits_in_post_filter_and_every_other_facet_but_not_their_own():
    query = SearchQuery(
        text="", language="en", kinds=("product",), province_id=3, commune_id=12, category="tea",
        min_ocop_stars=3, min_price=100_000, max_price=300_000, page=3, per_page=10,
    )  # fmt: skip

    body = elastic.search_body(query)

    chosen = {
        "kind": {"terms": {"kind": ["product"]}},
        "province": {"term": {"province_id": 3}},
        "commune": {"term": {"commune_id": 12}},
        "category": {"term": {"category": "tea"}},
        "ocop_stars": {"range": {"ocop_stars": {"gte": 3}}},
        "price": {"range": {"price": {"gte": 100_000, "lt": 300_000}}},
    }
    assert body["query"]["function_score"]["query"] == {"bool": {"filter": [{"term": {"language": "en"}}]}}
    assert body["post_filter"] == {"bool": {"filter": list(chosen.values())}}
    for name in chosen:
        others = [condition for other, condition in chosen.items() if other != name]
        assert body["aggs"][name]["filter"] == {"bool": {"filter": others}}, name
    assert (body["from"], body["size"]) == (20, 10)


def test_a_long_query_full_of_operators_is_folded_and_cut_not_refused():
    text = 'tra AND (shan OR "tuyet") -che ~2 ^3 ' * 400

    body = elastic.search_body(SearchQuery(text=text, language="vi"), facets=False)

    must = body["query"]["function_score"]["query"]["bool"]["must"][0]["bool"]
    words = must["must"][0]["match_bool_prefix"]["all_text"]["query"]
    assert words == "tra and shan or tuyet che 2 3"  # eight words at most, no operator left
    assert len(must["should"][0]["multi_match"]["query"]) <= 200
    assert "aggs" not in body


def test_the_suggest_body_asks_the_completion_field_in_the_visitors_language():
    assert elastic.suggest_body("  Đà   L ", language="vi", limit=5) == {
        "suggest": {
            "titles": {
                "prefix": "da l",
                "completion": {
                    "field": "suggest",
                    "size": 5,
                    "skip_duplicates": True,
                    "contexts": {"language": ["vi"]},
                },
            }
        },
        "_source": ["title", "kind", "url"],
    }


def test_facets_are_read_back_in_the_database_backends_order_and_labels(sources):
    aggregations = {
        "kind": {"values": {"buckets": [
            {"key": "product", "doc_count": 4}, {"key": "guide", "doc_count": 9},
        ]}},
        "province": {"values": {"buckets": [
            {"key": 9, "doc_count": 2, "name": {"buckets": [{"key": "Lâm Đồng"}]}},
            {"key": 3, "doc_count": 2, "name": {"buckets": [{"key": "Lào Cai"}]}},
        ]}},
        "commune": {"values": {"buckets": [{"key": 12, "doc_count": 0, "name": {"buckets": []}}]}},
        "category": {"values": {"buckets": [
            {"key": "tea", "doc_count": 3}, {"key": "honey", "doc_count": 3},
        ]}},
        "ocop_stars": {"values": {"buckets": [
            {"key": "1", "doc_count": 5}, {"key": "2", "doc_count": 5}, {"key": "3", "doc_count": 4},
            {"key": "4", "doc_count": 1}, {"key": "5", "doc_count": 0},
        ]}},
        "price": {"values": {"buckets": [
            {"key": "0-100000", "doc_count": 0}, {"key": "100000-300000", "doc_count": 2},
            {"key": "300000-1000000", "doc_count": 1}, {"key": "1000000-", "doc_count": 0},
        ]}},
    }  # fmt: skip

    facets = elastic.facets_from(aggregations)

    assert facets == {
        "kind": [FacetValue("guide", "Guides", 9), FacetValue("product", "Products", 4)],
        "province": [FacetValue("3", "Lào Cai", 2), FacetValue("9", "Lâm Đồng", 2)],  # by count, then label
        "commune": [],
        "category": [FacetValue("honey", "honey", 3), FacetValue("tea", "Tea", 3)],
        "ocop_stars": [
            FacetValue("4", "4★+", 1), FacetValue("3", "3★+", 4),
            FacetValue("2", "2★+", 5), FacetValue("1", "1★+", 5),
        ],
        "price": [
            FacetValue("100000-300000", "100000-300000", 2),
            FacetValue("300000-1000000", "300000-1000000", 1),
        ],
    }  # fmt: skip


# --- the backend against the fake server --------------------------------------------------------------------


def test_search_sends_the_body_and_reads_hits_total_and_facets(server, client, sources):
    server.indices["svp-items-1"] = {"aliases": {"svp-items"}, "docs": {}, "body": {}}
    server.search_response = {
        "hits": {
            "total": {"value": 1, "relation": "eq"},
            "hits": [
                {
                    "_score": 2.5,
                    "_source": {
                        k: v for k, v in elastic.document_source(TEA).items() if k not in {"suggest", "text"}
                    },
                }
            ],
        },
        "aggregations": {"kind": {"values": {"buckets": [{"key": "product", "doc_count": 1}]}}},
    }
    query = SearchQuery(text="che", language="vi")

    results = elastic.ElasticsearchSearchBackend(client=client).search(query)

    method, path, body = server.requests[-1]
    assert (method, path, body) == ("POST", "/svp-items/_search", elastic.search_body(query))
    assert results.total == 1
    (hit,) = results.hits
    assert (hit.key, hit.title, hit.url, hit.score) == (
        "product:1",
        "Chè Shan Tuyết Tả Van",
        "/product/1/",
        2.5,
    )
    assert (hit.latitude, hit.longitude, hit.ocop_stars, hit.price) == (22.3, 103.9, 4, 350_000)
    assert hit.updated_at == NOW
    assert results.facets["kind"] == [FacetValue("product", "Products", 1)]


def test_suggest_returns_titles_and_skips_one_letter(server, client):
    server.indices["svp-items-1"] = {"aliases": {"svp-items"}, "docs": {}, "body": {}}
    server.search_response = {
        "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
        "suggest": {
            "titles": [
                {
                    "text": "da l",
                    "options": [
                        {
                            "text": "da lat",
                            "_source": {"title": "Đà Lạt mùa hoa", "kind": "news", "url": "/news/3/"},
                        }
                    ],
                }
            ]
        },
    }
    backend = elastic.ElasticsearchSearchBackend(client=client)

    assert backend.suggest("d", language="vi") == []
    assert server.requests == []
    assert backend.suggest("da l", language="vi", limit=3) == [
        Suggestion("Đà Lạt mùa hoa", "news", "/news/3/")
    ]
    assert server.requests[-1][2] == elastic.suggest_body("da l", language="vi", limit=3)


def test_indexing_replaces_every_language_of_a_key_and_creates_the_alias_first(server, client):
    backend = elastic.ElasticsearchSearchBackend(client=client)
    english = replace(TEA, language="en", title="Shan Tuyet tea")
    backend.index([TEA, english])

    stored = backend.index([TEA])  # the English title was removed from the listing

    (index,) = server.aliases_of("svp-items")
    assert stored == 1
    assert sorted(server.indices[index]["docs"]) == ["product:1|vi"]
    assert server.indices[index]["docs"]["product:1|vi"] == elastic.document_source(TEA)
    assert server.calls()[:3] == [("GET", "/_alias/svp-items"), ("PUT", f"/{index}"), ("PUT", "/_bulk")]


def test_remove_drops_every_language_of_the_keys(server, client):
    backend = elastic.ElasticsearchSearchBackend(client=client)
    backend.index([TEA, replace(TEA, language="en"), GUIDE])

    removed = backend.remove(["product:1", "product:404"])

    (index,) = server.aliases_of("svp-items")
    assert removed == 2
    assert sorted(server.indices[index]["docs"]) == ["guide:7|vi"]
    assert server.requests[-1] == (
        "POST",
        "/svp-items/_delete_by_query",
        {"query": {"terms": {"key": ["product:1", "product:404"]}}},
    )


def test_remove_without_an_index_is_a_no_op(server, client):
    assert elastic.ElasticsearchSearchBackend(client=client).remove(["product:1"]) == 0
    assert server.calls() == [("GET", "/_alias/svp-items")]


# --- build and alias swap ---------------------------------------------------------------------------------


def test_rebuild_creates_loads_swaps_then_deletes_the_old_index(server, client, sources):
    backend = elastic.ElasticsearchSearchBackend(client=client)
    backend.rebuild()
    (old,) = server.aliases_of("svp-items")
    server.requests.clear()
    lines: list[str] = []

    loaded = backend.rebuild(progress=lines.append)

    (new,) = server.aliases_of("svp-items")
    assert new != old and new.startswith("svp-items-")
    assert loaded == 3
    assert server.calls() == [
        ("PUT", f"/{new}"),
        ("PUT", "/_bulk"),
        ("POST", f"/{new}/_refresh"),
        ("GET", "/_alias/svp-items"),
        ("POST", "/_aliases"),
        ("DELETE", f"/{old}"),
    ]
    assert server.requests[0][2] == elastic.index_body(elastic.items_index(new))
    assert server.requests[4][2] == {
        "actions": [
            {"remove": {"index": old, "alias": "svp-items"}},
            {"add": {"index": new, "alias": "svp-items"}},
        ]
    }
    assert sorted(server.indices) == [new]
    assert sorted(server.indices[new]["docs"]) == ["guide:7|vi", "news:3|vi", "product:1|vi"]
    assert lines == [
        f"created index {new}",
        "guide: 2 documents",
        "product: 1 documents",
        f"3 documents loaded into {new}",
        f"alias svp-items → {new}",
        f"deleted old index {old}",
    ]


@pytest.mark.django_db
def test_changes_made_while_the_new_index_loads_are_caught_up_after_the_swap(server, client, monkeypatch):
    """A listing renamed while the rebuild reads: its after-commit write goes through the alias into the
    old index, which the swap then drops; the catch-up replays the events recorded since the build began
    into the new index."""
    from core.events import record_event

    current = {"title": "Chè Shan Tuyết Tả Van"}
    backend = elastic.ElasticsearchSearchBackend(client=client)

    def product_documents(keys):
        yield replace(TEA, title=current["title"])
        if keys is None and current["title"] != "Chè Shan Tuyết mới":  # the change lands mid-load
            current["title"] = "Chè Shan Tuyết mới"
            record_event("test.product.renamed", payload={"product": 1})
            backend.index([replace(TEA, title=current["title"])])  # its after-commit write: the alias

    monkeypatch.setattr(
        search_sources,
        "_entries",
        {
            "product": SearchSource(
                kind="product",
                label="Products",
                documents=product_documents,
                event_patterns=("test.product.*",),
                keys_for_event=lambda event: [f"product:{event.payload['product']}"],
            )
        },
    )
    backend.rebuild()  # an index behind the alias first
    lines: list[str] = []
    current["title"] = "Chè Shan Tuyết Tả Van"

    backend.rebuild(progress=lines.append)

    (index,) = server.aliases_of("svp-items")
    assert server.indices[index]["docs"]["product:1|vi"]["title"] == "Chè Shan Tuyết mới"
    assert "1 items changed while loading written again" in lines


def test_a_failed_load_deletes_the_new_index_and_keeps_the_alias(server, client, sources):
    backend = elastic.ElasticsearchSearchBackend(client=client)
    backend.rebuild()
    (old,) = server.aliases_of("svp-items")
    before = {name: set(data["docs"]) for name, data in server.indices.items()}
    server.requests.clear()
    server.fail_bulk = True

    with pytest.raises(BulkIndexError):
        backend.rebuild()

    assert server.aliases_of("svp-items") == [old]
    assert {name: set(data["docs"]) for name, data in server.indices.items()} == before
    calls = server.calls()
    attempted = calls[0][1]
    assert calls == [("PUT", attempted), ("PUT", "/_bulk"), ("DELETE", attempted)]
    assert attempted != f"/{old}"


@override_settings(ELASTICSEARCH_URL="http://search.test:9200")
def test_the_command_builds_with_progress_and_shows_the_status(server, client, sources, monkeypatch):
    monkeypatch.setattr(elastic, "_client", client)
    out = StringIO()

    call_command("search_index", "build", "--only", "items", stdout=out)
    (index,) = server.aliases_of("svp-items")
    status = StringIO()
    call_command("search_index", "status", stdout=status)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Building a new index for the alias svp-items…"
    assert lines[1:6] == [
        f"created index {index}",
        "guide: 2 documents",
        "product: 1 documents",
        f"3 documents loaded into {index}",
        f"alias svp-items → {index}",
    ]
    assert lines[6].startswith("Indexed 3 documents in ") and lines[6].endswith("svp-items swapped.")
    assert status.getvalue() == f"{index}: 3 documents ← svp-items\n"


@override_settings(ELASTICSEARCH_URL="")
def test_the_command_refuses_without_a_server_address():
    with pytest.raises(CommandError, match="ELASTICSEARCH_URL is not set"):
        call_command("search_index", "status")


# --- against a live server (ELASTICSEARCH_URL) -------------------------------------------------------------

LIVE_URL = os.environ.get("ELASTICSEARCH_URL", "")
live = pytest.mark.skipif(
    not LIVE_URL,
    reason="no live Elasticsearch: set ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200) to run the backend's "
    "behavioural tests against a real server",
)


@pytest.fixture
def live_backend(sources):
    """A backend on the live server under a throw-away prefix; its indices are deleted afterwards."""
    prefix = f"svp-test-{uuid.uuid4().hex[:8]}"
    client = Elasticsearch(LIVE_URL, request_timeout=10)
    with override_settings(ELASTICSEARCH_INDEX_PREFIX=prefix, ELASTICSEARCH_URL=LIVE_URL):
        backend = elastic.ElasticsearchSearchBackend(client=client)
        backend.rebuild()
        yield backend
    client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)


FOLDING_PAIRS = [
    ("chè shan tuyết", "che shan tuyet"),
    ("Đà Lạt", "da lat"),
    ("ĐỊNH DANH", "dinh danh"),
    ("điện tử", "dien tu"),
    ("Tả Van", "ta van"),
]


@live
@pytest.mark.parametrize(("marked", "plain"), FOLDING_PAIRS)
def test_live_results_do_not_depend_on_typed_diacritics(live_backend, marked, plain):
    with_marks = live_backend.search(SearchQuery(text=marked, language="vi"), facets=False)
    without = live_backend.search(SearchQuery(text=plain, language="vi"), facets=False)

    assert with_marks.total >= 1
    assert [hit.key for hit in with_marks.hits] == [hit.key for hit in without.hits]


@live
def test_live_every_word_must_match_and_the_last_may_be_a_beginning(live_backend):
    assert [hit.key for hit in live_backend.search(SearchQuery(text="che shan tuy", language="vi")).hits] == [
        "product:1"
    ]
    assert live_backend.search(SearchQuery(text="che honey", language="vi")).total == 0


@live
def test_live_facets_count_without_their_own_filter(live_backend):
    results = live_backend.search(SearchQuery(text="", language="vi", kinds=("guide",)))

    assert [hit.key for hit in results.hits] == ["guide:7"]
    assert results.facets["kind"] == [
        FacetValue("guide", "Guides", 1),
        FacetValue("news", "News", 1),
        FacetValue("product", "Products", 1),
    ]
    assert results.facets["ocop_stars"] == []  # the guide has no stars


@live
def test_live_price_and_stars_filters(live_backend):
    cheap = SearchQuery(text="", language="vi", min_price=0, max_price=300_000)
    starred = SearchQuery(text="", language="vi", min_ocop_stars=4)

    assert live_backend.search(cheap).total == 0
    assert [hit.key for hit in live_backend.search(starred).hits] == ["product:1"]


@live
def test_live_suggestions_without_diacritics(live_backend):
    suggestions = live_backend.suggest("da l", language="vi")

    assert [suggestion.text for suggestion in suggestions] == ["Đà Lạt mùa hoa"]
    assert live_backend.suggest("shan", language="vi")[0].text == "Chè Shan Tuyết Tả Van"


@live
def test_live_rebuild_swaps_the_alias_and_leaves_one_index(live_backend):
    first = elastic.current_indices(live_backend.client, live_backend.alias)

    assert live_backend.rebuild() == 3
    second = elastic.current_indices(live_backend.client, live_backend.alias)

    assert len(first) == len(second) == 1 and first != second
    assert not live_backend.client.indices.exists(index=first[0])


@live
def test_live_index_and_remove_follow_the_keys(live_backend):
    fresh = replace(TEA, key="product:2", title="Mật ong bạc hà", updated_at=NOW + timedelta(days=1))
    live_backend.index([fresh])
    assert [hit.key for hit in live_backend.search(SearchQuery(text="mat ong", language="vi")).hits] == [
        "product:2"
    ]

    assert live_backend.remove(["product:2"]) == 1
    assert live_backend.search(SearchQuery(text="mat ong", language="vi")).total == 0


# --- one build for every index (core.registries.search_indices) ----------------------------------------


def test_the_registered_indices_are_the_matching_and_subscription_indices():
    from core.registries import search_indices

    assert [name for name, _rebuild in search_indices.items()] == ["demands", "products", "subscriptions"]


@pytest.mark.django_db
@override_settings(ELASTICSEARCH_URL="http://search.test:9200")
def test_build_rebuilds_the_items_index_then_every_registered_index(server, client, sources, monkeypatch):
    monkeypatch.setattr(elastic, "_client", client)
    out = StringIO()

    call_command("search_index", "build", stdout=out)

    (items,) = server.aliases_of("svp-items")
    (demands,) = server.aliases_of("svp-demands")
    (products,) = server.aliases_of("svp-products")
    (subscriptions,) = server.aliases_of("svp-subscriptions")
    assert len(server.indices[items]["docs"]) == 3
    assert server.indices[demands]["docs"] == {}
    assert server.indices[products]["docs"] == {}
    assert server.indices[subscriptions]["docs"] == {}
    lines = out.getvalue().splitlines()
    assert lines[0] == "Building a new index for the alias svp-items…"
    assert lines[6].startswith("Indexed 3 documents in ")
    assert [line for line in lines if line.startswith("Building")] == [
        "Building a new index for the alias svp-items…",
        "Building a new demands index…",
        "Building a new products index…",
        "Building a new subscriptions index…",
    ]
    for name, index in (("demands", demands), ("products", products), ("subscriptions", subscriptions)):
        assert f"created index {index}" in lines
        assert f"alias svp-{name} → {index}" in lines
        assert any(line.startswith(f"Indexed 0 {name} in ") for line in lines)


@pytest.mark.django_db
@override_settings(ELASTICSEARCH_URL="http://search.test:9200")
def test_build_only_one_registered_index_leaves_the_others_alone(server, client, sources, monkeypatch):
    monkeypatch.setattr(elastic, "_client", client)
    out = StringIO()

    call_command("search_index", "build", "--only", "demands", stdout=out)

    assert len(server.aliases_of("svp-demands")) == 1
    assert [name for name in server.indices if not name.startswith("svp-demands-")] == []
    assert out.getvalue().splitlines()[0] == "Building a new demands index…"


@override_settings(ELASTICSEARCH_URL="http://search.test:9200")
def test_build_only_refuses_an_unknown_index_and_touches_nothing(server, client, monkeypatch):
    monkeypatch.setattr(elastic, "_client", client)

    with pytest.raises(CommandError, match="invalid choice: 'stays'"):
        call_command("search_index", "build", "--only", "stays")
    assert server.requests == []


def test_a_failed_catch_up_keeps_the_new_index_and_still_deletes_the_old(server, client, caplog):
    def load(name):
        yield {"_index": name, "_id": "product:1|vi", "_source": elastic.document_source(TEA)}

    first, _loaded = elastic.build_and_swap(
        client, alias="svp-items", index=elastic.items_index, actions=load
    )
    lines: list[str] = []

    def catch_up(since):
        raise ConnectionError("the cluster went away")

    new, loaded = elastic.build_and_swap(
        client,
        alias="svp-items",
        index=elastic.items_index,
        actions=load,
        progress=lines.append,
        catch_up=catch_up,
    )

    assert loaded == 1 and new != first
    assert server.aliases_of("svp-items") == [new]
    assert sorted(server.indices) == [new]  # the old one is gone all the same
    assert "catching up with changes made while loading failed: the cluster went away" in lines
    assert "catching up with changes made while loading failed" in caplog.text
