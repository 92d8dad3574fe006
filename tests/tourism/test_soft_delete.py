"""Deleting a stay, tour or experience (or a host) is a soft delete: gone from every public door and from
booking, its bookings keep working, staff restore it; a booking is never deleted."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.deletion import DeletionRefused
from core.models import Event
from tests import factories
from tests.api.conftest import client_with_key, make_partner
from tests.tourism.conftest import book, days_from_today
from tourism.exceptions import TourismError, TourismErrorCode
from tourism.models import Booking, BookingStatus, CancelledBy, Host, Service
from tourism.services import bookings as booking_services
from tourism.services import deletion


def host_url(name: str, **kwargs) -> str:
    with translation.override("vi"):
        return reverse(f"host:{name}", kwargs=kwargs)


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def event_names(subject) -> list[str]:
    return list(Event.objects.for_subject(subject).order_by("id").values_list("name", flat=True))


def public_views(service, api_client) -> dict:
    browser = Client()
    return {
        "search page": service.slug in browser.get("/vi/stays/").text,
        "listing page": browser.get(f"/vi/stays/{service.slug}/").status_code,
        "site search": service.title_vi in browser.get("/vi/search/", {"q": "homestay sung a pao"}).text,
        "feed": any(
            item["title"] == service.title_vi for item in browser.get("/feeds/vi/stays.json").json()["items"]
        ),
        "embed": browser.get(f"/embed/stay/{service.slug}/").status_code,
        "api list": any(
            item["id"] == service.pk for item in api_client.get("/api/v1/stays/").json()["results"]
        ),
        "api detail": api_client.get(f"/api/v1/stays/{service.pk}/").status_code,
    }


VISIBLE = {
    "search page": True,
    "listing page": 200,
    "site search": True,
    "feed": True,
    "embed": 200,
    "api list": True,
    "api detail": 200,
}
HIDDEN = {
    "search page": False,
    "listing page": 404,
    "site search": False,
    "feed": False,
    "embed": 404,
    "api list": False,
    "api detail": 404,
}


@pytest.fixture
def partner_client(site_tree):
    return client_with_key(make_partner())


@pytest.fixture
def platform_admin(db):
    return factories.make_user("admin@example.org", superuser=True)


@pytest.mark.django_db
def test_the_host_deletes_a_stay_it_vanishes_and_its_booking_still_works(
    stay, room, host, host_owner, partner_client
):
    booking = book(room, check_in=days_from_today(10))
    assert public_views(stay, partner_client) == VISIBLE

    edit_page = logged_in(host_owner).get(host_url("service_edit", host_id=host.pk, service_id=stay.pk)).text
    delete_url = host_url("service_delete", host_id=host.pk, service_id=stay.pk)
    assert f'href="{delete_url}"' in edit_page
    confirm = logged_in(host_owner).get(delete_url)  # asks first: a GET deletes nothing
    assert confirm.status_code == 200 and Service.objects.filter(pk=stay.pk).exists()
    response = logged_in(host_owner).post(delete_url)

    assert response.status_code == 302
    assert response["Location"] == host_url("dashboard", host_id=host.pk)
    assert public_views(stay, partner_client) == HIDDEN
    stored = Service.all_objects.get(pk=stay.pk)
    assert stored.deleted_by == host_owner and stored.deleted_at is not None
    assert event_names(stored)[-1] == "tourism.service.deleted"
    # its rooms go with it in the host area, its booking does not
    host_browser = logged_in(host_owner)
    assert host_browser.get(host_url("service_edit", host_id=host.pk, service_id=stay.pk)).status_code == 404
    assert host_browser.get(host_url("unit_calendar", host_id=host.pk, unit_id=room.pk)).status_code == 404
    detail = host_browser.get(host_url("booking_detail", host_id=host.pk, reference=booking.reference))
    assert detail.status_code == 200 and booking.reference in detail.text
    guest_page = Client().get(f"/en/stays/booking/{booking.access_token}/")
    assert guest_page.status_code == 200 and stay.title_vi in guest_page.text
    assert Booking.objects.get(pk=booking.pk).service == stored
    # the booking can still be cancelled (and refunded by policy)
    cancelled, _quote = booking_services.cancel_booking(
        booking=booking, cancelled_by=CancelledBy.HOST, actor=host_owner, reason="Nhà sửa chữa"
    )
    assert cancelled.status == BookingStatus.CANCELLED


@pytest.mark.django_db
def test_a_deleted_listing_takes_no_new_booking(stay, room, host_owner):
    deletion.delete_service(service=stay, actor=host_owner)
    room.refresh_from_db()

    with pytest.raises(TourismError) as error:
        book(room, check_in=days_from_today(10))

    assert error.value.code == TourismErrorCode.NOT_BOOKABLE
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_someone_else_cannot_delete_a_listing_404_and_nothing_changes(
    stay, host, other_host, other_host_owner
):
    before = event_names(stay)
    browser = logged_in(other_host_owner)

    theirs = browser.post(host_url("service_delete", host_id=host.pk, service_id=stay.pk))
    theirs_page = browser.get(host_url("service_delete", host_id=host.pk, service_id=stay.pk))
    through_own = browser.post(host_url("service_delete", host_id=other_host.pk, service_id=stay.pk))

    assert (theirs.status_code, theirs_page.status_code, through_own.status_code) == (404, 404, 404)
    assert Service.objects.get(pk=stay.pk).deleted_at is None
    assert event_names(stay) == before
    with pytest.raises(TourismError) as error:
        deletion.delete_service(service=stay, actor=other_host_owner)
    assert error.value.code == TourismErrorCode.NOT_ALLOWED


@pytest.mark.django_db
def test_staff_restore_a_listing_from_the_deleted_items_list(
    stay, host_owner, platform_admin, partner_client
):
    deletion.delete_service(service=stay, actor=host_owner)
    with pytest.raises(TourismError) as error:  # only the commune's moderator or a platform admin restores
        deletion.restore_service(service=stay, actor=host_owner)
    assert error.value.code == TourismErrorCode.NOT_ALLOWED
    assert Service.all_objects.get(pk=stay.pk).deleted_at is not None
    admin = logged_in(platform_admin)
    assert stay.title_vi in admin.get("/django-admin/tourism/service/", {"deleted": "yes"}).text

    response = admin.post(
        "/django-admin/tourism/service/", {"action": "restore_selected", "_selected_action": [stay.pk]}
    )

    assert response.status_code == 302
    assert public_views(stay, partner_client) == VISIBLE
    assert event_names(stay)[-2:] == ["tourism.service.deleted", "tourism.service.restored"]


@pytest.mark.django_db
def test_deleting_a_host_hides_its_listings_and_area_and_restore_brings_them_back(
    stay, room, host, host_owner, platform_admin, partner_client
):
    booking = book(room, check_in=days_from_today(12))
    admin = logged_in(platform_admin)
    # a host with a booking under way is refused (its owner manages the booking from the host area)
    refused = admin.post(
        "/django-admin/tourism/host/",
        {"action": "soft_delete_selected", "_selected_action": [host.pk]},
        follow=True,
    )
    errors = [str(m) for m in refused.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and errors[0].startswith(str(host))
    assert Host.objects.filter(pk=host.pk).exists()
    assert "tourism.host.deleted" not in event_names(host)
    # once the booking has ended, the host can go
    booking_services.cancel_booking(booking=booking, cancelled_by=CancelledBy.GUEST, reason="Đổi lịch")

    admin.post(
        "/django-admin/tourism/host/", {"action": "soft_delete_selected", "_selected_action": [host.pk]}
    )

    assert Host.all_objects.get(pk=host.pk).deleted_by == platform_admin
    assert public_views(stay, partner_client) == HIDDEN
    assert logged_in(host_owner).get(host_url("dashboard", host_id=host.pk)).status_code == 404
    assert Client().get(f"/en/stays/booking/{booking.access_token}/").status_code == 200

    logged_in(platform_admin).post(
        "/django-admin/tourism/host/", {"action": "restore_selected", "_selected_action": [host.pk]}
    )

    assert public_views(stay, partner_client) == VISIBLE
    assert event_names(host)[-2:] == ["tourism.host.deleted", "tourism.host.restored"]


@pytest.mark.django_db
def test_a_booking_is_never_deleted(room, stay, host):
    booking = book(room, check_in=days_from_today(10))

    for attempt in (
        booking.delete,
        Booking.objects.filter(pk=booking.pk).delete,
        stay.delete,
        Service.all_objects.all().delete,
        host.delete,
    ):
        with pytest.raises(DeletionRefused):
            attempt()

    assert Booking.objects.filter(pk=booking.pk, status=booking.status).exists()
    assert Service.objects.filter(pk=stay.pk).exists()
