"""Starting, confirming, cancelling and expiring payments (cash on delivery and VietQR)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Event
from core.registries import PayableSummary
from payments import services
from payments.exceptions import PaymentError, PaymentErrorCode
from payments.models import Collector, LedgerEntry, Payment, PaymentItem, PaymentStatus, Provider
from payments.vietqr import BankAccount, parse_payload

from .conftest import FAKE_KIND

MAI_ACCOUNT = BankAccount(bank_bin="970405", account_number="8888012345678", account_name="NGUYEN THI MAI")

pytestmark = pytest.mark.django_db


def test_cash_on_delivery_starts_pending_without_expiry(fake_payable, payee):
    # given an order of 150 000 ₫ from a producer
    summary = fake_payable.summary("o1", 150_000, payee=payee, commune_id=7)
    # when the buyer picks cash on delivery
    payment = services.start_cash_on_delivery(item=summary, buyer_email="an@example.org")
    # then a pending payment collected by the payee exists, with one open item
    assert (payment.provider, payment.status, payment.collected_by) == (
        Provider.CASH_ON_DELIVERY,
        PaymentStatus.PENDING,
        Collector.PAYEE,
    )
    assert payment.amount == 150_000
    assert payment.expires_at is None
    assert payment.reference.startswith("TT") and len(payment.reference) == 10
    item = payment.items.get()
    assert (item.payable_kind, item.payable_id, item.amount, item.payee, item.commune_id, item.is_open) == (
        FAKE_KIND,
        "o1",
        150_000,
        payee,
        7,
        True,
    )
    started = Event.objects.named("payments.payment.started").for_subject(payment).get()
    assert started.commune_id == 7
    assert started.payload["items"][0]["reference"] == "LSO1"
    assert "150.000 ₫" in services.payment_instructions(payment)


def test_payee_confirms_cash_received(fake_payable, payee):
    payment = services.start_cash_on_delivery(item=fake_payable.summary("o1", 150_000, payee=payee))
    # when the producer confirms the cash
    confirmed = services.confirm_cash_received(payment=payment, actor=payee)
    # then the payment succeeded, the payable heard once, and no ledger entry (the platform never held it)
    assert confirmed.status == PaymentStatus.SUCCEEDED
    assert confirmed.succeeded_at is not None
    assert fake_payable.paid == [("o1", payment.reference)]
    assert LedgerEntry.objects.count() == 0
    event = Event.objects.named("payments.payment.succeeded").for_subject(payment).get()
    assert event.actor == payee
    assert event.payload["source"] == "cash"


def test_another_user_cannot_confirm_cash(fake_payable, payee, other_payee):
    payment = services.start_cash_on_delivery(item=fake_payable.summary("o1", 150_000, payee=payee))
    with pytest.raises(PaymentError) as caught:
        services.confirm_cash_received(payment=payment, actor=other_payee)
    assert caught.value.code == PaymentErrorCode.NOT_ALLOWED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert fake_payable.paid == []
    assert not Event.objects.named("payments.payment.succeeded").exists()


def test_confirming_twice_is_refused_and_changes_nothing(fake_payable, payee):
    payment = services.start_cash_on_delivery(item=fake_payable.summary("o1", 150_000, payee=payee))
    services.confirm_cash_received(payment=payment, actor=payee)
    with pytest.raises(PaymentError) as caught:
        services.confirm_cash_received(payment=payment, actor=payee)
    assert caught.value.code == PaymentErrorCode.ILLEGAL_TRANSITION
    assert len(fake_payable.paid) == 1
    assert Event.objects.named("payments.payment.succeeded").count() == 1


def test_cash_on_delivery_needs_a_payee(fake_payable):
    with pytest.raises(PaymentError) as caught:
        services.start_cash_on_delivery(item=fake_payable.summary("o1", 150_000))
    assert caught.value.code == PaymentErrorCode.PAYEE_REQUIRED
    assert not Payment.objects.exists()


def test_unknown_payable_kind_is_refused(payee):
    summary = PayableSummary(
        kind="tourism.nothing", payable_id="1", amount=1000, reference="X", description="", payee_id=payee.pk
    )
    with pytest.raises(PaymentError) as caught:
        services.start_cash_on_delivery(item=summary)
    assert caught.value.code == PaymentErrorCode.UNKNOWN_PAYABLE_KIND
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", [0, -1, 1.5, True])
def test_bad_amount_is_refused(fake_payable, payee, amount):
    with pytest.raises(PaymentError) as caught:
        services.start_cash_on_delivery(item=fake_payable.summary("o1", amount, payee=payee))
    assert caught.value.code == PaymentErrorCode.INVALID_AMOUNT
    assert not Payment.objects.exists()


def test_a_payable_cannot_be_in_two_open_payments(fake_payable, payee):
    # given a pending cash payment for order o1
    first = services.start_cash_on_delivery(item=fake_payable.summary("o1", 150_000, payee=payee))
    # when a VietQR payment is started for the same order
    with pytest.raises(PaymentError) as caught:
        services.start_vietqr(item=fake_payable.summary("o1", 150_000, payee=payee))
    # then it is refused and nothing was written
    assert caught.value.code == PaymentErrorCode.PAYABLE_ALREADY_IN_PAYMENT
    assert list(Payment.objects.all()) == [first]
    assert PaymentItem.objects.count() == 1


def test_after_cancelling_the_payable_can_be_paid_another_way(fake_payable, payee, buyer):
    first = services.start_cash_on_delivery(item=fake_payable.summary("o1", 150_000, payee=payee))
    cancelled = services.cancel_payment(payment=first, actor=buyer, reason="buyer prefers a transfer")
    assert cancelled.status == PaymentStatus.CANCELLED
    assert not cancelled.items.get().is_open
    second = services.start_vietqr(item=fake_payable.summary("o1", 150_000, payee=payee))
    assert second.status == PaymentStatus.PENDING
    event = Event.objects.named("payments.payment.cancelled").for_subject(first).get()
    assert event.payload["reason"] == "buyer prefers a transfer"


def test_same_idempotency_key_returns_the_same_payment(fake_payable, payee):
    summary = fake_payable.summary("o1", 150_000, payee=payee)
    first = services.start_cash_on_delivery(item=summary, idempotency_key="checkout-42-o1")
    again = services.start_cash_on_delivery(item=summary, idempotency_key="checkout-42-o1")
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert Event.objects.named("payments.payment.started").count() == 1


def test_same_idempotency_key_for_something_else_is_refused(fake_payable, payee):
    services.start_cash_on_delivery(
        item=fake_payable.summary("o1", 150_000, payee=payee), idempotency_key="k1"
    )
    with pytest.raises(PaymentError) as caught:
        services.start_cash_on_delivery(
            item=fake_payable.summary("o2", 99_000, payee=payee), idempotency_key="k1"
        )
    assert caught.value.code == PaymentErrorCode.IDEMPOTENCY_CONFLICT
    assert Payment.objects.count() == 1


def test_vietqr_to_the_platform_account(fake_payable, payee, settings):
    settings.PLATFORM_BANK_BIN = "970436"
    settings.PLATFORM_BANK_ACCOUNT = "0011001932418"
    settings.PLATFORM_BANK_ACCOUNT_NAME = "LANG SO"
    settings.PAYMENTS_TRANSFER_HOURS = 24
    before = timezone.now()
    payment = services.start_vietqr(item=fake_payable.summary("o1", 250_000, payee=payee))
    assert payment.collected_by == Collector.PLATFORM
    assert timedelta(hours=23, minutes=59) < payment.expires_at - before <= timedelta(hours=24, seconds=5)
    data = parse_payload(payment.qr_payload)
    assert (data.bank_bin, data.account_number, data.amount, data.purpose) == (
        "970436",
        "0011001932418",
        250_000,
        payment.reference,
    )
    svg = payment.qr_svg()
    assert svg.startswith("<svg") and f"<title>VietQR {payment.reference}</title>" in svg
    assert "LANG SO" in services.payment_instructions(payment)


def test_vietqr_to_the_payees_own_account(fake_payable, payee):
    payment = services.start_vietqr(
        item=fake_payable.summary("o1", 250_000, payee=payee), payee_account=MAI_ACCOUNT
    )
    assert payment.collected_by == Collector.PAYEE
    assert parse_payload(payment.qr_payload).account_number == "8888012345678"
    assert payment.bank_account_name == "NGUYEN THI MAI"


def test_vietqr_with_an_invalid_payee_account_is_refused(fake_payable, payee):
    bad = BankAccount(bank_bin="970405", account_number="8888012345678", account_name="Nguyễn Thị Mai")
    with pytest.raises(PaymentError) as caught:
        services.start_vietqr(item=fake_payable.summary("o1", 250_000, payee=payee), payee_account=bad)
    assert (caught.value.code, caught.value.field) == (PaymentErrorCode.INVALID_BANK_ACCOUNT, "account_name")
    assert not Payment.objects.exists()


def test_vietqr_to_the_platform_needs_its_account(fake_payable, payee, settings):
    settings.PLATFORM_BANK_ACCOUNT = ""
    with pytest.raises(PaymentError) as caught:
        services.start_vietqr(item=fake_payable.summary("o1", 250_000, payee=payee))
    assert caught.value.code == PaymentErrorCode.BANK_ACCOUNT_MISSING
    assert not Payment.objects.exists()


def test_vietqr_without_platform_collection_needs_the_payees_account(fake_payable, payee, settings):
    settings.PAYMENTS_VIETQR_COLLECTS_TO_PLATFORM = False
    with pytest.raises(PaymentError) as caught:
        services.start_vietqr(item=fake_payable.summary("o1", 250_000, payee=payee))
    assert caught.value.code == PaymentErrorCode.BANK_ACCOUNT_MISSING
    assert not Payment.objects.exists()


def test_payee_confirms_a_transfer_to_their_own_account(fake_payable, payee):
    payment = services.start_vietqr(
        item=fake_payable.summary("o1", 250_000, payee=payee), payee_account=MAI_ACCOUNT
    )
    confirmed = services.confirm_transfer_received(payment=payment, actor=payee)
    assert confirmed.status == PaymentStatus.SUCCEEDED
    assert LedgerEntry.objects.count() == 0


def test_only_staff_confirm_a_transfer_to_the_platform(fake_payable, payee, staff):
    payment = services.start_vietqr(item=fake_payable.summary("o1", 250_000, payee=payee))
    with pytest.raises(PaymentError) as caught:
        services.confirm_transfer_received(payment=payment, actor=payee)
    assert caught.value.code == PaymentErrorCode.NOT_ALLOWED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    confirmed = services.confirm_transfer_received(payment=payment, actor=staff)
    assert confirmed.status == PaymentStatus.SUCCEEDED
    sale = LedgerEntry.objects.get()
    assert (sale.gross, sale.fee, sale.net, sale.payee) == (250_000, 12_500, 237_500, payee)


def test_confirming_cash_on_a_transfer_is_refused(fake_payable, payee):
    payment = services.start_vietqr(
        item=fake_payable.summary("o1", 250_000, payee=payee), payee_account=MAI_ACCOUNT
    )
    with pytest.raises(PaymentError) as caught:
        services.confirm_cash_received(payment=payment, actor=payee)
    assert caught.value.code == PaymentErrorCode.WRONG_PROVIDER


def test_expire_stale_payments_expires_only_overdue_transfers(fake_payable, payee):
    # given an overdue transfer, a fresh one and a cash payment (which never expires)
    overdue = services.start_vietqr(item=fake_payable.summary("o1", 100_000, payee=payee))
    fresh = services.start_vietqr(item=fake_payable.summary("o2", 100_000, payee=payee))
    cash = services.start_cash_on_delivery(item=fake_payable.summary("o3", 100_000, payee=payee))
    Payment.objects.filter(pk=overdue.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    # when the periodic task runs, twice
    assert services.expire_stale_payments() == 1
    assert services.expire_stale_payments() == 0
    # then only the overdue one expired, and its payable is free again
    statuses = dict(Payment.objects.values_list("pk", "status"))
    assert statuses == {
        overdue.pk: PaymentStatus.EXPIRED,
        fresh.pk: PaymentStatus.PENDING,
        cash.pk: PaymentStatus.PENDING,
    }
    assert not PaymentItem.objects.get(payment=overdue).is_open
    assert Event.objects.named("payments.payment.expired").count() == 1


def test_expired_payment_cannot_be_confirmed(fake_payable, payee, staff):
    payment = services.start_vietqr(item=fake_payable.summary("o1", 100_000, payee=payee))
    services.expire_stale_payments(now=timezone.now() + timedelta(days=3))
    with pytest.raises(PaymentError) as caught:
        services.confirm_transfer_received(payment=payment, actor=staff)
    assert caught.value.code == PaymentErrorCode.ILLEGAL_TRANSITION
    assert fake_payable.paid == []


def test_expire_payments_command(fake_payable, payee):
    from io import StringIO

    from django.core.management import call_command

    payment = services.start_vietqr(item=fake_payable.summary("o1", 100_000, payee=payee))
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("expire_payments", stdout=out)
    assert out.getvalue().strip() == "1 payment(s) expired"


def test_an_invalid_buyer_email_is_refused(fake_payable, payee):
    with pytest.raises(PaymentError) as caught:
        services.start_cash_on_delivery(
            item=fake_payable.summary("o1", 1_000, payee=payee), buyer_email="not-an-email"
        )
    assert (caught.value.code, caught.value.field) == (PaymentErrorCode.INVALID_BUYER_EMAIL, "buyer_email")
    assert not Payment.objects.exists()


def test_expiry_is_registered_as_a_periodic_job_and_runs_as_a_task(fake_payable, payee):
    from core.registries import periodic_jobs

    job = periodic_jobs.get("payments.expire-stale-payments")
    assert job.every_seconds == 300
    payment = services.start_vietqr(item=fake_payable.summary("o1", 100_000, payee=payee))
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    result = job.task.enqueue()  # the immediate backend in tests runs it now
    assert result.return_value == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED
