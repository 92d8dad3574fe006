"""Tourism fixtures: an approved homestay (two rooms) in commune A, an experience with departures, a
guest, and helpers to book through the services."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from tests import factories
from tourism.models import (
    BookingMode,
    BookingPayment,
    CancellationPolicy,
    ListingStatus,
    Service,
    ServiceKind,
)
from tourism.services import bookings, listings

GUEST = bookings.GuestDetails(
    name="Emma Walker", email="emma@example.org", phone="+447700900123", country="GB"
)


def approve(instance):
    type(instance).objects.filter(pk=instance.pk).update(status=ListingStatus.APPROVED)
    instance.refresh_from_db()
    return instance


def make_host(owner, commune, name: str, **fields):
    defaults = {
        "bank_bin": "970436",
        "bank_account_number": "0011001234567",
        "bank_account_name": "SUNG A PAO",
    }
    defaults.update(fields)
    return approve(listings.create_host(owner=owner, commune=commune, actor=owner, name=name, **defaults))


def make_stay(host, title: str, *, rooms=((2, 400_000),), **fields) -> Service:
    defaults = {
        "kind": ServiceKind.STAY, "description_vi": f"{title}: nhà sàn, bữa tối gia đình.",
        "cancellation_policy": CancellationPolicy.MODERATE, "accepts_pay_on_arrival": True,
        "amenities": ["wifi", "hot_water"],
    }  # fmt: skip
    defaults.update(fields)
    service = approve(listings.create_service(host=host, actor=host.owner, title_vi=title, **defaults))
    for number, (capacity, price) in enumerate(rooms, start=1):
        listings.save_unit(
            service=service, actor=host.owner, name_vi=f"Phòng {number}", name_en=f"Room {number}",
            capacity=capacity, included_guests=min(2, capacity), nightly_price=price,
        )  # fmt: skip
    return service


def make_experience(host, title: str, *, seats: int = 8, price: int = 250_000, departures: int = 3, **fields):
    defaults = {
        "kind": ServiceKind.EXPERIENCE, "description_vi": f"{title} cùng nghệ nhân.",
        "meeting_point": "Nhà văn hoá", "duration_minutes": 180, "languages": ["vi", "en"],
        "cancellation_policy": CancellationPolicy.FLEXIBLE, "accepts_pay_on_arrival": True,
    }  # fmt: skip
    defaults.update(fields)
    service = approve(listings.create_service(host=host, actor=host.owner, title_vi=title, **defaults))
    if defaults.get("booking_mode") != BookingMode.ON_REQUEST:
        first_day = timezone.localdate() + timedelta(days=3)
        for day in range(departures):
            listings.add_slot(
                service=service, actor=host.owner, capacity=seats, price_per_person=price,
                starts_at=timezone.make_aware(datetime.combine(first_day + timedelta(days=day), time(9, 0))),
            )  # fmt: skip
    return service


def days_from_today(days: int):
    return timezone.localdate() + timedelta(days=days)


def book(
    unit, *, check_in, nights=2, guests=2, payment_method=BookingPayment.ON_ARRIVAL, user=None, **kwargs
):
    return bookings.book_stay(
        unit=unit, check_in=check_in, check_out=check_in + timedelta(days=nights), guests=guests,
        guest=kwargs.pop("guest", GUEST), payment_method=payment_method, user=user, **kwargs,
    )  # fmt: skip


@pytest.fixture
def host_owner(site_tree):
    return factories.make_member("pao@example.org", site_tree["a"]["commune"], Role.HOST)


@pytest.fixture
def other_host_owner(site_tree):
    return factories.make_member("lan@example.org", site_tree["b"]["commune"], Role.HOST)


@pytest.fixture
def host(site_tree, host_owner):
    return make_host(host_owner, site_tree["a"]["commune"], "Homestay Sùng A Páo")


@pytest.fixture
def other_host(site_tree, other_host_owner):
    return make_host(
        other_host_owner, site_tree["b"]["commune"], "Nhà nghỉ Lan", bank_account_name="LO THI LAN"
    )


@pytest.fixture
def stay(host):
    return make_stay(host, "Homestay Sùng A Páo", rooms=((2, 400_000), (4, 650_000)))


@pytest.fixture
def room(stay):
    return stay.units.order_by("id").first()


@pytest.fixture
def experience(host):
    return make_experience(host, "Nhuộm chàm và dệt thổ cẩm")


@pytest.fixture
def guest_user(db):
    return factories.make_user("emma@example.org", first_name="Emma", last_name="Walker")
