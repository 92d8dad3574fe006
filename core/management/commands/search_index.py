"""``manage.py search_index build|status``: the Elasticsearch index of the one search, behind an alias.

``build`` creates a new index named ``<prefix>-items-<UTC timestamp>``, bulk-loads every document of
every registered search source into it (a line per source and per thousand documents), then moves the
alias ``<prefix>-items`` to it in one ``update_aliases`` call and deletes the old index. Searches read
the old index until that call and the new one after it. A failure while loading deletes the new index
and leaves the alias and the old index untouched.

``status`` prints every index with the prefix, the aliases pointing at it and its document count.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.search.elastic import ElasticsearchSearchBackend, get_client, index_prefix


class Command(BaseCommand):
    help = "Build the Elasticsearch search index and swap its alias (build), or show the indices (status)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "build", help="Build a new index from every search source and swap the alias to it."
        )
        actions.add_parser("status", help="Show the indices with the configured prefix and their aliases.")

    def handle(self, *args, action: str, **options):
        if not getattr(settings, "ELASTICSEARCH_URL", ""):
            raise CommandError("ELASTICSEARCH_URL is not set: there is no Elasticsearch index to manage.")
        backend = ElasticsearchSearchBackend(client=get_client())
        try:
            if action == "build":
                self.build(backend)
            else:
                self.status(backend)
        except backend.errors as error:
            raise CommandError(f"Elasticsearch refused or could not be reached: {error}") from error

    def build(self, backend: ElasticsearchSearchBackend) -> None:
        started = time.monotonic()
        self.stdout.write(f"Building a new index for the alias {backend.alias}…")
        total = backend.rebuild(progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {total} documents in {time.monotonic() - started:.1f} s; {backend.alias} swapped."
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
