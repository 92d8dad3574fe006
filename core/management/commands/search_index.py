"""``manage.py search_index build|status``: the Elasticsearch index of the one search, behind an alias.

``build`` creates a new index named ``<prefix>-items-<UTC timestamp>``, bulk-loads every document of
every registered search source into it (a line per source and per thousand documents), then moves the
alias ``<prefix>-items`` to it in one ``update_aliases`` call and deletes the old index. Searches read
the old index until that call and the new one after it. A failure while loading deletes the new index
and leaves the alias and the old index untouched.

Then every index registered in ``core.registries.search_indices`` (market: ``products``, ``demands``;
api: ``subscriptions``) is rebuilt the same way, each with its own lines. ``build --only NAME`` rebuilds
one of them (``items`` for the one search's index).

``status`` prints every index with the prefix, the aliases pointing at it and its document count.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.registries import search_indices
from core.search.elastic import ElasticsearchSearchBackend, get_client, index_prefix

ITEMS = "items"


class _Names:
    """The names ``--only`` accepts, read when argparse checks them (registries are filled by then)."""

    def _names(self) -> list[str]:
        return [ITEMS, *(name for name, _rebuild in search_indices.items())]

    def __contains__(self, name) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


ITEMS_AND_REGISTERED = _Names()


class Command(BaseCommand):
    help = "Build the Elasticsearch search index and swap its alias (build), or show the indices (status)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        build = actions.add_parser(
            "build",
            help="Build new indices (the items index, then every registered index) and swap their aliases.",
        )
        build.add_argument(
            "--only",
            choices=ITEMS_AND_REGISTERED,
            metavar="NAME",
            help="rebuild only this index: items or a registered one (products, demands, subscriptions)",
        )
        actions.add_parser("status", help="Show the indices with the configured prefix and their aliases.")

    def handle(self, *args, action: str, only: str | None = None, **options):
        if not getattr(settings, "ELASTICSEARCH_URL", ""):
            raise CommandError("ELASTICSEARCH_URL is not set: there is no Elasticsearch index to manage.")
        backend = ElasticsearchSearchBackend(client=get_client())
        try:
            if action == "build":
                self.build(backend, only=only)
            else:
                self.status(backend)
        except backend.errors as error:
            raise CommandError(f"Elasticsearch refused or could not be reached: {error}") from error

    def build(self, backend: ElasticsearchSearchBackend, *, only: str | None = None) -> None:
        if only in (None, ITEMS):
            started = time.monotonic()
            self.stdout.write(f"Building a new index for the alias {backend.alias}…")
            total = backend.rebuild(progress=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {total} documents in {time.monotonic() - started:.1f} s;"
                    f" {backend.alias} swapped."
                )
            )
        for name, rebuild in search_indices.items():
            if only not in (None, name):
                continue
            started = time.monotonic()
            self.stdout.write(f"Building a new {name} index…")
            total = rebuild(self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {total} {name} in {time.monotonic() - started:.1f} s; alias swapped."
                )
            )

    def status(self, backend: ElasticsearchSearchBackend) -> None:
        client = backend.client
        pattern = f"{index_prefix()}-*"
        indices = client.indices.get_alias(index=pattern, ignore_unavailable=True, allow_no_indices=True).body
        if not indices:
            self.stdout.write(f"No index matches {pattern}. Run `manage.py search_index build`.")
            return
        for name in sorted(indices):
            aliases = sorted(indices[name].get("aliases", {}))
            count = client.count(index=name)["count"]
            pointed = f" ← {', '.join(aliases)}" if aliases else " (no alias: left over, safe to delete)"
            self.stdout.write(f"{name}: {count} documents{pointed}")
