"""Background work of the indicators (Django tasks API), enqueued by ``manage.py run_periodic``."""

from django_tasks import task


@task()
def recompute_indicators_task() -> dict:
    """Recompute the computed indicators of every commune for the current and the previous period."""
    from .services import recompute

    result = recompute()
    return {"written": result.written, "removed": result.removed}
