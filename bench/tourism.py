"""Tourism benchmark: availability search and a stay quote against a bare Django view; booking contention.

1. seeds a fresh database — PostgreSQL database ``svp_bench_tourism`` (created, then dropped) on the server
   of ``DATABASE_URL`` when it is set, else SQLite with the same data (and says so) — with ``migrate``, the
   village tree of ``tests.factories.build_site()`` and ~1,000 approved services (70% stays with 1–4 rooms,
   30% tours and experiences with 10 departures each) of approved hosts, then 20,000 bookings (past and
   over the next 365 days, never overlapping in a room) with their occupancies and some reviews, all with
   ``bulk_create`` (not the services, for speed), then ``ANALYZE``;
2. serves the site with gunicorn under ``config.settings.production`` (DEBUG off) with the anonymous page
   cache OFF (``PAGE_CACHE_SECONDS=0``) and drives it from client processes (keep-alive connections) against
   the bare view, the search by dates (``/en/stays/?check_in=…&check_out=…&guests=2``) and a stay's page
   with dates (its rooms' availability and quote), at full concurrency and one visitor at a time;
3. stops the server, then races 50 threads (``threading.Barrier``) for the same free night of one room
   through ``tourism.services.bookings.book_stay``, five times on different nights: exactly one must win;
4. prints the table, the targets and the machine, and writes ``bench/results/tourism-<timestamp>.json``.

``--smoke`` seeds 60 services and 1,000 bookings, runs short measurements and exits non-zero on any HTTP
error or any race without exactly one winner (never on speed). Usage: ``make bench-tourism``. The HTTP
client, the server and the helpers are those of ``bench/pages.py`` and ``bench/market.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
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
    _kill_group,
    base_env,
    clean_up,
    cpu_busy,
    fetch,
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

from market import measure_gets, set_ratios

BENCH_DATABASE = "svp_bench_tourism"
FULL_SIZE, SMOKE_SIZE = (1_000, 20_000), (60, 1_000)  # (services, bookings)
SEARCH_DAYS_AHEAD = 30  # the representative search: two nights from 30 days ahead
OTHER_DAYS_AHEAD = (7, 120)  # more date pairs, one visitor at a time
RACERS, RACE_ROUNDS = 50, 5
P95_TARGET_MS, CONTENTION_TARGET_S = 200.0, 2.0

SEED = r"""
import os, random, time
from datetime import datetime, time as clock, timedelta
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from accounts.models import User
from core.text import fold
from tourism.models import (
    Amenity, Booking, BookingMode, BookingStatus, CancellationPolicy, Host, ListingStatus, Occupancy,
    Review, Service, ServiceKind, Slot, Unit,
)
from tests.factories import build_site

SERVICES, BOOKINGS = int(os.environ["BENCH_SERVICES"]), int(os.environ["BENCH_BOOKINGS"])
BATCH, SPAN = 1000, 395  # bookings lie in the 395 days from 30 days ago
rng, began = random.Random(20250702), time.monotonic()
now, today = timezone.now(), timezone.localdate()
def progress(message):
    print(f"{time.monotonic() - began:6.1f} s  {message}", flush=True)

site = build_site()
places = [(site[key]["commune"], site[key]["village"]) for key in ("a", "b")]
FAMILIES = ["Sùng", "Giàng", "Lò", "Vàng", "Hoàng", "Ma", "Lý", "Thào", "Tẩn", "Chảo"]
ACTIVITIES = ["Trek ruộng bậc thang", "Lớp nhuộm chàm", "Nấu ăn cùng gia đình", "Chợ phiên và làng nghề"]
BANK = {"bank_bin": "970436", "bank_account_number": "0011223344", "bank_account_name": "SUNG A PAO"}
with transaction.atomic():
    User.objects.bulk_create(
        [User(email=f"host{n:04d}@bench.invalid", password="!", last_name=f"Host {n}")
         for n in range(max(2, SERVICES * 2 // 5))], batch_size=BATCH)
    owners = User.objects.filter(email__endswith="@bench.invalid").order_by("email")
    hosts = Host.objects.bulk_create([
        Host(owner=owner, commune=places[n % 2][0], village=places[n % 2][1] if n % 3 else None,
             slug=f"host-{n}", name=f"Nhà {rng.choice(FAMILIES)} {n}", contact_phone="0912345678",
             status=ListingStatus.APPROVED, **(BANK if n % 2 else {}))
        for n, owner in enumerate(owners)], batch_size=BATCH)
    services = []
    for n in range(SERVICES):
        host = hosts[n % len(hosts)]
        stay, commune, activity = n % 10 < 7, host.commune.title, rng.choice(ACTIVITIES)
        service = Service(
            host=host, commune=host.commune, village=host.village, status=ListingStatus.APPROVED,
            kind=ServiceKind.STAY if stay else (ServiceKind.TOUR if n % 2 else ServiceKind.EXPERIENCE),
            slug=f"{slugify(fold(host.name))}-{'homestay' if stay else 'trai-nghiem'}-{n}",
            title_vi=f"Homestay {host.name} {commune}" if stay else f"{activity} ở {commune}",
            title_en=f"{host.name} family homestay in {commune}" if stay else "",
            description_vi=f"Nhà sàn gỗ ở {commune}, cơm gia đình, view ruộng bậc thang." if stay
            else f"{activity} cùng người địa phương ở {commune}.",
            booking_mode=BookingMode.ON_REQUEST if n % 13 == 0 else BookingMode.INSTANT,
            cancellation_policy=rng.choice(CancellationPolicy.values),
            accepts_pay_on_arrival=stay or n % 3 == 0,
            amenities=rng.sample(Amenity.values, 4) if stay else [],
            meeting_point="" if stay else "Chợ " + commune, languages=[] if stay else ["vi", "en"],
            duration_minutes=None if stay else rng.choice([120, 240, 480]),
            price_per_person=None if stay else rng.randrange(200, 900, 50) * 1000,
            created_at=now - timedelta(minutes=SERVICES - n))
        service.refresh_folded_text()
        services.append(service)
    Service.objects.bulk_create(services, batch_size=BATCH)
    units = []
    for service in (s for s in services if s.kind == ServiceKind.STAY):
        for r in range(rng.randint(1, 4)):
            capacity, price = rng.choice([2, 2, 3, 4, 6]), rng.randrange(250, 900, 50) * 1000
            units.append(Unit(
                service=service, name_vi=f"Phòng {r + 1}", name_en=f"Room {r + 1}", capacity=capacity,
                included_guests=2, nightly_price=price, extra_guest_price=100_000 * (capacity > 2),
                weekend_nightly_price=price + 100_000 if r % 2 else None))
    Unit.objects.bulk_create(units, batch_size=BATCH)
    slots = Slot.objects.bulk_create([
        Slot(service=service, capacity=rng.choice([8, 10, 12, 15]), price_per_person=service.price_per_person,
             starts_at=timezone.make_aware(
                 datetime.combine(today + timedelta(days=3 + 9 * k + rng.randrange(5)), clock(8, 0))))
        for service in services if service.kind != ServiceKind.STAY for k in range(10)
    ], batch_size=BATCH)
progress(f"{len(hosts)} hosts, {len(services)} services, {len(units)} rooms, {len(slots)} departures")

bookings, first_night = [], today - timedelta(days=30)
for index, unit in enumerate(units):
    count = BOOKINGS // len(units) + (index < BOOKINGS % len(units))
    segment = SPAN // max(count, 1)  # each booking lies inside its own segment: never two on one night
    assert segment >= 2, "too many bookings for the rooms"
    for k in range(count):
        nights = rng.randint(1, min(4, segment - 1))
        check_in = first_night + timedelta(days=k * segment + rng.randrange(segment - nights))
        check_out, roll, number = check_in + timedelta(days=nights), rng.random(), len(bookings)
        if check_out <= today:
            status = BookingStatus.COMPLETED
        elif check_in > today and roll < 0.03:
            status = BookingStatus.CANCELLED
        elif check_in > today and roll < 0.06:
            status = BookingStatus.HELD
        else:
            status = BookingStatus.CONFIRMED
        held, cancelled = status == BookingStatus.HELD, status == BookingStatus.CANCELLED
        bookings.append(Booking(
            reference=f"BN{number:08d}", service=unit.service, commune_id=unit.service.commune_id,
            unit=unit, guest_name=f"Guest {number}", guest_email=f"guest{number}@bench.invalid",
            guest_country=rng.choice(["VN", "VN", "FR", "US", "DE", "AU"]),
            guests=rng.randint(1, unit.capacity), check_in=check_in, check_out=check_out, status=status,
            price_lines=[], total=nights * unit.nightly_price,
            cancellation_policy=unit.service.cancellation_policy,
            payment_method="bank_transfer" if held else "on_arrival",
            hold_expires_at=now + timedelta(hours=3) if held else None,
            confirmed_at=None if held or cancelled else now,
            completed_at=now if status == BookingStatus.COMPLETED else None,
            cancelled_at=now if cancelled else None, cancelled_by="guest" if cancelled else "",
            created_at=now - timedelta(days=rng.randint(1, 90))))
with transaction.atomic():
    Booking.objects.bulk_create(bookings, batch_size=BATCH)
    Occupancy.objects.bulk_create([
        Occupancy(unit=b.unit, starts_on=b.check_in, ends_on=b.check_out, booking=b,
                  expires_at=b.hold_expires_at)
        for b in bookings if b.status != BookingStatus.CANCELLED], batch_size=BATCH)
    Review.objects.bulk_create([
        Review(booking=b, service=b.service, author_name=b.guest_name, rating=rng.choice([3, 4, 4, 5, 5, 5]),
               text="Nhà sạch, chủ nhà thân thiện.")
        for b in bookings if b.status == BookingStatus.COMPLETED and rng.random() < 0.6], batch_size=BATCH)
progress(f"{len(bookings):,} bookings with their occupancies and reviews")
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress("ANALYZE done")
"""

DISCOVER = r"""
import json
from datetime import timedelta
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from tourism.models import Booking, Host, Occupancy, Review, Service, ServiceKind, Slot, Unit
from tourism.selectors import Search, find_services
today = timezone.localdate()
stay = (Service.objects.listed().filter(kind=ServiceKind.STAY, booking_mode="instant")
        .annotate(rooms=Count("units")).order_by("-rooms", "pk").first())
with translation.override("en"):
    search, service = reverse("tourism:search"), reverse("tourism:service", kwargs={"slug": stay.slug})
free = {}
for days in __DAYS__:
    check_in = today + timedelta(days=days)
    wanted = Search(check_in=check_in, check_out=check_in + timedelta(days=2), guests=2)
    free[days] = find_services(wanted).count()
with connection.cursor() as cursor:
    cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
    version = cursor.fetchone()[0]
def by(model, name):
    return dict(model.objects.values_list(name).annotate(n=Count("pk")).order_by(name))
print("BENCH-DISCOVER " + json.dumps({
    "today": today.isoformat(), "search_path": search, "service_path": service, "stay_title": stay.title_vi,
    "stay_rooms": stay.rooms, "free_services": free, "listed": Service.objects.listed().count(),
    "services": by(Service, "kind"), "hosts": Host.objects.count(), "rooms": Unit.objects.count(),
    "departures": Slot.objects.count(), "bookings": by(Booking, "status"),
    "occupancies": Occupancy.objects.count(), "reviews": Review.objects.count(), "debug": settings.DEBUG,
    "settings": settings.SETTINGS_MODULE, "cache": settings.CACHES["default"]["BACKEND"],
    "db_vendor": connection.vendor, "db_version": version,
}, ensure_ascii=False))
"""

RACE = r"""
import json, threading, time
from datetime import timedelta
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from tourism.availability import is_unit_free
from tourism.exceptions import TourismError
from tourism.models import ACTIVE_BOOKING_STATUSES, Booking, Unit
from tourism.services.bookings import GuestDetails, book_stay

RACERS, ROUNDS, today = __RACERS__, __ROUNDS__, timezone.localdate()
# the busiest room of an instant stay taking pay on arrival and single nights
unit = (Unit.objects.filter(service__kind="stay", service__booking_mode="instant", minimum_nights=1,
                            service__accepts_pay_on_arrival=True, is_active=True)
        .annotate(taken=Count("bookings")).select_related("service__host").order_by("-taken", "pk").first())
nights = [day for day in (today + timedelta(days=n) for n in range(20, 400))
          if is_unit_free(unit, check_in=day, check_out=day + timedelta(days=1))][:ROUNDS]
rounds = []
for night in nights:
    started, finished, won, refused, crashed = [], [], [], {}, []
    barrier = threading.Barrier(RACERS, action=lambda: started.append(time.perf_counter()))
    lock = threading.Lock()

    def run(n):
        try:
            connection.ensure_connection()  # connected before the start, as a server worker already is
            barrier.wait(timeout=60)
            try:
                book_stay(unit=unit, check_in=night, check_out=night + timedelta(days=1), guests=1,
                          guest=GuestDetails(name=f"Racer {n}", email=f"racer{n}@bench.invalid"),
                          payment_method="on_arrival")
                with lock:
                    won.append(n)
            except TourismError as error:
                with lock:
                    refused[str(error.code)] = refused.get(str(error.code), 0) + 1
            with lock:
                finished.append(time.perf_counter())
        except BaseException as error:  # a crash is counted, never lost in a thread
            with lock:
                crashed.append(repr(error)[:300])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stored = Booking.objects.filter(unit=unit, check_in=night, status__in=ACTIVE_BOOKING_STATUSES).count()
    seconds = max(finished) - started[0] if started and finished else None
    rounds.append({"night": night.isoformat(), "seconds": seconds, "winners": len(won), "refused": refused,
                   "crashes": crashed, "stored_bookings": stored})
print("BENCH-RACE " + json.dumps({"unit": unit.pk, "service": unit.service.slug, "rounds": rounds}))
"""


def shell_json(label: str, script: str, env: dict[str, str], prefix: str, timeout: float, echo=None) -> dict:
    """Run ``script`` with ``manage.py shell -c`` and return the JSON of its ``prefix`` line."""
    lines = run_step(label, manage("shell", "-c", script), env, timeout=timeout, echo=echo)
    found = next((line for line in lines if line.startswith(prefix + " ")), None)
    if found is None:
        raise BenchError(f"{label}: no {prefix} line:\n" + "\n".join(lines[-pages.LOG_TAIL_LINES :]))
    return json.loads(found.removeprefix(prefix + " "))


def targets(rows: list[Row], race: dict, plan: Plan) -> list[dict]:
    def find(endpoint: str, concurrency: int) -> Row:
        found = next((r for r in rows if (r.endpoint, r.concurrency) == (endpoint, concurrency)), None)
        return found or Row(endpoint, "", "uncached", concurrency, p95_ms=float("inf"))

    searches = [r for r in rows if r.endpoint.startswith(("search", "srch")) and r.concurrency == 1]
    quote, loaded = find("quote", 1), [find(name, plan.concurrency) for name in ("search", "quote")]
    rounds = race["rounds"]
    seconds = [r["seconds"] for r in rounds if r["seconds"] is not None]
    exact = [r["winners"] == 1 and r["stored_bookings"] == 1 and not r["crashes"] for r in rounds]
    refused: dict[str, int] = {}
    for r in rounds:
        for code, count in r["refused"].items():
            refused[code] = refused.get(code, 0) + count
    spread = (
        f"min {min(seconds):.2f} / median {statistics.median(seconds):.2f} / max {max(seconds):.2f} s"
        if seconds
        else "no race finished"
    )
    return [
        {
            "name": f"availability search p95 <= {P95_TARGET_MS:.0f} ms (one visitor at a time, cache OFF)",
            "passed": bool(searches) and all(r.p95_ms <= P95_TARGET_MS for r in searches),
            "detail": ", ".join(f"{r.endpoint} {r.p95_ms:.0f} ms" for r in searches),
        },
        {
            "name": f"quote (stay page with dates) p95 <= {P95_TARGET_MS:.0f} ms (one visitor at a time)",
            "passed": quote.p95_ms <= P95_TARGET_MS,
            "detail": f"{quote.p95_ms:.0f} ms",
            "informational": True,
        },
        {
            "name": f"p95 <= {P95_TARGET_MS:.0f} ms with {plan.concurrency} concurrent visitors (saturated)",
            "passed": all(r.p95_ms <= P95_TARGET_MS for r in loaded),
            "detail": ", ".join(
                f"{r.endpoint} {r.p95_ms:.0f} ms, {r.ratio_to_bare or 0:.0%} of the bare view's req/s"
                for r in loaded
            ),
            "informational": True,
        },
        {
            "name": f"{RACERS}-way contention for one night resolved within {CONTENTION_TARGET_S:.0f} s",
            "passed": len(seconds) == len(rounds) > 0 and max(seconds) <= CONTENTION_TARGET_S,
            "detail": f"{spread} over {len(rounds)} nights",
        },
        {
            "name": "exactly one winner per race (one stored booking, no crash)",
            "passed": bool(exact) and all(exact),
            "detail": f"{sum(exact)}/{len(rounds)} races; winners {[r['winners'] for r in rounds]}, "
            f"refusals {refused}, crashes {sum(len(r['crashes']) for r in rounds)}",
        },
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="60 services, 1,000 bookings, short runs")
    parser.add_argument("--services", type=int, help=f"services to seed ({FULL_SIZE[0]:,})")
    parser.add_argument("--bookings", type=int, help=f"bookings to seed ({FULL_SIZE[1]:,})")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker (4)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and database")
    arguments = parser.parse_args()
    plan = SMOKE if arguments.smoke else FULL
    services, bookings = SMOKE_SIZE if arguments.smoke else FULL_SIZE
    services, bookings = arguments.services or services, arguments.bookings or bookings

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix="svp-bench-tourism-"))
    database_url = os.environ.get("DATABASE_URL", "")
    pages.BENCH_DATABASE = BENCH_DATABASE  # prepare_postgres/drop_postgres work on pages.BENCH_DATABASE
    bench_url, server, generator = "", None, None
    rows: list[Row] = []
    failures: list[str] = []
    say(f"Smart Village tourism benchmark ({'smoke' if arguments.smoke else 'full'}) in {work}")
    if database_url:
        say(f"[seed] DATABASE_URL is set: PostgreSQL, own database {BENCH_DATABASE} (dropped at the end)")
    else:
        say(f"[seed] DATABASE_URL is not set: falling back to SQLite ({work / 'db.sqlite3'}), same data")
    try:
        if database_url:
            bench_url = prepare_postgres(database_url)
        env = base_env(work, bench_url)
        run_step("migrate", manage("migrate", "--noinput"), env, timeout=900, echo=lambda x: "Apply" not in x)
        seed_env = {**env, "BENCH_SERVICES": str(services), "BENCH_BOOKINGS": str(bookings)}
        label = f"village tree + {services:,} services + {bookings:,} bookings (bulk_create)"
        run_step(label, manage("shell", "-c", SEED), seed_env, timeout=1800, echo=lambda _: True)
        run_step("collectstatic", manage("collectstatic", "--noinput"), env, timeout=900, echo=lambda _: True)
        days = (SEARCH_DAYS_AHEAD, *OTHER_DAYS_AHEAD)
        found = shell_json("discover", DISCOVER.replace("__DAYS__", repr(days)), env, "BENCH-DISCOVER", 300)
        if found["debug"]:
            raise BenchError("DEBUG is on under the production settings: refusing to benchmark")
        today = date.fromisoformat(found["today"])

        def dates(ahead: int) -> str:
            check_in = today + timedelta(days=ahead)
            return f"?check_in={check_in}&check_out={check_in + timedelta(days=2)}&guests=2"

        say(f"[seed] services {found['services']}, {found['hosts']:,} hosts, {found['rooms']:,} rooms")
        say(f"[seed] bookings {found['bookings']}, {found['occupancies']:,} occupancies")
        say(f"[seed] search {found['search_path']}  stay {found['service_path']}")
        search, quote = found["search_path"], found["service_path"]
        gets = [("bare", BARE_PATH), ("search", search + dates(SEARCH_DAYS_AHEAD))]
        gets.append(("quote", quote + dates(SEARCH_DAYS_AHEAD)))
        others = [(f"srch+{n}d", search + dates(n)) for n in OTHER_DAYS_AHEAD]
        generator = LoadGenerator(plan)
        busy_before = cpu_busy()
        server_env = {**env, "PAGE_CACHE_SECONDS": "0"}
        server = start_server("uncached", server_env, work, arguments.workers, arguments.threads)
        say(f"[serve] gunicorn pid {server.process.pid} on {LOOPBACK}:{server.port}, PAGE_CACHE_SECONDS=0")
        for name, path in gets + others:
            status = fetch(server.port, path).status
            if status != 200:
                raise BenchError(f"{name} {path} answers {status}:\n{server.log_tail()}")
        rows += measure_gets(generator, server, gets, plan.concurrency, plan.duration)
        rows += measure_gets(generator, server, gets + others, 1, plan.latency_duration)
        _kill_group(server.process)
        errors = sum(row.errors + row.warmup_errors for row in rows)
        if errors:
            log_copy = RESULTS_DIR / f"tourism-{stamp}.log"
            shutil.copyfile(server.log_path, log_copy)
            failures.append(f"{errors} HTTP errors (server log: {log_copy})")
            say(f"[serve] HTTP errors; last lines of the gunicorn log:\n{server.log_tail()}")
        script = RACE.replace("__RACERS__", str(RACERS)).replace("__ROUNDS__", str(RACE_ROUNDS))
        race = shell_json(f"{RACERS}-way booking races", script, env, "BENCH-RACE", 600)
        if not race["rounds"] or any(
            r["winners"] != 1 or r["stored_bookings"] != 1 or r["crashes"] for r in race["rounds"]
        ):
            failures.append(f"a race did not end with exactly one winner: {race['rounds']}")
        info = machine(found, arguments.workers, arguments.threads, busy_before=busy_before)
    except BenchError as error:
        say(f"\nBENCH FAILED: {error}")
        return 2
    finally:
        clean_up(
            servers=[server] if server is not None else [], generator=generator, work=work,
            keep=arguments.keep, bench_url=bench_url, database=BENCH_DATABASE,
        )  # fmt: skip

    set_ratios(rows)
    rows.sort(key=lambda row: (-row.concurrency, row.endpoint != "bare"))
    version = found["db_version"]
    if found["db_vendor"] == "postgresql":
        database = f"PostgreSQL {version} (database {BENCH_DATABASE})"
    else:
        database = f"SQLite {version} (no DATABASE_URL: fallback; writers are serialised)"
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in found["services"].items())
    states = ", ".join(f"{count:,} {status}" for status, count in found["bookings"].items())
    free = ", ".join(f"+{days}d: {count:,}" for days, count in found["free_services"].items())
    say("")
    say(f"Data: {found['listed']:,} listed services ({kinds}) of {found['hosts']:,} hosts in 2 communes,")
    say(f"      {found['rooms']:,} rooms, {found['departures']:,} departures, {found['reviews']:,} reviews")
    say(
        f"      {sum(found['bookings'].values()):,} bookings ({states}), {found['occupancies']:,} occupancies"
    )
    say(f"      on {database}")
    say(
        f"Search: 2 nights from {today} + N days, 2 guests (row search: N={SEARCH_DAYS_AHEAD}, rows srch+Nd: "
        f"other N); services free for them: {free}"
    )
    say(
        f"Quote: {quote} ({found['stay_title']}: availability and price of each of its "
        f"{found['stay_rooms']} rooms)"
    )
    say(
        f"Load: page cache OFF, {plan.concurrency} keep-alive connections from {plan.client_processes} "
        f"client processes, {plan.warmup:.0f} s warm-up + {plan.duration:.0f} s per row "
        f"(c=1: {plan.latency_duration:.0f} s); anonymous GETs"
    )
    say(
        f"Races: {RACERS} threads, each already connected, released by a barrier, book the same free night "
        f"of room {race['unit']} ({race['service']}), pay on arrival; time = release to the last answer"
    )
    say("")
    print_table(rows)
    say("")
    checks = targets(rows, race, plan)
    print_targets(checks)
    say("")
    print_machine(
        info,
        f"the server, the load generator and the database share the {info['cpu_count']} CPUs",
        busy_before,
    )
    result_path = RESULTS_DIR / f"tourism-{stamp}.json"
    result = {
        "timestamp": stamp,
        "smoke": arguments.smoke,
        "plan": asdict(plan),
        "discovered": found,
        "rows": [asdict(row) for row in rows],
        "race": race,
        "targets": checks,
        "machine": info,
        "failures": failures,
    }
    result_path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    say(f"\nResults written to {result_path.relative_to(REPO)}")
    if failures:
        say("FAILURES: " + "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    sys.exit(main())
