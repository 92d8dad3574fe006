"""Demand ↔ supply matching on Elasticsearch (``settings.SEARCH_BACKEND == "elasticsearch"``).

Two indices, each behind an alias (``<prefix>-products``, ``<prefix>-demands``), with the same product
fields (:func:`product_fields`):

* **products** — one document per listing (:func:`product_document`): category, unit, price, stock,
  current OCOP stars and certifications, harvest months, the producer's commune as a ``geo_point``,
  the names and descriptions under the Vietnamese analyzer, and the folded whole words as keywords.
  :func:`candidate_product_ids` asks it for a demand's candidates (filters for what a demand cannot do
  without, ``should`` clauses for its words, ``function_score`` for price fit, quantity, OCOP and
  distance); :mod:`market.matching` then scores them in Python and explains.
* **demands** — the **percolator**: one stored query per open demand (:func:`demand_query`), so a new
  or changed listing finds the demands that want it in one request (:func:`percolate_demands`).

A demand *wants* a listing when :mod:`market.matching` would score the pair and call it a fit — the
same hard filters (listed; not the buyer's own; a unit that converts to the demand's — kg ↔ g, l ↔ ml,
countables only to themselves; the demand's category when it names one; every required certification
and the minimum OCOP stars, current; stock now or a harvest month before the needed-by date) and at least
one significant word of the demand (``core.matching.significant_words``, with ``chè``/``trà`` standing
in for each other) among the listing's words. The harvest window is the one of the day the query was
stored; it only shrinks, so percolation may return a demand the scorer then rules out (the caller scores
every demand found), never miss one. :func:`rebuild_demands` (daily) stores them afresh.
"""

import logging
import math
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django_tasks import task
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch_dsl import (
    Boolean,
    Date,
    GeoPoint,
    Index,
    Integer,
    Keyword,
    Long,
    Mapping,
    Percolator,
    Q,
)

from core.matching import folded_words, significant_words
from core.search.elastic import (
    alias_name,
    build_and_swap,
    ensure_alias,
    events_since,
    get_client,
    percolate,
    vietnamese_text,
)
from core.text import fold_query

from .matching import SYNONYMS
from .matching import _window_months as harvest_window
from .models import BuyerDemand, Category, Certification, DemandStatus, Product, ReviewStatus
from .units import convert as convert_quantity
from .units import convertible_units, price_per
from .zones import province_centre

CLUSTER_ERRORS = (ApiError, TransportError)

logger = logging.getLogger(__name__)

PRODUCTS = "products"
DEMANDS = "demands"
DEMAND_ID_FIELD = "demand_id"

#: candidate retrieval only (the final order is market.matching's): what each fit adds to the text score
PRICE_FIT_WEIGHT = 2.0
QUANTITY_FIT_WEIGHT = 1.5
OCOP_WEIGHT = 0.5
DISTANCE_WEIGHT = 2.0
#: distance decay: full score within the offset, half at offset + scale
DISTANCE_OFFSET = "50km"
DISTANCE_SCALE = "300km"


def products_alias() -> str:
    return alias_name(PRODUCTS)


def demands_alias() -> str:
    return alias_name(DEMANDS)


# --- the product fields, shared by both indices -------------------------------------------------------


def product_fields(mapping: Mapping) -> Mapping:
    mapping.field("product_id", Integer())
    mapping.field("producer_id", Integer())
    mapping.field("owner_id", Integer())
    mapping.field("listed", Boolean())
    mapping.field("category", Keyword())
    mapping.field("unit", Keyword())
    mapping.field("price", Long())
    mapping.field("stock", Integer())
    mapping.field("ocop_stars", Integer())
    mapping.field("certifications", Keyword())
    mapping.field("harvest_months", Integer())
    mapping.field("location", GeoPoint())
    mapping.field("title", vietnamese_text())
    mapping.field("text", vietnamese_text())
    mapping.field("words", Keyword())
    mapping.field("updated_at", Date())
    return mapping


def products_index(name: str) -> Index:
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    index = Index(name)
    index.settings(number_of_shards=1)
    index.mapping(product_fields(mapping))
    return index


def demands_index(name: str) -> Index:
    """The percolator index: the stored query, the demand's id and needed-by date, the product fields."""
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("query", Percolator())
    mapping.field(DEMAND_ID_FIELD, Integer())
    mapping.field("needed_by", Date())
    index = Index(name)
    index.settings(number_of_shards=1)
    index.mapping(product_fields(mapping))
    return index


# --- products -------------------------------------------------------------------------------------------


def _is_listed(product: Product) -> bool:
    producer = product.producer
    return (
        product.review_status == ReviewStatus.APPROVED
        and producer.review_status == ReviewStatus.APPROVED
        and product.deleted_at is None
        and producer.deleted_at is None
    )


def _current_ocop_stars(product: Product, today) -> int | None:
    try:
        rating = product.ocop
    except Product.ocop.RelatedObjectDoesNotExist:
        return None
    return rating.stars if rating.is_current(today) else None


def _category_labels(category: str) -> list[str]:
    """The category's label in every site language ("Chè", "Tea"), so words in either find it."""
    labels: list[str] = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            label = str(Category(category).label) if category in Category.values else category
        if label and label not in labels:
            labels.append(label)
    return labels


def product_document(product: Product, *, today=None) -> dict:
    """The matching document of ``product`` (its producer and commune read; absent facts left out)."""
    today = today or timezone.localdate()
    commune = product.producer.commune
    category_labels = _category_labels(product.category)
    document = {
        "product_id": product.pk,
        "producer_id": product.producer_id,
        "owner_id": product.producer.owner_id,
        "listed": _is_listed(product),
        "category": product.category,
        "unit": product.unit,
        "price": product.price,
        "stock": product.stock,
        "ocop_stars": _current_ocop_stars(product, today),
        "certifications": sorted(
            {
                certification.kind
                for certification in product.certifications.all()
                if certification.is_current(today)
            }
        ),
        "harvest_months": sorted(product.harvest_months or []),
        "title": " ".join(part for part in (product.name_vi, product.name_en) if part),
        "text": " ".join(
            part for part in (product.description_vi, product.description_en, *category_labels) if part
        ),
        "words": sorted(
            {
                word
                for part in (
                    product.name_vi,
                    product.name_en,
                    product.description_vi,
                    product.description_en,
                    *category_labels,
                )
                if part
                for word in fold_query(part, max_length=10_000).split()
            }
        ),
        "updated_at": product.updated_at.isoformat() if product.updated_at else None,
    }
    if commune.latitude is not None and commune.longitude is not None:
        document["location"] = {"lat": float(commune.latitude), "lon": float(commune.longitude)}
    return {name: value for name, value in document.items() if value is not None and value != []}


def products_for_indexing():
    return Product.all_objects.select_related("producer__commune", "ocop").prefetch_related(
        Prefetch("certifications", queryset=Certification.objects.order_by("pk"))
    )


def index_products(products: Iterable[Product], *, client: Elasticsearch | None = None) -> int:
    """Write ``products`` to the products index (an unlisted one is written with ``listed: false``)."""
    from elasticsearch import helpers

    client = client or get_client()
    alias = products_alias()
    ensure_alias(client, alias=alias, index=products_index)
    actions = (
        {"_index": alias, "_id": str(product.pk), "_source": product_document(product)}
        for product in products
    )
    written, _errors = helpers.bulk(client, actions, refresh="wait_for")
    return written


def remove_products(product_ids: Iterable[int], *, client: Elasticsearch | None = None) -> None:
    from elasticsearch import helpers

    client = client or get_client()
    actions = ({"_op_type": "delete", "_index": products_alias(), "_id": str(pk)} for pk in product_ids)
    helpers.bulk(client, actions, ignore_status=(404,), refresh="wait_for")


def rebuild_products(
    *, client: Elasticsearch | None = None, progress: Callable[[str], None] | None = None
) -> int:
    """Every listed product into a new index; the alias swapped to it. Returns how many."""
    client = client or get_client()
    today = timezone.localdate()

    def actions(name: str):
        for product in products_for_indexing().listed().order_by("pk").iterator(chunk_size=1000):
            yield {"_index": name, "_id": str(product.pk), "_source": product_document(product, today=today)}

    def catch_up(since) -> int:  # listings changed while loading (build_and_swap)
        events = events_since(since, ("market.product.", "market.producer."))
        product_ids = sorted({pk for event in events for pk in product_ids_for_event(event)})
        if product_ids:
            sync_products(product_ids, client=client)
        return len(product_ids)

    _name, loaded = build_and_swap(
        client,
        alias=products_alias(),
        index=products_index,
        actions=actions,
        progress=progress,
        catch_up=catch_up,
    )
    return loaded


# --- demands --------------------------------------------------------------------------------------------


def demand_words(demand: BuyerDemand) -> list[str]:
    """The significant folded words of the title and keywords, with their synonyms (chè ↔ trà)."""
    words = significant_words(folded_words(f"{demand.title} {demand.keywords}", max_length=500))
    return sorted(words | {synonym for word in words for synonym in SYNONYMS.get(word, ())})


def _hard_filters(demand: BuyerDemand, *, today) -> list:
    """What a listing must be for ``demand`` (the scorer's hard filters, as Elasticsearch filters)."""
    filters = [Q("term", listed=True), Q("terms", unit=sorted(convertible_units(demand.unit)))]
    if demand.category:
        filters.append(Q("term", category=demand.category))
    for certification in sorted(set(demand.required_certifications or ())):
        filters.append(Q("term", certifications=certification))
    if demand.minimum_ocop_stars:
        filters.append(Q("range", ocop_stars={"gte": demand.minimum_ocop_stars}))
    supply = [Q("range", stock={"gt": 0})]
    window = sorted(harvest_window(today, demand.needed_by))
    if window:
        supply.append(Q("terms", harvest_months=window))
    filters.append(Q("bool", should=supply, minimum_should_match=1))
    return filters


def demand_query(demand: BuyerDemand, *, today=None) -> dict:
    """The stored (percolator) query: which listings ``demand`` wants (see the module docstring)."""
    today = today or timezone.localdate()
    words = demand_words(demand)
    if not words:
        return {"match_none": {}}
    return Q(
        "bool",
        filter=[
            *_hard_filters(demand, today=today),
            Q("bool", should=[Q("term", words=word) for word in words], minimum_should_match=1),
        ],
        must_not=[Q("term", owner_id=demand.buyer_id)],
    ).to_dict()


def stored_demand(demand: BuyerDemand) -> dict:
    return {
        "query": demand_query(demand),
        DEMAND_ID_FIELD: demand.pk,
        "needed_by": demand.needed_by.isoformat(),
    }


def _is_open(demand: BuyerDemand, today) -> bool:
    return demand.status == DemandStatus.OPEN and demand.needed_by >= today


def index_demand(demand: BuyerDemand, *, client: Elasticsearch | None = None) -> None:
    """Store the query of an open demand; a demand that is not open any more is removed instead."""
    client = client or get_client()
    if not _is_open(demand, timezone.localdate()):
        remove_demand(demand.pk, client=client)
        return
    alias = demands_alias()
    ensure_alias(client, alias=alias, index=demands_index)
    client.index(index=alias, id=str(demand.pk), document=stored_demand(demand), refresh="wait_for")


def remove_demand(demand_id: int, *, client: Elasticsearch | None = None) -> None:
    client = client or get_client()
    client.options(ignore_status=404).delete(index=demands_alias(), id=str(demand_id), refresh="wait_for")


def percolate_demands(product: Product, *, client: Elasticsearch | None = None) -> list[int]:
    """Ids of the open demands that want ``product`` (stored queries whose needed-by date has not passed,
    checked again in the database: a demand closed a moment ago is not returned)."""
    today = timezone.localdate()
    candidates = percolate(
        client or get_client(),
        alias=demands_alias(),
        document=product_document(product, today=today),
        id_field=DEMAND_ID_FIELD,
        extra_filters=[{"range": {"needed_by": {"gte": today.isoformat()}}}],
    )
    if not candidates:
        return []
    still_open = set(
        BuyerDemand.objects.filter(
            pk__in=candidates, status=DemandStatus.OPEN, needed_by__gte=today
        ).values_list("pk", flat=True)
    )
    return [demand_id for demand_id in candidates if demand_id in still_open]


def rebuild_demands(
    *, client: Elasticsearch | None = None, progress: Callable[[str], None] | None = None
) -> int:
    """Every open demand's query into a new percolator index; the alias swapped to it. Returns how many."""
    client = client or get_client()
    today = timezone.localdate()

    def actions(name: str):
        demands = BuyerDemand.objects.filter(status=DemandStatus.OPEN, needed_by__gte=today).order_by("pk")
        for demand in demands.iterator(chunk_size=1000):
            yield {"_index": name, "_id": str(demand.pk), "_source": stored_demand(demand)}

    def catch_up(since) -> int:  # demands posted, changed or closed while loading (build_and_swap)
        events = events_since(since, DEMAND_EVENTS)
        demand_ids = sorted({pk for event in events if (pk := _subject_pk(event)) is not None})
        for demand_id in demand_ids:
            sync_demand(demand_id, client=client)
        return len(demand_ids)

    _name, loaded = build_and_swap(
        client,
        alias=demands_alias(),
        index=demands_index,
        actions=actions,
        progress=progress,
        catch_up=catch_up,
    )
    return loaded


# --- candidates for a demand ----------------------------------------------------------------------------


def delivery_point(demand: BuyerDemand) -> dict | None:
    """The delivery point as a ``geo_point``: the demand's own, else its province's seat."""
    if demand.delivery_latitude is not None and demand.delivery_longitude is not None:
        return {"lat": float(demand.delivery_latitude), "lon": float(demand.delivery_longitude)}
    centre = province_centre(demand.delivery_province)
    return {"lat": centre[0], "lon": centre[1]} if centre else None


def candidate_search_body(demand: BuyerDemand, *, limit: int, today=None) -> dict:
    """The search body of :func:`candidate_product_ids`: the hard filters, the demand's words (required
    when it names no category), and ``function_score`` for price fit, quantity, OCOP and distance."""
    today = today or timezone.localdate()
    units = sorted(convertible_units(demand.unit))
    words = demand_words(demand)
    if not words and not demand.category:
        return {"query": {"match_none": {}}, "size": 0}
    should = []
    if words:
        should = [
            Q("terms", words=words),
            Q("multi_match", query=" ".join(words), fields=["title^2", "text"]),
        ]
    base = Q(
        "bool",
        filter=_hard_filters(demand, today=today),
        must_not=[Q("term", owner_id=demand.buyer_id)],
        should=should,
        minimum_should_match=0 if demand.category else 1,
    )
    functions = []
    if demand.max_unit_price:
        fits = [
            Q("bool", filter=[Q("term", unit=unit), Q("range", price={"lte": int(highest)})])
            for unit in units
            if (highest := price_per(demand.max_unit_price, demand.unit, unit)) is not None
        ]
        functions.append(
            {"filter": Q("bool", should=fits, minimum_should_match=1).to_dict(), "weight": PRICE_FIT_WEIGHT}
        )
    coverage = [
        Q("bool", filter=[Q("term", unit=unit), Q("range", stock={"gte": math.ceil(needed)})])
        for unit in units
        if (needed := convert_quantity(demand.quantity, demand.unit, unit)) is not None
    ]
    functions.append(
        {
            "filter": Q("bool", should=coverage, minimum_should_match=1).to_dict(),
            "weight": QUANTITY_FIT_WEIGHT,
        }
    )
    functions.append(
        {
            "field_value_factor": {"field": "ocop_stars", "modifier": "log1p", "missing": 0},
            "weight": OCOP_WEIGHT,
        }
    )
    point = delivery_point(demand)
    if point is not None:
        functions.append(
            {
                "gauss": {"location": {"origin": point, "offset": DISTANCE_OFFSET, "scale": DISTANCE_SCALE}},
                "weight": DISTANCE_WEIGHT,
            }
        )
    return {
        "query": {
            "function_score": {
                "query": base.to_dict(),
                "functions": functions,
                "score_mode": "sum",
                "boost_mode": "sum",
            }
        },
        "_source": ["product_id"],
        "sort": ["_score", {"product_id": "asc"}],
        "size": limit,
    }


def candidate_product_ids(
    demand: BuyerDemand, limit: int, *, client: Elasticsearch | None = None
) -> list[int]:
    """The ``limit`` best candidate listings for ``demand``, best first (product ids)."""
    client = client or get_client()
    body = candidate_search_body(demand, limit=limit)
    if not body["size"]:
        return []
    response = client.search(index=products_alias(), **body)
    return [int(hit["_source"]["product_id"]) for hit in response["hits"]["hits"]]


# --- keeping both indices current (SEARCH_BACKEND == "elasticsearch") ----------------------------------

#: a demand event whose subject is the demand: its stored query is written again or removed
#: the events after which a demand's stored query is written again or removed (the live handler and a
#: rebuild's catch-up follow the same list)
DEMAND_EVENTS = (
    "market.demand.posted",
    "market.demand.updated",
    "market.demand.closed",
    "market.demand.fulfilled",
    "market.demand.reopened",
    "market.demand.expired",
)


def uses_elasticsearch() -> bool:
    return getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch"


def sync_products(product_ids: Iterable[int], *, client: Elasticsearch | None = None) -> None:
    """Write the products' current matching documents again; a product that is gone is removed.

    A cluster that is down is logged, not raised: the change is committed, matching keeps answering and
    ``rebuild_products`` repairs the index.
    """
    product_ids = sorted(set(product_ids))
    if not product_ids:
        return
    try:
        products = list(products_for_indexing().filter(pk__in=product_ids).order_by("pk"))
        found = {product.pk for product in products}
        if products:
            index_products(products, client=client)
        gone = [pk for pk in product_ids if pk not in found]
        if gone:
            remove_products(gone, client=client)
    except CLUSTER_ERRORS:
        logger.warning("products %s: the products index was not updated", product_ids, exc_info=True)


def sync_demand(demand_id: int, *, client: Elasticsearch | None = None) -> None:
    """Store an open demand's query again, or remove it (closed, fulfilled, expired, deleted).

    A cluster that is down is logged, not raised; ``rebuild_demands`` (daily) repairs the index.
    """
    try:
        demand = BuyerDemand.objects.filter(pk=demand_id).first()
        if demand is None:
            remove_demand(demand_id, client=client)
        else:
            index_demand(demand, client=client)
    except CLUSTER_ERRORS:
        logger.warning("demand %s: the percolator index was not updated", demand_id, exc_info=True)


def _subject_pk(event) -> int | None:
    value = str(getattr(event, "subject_id", "") or "")
    return int(value) if value.isdigit() else None


def product_ids_for_event(event) -> list[int]:
    """A product's own events touch it; a producer's (approved, suspended, renamed…) all of its products."""
    subject = _subject_pk(event)
    if subject is None:
        return []
    if event.name.startswith("market.product."):
        return [subject]
    return list(Product.all_objects.filter(producer_id=subject).values_list("pk", flat=True))


def on_product_event(event) -> None:
    """Event handler for ``market.product.*`` and ``market.producer.*``: the products index follows after
    the commit (an unlisted product is written with ``listed: false``, a deleted one removed)."""
    if not uses_elasticsearch():
        return
    product_ids = product_ids_for_event(event)
    if product_ids:
        transaction.on_commit(lambda: sync_products(product_ids))


def on_demand_event(event) -> None:
    """Event handler for the demand events (:data:`DEMAND_EVENTS`): the stored query follows after the
    commit."""
    if not uses_elasticsearch():
        return
    demand_id = _subject_pk(event)
    if demand_id is not None:
        transaction.on_commit(lambda: sync_demand(demand_id))


@task()
def rebuild_demands_task() -> int:
    """The daily rebuild of the demands percolator: the stored harvest windows are those of the day a
    query was stored, and demands whose needed-by date has passed leave the index."""
    return rebuild_demands()
