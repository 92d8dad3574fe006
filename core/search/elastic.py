"""The Elasticsearch search backend, written with elasticsearch-dsl.

One index of the unified items (guides, news, events, notices, products, stays, experiences — every
:class:`~core.search.documents.SearchDocument` the registered sources yield), reached through an
alias so a rebuild never leaves visitors without results:

* ``<prefix>-items`` is the alias searches read and updates write; it points at one concrete index,
  ``<prefix>-items-<UTC timestamp>``. :func:`build_and_swap` creates a fresh index, bulk-loads it,
  then moves the alias in one ``update_aliases`` call and deletes the old indices.
* ``title``/``summary``/``text`` use the shared Vietnamese analyzer (:mod:`core.search_analysis`):
  ``đ``→``d`` char filter, lower case, ASCII folding that keeps the original token, so ``da lat`` and
  ``Đà Lạt`` find the same documents while an exact spelling scores a little higher.
* ``kind``/``language``/``category`` are keywords, ``ocop_stars``/``price`` numbers, ``location`` the
  commune's ``geo_point``, and ``suggest`` a completion field (per-language context) fed with the title,
  its folded copy and its word suffixes, so ``da lat`` and ``lat`` both suggest “Đà Lạt”.
* Ranking is a ``function_score``: text relevance × (editorial boost + recency decay + OCOP stars).
* Facets mirror the database backend: the facet filters go in ``post_filter`` and every facet's
  aggregation is filtered by all the *other* facet filters, so a chosen value does not hide its
  siblings.

Nothing here imports a domain app: documents come from ``core.registries.search_sources``.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta

from django.conf import settings
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.helpers import BulkIndexError
from elasticsearch_dsl import (
    A,
    Completion,
    Date,
    Float,
    GeoPoint,
    Index,
    Integer,
    Keyword,
    Long,
    Mapping,
    Q,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from core.search.backends import SearchBackend
from core.search.database import SUGGEST_MAX_LENGTH, SUGGEST_MIN_LENGTH
from core.search.documents import (
    FACET_NAMES,
    MAX_QUERY_LENGTH,
    PRICE_BANDS,
    FacetValue,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
    query_words,
)
from core.search.indexing import (
    BATCH_SIZE,
    all_documents,
    keys_changed_since,
    keys_due_between,
    known_categories,
    known_kinds,
    reindex,
)
from core.search_analysis import VIETNAMESE_ANALYSIS
from core.text import fold, fold_query

logger = logging.getLogger(__name__)

ITEMS = "items"
DEFAULT_PREFIX = "svp"
BULK_CHUNK_SIZE = 500
PROGRESS_EVERY = 1000
SUGGESTION_SUFFIXES = 8  # "Chè Shan Tuyết Suối Giàng" is also suggested for "shan", "tuyet"…
RECENCY_SCALE = "180d"
RECENCY_OFFSET = "14d"

# --- analysis: the shared definition, as elasticsearch-dsl objects -------------------------------

_STROKE_D = char_filter("vietnamese_stroke_d", **VIETNAMESE_ANALYSIS["char_filter"]["vietnamese_stroke_d"])
_FOLDING = token_filter("vietnamese_folding", **VIETNAMESE_ANALYSIS["filter"]["vietnamese_folding"])


def _custom_analyzer(name: str):
    definition = VIETNAMESE_ANALYSIS["analyzer"][name]
    filters = [_FOLDING if item == "vietnamese_folding" else item for item in definition["filter"]]
    return analyzer(
        name,
        tokenizer=definition["tokenizer"],
        char_filter=[_STROKE_D],
        filter=filters,
    )


VIETNAMESE = _custom_analyzer("vietnamese")
VIETNAMESE_SEARCH = _custom_analyzer("vietnamese_search")


def vietnamese_text(**options) -> Text:
    """A text field analysed with the Vietnamese analyzer (folded and original tokens)."""
    return Text(analyzer=VIETNAMESE, **options)


# --- names ------------------------------------------------------------------------------------------


def index_prefix() -> str:
    return getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "") or DEFAULT_PREFIX


def alias_name(purpose: str = ITEMS) -> str:
    """``svp-items``: the alias reads and writes go through."""
    return f"{index_prefix()}-{purpose}"


def timestamped_index_name(alias: str, now: datetime | None = None) -> str:
    """``svp-items-20261207t132233123456``: a new concrete index behind ``alias`` (lower case, sortable)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{alias}-{moment.strftime('%Y%m%dt%H%M%S%f')}"


# --- the items index ------------------------------------------------------------------------------------


def items_mapping() -> Mapping:
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("key", Keyword())
    mapping.field("kind", Keyword())
    mapping.field("language", Keyword())
    mapping.field("title", vietnamese_text(copy_to="all_text"))
    mapping.field("summary", vietnamese_text(copy_to="all_text"))
    mapping.field("text", vietnamese_text(copy_to="all_text"))
    mapping.field("all_text", vietnamese_text())
    mapping.field("url", Keyword(index=False))
    mapping.field("province_id", Integer())
    mapping.field("commune_id", Integer())
    mapping.field("province_name", Keyword())
    mapping.field("commune_name", Keyword())
    mapping.field("category", Keyword())
    mapping.field("ocop_stars", Integer())
    mapping.field("price", Long())
    mapping.field("location", GeoPoint())
    mapping.field("updated_at", Date())
    mapping.field("boost", Float())
    mapping.field(
        "suggest",
        Completion(
            analyzer=VIETNAMESE_SEARCH,
            contexts=[{"name": "language", "type": "category", "path": "language"}],
        ),
    )
    return mapping


def items_index(name: str) -> Index:
    """The index definition (settings with the analysis, and the mapping) under ``name``."""
    index = Index(name)
    index.settings(number_of_shards=1)
    index.mapping(items_mapping())
    return index


def index_body(index: Index) -> dict:
    """``settings`` and ``mappings`` for ``indices.create`` (analysis included)."""
    return index.to_dict()


def suggestion_inputs(title: str) -> list[str]:
    """The title, its folded copy and its word suffixes: what the completion field is fed."""
    words = (title or "").split()
    inputs: list[str] = []
    for start in range(min(len(words), SUGGESTION_SUFFIXES)):
        phrase = " ".join(words[start:])
        for candidate in (phrase, fold(phrase)):
            if candidate and candidate not in inputs:
                inputs.append(candidate)
    return inputs


def suggestion_weight(document) -> int:
    """Completion weights are positive integers: the editorial boost ×10, plus OCOP stars."""
    return max(1, round(float(document.boost or 1.0) * 10)) + int(document.ocop_stars or 0)


def document_id(key: str, language: str) -> str:
    return f"{key}|{language}"


def document_source(document) -> dict:
    """The ``_source`` of one :class:`~core.search.documents.SearchDocument`."""
    source = {
        "key": document.key,
        "kind": document.kind,
        "language": document.language,
        "title": document.title,
        "summary": document.summary or "",
        "text": document.text or "",
        "url": document.url,
        "province_id": document.province_id,
        "commune_id": document.commune_id,
        "province_name": document.province_name or None,
        "commune_name": document.commune_name or None,
        "category": document.category or None,
        "ocop_stars": document.ocop_stars,
        "price": document.price,
        "updated_at": document.updated_at.isoformat() if document.updated_at else None,
        "boost": float(document.boost),
        "suggest": {"input": suggestion_inputs(document.title), "weight": suggestion_weight(document)},
    }
    if document.latitude is not None and document.longitude is not None:
        source["location"] = {"lat": float(document.latitude), "lon": float(document.longitude)}
    return {name: value for name, value in source.items() if value is not None}


def index_actions(documents: Iterable, index: str) -> Iterator[dict]:
    for document in documents:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": document_id(document.key, document.language),
            "_source": document_source(document),
        }


# --- the client ---------------------------------------------------------------------------------------

_client: Elasticsearch | None = None


def get_client() -> Elasticsearch:
    """One client per process for ``settings.ELASTICSEARCH_URL`` (timeouts set, retries on timeout)."""
    global _client
    if _client is None:
        url = getattr(settings, "ELASTICSEARCH_URL", "")
        if not url:
            raise RuntimeError("ELASTICSEARCH_URL is not set: the Elasticsearch search backend needs it")
        _client = Elasticsearch(url, request_timeout=5, retry_on_timeout=True, max_retries=2)
    return _client


# --- building an index and swapping the alias -------------------------------------------------------------

Progress = Callable[[str], None]


def current_indices(client: Elasticsearch, alias: str) -> list[str]:
    """The concrete indices ``alias`` points at now ([] when it does not exist yet)."""
    try:
        response = client.indices.get_alias(name=alias)
    except NotFoundError:
        return []
    return sorted(response.body)


#: how far before a build's start its catch-up looks: a change whose transaction began (and recorded its
#: event) just before the build read the rows, but committed after, is replayed too
CATCH_UP_MARGIN = timedelta(minutes=5)


def events_since(since: datetime, prefixes: Iterable[str]):
    """The recorded domain events whose name starts with one of ``prefixes``, since ``since``, in order."""
    from django.db.models import Q

    from core.models import Event

    names = Q()
    for prefix in prefixes:
        names |= Q(name__startswith=prefix)
    return Event.objects.filter(names, occurred_at__gte=since).order_by("occurred_at", "pk")


def build_and_swap(
    client: Elasticsearch,
    *,
    alias: str,
    index: Callable[[str], Index],
    actions: Callable[[str], Iterable[dict]],
    progress: Progress | None = None,
    now: datetime | None = None,
    catch_up: Callable[[datetime], int] | None = None,
) -> tuple[str, int]:
    """Create ``<alias>-<timestamp>``, bulk-load ``actions(name)``, swap ``alias`` to it, delete the old.

    Readers see the old index until the one ``update_aliases`` call, then the new one; there is no
    moment without an index. A failure while loading deletes the half-built index and leaves the alias
    where it was. Returns the new index name and how many documents went in.

    Changes made while the new index loads are written through the alias — into the old index — and
    the load may have read their rows before them: ``catch_up(since)`` replays them into the new index
    once the alias points at it (the domain events recorded since the build began, less
    :data:`CATCH_UP_MARGIN`) and returns how many items it wrote again.
    """
    from django.utils import timezone

    started = timezone.now()
    say = progress or (lambda line: None)
    name = timestamped_index_name(alias, now)
    client.indices.create(index=name, **index_body(index(name)))
    say(f"created index {name}")
    loaded = 0
    completed = False
    try:
        for _result in helpers.streaming_bulk(
            client, actions(name), chunk_size=BULK_CHUNK_SIZE, raise_on_error=True
        ):
            loaded += 1
            if loaded % PROGRESS_EVERY == 0:
                say(f"{loaded} documents loaded")
        client.indices.refresh(index=name)
        completed = True
    finally:
        if not completed:  # network, mapping or bulk item failure: leave no half-built index behind
            client.indices.delete(index=name, ignore_unavailable=True)
    say(f"{loaded} documents loaded into {name}")
    old = [existing for existing in current_indices(client, alias) if existing != name]
    swap = [{"remove": {"index": existing, "alias": alias}} for existing in old]
    swap.append({"add": {"index": name, "alias": alias}})
    client.indices.update_aliases(actions=swap)
    say(f"alias {alias} → {name}")
    try:
        if catch_up is not None:
            caught = catch_up(started - CATCH_UP_MARGIN)
            if caught:
                say(f"{caught} items changed while loading written again")
    except Exception as error:  # the new index is in place: a failed catch-up is logged, and the next
        # change of each item (or the next rebuild) writes it again
        logger.error("%s: catching up with changes made while loading failed", alias, exc_info=True)
        say(f"catching up with changes made while loading failed: {error}")
    finally:
        for existing in old:
            client.indices.delete(index=existing, ignore_unavailable=True)
            say(f"deleted old index {existing}")
    return name, loaded


def ensure_alias(client: Elasticsearch, *, alias: str, index: Callable[[str], Index]) -> None:
    """Create an empty index behind ``alias`` when there is none, so the first writes have a home."""
    if current_indices(client, alias):
        return
    name = timestamped_index_name(alias)
    client.indices.create(index=name, aliases={alias: {}}, **index_body(index(name)))


# --- searching ------------------------------------------------------------------------------------------

FACET_TERMS_SIZE = 50
#: facet lists are cut to their most frequent values (as in the database backend)
FACET_LIMIT = 30


def _facet_filters(query) -> dict[str, dict]:
    """The filter each chosen facet value adds (name → query dict); unset facets are absent."""
    filters: dict[str, dict] = {}
    if query.kinds:
        filters["kind"] = Q("terms", kind=list(query.kinds)).to_dict()
    if query.province_id is not None:
        filters["province"] = Q("term", province_id=query.province_id).to_dict()
    if query.commune_id is not None:
        filters["commune"] = Q("term", commune_id=query.commune_id).to_dict()
    if query.category:
        filters["category"] = Q("term", category=query.category).to_dict()
    if query.min_ocop_stars is not None:
        filters["ocop_stars"] = Q("range", ocop_stars={"gte": query.min_ocop_stars}).to_dict()
    if query.min_price is not None or query.max_price is not None:
        bounds = {}
        if query.min_price is not None:
            bounds["gte"] = query.min_price
        if query.max_price is not None:
            bounds["lt"] = query.max_price
        filters["price"] = Q("range", price=bounds).to_dict()
    return filters


def _facet_aggregation(name: str):
    if name == "kind":
        return A("terms", field="kind", size=FACET_TERMS_SIZE)
    if name == "province":
        aggregation = A("terms", field="province_id", size=FACET_TERMS_SIZE)
        aggregation.bucket("name", "terms", field="province_name", size=1)
        return aggregation
    if name == "commune":
        aggregation = A("terms", field="commune_id", size=FACET_TERMS_SIZE)
        aggregation.bucket("name", "terms", field="commune_name", size=1)
        return aggregation
    if name == "category":
        return A("terms", field="category", size=FACET_TERMS_SIZE)
    if name == "ocop_stars":
        return A(
            "range", field="ocop_stars", ranges=[{"key": str(stars), "from": stars} for stars in range(1, 6)]
        )
    if name == "price":
        return A(
            "range",
            field="price",
            ranges=[
                {"key": band, "from": lowest, **({"to": highest} if highest is not None else {})}
                for band, lowest, highest in PRICE_BANDS
            ],
        )
    raise LookupError(name)


def text_query(query) -> dict | None:
    """Every folded word must match somewhere (the last one as a prefix); the typed spelling scores."""
    words = query_words(query.text)
    if not words:
        return None
    typed = " ".join((query.text or "")[:MAX_QUERY_LENGTH].split())
    return Q(
        "bool",
        must=[Q("match_bool_prefix", all_text={"query": " ".join(words), "operator": "and"})],
        should=[
            Q("multi_match", query=typed, fields=["title^3", "summary^2", "text"]),
            Q("match_phrase", title={"query": typed, "boost": 2}),
        ],
    ).to_dict()


def ranking_functions() -> list[dict]:
    """Editorial boost + recency (gauss decay from now) + OCOP stars, summed, times text relevance."""
    return [
        {"field_value_factor": {"field": "boost", "missing": 1.0}},
        {
            "gauss": {"updated_at": {"scale": RECENCY_SCALE, "offset": RECENCY_OFFSET, "decay": 0.5}},
            "weight": 0.5,
        },
        {
            "field_value_factor": {"field": "ocop_stars", "modifier": "log1p", "missing": 0},
            "weight": 0.2,
        },
    ]


def search_body(query: SearchQuery, *, facets: bool = True) -> dict:
    """The full search request body for a :class:`~core.search.documents.SearchQuery`."""
    scope = [Q("term", language=query.language).to_dict()]
    matched = text_query(query)
    base = {"bool": {"filter": scope, **({"must": [matched]} if matched else {})}}
    facet_filters = _facet_filters(query)
    aggregations = {}
    for name in FACET_NAMES if facets else ():
        others = [condition for other, condition in facet_filters.items() if other != name]
        aggregations[name] = {
            "filter": {"bool": {"filter": others}},
            "aggs": {"values": _facet_aggregation(name).to_dict()},
        }
    body = {
        "query": {
            "function_score": {
                "query": base,
                "functions": ranking_functions(),
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        },
        **({"aggs": aggregations} if aggregations else {}),
        "from": (query.page - 1) * query.per_page,
        "size": query.per_page,
        "track_total_hits": True,
        "_source": {"excludes": ["suggest", "text"]},
    }
    if facet_filters:
        body["post_filter"] = {"bool": {"filter": list(facet_filters.values())}}
    return body


def suggest_body(prefix: str, *, language: str, limit: int) -> dict:
    """A completion request: folded prefix, the visitor's language only, duplicates skipped."""
    return {
        "suggest": {
            "titles": {
                "prefix": " ".join(fold_query(prefix, max_length=SUGGEST_MAX_LENGTH).split()),
                "completion": {
                    "field": "suggest",
                    "size": limit,
                    "skip_duplicates": True,
                    "contexts": {"language": [language]},
                },
            }
        },
        "_source": ["title", "kind", "url"],
    }


def facets_from(aggregations: dict) -> dict[str, list[FacetValue]]:
    """The facets of a response, in the database backend's order and labels (see its ``facets``)."""
    kinds = known_kinds()
    categories = known_categories()

    def buckets(name: str) -> list[dict]:
        found = aggregations.get(name, {}).get("values", {}).get("buckets", [])
        return [bucket for bucket in found if bucket.get("doc_count")]

    counts = {bucket["key"]: bucket["doc_count"] for bucket in buckets("kind")}
    facets = {
        "kind": [
            FacetValue(value=kind, label=str(label), count=counts[kind])
            for kind, label in kinds.items()
            if kind in counts
        ]
    }
    for name in ("province", "commune"):
        values = []
        for bucket in buckets(name):
            names = bucket.get("name", {}).get("buckets", [])
            label = names[0]["key"] if names else str(bucket["key"])
            values.append(FacetValue(value=str(bucket["key"]), label=label, count=bucket["doc_count"]))
        facets[name] = sorted(values, key=lambda facet: (-facet.count, facet.label))[:FACET_LIMIT]
    facets["category"] = sorted(
        (
            FacetValue(
                value=bucket["key"],
                label=str(categories.get(bucket["key"], bucket["key"])),
                count=bucket["doc_count"],
            )
            for bucket in buckets("category")
        ),
        key=lambda facet: (-facet.count, facet.value),
    )[:FACET_LIMIT]
    stars = {int(float(bucket["key"])): bucket["doc_count"] for bucket in buckets("ocop_stars")}
    facets["ocop_stars"] = [
        FacetValue(value=str(star), label=f"{star}★+", count=stars[star])
        for star in range(5, 0, -1)
        if star in stars
    ]
    bands = {bucket["key"]: bucket["doc_count"] for bucket in buckets("price")}
    facets["price"] = [
        FacetValue(value=band, label=band, count=bands[band])
        for band, _lowest, _highest in PRICE_BANDS
        if band in bands
    ]
    return facets


def hit_from(hit: dict) -> SearchHit:
    source = hit["_source"]
    location = source.get("location") or {}
    updated_at = source.get("updated_at")
    return SearchHit(
        key=source["key"],
        kind=source["kind"],
        language=source["language"],
        title=source["title"],
        summary=source.get("summary", ""),
        url=source["url"],
        province_id=source.get("province_id"),
        commune_id=source.get("commune_id"),
        province_name=source.get("province_name", ""),
        commune_name=source.get("commune_name", ""),
        category=source.get("category", ""),
        ocop_stars=source.get("ocop_stars"),
        price=source.get("price"),
        latitude=location.get("lat"),
        longitude=location.get("lon"),
        updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
        score=float(hit.get("_score") or 0.0),
    )


def replacing_actions(documents: Iterable, index: str) -> Iterator[dict]:
    """Index ``documents``; delete the other language versions of their keys (a missing one: 404, ignored)."""
    documents = list(documents)
    languages = [code for code, _name in settings.LANGUAGES]
    present: dict[str, set[str]] = {}
    for document in documents:
        present.setdefault(document.key, set()).add(document.language)
    yield from index_actions(documents, index)
    for key, kept in present.items():
        for language in languages:
            if language not in kept:
                yield {"_op_type": "delete", "_index": index, "_id": document_id(key, language)}


class ElasticsearchSearchBackend(SearchBackend):
    """The search backend on Elasticsearch (``settings.SEARCH_BACKEND == "elasticsearch"``).

    Not transactional: :mod:`core.search.indexing` re-indexes after the commit, and a failure (one of
    ``errors``) is logged, to be repaired by ``manage.py search_index build``.
    """

    name = "elasticsearch"
    transactional = False
    errors = (ApiError, TransportError, BulkIndexError)

    def __init__(self, client: Elasticsearch | None = None):
        self._client = client

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = get_client()
        return self._client

    @property
    def alias(self) -> str:
        return alias_name(ITEMS)

    def index(self, documents: Iterable) -> int:
        """Write ``documents`` through the alias, replacing every language of their keys."""
        documents = list(documents)
        if not documents:
            return 0
        ensure_alias(self.client, alias=self.alias, index=items_index)
        helpers.bulk(
            self.client,
            replacing_actions(documents, self.alias),
            chunk_size=BULK_CHUNK_SIZE,
            ignore_status=(404,),
            refresh="wait_for",
        )
        return len(documents)

    def remove(self, keys: Iterable[str]) -> int:
        """Drop every language version of ``keys``; returns how many entries went."""
        keys = sorted(set(keys))
        if not keys or not current_indices(self.client, self.alias):
            return 0
        response = self.client.delete_by_query(
            index=self.alias, query={"terms": {"key": keys}}, refresh=True, conflicts="proceed"
        )
        return int(response["deleted"])

    def search(self, query: SearchQuery, *, facets: bool = True) -> SearchResults:
        response = self.client.search(index=self.alias, **search_body(query, facets=facets))
        return SearchResults(
            hits=[hit_from(hit) for hit in response["hits"]["hits"]],
            total=response["hits"]["total"]["value"],
            facets=facets_from(response.get("aggregations", {})),
        )

    def suggest(self, prefix: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        folded = " ".join(fold_query(prefix, max_length=SUGGEST_MAX_LENGTH).split())
        if len(folded) < SUGGEST_MIN_LENGTH or limit < 1:
            return []
        response = self.client.search(
            index=self.alias, **suggest_body(prefix, language=language, limit=limit)
        )
        options = response["suggest"]["titles"][0]["options"]
        return [
            Suggestion(
                text=option["_source"]["title"], kind=option["_source"]["kind"], url=option["_source"]["url"]
            )
            for option in options
        ]

    def rebuild(self, progress: Progress | None = None) -> int:
        """Build a new index from every registered source, swap the alias to it, delete the old one."""
        _name, loaded = build_and_swap(
            self.client,
            alias=self.alias,
            index=items_index,
            actions=lambda name: index_actions(all_documents(progress), name),
            progress=progress,
            catch_up=self._catch_up,
        )
        return loaded

    def _catch_up(self, since: datetime) -> int:
        """Re-index the items of every event recorded since ``since`` (see :func:`build_and_swap`), and
        those time alone changed meanwhile (the hourly refresh may have written them into the old index)."""
        from django.utils import timezone

        keys = sorted(set(keys_changed_since(since)) | set(keys_due_between(since, timezone.now())))
        for start in range(0, len(keys), BATCH_SIZE):
            reindex(keys[start : start + BATCH_SIZE], backend=self)
        return len(keys)


# --- percolation (stored queries: buyer demands, partner subscriptions) ---------------------------------

PERCOLATE_PAGE_SIZE = 1000


def percolate_body(document: dict, *, id_field: str, extra_filters=(), after: int | None = None) -> dict:
    """Stored queries matching ``document``, in filter context (no scoring), by ``id_field``."""
    body = {
        "query": {
            "bool": {
                "filter": [{"percolate": {"field": "query", "document": document}}, *extra_filters],
            }
        },
        "_source": [id_field],
        "sort": [{id_field: "asc"}],
        "size": PERCOLATE_PAGE_SIZE,
    }
    if after is not None:
        body["search_after"] = [after]
    return body


def percolate(
    client: Elasticsearch, *, alias: str, document: dict, id_field: str, extra_filters=()
) -> list[int]:
    """The ids of every stored query behind ``alias`` that matches ``document`` (paged by id)."""
    if not current_indices(client, alias):
        return []
    found: list[int] = []
    after = None
    while True:
        response = client.search(
            index=alias,
            **percolate_body(document, id_field=id_field, extra_filters=extra_filters, after=after),
        )
        hits = response["hits"]["hits"]
        found.extend(int(hit["_source"][id_field]) for hit in hits)
        if len(hits) < PERCOLATE_PAGE_SIZE:
            return found
        after = found[-1]
