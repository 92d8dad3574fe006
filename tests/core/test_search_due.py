"""Search entries that time alone changes — an OCOP rating running out, an event ending, a notice
expiring, a departure leaving — are re-indexed by the hourly job, with no event recorded for them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import SearchEntry
from core.registries import periodic_jobs
from core.search.backends import SearchQuery, get_search_backend
from core.search.indexing import refresh_due, reindex
from core.tasks import refresh_due_search_entries_task
from market import services as market_services
from tests.market.conftest import owner_a, producer_a, tea  # noqa: F401  (fixtures)
from village.models import EventPage, NoticePage

pytestmark = pytest.mark.django_db


def entry(key: str) -> SearchEntry:
    return SearchEntry.objects.get(key=key)


def found_keys(**filters) -> set[str]:
    results = get_search_backend().search(SearchQuery(text="", language="vi", **filters))
    return {hit.key for hit in results.hits}


def test_stars_leave_the_index_the_day_after_the_rating_runs_out(tea):  # noqa: F811
    today = timezone.localdate()
    market_services.set_ocop_rating(
        product=tea, actor=tea.producer.owner, stars=4, certificate_number="OCOP-LC-2025-001",
        issued_on=today - timedelta(days=300), expires_on=today, issuing_province="Lào Cai",
    )  # fmt: skip
    key = f"product:{tea.pk}"
    reindex([key])
    refresh_due()  # the window starts now
    assert (entry(key).ocop_stars, key in found_keys(min_ocop_stars=4)) == (4, True)

    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        stale = entry(key).ocop_stars  # nothing recorded an event: the entry still says 4
        refreshed = refresh_due()

        assert stale == 4
        assert refreshed == 1
        assert entry(key).ocop_stars is None
        assert key not in found_keys(min_ocop_stars=4) and key in found_keys(kinds=("product",))


def test_events_that_ended_and_notices_that_expired_rank_lower(site_tree):
    events = list(EventPage.objects.live().order_by("end"))
    notices = list(NoticePage.objects.live().order_by("expires_at"))
    keys = [f"event:{page.pk}" for page in events] + [f"notice:{page.pk}" for page in notices]
    reindex(keys)
    refresh_due()
    before = {entry(key).boost for key in keys}

    with time_machine.travel(events[-1].end + timedelta(minutes=30), tick=False):
        after_events = refresh_due()
    with time_machine.travel(notices[-1].expires_at + timedelta(minutes=30), tick=False):
        after_notices = refresh_due()  # the scheduler was down meanwhile: caught up (at most a week back)

    assert len(events) >= 1 and len(notices) >= 1
    assert before == {1.1, 1.0}
    assert (after_events, after_notices) == (len(events), len(notices))
    assert {entry(f"event:{page.pk}").boost for page in events} == {0.7}
    assert {entry(f"notice:{page.pk}").boost for page in notices} == {0.5}


def test_a_run_with_nothing_due_reindexes_nothing(tea):  # noqa: F811
    key = f"product:{tea.pk}"
    reindex([key])
    written = entry(key).pk

    assert refresh_due() == 0
    assert entry(key).pk == written


def test_the_refresh_runs_hourly():
    job = periodic_jobs.get("core.search-refresh-due")
    assert (job.task, job.every_seconds) == (refresh_due_search_entries_task, 3600)


def test_keys_due_are_only_those_whose_moment_falls_in_the_window(site_tree):
    from core.search.indexing import source_for_key

    event = EventPage.objects.live().order_by("end").last()
    due = source_for_key(f"event:{event.pk}").keys_due
    assert f"event:{event.pk}" in due(event.end - timedelta(hours=1), event.end + timedelta(hours=1))
    assert due(event.end + timedelta(seconds=1), event.end + timedelta(hours=1)) == []
    assert f"event:{event.pk}" not in due(event.end - timedelta(hours=1), event.end)  # the next run's
