"""The computed indicators each domain registers, recomputation into IndicatorValue rows, and the
``recompute_indicators`` command."""

from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role
from api.models import LinkClickDay
from core.registries import indicators, periodic_jobs
from market.models import (
    Checkout,
    DeliveryMethod,
    OcopRating,
    Order,
    OrderStatus,
    PaymentMethod,
    Product,
    ReviewStatus,
)
from tests import factories
from tests.api.conftest import make_partner
from tests.market.conftest import make_producer, make_product
from tests.tourism.conftest import book, days_from_today, make_host, make_stay
from village.indicators import periods
from village.indicators.services import recompute, record_value
from village.models import CommunePage, GuidePage, GuideVote, IndicatorValue, IndicatorValueChange

JANUARY = (date(2026, 1, 1), date(2026, 2, 1))


@pytest.fixture
def producer_a(site_tree):
    commune = site_tree["a"]["commune"]
    return make_producer(factories.make_member("mai@example.org", commune, Role.PRODUCER), commune, "HTX chè")


@pytest.fixture
def producer_b(site_tree):
    commune = site_tree["b"]["commune"]
    return make_producer(factories.make_member("hoa@example.org", commune, Role.PRODUCER), commune, "Hộ Hoa")


@pytest.fixture
def stay(site_tree):
    commune = site_tree["a"]["commune"]
    host = make_host(factories.make_member("pao@example.org", commune, Role.HOST), commune, "Homestay Páo")
    return make_stay(host, "Homestay Sùng A Páo")


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def compute(key, commune, starts_on, ends_on):
    return indicators.get(key).compute(commune.pk, starts_on, ends_on)


def created_on(product: Product, day: date) -> Product:
    Product.objects.filter(pk=product.pk).update(created_at=at(day))
    return product


def ocop(product: Product, stars: int, *, issued_on=date(2025, 6, 1), expires_on=date(2028, 5, 31)):
    return OcopRating.objects.create(
        product=product, stars=stars, certificate_number=f"OCOP-{product.pk}", issued_on=issued_on,
        expires_on=expires_on, issuing_province="Lào Cai",
    )  # fmt: skip


def paid_order(producer, method: str, paid_on: date | None, number: int) -> Order:
    checkout = Checkout.objects.create(
        reference=f"CK{number:04d}",
        buyer_name="Trần Văn Hùng",
        buyer_phone="0912345678",
        payment_method=method,
    )
    return Order.objects.create(
        checkout=checkout, reference=f"OD{number:04d}", producer=producer, commune=producer.commune,
        status=OrderStatus.CONFIRMED if paid_on else OrderStatus.PENDING_PAYMENT, payment_method=method,
        delivery_method=DeliveryMethod.PICKUP, subtotal=100_000, total=100_000,
        paid_at=at(paid_on) if paid_on else None,
    )  # fmt: skip


# --- market ----------------------------------------------------------------------------------------------


def test_products_and_producers_online_count_what_was_listed_by_the_end_of_the_period(
    site_tree, producer_a, producer_b
):
    commune = site_tree["a"]["commune"]
    # given 3 listed products of producer A made in January, one still pending, one made after January
    for name in ("Chè Shan Tuyết", "Mật ong bạc hà", "Gạo nếp"):
        created_on(make_product(producer_a, name), date(2026, 1, 10))
    pending = created_on(make_product(producer_a, "Nấm hương"), date(2026, 1, 12))
    Product.objects.filter(pk=pending.pk).update(review_status=ReviewStatus.PENDING)
    created_on(make_product(producer_a, "Thảo quả"), date(2026, 2, 5))
    # and a second producer of the commune whose only product is still pending, and commune B's product
    second = make_producer(
        factories.make_member("lan@example.org", commune, Role.PRODUCER), commune, "Hộ Lan"
    )
    waiting = created_on(make_product(second, "Măng khô"), date(2026, 1, 3))
    Product.objects.filter(pk=waiting.pk).update(review_status=ReviewStatus.PENDING)
    created_on(make_product(producer_b, "Mận Bắc Hà"), date(2026, 1, 3))

    assert compute("market.products_online", commune, *JANUARY) == 3
    assert compute("market.producers_online", commune, *JANUARY) == 1
    # February holds the product made on 5 February too
    assert compute("market.products_online", commune, date(2026, 2, 1), date(2026, 3, 1)) == 4
    assert compute("market.products_online", commune, date(2025, 12, 1), date(2026, 1, 1)) == 0
    assert compute("market.producers_online", commune, date(2025, 12, 1), date(2026, 1, 1)) == 0
    # a producer whose approval is withdrawn no longer counts, nor do its products
    producer_a.__class__.objects.filter(pk=producer_a.pk).update(review_status=ReviewStatus.REJECTED)
    assert compute("market.products_online", commune, *JANUARY) == 0
    assert compute("market.producers_online", commune, *JANUARY) == 0


def test_ocop_products_online_is_the_listed_three_star_share_of_current_ocop_products(site_tree, producer_a):
    commune = site_tree["a"]["commune"]
    period = (date(2026, 1, 1), date(2026, 2, 1))
    assert compute("market.ocop_products_online", commune, *period) is None  # no OCOP product at all
    four, three, pending, expired, two = (
        created_on(make_product(producer_a, name), date(2025, 12, 1))
        for name in ("Chè 4 sao", "Mật ong 3 sao", "Rượu 5 sao", "Miến cũ", "Gạo 2 sao")
    )
    ocop(four, 4)
    ocop(three, 3)
    ocop(pending, 5)
    Product.objects.filter(pk=pending.pk).update(review_status=ReviewStatus.PENDING)
    ocop(expired, 4, issued_on=date(2022, 6, 1), expires_on=date(2025, 5, 31))  # not current: not counted

    assert compute("market.ocop_products_online", commune, *period) == 66.67  # 2 of 3 current

    ocop(two, 2)  # a listed 2-star product is an OCOP product of the commune, not a 3-star+ one
    assert compute("market.ocop_products_online", commune, *period) == 50.0


def test_orders_paid_digitally_is_the_share_of_orders_paid_in_the_period_by_transfer_or_card(
    site_tree, producer_a, producer_b
):
    commune = site_tree["a"]["commune"]
    assert compute("market.orders_paid_digitally", commune, *JANUARY) is None
    paid_order(producer_a, PaymentMethod.BANK_TRANSFER, date(2026, 1, 5), 1)
    paid_order(producer_a, PaymentMethod.CARD, date(2026, 1, 31), 2)
    paid_order(producer_a, PaymentMethod.CASH_ON_DELIVERY, date(2026, 1, 20), 3)
    paid_order(producer_a, PaymentMethod.BANK_TRANSFER, None, 4)  # never paid
    paid_order(producer_a, PaymentMethod.CASH_ON_DELIVERY, date(2026, 2, 1), 5)  # paid in February
    paid_order(producer_b, PaymentMethod.CASH_ON_DELIVERY, date(2026, 1, 8), 6)  # another commune

    assert compute("market.orders_paid_digitally", commune, *JANUARY) == 66.67
    assert compute("market.orders_paid_digitally", commune, date(2026, 2, 1), date(2026, 3, 1)) == 0
    assert compute("market.orders_paid_digitally", site_tree["b"]["commune"], *JANUARY) == 0


# --- village ---------------------------------------------------------------------------------------------


def test_digital_team_per_100_households_comes_from_the_commune_page(site_tree):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    CommunePage.objects.filter(pk=a.pk).update(digital_team_members=6, households=200)
    assert compute("village.digital_team_per_100_households", a, *JANUARY) == Decimal("3.00")
    assert compute("village.digital_team_per_100_households", a, date(2025, 1, 1), date(2025, 2, 1)) == 3
    CommunePage.objects.filter(pk=a.pk).update(digital_team_members=7, households=300)
    assert compute("village.digital_team_per_100_households", a, *JANUARY) == Decimal("2.33")
    # B states households but no team; A without households
    assert compute("village.digital_team_per_100_households", b, *JANUARY) is None
    CommunePage.objects.filter(pk=a.pk).update(households=0)
    assert compute("village.digital_team_per_100_households", a, *JANUARY) is None


def test_guides_published_counts_each_live_chapter_once_whatever_its_languages(site_tree):
    a = site_tree["a"]
    this_month = periods.current_period("monthly")
    period = (this_month, periods.period_end(this_month, "monthly"))
    # the fixture's one chapter is live in Vietnamese and English: one chapter
    assert GuidePage.objects.live().filter(translation_key=a["guide"].translation_key).count() == 2
    assert compute("village.guides_published", a["commune"], *period) == 1
    # a Vietnamese-only chapter counts, a draft does not, nor does commune B's chapter
    factories.add(a["guides"], GuidePage(title="Ví điện tử", slug="vi-dien-tu", summary="Ví", body="[]"))
    a["guides"].add_child(
        instance=GuidePage(title="Nháp", slug="nhap", summary="Nháp", body="[]", live=False)
    )
    assert compute("village.guides_published", a["commune"], *period) == 2
    assert compute("village.guides_published", site_tree["b"]["commune"], *period) == 1
    # before the chapters were first published, none counted; the English commune id finds the same tree
    last_month = periods.add_periods(this_month, "monthly", -1)
    assert compute("village.guides_published", a["commune"], last_month, this_month) == 0
    english = CommunePage.objects.get(
        translation_key=a["commune"].translation_key, locale__language_code="en"
    )
    assert compute("village.guides_published", english, *period) == 2


def test_guide_helpfulness_is_the_share_of_yes_answers_given_in_the_period(site_tree):
    a, b = site_tree["a"], site_tree["b"]
    assert compute("village.guide_helpfulness", a["commune"], *JANUARY) is None
    answers = [(True, 5), (True, 10), (True, 31), (False, 20), (False, 1)]  # the last in February
    for number, (helpful, day) in enumerate(answers):
        month = 2 if number == 4 else 1
        GuideVote.objects.create(
            guide_key=a["guide"].translation_key, guide=a["guide"], commune=a["commune"],
            visitor=f"v{number}", helpful=helpful, updated_at=at(date(2026, month, day)),
        )  # fmt: skip
    GuideVote.objects.create(
        guide_key=b["guide"].translation_key, guide=b["guide"], commune=b["commune"], visitor="b",
        helpful=False, updated_at=at(date(2026, 1, 3)),
    )  # fmt: skip

    assert compute("village.guide_helpfulness", a["commune"], *JANUARY) == 75.0
    assert compute("village.guide_helpfulness", a["commune"], date(2026, 2, 1), date(2026, 3, 1)) == 0
    assert compute("village.guide_helpfulness", b["commune"], *JANUARY) == 0


# --- api -------------------------------------------------------------------------------------------------


def test_partners_syndicating_counts_approved_partners_whose_links_to_the_commune_were_followed(
    site_tree, producer_b
):
    a, b = site_tree["a"], site_tree["b"]
    plums = make_product(producer_b, "Mận Bắc Hà")
    first, second, third = (make_partner(f"desk{n}@example.org") for n in range(3))
    pending = make_partner("pending@example.org", approved=False)
    assert a["guide"].url == "/vi/lao-cai/ta-van/huong-dan/dinh-danh-muc-2/"
    english_guide = GuidePage.objects.get(
        translation_key=a["guide"].translation_key, locale__language_code="en"
    )
    clicks = [
        (first, date(2026, 1, 4), a["guide"].url),
        (first, date(2026, 1, 9), "/vi/lao-cai/ta-van/"),
        (second, date(2026, 1, 20), english_guide.url),
        (third, date(2026, 1, 20), f"/en/market/p/{plums.slug}/"),  # commune B's product
        (third, date(2026, 2, 1), "/vi/lao-cai/ta-van/"),  # February
        (pending, date(2026, 1, 20), "/vi/lao-cai/ta-van/"),  # not an approved partner
        (second, date(2026, 1, 21), "/vi/lao-cai/ta-van-khac/"),  # not the commune's page
    ]
    for partner, day, path in clicks:
        LinkClickDay.objects.create(partner=partner, day=day, path=path, clicks=2)

    assert english_guide.url.startswith("/en/lao-cai/ta-van/")
    assert compute("api.partners_syndicating", a["commune"], *JANUARY) == 2
    assert compute("api.partners_syndicating", b["commune"], *JANUARY) == 1
    assert compute("api.partners_syndicating", a["commune"], date(2026, 2, 1), date(2026, 3, 1)) == 1


def test_partners_syndicating_copes_with_a_commune_of_many_products_in_a_constant_number_of_queries(
    site_tree, producer_a, producer_b, stay, django_assert_max_num_queries
):
    """Thousands of the commune's addresses are no longer one ``OR path LIKE`` each (SQLite refused a
    query of ~1,000 terms: "Expression tree is too large")."""
    a, b = site_tree["a"], site_tree["b"]
    Product.objects.bulk_create(
        Product(
            producer=producer_a,
            commune=a["commune"],
            slug=f"che-{number}",
            name_vi=f"Chè {number}",
            category="tea",
            price=1_000,
        )
        for number in range(1_250)
    )
    plums = make_product(producer_b, "Mận Bắc Hà")
    first, second, third, fourth = (make_partner(f"desk{n}@example.org") for n in range(4))
    pending = make_partner("pending@example.org", approved=False)
    clicks = [
        (first, date(2026, 1, 4), "/en/market/p/che-1249/", 3),
        (first, date(2026, 1, 5), "/vi/market/p/che-7/", 1),
        (second, date(2026, 1, 9), f"/vi/stays/{stay.slug}/book/", 1),  # under the stay's page
        (third, date(2026, 1, 9), "/vi/market/p/che-1250/", 4),  # no such product
        (third, date(2026, 1, 9), "/vi/market/p/che-12", 4),  # not the product's page
        (third, date(2026, 1, 9), f"/vi/market/p/{plums.slug}/", 4),  # commune B's
        (fourth, date(2026, 1, 9), "/vi/market/p/che-3/", 0),  # no clicks
        (pending, date(2026, 1, 9), "/vi/market/p/che-3/", 5),  # not approved
        (fourth, date(2026, 2, 1), "/vi/market/p/che-3/", 5),  # February
    ]
    LinkClickDay.objects.bulk_create(
        LinkClickDay(partner=partner, day=day, path=path, clicks=count)
        for partner, day, path, count in clicks
    )

    with django_assert_max_num_queries(8):
        assert compute("api.partners_syndicating", a["commune"], *JANUARY) == 2
    assert compute("api.partners_syndicating", b["commune"], *JANUARY) == 1
    assert compute("api.partners_syndicating", a["commune"], date(2026, 2, 1), date(2026, 3, 1)) == 1


# --- recompute -------------------------------------------------------------------------------------------


def test_every_computed_key_of_the_catalogue_is_registered_and_the_job_runs_hourly(indicator_catalogue):
    keys = {row.computed_key for row in indicator_catalogue.values() if row.computed_key}
    assert len(keys) == 11
    assert all(key in indicators for key in keys)
    assert periodic_jobs.get("village.recompute-indicators").every_seconds == 3600


def values(commune, code):
    return dict(
        IndicatorValue.objects.filter(commune=commune, indicator__code=code).values_list(
            "period_start", "value"
        )
    )


def test_recompute_writes_updates_and_removes_computed_values_and_leaves_manual_ones(
    site_tree, indicator_catalogue, producer_a, superuser
):
    a = site_tree["a"]["commune"]
    on = date(2026, 1, 15)
    created_on(make_product(producer_a, "Chè"), date(2025, 12, 10))
    created_on(make_product(producer_a, "Mật ong"), date(2026, 1, 10))
    paid_order(producer_a, PaymentMethod.BANK_TRANSFER, date(2026, 1, 5), 1)
    CommunePage.objects.filter(pk=a.pk).update(digital_team_members=6, households=200)
    manual = record_value(
        user=superuser, commune=a, indicator=indicator_catalogue["eid_level2_adults"],
        period_start=date(2025, 12, 1), value="61.5", evidence="Công an xã",
    )  # fmt: skip

    result = recompute(communes=[a], periods_back=2, on=on)

    december, january = date(2025, 12, 1), date(2026, 1, 1)
    assert values(a, "products_online") == {december: Decimal("1.00"), january: Decimal("2.00")}
    assert values(a, "producers_online") == {december: Decimal("1.00"), january: Decimal("1.00")}
    assert values(a, "orders_paid_digitally") == {january: Decimal("100.00")}  # none paid in December
    assert values(a, "digital_team_per_100_households") == {
        december: Decimal("3.00"),
        january: Decimal("3.00"),
    }
    assert values(a, "ocop_products_online") == {}
    assert values(site_tree["b"]["commune"], "products_online") == {}  # only the communes asked for
    computed = IndicatorValue.objects.filter(commune=a, computed_at__isnull=False)
    assert result.written == computed.count()
    assert not IndicatorValueChange.objects.filter(value__in=computed).exists()  # no history for these
    # when the data changes, the values follow; a value the domain can no longer give is removed
    Product.objects.filter(producer=producer_a).update(review_status=ReviewStatus.REJECTED)
    Order.objects.update(paid_at=None)
    CommunePage.objects.filter(pk=a.pk).update(digital_team_members=8)
    again = recompute(communes=[a], periods_back=2, on=on)
    assert values(a, "products_online") == {december: Decimal("0.00"), january: Decimal("0.00")}
    assert values(a, "orders_paid_digitally") == {}
    assert values(a, "digital_team_per_100_households") == {
        december: Decimal("4.00"),
        january: Decimal("4.00"),
    }
    assert again.removed == 1
    # the office's own value is untouched
    kept = IndicatorValue.objects.get(pk=manual.pk)
    assert (kept.value, kept.evidence, kept.entered_by, kept.computed_at) == (
        Decimal("61.50"),
        "Công an xã",
        superuser,
        None,
    )
    assert kept.changes.count() == 1


def test_recompute_reads_the_tourism_indicators_too(site_tree, indicator_catalogue, stay):
    a = site_tree["a"]["commune"]
    check_in = days_from_today(10)
    room = stay.units.order_by("id").first()
    book(room, check_in=check_in, nights=1, guests=2)

    recompute(communes=[a], periods_back=1, codes=["bookings", "booking_cancellations"], on=check_in)

    month = periods.current_period("monthly", on=check_in)
    assert values(a, "bookings") == {month: Decimal("1.00")}
    assert values(a, "booking_cancellations") == {month: Decimal("0.00")}
    assert IndicatorValue.objects.filter(commune=a).count() == 2  # only the codes asked for


# --- the command -----------------------------------------------------------------------------------------


def test_the_command_recomputes_the_communes_and_indicators_asked_for(site_tree, indicator_catalogue):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    CommunePage.objects.filter(pk__in=[a.pk, b.pk]).update(digital_team_members=6, households=200)
    out = StringIO()

    call_command(
        "recompute_indicators", "--months", "3", "--commune", str(a.pk),
        "--indicator", "digital_team_per_100_households", stdout=out,
    )  # fmt: skip

    assert len(values(a, "digital_team_per_100_households")) == 3
    assert values(b, "digital_team_per_100_households") == {}
    assert IndicatorValue.objects.count() == 3
    text = out.getvalue()
    assert f"[1/1] Tả Van (#{a.pk}): 3 written, 0 removed" in text
    assert "Done: 3 value(s) written, 0 removed." in text

    call_command("recompute_indicators", "--months", "1", stdout=StringIO())  # every commune and indicator
    assert values(b, "digital_team_per_100_households") == {
        periods.current_period("monthly"): Decimal("3.00")
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--commune", "999999"], "Unknown commune id(s): 999999."),
        (["--indicator", "no_such_thing"], "Not a computed indicator: no_such_thing."),
        (["--indicator", "eid_level2_adults"], "Not a computed indicator: eid_level2_adults (entered by"),
        (["--months", "0"], "--months must be at least 1."),
    ],
)
def test_the_command_refuses_unknown_communes_and_indicators(
    site_tree, indicator_catalogue, arguments, message
):
    with pytest.raises(CommandError) as refused:
        call_command("recompute_indicators", *arguments, stdout=StringIO())
    assert message in str(refused.value)
    assert not IndicatorValue.objects.exists()


def test_the_command_refuses_an_english_commune_page_id(site_tree, indicator_catalogue):
    english = CommunePage.objects.get(
        translation_key=site_tree["a"]["commune"].translation_key, locale__language_code="en"
    )
    with pytest.raises(CommandError, match="Unknown commune"):
        call_command("recompute_indicators", "--commune", str(english.pk), stdout=StringIO())
    assert not IndicatorValue.objects.exists()


def test_the_hourly_job_recomputes_the_current_and_the_previous_period(site_tree, indicator_catalogue):
    a = site_tree["a"]["commune"]
    CommunePage.objects.filter(pk=a.pk).update(digital_team_members=6, households=200)

    outcome = periodic_jobs.get("village.recompute-indicators").task.call()

    this_month = periods.current_period("monthly")
    last_month = periods.add_periods(this_month, "monthly", -1)
    assert values(a, "digital_team_per_100_households") == {
        last_month: Decimal("3.00"),
        this_month: Decimal("3.00"),
    }
    assert outcome["written"] == IndicatorValue.objects.count()


# --- the demo --------------------------------------------------------------------------------------------


def test_the_indicator_demo_writes_a_rising_year_once_and_computes_the_rest(
    site_tree, indicator_catalogue, editor_a
):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    call_command("load_indicator_demo", stdout=StringIO())
    manual = IndicatorValue.objects.filter(indicator__source="manual")
    snapshot = sorted(manual.values_list("commune", "indicator__code", "period_start", "value"))
    changes = IndicatorValueChange.objects.count()

    call_command("load_indicator_demo", stdout=StringIO())  # a second run writes nothing new

    assert sorted(manual.values_list("commune", "indicator__code", "period_start", "value")) == snapshot
    assert IndicatorValueChange.objects.count() == changes == manual.count() == 2 * (4 * 12 + 4)
    eid = manual.filter(commune=a, indicator__code="eid_level2_adults").order_by("period_start")
    first, last = eid.first(), eid.last()
    assert eid.count() == 12 and first.value < last.value <= 100
    assert first.entered_by == editor_a and manual.filter(commune=b, entered_by__isnull=False).count() == 0
    assert last.evidence == f"Báo cáo của UBND xã Tả Van tháng {last.period_start:%m/%Y}"
    coverage = manual.filter(commune=a, indicator__code="coverage_4g").order_by("period_start")
    assert coverage.count() == 4 and coverage.last().evidence.startswith("Báo cáo của UBND xã Tả Van quý ")
    # each commune from its own level
    assert (
        eid.first().value
        != manual.get(commune=b, indicator__code="eid_level2_adults", period_start=first.period_start).value
    )
    # the computed ones are there too (guides, votes and the digital team stated on the page)
    assert len(values(a, "guides_published")) == 12
    assert len(values(a, "digital_team_per_100_households")) == 12
    assert values(a, "guide_helpfulness")
