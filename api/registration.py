"""What the exchange registers with the lower floors (``core.registries``), called from ``ready()``."""

from django.conf import settings
from django.db import transaction

from core.registries import EventHandler, PeriodicJob, event_handlers, periodic_jobs

from . import schema  # noqa: F401  (registers the OpenAPI authentication extensions)
from .conditional import advance_content_clock


def _advance_clock_after_commit(event) -> None:
    """Any domain change may change an answer (a sale changes stock, a payment an order's state);
    the exchange's own bookkeeping (partners, keys, subscriptions, deliveries) changes no content."""
    if not event.name.startswith("api."):
        transaction.on_commit(advance_content_clock)


def _write_webhook_outbox(event) -> None:
    from .webhooks import on_domain_event

    on_domain_event(event)


def _store_subscription_query(event) -> None:
    """With the Elasticsearch backend, a changed subscription's stored (percolator) query follows it."""
    from .matching_elastic import on_subscription_event

    on_subscription_event(event)


def _rebuild_subscriptions_index(progress=None) -> int:
    from .matching_elastic import rebuild_subscriptions

    return rebuild_subscriptions(progress=progress)


def register() -> None:
    from core.registries import search_indices

    from . import indicators

    indicators.register()
    event_handlers.register(
        "api.content_clock", EventHandler(pattern="*", handler=_advance_clock_after_commit)
    )
    event_handlers.register("api.webhooks", EventHandler(pattern="*", handler=_write_webhook_outbox))
    event_handlers.register(
        "api.subscription-percolator",
        EventHandler(pattern="api.subscription.*", handler=_store_subscription_query),
    )
    event_handlers.register(
        "api.partner-percolator", EventHandler(pattern="api.partner.*", handler=_store_subscription_query)
    )
    search_indices.register("subscriptions", _rebuild_subscriptions_index)
    from .tasks import purge_exchange_log_task, send_due_webhooks_task

    periodic_jobs.register(
        "api.purge_exchange_log", PeriodicJob(task=purge_exchange_log_task, every_seconds=86_400)
    )
    periodic_jobs.register(
        "api.send_due_webhooks", PeriodicJob(task=send_due_webhooks_task, every_seconds=60)
    )
    if getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch":
        from .matching_elastic import rebuild_subscriptions_task

        periodic_jobs.register(
            "api.rebuild-subscriptions", PeriodicJob(task=rebuild_subscriptions_task, every_seconds=86_400)
        )
