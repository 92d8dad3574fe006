"""Partner API benchmark: list endpoints and a 304 revalidation against a bare DRF view on gunicorn.

What it does, start to finish (everything lives in a temporary directory that is removed at the end):

1. seeds a fresh database — PostgreSQL database ``svp_bench_api`` (or ``--database NAME``; created, then
   dropped) on the server of ``DATABASE_URL`` when it is set, else SQLite with the same data (and says
   so) — with ``migrate``, then ``bench/market.py``'s seeding (the village tree of
   ``tests.factories.build_site()`` and 10,000 approved products of 200 approved producers,
   ``bulk_create``), then ~300 published guide pages (Wagtail ``add_child`` + publish, in Vietnamese,
   spread over the tree's two communes, with hero images whose card renditions exist), and one partner
   registered, approved (tier premium, every ``*:read`` scope) and given a key through
   ``api.services.partners``; then ``ANALYZE``;
2. runs ``collectstatic`` (production settings: whitenoise compressed manifest storage);
3. serves the site with gunicorn under ``config.settings.production`` (DEBUG off) with the anonymous
   page cache off (``PAGE_CACHE_SECONDS=0``: the API is never page-cached, the bare views would be), the
   premium quotas raised out of reach (``API_PREMIUM_PER_MINUTE``/``_PER_DAY``) so nothing is throttled,
   ``API_ETAG_WINDOW_SECONDS=86400`` so an ETag cannot roll over in the middle of a measurement
   (a revalidation costs the same whatever the window), and gunicorn's worker recycling off
   (``GUNICORN_MAX_REQUESTS=0``): with it on (2,000 requests, production's default) both workers retire
   at about the same moment in the middle of some row, and the keep-alive clients then wait for a new
   worker to boot (15–20 s on a busy 2-CPU machine), which measures Django's start-up, not a request;
4. drives it from separate client processes (keep-alive ``http.client`` connections, one per thread),
   after a warm-up, at full concurrency and one client at a time, against: the bare Django view
   (``/__bench__/bare/``), the bare DRF view (``/__bench__/bare-api/``, ``api/views/bench.py``), both
   routed only with ``BENCH_BARE_VIEW=1``; ``/api/v1/products/?limit=50`` and ``/api/v1/guides/?limit=50``
   with ``Authorization: Bearer <key>``; and the products list again with ``If-None-Match`` (its ETag),
   where a 304 is the expected answer. API requests send ``Accept: application/json`` and
   ``Accept-Encoding: gzip`` as partner HTTP clients do. This server runs with the answer cache on
   (``API_RESPONSE_CACHE_SECONDS`` at its default, as in production): a repeated question is answered
   from the cache under its ETag after the key, scope and quota checks and the exchange-log write —
   like a revalidation, early, before the rest of the stack (``api/shortcut.py``);
   then a second server with ``API_RESPONSE_CACHE_SECONDS=0`` answers the two lists again
   (``products-nocache``, ``guides-nocache``), every request serializing its 50 items;
5. prints one table (ratios to the bare DRF view — the target's baseline — and to the bare Django view),
   the targets (PASS/FAIL) and the machine, and writes the whole result as JSON to
   ``bench/results/api-<timestamp>.json`` (never the key).

``--smoke`` seeds 500 products and 60 guides, runs short measurements and exits non-zero on any HTTP
error (never on speed). A guides endpoint that is not there (404) is skipped, and said so.

Usage: ``make bench-api`` / ``make bench-api-smoke`` (or ``.venv/bin/python bench/api.py --help``). The
HTTP client, the server and the helpers are those of ``bench/pages.py``; the product seeding is
``bench/market.py``'s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from pages import (
    BARE_PATH,
    FULL,
    LOOPBACK,
    REPO,
    RESULTS_DIR,
    SMOKE,
    BenchError,
    LoadGenerator,
    Plan,
    Row,
    Server,
    _kill_group,
    base_env,
    clean_up,
    cpu_busy,
    fetch,
    machine,
    manage,
    prepare_postgres,
    print_machine,
    print_targets,
    run_step,
    say,
    start_server,
)

from market import FULL_PRODUCTS, PRODUCERS, PRODUCT_STOCK, SEED_MARKET, SMOKE_PRODUCTS

BENCH_DATABASE = "svp_bench_api"
BARE_API_PATH = "/__bench__/bare-api/"
PER_PAGE = 50
PRODUCTS_PATH = f"/api/v1/products/?limit={PER_PAGE}"
GUIDES_PATH = f"/api/v1/guides/?limit={PER_PAGE}"
FULL_GUIDES = 300
SMOKE_GUIDES = 60  # more than a page of 50, so the measured page is full
UNTHROTTLED = "1000000000"  # the premium quotas while benchmarking
ETAG_WINDOW_SECONDS = "86400"
ETAG_PROBES = 24  # fresh connections used to collect the ETag of every gunicorn worker

# Targets from the issue.
LIST_RATIO_TARGET = 0.35  # list throughput / bare DRF view throughput
LIST_P95_TARGET_MS = 150.0  # one client at a time
REVALIDATION_RATIO_TARGET = 0.70  # 304 throughput / bare DRF view throughput

# What a partner's HTTP client sends (requests, httpx… all ask for gzip).
API_CLIENT_HEADERS = {"Accept": "application/json", "Accept-Encoding": "gzip"}


@dataclass(frozen=True)
class Step:
    endpoint: str  # the row's name in the table
    path: str
    keyed: bool = False  # sends the partner's key
    revalidate: bool = False  # sends If-None-Match with the list's ETag(s); a 304 is expected
    json_client: bool = True  # sends API_CLIENT_HEADERS (the bare Django view gets a browser's)
    answer_cache: bool = True  # measured on the server with the answer cache on (the default)


STEPS = (
    Step("bare", BARE_PATH, json_client=False),
    Step("bare-drf", BARE_API_PATH),
    Step("products", PRODUCTS_PATH, keyed=True),
    Step("guides", GUIDES_PATH, keyed=True),
    Step("products-304", PRODUCTS_PATH, keyed=True, revalidate=True),
    # the same lists on a second server with API_RESPONSE_CACHE_SECONDS=0: every request serializes
    Step("products-nocache", PRODUCTS_PATH, keyed=True, answer_cache=False),
    Step("guides-nocache", GUIDES_PATH, keyed=True, answer_cache=False),
)


@dataclass
class ApiRow(Row):
    expected_status: int = 200
    ratio_to_bare_django: float | None = None  # ratio_to_bare is against the bare DRF view


# --- seeding ------------------------------------------------------------------------------------------

SEED_API = r"""
import json, os, time
from django.conf import settings
from django.db import connection
from django.utils import translation
from api.models import READ_SCOPES, Tier
from api.services.partners import approve_partner, issue_key, register_partner
from market.models import Product
from village.models import Audience, Difficulty, GuidePage, Topic
from tests.factories import add, guide_body, load_site, make_image, make_user
try:
    from api.serializers.content import CARD_IMAGE_SPEC
except ImportError:
    CARD_IMAGE_SPEC = "fill-640x360|format-webp"

GUIDES = int(os.environ["BENCH_GUIDES"])
began = time.monotonic()


def progress(message):
    print(f"{time.monotonic() - began:6.1f} s  {message}", flush=True)


translation.activate("vi")
site = load_site()
if site is None:
    raise SystemExit("the village tree of tests.factories.build_site() is missing")
images = [
    make_image(f"Cẩm nang {index}", colour=(200 - 20 * index, 90, 40 + 20 * index)) for index in range(8)
]
for image in images:
    image.get_rendition(CARD_IMAGE_SPEC)
progress(f"{len(images)} guide hero images with their card rendition ({CARD_IMAGE_SPEC})")

SUBJECTS = [
    "Kích hoạt định danh điện tử mức 2", "Thanh toán bằng mã QR", "Nộp hồ sơ dịch vụ công trực tuyến",
    "Bán nông sản trên sàn thương mại điện tử", "Nhận biết cuộc gọi lừa đảo", "Cài đặt 4G và Wi-Fi",
    "Đăng ký khai sinh trực tuyến", "Bảo vệ mật khẩu và mã OTP", "Chụp ảnh sản phẩm bằng điện thoại",
    "Tra cứu hồ sơ đất đai", "Dùng ví điện tử an toàn", "Gọi video cho người thân",
]
topics, audiences, levels = list(Topic.values), list(Audience.values), list(Difficulty.values)
communes = [site["a"]["guides"], site["b"]["guides"]]
for index in range(GUIDES):
    subject = SUBJECTS[index % len(SUBJECTS)]
    add(
        communes[index % len(communes)],
        GuidePage(
            title=f"{subject} (bài {index + 1})",
            slug=f"bench-{index + 1}",
            summary=f"Hướng dẫn từng bước: {subject.lower()}, cho bà con trong xã.",
            topic=topics[index % len(topics)],
            audience=audiences[index % len(audiences)],
            difficulty=levels[index % len(levels)],
            minutes_needed=10 + index % 50,
            hero_image=images[index % len(images)],
            body=guide_body(subject),
        ),
    )
    if (index + 1) % 25 == 0 or index + 1 == GUIDES:
        progress(f"guides {index + 1:>4} / {GUIDES} (add_child + publish)")

reviewer = make_user("platform-admin@bench.invalid", superuser=True)
owner = make_user("partner-dev@bench.invalid")
partner = register_partner(
    owner=owner, organisation="Bench Travel Co.", website="https://bench.invalid",
    contact_name="Bench", contact_email="partner-dev@bench.invalid",
    intended_use="Load test of the partner API.",
)
partner = approve_partner(partner=partner, reviewer=reviewer, tier=Tier.PREMIUM, scopes=READ_SCOPES)
api_key, full_key = issue_key(partner=partner, actor=reviewer, name="bench")
progress(f"partner {partner.pk} approved (tier {partner.tier}, scopes {', '.join(partner.scopes)}), "
         f"key {api_key.prefix}…")

if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress("ANALYZE done")
with connection.cursor() as cursor:
    cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
    version = cursor.fetchone()[0]
print("BENCH-SEED " + json.dumps({
    "key": full_key,
    "partner": partner.pk,
    "key_prefix": api_key.prefix,
    "tier": partner.tier,
    "scopes": partner.scopes,
    "listed_products": Product.objects.listed().count(),
    "guides_vi": GuidePage.objects.live().public().filter(locale__language_code="vi").count(),
    "guides_all": GuidePage.objects.live().count(),
    "debug": settings.DEBUG,
    "settings": settings.SETTINGS_MODULE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "db_vendor": connection.vendor,
    "db_version": version,
    "db_name": str(settings.DATABASES["default"]["NAME"]),
}, ensure_ascii=False), flush=True)
"""


def seed(env: dict[str, str], products: int, guides: int) -> dict:
    run_step(
        "migrate", manage("migrate", "--noinput"), env, timeout=900, echo=lambda line: "Applying" not in line
    )
    market_env = {
        **env,
        "BENCH_PRODUCTS": str(products),
        "BENCH_PRODUCERS": str(max(1, min(PRODUCERS, products))),
        "BENCH_STOCK": str(PRODUCT_STOCK),
    }
    run_step(
        f"village tree + {products:,} products (bench/market.py's seeding, bulk_create)",
        manage("shell", "-c", SEED_MARKET),
        market_env,
        timeout=1200,
        echo=lambda _: True,
    )
    lines = run_step(
        f"{guides} guide pages + a premium partner with a key (api.services.partners)",
        manage("shell", "-c", SEED_API),
        {**env, "BENCH_GUIDES": str(guides)},
        timeout=1800,
        echo=lambda line: not line.startswith("BENCH-SEED "),  # the line with the key stays quiet
    )
    run_step(
        "collectstatic",
        manage("collectstatic", "--noinput", "-v", "1"),
        env,
        timeout=900,
        echo=lambda _: True,
    )
    found = next((line for line in lines if line.startswith("BENCH-SEED ")), None)
    if found is None:
        raise BenchError(
            "the seeding printed no BENCH-SEED line:\n" + "\n".join(lines[-pages.LOG_TAIL_LINES :])
        )
    discovered = json.loads(found.removeprefix("BENCH-SEED "))
    if discovered["debug"]:
        raise BenchError("DEBUG is on under the production settings: refusing to benchmark")
    if discovered["listed_products"] != products:
        raise BenchError(f"seeded {discovered['listed_products']} listed products, wanted {products}")
    if discovered["guides_vi"] < guides:
        raise BenchError(f"{discovered['guides_vi']} live Vietnamese guides, wanted at least {guides}")
    return discovered


# --- measuring ----------------------------------------------------------------------------------------


def step_headers(step: Step, key: str, etags: list[str]) -> dict[str, str]:
    headers = dict(API_CLIENT_HEADERS) if step.json_client else {}
    if step.keyed:
        headers["Authorization"] = f"Bearer {key}"
    if step.revalidate:
        headers["If-None-Match"] = ", ".join(etags)
    return headers


def collect_etags(port: int, path: str, headers: dict[str, str]) -> list[str]:
    """The list's ETag as each gunicorn worker computes it, from fresh connections (one per fetch).

    With a per-process cache (locmem) every worker has its own content clock, so its own ETag; with a
    shared cache (Redis) there is one. A client sends them all in ``If-None-Match``, as HTTP allows.
    """
    etags: set[str] = set()
    for _ in range(ETAG_PROBES):
        answer = fetch(port, path, headers=headers)
        if answer.status != 200 or not answer.header("ETag"):
            raise BenchError(f"{path} answers {answer.status} without an ETag: {answer.body[:300]!r}")
        etags.add(answer.header("ETag"))
    return sorted(etags)


def preflight(port: int, step: Step, headers: dict[str, str], server: Server) -> dict | None:
    """One request before the load: the expected status, a full page for the lists; None if absent."""
    answer = fetch(port, step.path, headers=headers)
    expected = 304 if step.revalidate else 200
    if step.keyed and not step.revalidate and answer.status == 404:
        return None
    if answer.status != expected:
        raise BenchError(
            f"{step.endpoint} {step.path} answers {answer.status}, not {expected}: "
            f"{answer.decoded()[:300]!r}\n{server.log_tail()}"
        )
    facts = {
        "status": answer.status,
        "wire_bytes": len(answer.body),
        "encoding": answer.header("Content-Encoding"),
    }
    if step.keyed and not step.revalidate:
        body = json.loads(answer.decoded())
        results = body.get("results")
        if not isinstance(results, list) or len(results) != PER_PAGE:
            count = len(results) if isinstance(results, list) else results
            raise BenchError(
                f"{step.endpoint} {step.path}: {count} results, wanted a full page of {PER_PAGE}"
            )
        facts["decoded_bytes"] = len(answer.decoded())
        facts["has_next"] = bool(body.get("next"))
    return facts


def set_ratios(rows: list[ApiRow]) -> None:
    """Each row against the bare DRF view (the targets' baseline) and the bare Django view."""
    for row in rows:
        for name, attribute in (("bare-drf", "ratio_to_bare"), ("bare", "ratio_to_bare_django")):
            bare = next((r for r in rows if (r.endpoint, r.concurrency) == (name, row.concurrency)), None)
            if bare is not None and bare.requests_per_second:
                setattr(row, attribute, row.requests_per_second / bare.requests_per_second)


def measure(
    generator: LoadGenerator,
    server: Server,
    steps: list[Step],
    headers: dict[str, dict[str, str]],
    concurrency: int,
    duration: float,
) -> list[ApiRow]:
    rows = []
    for step in steps:
        expected = 304 if step.revalidate else 200
        say(f"[load] {step.endpoint:<12} c={concurrency} {duration:.0f} s  {step.path}  (expects {expected})")
        row = ApiRow(step.endpoint, step.path, "uncached", concurrency, expected_status=expected)
        rows.append(
            generator.measure(
                row, server.port, duration, headers=headers[step.endpoint], expected_status=expected
            )
        )
    return rows


# --- reporting ----------------------------------------------------------------------------------------


def print_table(rows: list[ApiRow]) -> None:
    header = (
        f"{'endpoint':<12} {'conc':>4} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'status':>6} {'bytes':>6} {'vs DRF':>6} {'vs Django':>9}"
    )
    say(header)
    say("-" * len(header))
    for row in rows:
        drf = f"{row.ratio_to_bare:.2f}" if row.ratio_to_bare is not None else "-"
        django = f"{row.ratio_to_bare_django:.2f}" if row.ratio_to_bare_django is not None else "-"
        say(
            f"{row.endpoint:<12} {row.concurrency:>4} {row.requests_per_second:>8.1f} {row.p50_ms:>7.1f} "
            f"{row.p95_ms:>7.1f} {row.p99_ms:>7.1f} {row.errors + row.warmup_errors:>6} "
            f"{row.expected_status:>6} {row.response_bytes:>6} {drf:>6} {django:>9}"
        )


def targets(rows: list[ApiRow], plan: Plan, skipped: list[str]) -> list[dict]:
    def find(endpoint: str, concurrency: int) -> ApiRow:
        found = next((r for r in rows if (r.endpoint, r.concurrency) == (endpoint, concurrency)), None)
        return found or ApiRow(endpoint, "", "uncached", concurrency, p95_ms=float("inf"))

    def ratio_detail(row: ApiRow) -> str:
        bare = find("bare-drf", row.concurrency)
        return (
            f"{row.ratio_to_bare or 0:.0%} ({row.requests_per_second:.0f} vs {bare.requests_per_second:.0f} "
            f"req/s; {row.ratio_to_bare_django or 0:.0%} of the bare Django view)"
        )

    c = plan.concurrency
    checks: list[dict] = []
    for endpoint in ("products", "guides"):
        name = (
            f"{endpoint} list ({PER_PAGE} per page) throughput >= {LIST_RATIO_TARGET:.0%} "
            f"of the bare DRF view ({c} clients)"
        )
        if endpoint in skipped:
            checks.append(
                {"name": name, "passed": False, "detail": "skipped: endpoint not present", "skipped": True}
            )
            continue
        row = find(endpoint, c)
        checks.append(
            {
                "name": name,
                "passed": (row.ratio_to_bare or 0) >= LIST_RATIO_TARGET,
                "detail": ratio_detail(row),
            }
        )
    single = [find(endpoint, 1) for endpoint in ("products", "guides") if endpoint not in skipped]
    checks.append(
        {
            "name": f"list p95 <= {LIST_P95_TARGET_MS:.0f} ms (one client at a time)",
            "passed": bool(single) and all(row.p95_ms <= LIST_P95_TARGET_MS for row in single),
            "detail": ", ".join(f"{row.endpoint} {row.p95_ms:.0f} ms" for row in single)
            + (f"; {', '.join(skipped)} skipped: endpoint not present" if skipped else ""),
        }
    )
    revalidation = find("products-304", c)
    checks.append(
        {
            "name": f"304 revalidation (products list, If-None-Match) throughput >= "
            f"{REVALIDATION_RATIO_TARGET:.0%} of the bare DRF view ({c} clients)",
            "passed": (revalidation.ratio_to_bare or 0) >= REVALIDATION_RATIO_TARGET,
            "detail": ratio_detail(revalidation),
        }
    )
    for endpoint in ("products-nocache", "guides-nocache"):
        if endpoint in skipped:
            continue
        row = find(endpoint, c)
        checks.append(
            {
                "name": f"{endpoint}: every request serializes (API_RESPONSE_CACHE_SECONDS=0), "
                f"throughput vs bare DRF ({c} clients); p95 one at a time {find(endpoint, 1).p95_ms:.0f} ms",
                "passed": (row.ratio_to_bare or 0) >= LIST_RATIO_TARGET,
                "detail": ratio_detail(row),
                "informational": True,
            }
        )
    loaded = [
        find(endpoint, c) for endpoint in ("products", "guides", "products-304") if endpoint not in skipped
    ]
    checks.append(
        {
            "name": f"p95 <= {LIST_P95_TARGET_MS:.0f} ms with {c} concurrent clients (saturated)",
            "passed": all(row.p95_ms <= LIST_P95_TARGET_MS for row in loaded),
            "detail": ", ".join(f"{row.endpoint} {row.p95_ms:.0f} ms" for row in loaded),
            "informational": True,
        }
    )
    return checks


def print_checks(checks: list[dict]) -> None:
    print_targets([check for check in checks if not check.get("skipped")])
    for check in checks:
        if check.get("skipped"):
            say(f"  SKIP  {check['name']}: {check['detail']}")


# --- the run ------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"{SMOKE_PRODUCTS} products, {SMOKE_GUIDES} guides, short runs; exit 1 on any HTTP error",
    )
    parser.add_argument(
        "--products", type=int, help=f"products to seed ({FULL_PRODUCTS:,}; smoke {SMOKE_PRODUCTS})"
    )
    parser.add_argument(
        "--guides", type=int, help=f"guide pages to add ({FULL_GUIDES}; smoke {SMOKE_GUIDES})"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker (4)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (and bench database)"
    )
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help=f"PostgreSQL database to create, seed and drop on the DATABASE_URL server ({BENCH_DATABASE})",
    )
    arguments = parser.parse_args()
    plan = SMOKE if arguments.smoke else FULL
    products = arguments.products or (SMOKE_PRODUCTS if arguments.smoke else FULL_PRODUCTS)
    guides = arguments.guides or (SMOKE_GUIDES if arguments.smoke else FULL_GUIDES)
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", arguments.database):
        parser.error("--database: a lower-case PostgreSQL identifier (letters, digits, underscores)")
    if products < PER_PAGE or guides < PER_PAGE:
        parser.error(f"seed at least {PER_PAGE} products and {PER_PAGE} guides (one full page)")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix="svp-bench-api-"))
    database_url = os.environ.get("DATABASE_URL", "")
    database_name = arguments.database
    pages.BENCH_DATABASE = database_name  # prepare_postgres/drop_postgres work on pages.BENCH_DATABASE
    bench_url = ""
    server: Server | None = None
    first_server: Server | None = None
    generator: LoadGenerator | None = None
    rows: list[ApiRow] = []
    failures: list[str] = []
    skipped: list[str] = []
    checked: dict[str, dict] = {}
    etags: list[str] = []
    say(f"Smart Village partner API benchmark ({'smoke' if arguments.smoke else 'full'}) in {work}")
    if database_url:
        say(f"[seed] DATABASE_URL is set: PostgreSQL, own database {database_name} (dropped at the end)")
    else:
        say(
            f"[seed] DATABASE_URL is not set: falling back to SQLite ({work / 'db.sqlite3'}), "
            f"same {products:,} products and {guides} guides"
        )
    try:
        if database_url:
            bench_url = prepare_postgres(database_url)
        env = base_env(work, bench_url)
        discovered = seed(env, products, guides)
        key = discovered.pop("key")
        say(
            f"[seed] {discovered['listed_products']:,} listed products, {discovered['guides_vi']} live "
            f"Vietnamese guides; partner {discovered['partner']} (tier {discovered['tier']}), "
            f"key {discovered['key_prefix']}…"
        )
        server_env = {
            **env,
            "PAGE_CACHE_SECONDS": "0",
            "API_PREMIUM_PER_MINUTE": UNTHROTTLED,
            "API_PREMIUM_PER_DAY": UNTHROTTLED,
            "API_ETAG_WINDOW_SECONDS": ETAG_WINDOW_SECONDS,
            "GUNICORN_MAX_REQUESTS": "0",  # no worker recycling in the middle of a row (see the docstring)
        }
        generator = LoadGenerator(plan)
        busy_before = cpu_busy()
        server = start_server("uncached", server_env, work, arguments.workers, arguments.threads)
        say(
            f"[serve] gunicorn pid {server.process.pid} on {LOOPBACK}:{server.port}, PAGE_CACHE_SECONDS=0, "
            f"premium quota {UNTHROTTLED}/min, API_ETAG_WINDOW_SECONDS={ETAG_WINDOW_SECONDS}, "
            "worker recycling off (GUNICORN_MAX_REQUESTS=0)"
        )
        headers = {step.endpoint: step_headers(step, key, []) for step in STEPS}
        products_step = next(step for step in STEPS if step.endpoint == "products")
        etags = collect_etags(server.port, products_step.path, headers["products"])
        say(f"[check] {PRODUCTS_PATH}: {len(etags)} distinct ETag(s) from {ETAG_PROBES} fresh connections")
        if len(etags) > 1:
            say(
                f"[check] note: the ETag differs between gunicorn workers ({discovered['cache']}: each "
                "worker process has its own content clock), so a revalidation landing on another worker "
                "gets a 200; a shared cache (REDIS_URL) gives one ETag. The 304 rows send all "
                f"{len(etags)} in If-None-Match."
            )
        steps: list[Step] = []
        for step in [step for step in STEPS if step.answer_cache]:
            headers[step.endpoint] = step_headers(step, key, etags)
            facts = preflight(server.port, step, headers[step.endpoint], server)
            if facts is None:
                skipped.append(step.endpoint)
                say(f"[check] {step.endpoint:<12} skipped: endpoint not present ({step.path} answers 404)")
                continue
            checked[step.endpoint] = facts
            steps.append(step)
            say(
                f"[check] {step.endpoint:<12} {facts['status']} {facts['wire_bytes']:>6} B on the wire  "
                f"{step.path}"
            )
        rows += measure(generator, server, steps, headers, plan.concurrency, plan.duration)
        rows += measure(generator, server, steps, headers, 1, plan.latency_duration)
        _kill_group(server.process)
        first_server = server
        server = start_server(
            "no-answer-cache", {**server_env, "API_RESPONSE_CACHE_SECONDS": "0"}, work, arguments.workers,
            arguments.threads,
        )  # fmt: skip
        say(f"[serve] gunicorn pid {server.process.pid}: the same, API_RESPONSE_CACHE_SECONDS=0")
        uncached_steps = []
        for step in [step for step in STEPS if not step.answer_cache]:
            headers[step.endpoint] = step_headers(step, key, etags)
            if preflight(server.port, step, headers[step.endpoint], server) is None:
                skipped.append(step.endpoint)
                continue
            uncached_steps.append(step)
        rows += measure(generator, server, uncached_steps, headers, plan.concurrency, plan.duration)
        rows += measure(generator, server, uncached_steps, headers, 1, plan.latency_duration)
        _kill_group(server.process)
        server_logs = [first_server, server]
        errors = sum(row.errors + row.warmup_errors for row in rows)
        if errors:
            log_copy = RESULTS_DIR / f"api-{stamp}.log"
            with log_copy.open("wb") as copy:
                for logged in server_logs:
                    copy.write(logged.log_path.read_bytes())
            unexpected = {row.endpoint: row.statuses for row in rows if row.errors + row.warmup_errors}
            failures.append(f"{errors} HTTP errors {unexpected} (server log: {log_copy})")
            say(f"[serve] HTTP errors; last lines of the gunicorn log:\n{server.log_tail()}")
        info = machine(discovered, arguments.workers, arguments.threads, busy_before=busy_before)
    except BenchError as error:
        say(f"\nBENCH FAILED: {error}")
        return 2
    finally:
        clean_up(
            servers=[server, *([first_server] if first_server is not None else [])] if server else [],
            generator=generator,
            work=work,
            keep=arguments.keep,
            bench_url=bench_url,
            database=database_name,
        )

    set_ratios(rows)
    order = {step.endpoint: index for index, step in enumerate(STEPS)}
    rows.sort(key=lambda row: (-row.concurrency, order[row.endpoint]))
    database = (
        f"PostgreSQL {discovered['db_version']} (database {database_name})"
        if discovered["db_vendor"] == "postgresql"
        else f"SQLite {discovered['db_version']} (no DATABASE_URL: fallback)"
    )
    say("")
    say(
        f"Data: {discovered['listed_products']:,} listed products, {discovered['guides_vi']} live Vietnamese "
        f"guides ({discovered['guides_all']} in all languages) on {database}"
    )
    say(
        f"Endpoints: first page of {PER_PAGE}, partner key (tier {discovered['tier']}, quotas out of reach), "
        "Accept: application/json, Accept-Encoding: gzip; products-304 = the products list with "
        f"If-None-Match ({len(etags)} ETag(s)), a 304 expected; every keyed request goes to the exchange log"
    )
    say(
        f"Baselines: bare = {BARE_PATH} (Django view), bare-drf = {BARE_API_PATH} (DRF APIView, no auth); "
        "'vs DRF' is the target's ratio"
    )
    say(
        f"Load: page cache OFF, {plan.concurrency} keep-alive connections from {plan.client_processes} "
        f"client processes, {plan.warmup:.0f} s warm-up + {plan.duration:.0f} s per row "
        f"(c=1 rows: {plan.latency_duration:.0f} s); 'bytes' = body on the wire"
    )
    for endpoint in skipped:
        say(f"Skipped: {endpoint}: endpoint not present")
    say("")
    print_table(rows)
    say("")
    checks = targets(rows, plan, skipped)
    print_checks(checks)
    say("")
    print_machine(
        info,
        f"the server ({arguments.workers} workers), the load generator and the database share the "
        f"{info['cpu_count']} CPUs",
        busy_before,
    )
    result_path = RESULTS_DIR / f"api-{stamp}.json"
    result_path.write_text(
        json.dumps(
            {
                "timestamp": stamp,
                "smoke": arguments.smoke,
                "plan": asdict(plan),
                "paths": {step.endpoint: step.path for step in STEPS},
                "discovered": discovered,
                "preflight": checked,
                "etags": len(etags),
                "skipped": skipped,
                "rows": [asdict(row) for row in rows],
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
