"""Explicit registries: how a lower floor hears from a higher one without importing it.

Each app fills them in its ``AppConfig.ready()`` with plain calls — no Django signals drive flows.

* ``event_handlers``: called in the same transaction when an event is recorded (e.g. ``api`` writes
  outbox deliveries for partner webhooks).
* ``payables``: kinds of thing that can be paid for (orders, bookings); ``payments`` calls them back.
* ``indicators``: computed digital-village indicators that ``village`` shows.
* ``searchables``: models that the one site search page (in ``village``) queries.
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
class Searchable:
    """A model that the site search page queries, with a label and how to describe a result."""

    label: str
    queryset: Callable[[], Any]
    order: int = 100


event_handlers = Registry("event handlers")
payables = Registry("payables")
indicators = Registry("indicators")
searchables = Registry("searchables")


def handlers_for(event_name: str) -> list[Callable[[Any], None]]:
    return [entry.handler for _key, entry in event_handlers.items() if entry.matches(event_name)]
