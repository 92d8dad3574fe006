"""Background work of payments (Django tasks API), enqueued by ``manage.py run_periodic``."""

from django_tasks import task


@task()
def expire_stale_payments_task() -> int:
    """Expire pending payments past their expiry (Stripe sessions are checked at Stripe first)."""
    from .services import expire_stale_payments

    return expire_stale_payments()
