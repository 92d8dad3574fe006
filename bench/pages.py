"""Page benchmark: anonymous throughput and latency of public pages against a bare Django view.

What it does, start to finish (everything lives in a temporary directory that is removed at the end):

1. seeds a fresh database (SQLite, or PostgreSQL database ``svp_bench`` when ``DATABASE_URL`` is set)
   with ``migrate`` and ``load_demo`` (``--data factories`` uses the small test tree instead);
2. runs ``collectstatic`` (production settings: whitenoise compressed manifest storage);
3. serves the site with gunicorn under ``config.settings.production`` (DEBUG off) twice: once with the
   anonymous whole-page cache on (``PAGE_CACHE_SECONDS=300``), once with it off (``=0``);
4. drives each server from separate client processes (keep-alive ``http.client`` connections, one per
   thread) against the bare view (``/__bench__/bare/``, routed only with ``BENCH_BARE_VIEW=1``), the
   first commune page and its first guide page, after a warm-up;
5. weighs the first load of the guide page (HTML, stylesheets, scripts, fonts, images not lazy-loaded),
   fetched with ``Accept-Encoding: gzip`` and counted as bytes on the wire;
6. prints one table, the weight breakdown, the targets (PASS/FAIL) and the machine, and writes the whole
   result as JSON to ``bench/results/pages-<timestamp>.json``.

``--smoke`` runs short measurements and exits non-zero on any HTTP error (never on speed).

Usage: ``make bench-pages`` / ``make bench-pages-smoke`` (or ``.venv/bin/python bench/pages.py --help``).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: F401 (re-exported: bench/market.py, tourism.py and api.py import them from here)
    BARE_PATH,
    HOST_HEADER,
    LOG_TAIL_LINES,
    LOOPBACK,
    REPO,
    RESULTS_DIR,
    SERVER_READY_SECONDS,
    STOP_GRACE_SECONDS,
    BenchError,
    Fetched,
    Server,
    _kill_group,
    _percentile,
    _request_headers,
    base_env,
    cpu_busy,
    fetch,
    free_port,
    manage,
    run_step,
    say,
    start_server,
)

BENCH_DATABASE = "svp_bench"

# Targets from the issue.
CACHED_RATIO_TARGET = 0.50  # cached guide page throughput / bare view throughput
UNCACHED_P95_TARGET_MS = 150.0
FIRST_LOAD_BUDGET_KB = 150.0

# The phone the first-load weight is computed for.
PHONE_VIEWPORT_PX = 360
PHONE_DPR = 2
ROOT_FONT_PX = 16

MAX_REQUESTS_PER_THREAD = 200_000  # hard bound on every load-generator loop


@dataclass(frozen=True)
class Plan:
    duration: float  # seconds measured per endpoint at full concurrency
    warmup: float  # seconds of discarded load before each measurement
    latency_duration: float  # seconds measured per endpoint with one visitor at a time
    concurrency: int
    client_processes: int


FULL = Plan(duration=10.0, warmup=2.0, latency_duration=5.0, concurrency=8, client_processes=2)
SMOKE = Plan(duration=3.0, warmup=1.0, latency_duration=2.0, concurrency=8, client_processes=2)


@dataclass
class Row:
    endpoint: str
    path: str
    mode: str  # cached | uncached
    concurrency: int
    requests: int = 0
    errors: int = 0
    warmup_errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    cache_hit_ratio: float = 0.0
    response_bytes: int = 0
    ratio_to_bare: float | None = None


# --- the load generator (runs in client processes) --------------------------------------------------


def client_process(
    port: int,
    path: str,
    threads: int,
    start_at: float,
    duration: float,
    headers: dict[str, str] | None = None,
    expected_status: int = 200,
) -> dict:
    """Hammer ``path`` from ``threads`` keep-alive connections until ``start_at + duration``.

    ``headers`` are added to (or replace) the anonymous visitor's; any status but ``expected_status``
    counts as an error. Runs in a separate process (the parent's GIL stays out of the way). Returns the
    raw samples.
    """
    headers = {**_request_headers(), **(headers or {})}
    samples: list[dict] = []
    lock = threading.Lock()

    def run() -> None:
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        hits = 0
        errors = 0
        received = 0
        connection: http.client.HTTPConnection | None = None
        while time.time() < start_at:  # bounded: start_at is a few hundred ms away
            time.sleep(0.001)
        deadline = start_at + duration
        last = start_at
        for _ in range(MAX_REQUESTS_PER_THREAD):
            if time.time() >= deadline:
                break
            if connection is None:
                connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                errors += 1
                statuses[type(error).__name__] = statuses.get(type(error).__name__, 0) + 1
                connection.close()
                connection = None
                continue
            latencies.append(time.perf_counter() - began)
            last = time.time()
            key = str(response.status)
            statuses[key] = statuses.get(key, 0) + 1
            if response.status != expected_status:
                errors += 1
            if response.getheader("X-Page-Cache") == "hit":
                hits += 1
            received += len(body)
            if response.will_close:
                connection.close()
                connection = None
        if connection is not None:
            connection.close()
        with lock:
            samples.append(
                {
                    "latencies": latencies,
                    "statuses": statuses,
                    "hits": hits,
                    "errors": errors,
                    "bytes": received,
                    "elapsed": max(last - start_at, 1e-9),
                }
            )

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=duration + 120)
    return {"threads": samples}


class LoadGenerator:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.pool = ProcessPoolExecutor(
            max_workers=plan.client_processes, mp_context=multiprocessing.get_context("spawn")
        )

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def _run(
        self,
        port: int,
        path: str,
        concurrency: int,
        duration: float,
        headers: dict[str, str] | None = None,
        expected_status: int = 200,
    ) -> list[dict]:
        processes = min(self.plan.client_processes, concurrency)
        shares = [
            concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)
        ]
        start_at = time.time() + 0.3
        futures = [
            self.pool.submit(
                client_process, port, path, threads, start_at, duration, headers, expected_status
            )
            for threads in shares
        ]
        threads: list[dict] = []
        for future in futures:
            threads.extend(future.result(timeout=duration + 180)["threads"])
        return threads

    def measure(
        self,
        row: Row,
        port: int,
        duration: float,
        *,
        headers: dict[str, str] | None = None,
        expected_status: int = 200,
    ) -> Row:
        """Warm up, then measure ``row.path``; only ``expected_status`` answers count as successes."""
        warm = self._run(port, row.path, row.concurrency, self.plan.warmup, headers, expected_status)
        row.warmup_errors = sum(sample["errors"] for sample in warm)
        threads = self._run(port, row.path, row.concurrency, duration, headers, expected_status)
        latencies = sorted(value for sample in threads for value in sample["latencies"])
        statuses: dict[str, int] = {}
        for sample in threads:
            for key, count in sample["statuses"].items():
                statuses[key] = statuses.get(key, 0) + count
        row.statuses = statuses
        row.errors = sum(sample["errors"] for sample in threads)
        row.requests = len(latencies)
        successes = row.requests - sum(
            count for key, count in statuses.items() if key.isdigit() and key != str(expected_status)
        )
        elapsed = max(sample["elapsed"] for sample in threads) if threads else duration
        row.requests_per_second = successes / elapsed if elapsed else 0.0
        row.p50_ms = _percentile(latencies, 0.50) * 1000
        row.p95_ms = _percentile(latencies, 0.95) * 1000
        row.p99_ms = _percentile(latencies, 0.99) * 1000
        row.cache_hit_ratio = (
            sum(sample["hits"] for sample in threads) / row.requests if row.requests else 0.0
        )
        row.response_bytes = sum(sample["bytes"] for sample in threads) // row.requests if row.requests else 0
        return row


# --- first-load weight --------------------------------------------------------------------------------


def _length_px(length: str, viewport: int) -> float | None:
    match = re.fullmatch(r"\s*([\d.]+)(vw|px|rem|em)\s*", length)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    if unit == "vw":
        return viewport * number / 100
    if unit == "px":
        return number
    return number * ROOT_FONT_PX


def _media_matches(condition: str, viewport: int) -> bool:
    for part in re.split(r"\s+and\s+", condition.strip()):
        match = re.fullmatch(r"\(\s*(min|max)-width\s*:\s*([^)]+)\)", part.strip())
        width = _length_px(match.group(2), viewport) if match else None
        if width is None:
            return False  # a condition we cannot evaluate: treat it as not matching
        if (match.group(1) == "min" and viewport < width) or (match.group(1) == "max" and viewport > width):
            return False
    return True


def slot_width(sizes: str, viewport: int) -> float:
    """The layout width ``sizes`` gives an image on a ``viewport``-wide screen (100vw by default)."""
    for entry in (item.strip() for item in sizes.split(",") if item.strip()):
        match = re.fullmatch(r"(.*\))\s+(\S+)", entry)
        condition, length = (match.group(1), match.group(2)) if match else ("", entry)
        if condition and not _media_matches(condition, viewport):
            continue
        width = _length_px(length, viewport)
        if width is not None:
            return width
    return float(viewport)


def pick_image(attributes: dict[str, str]) -> tuple[str, str]:
    """The URL a 360 px phone at DPR 2 downloads for this <img>, and why."""
    srcset = attributes.get("srcset", "").strip()
    src = attributes.get("src", "")
    if not srcset:
        return src, "src"
    candidates = re.findall(r"\s*([^\s,][^\s]*)\s+(\d+(?:\.\d+)?)([wx])\s*(?:,|$)", srcset)
    if not candidates:
        return src, "src (unparsed srcset)"
    if all(unit == "w" for _, _, unit in candidates):
        slot = slot_width(attributes.get("sizes", "100vw"), PHONE_VIEWPORT_PX)
        needed = slot * PHONE_DPR
        ordered = sorted(candidates, key=lambda item: float(item[1]))
        chosen = next((item for item in ordered if float(item[1]) >= needed), ordered[-1])
        return chosen[0], f"srcset {int(float(chosen[1]))}w for a {slot:.0f} px slot at DPR {PHONE_DPR}"
    ordered = sorted(candidates, key=lambda item: float(item[1]))
    chosen = next((item for item in ordered if float(item[1]) >= PHONE_DPR), ordered[-1])
    return chosen[0], f"srcset {chosen[1]}x"


class ResourceParser(HTMLParser):
    """Collects what a browser fetches before first paint: stylesheets, scripts, eager images, preloads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.resources: list[tuple[str, str, str]] = []  # (kind, url, note)

    def handle_starttag(self, tag, attrs):
        attributes = {key.lower(): (value or "") for key, value in attrs}
        if tag == "link":
            rel = attributes.get("rel", "").lower().split()
            href = attributes.get("href", "")
            if "stylesheet" in rel and href:
                self.resources.append(("css", href, "<link rel=stylesheet>"))
            elif "preload" in rel and href and attributes.get("as") in {"font", "style", "script", "image"}:
                self.resources.append((attributes["as"], href, "<link rel=preload>"))
        elif tag == "script" and attributes.get("src"):
            self.resources.append(("js", attributes["src"], "<script src>"))
        elif tag == "img" and attributes.get("loading", "").lower() != "lazy":
            url, note = pick_image(attributes)
            if url:
                self.resources.append(("image", url, note))


def font_urls(css: str) -> list[str]:
    """The first ``url()`` of every ``@font-face`` (what a browser supporting it downloads), and @imports."""
    urls = []
    for block in re.findall(r"@font-face\s*{([^}]*)}", css, flags=re.IGNORECASE):
        found = re.search(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", block)
        if found:
            urls.append(found.group(1))
    urls += re.findall(r"@import\s+(?:url\()?\s*['\"]([^'\"]+)['\"]", css)
    return urls


def local_path(url: str, base: str) -> str | None:
    """The path to fetch from our server, or None for another origin (never fetched)."""
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    if parts.hostname not in {HOST_HEADER, LOOPBACK}:
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def first_load_weight(port: int, page_path: str) -> dict:
    base = f"http://{HOST_HEADER}{page_path}"
    entries: list[dict] = []
    external: list[str] = []

    def add(kind: str, path: str, note: str) -> Fetched:
        fetched = fetch(port, path, gzip_ok=True)
        entries.append(
            {
                "kind": kind,
                "path": path,
                "note": note,
                "status": fetched.status,
                "encoding": fetched.header("Content-Encoding") or "identity",
                "body_bytes": len(fetched.body),
                "wire_bytes": len(fetched.body) + fetched.header_bytes,
            }
        )
        return fetched

    page = add("html", page_path, "the page")
    html = page.decoded().decode("utf-8", errors="replace")
    parser = ResourceParser()
    parser.feed(html)
    seen = {page_path}
    for kind, url, note in parser.resources:
        path = local_path(url, base)
        if path is None:
            external.append(url)
            continue
        if path in seen:
            continue
        seen.add(path)
        fetched = add(kind, path, note)
        if kind == "css" and fetched.status == 200:
            css = fetched.decoded().decode("utf-8", errors="replace")
            for font in font_urls(css):
                font_path = local_path(font, urljoin(base, path))
                if font_path is None:
                    external.append(font)
                elif font_path not in seen:
                    seen.add(font_path)
                    add("font", font_path, f"from {path}")
    total = sum(entry["wire_bytes"] for entry in entries)
    html_gzip = len(gzip.compress(page.decoded(), compresslevel=6))
    return {
        "page": page_path,
        "resources": entries,
        "external_not_fetched": external,
        "total_bytes": total,
        "total_kb": total / 1024,
        "budget_kb": FIRST_LOAD_BUDGET_KB,
        "html_encoding": page.header("Content-Encoding") or "identity",
        "html_decoded_bytes": len(page.decoded()),
        "html_gzip6_bytes": html_gzip,
        "after_load": service_worker_weight(port),
    }


def service_worker_weight(port: int) -> dict:
    """What the service worker downloads after the load event (reported, not counted in the budget)."""
    worker = fetch(port, "/sw.js", gzip_ok=True)
    items = [
        {"path": "/sw.js", "status": worker.status, "wire_bytes": len(worker.body) + worker.header_bytes}
    ]
    if worker.status == 200:
        source = worker.decoded().decode("utf-8", errors="replace")
        precache = re.search(r"PRECACHE\s*=\s*\[([^\]]*)\]", source)
        for path in re.findall(r"['\"](/[^'\"]*)['\"]", precache.group(1) if precache else ""):
            fetched = fetch(port, path, gzip_ok=True)
            items.append(
                {
                    "path": path,
                    "status": fetched.status,
                    "wire_bytes": len(fetched.body) + fetched.header_bytes,
                }
            )
    return {"resources": items, "total_bytes": sum(item["wire_bytes"] for item in items)}


# --- seeding ------------------------------------------------------------------------------------------


def prepare_postgres(database_url: str) -> str:
    """Drop and create ``svp_bench`` on the server of ``DATABASE_URL``; return the bench database URL."""
    parts = urlsplit(database_url)
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    bench_url = urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_DATABASE}", parts.query, ""))
    say(f"[seed] PostgreSQL: recreating database {BENCH_DATABASE} on {parts.hostname}:{parts.port or 5432}")
    for statement in (
        f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
        f"CREATE DATABASE {BENCH_DATABASE}",
    ):
        subprocess.run(
            ["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement],
            check=True,
            timeout=60,
            capture_output=True,
        )
    return bench_url


def drop_postgres(bench_url: str) -> None:
    parts = urlsplit(bench_url)
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    subprocess.run(
        ["psql", admin_url, "-q", "-c", f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"],
        check=False,
        timeout=60,
        capture_output=True,
    )


DISCOVER = """
import json
from django.conf import settings
from django.db import connection
from wagtail.models import Page
from village.models import CommunePage, GuidePage, VillageImage
commune = CommunePage.objects.live().filter(locale__language_code="vi").order_by("path").first()
guide = GuidePage.objects.live().descendant_of(commune).order_by("path").first() if commune else None
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SHOW server_version")
    else:
        cursor.execute("SELECT sqlite_version()")
    version = cursor.fetchone()[0]
print("BENCH-DISCOVER " + json.dumps({
    "commune": commune.get_url() if commune else None,
    "commune_title": commune.title if commune else None,
    "guide": guide.get_url() if guide else None,
    "guide_title": guide.title if guide else None,
    "live_pages": Page.objects.live().count(),
    "images": VillageImage.objects.count(),
    "debug": settings.DEBUG,
    "settings": settings.SETTINGS_MODULE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
    "db_vendor": connection.vendor,
    "db_version": version,
}))
"""

SEED_FACTORIES = "from tests.factories import build_site; build_site(); print('factories: site built')"


def seed(env: dict[str, str], data: str) -> dict:
    run_step(
        "migrate", manage("migrate", "--noinput"), env, timeout=900, echo=lambda line: "Applying" not in line
    )
    if data == "demo":
        run_step("load_demo", manage("load_demo"), env, timeout=1800, echo=lambda line: True)
    else:
        run_step("tests.factories.build_site", manage("shell", "-c", SEED_FACTORIES), env, timeout=600)
    run_step(
        "collectstatic",
        manage("collectstatic", "--noinput", "-v", "1"),
        env,
        timeout=900,
        echo=lambda _: True,
    )
    lines = run_step("discover the pages", manage("shell", "-c", DISCOVER), env, timeout=120)
    found = next((line for line in lines if line.startswith("BENCH-DISCOVER ")), None)
    if found is None:
        raise BenchError("could not discover the pages:\n" + "\n".join(lines[-LOG_TAIL_LINES:]))
    discovered = json.loads(found.removeprefix("BENCH-DISCOVER "))
    for key in ("commune", "guide"):
        if not discovered[key]:
            raise BenchError(f"the seeded data has no live {key} page")
        discovered[key] = urlsplit(discovered[key]).path  # get_url() is absolute when there are several sites
    if discovered["debug"]:
        raise BenchError("DEBUG is on under the production settings: refusing to benchmark")
    return discovered


# --- reporting ----------------------------------------------------------------------------------------


def machine(discovered: dict, workers: int, threads: int, *, busy_before: float | None = None) -> dict:
    """The machine, the versions and the server set-up, plus how busy the CPUs were around the load."""
    model = ""
    memory_kb = 0
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, flags=re.MULTILINE)
        model = found.group(1).strip() if found else ""
        meminfo = Path("/proc/meminfo").read_text()
        found = re.search(r"^MemTotal:\s*(\d+)\s*kB", meminfo, flags=re.MULTILINE)
        memory_kb = int(found.group(1)) if found else 0
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model or platform.processor() or "?",
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": version("django"),
        "wagtail": version("wagtail"),
        "gunicorn": version("gunicorn"),
        "db": f"{discovered['db_vendor']} {discovered['db_version']}",
        "cache": discovered["cache"],
        "server": f"gunicorn {workers} workers x gthread {threads} threads, "
        f"{discovered['settings']}, DEBUG off",
        "busy": "?" if busy_before is None else f"{busy_before:.0%} of the CPUs busy just before the load",
        "load_avg": " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " after (1/5/15 min)",
    }


def clean_up(*, servers, generator, work: Path, keep: bool, bench_url: str, database: str) -> None:
    """Stop the servers and the load generator; remove the temporary directory and bench database."""
    for server in servers:
        _kill_group(server.process)
    if generator is not None:
        generator.close()
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
        if bench_url:
            drop_postgres(bench_url)
    else:
        say(f"kept {work}" + (f" and database {database}" if bench_url else ""))


def print_targets(checks: list[dict]) -> None:
    """PASS/FAIL for the targets, lower-case pass/fail for the informational ones."""
    say("Targets")
    for check in checks:
        informational = check.get("informational")
        verdict = "pass" if check["passed"] else "fail"
        suffix = "  (information)" if informational else ""
        say(f"  {verdict if informational else verdict.upper()}  {check['name']}: {check['detail']}{suffix}")


def print_machine(info: dict, note: str, busy_before: float | None) -> None:
    say("Machine")
    for key, value in info.items():
        say(f"  {key:<10} {value}")
    say(f"  note       {note}")
    if busy_before is not None and busy_before > 0.25:
        say("  warning    other processes were using the CPUs before the load: expect noisy numbers")


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'endpoint':<9} {'mode':<9} {'conc':>4} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'hits':>5} {'bytes':>6} {'vs bare':>7}"
    )
    say(header)
    say("-" * len(header))
    for row in rows:
        ratio = f"{row.ratio_to_bare:.2f}" if row.ratio_to_bare is not None else "-"
        errors = row.errors + row.warmup_errors
        say(
            f"{row.endpoint:<9} {row.mode:<9} {row.concurrency:>4} {row.requests_per_second:>8.1f} "
            f"{row.p50_ms:>7.1f} {row.p95_ms:>7.1f} {row.p99_ms:>7.1f} {errors:>6} "
            f"{row.cache_hit_ratio:>5.0%} {row.response_bytes:>6} {ratio:>7}"
        )


def print_weight(weight: dict) -> None:
    say(
        f"First load of the guide page {weight['page']} "
        "(Accept-Encoding: gzip, bytes on the wire incl. headers)"
    )
    for entry in weight["resources"]:
        say(
            f"  {entry['kind']:<6} {entry['status']:>3} {entry['encoding']:<8} {entry['wire_bytes']:>8} B  "
            f"{entry['path']}  ({entry['note']})"
        )
    for url in weight["external_not_fetched"]:
        say(f"  external, not fetched: {url}")
    say(f"  total  {weight['total_kb']:.1f} KB of {weight['budget_kb']:.0f} KB")
    if weight["html_encoding"] == "identity":
        say(
            f"  note: the HTML left the app uncompressed ({weight['html_decoded_bytes']} B); "
            f"gzip -6 would make it {weight['html_gzip6_bytes']} B"
        )
    after = weight["after_load"]
    say(
        f"  after the load event the service worker fetches {after['total_bytes'] / 1024:.1f} KB more "
        f"({', '.join(item['path'] for item in after['resources'])}) — not counted in the budget"
    )


def targets(rows: list[Row], weight: dict, plan: Plan) -> list[dict]:
    def find(endpoint: str, mode: str, concurrency: int) -> Row:
        """The measured row (a zero row if it was not measured, which then fails its target)."""
        wanted = (endpoint, mode, concurrency)
        found = next((r for r in rows if (r.endpoint, r.mode, r.concurrency) == wanted), None)
        return found or Row(endpoint, "", mode, concurrency, p95_ms=float("inf"))

    results = []
    guide_cached = find("guide", "cached", plan.concurrency)
    bare_cached = find("bare", "cached", plan.concurrency)
    ratio = guide_cached.ratio_to_bare or 0.0
    results.append(
        {
            "name": "guide page cached throughput >= 50% of the bare view",
            "passed": ratio >= CACHED_RATIO_TARGET,
            "detail": f"{ratio:.0%} ({guide_cached.requests_per_second:.0f} vs "
            f"{bare_cached.requests_per_second:.0f} req/s)",
        }
    )
    single = [find(name, "uncached", 1) for name in ("commune", "guide")]
    results.append(
        {
            "name": f"uncached p95 <= {UNCACHED_P95_TARGET_MS:.0f} ms (one visitor at a time)",
            "passed": all(row.p95_ms <= UNCACHED_P95_TARGET_MS for row in single),
            "detail": ", ".join(f"{row.endpoint} {row.p95_ms:.0f} ms" for row in single),
        }
    )
    loaded = [find(name, "uncached", plan.concurrency) for name in ("commune", "guide")]
    results.append(
        {
            "name": f"uncached p95 <= {UNCACHED_P95_TARGET_MS:.0f} ms "
            f"({plan.concurrency} concurrent visitors, saturated)",
            "passed": all(row.p95_ms <= UNCACHED_P95_TARGET_MS for row in loaded),
            "detail": ", ".join(f"{row.endpoint} {row.p95_ms:.0f} ms" for row in loaded),
            "informational": True,
        }
    )
    results.append(
        {
            "name": f"guide page first load <= {FIRST_LOAD_BUDGET_KB:.0f} KB",
            "passed": weight["total_kb"] <= FIRST_LOAD_BUDGET_KB,
            "detail": f"{weight['total_kb']:.1f} KB",
        }
    )
    return results


# --- the run ------------------------------------------------------------------------------------------


def measure_server(
    generator: LoadGenerator, server: Server, pages: dict[str, str], plan: Plan, *, single_visitor: bool
) -> list[Row]:
    rows = []
    for endpoint, path in (("bare", BARE_PATH), ("commune", pages["commune"]), ("guide", pages["guide"])):
        say(f"[load] {server.mode:<8} {endpoint:<7} c={plan.concurrency} {plan.duration:.0f} s  {path}")
        rows.append(
            generator.measure(Row(endpoint, path, server.mode, plan.concurrency), server.port, plan.duration)
        )
    if single_visitor:
        for endpoint, path in (("bare", BARE_PATH), ("commune", pages["commune"]), ("guide", pages["guide"])):
            say(f"[load] {server.mode:<8} {endpoint:<7} c=1 {plan.latency_duration:.0f} s  {path}")
            rows.append(
                generator.measure(Row(endpoint, path, server.mode, 1), server.port, plan.latency_duration)
            )
    for concurrency in {row.concurrency for row in rows}:
        bare = next(r for r in rows if r.endpoint == "bare" and r.concurrency == concurrency)
        for row in rows:
            if row.concurrency == concurrency and bare.requests_per_second:
                row.ratio_to_bare = row.requests_per_second / bare.requests_per_second
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="short runs; exit 1 on any HTTP error")
    parser.add_argument("--data", choices=["demo", "factories"], default="demo", help="what to seed (demo)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker (4)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (and bench database)"
    )
    arguments = parser.parse_args()
    plan = SMOKE if arguments.smoke else FULL

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix="svp-bench-"))
    database_url = os.environ.get("DATABASE_URL", "")
    bench_url = ""
    servers: list[Server] = []
    generator: LoadGenerator | None = None
    rows: list[Row] = []
    weight: dict = {}
    failures: list[str] = []
    say(f"Smart Village page benchmark ({'smoke' if arguments.smoke else 'full'}) in {work}")
    try:
        if database_url:
            bench_url = prepare_postgres(database_url)
        env = base_env(work, bench_url)
        discovered = seed(env, arguments.data)
        pages = {"commune": discovered["commune"], "guide": discovered["guide"]}
        say(
            f"[seed] {discovered['live_pages']} live pages, {discovered['images']} images; "
            f"commune {pages['commune']}  guide {pages['guide']}"
        )
        generator = LoadGenerator(plan)
        busy_before = cpu_busy()
        for mode, seconds in (("cached", "300"), ("uncached", "0")):
            server = start_server(
                mode, {**env, "PAGE_CACHE_SECONDS": seconds}, work, arguments.workers, arguments.threads
            )
            servers.append(server)
            say(
                f"[serve] {mode}: gunicorn pid {server.process.pid} on {LOOPBACK}:{server.port}, "
                f"PAGE_CACHE_SECONDS={seconds}"
            )
            try:
                rows += measure_server(generator, server, pages, plan, single_visitor=(mode == "uncached"))
                if mode == "cached":
                    weight = first_load_weight(server.port, pages["guide"])
            finally:
                _kill_group(server.process)
            errors = sum(row.errors + row.warmup_errors for row in rows if row.mode == mode)
            bad = [
                e
                for e in weight.get("resources", []) + weight.get("after_load", {}).get("resources", [])
                if e["status"] != 200
            ]
            if errors or (mode == "cached" and bad):
                log_copy = RESULTS_DIR / f"pages-{stamp}-{mode}.log"
                shutil.copyfile(server.log_path, log_copy)
                failures.append(
                    f"{mode}: {errors} HTTP errors, {len(bad)} bad resources (server log: {log_copy})"
                )
                say(f"[serve] {mode}: HTTP errors; last lines of the gunicorn log:\n{server.log_tail()}")
        info = machine(discovered, arguments.workers, arguments.threads, busy_before=busy_before)
    except BenchError as error:
        say(f"\nBENCH FAILED: {error}")
        return 2
    finally:
        clean_up(
            servers=servers,
            generator=generator,
            work=work,
            keep=arguments.keep,
            bench_url=bench_url,
            database=BENCH_DATABASE,
        )

    # The rows must stay in a stable order for the table: cached first, then uncached, c=8 then c=1.
    rows.sort(key=lambda row: (row.mode != "cached", -row.concurrency))
    say("")
    say(
        f"Pages: commune {pages['commune']} ({discovered['commune_title']}), "
        f"guide {pages['guide']} ({discovered['guide_title']}); data: {arguments.data}, "
        f"{discovered['live_pages']} live pages"
    )
    say(
        f"Load: {plan.concurrency} keep-alive connections from {plan.client_processes} client processes, "
        f"{plan.warmup:.0f} s warm-up + {plan.duration:.0f} s per row "
        f"(c=1 rows: {plan.latency_duration:.0f} s); anonymous GETs, no cookies"
    )
    say("")
    print_table(rows)
    say("")
    print_weight(weight)
    say("")
    checks = targets(rows, weight, plan)
    print_targets(checks)
    say("")
    print_machine(
        info,
        f"the server ({arguments.workers} workers) and the load generator share the "
        f"{info['cpu_count']} CPUs; the {'locmem' if 'locmem' in info['cache'] else 'shared'} page cache "
        f"{'is per worker process' if 'locmem' in info['cache'] else 'is shared'}",
        busy_before,
    )
    result_path = RESULTS_DIR / f"pages-{stamp}.json"
    result_path.write_text(
        json.dumps(
            {
                "timestamp": stamp,
                "smoke": arguments.smoke,
                "data": arguments.data,
                "plan": asdict(plan),
                "pages": pages,
                "discovered": discovered,
                "rows": [asdict(row) for row in rows],
                "first_load": weight,
                "targets": checks,
                "machine": info,
                "failures": failures,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    say(f"\nResults written to {result_path.relative_to(REPO)}")
    if failures:
        say("HTTP ERRORS: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    sys.exit(main())
