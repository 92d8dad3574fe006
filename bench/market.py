"""Market benchmark: catalogue and product pages against a bare Django view, and checkout latency.

What it does, start to finish (everything lives in a temporary directory that is removed at the end):

1. seeds a fresh database — PostgreSQL database ``svp_bench_market`` (created, then dropped) on the
   server of ``DATABASE_URL`` when it is set, else SQLite with the same data (and says so) — with
   ``migrate``, the village tree of ``tests.factories.build_site()`` and 10,000 approved products of
   ~200 approved producers, written with ``bulk_create`` (not the services, for speed) with
   ``folded_text`` filled, one photo each (a dozen shared images, renditions made up front), an OCOP
   rating on one in five and a VietGAP certificate on one in four; stock is large enough that checkout
   never runs out;
2. runs ``collectstatic`` (production settings: whitenoise compressed manifest storage);
3. serves the site with gunicorn under ``config.settings.production`` (DEBUG off) twice: first with the
   anonymous whole-page cache off (``PAGE_CACHE_SECONDS=0``, the honest number), then on (``=300``);
4. drives each server from separate client processes (keep-alive ``http.client`` connections, one per
   thread) against the bare view (``/__bench__/bare/``, routed only with ``BENCH_BARE_VIEW=1``), the
   catalogue (``/vi/market/``) and one product page, after a warm-up; with the cache off also one
   visitor at a time, and checkout: each virtual buyer GETs a product page (for the ``csrftoken``
   cookie), POSTs add-to-cart, then POSTs checkout (cash on delivery, pickup); the checkout POST is timed;
5. prints one table, the targets (PASS/FAIL) and the machine, and writes the whole result as JSON to
   ``bench/results/market-<timestamp>.json``.

``--smoke`` seeds 500 products, runs short measurements and exits non-zero on any HTTP error (never on
speed).

Usage: ``make bench-market`` (or ``.venv/bin/python bench/market.py --help``). The HTTP client, the
server and the seeding helpers are those of ``bench/pages.py``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages
from pages import (
    BARE_PATH,
    FULL,
    HOST_HEADER,
    LOOPBACK,
    MAX_REQUESTS_PER_THREAD,
    REPO,
    RESULTS_DIR,
    SMOKE,
    BenchError,
    LoadGenerator,
    Plan,
    Row,
    Server,
    _kill_group,
    _percentile,
    base_env,
    clean_up,
    cpu_busy,
    machine,
    manage,
    prepare_postgres,
    print_machine,
    print_table,
    print_targets,
    run_step,
    say,
    start_server,
)

BENCH_DATABASE = "svp_bench_market"
FULL_PRODUCTS = 10_000
SMOKE_PRODUCTS = 500
PRODUCERS = 200
PRODUCT_STOCK = 5_000_000  # per product; a full run places a few thousand orders at most
CHECKOUT_PRODUCTS = 500  # the products virtual buyers spread their orders over

# Targets from the issue.
CATALOGUE_RATIO_TARGET = 0.35  # uncached catalogue throughput / bare view throughput
P95_TARGET_MS = 200.0

BUYER = {
    "buyer_name": "Trần Văn Hùng",
    "buyer_phone": "0912345678",
    "buyer_email": "",
    "delivery_address": "",
    "delivery_province": "",
    "payment_method": "cod",
}


# --- checkout load (runs in client processes) --------------------------------------------------------


def _update_jar(jar: dict[str, str], response: http.client.HTTPResponse) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                jar.pop(name, None)
            else:
                jar[name] = morsel.value


def checkout_client(
    port: int, paths: dict, items: list, first: int, threads: int, start_at: float, duration: float
) -> dict:
    """Virtual buyers, one per thread, each a fresh guest per sequence until ``start_at + duration``.

    A sequence: GET the product page (the ``csrftoken`` cookie), POST add-to-cart (302 to the cart),
    POST checkout with cash on delivery and pickup (302 to the confirmation page). Both POSTs are timed;
    the GET is not. Returns the raw samples of each POST, per thread.
    """
    samples: list[dict] = []
    lock = threading.Lock()
    counter = iter(range(first, first + threads * MAX_REQUESTS_PER_THREAD))

    def next_item() -> tuple[str, int]:
        with lock:
            return items[next(counter) % len(items)]

    def run() -> None:
        steps = {
            name: {"latencies": [], "statuses": {}, "errors": 0, "bytes": 0} for name in ("add", "checkout")
        }
        problems: list[str] = []
        connection: http.client.HTTPConnection | None = None
        while time.time() < start_at:  # bounded: start_at is a few hundred ms away
            time.sleep(0.001)
        deadline = start_at + duration
        last = start_at

        def send(method: str, path: str, jar: dict[str, str], form: dict | None = None):
            nonlocal connection
            if connection is None:
                connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
            headers = {"Host": HOST_HEADER, "User-Agent": "svp-bench/1", "Accept": "text/html,*/*"}
            if jar:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = None
                return None, type(error).__name__, b"", 0.0
            elapsed = time.perf_counter() - began
            _update_jar(jar, response)
            if response.will_close:
                connection.close()
                connection = None
            return response, str(response.status), content, elapsed

        def record(step: str, status: str, elapsed: float | None, content: bytes, ok: bool, why: str) -> None:
            entry = steps[step]
            entry["statuses"][status] = entry["statuses"].get(status, 0) + 1
            if elapsed is not None and status.isdigit():
                entry["latencies"].append(elapsed)
                entry["bytes"] += len(content)
            if not ok:
                entry["errors"] += 1
                if len(problems) < 3:
                    problems.append(f"{step}: {why} {content[:300]!r}")

        for _ in range(MAX_REQUESTS_PER_THREAD):
            if time.time() >= deadline:
                break
            slug, producer_id = next_item()
            jar: dict[str, str] = {}
            response, status, content, _elapsed = send("GET", paths["product"].format(slug=slug), jar)
            token = jar.get("csrftoken")
            if response is None or response.status != 200 or not token:
                record("add", status, None, content, False, f"product page {status}, csrftoken {bool(token)}")
                continue
            form = {"csrfmiddlewaretoken": token, "product": slug, "quantity": "1"}
            response, status, content, elapsed = send("POST", paths["cart_add"], jar, form)
            location = response.getheader("Location", "") if response is not None else ""
            added = response is not None and response.status == 302 and location.endswith(paths["cart"])
            record("add", status, elapsed, content, added, f"{status} -> {location!r}")
            if not added:
                continue
            form = {"csrfmiddlewaretoken": token, **BUYER, f"delivery_{producer_id}": "pickup"}
            response, status, content, elapsed = send("POST", paths["checkout"], jar, form)
            location = response.getheader("Location", "") if response is not None else ""
            placed = (
                response is not None
                and response.status == 302
                and location.startswith(paths["checkout"])
                and location != paths["checkout"]
            )
            record("checkout", status, elapsed, content, placed, f"{status} -> {location!r}")
            last = time.time()
        if connection is not None:
            connection.close()
        with lock:
            samples.append({"steps": steps, "problems": problems, "elapsed": max(last - start_at, 1e-9)})

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=duration + 120)
    return {"threads": samples}


def run_checkout(
    generator: LoadGenerator, port: int, paths: dict, items: list, concurrency: int, duration: float
) -> list[dict]:
    processes = min(generator.plan.client_processes, concurrency)
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    start_at = time.time() + 0.3
    futures = [
        generator.pool.submit(
            checkout_client, port, paths, items, index * len(items) // processes, threads, start_at, duration
        )
        for index, threads in enumerate(shares)
    ]
    threads: list[dict] = []
    for future in futures:
        threads.extend(future.result(timeout=duration + 180)["threads"])
    return threads


def summarize(row: Row, threads: list[dict], step: str, warmup_errors: int) -> Row:
    """Fill ``row`` from one step of the checkout samples (as ``LoadGenerator.measure`` does for GETs)."""
    entries = [sample["steps"][step] for sample in threads]
    latencies = sorted(value for entry in entries for value in entry["latencies"])
    for entry in entries:
        for key, count in entry["statuses"].items():
            row.statuses[key] = row.statuses.get(key, 0) + count
    row.errors = sum(entry["errors"] for entry in entries)
    row.warmup_errors = warmup_errors
    row.requests = len(latencies)
    elapsed = max((sample["elapsed"] for sample in threads), default=0.0)
    row.requests_per_second = (row.requests - row.errors) / elapsed if elapsed else 0.0
    row.p50_ms = _percentile(latencies, 0.50) * 1000
    row.p95_ms = _percentile(latencies, 0.95) * 1000
    row.p99_ms = _percentile(latencies, 0.99) * 1000
    row.response_bytes = sum(entry["bytes"] for entry in entries) // row.requests if row.requests else 0
    return row


def measure_checkout(
    generator: LoadGenerator, server: Server, paths: dict, items: list, concurrency: int, duration: float
) -> tuple[list[Row], list[str]]:
    say(f"[load] {server.mode:<8} checkout c={concurrency} {duration:.0f} s  {paths['checkout']}")
    warm = run_checkout(generator, server.port, paths, items, concurrency, generator.plan.warmup)
    threads = run_checkout(generator, server.port, paths, items, concurrency, duration)
    rows = []
    for endpoint, step, path in (
        ("checkout", "checkout", paths["checkout"]),
        ("cart-add", "add", paths["cart_add"]),
    ):
        warmup_errors = sum(sample["steps"][step]["errors"] for sample in warm)
        rows.append(summarize(Row(endpoint, path, server.mode, concurrency), threads, step, warmup_errors))
    problems = [problem for sample in warm + threads for problem in sample["problems"]]
    return rows, problems


# --- seeding ------------------------------------------------------------------------------------------

SEED_MARKET = r"""
import os, random, time
from datetime import timedelta
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from accounts.models import User
from core.text import fold
from market.models import (
    Category, Certification, CertificationKind, OcopRating, Producer, ProducerKind, Product,
    ProductImage, ReviewStatus, Unit,
)
from market.selectors import GALLERY_RENDITIONS
from tests.factories import build_site, make_image

PRODUCTS = int(os.environ["BENCH_PRODUCTS"])
PRODUCERS = int(os.environ["BENCH_PRODUCERS"])
STOCK = int(os.environ["BENCH_STOCK"])
BATCH = 1000
rng = random.Random(20250701)
began = time.monotonic()


def progress(message):
    print(f"{time.monotonic() - began:6.1f} s  {message}", flush=True)


translation.activate("vi")
site = build_site()
progress("village tree built (tests.factories.build_site: 1 province, 2 communes, vi + en)")
places = [(site[key]["commune"], site[key]["village"]) for key in ("a", "b")]
images = [
    make_image(f"Sản phẩm {index}", colour=(40 + 15 * index, 120, 200 - 12 * index)) for index in range(12)
]
for image in images:
    for spec in GALLERY_RENDITIONS:
        image.get_rendition(spec)
progress(f"{len(images)} product photos with {len(GALLERY_RENDITIONS)} renditions each")

GOODS = {
    Category.TEA: (["Chè Shan Tuyết", "Trà móc câu", "Chè xanh", "Trà hoa vàng"], Unit.KILOGRAM, 350_000),
    Category.HONEY: (["Mật ong bạc hà", "Mật ong rừng", "Mật ong hoa ban"], Unit.BOTTLE, 280_000),
    Category.RICE: (["Gạo Séng Cù", "Gạo nếp nương", "Gạo đỏ ruộng bậc thang"], Unit.KILOGRAM, 45_000),
    Category.SPICES: (["Thảo quả khô", "Hạt dổi", "Mắc khén", "Quế rừng"], Unit.BAG, 120_000),
    Category.FRUIT: (["Mận Bắc Hà", "Lê Tả Van", "Đào tiên", "Táo mèo"], Unit.KILOGRAM, 60_000),
    Category.VEGETABLES: (["Cải mèo", "Su su ngọn", "Măng đắng"], Unit.KILOGRAM, 35_000),
    Category.MUSHROOMS: (["Nấm hương rừng", "Mộc nhĩ", "Nấm linh chi"], Unit.BAG, 250_000),
    Category.HANDICRAFT: (["Giỏ mây", "Dao rèn thủ công", "Sáo trúc"], Unit.PIECE, 180_000),
    Category.TEXTILES: (["Khăn thổ cẩm", "Túi thổ cẩm", "Vải lanh nhuộm chàm"], Unit.PIECE, 220_000),
    Category.PROCESSED_FOOD: (["Thịt trâu gác bếp", "Lạp sườn hun khói", "Chẩm chéo"], Unit.BAG, 320_000),
    Category.DRINKS: (["Rượu ngô men lá", "Rượu táo mèo", "Nước mận lên men"], Unit.BOTTLE, 150_000),
}
GRADES = ["loại 1", "đặc biệt", "túi 500 g", "hộp quà", "vụ mới", "hữu cơ", "truyền thống", "nhà làm"]
FAMILIES = ["Sùng", "Giàng", "Lò", "Vàng", "Hoàng", "Ma", "Lý", "Thào", "Nguyễn", "Tẩn"]
GIVEN = ["Thị Mai", "A Páo", "Thị Dua", "Seo Lử", "Văn Chúng", "Thị Hoa", "A Sình", "Thị Pằng"]
categories = list(GOODS)

with transaction.atomic():
    User.objects.bulk_create(
        [
            User(email=f"producer{index:04d}@bench.invalid", password="!", last_name=f"Hộ {index}")
            for index in range(PRODUCERS)
        ],
        batch_size=BATCH,
    )
    owners = list(User.objects.filter(email__endswith="@bench.invalid").order_by("email"))
    producers = []
    for index, owner in enumerate(owners):
        commune, village = places[index % len(places)]
        cooperative = index % 5 == 0
        name = (
            f"Hợp tác xã {commune.title} số {index}"
            if cooperative
            else f"Hộ {rng.choice(FAMILIES)} {rng.choice(GIVEN)} {index}"
        )
        producers.append(
            Producer(
                owner=owner, commune=commune, village=village if index % 2 else None,
                slug=f"{slugify(fold(name))[:70]}-{index}", name=name,
                kind=ProducerKind.COOPERATIVE if cooperative else ProducerKind.HOUSEHOLD,
                story_vi=f"{name} trồng và chế biến đặc sản vùng cao ở {commune.title}.",
                bank_bin="970436", bank_account_number=f"0011{index:09d}", bank_account_name="SUNG THI MAI",
                offers_pickup=True, pickup_note="Nhà văn hoá thôn, sáng thứ bảy",
                delivery_fee_north=30_000, delivery_fee_central=45_000, delivery_fee_south=60_000,
                accepts_cash_on_delivery=True, review_status=ReviewStatus.APPROVED,
            )
        )
    Producer.objects.bulk_create(producers, batch_size=BATCH)
producers = list(Producer.objects.order_by("pk"))
progress(f"{len(producers)} approved producers in {len(places)} communes")

commune_titles = {commune.pk: commune.title for commune, _village in places}
now = timezone.now()
batch = []
made = 0
for index in range(PRODUCTS):
    producer = producers[index % len(producers)]
    category = categories[index % len(categories)]
    names, unit, base_price = GOODS[category]
    name = f"{rng.choice(names)} {rng.choice(GRADES)}"
    product = Product(
        producer=producer, commune_id=producer.commune_id,
        slug=f"{slugify(fold(name))[:60]}-{index}", name_vi=name,
        name_en=f"Highland product {index}" if index % 3 == 0 else "",
        description_vi=(
            f"{name} của {producer.name}, thu hái và đóng gói tại {commune_titles[producer.commune_id]}. "
            "Sản phẩm vùng cao, không chất bảo quản, giao trong hai ngày."
        ),
        category=category, unit=unit,
        price=max(1_000, round(base_price * rng.uniform(0.6, 1.8), -3)),
        minimum_order=1, stock=STOCK, harvest_months=sorted(rng.sample(range(1, 13), 3)),
        review_status=ReviewStatus.APPROVED,
        created_at=now - timedelta(minutes=PRODUCTS - index),
    )
    product.refresh_folded_text()
    batch.append(product)
    if len(batch) == BATCH or index == PRODUCTS - 1:
        Product.objects.bulk_create(batch, batch_size=BATCH)
        made += len(batch)
        batch = []
        progress(f"products {made:>6,} / {PRODUCTS:,}")

ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
ProductImage.objects.bulk_create(
    [ProductImage(product_id=pk, image=images[n % len(images)], position=0) for n, pk in enumerate(ids)],
    batch_size=BATCH,
)
today = timezone.localdate()
OcopRating.objects.bulk_create(
    [
        OcopRating(
            product_id=pk, stars=3 + number % 3, certificate_number=f"OCOP-LC-{number:05d}",
            issued_on=today - timedelta(days=200), expires_on=today + timedelta(days=800),
            issuing_province="Lào Cai",
        )
        for number, pk in enumerate(ids) if number % 5 == 0
    ],
    batch_size=BATCH,
)
Certification.objects.bulk_create(
    [
        Certification(
            product_id=pk, kind=CertificationKind.VIETGAP, certificate_number=f"VG-{number:05d}",
            issuer="Chi cục Trồng trọt Lào Cai", valid_until=today + timedelta(days=365),
        )
        for number, pk in enumerate(ids) if number % 4 == 0
    ],
    batch_size=BATCH,
)
progress(
    f"{len(ids):,} products with a photo each, {OcopRating.objects.count():,} OCOP ratings, "
    f"{Certification.objects.count():,} certifications"
)
from django.db import connection as _connection
if _connection.vendor == "postgresql":
    with _connection.cursor() as _cursor:
        _cursor.execute("ANALYZE")  # fresh planner statistics, as a live database has
    print("ANALYZE done", flush=True)
"""

DISCOVER_MARKET = r"""
import json
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation
from market.models import Producer, Product
from market.views.catalogue import PRODUCTS_PER_PAGE
with translation.override("vi"):
    paths = {
        "catalogue": reverse("market:catalogue"),
        "product": reverse("market:product", kwargs={"slug": "SLUG"}).replace("SLUG", "{slug}"),
        "cart_add": reverse("market:cart_add"),
        "cart": reverse("market:cart"),
        "checkout": reverse("market:checkout"),
    }
listed = Product.objects.listed()
count = listed.count()
# the page product: an OCOP-rated product in the middle of the catalogue
page_product = listed.filter(ocop__isnull=False).order_by("pk")[count // 10 : count // 10 + 1].first()
step = max(1, count // __CHECKOUT_PRODUCTS__)
buyable = list(listed.order_by("pk").values_list("slug", "producer_id"))[::step]
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("SHOW server_version")
    else:
        cursor.execute("SELECT sqlite_version()")
    version = cursor.fetchone()[0]
print("BENCH-DISCOVER " + json.dumps({
    "paths": paths,
    "product_slug": page_product.slug if page_product else None,
    "product_name": page_product.name_vi if page_product else None,
    "checkout_items": buyable,
    "products": Product.objects.count(),
    "per_page": PRODUCTS_PER_PAGE,
    "listed_products": count,
    "producers": Producer.objects.approved().count(),
    "communes": Product.objects.values("commune").distinct().count(),
    "debug": settings.DEBUG,
    "settings": settings.SETTINGS_MODULE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "db_vendor": connection.vendor,
    "db_version": version,
    "db_name": str(settings.DATABASES["default"]["NAME"]),
}, ensure_ascii=False))
"""


def seed(env: dict[str, str], products: int, producers: int) -> dict:
    run_step(
        "migrate", manage("migrate", "--noinput"), env, timeout=900, echo=lambda line: "Applying" not in line
    )
    seed_env = {
        **env,
        "BENCH_PRODUCTS": str(products),
        "BENCH_PRODUCERS": str(producers),
        "BENCH_STOCK": str(PRODUCT_STOCK),
    }
    run_step(
        f"village tree + {products:,} products (bulk_create)",
        manage("shell", "-c", SEED_MARKET),
        seed_env,
        timeout=1200,
        echo=lambda _: True,
    )
    run_step(
        "collectstatic",
        manage("collectstatic", "--noinput", "-v", "1"),
        env,
        timeout=900,
        echo=lambda _: True,
    )
    script = DISCOVER_MARKET.replace("__CHECKOUT_PRODUCTS__", str(CHECKOUT_PRODUCTS))
    lines = run_step("discover the market", manage("shell", "-c", script), env, timeout=120)
    found = next((line for line in lines if line.startswith("BENCH-DISCOVER ")), None)
    if found is None:
        raise BenchError("could not discover the market:\n" + "\n".join(lines[-pages.LOG_TAIL_LINES :]))
    discovered = json.loads(found.removeprefix("BENCH-DISCOVER "))
    if discovered["debug"]:
        raise BenchError("DEBUG is on under the production settings: refusing to benchmark")
    if discovered["listed_products"] != products or not discovered["product_slug"]:
        raise BenchError(f"seeded {discovered['listed_products']} listed products, wanted {products}")
    return discovered


# --- measuring and reporting ----------------------------------------------------------------------------


def set_ratios(rows: list[Row]) -> None:
    """Each GET row against the bare view of the same server at the same concurrency."""
    for row in rows:
        if row.endpoint in ("checkout", "cart-add"):
            continue
        bare = next(
            (r for r in rows if (r.endpoint, r.mode, r.concurrency) == ("bare", row.mode, row.concurrency)),
            None,
        )
        if bare is not None and bare.requests_per_second:
            row.ratio_to_bare = row.requests_per_second / bare.requests_per_second


def measure_gets(
    generator: LoadGenerator,
    server: Server,
    endpoints: list[tuple[str, str]],
    concurrency: int,
    duration: float,
) -> list[Row]:
    rows = []
    for endpoint, path in endpoints:
        say(f"[load] {server.mode:<8} {endpoint:<9} c={concurrency} {duration:.0f} s  {path}")
        rows.append(generator.measure(Row(endpoint, path, server.mode, concurrency), server.port, duration))
    return rows


def targets(rows: list[Row], plan: Plan) -> list[dict]:
    def find(endpoint: str, mode: str, concurrency: int) -> Row:
        wanted = (endpoint, mode, concurrency)
        found = next((r for r in rows if (r.endpoint, r.mode, r.concurrency) == wanted), None)
        return found or Row(endpoint, "", mode, concurrency, p95_ms=float("inf"))

    def ratio_detail(row: Row) -> str:
        bare = find("bare", row.mode, row.concurrency)
        return (
            f"{row.ratio_to_bare or 0:.0%} ({row.requests_per_second:.0f} vs "
            f"{bare.requests_per_second:.0f} req/s)"
        )

    c = plan.concurrency
    catalogue = find("catalogue", "uncached", c)
    cached = find("catalogue", "cached", c)
    product = find("product", "uncached", c)
    single = [find(name, "uncached", 1) for name in ("catalogue", "product", "checkout")]
    loaded = [find(name, "uncached", c) for name in ("catalogue", "product", "checkout")]
    return [
        {
            "name": f"catalogue throughput >= {CATALOGUE_RATIO_TARGET:.0%} of the bare view, "
            f"page cache OFF ({c} concurrent visitors)",
            "passed": (catalogue.ratio_to_bare or 0) >= CATALOGUE_RATIO_TARGET,
            "detail": ratio_detail(catalogue),
        },
        {
            "name": f"catalogue throughput vs the bare view, page cache ON ({c} concurrent visitors)",
            "passed": (cached.ratio_to_bare or 0) >= CATALOGUE_RATIO_TARGET,
            "detail": f"{ratio_detail(cached)}, {cached.cache_hit_ratio:.0%} cache hits",
            "informational": True,
        },
        {
            "name": f"product page throughput vs the bare view ({c} concurrent visitors; it sets the "
            "CSRF cookie for its add-to-cart form, so the page cache never stores it)",
            "passed": (product.ratio_to_bare or 0) >= CATALOGUE_RATIO_TARGET,
            "detail": ratio_detail(product),
            "informational": True,
        },
        {
            "name": f"p95 <= {P95_TARGET_MS:.0f} ms, page cache OFF (one visitor at a time)",
            "passed": all(row.p95_ms <= P95_TARGET_MS for row in single),
            "detail": ", ".join(f"{row.endpoint} {row.p95_ms:.0f} ms" for row in single),
        },
        {
            "name": f"p95 <= {P95_TARGET_MS:.0f} ms, page cache OFF ({c} concurrent visitors, saturated)",
            "passed": all(row.p95_ms <= P95_TARGET_MS for row in loaded),
            "detail": ", ".join(f"{row.endpoint} {row.p95_ms:.0f} ms" for row in loaded),
            "informational": True,
        },
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"{SMOKE_PRODUCTS} products, short runs; exit 1 on any HTTP error",
    )
    parser.add_argument(
        "--products", type=int, help=f"products to seed ({FULL_PRODUCTS:,}; smoke {SMOKE_PRODUCTS})"
    )
    parser.add_argument("--producers", type=int, default=PRODUCERS, help=f"producers to seed ({PRODUCERS})")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker (4)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (and bench database)"
    )
    arguments = parser.parse_args()
    plan = SMOKE if arguments.smoke else FULL
    products = arguments.products or (SMOKE_PRODUCTS if arguments.smoke else FULL_PRODUCTS)
    producers = max(1, min(arguments.producers, products))

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix="svp-bench-market-"))
    database_url = os.environ.get("DATABASE_URL", "")
    # pages.prepare_postgres/drop_postgres work on pages.BENCH_DATABASE: point it at this bench's own database
    pages.BENCH_DATABASE = BENCH_DATABASE
    bench_url = ""
    servers: list[Server] = []
    generator: LoadGenerator | None = None
    rows: list[Row] = []
    failures: list[str] = []
    problems: list[str] = []
    say(f"Smart Village market benchmark ({'smoke' if arguments.smoke else 'full'}) in {work}")
    if database_url:
        say(f"[seed] DATABASE_URL is set: PostgreSQL, own database {BENCH_DATABASE} (dropped at the end)")
    else:
        say(
            f"[seed] DATABASE_URL is not set: falling back to SQLite ({work / 'db.sqlite3'}), "
            f"same {products:,} products"
        )
    try:
        if database_url:
            bench_url = prepare_postgres(database_url)
        env = base_env(work, bench_url)
        discovered = seed(env, products, producers)
        paths = discovered["paths"]
        product_path = paths["product"].format(slug=discovered["product_slug"])
        items = [tuple(item) for item in discovered["checkout_items"]]
        say(
            f"[seed] {discovered['listed_products']:,} listed products of "
            f"{discovered['producers']} producers in {discovered['communes']} communes; "
            f"catalogue {paths['catalogue']}  product {product_path}"
        )
        gets = [("bare", BARE_PATH), ("catalogue", paths["catalogue"]), ("product", product_path)]
        generator = LoadGenerator(plan)
        busy_before = cpu_busy()
        for mode, seconds in (("uncached", "0"), ("cached", "300")):
            server = start_server(
                mode, {**env, "PAGE_CACHE_SECONDS": seconds}, work, arguments.workers, arguments.threads
            )
            servers.append(server)
            say(
                f"[serve] {mode}: gunicorn pid {server.process.pid} on {LOOPBACK}:{server.port}, "
                f"PAGE_CACHE_SECONDS={seconds} (anonymous page cache {'ON' if seconds != '0' else 'OFF'})"
            )
            try:
                rows += measure_gets(generator, server, gets, plan.concurrency, plan.duration)
                if mode == "uncached":
                    rows += measure_gets(generator, server, gets, 1, plan.latency_duration)
                    for concurrency, duration in (
                        (1, plan.latency_duration),
                        (plan.concurrency, plan.duration),
                    ):
                        measured, seen = measure_checkout(
                            generator, server, paths, items, concurrency, duration
                        )
                        rows += measured
                        problems += seen
            finally:
                _kill_group(server.process)
            errors = sum(row.errors + row.warmup_errors for row in rows if row.mode == mode)
            if errors:
                log_copy = RESULTS_DIR / f"market-{stamp}-{mode}.log"
                shutil.copyfile(server.log_path, log_copy)
                failures.append(f"{mode}: {errors} HTTP errors (server log: {log_copy})")
                say(f"[serve] {mode}: HTTP errors; last lines of the gunicorn log:\n{server.log_tail()}")
                for problem in problems[:5]:
                    say(f"  {problem}")
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

    set_ratios(rows)
    order = {"bare": 0, "catalogue": 1, "product": 2, "checkout": 3, "cart-add": 4}
    rows.sort(key=lambda row: (row.mode != "uncached", -row.concurrency, order[row.endpoint]))
    database = (
        f"PostgreSQL {discovered['db_version']} (database {BENCH_DATABASE})"
        if discovered["db_vendor"] == "postgresql"
        else f"SQLite {discovered['db_version']} (no DATABASE_URL: fallback)"
    )
    say("")
    say(
        f"Data: {discovered['listed_products']:,} listed products of {discovered['producers']} producers in "
        f"{discovered['communes']} communes on {database}"
    )
    say(
        f"Pages: catalogue {paths['catalogue']} (first page, newest first, "
        f"{math.ceil(discovered['listed_products'] / discovered['per_page']):,} pages of "
        f"{discovered['per_page']}), product {product_path} ({discovered['product_name']})"
    )
    say(
        "Page cache: rows 'uncached' ran with it OFF (PAGE_CACHE_SECONDS=0), rows 'cached' with it ON "
        "(PAGE_CACHE_SECONDS=300); 'hits' is the share answered from it"
    )
    say(
        f"Load: {plan.concurrency} keep-alive connections from {plan.client_processes} client processes, "
        f"{plan.warmup:.0f} s warm-up + {plan.duration:.0f} s per row "
        f"(c=1 rows: {plan.latency_duration:.0f} s); GETs anonymous, no cookies"
    )
    say(
        "Checkout: each virtual buyer is a new guest: GET the product page (csrftoken cookie), "
        "POST add-to-cart (row cart-add), POST checkout, cash on delivery + pickup (row checkout), "
        f"over {len(items)} products; req/s = orders placed per second"
    )
    say("")
    print_table(rows)
    say("")
    checks = targets(rows, plan)
    print_targets(checks)
    say("")
    print_machine(
        info,
        f"the server ({arguments.workers} workers), the load generator and the database share the "
        f"{info['cpu_count']} CPUs; the "
        + (
            "locmem page cache is per worker process" if "locmem" in info["cache"] else "page cache is shared"
        ),
        busy_before,
    )
    result_path = RESULTS_DIR / f"market-{stamp}.json"
    result_path.write_text(
        json.dumps(
            {
                "timestamp": stamp,
                "smoke": arguments.smoke,
                "plan": asdict(plan),
                "paths": {**paths, "product_page": product_path},
                "discovered": {key: value for key, value in discovered.items() if key != "checkout_items"},
                "checkout_products": len(items),
                "rows": [asdict(row) for row in rows],
                "targets": checks,
                "machine": info,
                "failures": failures,
                "problems": problems[:20],
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
