"""``manage.py run_periodic``: enqueue the registered periodic jobs on their schedule.

Run one of these next to the task workers (``make run`` does): it only *enqueues*; the workers run the
jobs, so a slow job never delays the schedule. ``--once`` enqueues every job once and exits (for cron).
"""

import time

from django.core.management.base import BaseCommand

from core.registries import periodic_jobs


class Command(BaseCommand):
    help = "Enqueue the registered periodic jobs on their schedule (or once with --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue every job once and exit")
        parser.add_argument("--tick", type=float, default=5.0, help="seconds between schedule checks")
        parser.add_argument("--max-ticks", type=int, default=0, help="stop after this many checks (0: never)")

    def handle(self, *args, once=False, tick=5.0, max_ticks=0, **options):
        jobs = periodic_jobs.items()
        if once:
            for key, job in jobs:
                job.task.enqueue()
                self.stdout.write(f"enqueued {key}")
            return
        self.stdout.write(
            f"{len(jobs)} periodic jobs: "
            + ", ".join(f"{key} every {job.every_seconds}s" for key, job in jobs)
        )
        next_run = dict.fromkeys((key for key, _job in jobs), 0.0)
        ticks = 0
        while not max_ticks or ticks < max_ticks:
            now = time.monotonic()
            for key, job in jobs:
                if now >= next_run[key]:
                    job.task.enqueue()
                    next_run[key] = now + job.every_seconds
            ticks += 1
            time.sleep(tick)
