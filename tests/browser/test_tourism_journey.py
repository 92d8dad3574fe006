"""A tourist's booking in a real browser (Chromium + Playwright), end to end.

In English, a tourist searches "ta van homestay" for two nights, opens the stay (its photos are on the
card and the page, as WebP renditions), reads the quote line by line, books a room and pays by card on
the Stripe stand-in (its hosted page is played by a route that completes the session and sends the
signed ``checkout.session.completed`` webhook, as Stripe would), and lands on the confirmation with the
reference and its QR code. The host logs in, sees the booking on the room's calendar, then the
listing's photos. The tourist cancels, sees the refund the policy gives before confirming, and the
refund goes back through Stripe.
"""

import json

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe

from core.money import format_vnd
from payments.models import Refund
from tests import factories
from tests.browser.test_journeys import describe_violations
from tests.payments.conftest import WEBHOOK_SECRET
from tests.payments.conftest import stripe_stub as stripe_stub  # the fixture, for this module
from tests.payments.stripe_stub import sign
from tests.tourism.conftest import days_from_today
from tests.tourism.conftest import host as host
from tests.tourism.conftest import host_owner as host_owner
from tests.tourism.conftest import stay as stay
from tourism.models import Booking, BookingStatus, CancellationPolicy
from tourism.services import listings
from village.models import CommuneWorkspace

pytestmark = pytest.mark.browser
LANGUAGE = "en"
STRIPE_PAGES = "https://checkout.stripe.test/**"


def play_stripe_checkout(page, stub, live_server_url: str) -> list[int]:
    """Stand in for Stripe's hosted page: the card is accepted, Stripe signs and sends the webhook to our
    server, then sends the tourist back to the success address. Returns the webhook answers' status."""
    answers = []

    def pay(route):
        session_id = route.request.url.rstrip("/").rsplit("/", 1)[-1]
        session = stub.complete_session(session_id)
        body = json.dumps(stub.event("checkout.session.completed", session))
        response = requests.post(
            f"{live_server_url}/payments/stripe/webhook/",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(body, WEBHOOK_SECRET)},
            timeout=10,
        )
        answers.append(response.status_code)
        route.fulfill(status=303, headers={"Location": session["success_url"]})

    page.route(STRIPE_PAGES, pay)
    return answers


def test_a_tourist_finds_books_pays_by_card_and_cancels_with_the_policy_refund(
    new_context, live_server, site_tree, stripe_stub, stay, host, host_owner, password
):
    # given a Tả Van homestay with two rooms (moderate policy: everything back until 5 days before)
    assert stay.cancellation_policy == CancellationPolicy.MODERATE
    room = stay.units.order_by("id").first()  # two guests, 400,000 ₫ a night
    check_in, check_out = days_from_today(30), days_from_today(32)
    # and two photos of it, in the commune's collection
    collection = CommuneWorkspace.objects.get(translation_key=stay.commune.translation_key).collection
    for number in range(2):
        image = factories.make_image(f"Nhà sàn {number}", collection, size=(1200, 900))
        listings.add_service_photo(service=stay, image=image, actor=host_owner)
    page = new_context().new_page()
    axe = Axe()

    # when a tourist searches in English without diacritics, for two nights and two guests
    page.goto(f"/{LANGUAGE}/stays/")
    page.fill("input[name=q]", "ta van homestay")
    page.fill("input[name=check_in]", check_in.isoformat())
    page.fill("input[name=check_out]", check_out.isoformat())
    page.fill("input[name=guests]", "2")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/stays/?*")
    # then the stay is among the free results, and the card carries the dates to its page
    card = page.locator(".service-card", has_text=stay.title_vi)
    assert card.count() == 1
    assert ".webp" in card.locator("img.card-image").get_attribute("srcset")
    violations = axe.run(page)
    assert violations.violations_count == 0, describe_violations(violations)
    card.locator("a").first.click()
    page.wait_for_url(f"**/{LANGUAGE}/stays/{stay.slug}/?*")

    # then the quote is broken down before paying: 2 nights × 400,000 ₫ = 800,000 ₫
    booking_form = page.locator("form.booking-form", has=page.locator(f'input[name=unit][value="{room.pk}"]'))
    page.locator("details", has=booking_form).locator("summary").click()
    assert format_vnd(800_000) in page.locator("main").inner_text()
    assert page.locator(".service-gallery img").count() == 2
    violations = axe.run(page)
    assert violations.violations_count == 0, describe_violations(violations)

    # when they book the room and pay by card on Stripe's page
    webhook_answers = play_stripe_checkout(page, stripe_stub, live_server.url)
    booking_form.locator("input[name=guest_name]").fill("Emma Walker")
    booking_form.locator("input[name=guest_email]").fill("emma@example.org")
    booking_form.locator("input[name=guest_country]").fill("GB")
    booking_form.locator("input[name=payment_method][value=card]").check()
    booking_form.locator("button[type=submit]").click()
    page.wait_for_url("**/stays/booking/*/")

    # then Stripe's webhook confirmed it and the confirmation shows the reference and its QR code
    assert webhook_answers == [200]
    booking = Booking.objects.get(service=stay)
    assert (booking.status, booking.total, booking.guest_country) == (BookingStatus.CONFIRMED, 800_000, "GB")
    assert booking.reference in page.locator(".booking-reference").inner_text()
    qr = page.locator("img.lot-qr")
    assert qr.count() == 1
    assert page.request.get(qr.get_attribute("src")).headers["content-type"].startswith("image/svg+xml")
    violations = axe.run(page)
    assert violations.violations_count == 0, describe_violations(violations)
    booking_path = page.url.split(live_server.url, 1)[1]

    # when the host logs in and opens the room's calendar for that month
    host_page = new_context().new_page()
    calendar = f"/{LANGUAGE}/my/stays/{host.pk}/rooms/{room.pk}/calendar/?month={check_in:%Y-%m}"
    host_page.goto(f"/admin/login/?next={calendar}")
    host_page.fill("input[name=username]", host_owner.email)
    host_page.fill("input[name=password]", password)
    host_page.click("form button[type=submit]")
    host_page.wait_for_url(f"**{calendar.split('?')[0]}*")
    # then both nights show the booking's reference
    booked = host_page.locator("td.night-booked")
    assert booked.count() == 2
    assert all(booking.reference in text for text in booked.all_inner_texts())
    # and the listing's page shows its photos, each with a remove button, and the upload form
    host_page.goto(f"/{LANGUAGE}/my/stays/{host.pk}/services/{stay.pk}/")
    assert host_page.locator(".photo-list li").count() == 2
    assert host_page.locator("input[type=file][name=photo]").get_attribute("capture") == "environment"
    violations = axe.run(host_page)
    assert violations.violations_count == 0, describe_violations(violations)

    # when the tourist asks to cancel, the refund is shown before confirming
    page.goto(booking_path)
    page.click("text=Cancel this booking")
    page.wait_for_url("**/cancel/")
    assert page.locator(".refund-amount").inner_text() == format_vnd(800_000)
    violations = axe.run(page)
    assert violations.violations_count == 0, describe_violations(violations)
    page.click("form.cancel-form button[type=submit]")
    page.wait_for_url(f"**{booking_path}")
    # then the booking is cancelled and the policy's refund went back through Stripe
    booking.refresh_from_db()
    assert (booking.status, booking.refund_amount) == (BookingStatus.CANCELLED, 800_000)
    assert list(Refund.objects.values_list("amount", flat=True)) == [800_000]
    assert stripe_stub.posts("/v1/refunds")
