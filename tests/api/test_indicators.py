"""/api/v1/indicators/: the definitions, and the values as the very rows of the site's downloads."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from api.models import ExchangeRecord, Scope
from tests.village.test_indicator_data import UPDATED, make_open_data
from village.indicators.selectors import DATA_FIELDS
from village.models import IndicatorDefinition, IndicatorValue

LIST_URL = "/api/v1/indicators/"
VALUES_URL = "/api/v1/indicators/values/"


@pytest.fixture
def open_data(site_tree, indicator_catalogue):
    return make_open_data(site_tree, indicator_catalogue)


@pytest.fixture
def indicators_client(client_for):
    return client_for(scopes=[Scope.INDICATORS_READ.value])


def all_pages(client, url, params) -> list[dict]:
    rows, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        pages += 1
        following = response.json()["next"]
        if following is None:
            return rows
        assert pages < 50
        response = client.get(following)


# --- definitions --------------------------------------------------------------------------------------


def test_definitions_list_in_vietnamese_and_english(indicators_client, indicator_catalogue):
    IndicatorDefinition.objects.filter(code="partners_syndicating").update(is_active=False)
    vi = indicators_client.get(LIST_URL, {"limit": 100})
    assert vi.status_code == 200
    assert vi["Content-Language"] == "vi"
    codes = [item["code"] for item in vi.json()["results"]]
    expected = list(
        IndicatorDefinition.objects.filter(is_active=True)
        .order_by("order", "code")
        .values_list("code", flat=True)
    )
    assert codes == expected and "partners_syndicating" not in codes and len(codes) == 15
    first = vi.json()["results"][0]
    assert first == {
        "code": "eid_level2_adults",
        "name": "Người trưởng thành có định danh điện tử mức 2",
        "unit": "percent",
        "direction": "higher",
        "source": "manual",
        "periodicity": "monthly",
        "method": indicator_catalogue["eid_level2_adults"].method_vi,
        "targets": [
            {"year": 2025, "value": "80.00", "source": "Chương trình Chuyển đổi số quốc gia (QĐ 749/QĐ-TTg)"},
            {
                "year": 2030,
                "value": "100.00",
                "source": "Chương trình Chuyển đổi số quốc gia (QĐ 749/QĐ-TTg)",
            },
        ],
    }
    en = indicators_client.get(LIST_URL, {"lang": "en", "limit": 100}).json()["results"]
    assert en[0]["name"] == "Adults with e-ID level 2"
    assert en[0]["method"].startswith("People aged 14 and over")
    by_code = {item["code"]: item for item in en}
    assert by_code["booking_cancellations"]["direction"] == "lower"
    assert by_code["coverage_4g"]["periodicity"] == "quarterly"
    assert by_code["guest_nights"]["targets"] == []


def test_definitions_are_paged_with_the_house_cursor(indicators_client, indicator_catalogue):
    first = indicators_client.get(LIST_URL, {"limit": 10}).json()
    assert len(first["results"]) == 10 and first["previous"] is None
    second = indicators_client.get(first["next"]).json()
    assert len(second["results"]) == 6 and second["next"] is None
    assert {i["code"] for i in first["results"]} | {i["code"] for i in second["results"]} == set(
        indicator_catalogue
    )


def test_one_definition_by_its_code(indicators_client, indicator_catalogue):
    response = indicators_client.get(f"{LIST_URL}coverage_4g/", {"lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["name"], body["periodicity"]) == ("coverage_4g", "4G coverage", "quarterly")
    assert body["targets"] == [{"year": 2025, "value": "100.00", "source": body["targets"][0]["source"]}]
    missing = indicators_client.get(f"{LIST_URL}no_such_code/")
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == 404
    IndicatorDefinition.objects.filter(code="coverage_4g").update(is_active=False)
    assert indicators_client.get(f"{LIST_URL}coverage_4g/").status_code == 404


def test_the_indicators_scope_is_required(client_for, open_data):
    content_only = client_for(scopes=[Scope.CONTENT_READ.value])
    before = ExchangeRecord.objects.count()
    for url in (LIST_URL, f"{LIST_URL}eid_level2_adults/", VALUES_URL):
        response = content_only.get(url)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["status"] == 403 and error["code"] == "missing_scope"
        assert "indicators:read" in error["message"]
        assert "results" not in response.json()
    assert ExchangeRecord.objects.count() == before + 3  # refusals are logged, nothing else changes


def test_no_key_is_a_401(open_data):
    from rest_framework.test import APIClient

    response = APIClient().get(VALUES_URL)
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


# --- values -------------------------------------------------------------------------------------------


def test_values_with_the_licence_block(indicators_client, open_data, settings):
    settings.OPEN_DATA_LICENCE = "CC BY 4.0"
    settings.OPEN_DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
    response = indicators_client.get(VALUES_URL, {"province": open_data["province_b"].pk, "lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["licence"] == "CC BY 4.0"
    assert body["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC BY 4.0" in body["attribution"]
    assert body["last_updated"] == "2026-04-02T08:30:15Z"
    assert (body["next"], body["previous"]) == (None, None)
    assert body["results"] == [
        {
            "province_id": open_data["province_b"].pk,
            "province": "Ha Giang",
            "commune_id": open_data["c"].pk,
            "commune": "Dong Van",
            "indicator": "eid_level2_adults",
            "indicator_name": "Adults with e-ID level 2",
            "unit": "percent",
            "source": "manual",
            "period": "2026-01",
            "period_start": "2026-01-01",
            "value": "50.00",
            "target": "100.00",
            "updated_at": "2026-04-02T08:30:15Z",
        }
    ]
    assert list(body["results"][0]) == list(DATA_FIELDS)


def test_values_filters(indicators_client, open_data):
    a, b = open_data["a"].pk, open_data["b"].pk

    def periods(**params):
        rows = indicators_client.get(VALUES_URL, params).json()["results"]
        return [(row["commune_id"], row["indicator"], row["period"]) for row in rows]

    assert periods(commune=f"{a},{b}", indicator="guest_nights") == [(b, "guest_nights", "2026-02")]
    assert periods(commune=a, period_from="2026-02", period_to="2026-03") == [
        (a, "eid_level2_adults", "2026-02"),
        (a, "eid_level2_adults", "2026-03"),
    ]
    assert periods(commune=a, indicator="coverage_4g", period_to="2026-Q1") == [(a, "coverage_4g", "2026-Q1")]
    assert periods(commune=a, updated_since=(UPDATED - timedelta(days=2)).isoformat()) == [
        (a, "eid_level2_adults", "2026-01"),
        (a, "eid_level2_adults", "2026-03"),
        (a, "coverage_4g", "2026-Q1"),
    ]
    repeated = indicators_client.get(f"{VALUES_URL}?commune={a}&commune={b}").json()["results"]
    assert len(repeated) == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("province=abc", "province"),
        ("province=99999999", "province"),
        ("commune=1,x", "commune"),
        ("commune=99999999", "commune"),
        ("indicator=nope", "indicator"),
        ("period_from=2026-13", "period_from"),
        ("period_from=2026-03&period_to=2026-02", "period_to"),
        ("updated_since=yesterday", "updated_since"),
        ("commune=" + "1" * 50, "commune"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("cursor=forged", "cursor"),
        ("lang=fr", "lang"),
    ],
)
def test_bad_filters_are_a_400_in_the_error_shape(
    indicators_client, site_tree, indicator_catalogue, query, field
):
    response = indicators_client.get(f"{VALUES_URL}?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]


def test_values_are_paged_by_a_signed_cursor(indicators_client, open_data):
    first = indicators_client.get(VALUES_URL, {"limit": 3}).json()
    assert len(first["results"]) == 3 and first["previous"] is None
    second = indicators_client.get(first["next"]).json()
    third = indicators_client.get(second["next"]).json()
    assert len(second["results"]) == 3 and len(third["results"]) == 1 and third["next"] is None
    assert indicators_client.get(third["previous"]).json()["results"] == second["results"]
    back = indicators_client.get(second["previous"]).json()
    assert back["results"] == first["results"] and back["previous"] is None
    everything = indicators_client.get(VALUES_URL, {"limit": 100}).json()["results"]
    assert first["results"] + second["results"] + third["results"] == everything
    assert len(everything) == 7
    # every page carries the licence block of the whole selection
    assert third["last_updated"] == first["last_updated"] == "2026-04-02T08:30:15Z"


# --- the acceptance test ------------------------------------------------------------------------------


def test_the_csv_download_equals_the_api_row_by_row(client, indicators_client, open_data):
    """/en/indicators/data.csv?province=X and /api/v1/indicators/values/?province=X&lang=en (all pages)."""
    for province in (open_data["province_a"], open_data["province_b"]):
        download = client.get("/en/indicators/data.csv", {"province": province.pk})
        assert download.status_code == 200
        text = download.content.decode("utf-8")
        assert text.startswith("\ufeff")
        reader = csv.reader(io.StringIO(text[1:]))
        header = next(reader)
        csv_rows = [dict(zip(header, row, strict=True)) for row in reader]
        api_rows = all_pages(
            indicators_client, VALUES_URL, {"province": province.pk, "lang": "en", "limit": 2}
        )
        assert header == list(DATA_FIELDS)
        assert len(csv_rows) == len(api_rows) > 0
        for csv_row, api_row in zip(csv_rows, api_rows, strict=True):
            assert list(api_row) == header
            for field in header:
                expected = "" if api_row[field] is None else str(api_row[field])
                assert csv_row[field] == expected, (field, csv_row, api_row)
    # and the JSON download holds the very same objects
    data = client.get("/en/indicators/data.json", {"province": open_data["province_a"].pk}).json()["data"]
    assert data == all_pages(
        indicators_client, VALUES_URL, {"province": open_data["province_a"].pk, "lang": "en"}
    )


def test_a_recomputed_value_is_not_hidden_behind_an_old_etag(indicators_client, open_data):
    """Recomputation writes values without a domain event: the answer must not stay 304 or cached."""
    params = {"commune": open_data["c"].pk}
    first = indicators_client.get(VALUES_URL, params)
    etag = first["ETag"]
    assert indicators_client.get(VALUES_URL, params, HTTP_IF_NONE_MATCH=etag).status_code == 304
    IndicatorValue.objects.filter(commune=open_data["c"]).update(
        value=Decimal("51"), updated_at=timezone.now()
    )
    again = indicators_client.get(VALUES_URL, params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert [row["value"] for row in again.json()["results"]] == ["51.00"]
    assert again["ETag"] != etag


def test_refused_requests_do_not_ask_when_the_values_changed(client_for, open_data, monkeypatch):
    """The freshness check is a query: it runs after the key and scope checks, only for those let in."""
    from rest_framework.test import APIClient

    from village.indicators import selectors

    asked = []
    real = selectors.values_last_updated
    monkeypatch.setattr(selectors, "values_last_updated", lambda: asked.append(1) or real())
    before = ExchangeRecord.objects.count()
    assert APIClient().get(VALUES_URL).status_code == 401
    assert client_for(scopes=[Scope.CONTENT_READ.value]).get(VALUES_URL).status_code == 403
    assert asked == []
    assert ExchangeRecord.objects.count() == before + 1  # the partner's refusal, nothing else
    assert client_for(scopes=[Scope.INDICATORS_READ.value]).get(VALUES_URL).status_code == 200
    assert asked == [1]


def test_the_values_follow_the_selectors_answer_to_when_they_changed(
    indicators_client, open_data, monkeypatch
):
    """``selectors.values_last_updated`` is the one source (it also knows of removed values): when it
    answers a later moment, the old ETag no longer matches, although no stored value changed."""
    from village.indicators import selectors

    params = {"commune": open_data["c"].pk}
    etag = indicators_client.get(VALUES_URL, params)["ETag"]
    assert indicators_client.get(VALUES_URL, params, HTTP_IF_NONE_MATCH=etag).status_code == 304
    later = timezone.now() + timedelta(seconds=5)
    monkeypatch.setattr(selectors, "values_last_updated", lambda: later)
    again = indicators_client.get(VALUES_URL, params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag
