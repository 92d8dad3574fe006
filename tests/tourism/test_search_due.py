"""A departure that left no longer prices its experience in the search (the hourly time-bound refresh)."""

from datetime import datetime, time, timedelta

import time_machine
from django.utils import timezone

from core.models import SearchEntry
from core.search.indexing import refresh_due, reindex
from tourism.services import listings

from .conftest import make_experience


def test_an_experience_is_priced_from_the_departures_still_to_come(host):
    walk = make_experience(host, "Đi bộ ruộng bậc thang", price=250_000, departures=1)
    later = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=6), time(9, 0)))
    listings.add_slot(service=walk, actor=host.owner, capacity=8, price_per_person=300_000, starts_at=later)
    key = f"service:{walk.pk}"
    reindex([key])
    refresh_due()
    first_departure = walk.slots.order_by("starts_at").first().starts_at
    before = SearchEntry.objects.get(key=key).price

    with time_machine.travel(first_departure + timedelta(hours=1), tick=False):
        refreshed = refresh_due()

    assert before == 250_000
    assert refreshed >= 1  # this one, and any other departure of the site that left meanwhile
    assert SearchEntry.objects.get(key=key).price == 300_000
