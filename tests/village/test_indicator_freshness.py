"""How indicator changes reach readers: only real changes move ``updated_at``; removals and entries are
announced (open-data ``Last-Modified``, the page cache); one failing computation stops nothing else."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.cache import page_cache_generation
from core.models import Event
from core.registries import ComputedIndicator
from village.indicators import selectors, services
from village.indicators.services import RECOMPUTED_EVENT, recompute, record_value
from village.models import CommunePage, IndicatorValue

ON = date(2026, 1, 15)
CODE = "digital_team_per_100_households"


def team_values(commune):
    return {
        row.period_start: (row.value, row.updated_at)
        for row in IndicatorValue.objects.filter(commune=commune, indicator__code=CODE)
    }


@pytest.fixture
def commune_a(site_tree, indicator_catalogue):
    commune = site_tree["a"]["commune"]
    CommunePage.objects.filter(pk=commune.pk).update(digital_team_members=6, households=200)
    return commune


def test_recomputing_an_unchanged_value_leaves_it_and_its_time_alone(commune_a):
    first = recompute(communes=[commune_a], periods_back=2, codes=[CODE], on=ON)
    before = team_values(commune_a)
    events = Event.objects.filter(name=RECOMPUTED_EVENT, commune_id=commune_a.pk).count()

    again = recompute(communes=[commune_a], periods_back=2, codes=[CODE], on=ON)

    assert first.written == 2 and again.written == 0 and again.removed == 0
    assert team_values(commune_a) == before
    assert Event.objects.filter(name=RECOMPUTED_EVENT, commune_id=commune_a.pk).count() == events == 1


def test_a_changed_value_is_written_with_a_new_time_and_announced(commune_a):
    recompute(communes=[commune_a], periods_back=1, codes=[CODE], on=ON)
    (old_value, old_time), = team_values(commune_a).values()  # fmt: skip
    CommunePage.objects.filter(pk=commune_a.pk).update(digital_team_members=8)

    result = recompute(communes=[commune_a], periods_back=1, codes=[CODE], on=ON)

    (value, updated_at), = team_values(commune_a).values()  # fmt: skip
    assert (old_value, value) == (Decimal("3.00"), Decimal("4.00"))
    assert updated_at > old_time and result.written == 1
    event = Event.objects.filter(name=RECOMPUTED_EVENT).latest("occurred_at")
    assert (event.commune_id, event.payload) == (commune_a.pk, {"written": 1, "removed": 0})


def test_a_removed_value_moves_the_open_data_last_modified(commune_a):
    three_days_ago = timezone.now() - timedelta(days=3)
    with time_machine.travel(three_days_ago):  # the event log is append-only: its past is made, not edited
        recompute(communes=[commune_a], periods_back=1, codes=[CODE], on=ON)
    IndicatorValue.objects.update(updated_at=three_days_ago)
    stale = selectors.values_last_updated()
    assert stale <= three_days_ago + timedelta(minutes=1)
    CommunePage.objects.filter(pk=commune_a.pk).update(households=None)  # the rate can no longer be given

    result = recompute(communes=[commune_a], periods_back=1, codes=[CODE], on=ON)

    assert result.removed == 1 and team_values(commune_a) == {}
    assert selectors.values_last_updated() > stale + timedelta(days=2)


def test_one_failing_computation_is_counted_and_the_others_go_on(commune_a, site_tree, monkeypatch):
    def broken(commune_id, starts_on, ends_on):
        raise RuntimeError("the domain's database is having a bad day")

    real_get = services.computed_indicators.get

    def get(key):
        if key == "market.products_online":
            return ComputedIndicator(key=key, label="broken", unit="", compute=broken)
        return real_get(key)

    monkeypatch.setattr(services.computed_indicators, "get", get)
    b = site_tree["b"]["commune"]
    CommunePage.objects.filter(pk=b.pk).update(digital_team_members=2, households=100)

    result = recompute(
        communes=[commune_a, CommunePage.objects.get(pk=b.pk)], periods_back=1,
        codes=["products_online", CODE], on=ON,
    )  # fmt: skip

    assert result.failed == 2  # one per commune
    assert [v for v, _t in team_values(commune_a).values()] == [Decimal("3.00")]
    assert [v for v, _t in team_values(b).values()] == [Decimal("2.00")]
    assert not IndicatorValue.objects.filter(indicator__code="products_online").exists()


def test_an_entry_refreshes_the_cached_dashboards_once_committed(
    commune_a, editor_a, indicator_catalogue, django_capture_on_commit_callbacks
):
    generation = page_cache_generation()
    with django_capture_on_commit_callbacks(execute=True):
        record_value(
            user=editor_a, commune=commune_a, indicator=indicator_catalogue["eid_level2_adults"],
            period_start=date(2025, 12, 1), value="70", evidence="Báo cáo công an xã",
        )  # fmt: skip
    assert page_cache_generation() == generation + 1
