"""Background work of the exchange (Django tasks API)."""

from django_tasks import task


@task()
def purge_exchange_log_task() -> int:
    """Delete exchange-log records older than ``API_EXCHANGE_LOG_DAYS``."""
    from .exchange import purge_exchange_log

    return purge_exchange_log()


@task()
def deliver_webhook_task(delivery_id: int, lease: str | None = None) -> str | None:
    """Send one webhook delivery (if it is still waiting and not being sent by another worker)."""
    from .webhooks import deliver, parse_lease

    return deliver(delivery_id, lease=parse_lease(lease))


@task()
def deliver_webhooks_task(delivery_ids: list[int], lease: str | None = None) -> dict[str, int]:
    """Send a few deliveries of one event, one after the other."""
    from .webhooks import deliver_many, parse_lease

    return deliver_many(delivery_ids, lease=parse_lease(lease))


@task()
def send_due_webhooks_task() -> int:
    """Every minute: queue the webhook deliveries whose retry is due (or whose task got lost)."""
    from .webhooks import enqueue_due_deliveries

    return enqueue_due_deliveries()
