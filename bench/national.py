"""National benchmark: a country's worth of data on PostgreSQL, gunicorn under production settings with
Redis, and locust driving every public door from a second process; one table against a bare view.

What it does, start to finish:

1. refuses to run without a PostgreSQL ``DATABASE_URL`` (SQLite is no national deployment); uses the
   database ``svp_bench_<scale>`` on that server (created through psycopg on the ``postgres``
   database; never the test suite's ``test``/``test_test``) and Redis database 3 (``BENCH_REDIS_URL``,
   flushed before serving);
2. ``migrate``, then seeds in stages (``python bench/national.py _seed``, a child process under
   Django). Each stage runs in one transaction and records itself in the table ``bench_seed_stage``; a
   stage already recorded at this scale is skipped, so an interrupted seed resumes and a second run
   reuses the data (``--fresh`` drops the database first). The stages:

   - the page tree through Wagtail (``add_child`` in a tight loop, live, **no revisions**, search
     index kept by Wagtail's own signal): a home page, provinces, communes (each with its moderation
     workspace from ``village.services.setup_commune``), villages, a guide index and guide chapters;
   - indicators: a year of manual values per commune (``bulk_create``), then the computed ones by
     ``village.indicators.services.recompute`` (what the periodic job runs);
   - producers spread over the communes and products (``bulk_create``, ``folded_text`` filled, a photo
     each from a dozen shared images with their renditions, OCOP ratings and VietGAP certificates);
   - hosts, services (7 in 10 stays with 1–4 rooms, the rest tours/experiences with departures);
   - bookings with their ``Occupancy`` rows, each room's bookings in disjoint date segments, so
     PostgreSQL's exclusion constraint holds (and checks it: an overlap would abort the stage);
   - partners: approved, with a key (``api.keys.new_key_material``: stored hashed) and one or two
     subscriptions each.

   The bulk rows are written with ``bulk_create``, **not** through the services: a service per row
   would take hours at this scale and fire events, webhooks and e-mails for made-up data. The rows are
   what the services would leave (approved/moderated, live, consistent) so pages and API serve them.
   Then ``ANALYZE``. Progress lines carry the elapsed time and rows per second of each stage;
3. ``collectstatic`` and a discovery step (sample paths, a fresh key for the first partner, counts);
4. gunicorn (``config.settings.production``: ``SECRET_KEY``/``ALLOWED_HOSTS`` set,
   ``SECURE_SSL_REDIRECT=0`` on loopback, Redis cache and sessions through ``REDIS_URL``; page and API
   answer caches at their production defaults) on a free port, one worker per CPU × 4 threads; waits
   for ``/readyz``;
5. one ``locust --headless`` run **per endpoint** (``bench/locustfile.py``; same users, same duration,
   warm-up discarded), so each row is that endpoint's saturated throughput and the ratio to the bare
   view (``core.views.bare``, run first in the same server) compares like with like. Each request
   picks one of many sample paths (communes, products, stays, dates): a national catalogue is not
   one hot page;
6. prints one table (endpoint, requests/s, p50/p95/p99, errors, ratio to the bare view), the machine
   and the data sizes, writes the result as JSON to ``bench/results/national-<scale>-<timestamp>.json``
   (never the key), and exits 1 on any error (an answer other than the expected status) — never on
   speed.

Usage: ``make bench`` (``--scale national``) / ``make bench-smoke`` (``--scale smoke --fresh --drop``),
or ``.venv/bin/python bench/national.py --help``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BARE_PATH,
    HOST_HEADER,
    LOG_TAIL_LINES,
    LOOPBACK,
    REPO,
    RESULTS_DIR,
    BenchError,
    Server,
    _kill_group,
    base_env,
    cpu_busy,
    fetch,
    manage,
    run_step,
    say,
    start_server,
)

LOCUSTFILE = REPO / "bench" / "locustfile.py"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
PROTECTED_DATABASES = {"postgres", "test", "test_test", "template0", "template1"}
UNTHROTTLED = "1000000000"  # the premium quotas while benchmarking (the partner's key is not throttled)
ETAG_WINDOW_SECONDS = "86400"  # an ETag cannot roll over in the middle of a measurement
SAMPLE_PATHS = 200  # how many different pages per endpoint the users spread over
THREADS_PER_WORKER = 4


@dataclass(frozen=True)
class Scale:
    provinces: int
    communes: int
    villages: int
    guides_per_commune: int
    products: int
    producers: int
    services: int
    bookings: int
    partners: int
    users: int  # locust users (concurrent connections), the same for every endpoint
    duration: float  # measured seconds per endpoint
    warmup: float  # discarded seconds before each measurement


SCALES = {
    "national": Scale(
        provinces=34,
        communes=500,
        villages=5_000,
        guides_per_commune=2,
        products=100_000,
        producers=5_000,
        services=10_000,
        bookings=200_000,
        partners=1_000,
        users=16,
        duration=20.0,
        warmup=5.0,
    ),
    "smoke": Scale(
        provinces=2,
        communes=5,
        villages=20,
        guides_per_commune=12,
        products=500,
        producers=25,
        services=100,
        bookings=1_000,
        partners=10,
        users=8,
        duration=4.0,
        warmup=1.0,
    ),
}


@dataclass
class Row:
    endpoint: str
    paths: int
    expected_status: int
    requests: int = 0
    errors: int = 0
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    ratio_to_bare: float | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    failure_samples: list[str] = field(default_factory=list)


# --- the seeding (runs in a child process, under Django) ----------------------------------------------

STAGE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_seed_stage (
    scale text NOT NULL, stage text NOT NULL, rows bigint NOT NULL, seconds double precision NOT NULL,
    done_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scale, stage)
)
"""

PROVINCES = [
    "Lào Cai",
    "Hà Giang",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Cao Bằng",
    "Lạng Sơn",
    "Tuyên Quang",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Quảng Ninh",
    "Hải Phòng",
    "Hưng Yên",
    "Ninh Bình",
    "Thanh Hoá",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Huế",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Đắk Lắk",
    "Khánh Hoà",
    "Lâm Đồng",
    "Đồng Nai",
    "Tây Ninh",
    "Đồng Tháp",
    "Vĩnh Long",
    "An Giang",
    "Cần Thơ",
    "Cà Mau",
    "Hà Nội",
]
COMMUNE_WORDS = ["Tả", "Bản", "Nậm", "Mường", "Sa", "Phìn", "Lùng", "Thanh", "Hoà", "Tân", "Xuân", "Yên"]
COMMUNE_ENDS = ["Van", "Hồ", "Cang", "Khương", "Pả", "Ngan", "Phình", "Sơn", "Bình", "Lập", "Thượng", "Phú"]
FAMILIES = ["Sùng", "Giàng", "Lò", "Vàng", "Hoàng", "Ma", "Lý", "Thào", "Nguyễn", "Tẩn"]
GIVEN = ["Thị Mai", "A Páo", "Thị Dua", "Seo Lử", "Văn Chúng", "Thị Hoa", "A Sình", "Thị Pằng"]
SUBJECTS = [
    "Kích hoạt định danh điện tử mức 2",
    "Thanh toán bằng mã QR",
    "Nộp hồ sơ dịch vụ công trực tuyến",
    "Bán nông sản trên sàn thương mại điện tử",
    "Nhận biết cuộc gọi lừa đảo",
    "Cài đặt 4G và Wi-Fi",
    "Đăng ký khai sinh trực tuyến",
    "Bảo vệ mật khẩu và mã OTP",
    "Chụp ảnh sản phẩm bằng điện thoại",
    "Tra cứu hồ sơ đất đai",
    "Dùng ví điện tử an toàn",
    "Gọi video cho người thân",
]
BATCH = 2_000
UNUSABLE_PASSWORD = "!"  # noqa: S105 — what Django stores for a user who cannot log in with a password


def _guide_body(subject: str) -> str:
    return json.dumps(
        [
            {"type": "text", "value": f"<p>{subject}: hướng dẫn cho bà con trong xã.</p>"},
            {
                "type": "steps",
                "value": {
                    "title": "Các bước",
                    "steps": [
                        {"title": "Mở ứng dụng", "text": "<p>Bấm vào biểu tượng.</p>", "image": None},
                        {"title": "Nhập mã", "text": "<p>Nhập mã OTP được gửi về.</p>", "image": None},
                    ],
                },
            },
            {"type": "checklist", "value": {"title": "Cần mang", "items": ["CCCD", "Điện thoại"]}},
            {"type": "callout", "value": {"kind": "warning", "text": "<p>Không chia sẻ OTP.</p>"}},
        ],
        ensure_ascii=False,
    )


class Seeder:
    """The stages of the national seed. Runs under Django (``django.setup()`` done by the caller)."""

    def __init__(self, scale_name: str):
        import random

        self.scale_name = scale_name
        self.scale = SCALES[scale_name]
        self.rng = random.Random(f"svp-national-{scale_name}")
        self.began = time.monotonic()

    def progress(self, message: str) -> None:
        print(f"{time.monotonic() - self.began:7.1f} s  {message}", flush=True)

    # -- stage bookkeeping --

    def run(self) -> None:
        from django.db import connection, transaction

        with connection.cursor() as cursor:
            cursor.execute(STAGE_TABLE)
            cursor.execute(
                "SELECT stage, rows, seconds FROM bench_seed_stage WHERE scale = %s", [self.scale_name]
            )
            done = {stage: (rows, seconds) for stage, rows, seconds in cursor.fetchall()}
        for name, stage in (
            ("pages", self.seed_pages),
            ("indicators", self.seed_indicators),
            ("products", self.seed_products),
            ("services", self.seed_services),
            ("bookings", self.seed_bookings),
            ("partners", self.seed_partners),
            ("computed-indicators", self.seed_computed_indicators),
        ):
            if name in done:
                rows, seconds = done[name]
                self.progress(
                    f"[{name}] already seeded at scale {self.scale_name}: {rows:,} rows in {seconds:.1f} s"
                )
                continue
            began = time.monotonic()
            with transaction.atomic():
                rows = stage()
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

    # -- stages --

    def seed_pages(self) -> int:
        from django.utils import timezone
        from django.utils.text import slugify
        from wagtail.models import Collection, Locale, Page, Site

        from core.text import fold
        from village.models import CommunePage, GuideIndexPage, GuidePage, HomePage, ProvincePage, VillagePage
        from village.services import setup_commune

        scale, rng, now = self.scale, self.rng, timezone.now()
        vi = Locale.objects.get_or_create(language_code="vi")[0]
        Locale.objects.get_or_create(language_code="en")
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root", locale=vi)
        for placeholder in Page.objects.child_of(root).filter(content_type__model="page"):
            Site.objects.filter(root_page=placeholder).delete()
            placeholder.delete()
        made = 0

        def add(parent, page):
            nonlocal made
            # live and published, without a revision (nothing to moderate: the data is made up)
            page.live, page.has_unpublished_changes = True, False
            page.first_published_at = page.last_published_at = now
            parent.add_child(instance=page)
            made += 1
            return page

        home = add(root, HomePage(title="Làng số", slug="home", locale=vi, intro="Nền tảng làng số quốc gia"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Làng số"},
        )
        provinces = [
            add(
                home,
                ProvincePage(
                    title=PROVINCES[n % len(PROVINCES)],
                    slug=f"{slugify(fold(PROVINCES[n % len(PROVINCES)]))}-{n}",
                    code=f"{n + 1:02d}",
                    intro=f"Tỉnh {PROVINCES[n % len(PROVINCES)]}",
                ),
            )
            for n in range(scale.provinces)
        ]
        self.progress(f"[pages] home and {len(provinces)} provinces")
        began, villages_made, guides_made = time.monotonic(), 0, 0
        for n in range(scale.communes):
            title = f"{COMMUNE_WORDS[n % 12]} {COMMUNE_ENDS[(n // 12) % 12]} {n + 1}"
            commune = add(
                provinces[n % len(provinces)],
                CommunePage(
                    title=title,
                    slug=f"{slugify(fold(title))}",
                    admin_code=f"{10000 + n:05d}",
                    latitude=f"{21 + rng.random() * 2:.4f}",
                    longitude=f"{103 + rng.random() * 2:.4f}",
                    population=rng.randint(3_000, 15_000),
                    households=rng.randint(700, 3_500),
                    intro=f"Xã {title}: ruộng bậc thang, chè Shan Tuyết và homestay.",
                    office_phone="0214 3871 234",
                    digital_team_members=rng.randint(3, 15),
                ),
            )
            setup_commune(commune=commune)
            share = scale.villages // scale.communes + (n < scale.villages % scale.communes)
            for v in range(share):
                add(
                    commune,
                    VillagePage(
                        title=f"Thôn {v + 1} {title}",
                        slug=f"thon-{v + 1}",
                        intro="Thôn vùng cao",
                        households=rng.randint(40, 200),
                    ),
                )
            villages_made += share
            guides = add(commune, GuideIndexPage(title="Cẩm nang", slug="huong-dan"))
            for g in range(scale.guides_per_commune):
                subject = SUBJECTS[(n + g) % len(SUBJECTS)]
                add(
                    guides,
                    GuidePage(
                        title=f"{subject} ({g + 1})",
                        slug=f"cam-nang-{g + 1}",
                        summary=f"Hướng dẫn từng bước: {subject.lower()}.",
                        body=_guide_body(subject),
                        minutes_needed=10 + g,
                    ),
                )
            guides_made += scale.guides_per_commune
            if (n + 1) % max(1, scale.communes // 10) == 0 or n + 1 == scale.communes:
                rate = made / max(time.monotonic() - began, 1e-9)
                self.progress(
                    f"[pages] communes {n + 1:>4} / {scale.communes}, villages {villages_made:,}, "
                    f"guides {guides_made:,} ({rate:.0f} pages/s)"
                )
        return made

    def seed_indicators(self) -> int:
        from django.utils import timezone

        from village.indicators import periods
        from village.management.commands.load_indicator_demo import MONTHS_BACK, QUARTERS_BACK, series
        from village.models import (
            CommunePage,
            IndicatorDefinition,
            IndicatorSource,
            IndicatorValue,
            Periodicity,
        )

        manual = list(IndicatorDefinition.objects.filter(source=IndicatorSource.MANUAL, is_active=True))
        communes = list(CommunePage.objects.order_by("path"))
        now, values = timezone.now(), []
        for commune in communes:
            for definition in manual:
                back = QUARTERS_BACK if definition.periodicity == Periodicity.QUARTERLY else MONTHS_BACK
                starts = periods.last_periods(definition.periodicity, back)
                for start, value in zip(starts, series(self.rng, definition, starts), strict=True):
                    values.append(
                        IndicatorValue(
                            indicator=definition,
                            commune=commune,
                            period_start=start,
                            value=value,
                            evidence="Báo cáo của UBND xã",
                            updated_at=now,
                        )
                    )
        IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
        self.progress(f"[indicators] {len(values):,} manual values (bulk_create); computing the rest")
        return len(values)

    def seed_computed_indicators(self) -> int:
        """The computed indicators, by the job production runs (after products, services and bookings)."""
        from village.indicators.services import recompute

        step = max(1, self.scale.communes // 10)

        def progress(done: int, total: int) -> None:
            if done % step == 0 or done == total:
                self.progress(f"[computed-indicators] {done:,} / {total:,}")

        result = recompute(periods_back=2, progress=progress)
        self.progress(f"[computed-indicators] {result.written:,} computed values written")
        return result.written

    def seed_products(self) -> int:
        from datetime import timedelta

        from django.utils import timezone
        from django.utils.text import slugify
        from wagtail.models import Page

        from accounts.models import User
        from core.text import fold
        from market.models import (
            Category,
            Certification,
            CertificationKind,
            OcopRating,
            Producer,
            ProducerKind,
            Product,
            ProductImage,
            ReviewStatus,
            Unit,
        )
        from market.selectors import GALLERY_RENDITIONS
        from tests.factories import make_image
        from village.models import CommunePage, VillagePage

        scale, rng, now = self.scale, self.rng, timezone.now()
        images = [make_image(f"Sản phẩm {n}", colour=(40 + 15 * n, 120, 200 - 12 * n)) for n in range(12)]
        for image in images:
            for spec in GALLERY_RENDITIONS:
                image.get_rendition(spec)
        communes = list(CommunePage.objects.order_by("path").values_list("pk", "title", "path"))
        villages: dict[int, list[int]] = {}
        by_path = {path: pk for pk, _title, path in communes}
        for pk, path in VillagePage.objects.values_list("pk", "path"):
            villages.setdefault(by_path.get(path[: -Page.steplen]), []).append(pk)
        User.objects.bulk_create(
            [
                User(email=f"producer{n:05d}@bench.invalid", password=UNUSABLE_PASSWORD, last_name=f"Hộ {n}")
                for n in range(scale.producers)
            ],
            batch_size=BATCH,
        )
        owners = list(
            User.objects.filter(email__startswith="producer", email__endswith="@bench.invalid").order_by(
                "email"
            )
        )
        producers = []
        for n, owner in enumerate(owners):
            commune_id, commune_title, _path = communes[n % len(communes)]
            cooperative = n % 5 == 0
            name = (
                f"Hợp tác xã {commune_title} số {n}"
                if cooperative
                else f"Hộ {rng.choice(FAMILIES)} {rng.choice(GIVEN)} {n}"
            )
            options = villages.get(commune_id) or [None]
            producers.append(
                Producer(
                    owner=owner,
                    commune_id=commune_id,
                    village_id=options[n % len(options)] if n % 2 else None,
                    slug=f"{slugify(fold(name))[:70]}-{n}",
                    name=name,
                    kind=ProducerKind.COOPERATIVE if cooperative else ProducerKind.HOUSEHOLD,
                    story_vi=f"{name} trồng và chế biến đặc sản vùng cao ở {commune_title}.",
                    bank_bin="970436",
                    bank_account_number=f"0011{n:09d}",
                    bank_account_name="SUNG THI MAI",
                    offers_pickup=True,
                    pickup_note="Nhà văn hoá thôn, sáng thứ bảy",
                    delivery_fee_north=30_000,
                    delivery_fee_central=45_000,
                    delivery_fee_south=60_000,
                    accepts_cash_on_delivery=True,
                    review_status=ReviewStatus.APPROVED,
                )
            )
        producers = Producer.objects.bulk_create(producers, batch_size=BATCH)
        self.progress(f"[products] {len(producers):,} approved producers over {len(communes)} communes")
        goods = {
            Category.TEA: (["Chè Shan Tuyết", "Trà móc câu", "Chè xanh"], Unit.KILOGRAM, 350_000),
            Category.HONEY: (["Mật ong bạc hà", "Mật ong rừng"], Unit.BOTTLE, 280_000),
            Category.RICE: (["Gạo Séng Cù", "Gạo nếp nương"], Unit.KILOGRAM, 45_000),
            Category.SPICES: (["Thảo quả khô", "Hạt dổi", "Mắc khén"], Unit.BAG, 120_000),
            Category.FRUIT: (["Mận Bắc Hà", "Lê Tả Van", "Táo mèo"], Unit.KILOGRAM, 60_000),
            Category.HANDICRAFT: (["Giỏ mây", "Sáo trúc"], Unit.PIECE, 180_000),
            Category.TEXTILES: (["Khăn thổ cẩm", "Túi thổ cẩm"], Unit.PIECE, 220_000),
        }
        categories, grades = list(goods), ["loại 1", "đặc biệt", "hộp quà", "vụ mới", "hữu cơ", "nhà làm"]
        titles = {pk: title for pk, title, _path in communes}
        batch, made, began = [], 0, time.monotonic()
        for n in range(scale.products):
            producer = producers[n % len(producers)]
            category = categories[n % len(categories)]
            names, unit, base_price = goods[category]
            name = f"{rng.choice(names)} {rng.choice(grades)}"
            product = Product(
                producer=producer,
                commune_id=producer.commune_id,
                slug=f"{slugify(fold(name))[:60]}-{n}",
                name_vi=name,
                name_en=f"Highland product {n}" if n % 3 == 0 else "",
                description_vi=f"{name} của {producer.name}, đóng gói tại {titles[producer.commune_id]}.",
                category=category,
                unit=unit,
                price=max(1_000, round(base_price * rng.uniform(0.6, 1.8), -3)),
                minimum_order=1,
                stock=rng.randint(0, 500),
                harvest_months=sorted(rng.sample(range(1, 13), 3)),
                review_status=ReviewStatus.APPROVED,
                created_at=now - timedelta(minutes=scale.products - n),
            )
            product.refresh_folded_text()
            batch.append(product)
            if len(batch) == BATCH or n + 1 == scale.products:
                Product.objects.bulk_create(batch, batch_size=BATCH)
                made += len(batch)
                batch = []
                if made % (BATCH * 10) == 0 or made == scale.products:
                    self.progress(
                        f"[products] {made:>7,} / {scale.products:,} "
                        f"({made / (time.monotonic() - began):.0f} rows/s)"
                    )
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        today = timezone.localdate()
        rows = ProductImage.objects.bulk_create(
            [
                ProductImage(product_id=pk, image=images[n % len(images)], position=0)
                for n, pk in enumerate(ids)
            ],
            batch_size=BATCH,
        )
        ratings = OcopRating.objects.bulk_create(
            [
                OcopRating(
                    product_id=pk,
                    stars=3 + n % 3,
                    certificate_number=f"OCOP-{n:06d}",
                    issued_on=today - timedelta(days=200),
                    expires_on=today + timedelta(days=800),
                    issuing_province="Lào Cai",
                )
                for n, pk in enumerate(ids)
                if n % 5 == 0
            ],
            batch_size=BATCH,
        )
        certificates = Certification.objects.bulk_create(
            [
                Certification(
                    product_id=pk,
                    kind=CertificationKind.VIETGAP,
                    certificate_number=f"VG-{n:06d}",
                    issuer="Chi cục Trồng trọt",
                    valid_until=today + timedelta(days=365),
                )
                for n, pk in enumerate(ids)
                if n % 4 == 0
            ],
            batch_size=BATCH,
        )
        self.progress(
            f"[products] {len(rows):,} photos, {len(ratings):,} OCOP ratings, "
            f"{len(certificates):,} certificates"
        )
        return len(owners) + len(producers) + len(ids) + len(rows) + len(ratings) + len(certificates)

    def seed_services(self) -> int:
        from datetime import datetime, timedelta
        from datetime import time as clock

        from django.utils import timezone
        from django.utils.text import slugify

        from accounts.models import User
        from core.text import fold
        from tourism.models import (
            Amenity,
            BookingMode,
            CancellationPolicy,
            Host,
            ListingStatus,
            Service,
            ServiceKind,
            Slot,
            Unit,
        )
        from village.models import CommunePage

        scale, rng, now, today = self.scale, self.rng, timezone.now(), timezone.localdate()
        communes = list(CommunePage.objects.order_by("path").values_list("pk", "title"))
        activities = [
            "Trek ruộng bậc thang",
            "Lớp nhuộm chàm",
            "Nấu ăn cùng gia đình",
            "Chợ phiên và làng nghề",
        ]
        host_count = max(2, scale.services * 2 // 5)
        User.objects.bulk_create(
            [
                User(email=f"host{n:05d}@bench.invalid", password=UNUSABLE_PASSWORD, last_name=f"Host {n}")
                for n in range(host_count)
            ],
            batch_size=BATCH,
        )
        owners = User.objects.filter(email__startswith="host", email__endswith="@bench.invalid").order_by(
            "email"
        )
        hosts = Host.objects.bulk_create(
            [
                Host(
                    owner=owner,
                    commune_id=communes[n % len(communes)][0],
                    slug=f"host-{n}",
                    name=f"Nhà {rng.choice(FAMILIES)} {n}",
                    contact_phone="0912345678",
                    status=ListingStatus.APPROVED,
                    bank_bin="970436",
                    bank_account_number=f"0022{n:09d}",
                    bank_account_name="SUNG A PAO",
                )
                for n, owner in enumerate(owners)
            ],
            batch_size=BATCH,
        )
        titles = dict(communes)
        services = []
        for n in range(scale.services):
            host = hosts[n % len(hosts)]
            stay, commune, activity = n % 10 < 7, titles[host.commune_id], rng.choice(activities)
            service = Service(
                host=host,
                commune_id=host.commune_id,
                status=ListingStatus.APPROVED,
                kind=ServiceKind.STAY if stay else (ServiceKind.TOUR if n % 2 else ServiceKind.EXPERIENCE),
                slug=f"{slugify(fold(host.name))}-{'homestay' if stay else 'trai-nghiem'}-{n}",
                title_vi=f"Homestay {host.name} {commune}" if stay else f"{activity} ở {commune}",
                title_en=f"{host.name} family homestay in {commune}" if stay else "",
                description_vi=f"Nhà sàn gỗ ở {commune}, cơm gia đình, view ruộng bậc thang."
                if stay
                else f"{activity} cùng người địa phương ở {commune}.",
                booking_mode=BookingMode.ON_REQUEST if n % 13 == 0 else BookingMode.INSTANT,
                cancellation_policy=rng.choice(CancellationPolicy.values),
                accepts_pay_on_arrival=True,
                amenities=rng.sample(Amenity.values, 4) if stay else [],
                meeting_point="" if stay else "Chợ " + commune,
                languages=[] if stay else ["vi", "en"],
                duration_minutes=None if stay else rng.choice([120, 240, 480]),
                price_per_person=None if stay else rng.randrange(200, 900, 50) * 1000,
                created_at=now - timedelta(minutes=scale.services - n),
            )
            service.refresh_folded_text()
            services.append(service)
        services = Service.objects.bulk_create(services, batch_size=BATCH)
        units = []
        for service in (s for s in services if s.kind == ServiceKind.STAY):
            for r in range(rng.randint(1, 4)):
                capacity, price = rng.choice([2, 2, 3, 4, 6]), rng.randrange(250, 900, 50) * 1000
                units.append(
                    Unit(
                        service=service,
                        name_vi=f"Phòng {r + 1}",
                        name_en=f"Room {r + 1}",
                        capacity=capacity,
                        included_guests=2,
                        nightly_price=price,
                        extra_guest_price=100_000 * (capacity > 2),
                        weekend_nightly_price=price + 100_000 if r % 2 else None,
                    )
                )
        units = Unit.objects.bulk_create(units, batch_size=BATCH)
        slots = Slot.objects.bulk_create(
            [
                Slot(
                    service=service,
                    capacity=rng.choice([8, 10, 12, 15]),
                    price_per_person=service.price_per_person,
                    starts_at=timezone.make_aware(
                        datetime.combine(today + timedelta(days=3 + 9 * k + rng.randrange(5)), clock(8, 0))
                    ),
                )
                for service in services
                if service.kind != ServiceKind.STAY
                for k in range(10)
            ],
            batch_size=BATCH,
        )
        self.progress(
            f"[services] {len(hosts):,} hosts, {len(services):,} services, {len(units):,} rooms, "
            f"{len(slots):,} departures"
        )
        return len(owners) + len(hosts) + len(services) + len(units) + len(slots)

    def seed_bookings(self) -> int:
        from datetime import timedelta

        from django.utils import timezone

        from tourism.models import Booking, BookingStatus, Occupancy, Review, Unit

        scale, rng, now, today = self.scale, self.rng, timezone.now(), timezone.localdate()
        units = list(Unit.objects.select_related("service").order_by("pk"))
        span, first_night = 395, today - timedelta(days=30)  # bookings lie in the 395 days from 30 days ago
        made = occupied = reviewed = 0
        batch: list = []
        began = time.monotonic()

        def flush() -> None:
            nonlocal occupied, reviewed
            Booking.objects.bulk_create(batch, batch_size=BATCH)
            occupancies = Occupancy.objects.bulk_create(
                [
                    Occupancy(
                        unit=b.unit,
                        starts_on=b.check_in,
                        ends_on=b.check_out,
                        booking=b,
                        expires_at=b.hold_expires_at,
                    )
                    for b in batch
                    if b.status != BookingStatus.CANCELLED
                ],
                batch_size=BATCH,
            )
            reviews = Review.objects.bulk_create(
                [
                    Review(
                        booking=b,
                        service=b.service,
                        author_name=b.guest_name,
                        rating=rng.choice([3, 4, 4, 5, 5, 5]),
                        text="Nhà sạch, chủ nhà thân thiện.",
                    )
                    for b in batch
                    if b.status == BookingStatus.COMPLETED and rng.random() < 0.3
                ],
                batch_size=BATCH,
            )
            occupied += len(occupancies)
            reviewed += len(reviews)
            batch.clear()

        for index, unit in enumerate(units):
            count = scale.bookings // len(units) + (index < scale.bookings % len(units))
            segment = span // max(
                count, 1
            )  # each booking lies inside its own segment: never two on one night
            if segment < 2:
                raise SystemExit(f"too many bookings for {len(units)} rooms")
            for k in range(count):
                nights = rng.randint(1, min(4, segment - 1))
                check_in = first_night + timedelta(days=k * segment + rng.randrange(segment - nights))
                check_out, roll = check_in + timedelta(days=nights), rng.random()
                if check_out <= today:
                    status = BookingStatus.COMPLETED
                elif check_in > today and roll < 0.03:
                    status = BookingStatus.CANCELLED
                elif check_in > today and roll < 0.06:
                    status = BookingStatus.HELD
                else:
                    status = BookingStatus.CONFIRMED
                held, cancelled = status == BookingStatus.HELD, status == BookingStatus.CANCELLED
                batch.append(
                    Booking(
                        reference=f"BN{made:08d}",
                        service=unit.service,
                        commune_id=unit.service.commune_id,
                        unit=unit,
                        guest_name=f"Guest {made}",
                        guest_email=f"guest{made}@bench.invalid",
                        guest_country=rng.choice(["VN", "VN", "FR", "US", "DE", "AU"]),
                        guests=rng.randint(1, unit.capacity),
                        check_in=check_in,
                        check_out=check_out,
                        status=status,
                        price_lines=[],
                        total=nights * unit.nightly_price,
                        cancellation_policy=unit.service.cancellation_policy,
                        payment_method="bank_transfer" if held else "on_arrival",
                        hold_expires_at=now + timedelta(hours=3) if held else None,
                        confirmed_at=None if held or cancelled else now,
                        completed_at=now if status == BookingStatus.COMPLETED else None,
                        cancelled_at=now if cancelled else None,
                        cancelled_by="guest" if cancelled else "",
                        created_at=now - timedelta(days=rng.randint(1, 90)),
                    )
                )
                made += 1
                if len(batch) >= BATCH * 5:
                    flush()
                    self.progress(
                        f"[bookings] {made:>7,} / {scale.bookings:,} "
                        f"({made / (time.monotonic() - began):.0f} rows/s)"
                    )
        if batch:
            flush()
        self.progress(
            f"[bookings] {made:,} bookings, {occupied:,} occupancies (exclusion constraint held), "
            f"{reviewed:,} reviews"
        )
        return made + occupied + reviewed

    def seed_partners(self) -> int:
        import secrets

        from django.utils import timezone

        from accounts.models import User
        from api.keys import new_key_material
        from api.models import READ_SCOPES, ApiKey, Partner, PartnerStatus, Subscription, Tier
        from village.models import CommunePage

        scale, rng, now = self.scale, self.rng, timezone.now()
        commune_ids = list(CommunePage.objects.values_list("pk", flat=True))
        User.objects.bulk_create(
            [
                User(
                    email=f"partner{n:05d}@bench.invalid",
                    password=UNUSABLE_PASSWORD,
                    last_name=f"Partner {n}",
                )
                for n in range(scale.partners)
            ],
            batch_size=BATCH,
        )
        owners = User.objects.filter(email__startswith="partner", email__endswith="@bench.invalid").order_by(
            "email"
        )
        tiers = [Tier.PREMIUM, Tier.STANDARD, Tier.FREE, Tier.FREE]
        partners = Partner.objects.bulk_create(
            [
                Partner(
                    owner=owner,
                    organisation=f"Báo Du lịch {n}",
                    website=f"https://partner{n}.example",
                    contact_name=f"Partner {n}",
                    contact_email=owner.email,
                    intended_use="Tin và sản phẩm vùng cao.",
                    status=PartnerStatus.APPROVED,
                    tier=tiers[n % len(tiers)],
                    scopes=list(READ_SCOPES),
                    reviewed_at=now,
                )
                for n, owner in enumerate(owners)
            ],
            batch_size=BATCH,
        )
        keys = []
        for partner in partners:
            _full_key, prefix, secret_hash = new_key_material()
            keys.append(ApiKey(partner=partner, name="main", prefix=prefix, secret_hash=secret_hash))
        ApiKey.objects.bulk_create(keys, batch_size=BATCH)
        subscriptions = Subscription.objects.bulk_create(
            [
                Subscription(
                    partner=partner,
                    name=f"feed {k + 1}",
                    endpoint_url=f"https://partner{n}.example/hooks/{k + 1}",
                    secret=secrets.token_hex(32),
                    communes=rng.sample(commune_ids, min(3, len(commune_ids))),
                    content_types=["product", "guide"] if k == 0 else ["experience"],
                    languages=["vi"],
                    minimum_ocop_stars=3 if k else None,
                )
                for n, partner in enumerate(partners)
                for k in range(1 + n % 2)
            ],
            batch_size=BATCH,
        )
        self.progress(
            f"[partners] {len(partners):,} approved partners, {len(keys):,} keys, "
            f"{len(subscriptions):,} subscriptions"
        )
        return len(partners) + len(keys) + len(subscriptions)


def seed_main(scale_name: str) -> int:
    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("the national seed runs on PostgreSQL only", file=sys.stderr)
        return 2
    Seeder(scale_name).run()
    return 0


def discover_main(scale_name: str) -> int:
    """Sample paths for every endpoint, a fresh key for the first partner, counts and versions."""
    import random

    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone, translation

    from api.models import ApiKey, Partner, Subscription
    from api.services.partners import issue_key
    from market.models import Producer, Product
    from tourism.models import Booking, Occupancy, Service, ServiceKind, Unit
    from village.models import CommunePage, GuidePage, HomePage, IndicatorValue, ProvincePage, VillagePage

    rng = random.Random(f"svp-national-discover-{scale_name}")

    def path_of(page) -> str:
        return urlsplit(page.get_url()).path

    def sample(queryset, count=SAMPLE_PATHS):
        ids = list(queryset.values_list("pk", flat=True))
        return rng.sample(ids, min(count, len(ids)))

    today = timezone.localdate()
    with translation.override("vi"):
        home = HomePage.objects.live().first()
        communes = CommunePage.objects.live().filter(pk__in=sample(CommunePage.objects.live()))
        commune_paths = [path_of(page) for page in communes]
        with_products = sample(CommunePage.objects.filter(pk__in=Product.objects.listed().values("commune")))
        catalogue = reverse("market:catalogue")
        products = Product.objects.listed().filter(pk__in=sample(Product.objects.listed()))
        stays = Service.objects.listed().filter(
            pk__in=sample(Service.objects.listed().filter(kind=ServiceKind.STAY))
        )
        search_dates = []
        for offset in range(7, 187, 6):
            check_in = today + timedelta(days=offset)
            search_dates.append(
                f"{reverse('tourism:search')}?check_in={check_in.isoformat()}"
                f"&check_out={(check_in + timedelta(days=2)).isoformat()}&guests=2"
            )
        words = [
            "che shan tuyet",
            "mat ong",
            "homestay",
            "dinh danh",
            "thanh toan qr",
            "gao",
            "tho cam",
            "lua dao",
        ]
        endpoints = {
            "bare": {"paths": [BARE_PATH]},
            "healthz": {"paths": ["/healthz"]},
            "home": {"paths": [path_of(home)]},
            "commune": {"paths": commune_paths},
            "catalogue": {"paths": [f"{catalogue}?commune={pk}" for pk in with_products]},
            "product": {"paths": [reverse("market:product", kwargs={"slug": p.slug}) for p in products]},
            "stays-search": {"paths": search_dates},
            "stay": {"paths": [reverse("tourism:service", kwargs={"slug": s.slug}) for s in stays]},
            "search": {"paths": [f"{reverse('search')}?q={word.replace(' ', '+')}" for word in words]},
            "indicators": {
                "paths": [reverse("indicators:overview")]
                + [
                    reverse("indicators:province", kwargs={"province_id": pk})
                    for pk in sample(ProvincePage.objects.live(), 10)
                ]
            },
        }
    partner = Partner.objects.order_by("pk").first()
    _api_key, full_key = issue_key(partner=partner, actor=partner.owner, name="bench run")
    if partner.tier != "premium":
        Partner.objects.filter(pk=partner.pk).update(tier="premium")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute(
            "SELECT stage, rows, seconds FROM bench_seed_stage WHERE scale = %s ORDER BY done_at",
            [scale_name],
        )
        stages = [
            {"stage": stage, "rows": rows, "seconds": seconds} for stage, rows, seconds in cursor.fetchall()
        ]
    counts = {
        "provinces": ProvincePage.objects.live().count(),
        "communes": CommunePage.objects.live().count(),
        "villages": VillagePage.objects.live().count(),
        "guides": GuidePage.objects.live().count(),
        "producers": Producer.objects.approved().count(),
        "products": Product.objects.listed().count(),
        "services": Service.objects.listed().count(),
        "rooms": Unit.objects.count(),
        "bookings": Booking.objects.count(),
        "occupancies": Occupancy.objects.count(),
        "partners": Partner.objects.count(),
        "api_keys": ApiKey.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "indicator_values": IndicatorValue.objects.count(),
    }
    print(
        "BENCH-DISCOVER "
        + json.dumps(
            {
                "endpoints": endpoints,
                "key": full_key,
                "counts": counts,
                "stages": stages,
                "db_version": version,
                "db_size": size,
                "debug": settings.DEBUG,
                "settings": settings.SETTINGS_MODULE,
                "cache": settings.CACHES["default"]["BACKEND"],
                "page_cache_seconds": settings.PAGE_CACHE_SECONDS,
                "api_cache_seconds": settings.API_RESPONSE_CACHE_SECONDS,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    return 0


# --- PostgreSQL and Redis (the parent process) ----------------------------------------------------------


def bench_database_url(database_url: str, name: str) -> tuple[str, str]:
    """``(admin URL: the postgres database, bench database URL)`` on the server of ``database_url``."""
    parts = urlsplit(database_url)
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return admin, urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def prepare_database(admin_url: str, name: str, *, fresh: bool) -> bool:
    """Create ``name`` unless it is there (drop it first when ``fresh``). Returns whether it was created."""
    import psycopg

    if name in PROTECTED_DATABASES or not re.fullmatch(r"svp_bench_[a-z0-9_]+", name):
        raise BenchError(f"refusing to use database {name!r}")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
        return not exists


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_redis(redis_url: str) -> str:
    """Empty the bench's Redis database (answers cached by an earlier run would flatter the numbers)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        client.flushdb()
        return client.info("server")["redis_version"]
    except redis.RedisError as error:
        raise BenchError(f"Redis at {redis_url} is not usable: {error}") from error


def machine_facts(discovered: dict, redis_version: str, workers: int, threads: int) -> dict:
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
        "postgresql": f"{discovered['db_version']} (database {discovered['db_size']})",
        "redis": redis_version,
        "server": f"gunicorn {workers} workers x gthread {threads} threads, {discovered['settings']}, "
        f"DEBUG off, page cache {discovered['page_cache_seconds']} s, "
        f"API answer cache {discovered['api_cache_seconds']} s",
        "load": " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1/5/15 min, after the run)",
    }


# --- the load (locust, a second process) ---------------------------------------------------------------


def collect_etags(port: int, path: str, headers: dict[str, str], probes: int = 12) -> list[str]:
    """The ETag(s) of ``path``: with Redis there is one; a few fresh connections make sure of it."""
    etags = set()
    for _ in range(probes):
        answer = fetch(port, path, headers=headers)
        if answer.status != 200 or not answer.header("ETag"):
            raise BenchError(f"{path} answered {answer.status} without an ETag")
        etags.add(answer.header("ETag"))
    return sorted(etags)


def run_locust(port: int, name: str, spec: dict, scale: Scale, work: Path, env: dict[str, str]) -> Row:
    summary = work / f"locust-{name}.json"
    expected = spec.get("expected_status", 200)
    endpoint = {
        "name": name,
        "paths": spec["paths"],
        "headers": {"Host": HOST_HEADER, "User-Agent": "svp-bench/1 (locust)", **spec.get("headers", {})},
        "expected_status": expected,
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        f"http://{LOOPBACK}:{port}",
        "--users",
        str(scale.users),
        "--spawn-rate",
        str(scale.users),
        "--run-time",
        f"{scale.warmup + scale.duration:.0f}s",
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    locust_env = {
        **{key: value for key, value in env.items() if not key.startswith(("DJANGO", "DATABASE", "SECRET"))},
        "BENCH_ENDPOINT": json.dumps(endpoint),
        "BENCH_WARMUP": str(scale.warmup),
        "BENCH_SUMMARY": str(summary),
    }
    say(
        f"[load] {name:<13} {scale.users} users, {scale.warmup:.0f} s warm-up + {scale.duration:.0f} s, "
        f"{len(spec['paths'])} path(s)"
    )
    process = subprocess.run(
        command,
        cwd=REPO,
        env=locust_env,
        capture_output=True,
        text=True,
        timeout=scale.warmup + scale.duration + 120,
    )
    if process.returncode != 0 or not summary.exists():
        tail = "\n".join((process.stdout + process.stderr).splitlines()[-LOG_TAIL_LINES:])
        raise BenchError(f"locust for {name} exited {process.returncode}:\n{tail}")
    data = json.loads(summary.read_text())
    return Row(
        endpoint=name,
        paths=len(spec["paths"]),
        expected_status=expected,
        requests=data["requests"],
        errors=max(data["failures"], data["failures_including_warmup"]),
        requests_per_second=data["successes_per_second"],
        p50_ms=data["p50_ms"],
        p95_ms=data["p95_ms"],
        p99_ms=data["p99_ms"],
        statuses=data["statuses"],
        failure_samples=data["failure_samples"],
    )


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'endpoint':<13} {'paths':>5} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'vs bare':>7}"
    )
    say(header)
    say("-" * len(header))
    for row in rows:
        ratio = f"{row.ratio_to_bare:.2f}" if row.ratio_to_bare is not None else "-"
        say(
            f"{row.endpoint:<13} {row.paths:>5} {row.requests_per_second:>8.1f} {row.p50_ms:>7.0f} "
            f"{row.p95_ms:>7.0f} {row.p99_ms:>7.0f} {row.errors:>6} {ratio:>7}"
        )


# --- the run --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", nargs="?", choices=["run", "_seed", "_discover"], default="run", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--scale", choices=sorted(SCALES), default="national", help="national (default) or smoke"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="drop the bench database first and seed it again"
    )
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument("--seed-only", action="store_true", help="seed (or resume seeding) and stop")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (one per CPU)"
    )
    parser.add_argument(
        "--threads", type=int, default=THREADS_PER_WORKER, help="gthread threads per worker (4)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (server and locust logs)"
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="PAGE_CACHE_SECONDS=0 (production caches anonymous pages)",
    )
    arguments = parser.parse_args()
    if arguments.command == "_seed":
        return seed_main(arguments.scale)
    if arguments.command == "_discover":
        return discover_main(arguments.scale)

    scale = SCALES[arguments.scale]
    database_url = os.environ.get("DATABASE_URL", "")
    if urlsplit(database_url).scheme not in {"postgres", "postgresql"}:
        say(
            "bench/national.py runs on PostgreSQL only (a national deployment does not run on SQLite): set "
            "DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make bench. "
            "It works in its own database svp_bench_<scale> on that server."
        )
        return 2
    database = f"svp_bench_{arguments.scale}"
    admin_url, bench_url = bench_database_url(database_url, database)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix="svp-national-"))
    server: Server | None = None
    rows: list[Row] = []
    began = time.monotonic()
    say(f"Smart Village national benchmark, scale {arguments.scale}: {asdict(scale)}")
    try:
        created = prepare_database(admin_url, database, fresh=arguments.fresh)
        say(
            f"[seed] PostgreSQL database {database} on {urlsplit(bench_url).hostname}: "
            f"{'created' if created else 'reused'}"
        )
        redis_version = prepare_redis(redis_url)
        say(f"[seed] Redis {redis_version} at {redis_url} (flushed)")
        env = base_env(work, bench_url)
        env.update(
            {
                "REDIS_URL": redis_url,
                "API_PREMIUM_PER_MINUTE": UNTHROTTLED,
                "API_PREMIUM_PER_DAY": UNTHROTTLED,
                "API_ETAG_WINDOW_SECONDS": ETAG_WINDOW_SECONDS,
                # gunicorn.conf.py recycles a worker every ~2,000 requests; at benchmark rates both workers
                # would restart inside one measurement (seconds of stall): measure the steady state
                "GUNICORN_MAX_REQUESTS": "0",
            }
        )
        env.pop("PAGE_CACHE_SECONDS", None)  # production's default, unless asked
        if arguments.no_page_cache:
            env["PAGE_CACHE_SECONDS"] = "0"
        run_step(
            "migrate",
            manage("migrate", "--noinput"),
            env,
            timeout=1800,
            echo=lambda line: "Applying" not in line,
        )
        script = [sys.executable, str(Path(__file__).resolve())]
        run_step(
            f"seed ({arguments.scale})",
            [*script, "_seed", "--scale", arguments.scale],
            env,
            timeout=6 * 3600,
            echo=lambda _: True,
        )
        say(f"[seed] ready after {time.monotonic() - began:.0f} s")
        if arguments.seed_only:
            return 0
        run_step("collectstatic", manage("collectstatic", "--noinput", "-v", "0"), env, timeout=900)
        lines = run_step("discover", [*script, "_discover", "--scale", arguments.scale], env, timeout=900)
        found = next((line for line in lines if line.startswith("BENCH-DISCOVER ")), None)
        if found is None:
            raise BenchError(
                "discovery printed no BENCH-DISCOVER line:\n" + "\n".join(lines[-LOG_TAIL_LINES:])
            )
        discovered = json.loads(found.removeprefix("BENCH-DISCOVER "))
        if discovered["debug"]:
            raise BenchError("DEBUG is on under the production settings: refusing to benchmark")
        say("[seed] data: " + ", ".join(f"{key} {value:,}" for key, value in discovered["counts"].items()))

        server = start_server("national", env, work, arguments.workers, arguments.threads)
        ready = fetch(server.port, "/readyz")
        if ready.status != 200:
            raise BenchError(f"/readyz answered {ready.status}: {ready.body[:300]!r}")
        say(f"[serve] gunicorn pid {server.process.pid} on {LOOPBACK}:{server.port}; /readyz 200")

        endpoints = discovered["endpoints"]
        api_headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "Authorization": f"Bearer {discovered['key']}",
        }
        products_path = "/api/v1/products/?limit=50"
        endpoints["api-products"] = {"paths": [products_path], "headers": api_headers}
        endpoints["api-guides"] = {"paths": ["/api/v1/guides/?limit=50"], "headers": api_headers}
        etags = collect_etags(server.port, products_path, api_headers)
        endpoints["api-304"] = {
            "paths": [products_path],
            "headers": {**api_headers, "If-None-Match": ", ".join(etags)},
            "expected_status": 304,
        }
        for name, spec in endpoints.items():
            if not spec["paths"]:
                raise BenchError(f"no paths to measure for {name}: the seeded data is incomplete")
        busy_before = cpu_busy()
        for name, spec in endpoints.items():
            rows.append(run_locust(server.port, name, spec, scale, work, env))
        bare = rows[0].requests_per_second
        for row in rows:
            row.ratio_to_bare = row.requests_per_second / bare if bare else None
        facts = machine_facts(discovered, redis_version, arguments.workers, arguments.threads)
        if busy_before is not None:
            facts["busy"] = f"{busy_before:.0%} of the CPUs busy just before the load"
    except BenchError as error:
        say(f"\nBENCH FAILED: {error}")
        if server is not None:
            say(f"last lines of the gunicorn log:\n{server.log_tail()}")
        return 2
    finally:
        if server is not None:
            _kill_group(server.process)
        if arguments.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        if arguments.drop:
            drop_database(admin_url, database)
            say(f"[clean] dropped database {database}")

    say("")
    say(
        f"National benchmark, scale {arguments.scale}: one locust run per endpoint ({scale.users} users, "
        f"no think time, {scale.warmup:.0f} s warm-up discarded + {scale.duration:.0f} s measured); "
        "req/s counts expected "
        "answers only; 'vs bare' = req/s / the bare Django view's (core.views.bare) in the same server"
    )
    say("")
    print_table(rows)
    say("")
    say("Data: " + ", ".join(f"{key} {value:,}" for key, value in discovered["counts"].items()))
    say(
        "Seeding: "
        + ", ".join(
            f"{stage['stage']} {stage['rows']:,} rows in {stage['seconds']:.0f} s "
            f"({stage['seconds'] / max(stage['rows'], 1) * 10_000:.1f} s/10k)"
            for stage in discovered["stages"]
        )
    )
    say("Machine")
    for key, value in facts.items():
        say(f"  {key:<10} {value}")
    say("  note       gunicorn, locust (one core), PostgreSQL and Redis share these CPUs")
    failures = [row for row in rows if row.errors]
    for row in failures:
        say(f"ERRORS {row.endpoint}: {row.errors} (statuses {row.statuses}); e.g. {row.failure_samples[:2]}")
    result = RESULTS_DIR / f"national-{arguments.scale}-{stamp}.json"
    result.write_text(
        json.dumps(
            {
                "timestamp": stamp,
                "scale": arguments.scale,
                "plan": asdict(scale),
                "rows": [asdict(row) for row in rows],
                "counts": discovered["counts"],
                "stages": discovered["stages"],
                "machine": facts,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    say(f"\nResults written to {result.relative_to(REPO)}")
    return 1 if failures else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    sys.exit(main())
