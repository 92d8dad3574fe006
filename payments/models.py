"""Payments, what they pay for, refunds, incoming webhooks, the payout ledger and bank statements.

Amounts are Vietnamese đồng (VND), whole numbers: VND has no minor unit, and Stripe treats it as a
zero-decimal currency, so the integer we store is the integer Stripe charges.

Rows change only through ``payments.services``; the admin shows them read-only.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .vietqr import render_svg


class Provider(models.TextChoices):
    """How the buyer pays. One module per provider in ``payments/providers/``."""

    CASH_ON_DELIVERY = "cod", _("Cash on delivery")
    VIETQR = "vietqr", _("VietQR bank transfer")
    STRIPE = "stripe", _("Card (Stripe)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")


# The only state changes a payment may make; anything else is refused (or, for a webhook, ignored).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.EXPIRED, PaymentStatus.CANCELLED}
    ),
    PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}),
    PaymentStatus.PARTIALLY_REFUNDED: frozenset({PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.EXPIRED: frozenset(),
    PaymentStatus.CANCELLED: frozenset(),
    PaymentStatus.REFUNDED: frozenset(),
}

# While a payment is in one of these, its payables may not be put into another payment.
OPEN_STATUSES = frozenset({PaymentStatus.PENDING, PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED})
PAID_STATUSES = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED})


class Collector(models.TextChoices):
    """Whose account the money lands in. Only money the platform collects enters the payout ledger."""

    PLATFORM = "platform", _("Platform account")
    PAYEE = "payee", _("Payee's own account or hand")


class Payment(models.Model):
    """One attempt to collect money for one or more payables (orders, bookings).

    A Stripe Checkout Session may cover several payables (a checkout split into one order per producer);
    VietQR and cash on delivery cover one. ``reference`` is the short code the buyer types into a bank
    transfer; ``provider_reference`` is the provider's id for the attempt (a Stripe Checkout Session
    id) and ``provider_payment_reference`` the id of the money movement (a Stripe PaymentIntent id).
    ``refunded_amount`` counts refunds in progress and done, so that two refunds cannot both pass.
    """

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PENDING,
        db_index=True,
    )
    collected_by = models.CharField(_("collected by"), max_length=16, choices=Collector.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    refunded_amount = models.PositiveBigIntegerField(_("refunded amount (VND)"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True, db_index=True)
    provider_payment_reference = models.CharField(
        _("provider payment reference"), max_length=255, blank=True, db_index=True
    )
    redirect_url = models.URLField(_("redirect URL"), max_length=2000, blank=True)
    buyer_email = models.EmailField(_("buyer email"), blank=True)
    # VietQR: the account the buyer transfers to (the platform's, or the payee's own) and the QR payload.
    bank_bin = models.CharField(_("bank BIN"), max_length=6, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=19, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=100, blank=True)
    qr_payload = models.TextField(_("VietQR payload"), blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")), name="payment_refunds_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(provider__in=[choice.value for choice in Provider]), name="payment_provider_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in PaymentStatus]),
                name="payment_status_known",
            ),
            models.CheckConstraint(
                condition=Q(collected_by__in=[choice.value for choice in Collector]),
                name="payment_collector_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.get_provider_display()} · {self.get_status_display()}"

    def can_become(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS[self.status]

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES

    @property
    def collects_to_platform(self) -> bool:
        return self.collected_by == Collector.PLATFORM

    def qr_svg(self) -> str:
        """The VietQR as an inline SVG (empty for other providers)."""
        if not self.qr_payload:
            return ""
        return render_svg(self.qr_payload, title=f"VietQR {self.reference}")


class PaymentItem(models.Model):
    """One payable covered by a payment: its kind (``market.order``), id, amount and payee.

    ``is_open`` is true while the payment may still bring or has brought money for it; the partial
    unique constraint then keeps the same payable out of any other payment (no double charge).
    """

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="items")
    payable_kind = models.CharField(_("payable kind"), max_length=64)
    payable_id = models.CharField(_("payable id"), max_length=64)
    reference = models.CharField(_("payable reference"), max_length=32, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    refunded_amount = models.PositiveBigIntegerField(_("refunded amount (VND)"), default=0)
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_items",
    )
    commune_id = models.BigIntegerField(_("commune"), null=True, blank=True, db_index=True)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("payment item")
        verbose_name_plural = _("payment items")
        indexes = [models.Index(fields=["payable_kind", "payable_id"], name="payments_item_payable")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_item_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")), name="payment_item_refunds_within_amount"
            ),
            models.UniqueConstraint(
                fields=["payable_kind", "payable_id"],
                condition=Q(is_open=True),
                name="payment_item_one_open_payment_per_payable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payable_kind}:{self.payable_id} · {self.amount}"

    @property
    def remaining_amount(self) -> int:
        return self.amount - self.refunded_amount


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RefundSettlement(models.TextChoices):
    """Who gives the money back: the provider (Stripe), or by hand the payee (cash) or the platform."""

    PROVIDER = "provider", _("By the provider")
    PAYEE = "payee", _("By hand, by the payee")
    PLATFORM = "platform", _("By hand, by the platform")


class Refund(models.Model):
    """Money going back for one payment item; partial refunds are separate rows."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="refunds")
    item = models.ForeignKey(PaymentItem, on_delete=models.CASCADE, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING, db_index=True
    )
    settled_by = models.CharField(_("settled by"), max_length=16, choices=RefundSettlement.choices)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    failure_message = models.CharField(_("failure message"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    succeeded_at = models.DateTimeField(_("succeeded at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"refund {self.pk} · {self.amount} · {self.get_status_display()}"

    @property
    def idempotency_key(self) -> str:
        return f"refund-{self.pk}"


class WebhookEvent(models.Model):
    """An incoming provider event, stored once: a second delivery of the same id is skipped."""

    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    type = models.CharField(_("type"), max_length=100)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class LedgerKind(models.TextChoices):
    SALE = "sale", _("Sale")
    REFUND = "refund", _("Refund")
    PAYOUT = "payout", _("Payout")


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Ledger entries are append-only")

    def delete(self):
        raise ValueError("Ledger entries are append-only")


class LedgerEntry(models.Model):
    """What the platform owes a payee, append-only; only for money the platform collects.

    A sale adds ``net = gross - fee``; a refund takes the refunded amount back and gives back the same
    share of the fee; a payout records money sent to the payee. A payee's balance is the sum of ``net``.
    The fee is ``gross × fee_percent / 100`` rounded half up to a whole đồng (see ``payments.fees``).
    """

    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    item = models.ForeignKey(
        PaymentItem, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entry"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerKind.choices)
    gross = models.BigIntegerField(_("gross (VND)"))
    fee = models.BigIntegerField(_("platform fee (VND)"))
    net = models.BigIntegerField(_("net (VND)"))
    fee_percent = models.DecimalField(_("fee percent"), max_digits=5, decimal_places=2)
    reference = models.CharField(_("statement or payout reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(net=F("gross") - F("fee")), name="ledger_net_is_gross_less_fee"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=LedgerKind.SALE, gross__gt=0, fee__gte=0, item__isnull=False)
                    | Q(kind=LedgerKind.REFUND, gross__lt=0, fee__lte=0, refund__isnull=False)
                    | Q(kind=LedgerKind.PAYOUT, gross__lt=0, fee=0, payee__isnull=False)
                ),
                name="ledger_signs_by_kind",
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(kind=LedgerKind.SALE), name="ledger_one_sale_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.net}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only")


class StatementImport(models.Model):
    """A bank statement (CSV) imported to confirm VietQR transfers.

    ``account_owner`` is empty for the platform's account (imported by staff); otherwise it is the
    payee who imported the statement of their own account.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="statement_imports"
    )
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    summary = models.JSONField(_("summary"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")

    def __str__(self) -> str:
        return f"statement {self.pk} · {self.created_at:%Y-%m-%d}"


class StatementOutcome(models.TextChoices):
    MATCHED = "matched", _("Matched: payment confirmed")
    UNDERPAID = "underpaid", _("Less than the amount due")
    OVERPAID = "overpaid", _("More than the amount due: payment confirmed, difference owed back")
    UNMATCHED = "unmatched", _("No payment reference found")
    UNEXPECTED = "unexpected", _("Payment no longer awaiting money (paid, expired or cancelled)")
    DUPLICATE = "duplicate", _("Already imported")
    OUTGOING = "outgoing", _("Outgoing transfer")


class StatementLine(models.Model):
    """One row of an imported statement and what became of it."""

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField(_("line number"))
    raw = models.TextField(_("raw row"))
    booked_on = models.DateField(_("date"))
    amount = models.BigIntegerField(_("amount (VND)"))
    description = models.CharField(_("description"), max_length=500)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    line_hash = models.CharField(_("line fingerprint"), max_length=64, db_index=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_lines"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=StatementOutcome.choices)
    difference = models.BigIntegerField(_("amount less amount due (VND)"), default=0)
    needs_review = models.BooleanField(_("needs review"), default=False)

    class Meta:
        ordering = ["statement", "line_number"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        constraints = [
            models.UniqueConstraint(
                fields=["line_hash"],
                condition=~Q(outcome="duplicate"),
                name="statement_line_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.get_outcome_display()}"
