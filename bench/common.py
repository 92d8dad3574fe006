"""What every benchmark shares: the repository's paths, gunicorn under production settings, child
processes with streamed output, a plain HTTP fetch, the environment of a run, the PostgreSQL bench
databases (created and dropped through psycopg on the ``postgres`` database) and the machine's facts.

``bench/pages.py``, ``bench/market.py``, ``bench/tourism.py``, ``bench/api.py`` and ``bench/national.py``
import from here; nothing here talks to anything but loopback.
"""

from __future__ import annotations

import gzip
import http.client
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "bench" / "results"

LOOPBACK = "127.0.0.1"  # the only address this script ever sends a request to
HOST_HEADER = "localhost"  # the hostname of the default Wagtail site
BARE_PATH = "/__bench__/bare/"
SERVER_READY_SECONDS = 60
STOP_GRACE_SECONDS = 10
LOG_TAIL_LINES = 80


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


def _request_headers() -> dict[str, str]:
    # An anonymous visitor: no cookies, no Accept-Language (the /vi/ or /en/ prefix picks the language).
    return {"Host": HOST_HEADER, "User-Agent": "svp-bench/1", "Accept": "text/html,*/*"}


def _percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]


# --- processes --------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, flush=True)


def _kill_group(process: subprocess.Popen) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it forked."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        process.wait(timeout=STOP_GRACE_SECONDS)


def run_step(
    label: str, arguments: list[str], env: dict[str, str], *, timeout: float, echo=None
) -> list[str]:
    """Run a command, stream its output through ``echo`` (a line filter), return all its lines."""
    say(f"[seed] {label} …")
    began = time.monotonic()
    process = subprocess.Popen(
        arguments,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    timer = threading.Timer(timeout, _kill_group, args=(process,))
    timer.start()
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if echo is not None and echo(line):
                say(f"       {line.rstrip()}")
        process.wait(timeout=STOP_GRACE_SECONDS)
    finally:
        timer.cancel()
        _kill_group(process)
    if process.returncode != 0:
        tail = "\n".join(lines[-LOG_TAIL_LINES:])
        raise BenchError(f"{label} failed (exit {process.returncode}):\n{tail}")
    say(f"[seed] {label}: done in {time.monotonic() - began:.1f} s")
    return lines


def manage(*arguments: str) -> list[str]:
    return [sys.executable, str(REPO / "manage.py"), *arguments]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    mode: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def start_server(mode: str, env: dict[str, str], work: Path, workers: int, threads: int) -> Server:
    port = free_port()
    log_path = work / f"gunicorn-{mode}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--timeout",
        "60",
        "--no-control-socket",
        "--chdir",
        str(REPO),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(mode=mode, port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + SERVER_READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn ({mode}) exited with {process.returncode}:\n{server.log_tail()}")
        try:
            status = fetch(port, BARE_PATH).status
        except OSError:
            status = None
        if status == 200:
            return server
        if status is not None:
            _kill_group(process)
            raise BenchError(f"gunicorn ({mode}) answers {BARE_PATH} with {status}:\n{server.log_tail()}")
        time.sleep(0.2)
    _kill_group(process)
    raise BenchError(f"gunicorn ({mode}) not ready after {SERVER_READY_SECONDS} s:\n{server.log_tail()}")


# --- HTTP fetches for the weight ------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # as sent on the wire (still compressed)
    header_bytes: int

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")

    def decoded(self) -> bytes:
        return gzip.decompress(self.body) if self.header("Content-Encoding") == "gzip" else self.body


def fetch(port: int, path: str, *, gzip_ok: bool = False, headers: dict[str, str] | None = None) -> Fetched:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        headers = {**_request_headers(), **(headers or {})}
        if gzip_ok:
            headers["Accept-Encoding"] = "gzip"
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        header_list = response.getheaders()
    finally:
        connection.close()
    status_line = len(f"HTTP/1.1 {response.status} {response.reason}\r\n")
    header_bytes = status_line + sum(len(f"{key}: {value}\r\n") for key, value in header_list) + 2
    return Fetched(status=response.status, headers=header_list, body=body, header_bytes=header_bytes)


# --- the environment of a run ------------------------------------------------------------------------


def base_env(work: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    # Switches that would make the run talk to outside services or demand more secrets.
    for name in ("DATABASE_URL", "ELASTICSEARCH_URL", "STRIPE_SECRET_KEY", "DEBUG", "PAGE_CACHE_SECONDS"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": f"{LOOPBACK},{HOST_HEADER}",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; a proxy terminates TLS in production
            "SERVE_MEDIA": "1",  # renditions are served by Django here (a proxy or CDN in production)
            "BENCH_BARE_VIEW": "1",
            "VAR_DIR": str(work),
            "SQLITE_PATH": str(work / "db.sqlite3"),
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "BASE_URL": f"http://{HOST_HEADER}",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Share of all CPUs busy over ``seconds`` (from /proc/stat): what other processes use before the load."""

    def sample() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else None
