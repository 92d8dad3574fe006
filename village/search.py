"""The one site search: every live page in the visitor's language, plus registered searchables.

The query is folded (``core.text.fold_query``) and matched against each page's folded copy
(``VillageBasePage.folded_text``), so diacritics are optional on SQLite, PostgreSQL and Elasticsearch.
"""

from dataclasses import dataclass, field

from wagtail.models import Locale, Page

from core.registries import SearchHit, searchables
from core.text import fold_query

MAX_QUERY_LENGTH = 200


@dataclass
class OtherResults:
    """Hits from one registered searchable (products, stays…), with a link to that app's full search."""

    label: str
    hits: list[SearchHit]
    more_url: str = ""


@dataclass
class SearchOutcome:
    query: str
    folded_query: str
    pages: list
    others: list[OtherResults] = field(default_factory=list)
    too_long: bool = False


def search_pages(query: str, *, locale: Locale | None = None, limit: int = 50):
    """Live, public pages of ``locale`` matching ``query`` with or without diacritics, best first."""
    folded = fold_query(query, max_length=MAX_QUERY_LENGTH)
    if not folded:
        return Page.objects.none()
    pages = Page.objects.live().public().filter(depth__gt=1)
    if locale is not None:
        pages = pages.filter(locale=locale)
    return pages.search(folded, operator="and")[:limit]


def site_search(
    query: str, *, locale: Locale | None = None, limit: int = 50, others_limit: int = 5
) -> SearchOutcome:
    """Pages of the visitor's language, then a few hits from each registered searchable."""
    folded = fold_query(query, max_length=MAX_QUERY_LENGTH)
    pages = list(search_pages(query, locale=locale, limit=limit)) if folded else []
    others = []
    if folded:
        registered = sorted((entry for _key, entry in searchables.items()), key=lambda entry: entry.order)
        for searchable in registered:
            hits = searchable.search(folded.split(), others_limit)
            if hits:
                more = searchable.more_url(query) if searchable.more_url else ""
                others.append(OtherResults(label=searchable.label, hits=hits, more_url=more))
    return SearchOutcome(
        query=query,
        folded_query=folded,
        pages=pages,
        others=others,
        too_long=len(query or "") > MAX_QUERY_LENGTH,
    )
