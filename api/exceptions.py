"""Errors raised by the exchange's services (partners, keys, subscriptions, deliveries)."""

from enum import StrEnum


class ApiErrorCode(StrEnum):
    PARTNER_NOT_APPROVED = "partner_not_approved"
    PARTNER_ALREADY_REVIEWED = "partner_already_reviewed"
    UNKNOWN_SCOPE = "unknown_scope"
    ENDPOINT_REFUSED = "endpoint_refused"
    SUBSCRIPTION_DISABLED = "subscription_disabled"
    INVALID_FILTER = "invalid_filter"


#: the HTTP status each refusal answers with, in the API, the portal and the admin alike (else 400)
HTTP_STATUSES = {
    ApiErrorCode.PARTNER_NOT_APPROVED: 403,
    ApiErrorCode.PARTNER_ALREADY_REVIEWED: 409,
    ApiErrorCode.SUBSCRIPTION_DISABLED: 409,
}


class ApiServiceError(Exception):
    """A refused request of a partner or an admin; ``message`` is for people, ``code`` for programs."""

    def __init__(self, code: ApiErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    @property
    def http_status(self) -> int:
        return HTTP_STATUSES.get(self.code, 400)
