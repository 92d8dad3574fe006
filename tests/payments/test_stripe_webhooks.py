"""Stripe webhooks: signature on the raw body, once per event id, allowed transitions, out-of-order events."""

import json
import time

import pytest

from core.models import Event
from payments import services
from payments.models import (
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    WebhookEvent,
)

from .conftest import WEBHOOK_SECRET, signed_post
from .stripe_stub import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_payment(stripe_stub, fake_payable, payee, other_payee):
    """A pending card payment for two orders (12 345 ₫ and 90 000 ₫) with its open session."""
    return services.start_checkout(
        items=[
            fake_payable.summary("o1", 12_345, payee=payee),
            fake_payable.summary("o2", 90_000, payee=other_payee),
        ],
        success_url="https://lang.example/ok/",
        cancel_url="https://lang.example/cart/",
        idempotency_key="checkout-1",
    )


def completed_event(stripe_stub, payment, *, event_id: str = "evt_completed_1") -> dict:
    session = stripe_stub.complete_session(payment.provider_reference)
    return stripe_stub.event("checkout.session.completed", session, event_id=event_id)


def snapshot() -> dict:
    """Everything a webhook may change, to assert that a refused one changed nothing."""
    return {
        "payments": list(
            Payment.objects.values_list("pk", "status", "refunded_amount", "provider_payment_reference")
        ),
        "webhooks": WebhookEvent.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "refunds": Refund.objects.count(),
        "events": Event.objects.filter(name__startswith="payments.")
        .exclude(name="payments.payment.started")
        .count(),
    }


def test_completed_session_marks_the_payment_succeeded(
    client, stripe_stub, card_payment, fake_payable, payee, other_payee
):
    # given the buyer paid at Stripe
    event = completed_event(stripe_stub, card_payment)
    # when Stripe's signed webhook arrives
    response = signed_post(client, event)
    # then the payment succeeded, each payable heard once, and the ledger holds gross, fee and net
    assert response.status_code == 200
    assert response.json() == {"received": True, "outcome": "succeeded"}
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.SUCCEEDED
    assert card_payment.provider_payment_reference == event["data"]["object"]["payment_intent"]
    assert sorted(fake_payable.paid) == [("o1", card_payment.reference), ("o2", card_payment.reference)]
    entries = {
        entry.payee_id: (entry.kind, entry.gross, entry.fee, entry.net, str(entry.fee_percent))
        for entry in LedgerEntry.objects.all()
    }
    # 5 % of 12 345 is 617.25 → 617; of 90 000 is 4 500
    assert entries == {
        payee.pk: (LedgerKind.SALE, 12_345, 617, 11_728, "5.00"),
        other_payee.pk: (LedgerKind.SALE, 90_000, 4_500, 85_500, "5.00"),
    }
    stored = WebhookEvent.objects.get()
    assert (stored.event_id, stored.type, stored.outcome) == (
        "evt_completed_1",
        "checkout.session.completed",
        "succeeded",
    )
    assert stored.processed_at is not None
    succeeded = Event.objects.named("payments.payment.succeeded").for_subject(card_payment).get()
    assert succeeded.payload["source"] == "checkout.session.completed"


def test_the_same_event_five_times_changes_state_once(client, stripe_stub, card_payment, fake_payable):
    event = completed_event(stripe_stub, card_payment)
    outcomes = [signed_post(client, event).json()["outcome"] for _ in range(5)]
    assert outcomes == ["succeeded", "duplicate", "duplicate", "duplicate", "duplicate"]
    assert len(fake_payable.paid) == 2  # one per order, once
    assert WebhookEvent.objects.count() == 1
    assert LedgerEntry.objects.count() == 2
    assert Event.objects.named("payments.payment.succeeded").count() == 1


def test_a_different_event_for_the_same_session_does_not_pay_twice(
    client, stripe_stub, card_payment, fake_payable
):
    event = completed_event(stripe_stub, card_payment)
    signed_post(client, event)
    again = dict(event, id="evt_completed_resent")
    assert signed_post(client, again).json()["outcome"] == "no_change"
    assert len(fake_payable.paid) == 2
    assert LedgerEntry.objects.count() == 2


def test_bad_signature_is_refused_and_changes_nothing(client, stripe_stub, card_payment, fake_payable):
    event = completed_event(stripe_stub, card_payment)
    before = snapshot()
    response = signed_post(client, event, secret="whsec_someone_else")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_webhook"
    assert snapshot() == before
    assert fake_payable.paid == []


def test_a_body_changed_after_signing_is_refused(client, stripe_stub, card_payment, fake_payable):
    event = completed_event(stripe_stub, card_payment)
    body = json.dumps(event)
    header = sign(body, WEBHOOK_SECRET)
    tampered = body.replace('"amount_total": 102345', '"amount_total": 1')
    before = snapshot()
    response = client.post(
        "/payments/stripe/webhook/",
        data=tampered,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_missing_signature_is_refused(client, stripe_stub, card_payment):
    event = completed_event(stripe_stub, card_payment)
    before = snapshot()
    response = client.post(
        "/payments/stripe/webhook/", data=json.dumps(event), content_type="application/json"
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_a_timestamp_older_than_five_minutes_is_refused(client, stripe_stub, card_payment, fake_payable):
    event = completed_event(stripe_stub, card_payment)
    before = snapshot()
    response = signed_post(client, event, timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert "tolerance" in response.json()["error"]["message"]
    assert snapshot() == before


def test_a_timestamp_from_the_future_is_refused(client, stripe_stub, card_payment):
    event = completed_event(stripe_stub, card_payment)
    before = snapshot()
    response = signed_post(client, event, timestamp=int(time.time()) + 600)
    assert response.status_code == 400
    assert snapshot() == before


def test_a_timestamp_within_five_minutes_is_accepted(client, stripe_stub, card_payment):
    event = completed_event(stripe_stub, card_payment)
    assert signed_post(client, event, timestamp=int(time.time()) - 240).status_code == 200


@pytest.mark.parametrize(
    "body", ["not json", '{"id": "evt_1"}', "[]", '{"id": "evt_1", "type": "x", "data": 3}']
)
def test_a_signed_but_malformed_body_is_refused(client, stripe_stub, body):
    response = client.post(
        "/payments/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, WEBHOOK_SECRET),
    )
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_only_post_is_allowed(client, stripe_stub):
    assert client.get("/payments/stripe/webhook/").status_code == 405


def test_the_endpoint_is_off_without_stripe(client, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = client.post("/payments/stripe/webhook/", data="{}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "provider_disabled"


def test_an_unpaid_completed_session_changes_nothing(client, stripe_stub, card_payment, fake_payable):
    session = stripe_stub.session(card_payment.provider_reference)
    response = signed_post(client, stripe_stub.event("checkout.session.completed", session))
    assert response.json()["outcome"] == "no_change"
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.PENDING
    assert fake_payable.paid == []


def test_a_session_paid_for_another_amount_is_not_confirmed(client, stripe_stub, card_payment, fake_payable):
    session = stripe_stub.complete_session(card_payment.provider_reference)
    session["amount_total"] = 1000
    response = signed_post(client, stripe_stub.event("checkout.session.completed", session))
    assert response.json()["outcome"] == "amount_mismatch"
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.PENDING
    assert fake_payable.paid == []


def test_expired_session_expires_the_payment(client, stripe_stub, card_payment, fake_payable):
    session = stripe_stub.expire_session_at_stripe(card_payment.provider_reference)
    response = signed_post(client, stripe_stub.event("checkout.session.expired", session))
    assert response.json()["outcome"] == "expired"
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.EXPIRED
    assert not card_payment.items.filter(is_open=True).exists()


def test_expired_after_completed_keeps_the_payment_succeeded(client, stripe_stub, card_payment):
    signed_post(client, completed_event(stripe_stub, card_payment))
    session = dict(stripe_stub.session(card_payment.provider_reference), status="expired")
    response = signed_post(client, stripe_stub.event("checkout.session.expired", session))
    assert response.json()["outcome"] == "no_change"
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.SUCCEEDED


def test_an_event_for_an_unknown_session_is_acknowledged(client, stripe_stub):
    session = {
        "id": "cs_test_not_ours",
        "object": "checkout.session",
        "payment_status": "paid",
        "metadata": {},
    }
    response = signed_post(client, stripe_stub.event("checkout.session.completed", session))
    assert response.json()["outcome"] == "unknown_payment"
    assert Payment.objects.count() == 0


def test_an_unhandled_event_type_is_stored_and_ignored(client, stripe_stub):
    response = signed_post(
        client, stripe_stub.event("customer.created", {"id": "cus_1", "object": "customer"})
    )
    assert response.json()["outcome"] == "ignored"
    assert WebhookEvent.objects.get().type == "customer.created"


def test_refunded_before_completed_ends_refunded(
    client, stripe_stub, card_payment, fake_payable, payee, other_payee
):
    # given the buyer paid, then the whole charge was refunded in the Stripe dashboard,
    # and Stripe delivers charge.refunded before checkout.session.completed
    completed = completed_event(stripe_stub, card_payment)
    charge = stripe_stub.refund_at_stripe(card_payment.provider_reference, 102_345)
    refunded = stripe_stub.event("charge.refunded", charge, event_id="evt_refunded_1")
    # when the refund arrives first
    response = signed_post(client, refunded)
    # then payments asked Stripe for the truth (the PaymentIntent, then the session): it ends refunded
    assert response.json()["outcome"] == "refunded"
    fetched = [r.path for r in stripe_stub.requests if r.method == "GET"]
    assert fetched == [
        f"/v1/payment_intents/{charge['payment_intent']}",
        f"/v1/checkout/sessions/{card_payment.provider_reference}",
    ]
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.REFUNDED
    assert card_payment.refunded_amount == 102_345
    assert sorted(fake_payable.paid) == [("o1", card_payment.reference), ("o2", card_payment.reference)]
    assert sorted(fake_payable.refunded) == [("o1", 12_345), ("o2", 90_000)]
    # and when the late completed event arrives, nothing moves backwards
    assert signed_post(client, completed).json()["outcome"] == "no_change"
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.REFUNDED
    assert len(fake_payable.paid) == 2
    # the ledger nets to zero for each payee: the fee went back with the money
    for user in (payee, other_payee):
        entries = LedgerEntry.objects.filter(payee=user)
        assert sum(entry.net for entry in entries) == 0
        assert sum(entry.fee for entry in entries) == 0


def test_a_partial_dashboard_refund_is_recorded_once(client, stripe_stub, card_payment, fake_payable):
    signed_post(client, completed_event(stripe_stub, card_payment))
    charge = stripe_stub.refund_at_stripe(card_payment.provider_reference, 10_000)
    event = stripe_stub.event("charge.refunded", charge)
    assert signed_post(client, event).json()["outcome"] == "refunded"
    assert signed_post(client, event).json()["outcome"] == "duplicate"
    card_payment.refresh_from_db()
    assert (card_payment.status, card_payment.refunded_amount) == (PaymentStatus.PARTIALLY_REFUNDED, 10_000)
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.item.payable_id) == (10_000, RefundStatus.SUCCEEDED, "o1")
    assert fake_payable.refunded == [("o1", 10_000)]


def test_our_own_refund_reported_back_by_stripe_is_not_counted_twice(
    client, stripe_stub, card_payment, fake_payable
):
    signed_post(client, completed_event(stripe_stub, card_payment))
    card_payment.refresh_from_db()
    item = card_payment.items.get(payable_id="o2")
    services.refund_payment(payment=card_payment, item=item, amount=30_000, reason="one jar broke")
    charge = stripe_stub.charge_for(card_payment.provider_reference)
    assert charge["amount_refunded"] == 30_000
    assert signed_post(client, stripe_stub.event("charge.refunded", charge)).json()["outcome"] == "no_change"
    assert Refund.objects.count() == 1
    assert fake_payable.refunded == [("o2", 30_000)]


def test_stripe_unreachable_during_a_refetch_answers_503_and_stores_nothing(
    client, stripe_stub, card_payment, fake_payable
):
    stripe_stub.complete_session(card_payment.provider_reference)
    charge = stripe_stub.refund_at_stripe(card_payment.provider_reference, 102_345)
    stripe_stub.fail_next(500)
    response = signed_post(client, stripe_stub.event("charge.refunded", charge))
    assert response.status_code == 503
    assert WebhookEvent.objects.count() == 0
    card_payment.refresh_from_db()
    assert card_payment.status == PaymentStatus.PENDING
