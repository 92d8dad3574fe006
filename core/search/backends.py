"""The one search's backends: one interface, chosen by ``settings.SEARCH_BACKEND``.

``"database"`` (the default; SQLite and PostgreSQL) keeps the index in ``core.SearchEntry``;
``"elasticsearch"`` (``core.search.elastic``) keeps it in Elasticsearch. Both take and give the
dataclasses of :mod:`core.search.documents`.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils.module_loading import import_string

from .documents import SearchDocument, SearchQuery, SearchResults, Suggestion

BACKENDS = {
    "database": "core.search.database.DatabaseSearchBackend",
    "elasticsearch": "core.search.elastic.ElasticsearchSearchBackend",
}


class SearchBackend:
    """What every backend does. ``transactional`` backends write in the caller's database transaction
    (so an index change is rolled back with the change that caused it)."""

    name = ""
    transactional = False
    #: what a failing call of this backend raises (logged, not fatal, when re-indexing after a commit)
    errors: tuple[type[BaseException], ...] = ()

    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Store ``documents``, replacing every language of their keys; returns how many were stored."""
        raise NotImplementedError

    def remove(self, keys: Iterable[str]) -> int:
        """Drop every entry of ``keys`` (all languages); returns how many entries went."""
        raise NotImplementedError

    def replace(self, keys: Iterable[str], documents: Iterable[SearchDocument]) -> None:
        """Make the index hold exactly ``documents`` for ``keys``: keys without a document are dropped."""
        keys = set(keys)
        documents = list(documents)
        gone = keys - {document.key for document in documents}
        if gone:
            self.remove(gone)
        if documents:
            self.index(documents)

    def search(self, query: SearchQuery, *, facets: bool = True) -> SearchResults:
        raise NotImplementedError

    def suggest(self, prefix: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        raise NotImplementedError

    def rebuild(self, progress: Callable[[str], None] | None = None) -> int:
        """Index every document of every registered source from scratch; returns how many."""
        raise NotImplementedError


def backend_name() -> str:
    configured = getattr(settings, "SEARCH_BACKEND", "") or "database"
    if configured not in BACKENDS:
        raise ValueError(f"SEARCH_BACKEND must be one of {sorted(BACKENDS)}, not {configured!r}")
    return configured


def get_search_backend(name: str | None = None) -> SearchBackend:
    """The configured backend (or the one named). The Elasticsearch module is imported only when chosen."""
    return import_string(BACKENDS[name or backend_name()])()
