"""Partner subscriptions on Elasticsearch: each subscription is a stored (percolator) query.

The stored query says exactly what :func:`api.matching.subscription_matches` says, as filters over an
item document (:func:`item_document`, built from the same :class:`~api.matching.MatchableItem`):

* ``content_types`` → ``terms`` on ``kind``; ``languages`` → ``terms`` on ``languages`` (any shared);
* ``communes`` *or* ``provinces`` → one ``bool.should`` of the two ``terms`` (an item without a commune
  has neither field and never passes);
* ``categories`` → ``terms`` on ``categories``;
* ``minimum_ocop_stars`` → ``range`` ``gte`` (an item without a current rating has no ``ocop_stars``);
* ``keywords`` → one ``bool.should`` of the alternatives, each a ``bool.filter`` of ``term`` queries on
  ``words`` — the item's folded whole words as keywords, so every word of one alternative must be a
  whole word of the item (``tra`` does not match “trâu”), exactly like the Python rule.

A new or changed item is then percolated once against every stored subscription
(:func:`percolate_subscriptions`), and the answer is narrowed to the subscriptions that still listen
(active, approved partner, ``webhooks`` scope) by :func:`api.webhooks.listening_subscriptions`.
"""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django_tasks import task
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch_dsl import Index, Integer, Keyword, Mapping, Percolator, Q

from core.matching import keyword_alternatives
from core.search.elastic import alias_name, build_and_swap, ensure_alias, events_since, get_client, percolate

from .matching import MatchableItem
from .models import Subscription
from .webhooks import listening_subscriptions

PURPOSE = "subscriptions"
ID_FIELD = "subscription_id"
#: what a cluster that is down or refuses a request raises (the scan path answers instead)
CLUSTER_ERRORS = (ApiError, TransportError)

logger = logging.getLogger(__name__)


def uses_elasticsearch() -> bool:
    return getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch"


def subscriptions_alias() -> str:
    return alias_name(PURPOSE)


def subscriptions_mapping() -> Mapping:
    """The stored query, the subscription id, and the item fields the queries read."""
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("query", Percolator())
    mapping.field(ID_FIELD, Integer())
    mapping.field("kind", Keyword())
    mapping.field("commune_id", Integer())
    mapping.field("province_id", Integer())
    mapping.field("categories", Keyword())
    mapping.field("languages", Keyword())
    mapping.field("ocop_stars", Integer())
    mapping.field("words", Keyword())
    return mapping


def subscriptions_index(name: str) -> Index:
    index = Index(name)
    index.settings(number_of_shards=1)
    index.mapping(subscriptions_mapping())
    return index


def subscription_query(subscription) -> dict:
    """The stored query of ``subscription`` (see the module docstring); ``match_all`` without filters."""
    filters = []
    if subscription.content_types:
        filters.append(Q("terms", kind=sorted(subscription.content_types)))
    if subscription.languages:
        filters.append(Q("terms", languages=sorted(subscription.languages)))
    if subscription.communes or subscription.provinces:
        places = []
        if subscription.communes:
            places.append(Q("terms", commune_id=sorted(subscription.communes)))
        if subscription.provinces:
            places.append(Q("terms", province_id=sorted(subscription.provinces)))
        filters.append(Q("bool", should=places, minimum_should_match=1))
    if subscription.categories:
        filters.append(Q("terms", categories=sorted(subscription.categories)))
    if subscription.minimum_ocop_stars is not None:
        filters.append(Q("range", ocop_stars={"gte": subscription.minimum_ocop_stars}))
    alternatives = keyword_alternatives(subscription.keywords) if subscription.keywords else ()
    if alternatives:
        filters.append(
            Q(
                "bool",
                should=[
                    Q("bool", filter=[Q("term", words=word) for word in sorted(words)])
                    for words in alternatives
                ],
                minimum_should_match=1,
            )
        )
    if not filters:
        return {"match_all": {}}
    return Q("bool", filter=filters).to_dict()


def item_document(item: MatchableItem) -> dict:
    """The document a :class:`~api.matching.MatchableItem` is percolated as (absent facts left out)."""
    document = {
        "kind": item.kind,
        "commune_id": item.commune_id,
        "province_id": item.province_id,
        "categories": sorted(item.categories),
        "languages": sorted(item.languages),
        "ocop_stars": item.ocop_stars,
        "words": sorted(item.words),
    }
    return {name: value for name, value in document.items() if value is not None and value != []}


def stored_source(subscription) -> dict:
    return {"query": subscription_query(subscription), ID_FIELD: subscription.pk}


def index_subscription(subscription, *, client: Elasticsearch | None = None) -> None:
    """Store (or replace) the query of ``subscription``; a subscription that stopped listening is removed."""
    client = client or get_client()
    alias = subscriptions_alias()
    ensure_alias(client, alias=alias, index=subscriptions_index)
    client.index(
        index=alias, id=str(subscription.pk), document=stored_source(subscription), refresh="wait_for"
    )


def remove_subscription(subscription_id: int, *, client: Elasticsearch | None = None) -> None:
    client = client or get_client()
    client.options(ignore_status=404).delete(
        index=subscriptions_alias(), id=str(subscription_id), refresh="wait_for"
    )


def percolate_subscriptions(item: MatchableItem, *, client: Elasticsearch | None = None) -> list[int]:
    """Ids of the listening subscriptions that want ``item`` — the same answer as
    :func:`api.webhooks.matching_subscription_ids`, found by one percolation instead of a scan."""
    candidates = percolate(
        client or get_client(), alias=subscriptions_alias(), document=item_document(item), id_field=ID_FIELD
    )
    if not candidates:
        return []
    listening = set(listening_subscriptions().filter(pk__in=candidates).values_list("pk", flat=True))
    return [subscription_id for subscription_id in candidates if subscription_id in listening]


def rebuild_subscriptions(
    *,
    client: Elasticsearch | None = None,
    progress: Callable[[str], None] | None = None,
    subscriptions: Iterable | None = None,
) -> int:
    """Store every listening subscription in a new index and swap the alias to it; returns how many."""
    client = client or get_client()
    chosen = listening_subscriptions() if subscriptions is None else subscriptions

    def actions(name: str):
        rows = chosen.iterator(chunk_size=2000) if hasattr(chosen, "iterator") else chosen
        for subscription in rows:
            yield {"_index": name, "_id": str(subscription.pk), "_source": stored_source(subscription)}

    def catch_up(since) -> int:  # subscriptions and partners changed while loading (build_and_swap)
        if subscriptions is not None:  # a chosen set (tests, a partial load): nothing to replay
            return 0
        ids: set[int] = set()
        for event in events_since(since, ("api.subscription.", "api.partner.")):
            ids.update(_subscription_ids(event))
        for subscription_id in sorted(ids):
            sync_subscription(subscription_id, client=client)
        return len(ids)

    _name, loaded = build_and_swap(
        client,
        alias=subscriptions_alias(),
        index=subscriptions_index,
        actions=actions,
        progress=progress,
        catch_up=catch_up,
    )
    return loaded


def sync_subscription(subscription_id: int, *, client: Elasticsearch | None = None) -> None:
    """Store a subscription's query again after a change, or drop it when it no longer listens.

    A cluster that is down is logged, not raised: matching falls back to the database scan
    (:func:`api.webhooks.matching_subscription_ids`) and ``rebuild_subscriptions`` repairs the index.
    """
    subscription = listening_subscriptions().filter(pk=subscription_id).first()
    try:
        if subscription is None:
            remove_subscription(subscription_id, client=client)
        else:
            index_subscription(subscription, client=client)
    except CLUSTER_ERRORS:
        logger.warning(
            "subscription %s: the percolator index was not updated", subscription_id, exc_info=True
        )


def on_subscription_event(event) -> None:
    """Event handler for ``api.subscription.*`` and ``api.partner.*``: after the commit, re-store the
    queries of the subscription (or of every subscription of the partner: approval, suspension,
    reinstatement and new terms change which of them listen)."""
    if not uses_elasticsearch():
        return
    for subscription_id in _subscription_ids(event):
        transaction.on_commit(lambda subscription_id=subscription_id: sync_subscription(subscription_id))


def _subscription_ids(event) -> list[int]:
    """The subscriptions an ``api.subscription.*`` or ``api.partner.*`` event touches."""
    if event.name.startswith("api.partner.") and event.subject_type == "api.partner":
        return list(Subscription.objects.filter(partner_id=event.subject_id).values_list("pk", flat=True))
    return [
        subscription_id for subscription_id in [(event.payload or {}).get("subscription")] if subscription_id
    ]


@task()
def rebuild_subscriptions_task() -> int:
    """The daily rebuild of the subscriptions percolator: repairs stored queries a cluster outage kept
    from following their subscription (those are logged when it happens)."""
    return rebuild_subscriptions()
