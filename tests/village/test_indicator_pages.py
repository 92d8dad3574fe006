"""The public indicator dashboards: the platform overview, a province's comparison, a commune's indicators.

Values are written straight into the database (entry and computation have their own tests); the pages
are read through the Django test client, in Vietnamese and English, with the same (Vietnamese) ids.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests import factories
from village.indicators import periods
from village.indicators.charts import ranking_chart, trend_chart
from village.models import CommunePage, IndicatorValue

pytestmark = pytest.mark.django_db


def put(indicator, commune, start, amount, **extra) -> IndicatorValue:
    return IndicatorValue.objects.create(
        indicator=indicator, commune=commune, period_start=start, value=Decimal(amount), **extra
    )


def month(offset: int) -> date:
    return periods.add_periods(periods.current_period("monthly"), "monthly", offset)


def english(page):
    return page.get_translations().get(locale__language_code="en")


def main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def squash(html: str) -> str:
    """The text with tags replaced by spaces and whitespace collapsed (for asserting what people read)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def summary_row(html: str, name: str) -> str:
    """The text of the "At a glance" table row of the indicator called ``name``."""
    table = html[html.index('class="data-table indicator-summary"') :]
    table = table[: table.index("</table>")]
    for row in table.split("<tr>")[1:]:
        if f">{name}</a>" in row:
            return squash(row).strip()
    raise AssertionError(f"no row for {name}")


# --- the commune dashboard ---------------------------------------------------------------------------------


@pytest.fixture
def tavan_values(site_tree, indicator_catalogue):
    """Tả Van in 2025 (targets for 2025): met, near, behind, lower-is-better met, and a computed value."""
    a = site_tree["a"]["commune"]
    clerk = factories.make_user("nguyen.van.clerk@example.org", first_name="Nguyễn", last_name="Văn Thư")
    c = indicator_catalogue
    put(
        c["eid_level2_adults"],
        a,
        date(2025, 11, 1),
        "70",
        evidence="Báo cáo công an xã T11",
        entered_by=clerk,
    )
    put(
        c["eid_level2_adults"],
        a,
        date(2025, 12, 1),
        "85",
        evidence="Báo cáo công an xã T12",
        entered_by=clerk,
    )
    put(c["households_epayment"], a, date(2025, 12, 1), "70", evidence="Ngân hàng", entered_by=clerk)
    put(c["online_dossiers"], a, date(2025, 12, 1), "50", evidence="Cổng DVC", entered_by=clerk)
    put(c["booking_cancellations"], a, date(2025, 12, 1), "7.5", computed_at=datetime(2026, 1, 1, tzinfo=UTC))
    return a


def test_the_commune_dashboard_shows_each_indicator_with_value_change_target_and_status(client, tavan_values):
    response = client.get(f"/en/indicators/commune/{tavan_values.pk}/")

    assert response.status_code == 200
    html = main(response)
    assert "<h1>Digital village indicators: Tả Van EN</h1>" in html
    # 85 % against the 2025 target of 80 %: met; up 15 points on November
    assert summary_row(html, "Adults with e-ID level 2") == (
        "Adults with e-ID level 2 85% 12/2025 +15 percentage points 80% (2025) ✓ Target met"
    )
    # 70 % of a target of 80 %: within 80 % of it, so near; 50 % is behind
    assert summary_row(html, "Households with an e-payment account") == (
        "Households with an e-payment account 70% 12/2025 80% (2025) ◐ Close to the target"
    )
    assert summary_row(html, "Public-service dossiers processed online").endswith(
        "50% 12/2025 80% (2025) ✗ Behind the target"
    )
    # lower is better: 7.5 % cancellations against at most 10 %
    assert (
        summary_row(html, "Bookings cancelled") == "Bookings cancelled 7.5% 12/2025 10% (2025) ✓ Target met"
    )
    assert summary_row(html, "4G coverage").endswith("– No value yet")
    # the colour class goes with the icon and the words
    assert (
        '<span class="light light-behind"><span class="light-icon" aria-hidden="true">✗</span> '
        "Behind the target</span>" in html
    )


def test_the_commune_dashboard_in_vietnamese_shows_vietnamese_names_and_numbers(client, tavan_values):
    response = client.get(f"/vi/indicators/commune/{tavan_values.pk}/")

    assert response.status_code == 200
    html = main(response)
    assert "Tả Van</h1>" in html and "Tả Van EN" not in html
    assert summary_row(html, "Người trưởng thành có định danh điện tử mức 2").startswith(
        "Người trưởng thành có định danh điện tử mức 2 85% 12/2025"
    )
    assert summary_row(html, "Đặt dịch vụ bị hủy").startswith("Đặt dịch vụ bị hủy 7,5% 12/2025")
    assert "Số người từ 14 tuổi có tài khoản VNeID mức 2" in html  # the method in Vietnamese
    assert f'href="/vi/indicators/data.csv?commune={tavan_values.pk}"' in html
    assert f'href="/vi/indicators/data.json?commune={tavan_values.pk}"' in html


def test_the_commune_dashboard_names_the_source_and_evidence_but_not_the_person(client, tavan_values):
    html = main(client.get(f"/en/indicators/commune/{tavan_values.pk}/"))

    eid = html[
        html.index('id="indicator-eid_level2_adults"') : html.index('id="indicator-households_epayment"')
    ]
    assert "Entered by the commune office" in squash(eid)
    assert "Báo cáo công an xã T12" in eid and "T11" not in eid  # the latest value's evidence
    assert "People aged 14 and over with a level-2 VNeID account" in eid  # the method
    assert "Previous value" in eid and "70% (11/2025)" in squash(eid)
    cancellations = html[html.index('id="indicator-booking_cancellations"') :]
    assert "Computed by the platform" in cancellations
    assert "Nguyễn" not in html and "clerk" not in html


def test_the_commune_dashboard_speaks_english_under_en_with_the_same_id(client, site_tree, tavan_values):
    response = client.get(f"/en/indicators/commune/{tavan_values.pk}/")

    assert response.status_code == 200
    html = main(response)
    assert "Digital village indicators: Tả Van EN</h1>" in html
    assert summary_row(html, "Adults with e-ID level 2").startswith("Adults with e-ID level 2 85% 12/2025")
    assert "People aged 14 and over with a level-2 VNeID account" in html
    english_page = english(site_tree["a"]["commune"])
    assert f'href="{english_page.url}"' in html  # "About Tả Van EN" goes to the English page
    assert f'href="/en/indicators/province/{site_tree["province"].pk}/"' in html


def test_the_commune_trend_chart_has_title_description_values_target_and_a_data_table(
    client, site_tree, indicator_catalogue
):
    a = site_tree["a"]["commune"]
    eid = indicator_catalogue["eid_level2_adults"]
    put(eid, a, month(-2), "61")
    put(eid, a, month(0), "64.25")

    html = main(client.get(f"/en/indicators/commune/{a.pk}/"))

    section = html[
        html.index('id="indicator-eid_level2_adults"') : html.index('id="indicator-households_epayment"')
    ]
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'role="img"' in svg and 'viewBox="0 0 360 ' in svg
    assert 'aria-labelledby="trend-eid_level2_adults-title"' in svg
    assert 'aria-describedby="trend-eid_level2_adults-desc"' in svg
    assert '<title id="trend-eid_level2_adults-title">Adults with e-ID level 2 in Tả Van EN</title>' in svg
    assert (
        '<desc id="trend-eid_level2_adults-desc">One bar per period, the last 12 periods; latest value 64.25%'
        in svg
    )
    assert svg.count('class="chart-bar"') == 2
    assert ">61%</text>" in svg and ">64.25%</text>" in svg
    assert f">{month(0):%m/%Y}</text>" in svg  # the period labels are text
    target_year = next(t for t in eid.targets.all() if t.year >= month(0).year)
    assert f"Target {target_year.year}: {target_year.value:.0f}%</text>" in svg
    # the data table beside it holds the same numbers, a caption and header cells
    table = section[section.index("<table") : section.index("</table>")]
    assert "<caption" in table and 'scope="col">Period</th>' in table
    rows = squash(table)
    assert f"{month(-2):%m/%Y} 61% " in rows and f"{month(-1):%m/%Y} no value" in rows
    assert f"{month(0):%m/%Y} 64.25% " in rows
    assert table.count('<th scope="row">') == 12


def test_unknown_english_or_unpublished_communes_are_not_found(client, site_tree, indicator_catalogue):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    assert client.get("/vi/indicators/commune/999999/").status_code == 404
    assert client.get(f"/en/indicators/commune/{english(a).pk}/").status_code == 404  # ids are Vietnamese
    assert client.get(f"/vi/indicators/commune/{site_tree['province'].pk}/").status_code == 404
    b.unpublish()
    assert client.get(f"/vi/indicators/commune/{b.pk}/").status_code == 404
    assert client.get(f"/vi/indicators/commune/{a.pk}/").status_code == 200


def test_the_home_commune_and_province_pages_link_to_the_dashboards(client, site_tree):
    a, province = site_tree["a"]["commune"], site_tree["province"]
    for language, commune_page, province_page in (
        ("vi", a, province),
        ("en", english(a), english(province)),
    ):
        commune_html = client.get(commune_page.url).content.decode()
        assert f'href="/{language}/indicators/commune/{a.pk}/"' in commune_html
        province_html = client.get(province_page.url).content.decode()
        assert f'href="/{language}/indicators/province/{province.pk}/"' in province_html
        home_html = client.get(f"/{language}/").content.decode()
        assert f'href="/{language}/indicators/"' in home_html


def test_titles_are_escaped_in_pages_and_charts(client, site_tree, indicator_catalogue):
    a = site_tree["a"]["commune"]
    CommunePage.objects.filter(pk=a.pk).update(title='<script>alert("x")</script>')
    put(indicator_catalogue["eid_level2_adults"], a, month(0), "50")

    for url in (
        f"/vi/indicators/commune/{a.pk}/",
        f"/vi/indicators/province/{site_tree['province'].pk}/",
        "/vi/indicators/",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


def test_chart_functions_escape_and_write_missing_values_as_text():
    with translation.override("en"):
        svg = str(
            ranking_chart(
                [("A & <b>", Decimal("3")), ("B", None)], chart_id="r", title="T <x>", description="D & d"
            )
        )
        trend = str(trend_chart([("01/2026", None)], chart_id="t", title="T", description="D"))
    assert '<title id="r-title">T &lt;x&gt;</title>' in svg and '<desc id="r-desc">D &amp; d</desc>' in svg
    assert ">A &amp; &lt;b&gt;</text>" in svg and ">no value</text>" in svg and "<b>" not in svg
    assert "chart-bar" not in trend and ">no value</text>" in trend and ">01/2026</text>" in trend


# --- the province comparison -------------------------------------------------------------------------------


def ranking_rows(html: str) -> list[str]:
    table = html[html.index('<caption id="ranking-caption">') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return [squash(row).strip() for row in table.split("<tr>")[1:]]


@pytest.fixture
def more_communes(site_tree):
    """Two more Vietnamese communes in Lào Cai (four in all)."""
    province = site_tree["province"]
    made = []
    for slug, title, code in (("sa-pa", "Sa Pa", "02650"), ("muong-hum", "Mường Hum", "02671")):
        page = CommunePage(title=title, slug=slug, admin_code=code)
        province.add_child(instance=page)
        made.append(page)
    return made


def test_the_province_ranks_its_communes_best_first_and_those_without_a_value_last(
    client, site_tree, indicator_catalogue, more_communes
):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    sapa, _muong_hum = more_communes
    eid = indicator_catalogue["eid_level2_adults"]
    put(eid, a, date(2025, 11, 1), "99")  # older than its latest: not counted
    put(eid, a, date(2025, 12, 1), "60")
    put(eid, b, date(2025, 12, 1), "90")
    put(eid, sapa, date(2025, 10, 1), "75")

    response = client.get(f"/en/indicators/province/{site_tree['province'].pk}/")

    assert response.status_code == 200
    html = main(response)
    # Sa Pa and Mường Hum have no English page: their Vietnamese titles stand in
    assert ranking_rows(html) == [
        "1 Bắc Hà EN 90% 12/2025 80% ✓ Target met",
        "2 Sa Pa 75% 10/2025 80% ◐ Close to the target",
        "3 Tả Van EN 60% 12/2025 80% ✗ Behind the target",
        "– Mường Hum No value yet – No value yet",
    ]
    svg = html[html.index("<svg") : html.index("</svg>")]
    title = "Adults with e-ID level 2: latest value by commune"
    assert f'<title id="ranking-eid_level2_adults-title">{title}</title>' in svg
    assert (
        svg.index(">Bắc Hà EN<") < svg.index(">Sa Pa<") < svg.index(">Tả Van EN<") < svg.index(">Mường Hum<")
    )
    assert ">90%</text>" in svg and ">no value</text>" in svg
    assert f'href="/en/indicators/data.csv?province={site_tree["province"].pk}"' in html
    assert f'href="/en/indicators/commune/{b.pk}/">Bắc Hà EN</a>' in html
    # the same ranking in Vietnamese
    vi_rows = ranking_rows(main(client.get(f"/vi/indicators/province/{site_tree['province'].pk}/")))
    starts = ["1 Bắc Hà 90% 12/2025", "2 Sa Pa 75% 10/2025", "3 Tả Van 60% 12/2025", "– Mường Hum"]
    assert len(vi_rows) == 4
    assert all(row.startswith(start) for row, start in zip(vi_rows, starts, strict=True)), vi_rows


def test_lower_is_better_ranks_ascending_and_the_form_switches_indicator_in_english(
    client, site_tree, indicator_catalogue
):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    cancellations = indicator_catalogue["booking_cancellations"]
    put(cancellations, a, date(2025, 12, 1), "20")
    put(cancellations, b, date(2025, 12, 1), "5")

    response = client.get(
        f"/en/indicators/province/{site_tree['province'].pk}/", {"indicator": "booking_cancellations"}
    )

    assert response.status_code == 200
    html = main(response)
    assert '<h2 id="ranking-heading">Bookings cancelled</h2>' in html
    assert ranking_rows(html) == [
        "1 Bắc Hà EN 5% 12/2025 10% ✓ Target met",
        "2 Tả Van EN 20% 12/2025 10% ✗ Behind the target",
    ]
    assert '<option value="booking_cancellations" selected>Bookings cancelled</option>' in html
    # the target is the one of the newest period shown (2025), on the chart and above it
    assert "Lower is better. National target for 2025: 10%." in html
    assert ">Target 2025: 10%</text>" in html


def test_an_unknown_indicator_answers_400_with_the_error_and_the_default(
    client, site_tree, indicator_catalogue
):
    response = client.get(f"/vi/indicators/province/{site_tree['province'].pk}/", {"indicator": "nope<"})

    assert response.status_code == 400
    html = main(response)
    assert 'class="error-summary" role="alert"' in html
    assert "errorlist" in html
    assert '<h2 id="ranking-heading">Người trưởng thành có định danh điện tử mức 2</h2>' in html
    assert "nope<" not in html


def test_unknown_provinces_are_not_found(client, site_tree, indicator_catalogue):
    assert client.get("/vi/indicators/province/999999/").status_code == 404
    assert client.get(f"/vi/indicators/province/{site_tree['a']['commune'].pk}/").status_code == 404
    assert client.get(f"/en/indicators/province/{english(site_tree['province']).pk}/").status_code == 404


# --- the overview ------------------------------------------------------------------------------------------


def test_the_overview_summarises_each_province_with_median_and_average(
    client, site_tree, indicator_catalogue, more_communes
):
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    sapa, _muong_hum = more_communes
    eid = indicator_catalogue["eid_level2_adults"]
    put(eid, a, date(2025, 12, 1), "60")
    put(eid, b, date(2025, 12, 1), "90")
    put(eid, sapa, date(2025, 12, 1), "81")

    response = client.get("/en/indicators/")

    assert response.status_code == 200
    html = main(response)
    table = squash(html[html.index('<caption id="provinces-caption">') : html.index("</table>")])
    assert "Lào Cai 4 81% (77%) 3 communes No value yet No value yet" in table
    assert "Adults with e-ID level 2" in table
    assert f'href="/en/indicators/province/{site_tree["province"].pk}/"' in html
    assert f'href="/en/indicators/commune/{a.pk}/">Tả Van EN</a>' in html


# --- a constant number of queries -------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm the caches (site root paths…)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_communes(province, start: int, count: int) -> list[CommunePage]:
    made = []
    for number in range(start, start + count):
        page = CommunePage(title=f"Xã {number:03d}", slug=f"xa-{number:03d}", admin_code=f"{number:05d}")
        province.add_child(instance=page)
        made.append(page)
    return made


def add_values(indicators, communes) -> None:
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, commune=commune, period_start=start, value=Decimal(n % 100))
        for n, commune in enumerate(communes)
        for indicator in indicators
        for start in (month(-1), month(0))
    )


def test_the_dashboards_run_the_same_number_of_queries_for_4_and_400_communes(
    client, site_tree, indicator_catalogue
):
    province = site_tree["province"]
    a = site_tree["a"]["commune"]
    indicators = [indicator_catalogue["eid_level2_adults"], indicator_catalogue["households_epayment"]]
    communes = [a, site_tree["b"]["commune"], *add_communes(province, 1, 2)]
    add_values(indicators, communes)
    urls = [
        "/vi/indicators/",
        f"/vi/indicators/province/{province.pk}/",
        f"/vi/indicators/province/{province.pk}/?indicator=households_epayment",
        f"/en/indicators/commune/{a.pk}/",
    ]
    with_four = {url: count_queries(client, url) for url in urls}

    add_values(indicators, add_communes(province, 3, 396))
    assert CommunePage.objects.live().filter(locale__language_code="vi").count() == 400
    with_400 = {url: count_queries(client, url) for url in urls}

    assert with_400 == with_four
    html = client.get(f"/vi/indicators/province/{province.pk}/").content.decode()
    assert html.count('<th scope="row"><a href="/vi/indicators/commune/') == 400
