"""Stripe Checkout through the local stub: one session per payment, amounts in VND, idempotency keys."""

import time

import pytest

from core.models import Event
from payments import services, stripe_client
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import Collector, Payment, PaymentStatus, Provider

pytestmark = pytest.mark.django_db

SUCCESS_URL = "https://lang.example/vi/don-hang/xong/"
CANCEL_URL = "https://lang.example/vi/gio-hang/"


def start(fake_payable, payee, other_payee, *, key: str | None = "checkout-77"):
    """A checkout that split into two orders, one per producer, paid by one card payment."""
    return services.start_checkout(
        items=[
            fake_payable.summary("o1", 150_000, payee=payee, description="Chè Shan Tuyết 500 g"),
            fake_payable.summary("o2", 90_000, payee=other_payee, description="Mật ong bạc hà"),
        ],
        buyer_email="tourist@example.com",
        success_url=SUCCESS_URL,
        cancel_url=CANCEL_URL,
        idempotency_key=key,
    )


def test_checkout_creates_one_session_in_vnd_with_an_idempotency_key(
    stripe_stub, fake_payable, payee, other_payee
):
    # when a tourist pays two orders by card
    before = int(time.time())
    payment = start(fake_payable, payee, other_payee)
    # then one Checkout Session was created through the stub, with our key and amounts in whole đồng
    [request] = stripe_stub.posts("/v1/checkout/sessions")
    assert request.idempotency_key == "checkout-checkout-77"
    assert request.authorization == "Bearer sk_test_stub_key"
    form = request.form
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == "vnd"
    assert form["line_items[0][price_data][unit_amount]"] == "150000"
    assert form["line_items[0][price_data][product_data][name]"] == "Chè Shan Tuyết 500 g"
    assert form["line_items[0][quantity]"] == "1"
    assert form["line_items[1][price_data][unit_amount]"] == "90000"
    assert form["client_reference_id"] == payment.reference
    assert form["metadata[payment_reference]"] == payment.reference
    assert form["payment_intent_data[metadata][payment_reference]"] == payment.reference
    assert form["customer_email"] == "tourist@example.com"
    assert (form["success_url"], form["cancel_url"]) == (SUCCESS_URL, CANCEL_URL)
    # Stripe requires the expiry 30 min to 24 h ahead: 30 minutes plus a 2-minute margin
    assert before + 32 * 60 - 5 <= int(form["expires_at"]) <= int(time.time()) + 32 * 60
    # and the payment holds the session and where to send the buyer
    session_id = next(iter(stripe_stub.sessions))
    assert (payment.provider, payment.status, payment.collected_by) == (
        Provider.STRIPE,
        PaymentStatus.PENDING,
        Collector.PLATFORM,
    )
    assert payment.amount == 240_000
    assert payment.provider_reference == session_id
    assert payment.redirect_url == f"https://checkout.stripe.test/c/pay/{session_id}"
    assert int(payment.expires_at.timestamp()) == int(form["expires_at"])
    assert stripe_stub.sessions[session_id]["amount_total"] == 240_000
    assert [item.payee for item in payment.items.all()] == [payee, other_payee]


def test_retrying_with_the_same_key_does_not_create_a_second_session(
    stripe_stub, fake_payable, payee, other_payee
):
    first = start(fake_payable, payee, other_payee)
    again = start(fake_payable, payee, other_payee)
    assert again.pk == first.pk
    assert again.redirect_url == first.redirect_url
    assert Payment.objects.count() == 1
    assert len(stripe_stub.sessions) == 1
    assert len(stripe_stub.posts("/v1/checkout/sessions")) == 1


def test_after_stripe_was_unreachable_the_retry_reuses_the_same_key(
    stripe_stub, fake_payable, payee, other_payee
):
    # given Stripe fails the first attempt
    stripe_stub.fail_next(500, "api_error")
    with pytest.raises(PaymentError) as caught:
        start(fake_payable, payee, other_payee)
    assert caught.value.code == PaymentErrorCode.PROVIDER_UNAVAILABLE
    payment = Payment.objects.get()
    assert (payment.status, payment.provider_reference, payment.redirect_url) == (
        PaymentStatus.PENDING,
        "",
        "",
    )
    # when the buyer tries again
    again = start(fake_payable, payee, other_payee)
    # then the same payment gets its session, asked for with the same idempotency key
    assert again.pk == payment.pk
    assert again.redirect_url
    keys = [request.idempotency_key for request in stripe_stub.posts("/v1/checkout/sessions")]
    assert keys == ["checkout-checkout-77", "checkout-checkout-77"]
    assert len(stripe_stub.sessions) == 1


def test_the_client_sends_the_same_key_and_gets_the_same_session(stripe_stub):
    params = {
        "mode": "payment",
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {"currency": "vnd", "unit_amount": 5000, "product_data": {"name": "x"}},
            }
        ],
    }
    first = stripe_client.create_checkout_session(params, idempotency_key="checkout-same")
    second = stripe_client.create_checkout_session(params, idempotency_key="checkout-same")
    assert first["id"] == second["id"]
    assert len(stripe_stub.sessions) == 1


def test_stripe_refusing_the_session_fails_the_payment(stripe_stub, fake_payable, payee, other_payee):
    stripe_stub.fail_next(400, "invalid_request_error")
    with pytest.raises(PaymentError) as caught:
        start(fake_payable, payee, other_payee)
    assert caught.value.code == PaymentErrorCode.PROVIDER_REFUSED
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.FAILED
    assert not payment.items.filter(is_open=True).exists()
    assert Event.objects.named("payments.payment.failed").for_subject(payment).exists()


def test_checkout_is_refused_when_stripe_is_off(settings, fake_payable, payee, other_payee):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(PaymentError) as caught:
        start(fake_payable, payee, other_payee)
    assert caught.value.code == PaymentErrorCode.PROVIDER_DISABLED
    assert not Payment.objects.exists()


def test_cancelling_expires_the_session_at_stripe_first(stripe_stub, fake_payable, payee, other_payee, buyer):
    payment = start(fake_payable, payee, other_payee)
    cancelled = services.cancel_payment(payment=payment, actor=buyer, reason="changed mind")
    assert cancelled.status == PaymentStatus.CANCELLED
    [expire] = stripe_stub.posts(f"/v1/checkout/sessions/{payment.provider_reference}/expire")
    assert expire.idempotency_key == "expire-checkout-77"
    assert stripe_stub.sessions[payment.provider_reference]["status"] == "expired"


def test_cancelling_a_session_the_buyer_already_paid_records_the_payment(
    stripe_stub, fake_payable, payee, other_payee, buyer
):
    payment = start(fake_payable, payee, other_payee)
    stripe_stub.complete_session(payment.provider_reference)
    with pytest.raises(PaymentError) as caught:
        services.cancel_payment(payment=payment, actor=buyer)
    assert caught.value.code == PaymentErrorCode.ILLEGAL_TRANSITION
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert sorted(fake_payable.paid) == [("o1", payment.reference), ("o2", payment.reference)]


def test_expiry_checks_stripe_and_records_a_payment_whose_webhook_was_lost(
    stripe_stub, fake_payable, payee, other_payee
):
    from datetime import timedelta

    from django.utils import timezone

    paid = start(fake_payable, payee, other_payee, key="k-paid")
    expired = services.start_checkout(
        items=[fake_payable.summary("o3", 50_000, payee=payee)],
        success_url=SUCCESS_URL,
        cancel_url=CANCEL_URL,
        idempotency_key="k-expired",
    )
    still_open = services.start_checkout(
        items=[fake_payable.summary("o4", 50_000, payee=payee)],
        success_url=SUCCESS_URL,
        cancel_url=CANCEL_URL,
        idempotency_key="k-open",
    )
    stripe_stub.complete_session(paid.provider_reference)
    stripe_stub.expire_session_at_stripe(expired.provider_reference)
    # when the periodic task runs after all three were due
    count = services.expire_stale_payments(now=timezone.now() + timedelta(hours=1))
    # then the paid one succeeded, the expired one expired, the one Stripe still has open waits
    assert count == 1
    statuses = {p.pk: p.status for p in Payment.objects.all()}
    assert statuses == {
        paid.pk: PaymentStatus.SUCCEEDED,
        expired.pk: PaymentStatus.EXPIRED,
        still_open.pk: PaymentStatus.PENDING,
    }


def test_a_key_reused_with_other_parameters_does_not_fail_the_payment(
    stripe_stub, fake_payable, payee, other_payee
):
    # given a session was created, but our side lost the answer (no session stored)
    payment = start(fake_payable, payee, other_payee)
    Payment.objects.filter(pk=payment.pk).update(provider_reference="", redirect_url="")
    # when the retry comes back with another success URL (Stripe refuses: same key, other parameters)
    with pytest.raises(PaymentError) as caught:
        services.start_checkout(
            items=[fake_payable.summaries["o1"], fake_payable.summaries["o2"]],
            buyer_email="tourist@example.com",
            success_url="https://lang.example/other/",
            cancel_url=CANCEL_URL,
            idempotency_key="checkout-77",
        )
    # then the payment stays pending: the first session may still be paid
    assert caught.value.code == PaymentErrorCode.IDEMPOTENCY_CONFLICT
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert len(stripe_stub.sessions) == 1
