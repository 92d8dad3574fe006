"""Recovering background work whose worker died (django-tasks-db, the embedded and default backend).

A ``manage.py db_worker`` marks a job RUNNING when it takes it and SUCCESSFUL/FAILED when it ends. A
worker killed in between (``kill -9``, out of memory, the machine restarting) leaves the row RUNNING
for ever: django-tasks-db never looks at it again. :func:`requeue_stale_tasks` — a periodic job
(``manage.py run_periodic``, every minute) — puts such a job back in the queue once it has been
RUNNING for longer than ``TASKS_STALE_AFTER_SECONDS`` (set it above the longest job: a job still
running after that is taken for dead and may run twice). A job that has already been taken
``TASKS_MAX_RUNS`` times is marked FAILED instead (a job that kills its worker must not loop).

Re-running is safe because our jobs are idempotent by design: a webhook delivery is claimed with a
lease and ends delivered once (receivers deduplicate on the event id); expiries, recomputations and
purges look at the current state.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running this job stopped without finishing it, too many times."""


def _stale_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "TASKS_STALE_AFTER_SECONDS", 1800)))


def _max_runs() -> int:
    return max(1, int(getattr(settings, "TASKS_MAX_RUNS", 3)))


def requeue_stale_tasks(*, now: datetime | None = None) -> dict[str, int]:
    """Queue again (or fail) the jobs left RUNNING by a worker that died. Returns how many of each."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - _stale_after()
    max_runs = _max_runs()
    counts = {"requeued": 0, "failed": 0}
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).only(
        "pk", "task_path", "started_at", "worker_ids"
    )
    for row in stale.iterator():
        runs = len(row.worker_ids or [])
        # Conditional on the row still being the same run: a worker finishing it meanwhile wins.
        same_run = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        with transaction.atomic():
            if runs >= max_runs:
                changed = same_run.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                    traceback=(
                        f"{WorkerLost.__qualname__}: the job was taken {runs} times and its worker stopped "
                        "each time before it finished; it is not run again."
                    ),
                )
                outcome = "failed"
            else:
                changed = same_run.update(status=TaskResultStatus.READY, started_at=None)
                outcome = "requeued"
        if changed:
            counts[outcome] += 1
            logger.warning(
                "task %s (%s) was left running by worker %s since %s: %s (run %d of at most %d)",
                row.pk,
                row.task_path,
                (row.worker_ids or ["?"])[-1],
                row.started_at.isoformat(),
                "queued again" if outcome == "requeued" else "marked failed",
                runs,
                max_runs,
            )
    return counts


@task()
def requeue_stale_tasks_task() -> dict[str, int]:
    """Every minute: queue again the jobs whose worker died while running them."""
    return requeue_stale_tasks()


@task()
def refresh_due_search_entries_task() -> int:
    """Hourly: the search entries that time alone changed (``core.search.indexing.refresh_due``)."""
    from .search.indexing import refresh_due

    return refresh_due()
