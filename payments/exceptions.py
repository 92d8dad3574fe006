"""Errors raised by payment services, each with a stable code that views and the API map to messages."""

import enum


class PaymentErrorCode(enum.StrEnum):
    NO_ITEMS = "no_items"
    INVALID_AMOUNT = "invalid_amount"
    UNKNOWN_PAYABLE_KIND = "unknown_payable_kind"
    DUPLICATE_ITEM = "duplicate_item"
    PAYABLE_ALREADY_IN_PAYMENT = "payable_already_in_payment"
    PAYEE_REQUIRED = "payee_required"
    INVALID_BUYER_EMAIL = "invalid_buyer_email"
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    PROVIDER_DISABLED = "provider_disabled"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    PROVIDER_REFUSED = "provider_refused"
    WRONG_PROVIDER = "wrong_provider"
    ILLEGAL_TRANSITION = "illegal_transition"
    NOT_ALLOWED = "not_allowed"
    ITEM_REQUIRED = "item_required"
    ITEM_NOT_IN_PAYMENT = "item_not_in_payment"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    REFUND_EXCEEDS_REFUNDABLE = "refund_exceeds_refundable"
    INVALID_BANK_ACCOUNT = "invalid_bank_account"
    BANK_ACCOUNT_MISSING = "bank_account_missing"
    MALFORMED_STATEMENT = "malformed_statement"
    STATEMENT_CONFLICT = "statement_conflict"
    INVALID_WEBHOOK = "invalid_webhook"
    INVALID_PERIOD = "invalid_period"
    INSUFFICIENT_BALANCE = "insufficient_balance"


class PaymentError(Exception):
    """A refused payment operation. ``field`` names the input at fault, when there is one."""

    def __init__(self, code: PaymentErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
