"""Entering and correcting a commune's manual indicator values (``record_value``): who may, what is
refused (and then nothing is written), the history of corrections and the events."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from core.models import Event
from tests import factories
from village.exceptions import VillageError, VillageErrorCode
from village.indicators import periods
from village.indicators.services import record_value
from village.models import IndicatorValue, IndicatorValueChange

MARCH = date(2026, 3, 1)


@pytest.fixture
def eid(indicator_catalogue):
    return indicator_catalogue["eid_level2_adults"]  # percent, monthly


@pytest.fixture
def coverage(indicator_catalogue):
    return indicator_catalogue["coverage_4g"]  # percent, quarterly


def enter(user, commune, indicator, *, period=MARCH, value="72.5", evidence="Báo cáo công an xã 03/2026"):
    return record_value(
        user=user, commune=commune, indicator=indicator, period_start=period, value=value, evidence=evidence
    )


def nothing_written():
    return not IndicatorValue.objects.exists() and not IndicatorValueChange.objects.exists()


def refused(code, user, commune, indicator, **kwargs):
    events_before = Event.objects.filter(name__startswith="village.indicator.").count()
    with pytest.raises(VillageError) as error:
        enter(user, commune, indicator, **kwargs)
    assert error.value.code == code
    assert nothing_written()
    assert Event.objects.filter(name__startswith="village.indicator.").count() == events_before
    return error.value


@pytest.mark.parametrize("role", [Role.COMMUNE_EDITOR, Role.COMMUNE_MODERATOR, Role.DIGITAL_TEAM])
def test_the_commune_office_enters_a_value_with_its_evidence(site_tree, eid, role):
    commune = site_tree["a"]["commune"]
    member = factories.make_member("office@example.org", commune, role)

    row = enter(member, commune, eid)

    row.refresh_from_db()
    assert (row.commune, row.indicator, row.period_start, row.value) == (
        commune,
        eid,
        MARCH,
        Decimal("72.50"),
    )
    assert (row.evidence, row.entered_by, row.computed_at) == ("Báo cáo công an xã 03/2026", member, None)
    change = row.changes.get()
    assert (change.previous, change.new, change.changed_by) == (None, Decimal("72.50"), member)
    event = Event.objects.get(name="village.indicator.entered")
    assert (event.commune_id, event.actor_id) == (commune.pk, member.pk)
    assert event.payload == {
        "indicator": "eid_level2_adults",
        "period": "2026-03",
        "previous": None,
        "value": "72.50",
    }


def test_a_platform_admin_enters_for_any_commune(site_tree, eid, superuser):
    row = enter(superuser, site_tree["b"]["commune"], eid, value="40")
    assert (row.commune_id, row.value) == (site_tree["b"]["commune"].pk, Decimal("40.00"))


def test_another_communes_office_a_producer_and_a_visitor_are_refused(site_tree, eid, editor_b):
    commune = site_tree["a"]["commune"]
    producer = factories.make_member("mai@example.org", commune, Role.PRODUCER)
    nobody = factories.make_user("nobody@example.org")
    for user in (editor_b, producer, nobody, AnonymousUser()):
        refused(VillageErrorCode.NOT_ALLOWED, user, commune, eid)


def test_a_computed_indicator_cannot_be_entered(site_tree, indicator_catalogue, editor_a, superuser):
    computed = indicator_catalogue["products_online"]
    for user in (editor_a, superuser):
        refused(VillageErrorCode.NOT_MANUAL, user, site_tree["a"]["commune"], computed, value="3")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("100.01", VillageErrorCode.BAD_VALUE),
        ("-1", VillageErrorCode.BAD_VALUE),
        ("abc", VillageErrorCode.BAD_VALUE),
        ("", VillageErrorCode.BAD_VALUE),
        ("NaN", VillageErrorCode.BAD_VALUE),
        ("Infinity", VillageErrorCode.BAD_VALUE),
    ],
)
def test_values_out_of_range_or_not_numbers_are_refused(site_tree, eid, editor_a, value, code):
    refused(code, editor_a, site_tree["a"]["commune"], eid, value=value)


def test_a_percentage_may_be_0_or_100_and_a_decimal_comma_is_read(site_tree, eid, editor_a):
    commune = site_tree["a"]["commune"]
    assert enter(editor_a, commune, eid, value="0").value == Decimal("0.00")
    assert enter(editor_a, commune, eid, period=date(2026, 2, 1), value="100").value == Decimal("100.00")
    assert enter(editor_a, commune, eid, period=date(2026, 1, 1), value=" 66,6 ").value == Decimal("66.60")


def test_future_periods_misaligned_quarters_and_missing_evidence_are_refused(
    site_tree, eid, coverage, editor_a
):
    commune = site_tree["a"]["commune"]
    next_month = periods.add_periods(periods.current_period("monthly"), "monthly", 1)
    refused(VillageErrorCode.FUTURE_PERIOD, editor_a, commune, eid, period=next_month)
    refused(VillageErrorCode.BAD_PERIOD, editor_a, commune, eid, period=date(2026, 3, 15))
    refused(VillageErrorCode.BAD_PERIOD, editor_a, commune, eid, period=None)
    refused(VillageErrorCode.BAD_PERIOD, editor_a, commune, coverage, period=date(2026, 2, 1))
    for evidence in ("", "   ", None):
        refused(VillageErrorCode.EVIDENCE_REQUIRED, editor_a, commune, eid, evidence=evidence)
    # a quarter's first day is a period of the quarterly indicator
    assert enter(editor_a, commune, coverage, period=date(2026, 1, 1), value="85").period_start == date(
        2026, 1, 1
    )


def test_a_correction_keeps_the_history_and_the_same_value_again_writes_nothing(
    site_tree, eid, editor_a, moderator_a
):
    commune = site_tree["a"]["commune"]
    first = enter(editor_a, commune, eid, value="70")

    corrected = enter(moderator_a, commune, eid, value="71.25", evidence="Báo cáo đã sửa")

    assert corrected.pk == first.pk
    assert IndicatorValue.objects.count() == 1
    corrected.refresh_from_db()
    assert (corrected.value, corrected.evidence, corrected.entered_by) == (
        Decimal("71.25"), "Báo cáo đã sửa", moderator_a
    )  # fmt: skip
    newest, oldest = corrected.changes.all()
    assert (oldest.previous, oldest.new, oldest.changed_by) == (None, Decimal("70.00"), editor_a)
    assert (newest.previous, newest.new, newest.changed_by, newest.evidence) == (
        Decimal("70.00"), Decimal("71.25"), moderator_a, "Báo cáo đã sửa"
    )  # fmt: skip
    event = Event.objects.get(name="village.indicator.corrected")
    assert (event.payload["previous"], event.payload["value"], event.actor_id) == (
        "70.00",
        "71.25",
        moderator_a.pk,
    )

    again = enter(moderator_a, commune, eid, value="71.250", evidence="Báo cáo đã sửa")

    assert again.pk == first.pk
    assert IndicatorValueChange.objects.count() == 2
    assert Event.objects.filter(name__startswith="village.indicator.").count() == 2
