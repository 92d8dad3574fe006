"""A task worker is killed (``kill -9``) in the middle of a job: the job runs again on another worker
and its effect happens once.

Real processes: ``manage.py db_worker`` (django-tasks-db, the embedded queue) against a database they
share with this test — a file SQLite database in the SQLite suite, the test database on PostgreSQL. The
job is a real one of ours: sending a partner webhook, to a receiver on 127.0.0.1 that takes its time
with the first request. A receiver processes an event only when its sender is still there at the end
(as one that commits its work at the end of the request does), and deduplicates on the event id.

Without recovery the dead worker's job stays RUNNING for ever; ``run_periodic``'s
``core.requeue-stale-tasks`` job puts it back in the queue once it is older than
``TASKS_STALE_AFTER_SECONDS``.
"""

import http.server
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.subprocess_site import manage as site_manage
from tests.subprocess_site import site_environment

STALE_AFTER_SECONDS = 3

SEED = """
import json
from django.db import transaction
from api import webhooks
from api.models import WebhookDelivery
from api.services import subscriptions
from tests.api.conftest import make_partner

partner = make_partner("worker-drill@example.org")
subscription = subscriptions.create_subscription(
    partner=partner, actor=partner.owner, endpoint_url="{url}"
)
with transaction.atomic():
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_name="product.updated",
        body={{"id": "", "type": "product.updated", "created": "2026-12-07T10:00:00+00:00",
               "data": {{"kind": "product", "id": 1, "price": 360000}}}},
    )
    delivery.body["id"] = str(delivery.event_id)
    delivery.save(update_fields=["body"])
    webhooks.schedule_delivery(delivery)
print(json.dumps({{"delivery": delivery.pk, "event_id": str(delivery.event_id)}}))
"""

STATE = """
import json
from django_tasks_db.models import DBTaskResult
from api.models import WebhookDelivery
jobs = [
    {"task": row.task_path.rsplit(".", 1)[-1], "status": row.status, "workers": row.worker_ids}
    for row in DBTaskResult.objects.filter(task_path__endswith="deliver_webhook_task").order_by("enqueued_at")
]
delivery = WebhookDelivery.objects.get()
print(json.dumps({
    "jobs": jobs,
    "delivery": [delivery.status, delivery.attempt_count],
    "attempts": list(delivery.attempts.values_list("status_code", flat=True)),
}))
"""


@dataclass
class CarefulReceiver:
    """Holds the first request until released; processes a request only if its sender is still
    connected when it is done; counts processed events by event id."""

    url: str = ""
    seen: list[str] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    abandoned: list[str] = field(default_factory=list)
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


def sender_left(sock: socket.socket) -> bool:
    readable, _writable, _errors = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


@pytest.fixture
def careful_receiver():
    state = CarefulReceiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            event_id = self.headers["Svp-Event-Id"]
            first = not state.seen
            state.seen.append(event_id)
            if first:
                state.first_arrived.set()
                while not state.release.wait(0.05):
                    pass
            if sender_left(self.connection):
                state.abandoned.append(event_id)  # rolled back: the sender will try again
                return
            if event_id not in state.processed:
                state.processed.append(event_id)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def environment_for(folder: Path, **extra: str) -> dict:
    return site_environment(
        folder,
        API_WEBHOOK_ALLOW_PRIVATE="1",
        API_WEBHOOK_TIMEOUT_SECONDS="60",
        TASKS_STALE_AFTER_SECONDS=str(STALE_AFTER_SECONDS),
        **extra,
    )


def manage(environment: dict, *arguments: str) -> subprocess.CompletedProcess:
    return site_manage(environment, *arguments, timeout=600)


def shell(environment: dict, code: str) -> dict:
    output = manage(environment, "shell", "--no-imports", "-c", code).stdout
    return json.loads(output.strip().splitlines()[-1])


def worker(environment: dict, worker_id: str, *options: str) -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "--worker-id",
        worker_id,
        *options,
    ]


def drill(environment: dict, receiver: CarefulReceiver) -> None:
    # given a webhook delivery queued for the workers
    seeded = shell(environment, SEED.format(url=receiver.url))
    event_id = seeded["event_id"]

    # when a worker takes the job and is killed while the receiver is still working on it
    first = subprocess.Popen(  # noqa: S603
        worker(environment, "first-worker"),
        cwd=settings.BASE_DIR,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert receiver.first_arrived.wait(120), "the first worker never sent the webhook"
        killed_at = time.monotonic()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    receiver.release.set()
    assert first.returncode == -signal.SIGKILL
    while receiver.seen and not receiver.abandoned and time.monotonic() - killed_at < 10:
        time.sleep(0.05)

    # then the job is left RUNNING by the dead worker, and a new worker alone does not touch it
    manage(
        environment,
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--batch",
        "--worker-id",
        "second-worker",
    )
    stuck = shell(environment, STATE)
    assert stuck == {
        "jobs": [{"task": "deliver_webhook_task", "status": "RUNNING", "workers": ["first-worker"]}],
        "delivery": ["pending", 0],
        "attempts": [],
    }
    assert (receiver.seen, receiver.abandoned, receiver.processed) == ([event_id], [event_id], [])

    # when the periodic jobs run once the job is older than TASKS_STALE_AFTER_SECONDS, and a worker works
    time.sleep(max(0.0, STALE_AFTER_SECONDS + 0.5 - (time.monotonic() - killed_at)))
    manage(environment, "run_periodic", "--once")
    third = manage(
        environment,
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--batch",
        "--worker-id",
        "third-worker",
        "--verbosity",
        "0",
    )

    # then the job ran again, on the new worker, and the receiver processed the event once
    done = shell(environment, STATE)
    assert done == {
        "jobs": [
            {
                "task": "deliver_webhook_task",
                "status": "SUCCESSFUL",
                "workers": ["first-worker", "third-worker"],
            }
        ],
        "delivery": ["delivered", 1],
        "attempts": [200],
    }
    assert receiver.seen == [event_id, event_id]  # the same event id both times
    assert receiver.processed == [event_id]
    assert "was left running by worker first-worker" in third.stderr + third.stdout
    assert "queued again (run 1 of at most 3)" in third.stderr + third.stdout


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite drill runs in the SQLite suite")
def test_a_killed_worker_s_job_runs_again_once_on_sqlite(careful_receiver, tmp_path):
    environment = environment_for(tmp_path)
    manage(environment, "migrate", "--noinput")
    drill(environment, careful_receiver)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_s_job_runs_again_once_on_postgresql(postgres, careful_receiver, tmp_path):
    parameters = connection.settings_dict
    credentials = parameters.get("USER") or "postgres"
    if parameters.get("PASSWORD"):
        credentials += f":{parameters['PASSWORD']}"
    host, port = parameters.get("HOST") or "127.0.0.1", parameters.get("PORT") or 5432
    # the workers use the test database itself (this test commits, and the database is flushed after)
    environment = environment_for(
        tmp_path, DATABASE_URL=f"postgres://{credentials}@{host}:{port}/{parameters['NAME']}"
    )
    drill(environment, careful_receiver)


@pytest.mark.django_db
def test_only_jobs_running_past_the_limit_are_requeued_and_a_job_that_keeps_killing_workers_fails(settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from core.tasks import requeue_stale_tasks

    settings.TASKS_STALE_AFTER_SECONDS = 600
    settings.TASKS_MAX_RUNS = 3
    now = timezone.now()

    def job(status: str, started_minutes_ago: int | None, workers: list[str]) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [1], "kwargs": {}},
            task_path="api.tasks.deliver_webhook_task",
            backend_name="default",
            run_after=now,
            started_at=None if started_minutes_ago is None else now - timedelta(minutes=started_minutes_ago),
            worker_ids=workers,
        )

    dead = job("RUNNING", 11, ["w1"])
    busy = job("RUNNING", 9, ["w2"])  # still within the limit: maybe just a slow job
    cursed = job("RUNNING", 30, ["w1", "w2", "w3"])
    finished = job("SUCCESSFUL", 60, ["w4"])
    waiting = job("READY", None, [])

    assert requeue_stale_tasks(now=now) == {"requeued": 1, "failed": 1}

    rows = {row.pk: row for row in DBTaskResult.objects.all()}
    assert (rows[dead.pk].status, rows[dead.pk].started_at, rows[dead.pk].worker_ids) == (
        "READY",
        None,
        ["w1"],
    )
    assert rows[busy.pk].status == "RUNNING"
    assert rows[cursed.pk].status == "FAILED"
    assert rows[cursed.pk].exception_class_path == "core.tasks.WorkerLost"
    assert rows[cursed.pk].finished_at == now
    assert (rows[finished.pk].status, rows[waiting.pk].status) == ("SUCCESSFUL", "READY")
    # the requeued job is what a worker takes next
    assert DBTaskResult.objects.ready().filter(pk=dead.pk).exists()
    assert requeue_stale_tasks(now=now) == {"requeued": 0, "failed": 0}
