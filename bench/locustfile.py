"""The load of ``bench/national.py``: one endpoint per locust run, hammered by a fixed number of users.

``bench/national.py`` starts ``locust --headless -f bench/locustfile.py`` once per endpoint (a separate
process: gevent, one core) and passes the endpoint in the environment:

- ``BENCH_ENDPOINT``: a JSON object ``{"name", "paths", "headers", "expected_status"}``. Every request
  picks one of ``paths`` at random (a national catalogue is not one hot page), sends ``headers`` and
  counts as a failure unless the answer's status is exactly ``expected_status`` (redirects are not
  followed: a 301 where a 200 is expected is an error);
- ``BENCH_WARMUP``: seconds after the start when the statistics are reset (the warm-up is discarded);
- ``BENCH_SUMMARY``: where to write the summary (JSON: requests, failures, requests/s, p50/p95/p99,
  the statuses seen and the first failure messages).

The users wait for nothing between requests (a closed loop): the run measures the server saturated.
Locust's percentiles are bucketed (exact below 100 ms, to 10 ms below 1 s, to 100 ms above).
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter

import gevent
from locust import FastHttpUser, constant, events, task

ENDPOINT = json.loads(os.environ.get("BENCH_ENDPOINT", '{"name": "none", "paths": ["/healthz"]}'))
WARMUP_SECONDS = float(os.environ.get("BENCH_WARMUP", "0"))
SUMMARY_PATH = os.environ.get("BENCH_SUMMARY", "")
MAX_FAILURE_SAMPLES = 5

statuses: Counter[str] = Counter()  # since the warm-up ended
failures_including_warmup = [0]  # never reset: a smoke run fails on a warm-up error too
failure_samples: list[str] = []


class Visitor(FastHttpUser):
    """An anonymous visitor, or a partner's HTTP client when the endpoint sends a key."""

    wait_time = constant(0)
    connection_timeout = 30.0
    network_timeout = 60.0

    @task
    def request(self) -> None:
        path = random.choice(ENDPOINT["paths"])
        expected = int(ENDPOINT.get("expected_status", 200))
        with self.client.get(
            path,
            headers=ENDPOINT.get("headers") or {},
            name=ENDPOINT["name"],
            allow_redirects=False,
            catch_response=True,
        ) as response:
            status = str(response.status_code or type(response.error).__name__)
            statuses[status] += 1
            if response.status_code != expected:
                message = f"{status} for {path} (expected {expected})"
                if len(failure_samples) < MAX_FAILURE_SAMPLES:
                    body = response.content[:200] if response.content else b""
                    failure_samples.append(f"{message}: {body!r}")
                failures_including_warmup[0] += 1
                response.failure(message)
            else:
                response.success()


@events.test_start.add_listener
def discard_warmup(environment, **_kwargs) -> None:
    if WARMUP_SECONDS <= 0:
        return

    def reset() -> None:
        gevent.sleep(WARMUP_SECONDS)
        environment.stats.reset_all()
        statuses.clear()

    gevent.spawn(reset)


@events.quitting.add_listener
def write_summary(environment, **_kwargs) -> None:
    if not SUMMARY_PATH:
        return
    total = environment.stats.total
    summary = {
        "endpoint": ENDPOINT["name"],
        "requests": total.num_requests,
        "failures": total.num_failures,
        "requests_per_second": total.total_rps,
        "successes_per_second": (total.num_requests - total.num_failures)
        / max(total.last_request_timestamp - total.start_time, 1e-9)
        if total.num_requests and total.last_request_timestamp
        else 0.0,
        "p50_ms": total.get_response_time_percentile(0.50) if total.num_requests else 0.0,
        "p95_ms": total.get_response_time_percentile(0.95) if total.num_requests else 0.0,
        "p99_ms": total.get_response_time_percentile(0.99) if total.num_requests else 0.0,
        "average_bytes": total.avg_content_length if total.num_requests else 0,
        "statuses": dict(statuses),
        "failures_including_warmup": failures_including_warmup[0],
        "failure_samples": failure_samples,
    }
    with open(SUMMARY_PATH, "w", encoding="utf-8") as handle:
        json.dump(summary, handle)
