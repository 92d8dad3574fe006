"""Refunds: partial then full, never more than paid, through Stripe (stub) or by hand, with ledger entries."""

import pytest
from django.db import IntegrityError, transaction

from core.models import Event
from payments import services
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import (
    LedgerEntry,
    LedgerKind,
    Payment,
    PaymentItem,
    PaymentStatus,
    Refund,
    RefundSettlement,
    RefundStatus,
)

from .conftest import signed_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_card_payment(client, stripe_stub, fake_payable, payee, other_payee):
    """A card payment for o1 (12 345 ₫, Mai) and o2 (90 000 ₫, Lan), paid and confirmed by webhook."""
    payment = services.start_checkout(
        items=[
            fake_payable.summary("o1", 12_345, payee=payee),
            fake_payable.summary("o2", 90_000, payee=other_payee),
        ],
        success_url="https://lang.example/ok/",
        cancel_url="https://lang.example/cart/",
        idempotency_key="checkout-9",
    )
    session = stripe_stub.complete_session(payment.provider_reference)
    assert signed_post(client, stripe_stub.event("checkout.session.completed", session)).status_code == 200
    payment.refresh_from_db()
    return payment


def item_of(payment: Payment, payable_id: str) -> PaymentItem:
    return payment.items.get(payable_id=payable_id)


def money_state(payment: Payment) -> dict:
    payment.refresh_from_db()
    return {
        "status": payment.status,
        "payment_refunded": payment.refunded_amount,
        "items_refunded": sorted(payment.items.values_list("payable_id", "refunded_amount")),
        "refunds": list(Refund.objects.values_list("amount", "status")),
        "ledger": LedgerEntry.objects.count(),
    }


def test_partial_then_full_refund_through_stripe(stripe_stub, paid_card_payment, fake_payable, other_payee):
    payment = paid_card_payment
    o2 = item_of(payment, "o2")
    # when 30 000 ₫ of o2 is refunded
    first = services.refund_payment(payment=payment, item=o2, amount=30_000, reason="one jar broke")
    # then Stripe was asked once, with the refund's idempotency key, for exactly that amount
    [request] = stripe_stub.posts("/v1/refunds")
    assert request.idempotency_key == f"refund-{first.pk}"
    assert request.form["amount"] == "30000"
    assert request.form["payment_intent"] == payment.provider_payment_reference
    assert request.form["metadata[payment_reference]"] == payment.reference
    assert (first.status, first.settled_by, first.provider_reference) == (
        RefundStatus.SUCCEEDED,
        RefundSettlement.PROVIDER,
        next(iter(stripe_stub.refunds)),
    )
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.PARTIALLY_REFUNDED, 30_000)
    # and the payee's ledger gives back 30 000 ₫ and 5 % of it
    refund_entry = LedgerEntry.objects.get(kind=LedgerKind.REFUND)
    assert (refund_entry.payee, refund_entry.gross, refund_entry.fee, refund_entry.net) == (
        other_payee,
        -30_000,
        -1_500,
        -28_500,
    )
    # when the rest of o2 and all of o1 are refunded
    services.refund_payment(payment=payment, item=o2, amount=60_000, reason="cancelled")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    services.refund_payment(payment=payment, item=item_of(payment, "o1"), amount=12_345, reason="cancelled")
    # then the payment is refunded, its items are free again, each payable heard of each refund
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.REFUNDED, 102_345)
    assert not payment.items.filter(is_open=True).exists()
    assert fake_payable.refunded == [("o2", 30_000), ("o2", 60_000), ("o1", 12_345)]
    assert stripe_stub.charge_for(payment.provider_reference)["amount_refunded"] == 102_345
    # and every payee's ledger nets to zero, fees included
    for entries in (LedgerEntry.objects.filter(item__payable_id=payable_id) for payable_id in ("o1", "o2")):
        assert sum(entry.net for entry in entries) == 0
        assert sum(entry.fee for entry in entries) == 0
    assert Event.objects.named("payments.payment.partially_refunded").count() == 1
    assert Event.objects.named("payments.payment.refunded").count() == 1
    assert Event.objects.named("payments.refund.succeeded").count() == 3


def test_fee_given_back_over_partial_refunds_adds_up_exactly(stripe_stub, paid_card_payment):
    payment = paid_card_payment
    o1 = item_of(payment, "o1")  # 12 345 ₫, fee 617 (617.25 rounded half up)
    services.refund_payment(payment=payment, item=o1, amount=6_000)  # fee on 6 000 = 300
    services.refund_payment(payment=payment, item=o1, amount=6_345)  # 617 − 300 = 317
    fees = list(LedgerEntry.objects.filter(item=o1).order_by("pk").values_list("kind", "gross", "fee", "net"))
    assert fees == [
        (LedgerKind.SALE, 12_345, 617, 11_728),
        (LedgerKind.REFUND, -6_000, -300, -5_700),
        (LedgerKind.REFUND, -6_345, -317, -6_028),
    ]


def test_refunding_more_than_paid_is_refused_and_changes_nothing(
    stripe_stub, paid_card_payment, fake_payable
):
    payment = paid_card_payment
    o2 = item_of(payment, "o2")
    services.refund_payment(payment=payment, item=o2, amount=50_000)
    before = money_state(payment)
    with pytest.raises(PaymentError) as caught:
        services.refund_payment(payment=payment, item=o2, amount=40_001)
    assert (caught.value.code, caught.value.field) == (PaymentErrorCode.REFUND_EXCEEDS_PAID, "amount")
    assert "40000" in caught.value.message
    assert money_state(payment) == before
    assert len(stripe_stub.posts("/v1/refunds")) == 1
    assert fake_payable.refunded == [("o2", 50_000)]


def test_the_payables_rules_limit_the_refund(stripe_stub, paid_card_payment, fake_payable):
    payment = paid_card_payment
    fake_payable.refundable["o2"] = 45_000  # e.g. a cancellation policy: half back
    before = money_state(payment)
    with pytest.raises(PaymentError) as caught:
        services.refund_payment(payment=payment, item=item_of(payment, "o2"), amount=45_001)
    assert caught.value.code == PaymentErrorCode.REFUND_EXCEEDS_REFUNDABLE
    assert money_state(payment) == before
    assert stripe_stub.posts("/v1/refunds") == []


def test_a_payment_of_several_items_needs_the_item(stripe_stub, paid_card_payment):
    before = money_state(paid_card_payment)
    with pytest.raises(PaymentError) as caught:
        services.refund_payment(payment=paid_card_payment, amount=1_000)
    assert caught.value.code == PaymentErrorCode.ITEM_REQUIRED
    assert money_state(paid_card_payment) == before


@pytest.mark.parametrize("amount", [0, -1, 2.5, True])
def test_a_refund_amount_is_a_positive_whole_number(stripe_stub, paid_card_payment, amount):
    with pytest.raises(PaymentError) as caught:
        services.refund_payment(
            payment=paid_card_payment, item=item_of(paid_card_payment, "o1"), amount=amount
        )
    assert caught.value.code == PaymentErrorCode.INVALID_AMOUNT
    assert Refund.objects.count() == 0


def test_an_unpaid_payment_cannot_be_refunded(fake_payable, payee):
    payment = services.start_cash_on_delivery(item=fake_payable.summary("o1", 100_000, payee=payee))
    with pytest.raises(PaymentError) as caught:
        services.refund_payment(payment=payment, amount=1_000)
    assert caught.value.code == PaymentErrorCode.ILLEGAL_TRANSITION
    assert Refund.objects.count() == 0


def test_stripe_unreachable_leaves_the_refund_pending_and_reserved_then_retry_succeeds(
    stripe_stub, paid_card_payment, fake_payable
):
    payment = paid_card_payment
    o2 = item_of(payment, "o2")
    stripe_stub.fail_next(500)
    with pytest.raises(PaymentError) as caught:
        services.refund_payment(payment=payment, item=o2, amount=90_000)
    assert caught.value.code == PaymentErrorCode.PROVIDER_UNAVAILABLE
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.PENDING
    # the pending refund is reserved: nothing more can be refunded from o2 meanwhile
    with pytest.raises(PaymentError) as again:
        services.refund_payment(payment=payment, item=o2, amount=1)
    assert again.value.code == PaymentErrorCode.REFUND_EXCEEDS_PAID
    # when retried, the same idempotency key is used and the refund completes
    done = services.retry_refund(refund=refund)
    assert done.status == RefundStatus.SUCCEEDED
    assert [r.idempotency_key for r in stripe_stub.posts("/v1/refunds")] == [f"refund-{refund.pk}"] * 2
    assert fake_payable.refunded == [("o2", 90_000)]


def test_stripe_refusing_a_refund_marks_it_failed_and_releases_the_amount(
    stripe_stub, paid_card_payment, fake_payable
):
    payment = paid_card_payment
    stripe_stub.fail_next(400, "invalid_request_error")
    with pytest.raises(PaymentError) as caught:
        services.refund_payment(payment=payment, item=item_of(payment, "o2"), amount=90_000)
    assert caught.value.code == PaymentErrorCode.PROVIDER_REFUSED
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED
    assert refund.failure_message
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.SUCCEEDED, 0)
    assert item_of(payment, "o2").refunded_amount == 0
    assert LedgerEntry.objects.filter(kind=LedgerKind.REFUND).count() == 0
    assert fake_payable.refunded == []
    assert Event.objects.named("payments.refund.failed").count() == 1


def test_cash_refund_is_recorded_as_made_by_the_payee_without_ledger(fake_payable, payee):
    payment = services.start_cash_on_delivery(item=fake_payable.summary("o1", 100_000, payee=payee))
    services.confirm_cash_received(payment=payment, actor=payee)
    refund = services.refund_payment(payment=payment, amount=100_000, reason="spoiled", actor=payee)
    assert (refund.status, refund.settled_by, refund.provider_reference, refund.actor) == (
        RefundStatus.SUCCEEDED,
        RefundSettlement.PAYEE,
        "",
        payee,
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert LedgerEntry.objects.count() == 0


def test_transfer_to_the_platform_refunded_by_hand_takes_it_from_the_ledger(fake_payable, payee, staff):
    payment = services.start_vietqr(item=fake_payable.summary("o1", 200_000, payee=payee))
    services.confirm_transfer_received(payment=payment, actor=staff)
    refund = services.refund_payment(payment=payment, amount=50_000, actor=staff)
    assert refund.settled_by == RefundSettlement.PLATFORM
    assert list(LedgerEntry.objects.order_by("pk").values_list("kind", "gross", "fee", "net")) == [
        (LedgerKind.SALE, 200_000, 10_000, 190_000),
        (LedgerKind.REFUND, -50_000, -2_500, -47_500),
    ]


def test_the_database_refuses_refunds_above_the_amount(fake_payable, payee):
    payment = services.start_cash_on_delivery(item=fake_payable.summary("o1", 100_000, payee=payee))
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentItem.objects.filter(payment=payment).update(refunded_amount=100_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=100_001)
