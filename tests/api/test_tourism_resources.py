"""Stays and experiences through the partner API: listings in either language, filters, a stay's
availability and quote, an experience's departures, published reviews, constant queries."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import Scope
from tests.tourism.conftest import GUEST, book, days_from_today, make_experience, make_stay
from tests.tourism.conftest import experience as experience  # the fixture, for this module
from tests.tourism.conftest import guest_user as guest_user  # the fixture, for this module
from tests.tourism.conftest import host as host  # the fixture, for this module
from tests.tourism.conftest import host_owner as host_owner  # the fixture, for this module
from tests.tourism.conftest import other_host as other_host  # the fixture, for this module
from tests.tourism.conftest import other_host_owner as other_host_owner  # the fixture, for this module
from tests.tourism.conftest import room as room  # the fixture, for this module
from tests.tourism.conftest import stay as stay  # the fixture, for this module
from tourism.models import Language, ReviewStatus, Service, ServiceKind
from tourism.services import bookings, listings, reviews

STAYS = "/api/v1/stays/"
EXPERIENCES = "/api/v1/experiences/"


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def _keys(value) -> set[str]:
    """Every key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {key for inner in value.values() for key in _keys(inner)}
    if isinstance(value, list):
        return {key for inner in value for key in _keys(inner)}
    return set()


def _weekday_from(days: int):
    """A Monday at least ``days`` ahead (so no weekend price could apply to the next nights)."""
    day = days_from_today(days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


# --- listing ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partner_lists_stays_in_english_with_rooms_prices_and_syndication_but_no_host_contact(
    api_client, host, site_tree
):
    # given a listed stay translated into English
    stay = make_stay(
        host, "Nhà sàn Sùng A Páo", rooms=((2, 400_000), (4, 650_000)),
        title_en="Sung A Pao stilt house", description_en="Stilt house, family dinner.",
    )  # fmt: skip
    # when a partner lists stays in English
    response = api_client.get(STAYS, {"lang": "en"})
    # then it reads the English listing, its rooms (cheapest first) and the "from" price per night
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    [item] = response.json()["results"]
    assert item["id"] == stay.pk and item["kind"] == "stay"
    assert (item["title"], item["description"]) == ("Sung A Pao stilt house", "Stilt house, family dinner.")
    assert item["price_from"] == {"amount": 400_000, "currency": "VND", "per": "night"}
    assert [(unit["name"], unit["capacity"], unit["nightly_price"]) for unit in item["units"]] == [
        ("Room 1", 2, 400_000),
        ("Room 2", 4, 650_000),
    ]
    assert item["amenities"] == ["wifi", "hot_water"]
    assert (item["check_in_time"], item["check_out_time"]) == ("14:00", "11:00")
    assert (item["booking_mode"], item["cancellation_policy"], item["accepts_pay_on_arrival"]) == (
        "instant",
        "moderate",
        True,
    )
    assert item["rating"] == {"average": None, "count": 0}
    assert item["image_url"] is None
    assert item["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van EN"}
    assert item["province"]["id"] == site_tree["province"].pk
    assert item["syndication"]["canonical_url"] == f"http://testserver/en/stays/{stay.slug}/"
    assert item["syndication"]["tracked_url"].startswith("http://testserver/go/")
    # and nothing of the host's owner, phone or bank account
    text = response.content.decode()
    for private in ("pao@example.org", "0011001234567", "SUNG A PAO", "970436"):
        assert private not in text
    assert not {"host", "owner", "phone", "email", "bank_account_number"} & _keys(item)


@pytest.mark.django_db
def test_the_same_stay_is_in_vietnamese_with_the_same_ids(api_client, host, site_tree):
    stay = make_stay(host, "Nhà sàn Sùng A Páo", title_en="Sung A Pao stilt house")

    response = api_client.get(f"{STAYS}{stay.pk}/", {"lang": "vi"})

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    body = response.json()
    assert body["title"] == "Nhà sàn Sùng A Páo"
    assert body["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van"}
    assert body["units"][0]["name"] == "Phòng 1"
    assert body["syndication"]["canonical_url"] == f"http://testserver/vi/stays/{stay.slug}/"


@pytest.mark.django_db
def test_experiences_list_tours_and_experiences_with_their_price_per_person_and_stays_do_not(
    api_client, stay, experience
):
    # given a stay and an experience with departures at 250.000 ₫ a person
    # when a partner lists each
    stays = api_client.get(STAYS)
    experiences = api_client.get(EXPERIENCES, {"lang": "en"})
    # then each list has its own kind only
    assert _ids(stays) == [stay.pk]
    [item] = experiences.json()["results"]
    assert item["id"] == experience.pk and item["kind"] == "experience"
    assert item["price_from"] == {"amount": 250_000, "currency": "VND", "per": "person"}
    assert (item["meeting_point"], item["duration_minutes"]) == ("Nhà văn hoá", 180)
    assert item["languages"] == ["vi", "en"]
    assert "units" not in item and "check_in_time" not in item
    assert api_client.get(f"{STAYS}{experience.pk}/").status_code == 404
    assert api_client.get(f"{EXPERIENCES}{stay.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_listing_waiting_for_approval_is_neither_listed_nor_found(api_client, host, stay):
    pending = listings.create_service(
        host=host, actor=host.owner, kind=ServiceKind.STAY, title_vi="Chưa duyệt", accepts_pay_on_arrival=True
    )

    assert _ids(api_client.get(STAYS)) == [stay.pk]
    response = api_client.get(f"{STAYS}{pending.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_key_without_the_tourism_scope_is_refused(client_for, stay):
    client = client_for(scopes=[Scope.MARKET_READ])

    response = client.get(STAYS)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "missing_scope"


# --- filters ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_filters_narrow_stays_by_place_price_party_language_and_time(api_client, stay, other_host, site_tree):
    # given the stay in commune A (rooms for 2 at 400.000 ₫ and 4 at 650.000 ₫) and a cheaper one in B
    small = make_stay(other_host, "Nhà nghỉ Lan", rooms=((2, 250_000),), languages=["vi", "fr"])
    commune_a, commune_b = site_tree["a"]["commune"], site_tree["b"]["commune"]
    # when a partner filters
    in_a = api_client.get(STAYS, {"commune": commune_a.pk})
    in_province = api_client.get(STAYS, {"province": site_tree["province"].pk})
    cheap = api_client.get(STAYS, {"max_price": 300_000})
    for_four = api_client.get(STAYS, {"guests": 4})
    french = api_client.get(STAYS, {"languages": "fr,dao"})
    changed_later = api_client.get(
        STAYS, {"updated_since": (timezone.now() + timedelta(hours=1)).isoformat()}
    )
    changed_before = api_client.get(
        STAYS, {"updated_since": (timezone.now() - timedelta(hours=1)).isoformat()}
    )
    # then each answer holds exactly what matches
    assert _ids(in_a) == [stay.pk]
    assert sorted(_ids(in_province)) == sorted([stay.pk, small.pk])
    assert _ids(api_client.get(STAYS, {"commune": commune_b.pk})) == [small.pk]
    assert _ids(cheap) == [small.pk]
    assert _ids(for_four) == [stay.pk]
    assert _ids(french) == [small.pk]
    assert _ids(changed_later) == []
    assert sorted(_ids(changed_before)) == sorted([stay.pk, small.pk])


@pytest.mark.django_db
def test_experiences_filter_by_kind_and_language(api_client, host, experience):
    tour = make_experience(host, "Trek Tả Van", kind=ServiceKind.TOUR, languages=[Language.HMONG])

    assert _ids(api_client.get(EXPERIENCES, {"kind": "tour"})) == [tour.pk]
    assert _ids(api_client.get(EXPERIENCES, {"kind": "experience"})) == [experience.pk]
    assert _ids(api_client.get(EXPERIENCES, {"languages": "hmn"})) == [tour.pk]
    assert _ids(api_client.get(EXPERIENCES, {"guests": 9})) == []  # eight seats a departure


@pytest.mark.django_db
def test_malformed_filters_are_400_with_a_message_for_each_field(api_client, stay):
    response = api_client.get(
        STAYS,
        {"commune": 999999, "kind": "tour", "guests": 0, "languages": "en,xx", "max_price": -5,
         "updated_since": "yesterday", "lang": "en"},
    )  # fmt: skip

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert set(error["fields"]) == {"commune", "kind", "guests", "languages", "max_price", "updated_since"}
    assert error["fields"]["languages"] == ["Unknown language code(s): xx."]


# --- availability -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_availability_says_which_rooms_are_free_and_prices_them_line_by_line(api_client, stay, room):
    # given room 1 is taken for two nights and room 2 (650.000 ₫, two guests included) is free
    check_in = _weekday_from(10)
    book(room, check_in=check_in, nights=2)
    # when a partner asks for those nights for two guests
    response = api_client.get(
        f"{STAYS}{stay.pk}/availability/",
        {
            "check_in": check_in.isoformat(),
            "check_out": (check_in + timedelta(days=2)).isoformat(),
            "guests": 2,
        },
    )
    # then room 2 is free with its quote and room 1 is not
    assert response.status_code == 200
    body = response.json()
    assert (body["stay"], body["nights"], body["guests"], body["available"]) == (stay.pk, 2, 2, True)
    taken, free = body["units"]
    assert (taken["id"], taken["available"]) == (room.pk, False)
    assert taken["reason"] == "Những ngày này không còn trống."
    assert free["available"] is True and free["reason"] is None
    assert free["quote"]["total"] == 1_300_000 and free["quote"]["currency"] == "VND"
    assert [(line["amount"], line["kind"]) for line in free["quote"]["lines"]] == [(1_300_000, "nights")]
    assert "ETag" not in response  # live: never answered from a stale copy


@pytest.mark.django_db
def test_availability_for_a_party_too_big_for_a_room_says_why_and_adds_extra_guests(api_client, stay, room):
    check_in = _weekday_from(10)

    response = api_client.get(
        f"{STAYS}{stay.pk}/availability/",
        {"check_in": check_in.isoformat(), "check_out": (check_in + timedelta(days=1)).isoformat(),
         "guests": 3, "lang": "en"},
    )  # fmt: skip

    small, large = response.json()["units"]
    assert (small["available"], small["reason"], small["quote"]) == (
        False,
        "This takes at most 2 guests.",
        None,
    )
    assert large["available"] is True and large["quote"]["total"] == 650_000  # no extra-guest price set


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days_in", "nights", "guests", "field"),
    [
        (-1, 2, 2, "check_in"),  # in the past
        (5, 0, 2, "check_out"),  # check-out on the check-in day
        (5, -2, 2, "check_out"),  # check-out before check-in
        (5, 61, 2, "check_out"),  # longer than 60 nights
        (800, 2, 2, "check_in"),  # more than two years ahead
        (5, 2, 0, "guests"),  # nobody
    ],
)
def test_impossible_availability_questions_are_400_on_the_field_at_fault(
    api_client, stay, days_in, nights, guests, field
):
    check_in = days_from_today(days_in)

    response = api_client.get(
        f"{STAYS}{stay.pk}/availability/",
        {"check_in": check_in.isoformat(), "check_out": (check_in + timedelta(days=nights)).isoformat(),
         "guests": guests},
    )  # fmt: skip

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


@pytest.mark.django_db
def test_availability_without_dates_is_400_and_of_an_unknown_stay_is_404(api_client, stay):
    missing = api_client.get(f"{STAYS}{stay.pk}/availability/")
    unknown = api_client.get(
        f"{STAYS}999999/availability/", {"check_in": "2030-01-01", "check_out": "2030-01-02"}
    )

    assert missing.status_code == 400
    assert set(missing.json()["error"]["fields"]) == {"check_in", "check_out"}
    assert unknown.status_code == 404


# --- departures ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_departures_list_the_future_ones_with_seats_left_within_the_dates(api_client, experience):
    # given three daily departures from three days ahead, the first one full and the second with 5 seats
    first, second, third = experience.slots.order_by("starts_at")
    bookings.book_slot(slot=first, guests=8, guest=GUEST, payment_method="on_arrival")
    bookings.book_slot(slot=second, guests=3, guest=GUEST, payment_method="on_arrival")
    # when a partner asks for departures
    everything = api_client.get(f"{EXPERIENCES}{experience.pk}/departures/")
    for_six = api_client.get(f"{EXPERIENCES}{experience.pk}/departures/", {"guests": 6})
    one_day = api_client.get(
        f"{EXPERIENCES}{experience.pk}/departures/",
        {"from": days_from_today(4).isoformat(), "to": days_from_today(4).isoformat()},
    )
    # then only departures with enough seats in the range come back, with seats left and an end time
    assert everything.status_code == 200
    departures = everything.json()["departures"]
    assert [(item["id"], item["seats_left"]) for item in departures] == [(second.pk, 5), (third.pk, 8)]
    assert departures[0]["price_per_person"] == 250_000
    starts_at = datetime.fromisoformat(departures[0]["starts_at"])
    assert datetime.fromisoformat(departures[0]["ends_at"]) - starts_at == timedelta(minutes=180)
    assert [item["id"] for item in for_six.json()["departures"]] == [third.pk]
    assert [item["id"] for item in one_day.json()["departures"]] == [second.pk]


@pytest.mark.django_db
def test_departures_refuse_a_reversed_or_too_long_range(api_client, experience):
    reversed_range = api_client.get(
        f"{EXPERIENCES}{experience.pk}/departures/", {"from": "2030-02-10", "to": "2030-02-01"}
    )
    too_long = api_client.get(
        f"{EXPERIENCES}{experience.pk}/departures/", {"from": "2030-01-01", "to": "2030-06-01"}
    )
    not_a_date = api_client.get(f"{EXPERIENCES}{experience.pk}/departures/", {"from": "soon"})

    assert reversed_range.status_code == too_long.status_code == not_a_date.status_code == 400
    assert list(reversed_range.json()["error"]["fields"]) == ["to"]
    assert list(too_long.json()["error"]["fields"]) == ["to"]
    assert list(not_a_date.json()["error"]["fields"]) == ["from"]


# --- reviews ------------------------------------------------------------------------------------------


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _reviewed(unit, user, *, check_in, rating, text):
    """A completed stay of ``user`` and its review, written the day after check-out."""
    booking = book(unit, check_in=check_in, user=user, now=_at(check_in - timedelta(days=20)))
    bookings.complete_finished_bookings(now=_at(booking.check_out, 12))
    booking.refresh_from_db()
    return reviews.write_review(
        booking=booking, author=user, rating=rating, text=text, now=_at(booking.check_out + timedelta(days=1))
    )


@pytest.mark.django_db
def test_reviews_show_published_ones_with_the_hosts_reply_and_no_reviewers_name(
    api_client, stay, room, guest_user, host_owner
):
    # given two reviews of the stay by Emma Walker, one answered, and a third hidden by the commune
    kind = _reviewed(room, guest_user, check_in=days_from_today(-12), rating=5, text="Warm family.")
    reviews.reply_to_review(review=kind, actor=host_owner, text="Cảm ơn Emma!")
    _reviewed(room, guest_user, check_in=days_from_today(-8), rating=3, text="Cold shower.")
    hidden = _reviewed(room, guest_user, check_in=days_from_today(-5), rating=1, text="Rude words.")
    type(hidden).objects.filter(pk=hidden.pk).update(status=ReviewStatus.HIDDEN)
    # when a partner reads the reviews
    response = api_client.get(f"{STAYS}{stay.pk}/reviews/", {"limit": 1})
    second_page = api_client.get(response.json()["next"])
    listing = api_client.get(f"{STAYS}{stay.pk}/")
    # then only the published ones come, newest first, paginated, with the reply and no name
    assert response.status_code == 200
    [newest] = response.json()["results"]
    assert (newest["rating"], newest["text"], newest["reply"]) == (3, "Cold shower.", "")
    [older] = second_page.json()["results"]
    assert (older["rating"], older["text"], older["reply"]) == (5, "Warm family.", "Cảm ơn Emma!")
    assert second_page.json()["next"] is None
    assert "Walker" not in response.content.decode() + second_page.content.decode()
    assert set(newest) == {"rating", "text", "reply", "replied_at", "created_at"}
    assert listing.json()["rating"] == {"average": 4.0, "count": 2}


# --- constant queries ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_stays_list_runs_the_same_queries_for_1_and_50_stays(api_client, host, other_host):
    make_stay(host, "Homestay 0", rooms=((2, 300_000), (3, 500_000)))
    api_client.get(f"{STAYS}?limit=50")  # warm the site root paths
    with CaptureQueriesContext(connection) as one:
        assert api_client.get(f"{STAYS}?limit=1", HTTP_IF_NONE_MATCH="x").status_code == 200
    for number in range(1, 50):
        make_stay(
            host if number % 2 else other_host, f"Homestay {number}", rooms=((2, 300_000), (3, 500_000))
        )
    with CaptureQueriesContext(connection) as fifty:
        response = api_client.get(f"{STAYS}?limit=50", HTTP_IF_NONE_MATCH="x")
    assert len(response.json()["results"]) == 50
    assert all(len(item["units"]) == 2 for item in response.json()["results"])
    assert Service.objects.count() == 50
    assert len(fifty) == len(one)
