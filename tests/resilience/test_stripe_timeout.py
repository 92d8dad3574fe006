"""Stripe times out while the buyer checks out: the answer to the first Checkout Session request is lost
(Stripe made the session, the client gave up after ``STRIPE_TIMEOUT_SECONDS``). The buyer sees a friendly
page, not an error; the order keeps its stock hold; pressing "Pay by card" again asks Stripe with the
same idempotency key, gets the same session, and the buyer pays once."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from market.models import Checkout, OrderStatus, Product
from payments.models import LedgerEntry, Payment, PaymentStatus
from tests.payments.conftest import signed_post
from tests.payments.conftest import stripe_stub as stripe_stub  # the fixture, for this module

CHECKOUT = "/en/market/checkout/"
SESSIONS = "/v1/checkout/sessions"


def hang_first_session_create(stub, seconds: float) -> None:
    """Stripe does the work of the first session create, then its answer takes ``seconds`` to come."""
    handle = stub.handle
    hung = []

    def slow_handle(method, path, form, headers):
        answer = handle(method, path, form, headers)
        if method == "POST" and path == SESSIONS and not hung:
            hung.append(path)
            time.sleep(seconds)
        return answer

    stub.handle = slow_handle


@pytest.mark.django_db
def test_a_stripe_timeout_keeps_the_hold_and_the_buyer_retries_without_paying_twice(
    tea, stripe_stub, settings
):
    # given Stripe answers the first session request only after the client's timeout
    settings.STRIPE_TIMEOUT_SECONDS = 1
    hang_first_session_create(stripe_stub, seconds=2.5)
    stock_before = Product.objects.get(pk=tea.pk).stock
    buyer = Client()
    buyer.post("/en/market/cart/add/", {"product": tea.slug, "quantity": 2})

    # when the buyer checks out by card
    started = time.monotonic()
    response = buyer.post(
        CHECKOUT,
        {
            "buyer_name": "Emma Laurent",
            "buyer_phone": "0912 345 678",
            "buyer_email": "emma@example.org",
            "delivery_address": "12 Hàng Bạc, Hoàn Kiếm",
            "delivery_province": "Hà Nội",
            "payment_method": "stripe",
            f"delivery_{tea.producer.pk}": "pickup",
        },
    )
    waited = time.monotonic() - started

    # then after the timeout (not the hang) they land on their order page with a friendly message
    checkout = Checkout.objects.get()
    confirmation = f"/en/market/checkout/{checkout.access_token}/"
    assert 1 <= waited < 2.5
    assert (response.status_code, response["Location"]) == (302, confirmation)
    page = buyer.get(confirmation)
    assert page.status_code == 200
    assert "Your order is saved, but the payment could not be started." in page.text
    assert "Pay by card" in page.text
    # the stock stays held for the order, and the payment waits, with no session recorded yet
    order = checkout.orders.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.hold_expires_at > timezone.now() + timedelta(minutes=5)
    assert Product.objects.get(pk=tea.pk).stock == stock_before - 2
    payment = Payment.objects.get()
    assert (payment.status, payment.provider_reference, payment.redirect_url) == (
        PaymentStatus.PENDING,
        "",
        "",
    )
    # (Stripe did make a session: only its answer was lost)
    assert len(stripe_stub.sessions) == 1
    (session_id,) = stripe_stub.sessions

    # when the buyer presses "Pay by card"
    retry = buyer.post(f"{confirmation}pay/")

    # then Stripe is asked with the same idempotency key and answers with the same session
    session_posts = stripe_stub.posts(SESSIONS)
    assert len(session_posts) == 2
    assert (
        session_posts[0].idempotency_key
        == session_posts[1].idempotency_key
        == (f"checkout-checkout-{checkout.reference}")
    )
    assert session_posts[0].form == session_posts[1].form
    assert list(stripe_stub.sessions) == [session_id]
    assert (retry.status_code, retry["Location"]) == (302, stripe_stub.sessions[session_id]["url"])
    payment = Payment.objects.get()
    assert (payment.status, payment.provider_reference) == (PaymentStatus.PENDING, session_id)

    # when they press it once more: the open session is reused without asking Stripe again
    again = buyer.post(f"{confirmation}pay/")
    assert again["Location"] == retry["Location"]
    assert len(stripe_stub.posts(SESSIONS)) == 2

    # when the buyer pays and Stripe's webhook arrives (twice, as Stripe may send it)
    session = stripe_stub.complete_session(session_id)
    event = stripe_stub.event("checkout.session.completed", session, event_id="evt_resilience_1")
    assert signed_post(buyer, event).status_code == 200
    assert signed_post(buyer, event).status_code == 200

    # then the order is paid once: one payment, one charge, one ledger entry, the stock taken once
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert len(stripe_stub.charges) == 1
    assert LedgerEntry.objects.count() == 1
    assert Product.objects.get(pk=tea.pk).stock == stock_before - 2
    # and the "Pay by card" button is gone; pressing the old one starts nothing
    assert "Pay by card" not in buyer.get(confirmation).text
    assert buyer.post(f"{confirmation}pay/")["Location"] == confirmation
    assert len(stripe_stub.posts(SESSIONS)) == 2
