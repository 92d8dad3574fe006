"""Errors raised by account services, each with a stable code."""

import enum


class AccountErrorCode(enum.StrEnum):
    INVALID_PHONE = "invalid_phone"
    IDENTIFIER_REQUIRED = "identifier_required"
    CONSENT_MISSING = "consent_missing"


class AccountError(Exception):
    def __init__(self, code: AccountErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
