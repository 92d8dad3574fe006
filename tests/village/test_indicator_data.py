"""Open-data downloads: /<lang>/indicators/data.csv and data.json (no sign-in)."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from village.indicators.selectors import DATA_FIELDS
from village.models import CommunePage, IndicatorValue, ProvincePage

CSV_URL = "/vi/indicators/data.csv"
JSON_URL = "/vi/indicators/data.json"
UPDATED = datetime(2026, 4, 2, 8, 30, 15, 123456, tzinfo=UTC)


def make_open_data(site_tree, catalogue) -> dict:
    """Lào Cai (communes A: Tả Van, B: Bắc Hà) and a second province, Hà Giang (commune C: Đồng Văn), with
    English titles, and values: monthly with targets, quarterly without a target for 2026, a count."""
    en = site_tree["en"]
    province_b = factories.add(site_tree["home"], ProvincePage(title="Hà Giang", slug="ha-giang", code="02"))
    factories.translate(province_b, en, title="Ha Giang")
    c = factories.build_commune(province_b, slug="dong-van", title="Đồng Văn", admin_code="00715", en=en)
    province_a = site_tree["province"]
    a, b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    c = c["commune"]
    for page, title in ((province_a, "Lao Cai"), (a, "Ta Van"), (b, "Bac Ha"), (c, "Dong Van")):
        ProvincePage.objects.filter(translation_key=page.translation_key, locale=en).update(title=title)
        CommunePage.objects.filter(translation_key=page.translation_key, locale=en).update(title=title)
    eid, g4, nights = (catalogue[code] for code in ("eid_level2_adults", "coverage_4g", "guest_nights"))

    def value(indicator, commune, start, number, updated=UPDATED):
        return IndicatorValue.objects.create(
            indicator=indicator,
            commune=commune,
            period_start=start,
            value=Decimal(number),
            updated_at=updated,
        )

    value(eid, a, date(2026, 1, 1), "72.5")
    value(eid, a, date(2026, 2, 1), "75", updated=UPDATED - timedelta(days=30))
    value(eid, a, date(2026, 3, 1), "77.25", updated=UPDATED - timedelta(days=1))
    value(g4, a, date(2026, 1, 1), "100")
    value(eid, b, date(2026, 1, 1), "60.25")
    value(nights, b, date(2026, 2, 1), "340")
    value(eid, c, date(2026, 1, 1), "50")
    return {"province_a": province_a, "province_b": province_b, "a": a, "b": b, "c": c}


@pytest.fixture
def open_data(site_tree, indicator_catalogue):
    return make_open_data(site_tree, indicator_catalogue)


def read_csv(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text[1:]))
    header = next(reader)
    assert header == list(DATA_FIELDS)
    return [dict(zip(header, row, strict=True)) for row in reader]


# --- CSV ----------------------------------------------------------------------------------------------


def test_csv_download_is_an_excel_friendly_attachment_with_every_value(client, open_data):
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="svp-indicators-all-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Last-Modified"] == format_datetime(UPDATED.replace(microsecond=0), usegmt=True)
    rows = read_csv(response)
    assert len(rows) == 7
    # by province, commune, indicator order, period (Vietnamese titles under /vi/)
    assert [(r["province"], r["commune"], r["indicator"], r["period"]) for r in rows] == [
        ("Hà Giang", "Đồng Văn", "eid_level2_adults", "2026-01"),
        ("Lào Cai", "Bắc Hà", "eid_level2_adults", "2026-01"),
        ("Lào Cai", "Bắc Hà", "guest_nights", "2026-02"),
        ("Lào Cai", "Tả Van", "eid_level2_adults", "2026-01"),
        ("Lào Cai", "Tả Van", "eid_level2_adults", "2026-02"),
        ("Lào Cai", "Tả Van", "eid_level2_adults", "2026-03"),
        ("Lào Cai", "Tả Van", "coverage_4g", "2026-Q1"),
    ]
    assert rows[3] == {
        "province_id": str(open_data["province_a"].pk),
        "province": "Lào Cai",
        "commune_id": str(open_data["a"].pk),
        "commune": "Tả Van",
        "indicator": "eid_level2_adults",
        "indicator_name": "Người trưởng thành có định danh điện tử mức 2",
        "unit": "percent",
        "source": "manual",
        "period": "2026-01",
        "period_start": "2026-01-01",
        "value": "72.50",
        "target": "100.00",
        "updated_at": "2026-04-02T08:30:15Z",
    }
    assert rows[6]["target"] == ""  # no 2026 target for 4G coverage
    assert rows[6]["value"] == "100.00"
    assert rows[2]["value"] == "340.00" and rows[2]["unit"] == "count"


def test_csv_in_english_names_communes_provinces_and_indicators_in_english(client, open_data):
    response = client.get("/en/indicators/data.csv", {"commune": open_data["a"].pk, "period_to": "2026-01"})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="svp-indicators-commune-{open_data["a"].pk}-'
    )
    rows = read_csv(response)
    assert [(r["province"], r["commune"], r["indicator_name"], r["period"]) for r in rows] == [
        ("Lao Cai", "Ta Van", "Adults with e-ID level 2", "2026-01"),
        ("Lao Cai", "Ta Van", "4G coverage", "2026-Q1"),
    ]
    assert rows[0]["commune_id"] == str(open_data["a"].pk)  # the same id in every language


def test_csv_filters_by_province(client, open_data):
    rows = read_csv(client.get(CSV_URL, {"province": open_data["province_b"].pk}))
    assert [(r["commune"], r["value"]) for r in rows] == [("Đồng Văn", "50.00")]
    response = client.get(CSV_URL, {"province": open_data["province_a"].pk})
    assert f"svp-indicators-province-{open_data['province_a'].pk}-" in response["Content-Disposition"]
    assert {r["commune"] for r in read_csv(response)} == {"Tả Van", "Bắc Hà"}


def test_csv_filters_communes_repeated_or_comma_separated(client, open_data):
    a, c = open_data["a"].pk, open_data["c"].pk
    repeated = read_csv(client.get(f"{CSV_URL}?commune={a}&commune={c}&indicator=eid_level2_adults"))
    commas = read_csv(client.get(f"{CSV_URL}?commune={a},{c}&indicator=eid_level2_adults"))
    assert repeated == commas
    assert [(r["commune"], r["period"]) for r in commas] == [
        ("Đồng Văn", "2026-01"),
        ("Tả Van", "2026-01"),
        ("Tả Van", "2026-02"),
        ("Tả Van", "2026-03"),
    ]


def test_csv_filters_indicators_periods_and_updated_since(client, open_data):
    rows = read_csv(client.get(CSV_URL, {"indicator": "guest_nights,coverage_4g"}))
    assert [(r["indicator"], r["period"]) for r in rows] == [
        ("guest_nights", "2026-02"),
        ("coverage_4g", "2026-Q1"),
    ]
    # a quarter as the end reaches to its last month; a month as the start
    rows = read_csv(
        client.get(CSV_URL, {"commune": open_data["a"].pk, "period_from": "2026-02", "period_to": "2026-Q1"})
    )
    assert [r["period"] for r in rows] == ["2026-02", "2026-03"]
    rows = read_csv(
        client.get(CSV_URL, {"commune": open_data["a"].pk, "period_from": "2026-q1", "period_to": "2026-01"})
    )
    assert [r["period"] for r in rows] == ["2026-01", "2026-Q1"]
    since = (UPDATED - timedelta(days=2)).isoformat()
    rows = read_csv(client.get(CSV_URL, {"commune": open_data["a"].pk, "updated_since": since}))
    assert [r["period"] for r in rows] == ["2026-01", "2026-03", "2026-Q1"]  # not February (30 days old)
    # a "+" left unescaped in an address arrives as a space
    rows = read_csv(
        client.get(f"{CSV_URL}?commune={open_data['a'].pk}&updated_since=2026-04-02T15:30:15+07:00")
    )
    assert [r["period"] for r in rows] == ["2026-01", "2026-Q1"]


#: dates the platform cannot hold (a period end in year 10000, a moment that overflows in UTC)
OUT_OF_RANGE = [
    ("period_to=9999-12", "period_to"),
    ("period_to=9999-Q4", "period_to"),
    ("period_from=9999-Q4", "period_from"),
    ("period_from=1999-12", "period_from"),
    ("period_to=2101-01", "period_to"),
    ("period_from=0001-01", "period_from"),
    ("updated_since=9999-12-31T23:59:59-05:00", "updated_since"),
    ("updated_since=0001-01-01T00:00:00%2B05:00", "updated_since"),
    ("updated_since=0001-01-01T00:00:00+05:00", "updated_since"),  # an unescaped "+" is a space
    ("updated_since=9999-12-31", "updated_since"),
    ("updated_since=1999-12-31T23:59:59Z", "updated_since"),
    ("updated_since=2101-01-01T00:00:00Z", "updated_since"),
]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("province=abc", "province"),
        ("province=-1", "province"),
        ("province=99999999", "province"),
        ("province=1" + "0" * 30, "province"),
        ("commune=x", "commune"),
        ("commune=1,abc", "commune"),
        ("commune=99999999", "commune"),
        ("commune=" + "1" * 40, "commune"),
        ("commune=" + ",".join(str(n) for n in range(1, 200)), "commune"),
        ("commune=" + "9," * 1500, "commune"),
        ("indicator=not_a_code", "indicator"),
        ("indicator=eid_level2_adults,nope", "indicator"),
        ("indicator=%3Cscript%3E", "indicator"),
        ("period_from=2026-13", "period_from"),
        ("period_from=2026-Q5", "period_from"),
        ("period_from=March", "period_from"),
        ("period_to=2026-00", "period_to"),
        ("period_to=20260-01-01", "period_to"),
        ("period_from=2026-03&period_to=2026-02", "period_to"),
        ("period_from=2026-Q2&period_to=2026-03", "period_to"),
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-02-30T00:00:00", "updated_since"),
        ("updated_since=" + "2" * 100, "updated_since"),
        *OUT_OF_RANGE,
    ],
)
def test_bad_filters_are_a_400_never_a_500(client, site_tree, indicator_catalogue, query, field):
    response = client.get(f"{CSV_URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.content.decode().startswith(f"{field}: ")
    refused = client.get(f"{JSON_URL}?{query}")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert list(error["fields"]) == [field]


@pytest.mark.parametrize(("query", "field"), OUT_OF_RANGE)
def test_out_of_range_dates_are_a_400_from_the_api_too(site_tree, indicator_catalogue, query, field):
    from api.models import Scope
    from tests.api.conftest import client_with_key, make_partner

    api = client_with_key(make_partner(scopes=[Scope.INDICATORS_READ.value]))
    response = api.get(f"/api/v1/indicators/values/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert list(error["fields"]) == [field]


def test_the_first_and_last_accepted_periods_and_moments(client, open_data):
    query = "period_from=2000-01&period_to=2100-Q4&updated_since=2000-01-01T00:00:00%2B07:00"
    assert len(read_csv(client.get(f"{CSV_URL}?{query}"))) == 7
    assert client.get(f"{JSON_URL}?period_to=2100-12&updated_since=2100-12-31T23:59:59Z").status_code == 200


def test_an_unknown_province_is_refused_with_a_message_in_english(client, open_data):
    response = client.get("/en/indicators/data.json", {"province": 99999})
    assert response.json()["error"]["fields"] == {"province": ["There is no province with this id."]}


def test_downloads_are_get_only(client, open_data):
    assert client.post(CSV_URL).status_code == 405
    assert client.post(JSON_URL).status_code == 405


# --- JSON ---------------------------------------------------------------------------------------------


def test_json_download_carries_the_licence_and_the_same_rows(client, open_data, settings):
    settings.OPEN_DATA_LICENCE = "CC BY 4.0"
    settings.OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
    response = client.get("/en/indicators/data.json", {"province": open_data["province_a"].pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["licence"] == "CC BY 4.0"
    assert body["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in body["attribution"]
    assert body["last_updated"] == "2026-04-02T08:30:15Z"
    assert body["fields"] == list(DATA_FIELDS)
    assert body["count"] == len(body["data"]) == 6
    first = body["data"][0]
    assert first == {
        "province_id": open_data["province_a"].pk,
        "province": "Lao Cai",
        "commune_id": open_data["b"].pk,
        "commune": "Bac Ha",
        "indicator": "eid_level2_adults",
        "indicator_name": "Adults with e-ID level 2",
        "unit": "percent",
        "source": "manual",
        "period": "2026-01",
        "period_start": "2026-01-01",
        "value": "60.25",
        "target": "100.00",
        "updated_at": "2026-04-02T08:30:15Z",
    }
    assert body["data"][-1]["target"] is None
    # the CSV of the same question holds the same rows, cell by cell
    csv_rows = read_csv(client.get("/en/indicators/data.csv", {"province": open_data["province_a"].pk}))
    assert csv_rows == [{k: "" if v is None else str(v) for k, v in row.items()} for row in body["data"]]


def test_json_download_with_nothing_selected(client, site_tree, indicator_catalogue):
    response = client.get(JSON_URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["data"], body["last_updated"]) == (0, [], None)
    assert "Last-Modified" not in response


def test_licence_comes_from_the_settings(client, open_data, settings):
    settings.OPEN_DATA_LICENCE = "ODbL 1.0"
    settings.OPEN_DATA_LICENCE_URL = "https://opendatacommons.org/licenses/odbl/1-0/"
    body = client.get(JSON_URL).json()
    assert (body["licence"], body["licence_url"]) == (
        "ODbL 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    )


# --- conditional GET ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_if_modified_since_answers_304_without_reading_rows(client, open_data, url):
    first = client.get(url)
    modified = first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert again.status_code == 304
    assert again.content == b""
    assert again["Last-Modified"] == modified
    assert again["Access-Control-Allow-Origin"] == "*"
    assert not any("village_indicatorvalue" in q["sql"] and "MAX" not in q["sql"].upper() for q in queries)
    # a value changes: the same question is answered in full again
    IndicatorValue.objects.filter(commune=open_data["c"]).update(
        value=Decimal("51"), updated_at=UPDATED + timedelta(hours=1)
    )
    changed = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert changed.status_code == 200
    assert "51.00" in changed.content.decode()
    # an older date, or one that is not a date, is a full answer
    assert client.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2024 00:00:00 GMT").status_code == 200
    assert client.get(url, HTTP_IF_MODIFIED_SINCE="not a date").status_code == 200


def test_answers_are_not_kept_in_the_anonymous_page_cache(client, open_data, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get(CSV_URL)
    assert "private" in first["Cache-Control"]
    IndicatorValue.objects.filter(commune=open_data["c"]).update(value=Decimal("51"))
    again = client.get(CSV_URL)
    assert "X-Page-Cache" not in again
    assert "51.00" in again.content.decode()
