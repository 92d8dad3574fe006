"""Explicit registries: how a lower floor hears from a higher one without importing it.

Each app fills them in its ``AppConfig.ready()`` with plain calls — no Django signals drive flows.

* ``event_handlers``: called in the same transaction when an event is recorded (e.g. ``api`` writes
  outbox deliveries for partner webhooks).
* ``payables``: kinds of thing that can be paid for (orders, bookings); ``payments`` calls them back.
* ``indicators``: computed digital-village indicators that ``village`` shows.
* ``searchables``: what the one site search page (in ``village``) looks through besides pages.
* ``search_sources``: what ``core.search`` indexes (pages, products, stays…), each with the domain events
  that change it.
* ``periodic_jobs``: tasks to enqueue on a schedule (``manage.py run_periodic``).
* ``search_indices``: the Elasticsearch indices besides the items index, each with its rebuild
  (``manage.py search_index build``).
"""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Registry:
    """A named collection of entries keyed by a unique key; registering a key twice is a bug."""

    def __init__(self, name: str):
        self.name = name
        self._entries: dict[str, Any] = {}

    def register(self, key: str, entry: Any) -> Any:
        if key in self._entries and self._entries[key] is not entry:
            raise ValueError(f"{self.name}: {key!r} is already registered")
        self._entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def get(self, key: str) -> Any:
        try:
            return self._entries[key]
        except KeyError as error:
            raise LookupError(f"{self.name}: nothing registered as {key!r}") from error

    def items(self) -> list[tuple[str, Any]]:
        return sorted(self._entries.items())

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class EventHandler:
    """Calls ``handler(event)`` for every recorded event whose name matches ``pattern`` (glob)."""

    pattern: str
    handler: Callable[[Any], None]

    def matches(self, event_name: str) -> bool:
        return fnmatch.fnmatchcase(event_name, self.pattern)


@dataclass(frozen=True)
class SearchHit:
    """One result another app contributes to the site search, ready to show."""

    title: str
    url: str
    summary: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Searchable:
    """Something the one site search page (in ``village``) also looks through, besides pages.

    ``search(words, limit)`` gets the visitor's words already folded (no diacritics) and returns at most
    ``limit`` :class:`SearchHit`; ``more_url(query)`` links to the app's own full search for the query.
    """

    label: str
    search: Callable[[list[str], int], list[SearchHit]]
    more_url: Callable[[str], str] | None = None
    order: int = 100


@dataclass(frozen=True)
class SearchSource:
    """A kind of item the one search indexes (``core.search``), registered by the app that owns it.

    ``kind`` is the key prefix of its documents (``"product"`` → keys ``"product:12"``) and their kind,
    unless ``kinds`` lists several document kinds with their labels (tourism: stay, tour, experience).
    ``documents(keys)`` yields the current :class:`core.search.documents.SearchDocument` of the given keys
    (of every item when ``keys`` is None): an item that is not public any more yields nothing, and the
    index drops it. ``event_patterns`` (globs) name the domain events that change its items;
    ``keys_for_event(event)`` says which keys an event touches (default: ``"<kind>:<subject_id>"``).
    ``categories`` are the ``(value, label)`` of the ``category`` its documents carry (facet labels and
    validation); ``more_url(query)`` links to the app's own full search. ``keys_due(since, until)`` names
    the keys whose document changes by the mere passing of time between those two moments — an OCOP
    rating expiring, a notice expiring, an event ending, a departure leaving — with no event recorded:
    the hourly job ``core.search-refresh-due`` re-indexes them.
    """

    kind: str
    label: Any
    documents: Callable[[Any], Any]
    event_patterns: tuple[str, ...] = ()
    keys_for_event: Callable[[Any], list[str]] | None = None
    kinds: tuple[tuple[str, Any], ...] = ()
    categories: tuple[tuple[str, Any], ...] = ()
    more_url: Callable[[str], str] | None = None
    order: int = 100
    keys_due: Callable[[Any, Any], Any] | None = None

    def document_kinds(self) -> tuple[tuple[str, Any], ...]:
        return self.kinds or ((self.kind, self.label),)

    def affected_keys(self, event) -> list[str]:
        if self.keys_for_event is not None:
            return list(self.keys_for_event(event))
        return [f"{self.kind}:{event.subject_id}"] if event.subject_id else []

    def listens_to(self, event_name: str) -> bool:
        return any(fnmatch.fnmatchcase(event_name, pattern) for pattern in self.event_patterns)


@dataclass(frozen=True)
class PayableSummary:
    """What ``payments`` needs to know about one thing to be paid (an order, a booking).

    ``amount`` is in VND (whole đồng). ``payee_id`` is the user who is owed the money (producer, host);
    ``reference`` is the short code a buyer types into a bank transfer (``LS2611ABCD``).
    """

    kind: str
    payable_id: str
    amount: int
    reference: str
    description: str
    payee_id: int | None
    commune_id: int | None = None
    buyer_email: str = ""


@dataclass(frozen=True)
class Payable:
    """A kind of thing that can be paid for, registered under ``kind`` (e.g. ``market.order``).

    ``payments`` knows no domain: it asks ``summarize(payable_id)`` for the amount and reference, and calls
    ``on_paid(payable_id, payment)`` / ``on_refunded(payable_id, refund)`` inside its own transaction when
    money arrives or goes back. ``refundable_amount(payable_id)`` says how much the domain's rules allow.
    """

    kind: str
    summarize: Callable[[str], PayableSummary]
    on_paid: Callable[[str, Any], None]
    on_refunded: Callable[[str, Any], None]
    refundable_amount: Callable[[str], int] | None = None


@dataclass(frozen=True)
class ComputedIndicator:
    """A digital-village indicator computed from a domain's data (``village`` shows it).

    ``compute(commune_id, starts_on, ends_on)`` returns the value for the commune over the dates
    ``[starts_on, ends_on)``; ``unit`` says how to read it ("nights", "%", "bookings").
    """

    key: str
    label: str
    unit: str
    compute: Callable[[int, Any, Any], float | int | None]


@dataclass(frozen=True)
class PeriodicJob:
    """A task enqueued every ``every_seconds`` by ``manage.py run_periodic`` (holds expiry, payments…)."""

    task: Any
    every_seconds: int


event_handlers = Registry("event handlers")
payables = Registry("payables")
indicators = Registry("indicators")
searchables = Registry("searchables")
search_sources = Registry("search sources")
periodic_jobs = Registry("periodic jobs")
#: name → ``rebuild(progress) -> int``: an extra Elasticsearch index that ``manage.py search_index build``
#: rebuilds after the items index (market: products, demands; api: subscriptions)
search_indices = Registry("search indices")


def handlers_for(event_name: str) -> list[Callable[[Any], None]]:
    return [entry.handler for _key, entry in event_handlers.items() if entry.matches(event_name)]
