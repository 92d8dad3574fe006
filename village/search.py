"""The one site search: every live page in the visitor's language, plus registered searchables.

The query is folded (``core.text.fold_query``) and matched against each page's folded copy
(``VillageBasePage.folded_text``), so diacritics are optional on SQLite, PostgreSQL and Elasticsearch.
"""

from dataclasses import dataclass

from wagtail.models import Locale, Page

from core.registries import searchables
from core.text import fold_query

MAX_QUERY_LENGTH = 200


@dataclass
class SearchOutcome:
    query: str
    folded_query: str
    pages: list
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


def site_search(query: str, *, locale: Locale | None = None, limit: int = 50) -> SearchOutcome:
    folded = fold_query(query, max_length=MAX_QUERY_LENGTH)
    results = list(search_pages(query, locale=locale, limit=limit)) if folded else []
    for _key, searchable in searchables.items():
        results.extend(searchable.queryset().search(folded, operator="and")[:limit] if folded else [])
    return SearchOutcome(
        query=query, folded_query=folded, pages=results, too_long=len(query or "") > MAX_QUERY_LENGTH
    )
