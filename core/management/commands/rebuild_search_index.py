"""``manage.py rebuild_search_index [--backend database|elasticsearch]``: index everything from scratch.

Reads every registered search source (pages, products, stays…) and replaces the index of the
configured backend (``settings.SEARCH_BACKEND``), printing a line per source and per batch. The
database backend overwrites the entries in place, a batch of 500 per transaction (searches keep
answering, and a change published meanwhile waits for one batch at most), then drops the entries of items
that are gone. A rebuild that fails midway keeps the batches it wrote and drops nothing: run it again.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from core.search.backends import BACKENDS, get_search_backend


class Command(BaseCommand):
    help = "Rebuild the one site search index from every registered source, with progress."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend", choices=sorted(BACKENDS), help="The backend to rebuild (default: SEARCH_BACKEND)."
        )

    def handle(self, *args, backend=None, **options):
        try:
            search_backend = get_search_backend(backend)
        except ValueError as error:
            raise CommandError(str(error)) from error
        started = time.monotonic()
        self.stdout.write(f"Rebuilding the {search_backend.name} search index…")
        try:
            total = search_backend.rebuild(progress=self.stdout.write)
        except search_backend.errors as error:
            raise CommandError(f"The search index could not be rebuilt: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {total} entries in {time.monotonic() - started:.1f} s.")
        )
