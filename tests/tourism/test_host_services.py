"""The host's side of the tourism services (``tourism.services.listings`` and the review reply), called
directly: who may act, what a listing needs, and that a refusal writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import Event
from tourism.exceptions import TourismError, TourismErrorCode
from tourism.models import Block, ListingStatus, Service, ServiceKind, Unit
from tourism.services import bookings, listings, reviews

from .conftest import book, days_from_today, make_stay


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
