from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: event log, registries, Vietnamese text folding, money."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .audit import register_sqlite_functions

        # Database plumbing, not a domain flow: SQLite's append-only trigger on core_event calls it.
        connection_created.connect(register_sqlite_functions, dispatch_uid="core.audit.sqlite_functions")

        from .registries import PeriodicJob, periodic_jobs
        from .tasks import refresh_due_search_entries_task, requeue_stale_tasks_task

        # Jobs left RUNNING by a worker that died are queued again (core/tasks.py).
        periodic_jobs.register(
            "core.requeue-stale-tasks", PeriodicJob(requeue_stale_tasks_task, every_seconds=60)
        )
        # Search entries that time alone changes (an OCOP rating or a notice expiring, an event ending).
        periodic_jobs.register(
            "core.search-refresh-due", PeriodicJob(refresh_due_search_entries_task, every_seconds=3600)
        )
