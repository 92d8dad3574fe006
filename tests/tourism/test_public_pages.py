"""The tourist's pages: search, a listing's page with quotes and JSON-LD, booking, paying, the private
booking page, cancelling and reviewing, and the commune page's stays."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.models import Event
from payments.models import Payment, Refund
from tests.payments.conftest import signed_post
from tests.payments.conftest import stripe_stub as stripe_stub  # the fixture, for these tests
from tourism.models import (
    Booking,
    BookingMode,
    BookingPayment,
    BookingStatus,
    Occupancy,
    Review,
    Slot,
    Unit,
)
from tourism.services import bookings
from tourism.services import payments as booking_payments

from .conftest import GUEST, book, days_from_today, make_experience, make_stay

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _structured_data(html: str) -> dict:
    return json.loads(JSONLD.search(html).group(1))


def _slugs(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="/\w+/stays/([\w-]+)/', html)


def _booking_data(unit, *, check_in, nights=2, guests=2, payment_method=BookingPayment.ON_ARRIVAL, **extra):
    data = {
        "unit": unit.pk,
        "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=nights)).isoformat(),
        "guests": guests,
        "guest_name": "Emma Walker",
        "guest_email": "emma@example.org",
        "guest_phone": "+447700900123",
        "guest_country": "gb",
        "payment_method": payment_method,
        "message": "We arrive by the afternoon bus.",
    }
    data.update(extra)
    return data


def _next_thursday(at_least_days: int = 7):
    day = days_from_today(at_least_days)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


# --- search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_searching_without_accents_finds_a_homestay_of_the_commune(client, stay, language):
    # given a homestay in Tả Van
    # when a tourist types "ta van homestay" without the accents
    response = client.get(f"/{language}/stays/", {"q": "ta van homestay"})
    # then the homestay is found, and its card gives the cheapest room's nightly price
    assert response.status_code == 200
    assert _slugs(response.text) == [stay.slug]
    assert "400.000 ₫" in response.text
    # and the same words for the other commune find nothing
    assert _slugs(client.get(f"/{language}/stays/", {"q": "bac ha homestay"}).text) == []


def test_search_by_dates_hides_a_stay_whose_only_room_is_taken_but_not_one_with_a_free_room(
    client, host, stay, room
):
    # given a one-room homestay booked for the nights asked, and the two-room homestay with one room booked
    single = make_stay(host, "Nhà sàn Tả Van", rooms=((2, 300_000),))
    check_in = days_from_today(10)
    book(single.units.get(), check_in=check_in)
    book(room, check_in=check_in)
    query = {"check_in": check_in.isoformat(), "check_out": (check_in + timedelta(days=2)).isoformat()}
    # when a tourist searches these dates
    html = client.get("/en/stays/", {**query, "kind": "stay"}).text
    # then only the homestay with a free room is shown, and its card carries the dates to its page
    assert _slugs(html) == [stay.slug]
    assert (
        f'href="/en/stays/{stay.slug}/?check_in={query["check_in"]}&amp;check_out={query["check_out"]}"'
        in html
    )
    # and other dates show both
    later = {"check_in": days_from_today(20).isoformat(), "check_out": days_from_today(22).isoformat()}
    assert sorted(_slugs(client.get("/en/stays/", {**later, "kind": "stay"}).text)) == sorted(
        [stay.slug, single.slug]
    )


def test_a_party_larger_than_every_room_hides_the_stay(client, stay):
    assert _slugs(client.get("/en/stays/", {"kind": "stay", "guests": 4}).text) == [stay.slug]
    assert _slugs(client.get("/en/stays/", {"kind": "stay", "guests": 5}).text) == []


@pytest.mark.parametrize(
    ("check_in", "check_out", "field", "message"),
    [
        (5, 3, "check_out", "Check-out must be after check-in."),
        (5, None, "check_out", "Choose a check-out date too."),
        (-2, 2, "check_in", "Check-in cannot be in the past."),
        (5, 66, "check_out", "A stay is at most 60 nights."),
        (800, 802, "check_in", "Bookings open two years ahead at most."),
    ],
)
def test_impossible_search_dates_get_a_message_on_the_field_not_an_error_page(
    client, stay, check_in, check_out, field, message
):
    query = {"check_in": days_from_today(check_in).isoformat()}
    if check_out is not None:
        query["check_out"] = days_from_today(check_out).isoformat()
    response = client.get("/en/stays/", query)
    assert response.status_code == 200
    assert re.search(
        rf'<ul class="errorlist" id="id_{field}_error"><li>{re.escape(message)}</li></ul>', response.text
    )
    # the rest of the search still runs, without the dates
    assert _slugs(response.text) == [stay.slug]


def test_the_search_page_runs_the_same_queries_for_one_and_ten_services(client, host, stay):
    url = "/vi/stays/?guests=2"
    client.get(url)
    _response, one = _count_queries(client, url)
    for number in range(2, 11):
        make_stay(host, f"Homestay số {number}", rooms=((2, 300_000 + number), (3, 500_000)))
    response, ten = _count_queries(client, url)
    assert len(_slugs(response.text)) == 10
    assert ten == one


# --- a listing's page -------------------------------------------------------------------------------


def test_a_stay_page_describes_it_in_json_ld_as_a_lodging_business_with_its_rooms(client, stay):
    stay.description_en = "A stilt house. </script><script>alert(1)</script>"
    stay.save(update_fields=["description_en"])
    html = client.get(f"/en/stays/{stay.slug}/").text
    assert "</script><script>alert(1)" not in html
    data = _structured_data(html)
    assert data["@type"] == "LodgingBusiness"
    assert data["description"].endswith("</script><script>alert(1)</script>")
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Tả Van EN",
        "addressCountry": "VN",
    }
    assert (data["checkinTime"], data["checkoutTime"]) == ("14:00", "11:00")
    assert [feature["name"] for feature in data["amenityFeature"]] == ["Wi-Fi", "Hot water"]
    assert [(offer["@type"], offer["price"], offer["priceCurrency"]) for offer in data["makesOffer"]] == [
        ("Offer", "400000", "VND"),
        ("Offer", "650000", "VND"),
    ]
    assert "aggregateRating" not in data  # no review yet


def test_an_experience_page_has_one_event_per_departure_and_says_which_are_full(client, experience):
    first = experience.slots.order_by("starts_at").first()
    bookings.book_slot(slot=first, guests=8, guest=GUEST, payment_method=BookingPayment.ON_ARRIVAL)
    response = client.get(f"/en/stays/{experience.slug}/")
    graph = _structured_data(response.text)["@graph"]
    assert [item["@type"] for item in graph] == ["TouristAttraction", "Event", "Event", "Event"]
    offers = [event["offers"] for event in graph[1:]]
    assert [offer["availability"].rsplit("/", 1)[1] for offer in offers] == ["SoldOut", "InStock", "InStock"]
    assert {(offer["price"], offer["priceCurrency"]) for offer in offers} == {("250000", "VND")}
    assert offers[0]["url"] == f"http://testserver/en/stays/{experience.slug}/"
    # and the page says the first departure is full and offers a form only for the others
    assert response.text.count('name="slot"') == 2
    assert response.text.count('<strong class="sold-out">Full</strong>') == 1


def test_a_stay_page_prices_each_free_room_line_by_line_for_a_weekend_and_an_extra_guest(client, stay):
    # given the family room (4 guests, 2 included) dearer on Friday and Saturday nights, and extra guests
    # paying 100.000 a night
    family = stay.units.get(capacity=4)
    Unit.objects.filter(pk=family.pk).update(weekend_nightly_price=800_000, extra_guest_price=100_000)
    thursday = _next_thursday()
    # when three guests look at Thursday to Sunday
    html = client.get(
        f"/en/stays/{stay.slug}/",
        {
            "check_in": thursday.isoformat(),
            "check_out": (thursday + timedelta(days=3)).isoformat(),
            "guests": 3,
        },
    ).text
    # then the family room shows a weekday line, a weekend line, the extra guest and the total
    assert "1 night × 650.000 ₫" in html
    assert "2 nights × 800.000 ₫ (weekend)" in html
    assert "1 extra guest(s) × 3 night(s) × 100.000 ₫" in html
    assert "<strong>2.550.000 ₫</strong>" in html
    assert f'name="unit" value="{family.pk}"' in html
    # and the double room says it is too small, without a booking form
    assert "This takes at most 2 guests." in html
    assert html.count('name="unit"') == 1


def test_a_taken_room_is_shown_as_not_available_for_the_dates(client, stay, room):
    check_in = days_from_today(12)
    book(room, check_in=check_in)
    html = client.get(
        f"/en/stays/{stay.slug}/",
        {"check_in": check_in.isoformat(), "check_out": (check_in + timedelta(days=2)).isoformat()},
    ).text
    assert "Not available for these dates." in html
    assert html.count("Free for your dates") == 1


def test_dates_in_the_past_on_a_stay_page_get_a_field_message_with_status_200(client, stay):
    response = client.get(
        f"/en/stays/{stay.slug}/",
        {"check_in": days_from_today(-3).isoformat(), "check_out": days_from_today(-1).isoformat()},
    )
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_check_in_error"><li>Check-in cannot be in the past.</li></ul>' in (
        response.text
    )
    assert 'name="unit"' not in response.text


def test_an_unlisted_service_is_not_found(client, stay):
    type(stay).objects.filter(pk=stay.pk).update(status="pending")
    assert client.get(f"/en/stays/{stay.slug}/").status_code == 404


# --- booking ----------------------------------------------------------------------------------------


def test_booking_to_pay_on_arrival_confirms_it_and_emails_the_guest_and_the_host(
    client, stay, room, mailoutbox, django_capture_on_commit_callbacks
):
    check_in = days_from_today(20)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/stays/{stay.slug}/book/", _booking_data(room, check_in=check_in))
    booking = Booking.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/en/stays/booking/{booking.access_token}/"
    assert (booking.status, booking.unit, booking.total, booking.guest_country) == (
        BookingStatus.CONFIRMED, room, 800_000, "GB",
    )  # fmt: skip
    assert sorted(message.to[0] for message in mailoutbox) == ["emma@example.org", "pao@example.org"]
    to_guest = next(message for message in mailoutbox if message.to == ["emma@example.org"])
    assert booking.reference in to_guest.subject
    assert f"http://testserver/en/stays/booking/{booking.access_token}/" in to_guest.body
    assert "800.000 ₫" in to_guest.body
    # and the booking page shows the reference, the QR code and how to pay
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in page.text
    assert f'<strong class="price-large">{booking.reference}</strong>' in page.text
    assert f'src="/en/stays/booking/{booking.access_token}/qr.svg"' in page.text
    assert "Pay 800.000 ₫ to your host when you arrive" in page.text
    assert f'href="/en/stays/booking/{booking.access_token}/cancel/"' in page.text
    qr = client.get(f"/en/stays/booking/{booking.access_token}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content


def test_a_guest_without_an_account_gets_emails_in_the_language_they_booked_in(
    client, stay, room, mailoutbox, django_capture_on_commit_callbacks
):
    # given a guest booking on the Vietnamese pages, not logged in
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/vi/stays/{stay.slug}/book/", _booking_data(room, check_in=days_from_today(20)))
    booking = Booking.objects.get()
    # then the booking remembers the language and the guest's email is in Vietnamese, with /vi/ links
    assert booking.language == "vi"
    to_guest = next(message for message in mailoutbox if message.to == ["emma@example.org"])
    with translation.override("vi"):
        expected_subject = gettext("Booking %(reference)s confirmed") % {"reference": booking.reference}
    assert to_guest.subject == expected_subject
    assert f"/vi/stays/booking/{booking.access_token}/" in to_guest.body


def test_booking_by_bank_transfer_shows_the_vietqr_on_the_booking_page(client, stay, room):
    response = client.post(
        f"/vi/stays/{stay.slug}/book/",
        _booking_data(room, check_in=days_from_today(20), payment_method=BookingPayment.BANK_TRANSFER),
    )
    booking = Booking.objects.get()
    assert response.status_code == 303
    assert booking.status == BookingStatus.HELD
    payment = booking_payments.payment_for(booking)
    html = client.get(response["Location"]).text
    assert '<div class="vietqr-code"><?xml' in html or '<div class="vietqr-code"><svg' in html
    assert "0011001234567" in html and "SUNG A PAO" in html
    assert f"<strong>{payment.reference}</strong>" in html


def test_booking_by_card_goes_to_stripe_and_the_webhook_confirms_it(client, stripe_stub, stay, room):
    # when the guest books paying by card
    response = client.post(
        f"/en/stays/{stay.slug}/book/",
        _booking_data(room, check_in=days_from_today(20), payment_method=BookingPayment.CARD),
    )
    booking = Booking.objects.get()
    payment = booking_payments.payment_for(booking)
    # then they go to Stripe's page, which sends them back to the booking page
    assert response.status_code == 303
    assert response["Location"] == f"https://checkout.stripe.test/c/pay/{payment.provider_reference}"
    session = stripe_stub.posts("/v1/checkout/sessions")[0]
    assert session.form["success_url"] == f"http://testserver/en/stays/booking/{booking.access_token}/"
    # and the booking page waits for the payment with a button to pay
    assert (
        f'action="/en/stays/booking/{booking.access_token}/pay/"'
        in client.get(f"/en/stays/booking/{booking.access_token}/").text
    )
    # when Stripe says it is paid
    completed = stripe_stub.complete_session(payment.provider_reference)
    webhook = signed_post(client, stripe_stub.event("checkout.session.completed", completed))
    # then the booking is confirmed and paid
    assert webhook.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.is_paid


def test_cancelling_a_card_paid_booking_refunds_what_the_policy_gives_through_stripe(
    client, stripe_stub, stay, room, django_capture_on_commit_callbacks
):
    # given a confirmed booking paid by card, 20 days ahead (moderate policy: everything back until 5 days)
    client.post(
        f"/en/stays/{stay.slug}/book/",
        _booking_data(room, check_in=days_from_today(20), payment_method=BookingPayment.CARD),
    )
    booking = Booking.objects.get()
    payment = booking_payments.payment_for(booking)
    signed_post(
        client,
        stripe_stub.event(
            "checkout.session.completed", stripe_stub.complete_session(payment.provider_reference)
        ),
    )
    cancel_url = f"/en/stays/booking/{booking.access_token}/cancel/"
    # when the guest opens the cancel page
    preview = client.get(cancel_url)
    # then it shows the refund before anything is done
    assert '<strong class="refund-amount">800.000 ₫</strong>' in preview.text
    assert "Cancelling now refunds 100%" in preview.text
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    # when they confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url, {"reason": "Plans changed"})
    # then the booking is cancelled and the policy's amount goes back through Stripe
    assert response.status_code == 303
    booking.refresh_from_db()
    assert (booking.status, booking.refund_amount) == (BookingStatus.CANCELLED, 800_000)
    refund = Refund.objects.get()
    assert (refund.amount, refund.status) == (800_000, "succeeded")
    assert len(stripe_stub.posts("/v1/refunds")) == 1


def test_a_booking_of_dates_already_taken_is_refused_with_409_and_writes_nothing(client, stay, room):
    check_in = days_from_today(15)
    book(room, check_in=check_in)
    events = Event.objects.count()
    response = client.post(f"/en/stays/{stay.slug}/book/", _booking_data(room, check_in=check_in, nights=3))
    assert response.status_code == 409
    assert "These dates are no longer available." in response.text
    assert Booking.objects.count() == 1
    assert Occupancy.objects.count() == 1
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("check_in", "nights", "guests", "minimum_nights", "message"),
    [
        (-3, 2, 2, 1, "Check-in cannot be in the past."),
        (10, -2, 2, 1, "Check-out must be after check-in."),
        (10, 61, 2, 1, "A stay is at most 60 nights."),
        (10, 2, 2, 3, "This room is booked for at least 3 nights."),
        (10, 2, 3, 1, "This takes at most 2 guests."),
    ],
)
def test_an_impossible_booking_is_refused_with_400_and_a_message_and_writes_nothing(
    client, stay, room, check_in, nights, guests, minimum_nights, message
):
    Unit.objects.filter(pk=room.pk).update(minimum_nights=minimum_nights)
    events = Event.objects.count()
    response = client.post(
        f"/en/stays/{stay.slug}/book/",
        _booking_data(room, check_in=days_from_today(check_in), nights=nights, guests=guests),
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Booking.objects.exists()
    assert not Occupancy.objects.exists()
    assert Event.objects.count() == events


def test_a_booking_form_with_missing_details_is_400_with_field_messages(client, stay, room):
    data = _booking_data(room, check_in=days_from_today(10), guest_email="not an email", payment_method="")
    events = Event.objects.count()
    response = client.post(f"/en/stays/{stay.slug}/book/", data)
    assert response.status_code == 400
    assert f'id="id_unit{room.pk}_guest_email_error"' in response.text
    assert "Choose how you pay." in response.text
    assert not Booking.objects.exists()
    assert not Occupancy.objects.exists()
    assert Event.objects.count() == events


def test_seats_on_a_departure_are_booked_and_a_full_departure_is_refused_with_409(client, experience):
    slot = experience.slots.order_by("starts_at").first()
    data = {
        "slot": slot.pk, "guests": 3, "guest_name": "Emma Walker", "guest_email": "emma@example.org",
        "payment_method": BookingPayment.ON_ARRIVAL,
    }  # fmt: skip
    response = client.post(f"/en/stays/{experience.slug}/book/", data)
    assert response.status_code == 303
    assert Slot.objects.get(pk=slot.pk).seats_taken == 3
    events = Event.objects.count()
    refused = client.post(f"/en/stays/{experience.slug}/book/", {**data, "guests": 6})
    assert refused.status_code == 409
    assert "Only 5 seats are left on this departure." in refused.text
    assert Slot.objects.get(pk=slot.pk).seats_taken == 3
    assert Booking.objects.count() == 1
    assert Event.objects.count() == events


def test_an_on_request_experience_is_asked_for_a_day(client, host):
    trek = make_experience(
        host, "Đi bộ Tả Van – Lao Chải", booking_mode=BookingMode.ON_REQUEST, price_per_person=300_000
    )
    page = client.get(f"/en/stays/{trek.slug}/").text
    assert 'name="day"' in page
    response = client.post(
        f"/en/stays/{trek.slug}/book/",
        {
            "day": days_from_today(9).isoformat(), "guests": 4, "guest_name": "Emma Walker",
            "guest_email": "emma@example.org", "payment_method": BookingPayment.BANK_TRANSFER,
        },
    )  # fmt: skip
    booking = Booking.objects.get()
    assert response.status_code == 303
    assert (booking.status, booking.total) == (BookingStatus.REQUESTED, 1_200_000)
    assert "Nothing is charged before the host accepts." in client.get(response["Location"]).text


def test_a_logged_in_guests_booking_is_linked_to_their_account(client, stay, room, guest_user):
    client.force_login(guest_user)
    client.post(f"/en/stays/{stay.slug}/book/", _booking_data(room, check_in=days_from_today(10)))
    assert Booking.objects.get().guest == guest_user


def test_an_unknown_booking_token_is_not_found(client, db):
    assert client.get("/en/stays/booking/5b0f1f7e-0000-4000-8000-000000000000/").status_code == 404


# --- cancelling -------------------------------------------------------------------------------------


def test_the_cancel_page_shows_the_refund_first_and_a_second_cancel_changes_nothing(client, stay, room):
    # given a booking paid by bank transfer, confirmed by the host
    booking = book(room, check_in=days_from_today(20), payment_method=BookingPayment.BANK_TRANSFER)
    booking_payments.start_booking_payment(booking=booking, success_url="", cancel_url="")
    booking_payments.confirm_bank_transfer(booking=booking, actor=stay.host.owner)
    url = f"/en/stays/booking/{booking.access_token}/cancel/"
    # when the guest opens the cancel page, the refund is shown and nothing changes yet
    page = client.get(url)
    assert page.status_code == 200
    assert '<strong class="refund-amount">800.000 ₫</strong>' in page.text
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    # when they confirm
    response = client.post(url)
    booking.refresh_from_db()
    assert response.status_code == 303
    assert (booking.status, booking.cancelled_by, booking.refund_amount) == (
        BookingStatus.CANCELLED,
        "guest",
        800_000,
    )
    cancelled_at = booking.cancelled_at
    events, refunds = Event.objects.count(), Refund.objects.count()
    # when they confirm again
    again = client.post(url)
    # then they are told it is already cancelled, and nothing changed
    assert again.status_code == 409
    assert "This booking is already cancelled." in again.text
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_at, booking.refund_amount) == (
        BookingStatus.CANCELLED, cancelled_at, 800_000,
    )  # fmt: skip
    assert (Event.objects.count(), Refund.objects.count()) == (events, refunds)
    assert "can no longer be cancelled" in client.get(url).text


def test_cancelling_an_unpaid_booking_says_nothing_is_refunded(client, room):
    booking = book(room, check_in=days_from_today(20))
    page = client.get(f"/en/stays/booking/{booking.access_token}/cancel/")
    assert "Nothing has been paid, so nothing is refunded." in page.text
    assert '<strong class="refund-amount">0 ₫</strong>' in page.text


def test_a_cancellation_with_a_reason_too_long_is_refused_with_400_and_changes_nothing(client, room):
    booking = book(room, check_in=days_from_today(20))
    events = Event.objects.count()
    url = f"/en/stays/booking/{booking.access_token}/cancel/"
    response = client.post(url, {"reason": "x" * 301})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.text
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_at) == (BookingStatus.CONFIRMED, None)
    assert Occupancy.objects.filter(booking=booking).count() == 1
    assert Event.objects.count() == events


def test_a_stay_whose_check_out_day_has_come_offers_no_cancelling_and_refuses_it(client, room):
    # given a confirmed stay that ended today, not yet marked completed
    booking = book(room, check_in=days_from_today(20))
    Booking.objects.filter(pk=booking.pk).update(check_in=days_from_today(-2), check_out=days_from_today(0))
    events = Event.objects.count()
    url = f"/en/stays/booking/{booking.access_token}/cancel/"
    # then neither its page nor the cancel page offers cancelling
    assert f'href="{url}"' not in client.get(f"/en/stays/booking/{booking.access_token}/").text
    page = client.get(url)
    assert "can no longer be cancelled" in page.text
    assert 'class="cancel-form"' not in page.text
    # and posting anyway is refused, changing nothing
    response = client.post(url)
    assert response.status_code == 409
    assert "A finished stay cannot be cancelled." in response.text
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_at) == (BookingStatus.CONFIRMED, None)
    assert Event.objects.count() == events


# --- paying -----------------------------------------------------------------------------------------


def test_paying_a_booking_paid_on_arrival_is_refused_and_starts_no_payment(client, room):
    booking = book(room, check_in=days_from_today(20))
    response = client.post(f"/en/stays/booking/{booking.access_token}/pay/", follow=True)
    assert response.redirect_chain == [(f"/en/stays/booking/{booking.access_token}/", 303)]
    assert "This booking is not waiting for payment." in response.text
    assert not Payment.objects.exists()
    booking.refresh_from_db()
    assert (booking.status, booking.paid_at) == (BookingStatus.CONFIRMED, None)


# --- reviewing --------------------------------------------------------------------------------------


def test_a_review_is_refused_before_the_stay_is_completed_and_shown_after(client, stay, room, guest_user):
    # given a logged-in guest's booking, not yet stayed
    client.force_login(guest_user)
    booking = book(room, check_in=days_from_today(3), user=guest_user)
    url = f"/en/stays/booking/{booking.access_token}/review/"
    events = Event.objects.count()
    # when they try to review it
    early = client.post(url, {"rating": 5, "text": "Lovely"})
    # then it is refused and nothing is written
    assert early.status_code == 403
    assert "You can review once your stay is completed." in early.text
    assert not Review.objects.exists()
    assert Event.objects.count() == events
    assert "/review/" not in client.get(f"/en/stays/booking/{booking.access_token}/").text
    # given the stay took place and is completed
    Booking.objects.filter(pk=booking.pk).update(check_in=days_from_today(-3), check_out=days_from_today(-1))
    assert bookings.complete_finished_bookings(now=timezone.now()) == 1
    assert f'href="{url}"' in client.get(f"/en/stays/booking/{booking.access_token}/").text
    # when they send the form without a rating, it is refused with the field's message
    unrated = client.post(url, {"text": "Warm family, great dinner."})
    assert unrated.status_code == 400
    assert 'id="id_rating_error"' in unrated.text and "Choose from 1 to 5 stars." in unrated.text
    assert not Review.objects.exists()
    # when they review it
    response = client.post(url, {"rating": 5, "text": "Warm family, great dinner."})
    # then the review is on the service page, with the rating in its JSON-LD
    assert response.status_code == 303
    assert response["Location"] == f"/en/stays/{stay.slug}/#reviews"
    page = client.get(f"/en/stays/{stay.slug}/").text
    assert "Warm family, great dinner." in page and "5 of 5 stars" in page
    assert '<span class="stars" aria-hidden="true">★★★★★</span>' in page
    assert _structured_data(page)["aggregateRating"]["ratingValue"] == "5.0"
    # and a second review is refused, writing nothing
    events = Event.objects.count()
    assert client.post(url, {"rating": 1}).status_code == 409
    assert Review.objects.count() == 1
    assert Event.objects.count() == events


def test_reviewing_needs_a_login_and_only_the_guest_may(client, room, guest_user, other_host_owner):
    booking = book(room, check_in=days_from_today(3), user=guest_user)
    Booking.objects.filter(pk=booking.pk).update(check_in=days_from_today(-3), check_out=days_from_today(-1))
    bookings.complete_finished_bookings()
    url = f"/en/stays/booking/{booking.access_token}/review/"
    events = Event.objects.count()
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    assert client.post(url, {"rating": 2}).status_code == 302
    client.force_login(other_host_owner)
    assert client.get(url).status_code == 403
    assert client.post(url, {"rating": 2}).status_code == 403
    assert not Review.objects.exists()
    assert Event.objects.count() == events


# --- the commune page -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_commune_page_shows_its_stays_in_either_language(client, site_tree, stay, language):
    commune = site_tree["a"]["commune"]
    page = commune if language == "vi" else commune.get_translation(site_tree[language])
    html = client.get(page.url).text
    assert f'href="/{language}/stays/{stay.slug}/"' in html
    assert '<h2 id="commune-stays-heading">' in html
    assert f'href="/{language}/stays/?commune={commune.pk}"' in html
    # and the other commune shows none
    assert 'id="commune-stays-heading"' not in client.get(site_tree["b"]["commune"].url).text


def test_the_pages_and_the_services_messages_are_in_vietnamese_on_vi_addresses(client, stay, room):
    check_in = days_from_today(15)
    book(room, check_in=check_in)
    search = client.get("/vi/stays/").text
    assert "<h1>Homestay, tour và trải nghiệm</h1>" in search
    refused = client.post(f"/vi/stays/{stay.slug}/book/", _booking_data(room, check_in=check_in))
    assert refused.status_code == 409
    assert "Những ngày này không còn trống." in refused.text
    assert "Không còn trống vào những ngày này." in refused.text  # the room, under the dates asked
    assert (Booking.objects.count(), Occupancy.objects.count()) == (1, 1)
