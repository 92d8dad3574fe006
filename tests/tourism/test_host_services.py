"""The host's side of the tourism services (``tourism.services.listings``, the review reply, and the
booking rules the host pages show), called directly: who may act, who may become a host, what a listing
needs, which booking moves are still possible, and that a refusal writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.services import grant_consent
from core.models import Event
from tests import factories
from tourism.exceptions import TourismError, TourismErrorCode
from tourism.models import (
    Block,
    Booking,
    BookingMode,
    BookingStatus,
    CancelledBy,
    ListingStatus,
    Service,
    ServiceKind,
    Unit,
)
from tourism.services import bookings, listings, reviews

from .conftest import book, days_from_today, make_stay


@pytest.fixture
def on_request_unit(host):
    return make_stay(host, "Nhà sàn Mây", booking_mode=BookingMode.ON_REQUEST).units.get()


def test_a_new_listing_waits_for_approval_and_an_approved_one_goes_back_when_its_words_change(host):
    service = listings.create_service(
        host=host, actor=host.owner, kind=ServiceKind.STAY, title_vi="Nhà sàn bên suối", amenities=["wifi"]
    )
    assert service.status == ListingStatus.PENDING
    Service.objects.filter(pk=service.pk).update(status=ListingStatus.APPROVED)
    service.refresh_from_db()
    # a price-only change keeps it approved; a new title sends it back
    service = listings.update_service(service=service, actor=host.owner, accepts_pay_on_arrival=True)
    assert service.status == ListingStatus.APPROVED
    service = listings.update_service(service=service, actor=host.owner, title_vi="Nhà sàn Mây")
    assert service.status == ListingStatus.PENDING


def test_an_on_request_tour_without_a_price_or_meeting_point_is_refused(host):
    before = (Service.objects.count(), Event.objects.count())
    with pytest.raises(ValidationError) as refused:
        listings.create_service(
            host=host, actor=host.owner, kind=ServiceKind.TOUR, title_vi="Leo núi", booking_mode="on_request"
        )
    assert set(refused.value.message_dict) == {"meeting_point", "price_per_person"}
    assert (Service.objects.count(), Event.objects.count()) == before


def test_a_stranger_cannot_change_a_listing_or_its_calendar(host, stay, room, other_host):
    stranger = other_host.owner
    before = (Service.objects.filter(pk=stay.pk).values().get(), room.calendar_token, Block.objects.count())
    for attempt in (
        lambda: listings.update_service(service=stay, actor=stranger, title_vi="Của tôi"),
        lambda: listings.save_unit(service=stay, unit=room, actor=stranger, nightly_price=1),
        lambda: listings.regenerate_calendar_token(unit=room, actor=stranger),
        lambda: listings.close_dates(
            unit=room, actor=stranger, starts_on=days_from_today(3), ends_on=days_from_today(4)
        ),
    ):
        with pytest.raises(TourismError) as refused:
            attempt()
        assert refused.value.code == TourismErrorCode.NOT_ALLOWED
    room.refresh_from_db()
    assert before == (
        Service.objects.filter(pk=stay.pk).values().get(),
        room.calendar_token,
        Block.objects.count(),
    )


def test_a_room_of_one_stay_cannot_be_saved_through_another(host, stay, room):
    other = make_stay(host, "Nhà thứ hai")
    with pytest.raises(TourismError) as refused:
        listings.save_unit(service=other, unit=room, actor=host.owner, name_vi="Phòng lạ")
    assert refused.value.code == TourismErrorCode.NOT_ALLOWED
    assert Unit.objects.get(pk=room.pk).name_vi == room.name_vi


def test_closing_nights_in_the_past_or_over_a_booking_is_refused(host, room):
    book(room, check_in=days_from_today(5), nights=2)
    cases = [
        (days_from_today(-2), days_from_today(1), TourismErrorCode.DATES_IN_THE_PAST),
        (days_from_today(4), days_from_today(6), TourismErrorCode.UNAVAILABLE),
        (days_from_today(8), days_from_today(8), TourismErrorCode.INVALID_DATES),
    ]
    for starts_on, ends_on, code in cases:
        with pytest.raises(TourismError) as refused:
            listings.close_dates(unit=room, actor=host.owner, starts_on=starts_on, ends_on=ends_on)
        assert refused.value.code == code
    assert not Block.objects.filter(unit=room).exists()


def test_the_host_replies_once_and_only_the_host(room, guest_user, other_host):
    booking = book(
        room, check_in=days_from_today(-4), nights=2, user=guest_user, now=timezone.now() - timedelta(days=6)
    )
    bookings.complete_finished_bookings()
    booking.refresh_from_db()
    review = reviews.write_review(booking=booking, author=guest_user, rating=4)
    host_owner = room.service.host.owner
    with pytest.raises(TourismError) as refused:
        reviews.reply_to_review(review=review, actor=other_host.owner, text="Không phải tôi")
    assert refused.value.code == TourismErrorCode.NOT_ALLOWED
    reviews.reply_to_review(review=review, actor=host_owner, text="Cảm ơn!")
    with pytest.raises(TourismError) as refused:
        reviews.reply_to_review(review=review, actor=host_owner, text="Lần hai")
    assert refused.value.code == TourismErrorCode.ALREADY_REPLIED
    review.refresh_from_db()
    assert review.reply == "Cảm ơn!"


def test_who_may_become_a_host_where(site_tree, host_owner, guest_user):
    commune_a = site_tree["a"]["commune"]
    helper = factories.make_member("team-a@example.org", commune_a, Role.DIGITAL_TEAM)
    household = factories.make_member("cu@example.org", commune_a, Role.HOST)
    # a host member of commune A, for themselves: commune A; a guest without membership: nowhere
    assert listings.host_communes(actor=host_owner, owner=host_owner) == [commune_a]
    assert listings.host_communes(actor=guest_user, owner=guest_user) == []
    # a team member, for a household: only with its consent
    assert listings.host_communes(actor=helper, owner=household) == []
    assert listings.households_to_register(actor=helper) == []
    consent = grant_consent(household=household, helper=helper, commune=commune_a, scope="stays")
    assert listings.host_communes(actor=helper, owner=household) == [commune_a]
    assert listings.households_to_register(actor=helper) == [consent]
    # once the household is a host, it is no longer offered for registration
    listings.create_host(owner=household, commune=commune_a, actor=helper, name="Nhà Giàng A Cu")
    assert listings.households_to_register(actor=helper) == []


def test_what_the_host_page_offers_is_what_the_booking_services_accept(room, on_request_unit):
    today, now = timezone.localdate(), timezone.now()
    upcoming = book(room, check_in=days_from_today(5))
    ended = book(room, check_in=days_from_today(-3), nights=2, now=now - timedelta(days=5))
    expired_request = book(on_request_unit, check_in=days_from_today(8), now=now - timedelta(days=2))
    # a stay that has ended is no longer cancellable, and the service agrees
    assert bookings.is_cancellable(upcoming, today=today)
    assert not bookings.is_cancellable(ended, today=today)
    before = (Booking.objects.filter(pk=ended.pk).values().get(), Event.objects.count())
    with pytest.raises(TourismError) as refused:
        bookings.cancel_booking(booking=ended, cancelled_by=CancelledBy.HOST, actor=room.service.host.owner)
    assert refused.value.code == TourismErrorCode.ILLEGAL_TRANSITION
    assert (Booking.objects.filter(pk=ended.pk).values().get(), Event.objects.count()) == before
    # a request whose time ran out awaits no answer, and the service agrees
    assert not bookings.awaits_answer(expired_request, now=now)
    with pytest.raises(TourismError) as refused:
        bookings.answer_request(booking=expired_request, accept=True, actor=room.service.host.owner)
    assert refused.value.code == TourismErrorCode.HOLD_EXPIRED
    assert Booking.objects.get(pk=expired_request.pk).status == BookingStatus.REQUESTED
    # the cancellable booking is cancelled, and then no longer cancellable
    cancelled, _refund = bookings.cancel_booking(booking=upcoming, cancelled_by=CancelledBy.GUEST)
    assert not bookings.is_cancellable(cancelled, today=today)
