"""The commune office's tourism screens in the Wagtail admin: each commune moderator decides on their own
commune's pending hosts and listings, hides or shows its reviews and reads its "smart tourism" figures —
and gets "not found" for another commune's. Refused requests also check that nothing changed.
"""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import Role
from core.models import Event
from tests import factories
from tourism.countries import country_name
from tourism.models import BookingPayment, CancelledBy, ListingStatus, Review, ReviewStatus, ServiceKind
from tourism.services import bookings, listings, reviews

from .conftest import book, make_stay

INDEX = "/admin/tourism/"
STATISTICS = "/admin/tourism/statistics/"
CSV = "/admin/tourism/statistics.csv"
REVIEWS = "/admin/tourism/reviews/"


def host_url(host) -> str:
    return reverse("tourism_admin:host", args=[host.pk])


def service_url(service) -> str:
    return reverse("tourism_admin:service", args=[service.pk])


def review_url(review) -> str:
    return reverse("tourism_admin:review", args=[review.pk])


def row(instance) -> dict:
    return type(instance).objects.filter(pk=instance.pk).values().get()


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def guest(name: str, country: str) -> bookings.GuestDetails:
    return bookings.GuestDetails(name=name, email=f"{name.split()[0].lower()}@example.org", country=country)


@pytest.fixture
def new_host_a(site_tree):
    """A host of commune A waiting for approval, with a stay waiting too."""
    owner = factories.make_member("chu@example.org", site_tree["a"]["commune"], Role.HOST)
    host = listings.create_host(
        owner=owner, commune=site_tree["a"]["commune"], actor=owner, name="Nhà Giàng A Chứ"
    )
    return host


@pytest.fixture
def pending_stay_a(host):
    """A listing of the (approved) host of commune A, waiting for approval."""
    return listings.create_service(
        host=host,
        actor=host.owner,
        kind=ServiceKind.STAY,
        title_vi="Nhà sàn bên suối Mường Hoa",
        description_vi="Hai phòng gỗ nhìn ra ruộng bậc thang.",
    )


@pytest.fixture
def pending_b(other_host):
    """A listing and a host of commune B waiting for approval."""
    service = listings.create_service(
        host=other_host,
        actor=other_host.owner,
        kind=ServiceKind.STAY,
        title_vi="Nhà trình tường Bản Phố",
    )
    owner = factories.make_member("sen@example.org", other_host.commune, Role.HOST)
    host = listings.create_host(owner=owner, commune=other_host.commune, actor=owner, name="Nhà Lù Thị Sen")
    return service, host


# --- the moderation queue ---------------------------------------------------------------------------------


def test_the_moderator_of_a_sees_only_a_s_pending_hosts_and_listings(
    client, moderator_a, new_host_a, pending_stay_a, stay, pending_b
):
    client.force_login(moderator_a)
    assert INDEX in client.get("/admin/").content.decode()  # the menu item
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert host_url(new_host_a) in html and service_url(pending_stay_a) in html
    assert service_url(stay) not in html  # approved already
    service_b, host_b = pending_b
    assert service_url(service_b) not in html and host_url(host_b) not in html
    assert service_b.title_vi not in html and host_b.name not in html
    detail = client.get(service_url(pending_stay_a)).content.decode()
    assert "Nhà sàn bên suối Mường Hoa" in detail
    assert detail.count('<form method="post"') == 2 and 'name="reason"' in detail
    assert "Nhà Giàng A Chứ" in client.get(host_url(new_host_a)).content.decode()


def test_the_moderator_approves_a_listing_and_the_event_is_recorded(client, moderator_a, pending_stay_a):
    client.force_login(moderator_a)
    response = client.post(service_url(pending_stay_a), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == INDEX
    pending_stay_a.refresh_from_db()
    assert (pending_stay_a.status, pending_stay_a.rejection_reason) == (ListingStatus.APPROVED, "")
    event = Event.objects.for_subject(pending_stay_a).get(name="tourism.service.approved")
    assert (event.actor_id, event.commune_id) == (moderator_a.pk, pending_stay_a.commune_id)
    assert service_url(pending_stay_a) not in client.get(INDEX).content.decode()


def test_the_moderator_approves_a_host(client, moderator_a, new_host_a):
    client.force_login(moderator_a)
    response = client.post(host_url(new_host_a), {"decision": "approve"})
    assert response.status_code == 302
    new_host_a.refresh_from_db()
    assert new_host_a.status == ListingStatus.APPROVED
    assert (
        Event.objects.for_subject(new_host_a).filter(name="tourism.host.approved", actor=moderator_a).exists()
    )


def test_the_moderator_rejects_with_a_reason_the_host_then_reads(
    client, moderator_a, pending_stay_a, new_host_a
):
    client.force_login(moderator_a)
    reason = "Thiếu ảnh phòng và giá Tết, bổ sung giúp."
    assert (
        client.post(service_url(pending_stay_a), {"decision": "reject", "reason": reason}).status_code == 302
    )
    pending_stay_a.refresh_from_db()
    assert (pending_stay_a.status, pending_stay_a.rejection_reason) == (ListingStatus.REJECTED, reason)
    assert (
        client.post(host_url(new_host_a), {"decision": "reject", "reason": "Sai số điện thoại"}).status_code
        == 302
    )
    new_host_a.refresh_from_db()
    assert (new_host_a.status, new_host_a.rejection_reason) == (ListingStatus.REJECTED, "Sai số điện thoại")
    event = Event.objects.for_subject(new_host_a).get(name="tourism.host.rejected")
    assert event.payload["reason"] == "Sai số điện thoại"
    # and the host reads why on their dashboard
    client.force_login(new_host_a.owner)
    dashboard = client.get(f"/vi/my/stays/{new_host_a.pk}/")
    assert dashboard.status_code == 200
    assert "“Sai số điện thoại”" in dashboard.text


def test_a_rejection_without_reason_is_refused_with_a_field_message_and_nothing_changes(
    client, moderator_a, pending_stay_a, new_host_a
):
    client.force_login(moderator_a)
    for item, target in ((pending_stay_a, service_url(pending_stay_a)), (new_host_a, host_url(new_host_a))):
        before, events_before = row(item), Event.objects.count()
        response = client.post(target, {"decision": "reject", "reason": "   "})
        assert response.status_code == 400
        html = response.content.decode()
        with translation.override(response.headers["Content-Language"]):
            expected = translation.gettext("Say why, so the host can fix it.")
        assert expected in html
        assert 'id="id_reason-error"' in html and 'aria-invalid="true"' in html
        assert (row(item), Event.objects.count()) == (before, events_before)


def test_the_moderator_of_b_cannot_open_or_decide_on_a_s_items(
    client, moderator_b, pending_stay_a, new_host_a
):
    client.force_login(moderator_b)
    for item, target in ((pending_stay_a, service_url(pending_stay_a)), (new_host_a, host_url(new_host_a))):
        before, events_before = row(item), Event.objects.count()
        # (LocaleMiddleware turns a 404 into a redirect to /vi/…, which is not found either)
        assert client.get(target, follow=True).status_code == 404
        assert client.post(target, {"decision": "approve"}, follow=True).status_code == 404
        assert client.post(target, {"decision": "reject", "reason": "Không"}, follow=True).status_code == 404
        assert (row(item), Event.objects.count()) == (before, events_before)
    html = client.get(INDEX).content.decode()
    assert service_url(pending_stay_a) not in html and host_url(new_host_a) not in html


def test_an_editor_without_the_moderator_role_does_not_see_the_menu_and_is_refused(
    client, editor_a, pending_stay_a
):
    client.force_login(editor_a)
    before, events_before = row(pending_stay_a), Event.objects.count()
    assert INDEX not in client.get("/admin/").content.decode()
    for response in (
        client.get(INDEX),
        client.get(REVIEWS),
        client.get(STATISTICS),
        client.get(CSV),
        client.get(service_url(pending_stay_a)),
        client.post(service_url(pending_stay_a), {"decision": "approve"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert (row(pending_stay_a), Event.objects.count()) == (before, events_before)


def test_a_host_without_admin_access_is_sent_to_log_in(client, host_owner, pending_stay_a):
    client.force_login(host_owner)
    before = row(pending_stay_a)
    response = client.post(service_url(pending_stay_a), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    assert row(pending_stay_a) == before


def test_a_superuser_sees_every_commune(client, superuser, site_tree, pending_stay_a, pending_b):
    client.force_login(superuser)
    assert INDEX in client.get("/admin/").content.decode()  # the menu item
    html = client.get(INDEX).content.decode()
    assert service_url(pending_stay_a) in html and service_url(pending_b[0]) in html
    assert host_url(pending_b[1]) in html
    statistics = client.get(STATISTICS).content.decode()
    for commune in (site_tree["a"]["commune"], site_tree["b"]["commune"]):
        assert f'<option value="{commune.pk}"' in statistics


# --- reviews ----------------------------------------------------------------------------------------------


def reviewed_stay(unit, user, *, check_in: date, rating: int = 2, text: str = "") -> Review:
    """A completed stay of ``user`` in ``unit`` and its review, written the day after check-out."""
    booking = book(unit, check_in=check_in, user=user, now=at(check_in - timedelta(days=20)))
    bookings.complete_finished_bookings(now=at(booking.check_out, 12))
    booking.refresh_from_db()
    return reviews.write_review(
        booking=booking, author=user, rating=rating, text=text, now=at(booking.check_out + timedelta(days=1))
    )


@pytest.fixture
def review_a(room, guest_user):
    return reviewed_stay(room, guest_user, check_in=date(2026, 3, 6), text="Chủ nhà gọi tôi là đồ ngốc.")


def test_the_moderator_hides_a_review_with_a_note_then_shows_it_again(client, moderator_a, review_a):
    client.force_login(moderator_a)
    html = client.get(REVIEWS).content.decode()
    assert "Chủ nhà gọi tôi là đồ ngốc." in html and review_url(review_a) in html

    response = client.post(review_url(review_a), {"action": "hide", "note": "Lời lẽ xúc phạm"})
    assert response.status_code == 302 and response["Location"] == REVIEWS
    review_a.refresh_from_db()
    assert (review_a.status, review_a.moderation_note, review_a.moderated_by_id) == (
        ReviewStatus.HIDDEN,
        "Lời lẽ xúc phạm",
        moderator_a.pk,
    )
    assert (
        Event.objects.for_subject(review_a).filter(name="tourism.review.hidden", actor=moderator_a).exists()
    )

    assert client.post(review_url(review_a), {"action": "show"}).status_code == 302
    review_a.refresh_from_db()
    assert review_a.status == ReviewStatus.PUBLISHED
    assert Event.objects.for_subject(review_a).filter(name="tourism.review.shown").exists()


def test_hiding_a_review_without_a_note_is_refused_and_nothing_changes(client, moderator_a, review_a):
    client.force_login(moderator_a)
    before, events_before = row(review_a), Event.objects.count()
    response = client.post(review_url(review_a), {"action": "hide", "note": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override(response.headers["Content-Language"]):
        expected = translation.gettext("Say why the review is hidden.")
    assert expected in html
    assert f'id="note-{review_a.pk}-error"' in html and 'aria-invalid="true"' in html
    assert (row(review_a), Event.objects.count()) == (before, events_before)


def test_an_editor_without_the_moderator_role_cannot_hide_a_review(client, editor_a, review_a):
    client.force_login(editor_a)
    before, events_before = row(review_a), Event.objects.count()
    response = client.post(review_url(review_a), {"action": "hide", "note": "Spam"})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert (row(review_a), Event.objects.count()) == (before, events_before)


def test_the_moderator_of_b_cannot_see_or_hide_a_s_reviews(client, moderator_b, review_a):
    client.force_login(moderator_b)
    assert "Chủ nhà gọi tôi là đồ ngốc." not in client.get(REVIEWS).content.decode()
    before, events_before = row(review_a), Event.objects.count()
    response = client.post(review_url(review_a), {"action": "hide", "note": "Spam"}, follow=True)
    assert response.status_code == 404
    assert (row(review_a), Event.objects.count()) == (before, events_before)


def test_the_review_list_runs_the_same_queries_for_one_review_and_for_three(
    client, moderator_a, room, guest_user, review_a
):
    client.force_login(moderator_a)
    client.get(REVIEWS)  # warm up the session and the site caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(REVIEWS).status_code == 200
    for day in (date(2026, 4, 3), date(2026, 5, 8)):
        reviewed_stay(room, guest_user, check_in=day, rating=5, text="Tuyệt vời")
    with CaptureQueriesContext(connection) as three:
        html = client.get(REVIEWS).content.decode()
    assert html.count('name="action"') == 3
    assert len(three) == len(one)


# --- smart tourism statistics -----------------------------------------------------------------------------


@pytest.fixture
def march_2025(host):
    """A one-room stay in commune A with, in March 2025: two confirmed stays of 2 nights × 2 guests (from
    the United Kingdom and France) and one stay cancelled by the guest (from Japan)."""
    stay = make_stay(host, "Nhà sàn Mường Hoa", rooms=((4, 500_000),))
    unit = stay.units.get()
    booked_at = at(date(2025, 2, 1))
    book(unit, check_in=date(2025, 3, 6), guest=guest("Emma Walker", "GB"), now=booked_at)
    book(unit, check_in=date(2025, 3, 20), guest=guest("Léa Martin", "FR"), now=booked_at)
    cancelled = book(unit, check_in=date(2025, 3, 12), guest=guest("Yuki Sato", "JP"), now=booked_at)
    bookings.cancel_booking(booking=cancelled, cancelled_by=CancelledBy.GUEST, now=at(date(2025, 2, 10)))
    return stay


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_statistics_page_shows_the_figures_of_the_year(client, moderator_a, site_tree, march_2025):
    client.force_login(moderator_a)
    commune = site_tree["a"]["commune"]
    response = client.get(STATISTICS, {"commune": commune.pk, "year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    compact = "".join(html.split())
    assert '<trdata-month="2025-03">' in compact
    march = compact.split('<trdata-month="2025-03">')[1].split("</tr>")[0]
    assert march.endswith("<td>2</td><td>8</td><td>1</td>")  # bookings, guest-nights, cancellations
    february = compact.split('<trdata-month="2025-02">')[1].split("</tr>")[0]
    assert february.endswith("<td>0</td><td>0</td><td>0</td>")
    total = compact.split('<trdata-month="total">')[1].split("</tr>")[0]
    assert total.endswith("<td><strong>2</strong></td><td><strong>8</strong></td><td><strong>1</strong></td>")
    # occupancy: 4 booked nights of the one room over the 365 nights of 2025
    with translation.override(response.headers["Content-Language"]):
        percent = formats.number_format(1.1, 1)
        names = country_name("GB"), country_name("FR")
    assert f"<td>NhàsànMườngHoa</td><td>4</td><td>{percent}%</td>" in compact
    # the countries of the guests who came (not of the cancelled booking), by name
    assert f'data-country="GB"><td>{names[0]}</td><td>2</td>' in html
    assert f'data-country="FR"><td>{names[1]}</td><td>2</td>' in html
    assert 'data-country="JP"' not in html
    assert f'href="{CSV}?commune={commune.pk}&amp;year=2025"' in html


def test_the_csv_holds_the_same_figures(client, moderator_a, site_tree, march_2025):
    client.force_login(moderator_a)
    commune = site_tree["a"]["commune"]
    response = client.get(CSV, {"commune": commune.pk, "year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][1] == commune.title and rows[1][1] == "2025"
    months = {r[0]: r[1:] for r in rows if len(r) == 4 and r[0][:4] == "2025"}
    assert len(months) == 12
    assert months["2025-03"] == ["2", "8", "1"] and months["2025-02"] == ["0", "0", "0"]
    assert ["Nhà sàn Mường Hoa", "4", "1.1"] in rows
    countries = {r[0]: r[2] for r in rows if len(r) == 3 and r[0] in ("GB", "FR", "JP")}
    assert countries == {"GB": "2", "FR": "2"}


def test_top_experiences_count_guests_of_confirmed_departures(client, moderator_a, site_tree, experience):
    slot = experience.slots.order_by("starts_at").first()
    bookings.book_slot(
        slot=slot, guests=3, guest=guest("Jonas Weber", "DE"), payment_method=BookingPayment.ON_ARRIVAL
    )
    cancelled = bookings.book_slot(
        slot=slot, guests=2, guest=guest("Min-jun Kim", "KR"), payment_method=BookingPayment.ON_ARRIVAL
    )
    bookings.cancel_booking(booking=cancelled, cancelled_by=CancelledBy.GUEST)
    client.force_login(moderator_a)
    year = timezone.localdate(slot.starts_at).year
    rows = csv_rows(client.get(CSV, {"commune": site_tree["a"]["commune"].pk, "year": year}))
    assert ["Nhuộm chàm và dệt thổ cẩm", "3"] in rows
    assert [(r[0], r[2]) for r in rows if len(r) == 3 and r[0] in ("DE", "KR")] == [("DE", "3")]


def test_without_parameters_the_page_shows_the_moderator_s_commune_and_this_year(
    client, moderator_b, site_tree, march_2025
):
    client.force_login(moderator_b)
    response = client.get(STATISTICS)
    assert response.status_code == 200
    html = response.content.decode()
    this_year = timezone.localdate().year
    assert f'value="{this_year}"' in html
    assert f'<option value="{site_tree["b"]["commune"].pk}" selected>' in html
    assert f'value="{site_tree["a"]["commune"].pk}"' not in html  # A is not offered to B's moderator


def test_another_commune_s_figures_are_not_found(client, moderator_b, site_tree, march_2025):
    client.force_login(moderator_b)
    commune_a = site_tree["a"]["commune"].pk
    for target in (STATISTICS, CSV):
        response = client.get(target, {"commune": commune_a, "year": 2025}, follow=True)
        assert response.status_code == 404
        assert "Nhà sàn Mường Hoa" not in response.content.decode()


def test_an_impossible_year_is_refused_with_a_field_message(client, moderator_a):
    client.force_login(moderator_a)
    response = client.get(STATISTICS, {"year": "20x5"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_year-error"' in html and 'aria-invalid="true"' in html
    response = client.get(CSV, {"year": "1850"})
    assert response.status_code == 400
    with translation.override(response.headers["Content-Language"]):
        label = translation.gettext("Year")
    assert response.content.decode().startswith(f"{label}: ")
