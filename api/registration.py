"""What the exchange registers with the lower floors (``core.registries``), called from ``ready()``."""

from django.db import transaction

from core.registries import EventHandler, PeriodicJob, event_handlers, periodic_jobs

from . import schema  # noqa: F401  (registers the OpenAPI authentication extensions)
from .conditional import advance_content_clock


def _advance_clock_after_commit(event) -> None:
    transaction.on_commit(advance_content_clock)


def register() -> None:
    event_handlers.register("api.content_clock", EventHandler(pattern="*", handler=_advance_clock_after_commit))
    from .tasks import purge_exchange_log_task

    periodic_jobs.register("api.purge_exchange_log", PeriodicJob(task=purge_exchange_log_task, every_seconds=86_400))
