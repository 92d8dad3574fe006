"""Errors raised by the exchange's services (partners, keys, subscriptions, deliveries)."""

from enum import StrEnum


class ApiErrorCode(StrEnum):
    PARTNER_NOT_APPROVED = "partner_not_approved"
    PARTNER_ALREADY_REVIEWED = "partner_already_reviewed"
    UNKNOWN_SCOPE = "unknown_scope"
    KEY_REVOKED = "key_revoked"
    ENDPOINT_REFUSED = "endpoint_refused"
    SUBSCRIPTION_DISABLED = "subscription_disabled"
    INVALID_FILTER = "invalid_filter"


class ApiServiceError(Exception):
    """A refused request of a partner or an admin; ``message`` is for people, ``code`` for programs."""

    def __init__(self, code: ApiErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
