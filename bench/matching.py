"""Matching and search benchmark: the engine's three hot paths, in-process and warm, on PostgreSQL.

What it does, start to finish:

1. refuses to run without a PostgreSQL ``DATABASE_URL`` (the targets are PostgreSQL's); works in its own
   database ``svp_bench_matching`` (``--smoke``: ``svp_bench_matching_smoke``) on that server, created
   through psycopg on the ``postgres`` database when missing, and Redis database 9 (``BENCH_REDIS_URL``,
   flushed first) as the cache;
2. ``migrate``, then seeds in stages (``python bench/matching.py _seed``, a child process under Django,
   production settings). Each stage runs in one transaction and is recorded in ``bench_seed_stage``; a
   stage already recorded is skipped, so an interrupted seed resumes and a second run reuses the data
   (``--fresh`` drops the database first). The page tree and the catalogue are ``bench/national.py``'s
   own stages (imported, not copied):

   - ``pages``: provinces and communes (with coordinates) and villages, through Wagtail;
   - ``products``: producers spread over the communes and 100,000 approved products (``bulk_create``,
     ``folded_text`` filled; categories, units, prices, stock and harvest months spread; an OCOP rating
     on one in five, a VietGAP certificate on one in four);
   - ``demands``: 10,000 open buyer demands (plus some fulfilled/closed/expired ones) of a few hundred
     buyers — categories or keywords only, several units (some impossible to convert to the listing's),
     price caps, delivery to lowland cities (a point or the province centre), needed-by dates over six
     months, required certifications and minimum OCOP stars on a share;
   - ``subscriptions``: 10,000 active subscriptions of approved partners holding the ``webhooks`` scope
     (and some that do not listen: inactive, or a partner without the scope), with mixed filters —
     content types, communes/provinces, categories, languages, OCOP stars, keywords;
   - ``search-index``: the search backend's ``rebuild()`` over everything seeded (run as soon as the
     backend exists: a seed made before it resumes here).

   Then ``ANALYZE``. The rows are written with ``bulk_create``, not the services: no events, e-mails or
   webhooks for made-up data;
3. measures in a second child (``_measure``), warm (a warm-up of discarded calls first), each call timed
   with ``time.perf_counter`` around the engine's own entry point, over many different inputs:

   - ``demand→listings``: ``market.matching.matches_for_demand(demand, limit=20)`` for different open
     demands against every listing;
   - ``listing→subscriptions`` (``api.webhooks.matching_subscription_ids`` with the listing's
     ``MatchableItem``, built as the webhook catalogue builds it, not timed), ``listing→demands``
     (``market.matching.demands_for_product(product)``) and their sum for the same listings;
   - ``search``: ``core.search.backends.get_search_backend().search(SearchQuery(...))`` with facets, over a
     mix of queries typed with and without diacritics (đ too), with and without filters, a few on page 2;

   and, for every line over its target, profiles one call near the 95th percentile: the SQL it ran (time
   per statement, the slowest ``EXPLAIN (ANALYZE, BUFFERS)``-ed) and where the Python time went
   (``cProfile``);
4. prints one table (calls, wall-time p50/p95/p99/max in ms, the p95 target, PASS/FAIL; and the CPU time
   per call of the Django process (p50/p95) and of its PostgreSQL backend (mean, read from ``/proc`` when
   the server is local) — on a machine busy with other work these are closer to an idle machine's
   latency than the wall times, and the run says how busy the CPUs were before it), the data sizes and
   the machine (cores, memory, CPU model, PostgreSQL version and its memory settings), and writes the
   result as JSON to ``bench/results/matching-<scale>-<timestamp>.json``. Exits 1 when a measured call
   raised, never on speed; a piece of the engine that is not there yet is reported as missing (exit 1).

``--smoke`` uses 2,000 products, 200 demands and 200 subscriptions in a fresh database dropped at the
end, 20 calls per line and no profiles; seeding and measuring take under a minute after ``migrate`` (CI).
Its verdicts say nothing about the targets (sizes 50× smaller); it exits 1 only when a call raised.

Usage: ``make bench-matching`` (``DATABASE_URL`` defaults to ``postgres://postgres@127.0.0.1:5432/postgres``:
only its server is used), or ``.venv/bin/python bench/matching.py --help``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import national
from common import REPO, RESULTS_DIR, BenchError, _percentile, base_env, cpu_busy, manage, run_step, say
from national import bench_database_url, drop_database, prepare_database, prepare_redis

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
BATCH = national.BATCH
UNUSABLE_PASSWORD = national.UNUSABLE_PASSWORD
RESULT_PREFIX = "BENCH-MATCHING "


@dataclass(frozen=True)
class Scale:
    provinces: int
    communes: int
    villages: int
    producers: int
    products: int
    buyers: int
    demands: int  # open ones; a tenth more are fulfilled, closed or expired
    partners: int
    subscriptions: int  # listening ones; a tenth more do not listen
    runs: int  # timed calls per line, each on a different input
    warmup: int  # discarded calls before each line


SCALES = {
    "full": Scale(
        provinces=8,
        communes=40,
        villages=80,
        producers=400,
        products=100_000,
        buyers=500,
        demands=10_000,
        partners=1_000,
        subscriptions=10_000,
        runs=200,
        warmup=20,
    ),
    "smoke": Scale(
        provinces=3,
        communes=6,
        villages=6,
        producers=40,
        products=2_000,
        buyers=20,
        demands=200,
        partners=20,
        subscriptions=200,
        runs=20,
        warmup=3,
    ),
}

#: p95 targets of issue 6, in milliseconds
TARGETS_MS = {
    "demand→listings": 150.0,
    "listing→(subs+demands)": 100.0,
    "search": 150.0,
}

#: (name, latitude, longitude) of the places lowland buyers deliver to; the weight is how often
DELIVERY_POINTS = [
    ("Hà Nội", 21.0285, 105.8542, 30),
    ("TP. Hồ Chí Minh", 10.7769, 106.7009, 25),
    ("Hải Phòng", 20.8449, 106.6881, 8),
    ("Đà Nẵng", 16.0544, 108.2022, 8),
    ("Cần Thơ", 10.0452, 105.7469, 5),
    ("Quảng Ninh", 20.9517, 107.0800, 5),
    ("Khánh Hòa", 12.2388, 109.1967, 4),
    ("Lâm Đồng", 11.9404, 108.4583, 4),
    ("Lào Cai", 22.4856, 103.9707, 4),
    ("Bắc Ninh", 21.1861, 106.0763, 4),
    ("Thái Nguyên", 21.5942, 105.8482, 3),
]

#: what lowland buyers ask for, per category: titles, keyword lists, (unit, lowest, highest quantity),
#: and the price cap range per *demand* unit in VND
DEMAND_KINDS = {
    "tea": (
        ["Chè Shan Tuyết cho quán trà", "Trà móc câu loại 1", "Chè xanh vụ mới", "Trà Shan tuyết cổ thụ"],
        ["chè shan tuyết", "trà móc câu, chè xanh", "shan tuyet", "tra co thu, che shan"],
        [("kg", 5, 500), ("g", 500, 20_000), ("box", 20, 200)],
        (250_000, 550_000),
    ),
    "honey": (
        ["Mật ong bạc hà nguyên chất", "Mật ong rừng cho cửa hàng", "Mật ong hoa bạc hà"],
        ["mật ong bạc hà", "mat ong rung", "mật ong, mật ong rừng"],
        [("bottle", 10, 300), ("l", 5, 100), ("jar", 10, 200)],
        (200_000, 400_000),
    ),
    "rice": (
        ["Gạo Séng Cù cho nhà hàng", "Gạo nếp nương", "Gạo đặc sản vùng cao"],
        ["gạo séng cù", "gao nep nuong", "gạo, nếp"],
        [("kg", 50, 2_000), ("bag", 10, 200)],
        (30_000, 70_000),
    ),
    "spices": (
        ["Thảo quả khô", "Hạt dổi rừng", "Mắc khén cho bếp nướng", "Gia vị Tây Bắc"],
        ["thảo quả", "hat doi, mac khen", "mắc khén", "gia vị tây bắc"],
        [("bag", 10, 200), ("kg", 5, 100), ("g", 500, 10_000)],
        (80_000, 180_000),
    ),
    "fruit": (
        ["Mận Bắc Hà đầu mùa", "Lê Tả Van", "Táo mèo ngâm rượu", "Trái cây vùng cao"],
        ["mận bắc hà", "le ta van", "táo mèo", "mận, lê"],
        [("kg", 20, 1_000), ("box", 10, 100)],
        (40_000, 100_000),
    ),
    "handicraft": (
        ["Giỏ mây cho cửa hàng quà tặng", "Sáo trúc thủ công", "Đồ thủ công làm quà"],
        ["giỏ mây", "sao truc", "thủ công, quà tặng"],
        [("piece", 5, 100)],
        (120_000, 300_000),
    ),
    "textiles": (
        ["Khăn thổ cẩm cho homestay", "Túi thổ cẩm Hmông", "Vải lanh dệt tay"],
        ["thổ cẩm", "khan tho cam, tui tho cam", "đồ dệt tay"],
        [("piece", 5, 200), ("kg", 1, 20)],
        (150_000, 320_000),
    ),
}

SUBSCRIPTION_KEYWORDS = [
    "chè shan, mật ong",
    "gao seng cu",
    "thổ cẩm",
    "mac khen, thao qua",
    "mận bắc hà",
    "trà",
    "homestay",
    "định danh điện tử",
]

#: (query text, filters) — typed with and without diacritics (đ too), with and without facets
SEARCH_QUERIES = [
    ("chè shan tuyết", {}),
    ("che shan tuyet", {}),
    ("Chè Shan Tuyết", {"kinds": ("product",)}),
    ("mật ong bạc hà", {}),
    ("mat ong bac ha", {"kinds": ("product",)}),
    ("mat ong", {"min_ocop_stars": 4}),
    ("gạo séng cù", {}),
    ("gao seng cu", {"category": "rice"}),
    ("thảo quả", {"kinds": ("product",), "max_price": 150_000}),
    ("thao qua kho", {}),
    ("mắc khén", {}),
    ("mac khen", {"page": 2}),
    ("khăn thổ cẩm", {}),
    ("khan tho cam", {"category": "textiles"}),
    ("đặc biệt", {}),
    ("dac biet", {"kinds": ("product",)}),
    ("Đặc biệt hộp quà", {"min_ocop_stars": 3}),
    ("hop qua", {"min_price": 100_000, "max_price": 400_000}),
    ("mận bắc hà", {}),
    ("man bac ha", {"page": 2}),
    ("giỏ mây", {}),
    ("gio may", {"category": "handicraft"}),
    ("trà móc câu", {"province": True}),
    ("tra moc cau", {}),
    ("hữu cơ", {}),
    ("huu co", {"kinds": ("product",), "min_ocop_stars": 3}),
    ("vụ mới", {"commune": True}),
    ("vu moi", {}),
    ("nhà làm", {}),
    ("nha lam", {"category": "spices"}),
    ("táo mèo", {}),
    ("tao meo", {}),
    ("sáo trúc", {}),
    ("sao truc", {}),
    ("lê tả van", {}),
    ("le ta van", {"province": True}),
    ("gạo nếp nương", {}),
    ("gao nep nuong", {"max_price": 60_000}),
    ("hạt dổi", {}),
    ("hat doi", {}),
]


# --- the seeding (runs in a child process, under Django) ----------------------------------------------


class Seeder(national.Seeder):
    """The stages of the matching seed: the page tree and catalogue are ``bench/national.py``'s own."""

    def __init__(self, scale_name: str):
        import random

        scale = SCALES[scale_name]
        self.scale_name = f"matching-{scale_name}"
        # the national stages read these fields; a national Scale shaped like this bench's
        self.scale = national.Scale(
            provinces=scale.provinces,
            communes=scale.communes,
            villages=scale.villages,
            guides_per_commune=0,
            products=scale.products,
            producers=scale.producers,
            services=0,
            bookings=0,
            partners=scale.partners,
            users=0,
            duration=0.0,
            warmup=0.0,
        )
        self.matching = scale
        self.rng = random.Random(f"svp-matching-{scale_name}")
        self.began = time.monotonic()

    def run(self) -> None:
        from django.db import connection, transaction

        with connection.cursor() as cursor:
            cursor.execute(national.STAGE_TABLE)
            cursor.execute(
                "SELECT stage, rows, seconds FROM bench_seed_stage WHERE scale = %s", [self.scale_name]
            )
            done = {stage: (rows, seconds) for stage, rows, seconds in cursor.fetchall()}
        if "search-index" in done and not self.search_index_filled():
            self.progress("[search-index] recorded but the index is empty (a migration rebuilt it): again")
            del done["search-index"]
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM bench_seed_stage WHERE scale = %s AND stage = 'search-index'",
                    [self.scale_name],
                )
        for name, stage in (
            ("pages", self.seed_pages),
            ("products", self.seed_products),
            ("demands", self.seed_demands),
            ("subscriptions", self.seed_subscriptions),
            ("search-index", self.seed_search_index),
        ):
            if name in done:
                rows, seconds = done[name]
                self.progress(f"[{name}] already seeded: {rows:,} rows in {seconds:.1f} s")
                continue
            began = time.monotonic()
            with transaction.atomic():
                rows = stage()
                if rows is None:  # the stage cannot run yet (its code is not there): try next time
                    continue
                seconds = time.monotonic() - began
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO bench_seed_stage (scale, stage, rows, seconds) VALUES (%s, %s, %s, %s)",
                        [self.scale_name, name, rows, seconds],
                    )
            per_10k = seconds / rows * 10_000 if rows else 0.0
            self.progress(f"[{name}] {rows:,} rows in {seconds:.1f} s ({per_10k:.1f} s per 10,000 rows)")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.progress("ANALYZE done")

    def seed_demands(self) -> int:
        from datetime import timedelta

        from django.utils import timezone

        from accounts.models import User
        from core.text import folded_words
        from market.models import BuyerDemand, CertificationKind, DemandStatus

        scale, rng, now, today = self.matching, self.rng, timezone.now(), timezone.localdate()
        User.objects.bulk_create(
            [
                User(email=f"buyer{n:05d}@bench.invalid", password=UNUSABLE_PASSWORD, last_name=f"Mua {n}")
                for n in range(scale.buyers)
            ],
            batch_size=BATCH,
        )
        buyers = list(
            User.objects.filter(email__startswith="buyer", email__endswith="@bench.invalid").values_list(
                "pk", flat=True
            )
        )
        places = [(name, latitude, longitude) for name, latitude, longitude, _weight in DELIVERY_POINTS]
        weights = [weight for *_place, weight in DELIVERY_POINTS]
        categories = list(DEMAND_KINDS)
        closed = scale.demands // 10
        demands = []
        for n in range(scale.demands + closed):
            category = categories[n % len(categories)]
            titles, keyword_lists, units, (low_price, high_price) = DEMAND_KINDS[category]
            unit, low_quantity, high_quantity = rng.choice(units)
            province, latitude, longitude = rng.choices(places, weights)[0]
            title = rng.choice(titles)
            keywords = rng.choice(keyword_lists) if rng.random() < 0.7 else ""
            price_per_kg_or_item = rng.randint(low_price, high_price)
            scale_to_unit = {"g": 1 / 1000, "ml": 1 / 1000}.get(unit, 1)
            certifications = (
                [CertificationKind.VIETGAP.value]
                if rng.random() < 0.25
                else [CertificationKind.ORGANIC.value]
                if rng.random() < 0.05
                else []
            )
            status = DemandStatus.OPEN
            if n >= scale.demands:
                status = rng.choice([DemandStatus.FULFILLED, DemandStatus.CLOSED, DemandStatus.EXPIRED])
            point = rng.random() < 0.3  # a precise point; otherwise the province centre
            demand = BuyerDemand(
                buyer_id=buyers[n % len(buyers)],
                title=title,
                category=category if rng.random() < 0.8 else "",
                keywords=keywords,
                quantity=rng.randint(low_quantity, high_quantity),
                unit=unit,
                max_unit_price=max(1, round(price_per_kg_or_item * scale_to_unit))
                if rng.random() < 0.6
                else None,
                delivery_province=province,
                delivery_latitude=round(latitude + rng.uniform(-0.08, 0.08), 6) if point else None,
                delivery_longitude=round(longitude + rng.uniform(-0.08, 0.08), 6) if point else None,
                needed_by=today + timedelta(days=rng.randint(7, 180)),
                required_certifications=certifications,
                minimum_ocop_stars=rng.choice([3, 3, 4]) if rng.random() < 0.2 else None,
                note="Giao hàng buổi sáng, có hoá đơn." if n % 3 == 0 else "",
                status=status,
                created_at=now - timedelta(minutes=rng.randint(1, 60 * 24 * 60)),
                closed_at=now if status != DemandStatus.OPEN else None,
            )
            demand.folded_text = folded_words(demand.title, demand.keywords)  # what save() fills
            demands.append(demand)
        BuyerDemand.objects.bulk_create(demands, batch_size=BATCH)
        self.progress(
            f"[demands] {len(buyers):,} buyers, {scale.demands:,} open demands, "
            f"{closed:,} fulfilled/closed/expired"
        )
        return len(buyers) + len(demands)

    def seed_subscriptions(self) -> int:
        import secrets

        from django.utils import timezone

        from accounts.models import User
        from api.matching import keyword_sets_of
        from api.models import READ_SCOPES, ItemKind, Partner, PartnerStatus, Scope, Subscription
        from market.models import Category
        from village.models import CommunePage, ProvincePage

        scale, rng, now = self.matching, self.rng, timezone.now()
        commune_ids = list(CommunePage.objects.values_list("pk", flat=True))
        province_ids = list(ProvincePage.objects.values_list("pk", flat=True))
        listening_partners = scale.partners
        quiet_partners = max(2, scale.partners // 10)  # suspended, or without the webhooks scope
        User.objects.bulk_create(
            [
                User(
                    email=f"partner{n:05d}@bench.invalid",
                    password=UNUSABLE_PASSWORD,
                    last_name=f"Partner {n}",
                )
                for n in range(listening_partners + quiet_partners)
            ],
            batch_size=BATCH,
        )
        owners = list(
            User.objects.filter(email__startswith="partner", email__endswith="@bench.invalid").order_by(
                "email"
            )
        )
        partners = []
        for n, owner in enumerate(owners):
            listening = n < listening_partners
            partners.append(
                Partner(
                    owner=owner,
                    organisation=f"Báo Du lịch {n}",
                    website=f"https://partner{n}.example",
                    contact_name=f"Partner {n}",
                    contact_email=owner.email,
                    intended_use="Tin và sản phẩm vùng cao.",
                    status=PartnerStatus.APPROVED if listening or n % 2 else PartnerStatus.SUSPENDED,
                    scopes=[*READ_SCOPES, Scope.WEBHOOKS.value] if listening else list(READ_SCOPES),
                    reviewed_at=now,
                )
            )
        partners = Partner.objects.bulk_create(partners, batch_size=BATCH)
        content_type_choices = [
            (["product"], 40),
            (["product", "guide"], 20),
            ([], 15),
            (["guide", "news"], 15),
            ([ItemKind.STAY.value, ItemKind.EXPERIENCE.value], 10),
        ]
        type_lists = [choice for choice, _weight in content_type_choices]
        type_weights = [weight for _choice, weight in content_type_choices]
        categories = [Category.TEA, Category.HONEY, Category.RICE, Category.SPICES, Category.FRUIT]
        quiet = max(1, scale.subscriptions // 10)
        subscriptions = []
        for n in range(scale.subscriptions + quiet):
            listening = n < scale.subscriptions
            partner = (
                partners[n % listening_partners]
                if listening
                else partners[listening_partners + n % quiet_partners]
            )
            roll = rng.random()
            subscriptions.append(
                Subscription(
                    partner=partner,
                    name=f"feed {n}",
                    endpoint_url=f"https://partner{partner.pk}.example/hooks/{n}",
                    secret=secrets.token_hex(32),
                    communes=rng.sample(commune_ids, min(len(commune_ids), rng.randint(1, 3)))
                    if roll < 0.3
                    else [],
                    provinces=rng.sample(province_ids, min(len(province_ids), rng.randint(1, 2)))
                    if 0.3 <= roll < 0.5
                    else [],
                    content_types=rng.choices(type_lists, type_weights)[0],
                    categories=[str(c) for c in rng.sample(categories, rng.randint(1, 2))]
                    if rng.random() < 0.3
                    else [],
                    languages=rng.choice([["vi"], ["vi"], ["en"], [], [], ["vi", "en"]]),
                    minimum_ocop_stars=rng.choice([3, 3, 4]) if rng.random() < 0.2 else None,
                    keywords=(keywords := rng.choice(SUBSCRIPTION_KEYWORDS) if rng.random() < 0.25 else ""),
                    keyword_sets=keyword_sets_of(keywords),  # as Subscription.save() keeps them
                    is_active=listening or n % 2 == 0,
                )
            )
        Subscription.objects.bulk_create(subscriptions, batch_size=BATCH)
        self.progress(
            f"[subscriptions] {len(partners):,} partners ({listening_partners:,} listening), "
            f"{scale.subscriptions:,} listening subscriptions, {quiet:,} that do not listen"
        )
        return len(owners) + len(partners) + len(subscriptions)

    def search_index_filled(self) -> bool:
        try:
            from core.models import SearchEntry
        except ImportError:
            return False
        return SearchEntry.objects.exists()

    def seed_search_index(self) -> int | None:
        try:
            from core.search.backends import get_search_backend
        except ImportError as error:
            self.progress(f"[search-index] skipped, the search backend is not there yet ({error})")
            return None
        last = [time.monotonic()]

        def progress(message: str) -> None:
            # the backend says a line per source and per batch: every source, a batch every 5 seconds
            if not message.startswith("indexed") or time.monotonic() - last[0] >= 5:
                last[0] = time.monotonic()
                self.progress(f"[search-index] {message}")

        return get_search_backend().rebuild(progress=progress)


def seed_main(scale_name: str) -> int:
    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("the matching bench runs on PostgreSQL only", file=sys.stderr)
        return 2
    Seeder(scale_name).run()
    return 0


# --- measuring (runs in a child process, under Django) --------------------------------------------------


def percentiles(values_ms: list[float]) -> dict[str, float]:
    ordered = sorted(values_ms)
    return {
        "p50_ms": _percentile(ordered, 0.50),
        "p95_ms": _percentile(ordered, 0.95),
        "p99_ms": _percentile(ordered, 0.99),
        "max_ms": ordered[-1] if ordered else 0.0,
    }


class QueryTimer:
    """``connection.execute_wrapper``: every statement with its parameters and wall time."""

    def __init__(self):
        self.statements: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(((time.perf_counter() - began) * 1000, sql, params))


def profile_call(call, label: str) -> dict:
    """Run ``call`` once more with its SQL timed and under cProfile; EXPLAIN ANALYZE its slowest query."""
    import cProfile
    import io
    import pstats

    from django.db import connection

    timer = QueryTimer()
    profiler = cProfile.Profile()
    began = time.perf_counter()
    with connection.execute_wrapper(timer):
        profiler.enable()
        call()
        profiler.disable()
    total_ms = (time.perf_counter() - began) * 1000
    sql_ms = sum(duration for duration, _sql, _params in timer.statements)
    slowest = sorted(timer.statements, key=lambda statement: statement[0], reverse=True)[:3]
    explained = ""
    if slowest:
        _duration, sql, params = slowest[0]
        if sql.lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                explained = "\n".join(row[0] for row in cursor.fetchall())
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(re.escape(str(REPO)) + r"/(market|api|core)/", 18)
    stream.write("\n  the most time spent inside (tottime, every function):\n")
    stats.sort_stats("tottime").print_stats(12)
    return {
        "label": label,
        "total_ms": round(total_ms, 1),
        "statements": len(timer.statements),
        "sql_ms": round(sql_ms, 1),
        "python_ms": round(total_ms - sql_ms, 1),
        "slowest": [
            {"ms": round(duration, 1), "sql": connection.ops.compose_sql(sql, params)[:4000]}
            if hasattr(connection.ops, "compose_sql")
            else {"ms": round(duration, 1), "sql": sql[:4000], "params": repr(params)[:500]}
            for duration, sql, params in slowest
        ],
        "explain": explained,
        "python_profile": stream.getvalue()[-9000:],
    }


@dataclass
class Timing:
    """The calls of one line: wall and CPU time per call (ms), errors, results."""

    durations: list
    cpu: list  # CPU time of this (the Django) process per call
    backend_cpu_ms: float | None  # CPU time of the PostgreSQL backend over all the calls, when readable
    errors: list
    results: list


def backend_cpu_ms(pid: int | None) -> float | None:
    """User + system CPU time of a local process (the PostgreSQL backend), from /proc; None elsewhere."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def time_calls(inputs: list, call, warmup: int, backend_pid: int | None = None) -> Timing:
    """Time ``call(input)`` for every input, after ``warmup`` discarded calls."""
    timing = Timing(durations=[], cpu=[], backend_cpu_ms=None, errors=[], results=[])
    for value in inputs[:warmup]:
        try:
            call(value)
        except Exception as error:  # noqa: BLE001 — reported with the line, the timed calls still run
            timing.errors.append(f"(warm-up) {type(error).__name__}: {error}"[:300])
    backend_before = backend_cpu_ms(backend_pid)
    for value in inputs:
        began, cpu_began = time.perf_counter(), time.process_time()
        try:
            result = call(value)
        except Exception as error:  # noqa: BLE001 — a bench reports every failure and carries on
            timing.errors.append(f"{type(error).__name__}: {error}"[:300])
            continue
        timing.durations.append((time.perf_counter() - began) * 1000)
        timing.cpu.append((time.process_time() - cpu_began) * 1000)
        timing.results.append(result)
    backend_after = backend_cpu_ms(backend_pid)
    if backend_before is not None and backend_after is not None:
        timing.backend_cpu_ms = backend_after - backend_before
    return timing


def near_p95(inputs: list, durations: list[float]):
    """The input whose call took the time nearest the 95th percentile (the one worth profiling)."""
    if not durations or len(durations) != len(inputs):
        return inputs[0] if inputs else None
    target = percentiles(durations)["p95_ms"]
    index = min(range(len(durations)), key=lambda i: abs(durations[i] - target))
    return inputs[index]


def measure_main(scale_name: str, runs: int | None = None) -> int:
    import random

    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    from django.conf import settings
    from django.db import connection

    from api.webhooks import listening_subscriptions
    from market.models import BuyerDemand, DemandStatus, Product

    scale = SCALES[scale_name]
    if runs:
        scale = replace(scale, runs=runs, warmup=min(scale.warmup, runs))
    rng = random.Random(f"svp-matching-measure-{scale_name}")
    result: dict = {"lines": [], "missing": [], "profiles": [], "counts": {}, "samples": {}}

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
        db_version, db_size = cursor.fetchone()
        cursor.execute("SELECT current_setting('shared_buffers'), current_setting('work_mem')")
        shared_buffers, work_mem = cursor.fetchone()
    result["database"] = {
        "version": db_version.split(" on ")[0],
        "size": db_size,
        "shared_buffers": shared_buffers,
        "work_mem": work_mem,
    }
    result["settings"] = {
        "module": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
        "debug": settings.DEBUG,
        "search_backend": getattr(settings, "SEARCH_BACKEND", "(not set)"),
        "matching_weights": getattr(settings, "MATCHING_WEIGHTS", None),
    }

    listed = Product.objects.listed()
    open_demands = BuyerDemand.objects.filter(status=DemandStatus.OPEN)
    counts = result["counts"]
    counts["listed products"] = listed.count()
    counts["open demands"] = open_demands.count()
    counts["all demands"] = BuyerDemand.objects.count()
    counts["listening subscriptions"] = listening_subscriptions().count()
    from api.models import Subscription

    counts["all subscriptions"] = Subscription.objects.count()
    try:
        from core.models import SearchEntry

        counts["search entries"] = SearchEntry.objects.count()
    except ImportError:
        counts["search entries"] = 0

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = cursor.fetchone()[0]
    if backend_cpu_ms(backend_pid) is None:
        backend_pid = None  # PostgreSQL runs elsewhere: its CPU time is not readable here

    def add_line(name: str, timing: Timing, size: str, extra: dict | None = None) -> dict:
        calls = len(timing.durations)
        line = {
            "name": name,
            "calls": calls,
            "errors": len(timing.errors),
            "error_samples": timing.errors[:3],
            "size": size,
            "target_p95_ms": TARGETS_MS.get(name),
            **percentiles(timing.durations),
            "cpu_p50_ms": percentiles(timing.cpu)["p50_ms"],
            "cpu_p95_ms": percentiles(timing.cpu)["p95_ms"],
            "db_cpu_mean_ms": timing.backend_cpu_ms / calls
            if timing.backend_cpu_ms is not None and calls
            else None,
            **(extra or {}),
        }
        result["lines"].append(line)
        return line

    def over_target(name: str, timing: Timing) -> bool:
        """Worth a profile: over its target at full scale (the smoke sizes are not what targets are for)."""
        if scale_name == "smoke" or not timing.durations:
            return False
        return percentiles(timing.durations)["p95_ms"] > TARGETS_MS[name]

    warm = scale.warmup
    demand_ids = list(open_demands.values_list("pk", flat=True))
    demand_sample = rng.sample(demand_ids, min(len(demand_ids), scale.runs))
    demands = sorted(BuyerDemand.objects.filter(pk__in=demand_sample), key=lambda demand: demand.pk)
    rng.shuffle(demands)
    product_ids = list(listed.values_list("pk", flat=True))
    product_sample = rng.sample(product_ids, min(len(product_ids), scale.runs))

    def mean_of(values) -> float:
        values = list(values)
        return round(sum(values) / len(values), 1) if values else 0.0

    # 1. one demand against every listing
    try:
        from market.matching import matches_for_demand
    except ImportError as error:
        result["missing"].append(f"market.matching.matches_for_demand ({error})")
        matches_for_demand = None
    if matches_for_demand is not None:
        timing = time_calls(demands, lambda demand: matches_for_demand(demand, limit=20), warm, backend_pid)
        add_line(
            "demand→listings",
            timing,
            f"{len(demands)} demands × {counts['listed products']:,} listings",
            {"mean_matches": mean_of(len(matches) for matches in timing.results)},
        )
        if over_target("demand→listings", timing):
            demand = near_p95(demands, timing.durations)
            result["profiles"].append(
                profile_call(
                    lambda: matches_for_demand(demand, limit=20),
                    f"demand→listings: demand {demand.pk} “{demand.title}” "
                    f"({demand.category or 'no category'}, {demand.quantity} {demand.unit}, "
                    f"keywords “{demand.keywords}”)",
                )
            )

    # 2. one new listing against every subscription and every open demand
    products = list(
        Product.objects.filter(pk__in=product_sample).select_related("producer", "ocop").order_by("pk")
    )
    rng.shuffle(products)
    item_of = product_item_builder()
    items = {product.pk: item_of(product) for product in products}  # built once per event, not timed
    from api.webhooks import matching_subscription_ids

    timing = time_calls(
        products, lambda product: matching_subscription_ids(items[product.pk]), warm, backend_pid
    )
    add_line(
        "listing→subscriptions",
        timing,
        f"{len(products)} listings × {counts['listening subscriptions']:,} subscriptions",
        {"mean_matches": mean_of(len(ids) for ids in timing.results)},
    )
    try:
        from market.matching import demands_for_product
    except ImportError as error:
        result["missing"].append(f"market.matching.demands_for_product ({error})")
        demands_for_product = None
    if demands_for_product is not None:
        timing = time_calls(products, demands_for_product, warm, backend_pid)
        add_line(
            "listing→demands",
            timing,
            f"{len(products)} listings × {counts['open demands']:,} open demands",
            {"mean_matches": mean_of(len(pairs) for pairs in timing.results)},
        )

        def both(product):
            matching_subscription_ids(items[product.pk])
            return demands_for_product(product)

        timing = time_calls(products, both, warm, backend_pid)
        add_line("listing→(subs+demands)", timing, "both, one call after the other, per listing")
        if over_target("listing→(subs+demands)", timing):
            product = near_p95(products, timing.durations)
            about = f"product {product.pk} “{product.name_vi}” ({product.category})"
            result["profiles"].append(
                profile_call(
                    lambda: matching_subscription_ids(items[product.pk]), f"listing→subscriptions: {about}"
                )
            )
            result["profiles"].append(
                profile_call(lambda: demands_for_product(product), f"listing→demands: {about}")
            )

    # 3. search over every product, with facets
    try:
        from core.search.backends import SearchQuery, get_search_backend
    except ImportError as error:
        result["missing"].append(f"core.search.backends ({error})")
        get_search_backend = None
    if get_search_backend is not None:
        backend = get_search_backend()
        queries = search_queries(rng, scale.runs, SearchQuery)
        timing = time_calls(queries, backend.search, warm, backend_pid)
        totals = [results_total(found) for found in timing.results]
        add_line(
            "search",
            timing,
            f"{len(queries)} queries ({len(SEARCH_QUERIES)} distinct texts) over "
            f"{counts['search entries']:,} entries ({counts['listed products']:,} products)",
            {
                "backend": type(backend).__name__,
                "mean_total": mean_of(totals),
                "zero_hits": sum(1 for total in totals if not total),
            },
        )
        if over_target("search", timing):
            query = near_p95(queries, timing.durations)
            result["profiles"].append(profile_call(lambda: backend.search(query), f"search: {query!r}"))

    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False, default=str), flush=True)
    return 0


def results_total(found) -> int:
    total = getattr(found, "total", None)
    return total if isinstance(total, int) else len(getattr(found, "hits", []) or [])


def product_item_builder():
    """The ``MatchableItem`` of a listing exactly as the webhook catalogue builds it for its event."""
    from api import event_catalogue

    lookups = event_catalogue._Lookups()

    def build(product):
        _data, item = event_catalogue._product_summary(product, lookups)
        return item

    return build


def search_queries(rng, runs: int, query_class) -> list:
    """``runs`` SearchQuery objects cycling through ``SEARCH_QUERIES`` (place filters on real places)."""
    from village.models import CommunePage, ProvincePage

    communes = list(CommunePage.objects.values_list("pk", flat=True))
    province_ids = list(ProvincePage.objects.values_list("pk", flat=True))
    queries = []
    for n in range(runs):
        text, filters = SEARCH_QUERIES[n % len(SEARCH_QUERIES)]
        fields = {key: value for key, value in filters.items() if key not in {"province", "commune"}}
        if filters.get("province") and province_ids:
            fields["province_id"] = rng.choice(province_ids)
        if filters.get("commune") and communes:
            fields["commune_id"] = rng.choice(communes)
        queries.append(query_class(text=text, language="vi", **fields))
    return queries


# --- reporting ------------------------------------------------------------------------------------------


def machine_facts(database: dict) -> dict:
    model, memory_kb = "", 0
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), flags=re.MULTILINE)
        model = found.group(1).strip() if found else ""
        found = re.search(r"^MemTotal:\s*(\d+)\s*kB", Path("/proc/meminfo").read_text(), flags=re.MULTILINE)
        memory_kb = int(found.group(1)) if found else 0
    except OSError:
        pass
    return {
        "cpus": f"{os.cpu_count()} x {model or platform.processor() or '?'}",
        "memory": f"{memory_kb / 1024 / 1024:.1f} GB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": f"{database['version']} (database {database['size']}, shared_buffers "
        f"{database['shared_buffers']}, work_mem {database['work_mem']})",
        "load": " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1/5/15 min, after the run)",
    }


def print_table(lines: list[dict]) -> None:
    header = (
        f"{'line':<24} {'calls':>5} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} "
        f"{'target':>7} {'verdict':<7} {'errors':>6} {'cpu p50':>7} {'cpu p95':>7} {'db cpu':>6}"
    )
    say(header)
    say("-" * len(header))
    for line in lines:
        target = line["target_p95_ms"]
        verdict = "-" if target is None else ("PASS" if line["p95_ms"] <= target else "FAIL")
        database = "-" if line["db_cpu_mean_ms"] is None else f"{line['db_cpu_mean_ms']:.1f}"
        say(
            f"{line['name']:<24} {line['calls']:>5} {line['p50_ms']:>7.1f} {line['p95_ms']:>7.1f} "
            f"{line['p99_ms']:>7.1f} {line['max_ms']:>7.1f} "
            f"{'-' if target is None else f'≤{target:.0f}':>7} {verdict:<7} {line['errors']:>6} "
            f"{line['cpu_p50_ms']:>7.1f} {line['cpu_p95_ms']:>7.1f} {database:>6}"
        )
    say("")
    say(
        "  p50…max: wall time per call; target: the issue's p95; cpu p50/p95: CPU time of the Django process "
        "per call; db cpu: the PostgreSQL backend's CPU time per call (mean; /proc, local server only)"
    )
    for line in lines:
        notes = [
            f"{key.replace('_', ' ')} {line[key]}"
            for key in ("mean_matches", "mean_total", "zero_hits", "backend")
            if key in line
        ]
        say(f"  {line['name']}: {line['size']}" + (f"; {', '.join(notes)}" if notes else ""))
        for sample in line["error_samples"]:
            say(f"    error: {sample}")


def print_profiles(profiles: list[dict]) -> None:
    for profile in profiles:
        say("")
        say(f"Profile — {profile['label']}")
        say(
            f"  {profile['total_ms']} ms: {profile['statements']} SQL statements {profile['sql_ms']} ms, "
            f"Python {profile['python_ms']} ms"
        )
        for statement in profile["slowest"]:
            say(f"  {statement['ms']:>7.1f} ms  {statement['sql'][:600]}")
        if profile["explain"]:
            say("  EXPLAIN (ANALYZE, BUFFERS) of the slowest:")
            for row in profile["explain"].splitlines():
                say(f"    {row}")
        say("  Python (cProfile, cumulative, repository functions):")
        for row in profile["python_profile"].splitlines():
            if row.strip():
                say(f"    {row}")


# --- the run --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", nargs="?", choices=["run", "_seed", "_measure"], default="run", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--smoke", action="store_true", help="small sizes in a fresh database, dropped after (CI)"
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--fresh", action="store_true", help="drop the bench database first and seed it again"
    )
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument(
        "--database",
        default=None,
        help="the bench database (svp_bench_matching; with --smoke svp_bench_matching_smoke)",
    )
    parser.add_argument("--runs", type=int, default=None, help="timed calls per line (200; smoke 20)")
    parser.add_argument("--seed-only", action="store_true", help="seed (or resume seeding) and stop")
    arguments = parser.parse_args()
    scale_name = arguments.scale or ("smoke" if arguments.smoke else "full")
    if arguments.command == "_seed":
        return seed_main(scale_name)
    if arguments.command == "_measure":
        return measure_main(scale_name, arguments.runs)

    scale = SCALES[scale_name]
    if arguments.runs:
        scale = replace(scale, runs=arguments.runs, warmup=min(scale.warmup, arguments.runs))
    fresh, drop = arguments.fresh or arguments.smoke, arguments.drop or arguments.smoke
    database_url = os.environ.get("DATABASE_URL", "")
    if urlsplit(database_url).scheme not in {"postgres", "postgresql"}:
        say(
            "bench/matching.py runs on PostgreSQL only (its targets are PostgreSQL's): set DATABASE_URL, "
            "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench-matching. It works in "
            "its own database svp_bench_matching on that server."
        )
        return 2
    database = arguments.database or (
        "svp_bench_matching" if scale_name == "full" else f"svp_bench_matching_{scale_name}"
    )
    admin_url, bench_url = bench_database_url(database_url, database)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix="svp-matching-"))
    began = time.monotonic()
    say(f"Smart Village matching benchmark, {scale_name}: {asdict(scale)}")
    try:
        created = prepare_database(admin_url, database, fresh=fresh)
        say(f"[seed] PostgreSQL database {database}: {'created' if created else 'reused'}")
        redis_version = prepare_redis(redis_url)
        say(f"[seed] Redis {redis_version} at {redis_url} (flushed)")
        env = base_env(work, bench_url)
        env["REDIS_URL"] = redis_url
        run_step(
            "migrate",
            manage("migrate", "--noinput"),
            env,
            timeout=1800,
            echo=lambda line: "Applying" not in line,
        )
        script = [sys.executable, str(Path(__file__).resolve())]
        run_step(
            f"seed ({scale_name})",
            [*script, "_seed", "--scale", scale_name],
            env,
            timeout=4 * 3600,
            echo=lambda _: True,
        )
        say(f"[seed] ready after {time.monotonic() - began:.0f} s")
        if arguments.seed_only:
            return 0
        busy_before = cpu_busy()
        lines = run_step(
            "measure",
            [*script, "_measure", "--scale", scale_name, "--runs", str(scale.runs)],
            env,
            timeout=3600,
            echo=lambda line: not line.startswith(RESULT_PREFIX),
        )
    except BenchError as error:
        say(f"\nBENCH FAILED: {error}")
        return 2
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
        if drop:
            drop_database(admin_url, database)
            say(f"[clean] dropped database {database}")

    found = next((line for line in lines if line.startswith(RESULT_PREFIX)), None)
    if found is None:
        say("BENCH FAILED: the measurement printed no result line")
        return 2
    result = json.loads(found.removeprefix(RESULT_PREFIX))
    facts = machine_facts(result["database"])
    facts["redis"] = redis_version
    if busy_before is not None:
        facts["busy"] = f"{busy_before:.0%} of the CPUs busy just before the measurement"
    say("")
    say(
        f"Matching and search benchmark ({scale_name}): in-process, warm ({scale.warmup} discarded calls per "
        f"line), {scale.runs} timed calls per line, each on a different input; "
        f"settings {result['settings']['module']}, DEBUG {result['settings']['debug']}, search backend "
        f"{result['settings']['search_backend']}"
    )
    say("")
    print_table(result["lines"])
    say("")
    say("Data: " + ", ".join(f"{key} {value:,}" for key, value in result["counts"].items()))
    say("Machine")
    for key, value in facts.items():
        say(f"  {key:<10} {value}")
    say("  note       one Python process and PostgreSQL share these CPUs")
    if busy_before is not None and busy_before > 0.25:
        say(
            "  warning    other processes were using the CPUs: wall times are inflated; the cpu columns are "
            "closer to what an idle machine gives"
        )
    for missing in result["missing"]:
        say(f"MISSING {missing}")
    print_profiles(result["profiles"])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"matching-{scale_name}-{stamp}.json"
    path.write_text(
        json.dumps(
            {"timestamp": stamp, "scale": scale_name, "plan": asdict(scale), **result, "machine": facts},
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    )
    say(f"\nResults written to {path.relative_to(REPO)}")
    failed = result["missing"] or any(line["errors"] for line in result["lines"])
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    sys.exit(main())
