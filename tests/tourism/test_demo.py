"""``manage.py load_tourism_demo``: homestays, tours, experiences and bookings on top of the village demo,
written through the services, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from accounts.models import Role, User
from tourism.models import (
    Block,
    BlockSource,
    Booking,
    BookingStatus,
    CalendarFeed,
    CancelledBy,
    Host,
    ListingStatus,
    Review,
    SeasonalPrice,
    Service,
    ServiceImage,
    ServiceKind,
    Slot,
    Unit,
)
from village.models import CommuneWorkspace, HomePage, VillageImage

MODELS = (
    Host, Service, ServiceImage, VillageImage, Unit, SeasonalPrice, Slot, Block, CalendarFeed, Booking,
    Review, User,
)  # fmt: skip


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def _drop_prebuilt_tree() -> None:
    """The session's small test tree has its own home; the village demo builds the real one."""
    Site.objects.all().delete()
    for home in HomePage.objects.order_by("-depth"):
        Page.objects.get(pk=home.pk).delete()


@pytest.mark.django_db
def test_tourism_demo_refuses_without_the_village_demo():
    _drop_prebuilt_tree()
    before = _counts()
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_tourism_demo", stdout=StringIO())
    assert _counts() == before


@pytest.mark.django_db
def test_tourism_demo_builds_living_community_tourism_once(client):
    _drop_prebuilt_tree()
    call_command("load_demo", stdout=StringIO())

    out = StringIO()
    call_command("load_tourism_demo", stdout=out)
    output = out.getvalue()
    assert "[1/14] Homestay Giàng A Chứ…" in output and "Bookings (" in output
    assert (
        "Host logins: host@tavan.example, host@bacha.example, host@giaophong.example, host@dinhhung.example; "
        "tourist: tourist@travel.example"
    ) in output

    listed = Service.objects.listed()
    assert listed.filter(kind=ServiceKind.STAY).count() >= 8
    assert listed.exclude(kind=ServiceKind.STAY).count() >= 6
    assert set(listed.values_list("commune__slug", flat=True)) == {
        "ta-van",
        "bac-ha",
        "giao-phong",
        "dinh-hung",
    }
    for stay in listed.filter(kind=ServiceKind.STAY).prefetch_related("units"):
        assert 1 <= len(stay.units.all()) <= 4, stay
        assert all(250_000 <= unit.nightly_price <= 1_200_000 for unit in stay.units.all()), stay
    assert Unit.objects.filter(weekend_nightly_price__isnull=False).exists()
    assert SeasonalPrice.objects.filter(name__startswith="Tết").exists()
    assert len(set(listed.values_list("cancellation_policy", flat=True))) == 3
    assert (
        listed.filter(accepts_pay_on_arrival=True).exists()
        and listed.filter(accepts_pay_on_arrival=False).exists()
    )
    assert (
        listed.filter(booking_mode="on_request").exists()
        and Slot.objects.filter(starts_at__gt=timezone.now()).exists()
    )

    # every listing has one to three photos, kept in its commune's own collection
    for service in listed.prefetch_related("images__image__collection").select_related("commune"):
        photos = list(service.images.all())
        assert 1 <= len(photos) <= 3, service
        collection = CommuneWorkspace.objects.get(translation_key=service.commune.translation_key).collection
        assert all(photo.image.collection_id == collection.pk for photo in photos), service
        assert [photo.position for photo in photos] == list(range(len(photos))), service
    assert ServiceImage.objects.values("service").distinct().count() == Service.objects.count()

    # one host and listings wait for the commune moderator; approvals were made by a moderator
    assert Host.objects.filter(status=ListingStatus.PENDING).count() == 1
    assert Service.objects.filter(status=ListingStatus.PENDING).count() >= 1
    tavan_host = Host.objects.get(owner__email="host@tavan.example")
    assert tavan_host.status == ListingStatus.APPROVED and tavan_host.commune.slug == "ta-van"
    for email, commune in (
        ("host@tavan.example", "ta-van"),
        ("host@bacha.example", "bac-ha"),
        ("host@giaophong.example", "giao-phong"),
        ("host@dinhhung.example", "dinh-hung"),
    ):
        owner = User.objects.get(email=email)
        assert owner.check_password("LangSo-demo-2026")
        assert owner.memberships.filter(role=Role.HOST, commune__slug=commune).exists()

    # bookings in the past (completed) and the future, from several countries, some cancelled
    today = timezone.localdate()
    assert Booking.objects.filter(status=BookingStatus.COMPLETED, check_out__lte=today).count() >= 10
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED, check_in__gt=today).count() >= 10
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED, paid_at__isnull=False).exists()  # VietQR
    cancelled_by = set(
        Booking.objects.filter(status=BookingStatus.CANCELLED).values_list("cancelled_by", flat=True)
    )
    assert {CancelledBy.GUEST, CancelledBy.HOST} <= cancelled_by
    countries = set(Booking.objects.values_list("guest_country", flat=True))
    assert {"GB", "FR", "DE", "US", "AU", "VN", "JP", "KR"} <= countries
    assert Review.objects.count() >= 5 and Review.objects.exclude(reply="").count() == 1

    # the Airbnb calendar blocks nights of a Tả Van room; the host closed others
    imported = Block.objects.filter(source=BlockSource.CALENDAR, is_conflict=False)
    assert imported.count() == 2
    assert {block.unit.service.commune.slug for block in imported} == {"ta-van"}
    assert Block.objects.filter(source=BlockSource.HOST).exists()

    before = _counts()
    again = StringIO()
    call_command("load_tourism_demo", stdout=again)
    assert _counts() == before
    assert "nothing new" in again.getvalue()

    # the Tả Van host's stay is on the tourist pages
    stay = listed.filter(kind=ServiceKind.STAY).get(host=tavan_host)
    response = client.get(reverse("tourism:service", args=[stay.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert stay.title_vi in html
    assert 'class="gallery-image"' in html and ".webp" in html and "original_images/" not in html
