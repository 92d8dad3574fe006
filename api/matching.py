"""Does a partner's subscription want to hear about an item? One rule, :func:`subscription_matches`.

A subscription's filters narrow what it receives; an empty filter lets everything through:

* **place** — ``communes`` and ``provinces`` describe one area together: the item's commune is one of
  ``communes`` *or* its province is one of ``provinces`` (canonical ids, the same in every language,
  see :mod:`api.places`). Items without a commune never pass a place filter.
* **content_types** — the item's kind (``guide``, ``product``, ``stay``… see ``ItemKind``).
* **categories** — product categories (``tea``), guide topics (``payments``), event kinds
  (``festival``); the item must carry one of them.
* **languages** — the item is available in one of them (a page in its own language; a product or a
  listing in Vietnamese, and in English once translated).
* **minimum_ocop_stars** — only items with a *current* OCOP rating of at least that many stars
  (so only products pass).
* **keywords** — comma-separated alternatives; one alternative matches when every one of its words
  is a word of the item (title, summary, category), compared without diacritics and case, so
  ``tra shan`` matches “Trà Shan Tuyết” and ``mat ong, che`` matches honey or tea. Whole words only:
  ``tra`` does not match “trâu”.

:func:`prefilter` narrows a queryset of subscriptions in SQL first (a superset of the matches, the same
on SQLite and PostgreSQL); :func:`subscription_matches` then decides exactly, in Python. On PostgreSQL,
:func:`decided_in_sql` states the same rule in SQL — ``jsonb`` containment for the lists, the keyword
alternatives stored folded on the row (``Subscription.keyword_sets``, :func:`keyword_sets_of`) and
compared with ``<@`` — so a new listing's ten thousand subscriptions are decided by the database and only
the matching ids come back (a test compares both ways over random filters and items). Words, places and
stars are compared by the pieces in :mod:`core.matching`, the same ones buyer demands are matched with
(``market.matching``).
"""

import json
from dataclasses import dataclass

from django.db.models import BooleanField, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from core.matching import (
    KEYWORD_SEPARATORS,
    alternatives_match,
    folded_word_set,
    keyword_alternatives,
    ocop_passes,
    place_matches,
)

__all__ = [
    "KEYWORD_SEPARATORS",
    "MatchableItem",
    "decided_in_sql",
    "keyword_alternatives",
    "keyword_sets_of",
    "prefilter",
    "subscription_matches",
]


@dataclass(frozen=True)
class MatchableItem:
    """The facts about an item that subscriptions filter on (built once per item, shared by all)."""

    kind: str
    commune_id: int | None = None
    province_id: int | None = None
    categories: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    ocop_stars: int | None = None
    words: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        *,
        kind: str,
        commune_id: int | None = None,
        province_id: int | None = None,
        categories=(),
        languages=(),
        ocop_stars: int | None = None,
        texts=(),
    ) -> "MatchableItem":
        words = folded_word_set(*texts)
        return cls(
            kind=kind,
            commune_id=commune_id,
            province_id=province_id,
            categories=frozenset(category for category in categories if category),
            languages=frozenset(languages),
            ocop_stars=ocop_stars,
            words=words,
        )


def subscription_matches(subscription, item: MatchableItem) -> bool:
    """True when every filter of ``subscription`` lets ``item`` through (see the module docstring)."""
    if subscription.content_types and item.kind not in subscription.content_types:
        return False
    if subscription.languages and not item.languages.intersection(subscription.languages):
        return False
    if not place_matches(
        commune_id=item.commune_id,
        province_id=item.province_id,
        communes=subscription.communes,
        provinces=subscription.provinces,
    ):
        return False
    if subscription.categories and not item.categories.intersection(subscription.categories):
        return False
    if not ocop_passes(item.ocop_stars, subscription.minimum_ocop_stars):
        return False
    return not subscription.keywords or alternatives_match(
        keyword_alternatives(subscription.keywords), item.words
    )


TEXT_COPIES = {
    name: f"{name}_as_text" for name in ("communes", "provinces", "content_types", "categories", "languages")
}


def _json_list_has(field: str, values) -> Q:
    """Rows whose JSON list ``field`` is empty or (as text) holds one of ``values``: a superset of "has".

    JSON containment is not portable (SQLite has none), but the JSON text is: strings are searched with
    their quotes (``"tea"``); numbers without, which may also hit ``112`` for ``12`` — the exact check in
    Python removes those.
    """
    text = TEXT_COPIES[field]
    condition = Q(**{text: "[]"})
    for value in values:
        needle = f'"{value}"' if isinstance(value, str) else str(value)
        condition |= Q(**{f"{text}__contains": needle})
    return condition


def prefilter(queryset, item: MatchableItem):
    """Narrow ``queryset`` (subscriptions) in SQL to a superset of those matching ``item``."""
    queryset = queryset.annotate(**{text: Cast(name, TextField()) for name, text in TEXT_COPIES.items()})
    queryset = queryset.filter(
        _json_list_has("content_types", [item.kind]),
        _json_list_has("languages", sorted(item.languages)),
        _json_list_has("categories", sorted(item.categories)),
    )
    if item.ocop_stars is None:
        queryset = queryset.filter(minimum_ocop_stars__isnull=True)
    else:
        queryset = queryset.filter(
            Q(minimum_ocop_stars__isnull=True) | Q(minimum_ocop_stars__lte=item.ocop_stars)
        )
    places = Q(communes_as_text="[]", provinces_as_text="[]")
    if item.commune_id is not None:
        places |= Q(communes_as_text__contains=str(item.commune_id))
    if item.province_id is not None:
        places |= Q(provinces_as_text__contains=str(item.province_id))
    return queryset.filter(places)


def keyword_sets_of(keywords: str) -> list[list[str]]:
    """The keyword alternatives as stored on a subscription (``keyword_sets``): folded words, sorted.

    Kept by ``Subscription.save()``; a change to how keywords are folded or split (``core.matching``)
    needs a data migration that recomputes the column (as ``api/migrations/0002`` fills it), or
    PostgreSQL and the Python rule would disagree."""
    return [sorted(alternative) for alternative in keyword_alternatives(keywords or "")]


def _jsonb_list_allows(field: str, values) -> Q:
    """PostgreSQL: the ``jsonb`` list ``field`` is empty or holds one of the strings ``values`` (``?|``)."""
    condition = Q(**{field: []})
    if values:
        condition |= Q(**{f"{field}__has_any_keys": sorted(values)})
    return condition


def decided_in_sql(queryset, item: MatchableItem):
    """PostgreSQL only: exactly the subscriptions of ``queryset`` that :func:`subscription_matches` lets
    ``item`` through, decided by the database. Read it directly (it names the subscription table, so it
    cannot be nested as a subquery, where Django would alias that table)."""
    table = queryset.model._meta.db_table
    queryset = queryset.filter(
        _jsonb_list_allows("content_types", [item.kind]),
        _jsonb_list_allows("languages", item.languages),
        _jsonb_list_allows("categories", item.categories),
    )
    if item.ocop_stars is None:
        queryset = queryset.filter(minimum_ocop_stars__isnull=True)
    else:
        queryset = queryset.filter(
            Q(minimum_ocop_stars__isnull=True) | Q(minimum_ocop_stars__lte=item.ocop_stars)
        )
    places = Q(communes=[], provinces=[])
    if item.commune_id is not None:
        places |= Q(communes__contains=[item.commune_id])
    if item.province_id is not None:
        places |= Q(provinces__contains=[item.province_id])
    # one alternative whose every word is a word of the item (an empty list: no keywords to match); the
    # table is the model's own name and the words a bound parameter
    alternative_fits = RawSQL(  # noqa: S611
        f'EXISTS (SELECT 1 FROM jsonb_array_elements("{table}"."keyword_sets") AS alternative '  # noqa: S608
        "WHERE alternative <@ %s::jsonb)",
        (json.dumps(sorted(item.words)),),
        output_field=BooleanField(),
    )
    return queryset.filter(places).filter(Q(keyword_sets=[]) | Q(alternative_fits))
