"""Starting a payment: Stripe Checkout, a VietQR transfer, or cash on delivery.

Call these outside any transaction: the pending payment is committed *before* Stripe is called, so
no lock is held across the HTTP call, and a retry with the same idempotency key finds the same
payment and asks Stripe with the same key (Stripe answers with the same session).
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.registries import PayableSummary

from .. import stripe_client
from ..exceptions import PaymentError, PaymentErrorCode
from ..models import Collector, Payment, PaymentStatus, Provider
from ..providers import get_provider
from ..providers.stripe_provider import checkout_expires_at
from ..vietqr import BankAccount, VietQRError, validate_bank_account
from .lifecycle import close, create_payment, lock_payment


def start_checkout(
    *,
    items: Sequence[PayableSummary],
    buyer_email: str = "",
    success_url: str,
    cancel_url: str,
    idempotency_key: str | None = None,
) -> Payment:
    """Open a Stripe Checkout Session for one or more payables; the buyer goes to ``payment.redirect_url``.

    Raises ``PROVIDER_DISABLED`` without a Stripe key, ``PROVIDER_UNAVAILABLE`` when Stripe cannot be
    reached (the payment stays pending; call again with the same ``idempotency_key``) and
    ``PROVIDER_REFUSED`` when Stripe refuses (the payment is marked failed).
    """
    if not stripe_client.is_enabled():
        raise PaymentError(PaymentErrorCode.PROVIDER_DISABLED, "Card payments are not available.")
    payment, _created = create_payment(
        provider=Provider.STRIPE,
        items=items,
        collected_by=Collector.PLATFORM,
        buyer_email=buyer_email,
        idempotency_key=idempotency_key,
        expires_at=checkout_expires_at(),
    )
    if payment.status != PaymentStatus.PENDING or payment.redirect_url:
        return payment
    try:
        start = get_provider(Provider.STRIPE).start(payment, success_url=success_url, cancel_url=cancel_url)
    except PaymentError as error:
        if error.code == PaymentErrorCode.PROVIDER_REFUSED:
            close(payment_id=payment.pk, status=PaymentStatus.FAILED, reason=error.message[:200])
        raise
    with transaction.atomic():
        payment = lock_payment(payment.pk)
        if payment.status == PaymentStatus.PENDING and not payment.provider_reference:
            payment.provider_reference = start.provider_reference
            payment.redirect_url = start.redirect_url
            payment.expires_at = start.expires_at or payment.expires_at
            payment.save(update_fields=["provider_reference", "redirect_url", "expires_at", "updated_at"])
    return payment


def platform_bank_account() -> BankAccount:
    """The platform's own account for VietQR transfers (settings ``PLATFORM_BANK_*``)."""
    try:
        return validate_bank_account(
            bank_bin=settings.PLATFORM_BANK_BIN,
            account_number=settings.PLATFORM_BANK_ACCOUNT,
            account_name=settings.PLATFORM_BANK_ACCOUNT_NAME,
        )
    except VietQRError as error:
        raise PaymentError(
            PaymentErrorCode.BANK_ACCOUNT_MISSING,
            "Bank transfer to the platform is not configured (PLATFORM_BANK_*).",
        ) from error


def start_vietqr(
    *,
    item: PayableSummary,
    buyer_email: str = "",
    payee_account: BankAccount | None = None,
    idempotency_key: str | None = None,
) -> Payment:
    """A VietQR transfer for one payable: to ``payee_account`` (the producer's or host's own account,
    no ledger entry) or, when none is given and ``PAYMENTS_VIETQR_COLLECTS_TO_PLATFORM`` is on, to
    the platform's account. ``payment.qr_svg()`` renders the QR; the message is ``payment.reference``.
    """
    if payee_account is not None:
        try:
            account = validate_bank_account(
                bank_bin=payee_account.bank_bin,
                account_number=payee_account.account_number,
                account_name=payee_account.account_name,
            )
        except VietQRError as error:
            raise PaymentError(
                PaymentErrorCode.INVALID_BANK_ACCOUNT, error.message, field=error.field
            ) from error
        collected_by = Collector.PAYEE
    elif settings.PAYMENTS_VIETQR_COLLECTS_TO_PLATFORM:
        account = platform_bank_account()
        collected_by = Collector.PLATFORM
    else:
        raise PaymentError(
            PaymentErrorCode.BANK_ACCOUNT_MISSING,
            "The payee has no bank account for transfers.",
            field="payee_account",
        )
    with transaction.atomic():
        payment, created = create_payment(
            provider=Provider.VIETQR,
            items=[item],
            collected_by=collected_by,
            buyer_email=buyer_email,
            idempotency_key=idempotency_key,
            expires_at=timezone.now() + timedelta(hours=int(settings.PAYMENTS_TRANSFER_HOURS)),
            bank_account=account,
        )
        if created:
            start = get_provider(Provider.VIETQR).start(payment)  # no HTTP: builds the QR payload
            payment.qr_payload = start.qr_payload
            payment.save(update_fields=["qr_payload", "updated_at"])
    return payment


def start_cash_on_delivery(
    *, item: PayableSummary, buyer_email: str = "", idempotency_key: str | None = None
) -> Payment:
    """Cash on delivery for one payable; the payee confirms with ``confirm_cash_received``. No expiry."""
    if item.payee_id is None:
        raise PaymentError(PaymentErrorCode.PAYEE_REQUIRED, "Cash on delivery needs a payee to confirm it.")
    payment, _created = create_payment(
        provider=Provider.CASH_ON_DELIVERY,
        items=[item],
        collected_by=Collector.PAYEE,
        buyer_email=buyer_email,
        idempotency_key=idempotency_key,
    )
    return payment


def payment_instructions(payment: Payment) -> str:
    """What to tell the buyer for a cash or VietQR payment (no HTTP)."""
    if payment.provider == Provider.STRIPE:
        return ""
    return get_provider(payment.provider).start(payment).instructions
