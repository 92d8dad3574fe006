"""Payment services: the only code that writes payment rows (views, tasks and other apps call these).

All take keyword-only arguments, run in ``transaction.atomic()`` where they write, return model
instances and raise :class:`payments.exceptions.PaymentError`. Those that call a provider over HTTP
(``start_checkout``, ``refund_payment``, ``cancel_payment``, ``expire_stale_payments``, Stripe events
that need a re-fetch) commit first and never hold a lock across the call: call them outside any
transaction.
"""

from .ledger import balance_of, payout_statement_csv, record_payout
from .lifecycle import (
    cancel_payment,
    confirm_cash_received,
    confirm_transfer_received,
    expire_stale_payments,
    mark_succeeded,
)
from .payables import latest_payment, payment_summary, refund_payable
from .refunds import refund_payment, retry_refund
from .starting import (
    payment_instructions,
    platform_bank_account,
    start_cash_on_delivery,
    start_checkout,
    start_vietqr,
)
from .statements import import_statement
from .stripe_events import handle_stripe_event

__all__ = [
    "balance_of",
    "cancel_payment",
    "confirm_cash_received",
    "confirm_transfer_received",
    "expire_stale_payments",
    "handle_stripe_event",
    "import_statement",
    "latest_payment",
    "mark_succeeded",
    "payment_instructions",
    "payment_summary",
    "payout_statement_csv",
    "platform_bank_account",
    "record_payout",
    "refund_payable",
    "refund_payment",
    "retry_refund",
    "start_cash_on_delivery",
    "start_checkout",
    "start_vietqr",
]
