"""Races on PostgreSQL: concurrent webhook deliveries, refunds and payment starts change state once."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from core.models import Event
from payments import services
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import LedgerEntry, Payment, PaymentStatus, Refund, WebhookEvent

from .conftest import signed_post

RACERS = 5


def race(
    action: Callable[[int], object], racers: int = RACERS
) -> tuple[list, list[PaymentError], list[BaseException]]:
    """Run ``action(n)`` in ``racers`` threads released together; collect results, refusals, crashes."""
    barrier = threading.Barrier(racers)
    results, refusals, crashes = [], [], []
    lock = threading.Lock()

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            result = action(number)
            with lock:
                results.append(result)
        except PaymentError as error:
            with lock:
                refusals.append(error)
        except BaseException as error:  # noqa: BLE001 - a crash must fail the test, not vanish in a thread
            with lock:
                crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, refusals, crashes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(3))
def test_the_same_webhook_delivered_five_times_at_once_changes_state_once(
    postgres, stripe_stub, fake_payable, payee, round_number
):
    # given a paid Checkout Session
    payment = services.start_checkout(
        items=[fake_payable.summary("o1", 150_000, payee=payee)],
        success_url="https://lang.example/ok/",
        cancel_url="https://lang.example/cart/",
    )
    session = stripe_stub.complete_session(payment.provider_reference)
    event = stripe_stub.event("checkout.session.completed", session)
    # when Stripe delivers its event five times at once
    results, refusals, crashes = race(lambda _n: signed_post(Client(), event))
    # then every delivery is answered 200, exactly one applied it, and the state changed once
    assert crashes == [] and refusals == []
    assert sorted(response.status_code for response in results) == [200] * RACERS
    assert sorted(response.json()["outcome"] for response in results) == ["duplicate"] * (RACERS - 1) + [
        "succeeded"
    ]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert fake_payable.paid == [("o1", payment.reference)]
    assert WebhookEvent.objects.count() == 1
    assert LedgerEntry.objects.count() == 1
    assert Event.objects.named("payments.payment.succeeded").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_exceed_what_was_paid(postgres, fake_payable, payee, staff):
    # given a 100 000 ₫ transfer to the platform, confirmed
    payment = services.start_vietqr(item=fake_payable.summary("o1", 100_000, payee=payee))
    services.confirm_transfer_received(payment=payment, actor=staff)
    # when five refunds of 30 000 ₫ race
    results, refusals, crashes = race(
        lambda _n: services.refund_payment(payment=payment, amount=30_000, reason="race", actor=staff)
    )
    # then three pass and two are refused: 90 000 ₫ refunded, never more than paid
    assert crashes == []
    assert len(results) == 3
    assert [error.code for error in refusals] == [PaymentErrorCode.REFUND_EXCEEDS_PAID] * 2
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.PARTIALLY_REFUNDED, 90_000)
    assert Refund.objects.count() == 3
    assert len(fake_payable.refunded) == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_payment_starts_for_one_payable_leave_one_payment(postgres, fake_payable, payee):
    summary = fake_payable.summary("o1", 100_000, payee=payee)
    results, refusals, crashes = race(
        lambda n: services.start_cash_on_delivery(item=summary, idempotency_key=f"k{n}")
    )
    assert crashes == []
    assert len(results) == 1
    assert [error.code for error in refusals] == [PaymentErrorCode.PAYABLE_ALREADY_IN_PAYMENT] * (RACERS - 1)
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_create_one_session(
    postgres, stripe_stub, fake_payable, payee
):
    summary = fake_payable.summary("o1", 100_000, payee=payee)
    results, refusals, crashes = race(
        lambda _n: services.start_checkout(
            items=[summary],
            success_url="https://lang.example/ok/",
            cancel_url="https://lang.example/c/",
            idempotency_key="same",
        )
    )
    assert crashes == [] and refusals == []
    assert len({payment.pk for payment in results}) == 1
    assert Payment.objects.count() == 1
    assert len(stripe_stub.sessions) == 1
    assert {request.idempotency_key for request in stripe_stub.posts("/v1/checkout/sessions")} == {
        "checkout-same"
    }
