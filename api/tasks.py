"""Background work of the exchange (Django tasks API)."""

from django_tasks import task


@task()
def purge_exchange_log_task() -> int:
    """Delete exchange-log records older than ``API_EXCHANGE_LOG_DAYS``."""
    from .exchange import purge_exchange_log

    return purge_exchange_log()
