"""The indicator dashboards in a real Chromium: a commune's indicators and its province's comparison.

A visitor on a phone reads Tả Van's dashboard (values, targets, traffic lights, a chart with its data
table), goes on to the comparison of Lào Cai's communes and switches the indicator with the form (no
JavaScript involved). axe-core finds no violation on either page, in English and in Vietnamese.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_journeys import describe_violations
from village.models import IndicatorValue

pytestmark = pytest.mark.browser

PHONE_VIEWPORT = {"width": 360, "height": 740}


@pytest.fixture
def seeded(site_tree, indicator_catalogue):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    rows = [
        ("eid_level2_adults", a, date(2025, 11, 1), "70"),
        ("eid_level2_adults", a, date(2025, 12, 1), "85"),
        ("eid_level2_adults", b, date(2025, 12, 1), "60"),
        ("booking_cancellations", a, date(2025, 12, 1), "20"),
        ("booking_cancellations", b, date(2025, 12, 1), "5"),
    ]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator_catalogue[code], commune=commune, period_start=start, value=Decimal(v)
        )
        for code, commune, start, v in rows
    )
    return site_tree


def assert_accessible(page, axe) -> None:
    results = axe.run(page)
    assert not results.violations_count, f"{page.url}\n{describe_violations(results.response)}"


def test_a_visitor_reads_a_commune_dashboard_and_compares_the_province(new_context, seeded, artefacts):
    a, province = seeded["a"]["commune"], seeded["province"]
    page = new_context(locale="en-US", viewport=PHONE_VIEWPORT).new_page()
    axe = Axe()

    # the commune's dashboard, reached from the commune's page
    assert page.goto("/en/lao-cai/ta-van/").status == 200
    page.click(f'a[href="/en/indicators/commune/{a.pk}/"]')
    page.wait_for_url(re.compile(rf"/en/indicators/commune/{a.pk}/$"))
    expect(page.locator("h1")).to_have_text("Digital village indicators: Tả Van EN")
    eid_row = page.locator(
        ".indicator-summary tbody tr", has=page.locator("th", has_text="Adults with e-ID level 2")
    )
    expect(eid_row).to_contain_text("85%")
    expect(eid_row).to_contain_text("+15 percentage points")
    expect(eid_row).to_contain_text("Target met")
    cancellations = page.locator(
        ".indicator-summary tbody tr", has=page.locator("th", has_text="Bookings cancelled")
    )
    expect(cancellations).to_contain_text("Behind the target")
    section = page.locator("#indicator-eid_level2_adults")
    expect(section.locator("svg[role=img] title")).to_have_text("Adults with e-ID level 2 in Tả Van EN")
    table = section.locator("details table")
    expect(table).to_be_hidden()
    section.locator("details summary").click()
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text("Adults with e-ID level 2, by period")
    page.screenshot(path=artefacts / "indicators-commune-360.png", full_page=True)
    assert_accessible(page, axe)

    # the province's comparison, from the dashboard
    page.click(f'a[href="/en/indicators/province/{province.pk}/"] >> nth=-1')
    page.wait_for_url(re.compile(rf"/en/indicators/province/{province.pk}/$"))
    ranks = page.locator("#ranking-caption ~ tbody tr")
    expect(ranks).to_have_count(2)
    expect(ranks.nth(0)).to_contain_text("Tả Van EN")
    expect(ranks.nth(0)).to_contain_text("85%")
    expect(ranks.nth(1)).to_contain_text("Bắc Hà EN")
    assert_accessible(page, axe)

    # switching the indicator: lower is better, so Bắc Hà's 5 % cancellations come first
    page.select_option("select[name=indicator]", "booking_cancellations")
    page.click("form.indicator-choice button[type=submit]")
    page.wait_for_url(re.compile(r"\?indicator=booking_cancellations$"))
    expect(page.locator("#ranking-heading")).to_have_text("Bookings cancelled")
    expect(ranks.nth(0)).to_contain_text("Bắc Hà EN")
    expect(ranks.nth(0)).to_contain_text("Target met")
    expect(ranks.nth(1)).to_contain_text("Tả Van EN")
    expect(ranks.nth(1)).to_contain_text("Behind the target")
    expect(page.locator("select[name=indicator]")).to_have_value("booking_cancellations")
    page.screenshot(path=artefacts / "indicators-province-360.png", full_page=True)
    assert_accessible(page, axe)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_indicator_pages_have_no_accessibility_violations(new_context, seeded, language):
    a, province = seeded["a"]["commune"], seeded["province"]
    page = new_context(locale=f"{language}-VN", viewport=PHONE_VIEWPORT).new_page()
    axe = Axe()
    for path in (
        f"/{language}/indicators/",
        f"/{language}/indicators/commune/{a.pk}/",
        f"/{language}/indicators/province/{province.pk}/",
        f"/{language}/indicators/province/{province.pk}/?indicator=unknown",
    ):
        response = page.goto(path)
        assert response.status in (200, 400), path
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, axe)
