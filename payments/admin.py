"""Payments in the Django admin, read-only: services own every write (refunds, confirmations, payouts)."""

from django.contrib import admin

from .models import LedgerEntry, Payment, PaymentItem, Refund, StatementImport, StatementLine, WebhookEvent


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PaymentItem
    extra = 0
    fields = [
        "payable_kind",
        "payable_id",
        "reference",
        "amount",
        "refunded_amount",
        "payee",
        "commune_id",
        "is_open",
    ]
    readonly_fields = fields


class RefundInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Refund
    extra = 0
    fields = ["item", "amount", "status", "settled_by", "provider_reference", "reason", "created_at"]
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "provider",
        "status",
        "amount",
        "refunded_amount",
        "collected_by",
        "created_at",
    ]
    list_filter = ["provider", "status", "collected_by"]
    search_fields = ["reference", "provider_reference", "provider_payment_reference", "buyer_email"]
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [PaymentItemInline, RefundInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "payment", "amount", "status", "settled_by", "created_at"]
    list_filter = ["status", "settled_by"]
    search_fields = ["payment__reference", "provider_reference"]
    readonly_fields = [field.name for field in Refund._meta.fields]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_id", "provider", "type", "outcome", "received_at", "processed_at"]
    list_filter = ["provider", "type", "outcome"]
    search_fields = ["event_id"]
    readonly_fields = [field.name for field in WebhookEvent._meta.fields]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "payee", "kind", "gross", "fee", "net", "fee_percent", "reference"]
    list_filter = ["kind"]
    search_fields = ["reference", "payee__email", "payee__phone"]
    readonly_fields = [field.name for field in LedgerEntry._meta.fields]


class StatementLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StatementLine
    extra = 0
    fields = [
        "line_number",
        "booked_on",
        "amount",
        "description",
        "payment",
        "outcome",
        "difference",
        "needs_review",
    ]
    readonly_fields = fields


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "filename", "actor", "account_owner", "created_at"]
    readonly_fields = [field.name for field in StatementImport._meta.fields]
    inlines = [StatementLineInline]
