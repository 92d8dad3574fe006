"""The commune office's entry pages: who gets in, saving a period's values at once, history."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from tests import factories
from village.indicators import periods, services
from village.models import IndicatorValue, IndicatorValueChange


def _url(name, *args, language="vi"):
    with translation.override(language):
        return reverse(f"indicators:{name}", args=args)


def _month() -> str:
    return periods.period_code(periods.current_period("monthly"), "monthly")


def _post_data(rows: dict[str, tuple[str, str]]) -> dict:
    data = {}
    for code, (value, evidence) in rows.items():
        data[f"i-{code}-value"] = value
        data[f"i-{code}-evidence"] = evidence
    return data


@pytest.fixture
def commune_a(site_tree):
    return site_tree["a"]["commune"]


@pytest.fixture
def digital_team_a(commune_a):
    return factories.make_member("team-a@example.org", commune_a, Role.DIGITAL_TEAM)


# --- who gets in ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, commune_a, indicator_catalogue):
    for url in (_url("office"), _url("office_commune", commune_a.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('wagtailadmin_login')}?next={url}"
    response = client.post(
        _url("office_commune", commune_a.pk), _post_data({"eid_level2_adults": ("50", "police")})
    )
    assert response.status_code == 302
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["editor_a", "moderator_a", "digital_team_a"])
def test_the_commune_office_lists_and_opens_its_commune(client, request, commune_a, indicator_catalogue, who):
    client.force_login(request.getfixturevalue(who))
    home = client.get(_url("office"))
    assert home.status_code == 200
    assert _url("office_commune", commune_a.pk) in home.text
    assert _url("office_commune", request.getfixturevalue("site_tree")["b"]["commune"].pk) not in home.text
    page = client.get(_url("office_commune", commune_a.pk))
    assert page.status_code == 200
    assert 'name="i-eid_level2_adults-value"' in page.text


@pytest.mark.django_db
def test_a_superuser_sees_every_commune(client, site_tree, superuser, indicator_catalogue):
    client.force_login(superuser)
    home = client.get(_url("office"))
    assert home.status_code == 200
    for key in ("a", "b"):
        assert _url("office_commune", site_tree[key]["commune"].pk) in home.text
    assert client.get(_url("office_commune", site_tree["b"]["commune"].pk)).status_code == 200


@pytest.mark.django_db
def test_someone_in_no_commune_office_is_refused(client, commune_a, indicator_catalogue):
    producer = factories.make_member("producer-a@example.org", commune_a, Role.PRODUCER)
    client.force_login(producer)
    response = client.get(_url("office", language="en"))
    assert response.status_code == 403
    assert "your account is not in one" in response.text
    assert client.get(_url("office_commune", commune_a.pk)).status_code == 403


@pytest.mark.django_db
def test_another_communes_editor_is_refused_and_nothing_is_written(
    client, commune_a, editor_b, indicator_catalogue
):
    client.force_login(editor_b)
    url = f"{_url('office_commune', commune_a.pk)}?period={_month()}"
    assert client.get(url).status_code == 403
    response = client.post(url, _post_data({"eid_level2_adults": ("50", "police")}))
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()
    assert not IndicatorValueChange.objects.exists()


@pytest.mark.django_db
def test_an_unknown_or_english_commune_id_is_not_found(client, site_tree, superuser, indicator_catalogue):
    client.force_login(superuser)
    english = site_tree["a"]["commune"].get_translation(site_tree["en"])
    assert client.get(_url("office_commune", 999999)).status_code == 404
    assert client.get(_url("office_commune", english.pk)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("commune_id", ["99999999999999999999999", str(2**63), "1" + "0" * 18])
def test_a_commune_id_too_large_for_the_database_is_not_found(
    client, site_tree, superuser, indicator_catalogue, commune_id
):
    client.force_login(superuser)
    assert client.get(f"/en/indicators/office/{commune_id}/").status_code == 404
    response = client.post(
        f"/en/indicators/office/{commune_id}/", _post_data({"eid_level2_adults": ("50", "count")})
    )
    assert response.status_code == 404
    assert not IndicatorValue.objects.exists()


# --- the period ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_picker_offers_the_last_twelve_months_and_a_future_period_is_an_error(
    client, commune_a, editor_a, indicator_catalogue
):
    client.force_login(editor_a)
    html = client.get(_url("office_commune", commune_a.pk, language="en")).text
    months = periods.last_periods("monthly", 12)
    for month in months:
        assert f'value="{periods.period_code(month, "monthly")}"' in html
    future = periods.period_code(periods.add_periods(months[-1], "monthly", 1), "monthly")
    assert f'value="{future}"' not in html
    response = client.get(f"{_url('office_commune', commune_a.pk, language='en')}?period={future}")
    assert response.status_code == 400
    assert "A period in the future cannot have a value." in response.text
    response = client.post(
        f"{_url('office_commune', commune_a.pk)}?period={future}",
        _post_data({"eid_level2_adults": ("50", "police")}),
    )
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()
    assert client.get(f"{_url('office_commune', commune_a.pk)}?period=garbage").status_code == 400


# --- saving --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_the_form_records_every_changed_row_then_redirects_with_a_message(
    client, commune_a, editor_a, indicator_catalogue
):
    client.force_login(editor_a)
    month = _month()
    url = f"{_url('office_commune', commune_a.pk, language='en')}?period={month}"
    response = client.post(
        url,
        _post_data(
            {
                "eid_level2_adults": ("72,5", "Commune police, March"),
                "coverage_4g": ("90", "Viettel measurement"),
                "households_epayment": ("", ""),  # left empty: not saved
            }
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url
    values = {row.indicator.code: row for row in IndicatorValue.objects.select_related("indicator")}
    assert set(values) == {"eid_level2_adults", "coverage_4g"}
    eid = values["eid_level2_adults"]
    assert (eid.value, eid.evidence, eid.entered_by, eid.commune_id, eid.period_start) == (
        Decimal("72.50"),
        "Commune police, March",
        editor_a,
        commune_a.pk,
        periods.current_period("monthly"),
    )
    assert values["coverage_4g"].period_start == periods.current_period("quarterly")
    page = client.get(url)
    assert "Saved 2 values." in page.text
    assert 'value="72.5"' in page.text  # the current value is in the form


@pytest.mark.django_db
def test_saving_unchanged_rows_changes_nothing(client, commune_a, editor_a, indicator_catalogue):
    client.force_login(editor_a)
    url = f"{_url('office_commune', commune_a.pk, language='en')}?period={_month()}"
    client.post(url, _post_data({"eid_level2_adults": ("70", "police")}))
    response = client.post(url, _post_data({"eid_level2_adults": ("70.00", "police")}), follow=True)
    assert "Nothing changed." in response.text
    assert IndicatorValueChange.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_row_saves_nothing_and_the_form_keeps_what_was_typed(
    client, commune_a, editor_a, indicator_catalogue
):
    client.force_login(editor_a)
    url = f"{_url('office_commune', commune_a.pk, language='en')}?period={_month()}"
    response = client.post(
        url,
        _post_data(
            {
                "eid_level2_adults": ("72", "Commune police"),  # fine on its own
                "online_dossiers": ("140", "Portal report"),  # a percentage over 100
                "mobile_services": ("40", ""),  # no evidence
            }
        ),
    )
    assert response.status_code == 400
    assert not IndicatorValue.objects.exists()
    assert not IndicatorValueChange.objects.exists()
    html = response.text
    assert "Nothing was saved" in html
    assert "A percentage is between 0 and 100." in html
    assert "Say where the figure comes from (the evidence)." in html
    assert 'aria-invalid="true" aria-describedby="id_i-online_dossiers-value-error"' in html
    assert 'id="id_i-online_dossiers-value-error"' in html
    assert 'value="140"' in html and 'value="72"' in html and "Commune police" in html
    assert 'href="#row-online_dossiers"' in html and 'href="#row-mobile_services"' in html
    assert 'href="#row-eid_level2_adults"' not in html


@pytest.mark.django_db
def test_a_refusal_by_the_service_rolls_back_the_rows_already_saved(
    client, commune_a, editor_a, indicator_catalogue, monkeypatch
):
    # given a service that refuses the second row (e.g. the editor lost the role mid-request)
    from village.exceptions import VillageError, VillageErrorCode

    real = services.record_value

    def refuse_4g(**kwargs):
        if kwargs["indicator"].code == "coverage_4g":
            raise VillageError(
                VillageErrorCode.NOT_ALLOWED, "Only the commune office can enter its indicators."
            )
        return real(**kwargs)

    monkeypatch.setattr(services, "record_value", refuse_4g)
    client.force_login(editor_a)
    url = f"{_url('office_commune', commune_a.pk, language='en')}?period={_month()}"
    response = client.post(
        url, _post_data({"eid_level2_adults": ("72", "police"), "coverage_4g": ("90", "Viettel")})
    )
    # then the first row is not kept either
    assert response.status_code == 400
    assert "Only the commune office can enter its indicators." in response.text
    assert not IndicatorValue.objects.exists()
    assert not IndicatorValueChange.objects.exists()


@pytest.mark.django_db
def test_the_page_shows_who_entered_the_value_and_its_history(
    client, commune_a, editor_a, moderator_a, indicator_catalogue
):
    editor_a.first_name, editor_a.last_name = "Lan", "Nguyễn Thị"
    editor_a.save()
    start = periods.current_period("monthly")
    definition = indicator_catalogue["eid_level2_adults"]
    services.record_value(
        user=editor_a,
        commune=commune_a,
        indicator=definition,
        period_start=start,
        value="60",
        evidence="first count",
    )
    services.record_value(
        user=editor_a,
        commune=commune_a,
        indicator=definition,
        period_start=start,
        value="65",
        evidence="recount",
    )
    client.force_login(moderator_a)
    html = client.get(f"{_url('office_commune', commune_a.pk, language='en')}?period={_month()}").text
    assert "entered by Nguyễn Thị Lan on" in html
    assert "History (2 changes)" in html
    assert "60 → 65" in html and "entered 60" in html
    assert "first count" in html and "recount" in html


@pytest.mark.django_db
def test_the_computed_indicators_are_shown_read_only(client, commune_a, editor_a, indicator_catalogue):
    client.force_login(editor_a)
    html = client.get(_url("office_commune", commune_a.pk, language="en")).text
    assert "Computed by the platform" in html
    assert "Community digital team members per 100 households" in html
    assert 'name="i-digital_team_per_100_households-value"' not in html


@pytest.mark.django_db
def test_the_form_is_csrf_protected(commune_a, editor_a, indicator_catalogue):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)
    response = client.post(
        f"{_url('office_commune', commune_a.pk)}?period={_month()}",
        _post_data({"eid_level2_adults": ("50", "police")}),
    )
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_the_footer_links_to_the_office(client, site_tree):
    html = client.get(site_tree["a"]["guide"].get_translation(site_tree["en"]).url).text
    assert f'href="{_url("office", language="en")}"' in html
    assert "For commune offices: enter indicators" in html
