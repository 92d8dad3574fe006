"""A partner's webhook receiver is down for an hour — first answering 503, then refusing connections —
while content keeps changing; then it comes back. Every event reaches it exactly once (counted by event
id), none is lost, and every attempt follows the backoff schedule and is stored.

The clock is moved (``time_machine``) to each moment something is due and the periodic delivery job runs
then, as ``manage.py run_periodic`` and the workers would. Jitter is switched off so that the schedule
is exact: 30 s, 1 min, 2 min… (doubling, at most an hour) after each failed attempt.
"""

import http.server
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.db.models import Min
from django.utils import timezone

from accounts.models import Role
from api import webhooks
from api.models import DeliveryAttempt, DeliveryStatus, WebhookDelivery
from core.registries import periodic_jobs
from market import services as market_services
from market.services.shop import update_product
from tests import factories
from tests.api.test_webhooks import signature_is_valid, subscribe

MINUTE = 60
SERVER_ERROR_UNTIL = 30 * MINUTE  # the receiver answers 503 until then…
REFUSING_UNTIL = 60 * MINUTE  # …then its port refuses connections until it comes back, an hour in


@dataclass
class Request:
    headers: dict
    body: bytes
    status: int
    at: float  # seconds after the start of the outage

    @property
    def event_id(self) -> str:
        return self.headers["Svp-Event-Id"]


@dataclass
class FlakyReceiver:
    """A real HTTP receiver on 127.0.0.1 that can answer 503, be switched off (connection refused) and
    come back on the same port."""

    status: int = 503
    requests: list[Request] = field(default_factory=list)
    port: int = 0
    clock: callable = None
    _server: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        state = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                state.requests.append(Request(dict(self.headers), body, state.status, state.clock()))
                self.send_response(state.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def delivered_event_ids(self) -> list[str]:
        return [request.event_id for request in self.requests if 200 <= request.status < 300]


@pytest.fixture
def flaky_receiver(settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    receiver = FlakyReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


def nominal_offsets(count: int) -> list[int]:
    """Seconds after an event at which its attempts happen: 0, 30, 90, 210… (the documented schedule,
    written here independently of api/webhooks.py)."""
    offsets = [0]
    for attempt in range(1, count):
        offsets.append(offsets[-1] + min(30 * 2 ** (attempt - 1), 3600))
    return offsets


def expected_attempts(event_at: int) -> list[int]:
    """When an event made at ``event_at`` is attempted: every schedule time inside the outage, then the
    first one after it (which succeeds)."""
    times = [event_at + offset for offset in nominal_offsets(20)]
    failing = [moment for moment in times if moment < REFUSING_UNTIL]
    return [*failing, times[len(failing)]]


@pytest.mark.django_db
def test_a_receiver_down_for_an_hour_gets_every_event_exactly_once_when_it_comes_back(
    partner, tea, producer_a, site_tree, flaky_receiver, monkeypatch, django_capture_on_commit_callbacks
):
    # given a subscription to everything and content that changes during the hour the receiver is down
    monkeypatch.setattr(webhooks, "JITTER", 0.0)
    subscription = subscribe(partner, flaky_receiver.url)
    moderator = factories.make_member(
        "moderator-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR
    )
    owner = producer_a.owner
    honey = market_services.create_product(
        producer=producer_a, actor=owner, name_vi="Mật ong bạc hà", price=300_000, stock=10, category="honey"
    )
    guide = site_tree["a"]["guide"]

    def approve(approved: bool):
        return lambda: market_services.review_listing(
            product=honey, moderator=moderator, approve=approved, reason="" if approved else "Hết mùa"
        )

    changes = {
        0: ("product.published", approve(True)),
        5 * MINUTE: ("product.updated", lambda: update_product(product=tea, actor=owner, price=360_000)),
        20 * MINUTE: ("guide.updated", lambda: factories.publish(guide)),
        40 * MINUTE: ("product.unpublished", approve(False)),
    }
    start = timezone.now().replace(microsecond=0)
    flaky_receiver.clock = lambda: (timezone.now() - start).total_seconds()

    # when the clock runs through the outage, the delivery job running at every due time
    with time_machine.travel(start, tick=False) as traveller:
        waiting_changes = sorted(changes)
        switches = [SERVER_ERROR_UNTIL, REFUSING_UNTIL]
        for _step in range(500):
            due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).aggregate(
                at=Min("next_attempt_at")
            )["at"]
            moments = [start + timedelta(seconds=second) for second in [*waiting_changes[:1], *switches[:1]]]
            if due is not None:
                moments.append(due)
            if not moments:
                break
            traveller.move_to(min(moments))
            now = flaky_receiver.clock()
            if switches and now >= switches[0]:
                if switches.pop(0) == SERVER_ERROR_UNTIL:
                    flaky_receiver.stop()  # the port now refuses connections
                else:
                    flaky_receiver.status = 200
                    flaky_receiver.start()  # back, on the same address
            if waiting_changes and now >= waiting_changes[0]:
                with django_capture_on_commit_callbacks(execute=True):
                    changes[waiting_changes.pop(0)][1]()
            with django_capture_on_commit_callbacks(execute=True):
                periodic_jobs.get("api.send_due_webhooks").task.enqueue()
        else:
            pytest.fail("the deliveries never settled")

    # then every event was delivered exactly once, none lost, each on the documented schedule
    deliveries = list(WebhookDelivery.objects.order_by("created_at", "pk"))
    assert [delivery.event_name for delivery in deliveries] == [name for name, _change in changes.values()]
    assert {delivery.status for delivery in deliveries} == {DeliveryStatus.DELIVERED}
    event_ids = [str(delivery.event_id) for delivery in deliveries]
    assert sorted(flaky_receiver.delivered_event_ids()) == sorted(event_ids)
    assert {request.event_id for request in flaky_receiver.requests} == set(event_ids)
    assert all(signature_is_valid(subscription.secret, request) for request in flaky_receiver.requests)

    total = 0
    for delivery, event_at in zip(deliveries, changes, strict=True):
        expected = expected_attempts(event_at)
        attempts = list(delivery.attempts.order_by("attempted_at"))
        assert [(attempt.attempted_at - start).total_seconds() for attempt in attempts] == expected
        outcomes = [
            attempt.status_code
            or ("refused" if attempt.error.startswith("Could not connect to the endpoint") else attempt.error)
            for attempt in attempts
        ]
        assert outcomes == [
            503 if moment < SERVER_ERROR_UNTIL else "refused" if moment < REFUSING_UNTIL else 200
            for moment in expected
        ]
        assert delivery.attempt_count == len(attempts)
        assert (delivery.delivered_at - start).total_seconds() == expected[-1]
        total += len(expected)
    # at 0 min: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 min fail and 63.5 succeeds; at 40 min: 40 … 55.5 fail
    # and 71.5 succeeds
    assert [len(expected_attempts(event_at)) for event_at in changes] == [8, 8, 8, 7]
    assert DeliveryAttempt.objects.count() == total == 31
    reached = flaky_receiver.requests
    assert len(reached) == DeliveryAttempt.objects.exclude(status_code=None).count()
    assert all(request.at >= REFUSING_UNTIL for request in reached if request.status == 200)
