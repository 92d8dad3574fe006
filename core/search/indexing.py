"""Keeping the one search current: registered sources, event-driven re-indexing, full rebuilds.

Every app registers a :class:`core.registries.SearchSource` per kind of item. When a domain event that a
source listens to is recorded, :func:`handle_event` re-reads the keys it touches from their source and
replaces their entries: a listing that is not public any more yields no document and leaves the index.

A transactional backend (the database) re-indexes at once, in the same transaction as the change — a
rollback takes the index change back with it — and once more after the commit, so later writes of the
same transaction are seen. The re-index in the transaction runs in a savepoint: if it fails (a lock
timeout, a deadlock) only the index change is rolled back, a warning is logged, and the business change
goes on — the pass after the commit repairs the entry. Other backends (Elasticsearch) re-index only after
the commit.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.db import transaction

from core.registries import EventHandler, SearchSource, event_handlers, search_sources

from .backends import SearchBackend, get_search_backend
from .documents import SearchDocument

logger = logging.getLogger(__name__)

EVENT_HANDLER_KEY = "core.search-index"
#: documents handed to the backend at a time during a rebuild
BATCH_SIZE = 500


def sources() -> list[SearchSource]:
    return [source for _key, source in sorted(search_sources.items(), key=lambda item: item[1].order)]


def source_for_key(key: str) -> SearchSource | None:
    prefix = key.split(":", 1)[0]
    return search_sources.get(prefix) if prefix in search_sources else None


def known_kinds() -> dict[str, object]:
    """Every document kind with its label, in the sources' order."""
    return {kind: label for source in sources() for kind, label in source.document_kinds()}


def known_categories() -> dict[str, object]:
    """Every category value the sources' documents may carry, with its label."""
    return {value: label for source in sources() for value, label in source.categories}


def documents_for(keys: Iterable[str]) -> list[SearchDocument]:
    """The current documents of ``keys``, asking each source only for its own keys."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        source = source_for_key(key)
        if source is not None:
            by_source[source.kind].append(key)
    documents = []
    for kind, source_keys in by_source.items():
        documents.extend(search_sources.get(kind).documents(source_keys))
    return documents


def reindex(keys: Iterable[str], *, backend: SearchBackend | None = None) -> None:
    """Make the index hold the current documents of ``keys`` (and nothing for keys that are gone)."""
    keys = sorted(set(keys))
    if not keys:
        return
    backend = backend or get_search_backend()
    backend.replace(keys, documents_for(keys))


def all_documents(progress: Callable[[str], None] | None = None) -> Iterator[SearchDocument]:
    """Every document of every source, with a progress line per source."""
    for source in sources():
        count = 0
        for document in source.documents(None):
            count += 1
            yield document
        if progress is not None:
            progress(f"{source.kind}: {count} documents")


def batches(documents: Iterable[SearchDocument], size: int = BATCH_SIZE) -> Iterator[list[SearchDocument]]:
    batch: list[SearchDocument] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def keys_for_event(event) -> list[str]:
    keys: list[str] = []
    for source in sources():
        if source.listens_to(event.name):
            keys.extend(source.affected_keys(event))
    return list(dict.fromkeys(keys))


def keys_changed_since(since) -> list[str]:
    """The keys of every item a domain event recorded since ``since`` touched (a rebuild's catch-up)."""
    from core.models import Event

    keys: set[str] = set()
    for event in Event.objects.filter(occurred_at__gte=since).order_by("pk").iterator(chunk_size=1000):
        keys.update(keys_for_event(event))
    return sorted(keys)


def reindex_committed(keys: list[str]) -> None:
    """Re-index ``keys`` once their change is committed (an ``on_commit`` callback); a failure is logged."""
    backend = get_search_backend()
    try:
        reindex(keys, backend=backend)
    except backend.errors:
        # the change is committed; a failed refresh of the index (the search server is down, a lock
        # timeout) must not turn it into an error page: log it, `rebuild_search_index` repairs the index
        logger.exception("search: re-indexing %s after commit failed", keys)


def handle_event(event) -> None:
    """Event handler: re-index the items ``event`` changed (see the module docstring)."""
    keys = keys_for_event(event)
    if not keys:
        return
    backend = get_search_backend()
    if backend.transactional:
        _reindex_in_transaction(keys, backend)
    transaction.on_commit(lambda: reindex_committed(keys))


def _reindex_in_transaction(keys: list[str], backend: SearchBackend) -> None:
    """Re-index in a savepoint of the caller's transaction; a failure never fails the business write."""
    try:
        with transaction.atomic():
            reindex(keys, backend=backend)
    except backend.errors:
        # the savepoint took the index change back and the caller's transaction goes on; the pass after
        # the commit (`reindex_committed`) writes the entries again
        logger.warning(
            "search: re-indexing %s in the transaction failed; retried after the commit", keys, exc_info=True
        )


EVENT_HANDLER = EventHandler("*", handle_event)


#: when the time-bound refresh last looked (the cache); a first run (or one after the cache was
#: emptied) looks back DUE_LONGEST_LOOK, as does one after the scheduler was down longer than that
DUE_CHECKED_KEY = "search-due-checked-at"
DUE_LONGEST_LOOK = timedelta(days=7)


def keys_due_between(since, until) -> list[str]:
    """The keys every source says time alone changed between ``since`` and ``until``."""
    keys: set[str] = set()
    for source in sources():
        if source.keys_due is not None:
            keys.update(source.keys_due(since, until))
    return sorted(keys)


def refresh_due(*, now=None) -> int:
    """Re-index the documents that time alone changed since the last run (each source's ``keys_due``):
    an expired OCOP rating leaves the stars facet, an expired notice or a past event ranks lower, a
    departure that left no longer prices a tour. Returns how many keys were re-indexed.

    The window starts where the last run ended (kept in the cache; a week back when unknown, and at
    most a week), so a run missed while the scheduler was down is caught up; re-indexing is idempotent,
    so overlapping windows cost nothing but the work."""
    from django.core.cache import cache
    from django.utils import timezone

    now = now or timezone.now()
    checked = cache.get(DUE_CHECKED_KEY)
    since = now - DUE_LONGEST_LOOK if checked is None else max(checked, now - DUE_LONGEST_LOOK)
    keys = keys_due_between(since, now)
    backend = get_search_backend()
    for start in range(0, len(keys), BATCH_SIZE):
        reindex(keys[start : start + BATCH_SIZE], backend=backend)
    cache.set(DUE_CHECKED_KEY, now, timeout=None)
    if keys:
        logger.info("search: %s entries changed by time re-indexed (%s to %s)", len(keys), since, now)
    return len(keys)


def register() -> None:
    """Listen to every recorded event (:func:`handle_event` picks those a source listens to).

    Each app that registers a search source calls it; registering again is harmless."""
    event_handlers.register(EVENT_HANDLER_KEY, EVENT_HANDLER)
