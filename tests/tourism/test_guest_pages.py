"""The tourist's own bookings under /my/bookings/: login required, only their rows, constant queries."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tourism.models import Booking

from .conftest import book, days_from_today

MY_BOOKINGS = "/en/my/bookings/"


def _references(html: str) -> list[str]:
    return re.findall(r'<a href="/en/stays/booking/[0-9a-f-]+/">(\w+)</a>', html)


def test_my_bookings_needs_a_login(client, db):
    response = client.get(MY_BOOKINGS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/en/my/bookings/")


def test_my_bookings_lists_only_the_guests_own_bookings_newest_first(client, stay, room, guest_user):
    # given two bookings of the guest (the second made later) and one of someone else
    first = book(room, check_in=days_from_today(10), user=guest_user)
    second = book(room, check_in=days_from_today(20), user=guest_user)
    Booking.objects.filter(pk=second.pk).update(created_at=timezone.now() + timedelta(minutes=1))
    stranger = factories.make_user("lan-traveller@example.org")
    theirs = book(room, check_in=days_from_today(30), user=stranger)
    # when the guest opens their bookings
    client.force_login(guest_user)
    response = client.get(MY_BOOKINGS)
    # then they see theirs, newest first, and not the stranger's
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert _references(response.text) == [second.reference, first.reference]
    assert theirs.reference not in response.text
    assert "Homestay Sùng A Páo" in response.text and "800.000 ₫" in response.text


def test_my_bookings_says_so_when_there_are_none(client, guest_user):
    client.force_login(guest_user)
    response = client.get(MY_BOOKINGS)
    assert "You have not booked anything yet." in response.text
    assert 'href="/en/stays/"' in response.text


def test_my_bookings_runs_the_same_queries_for_one_and_six_bookings(client, stay, room, guest_user):
    client.force_login(guest_user)
    book(room, check_in=days_from_today(5), user=guest_user)
    client.get(MY_BOOKINGS)
    with CaptureQueriesContext(connection) as one:
        client.get(MY_BOOKINGS)
    for number in range(5):
        book(room, check_in=days_from_today(10 + 3 * number), user=guest_user)
    with CaptureQueriesContext(connection) as six:
        response = client.get(MY_BOOKINGS)
    assert len(_references(response.text)) == 6
    assert len(six.captured_queries) == len(one.captured_queries)
