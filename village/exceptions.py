"""Errors raised by village services."""

import enum


class VillageErrorCode(enum.StrEnum):
    NOT_A_COMMUNE = "not_a_commune"
    NOT_ALLOWED = "not_allowed"
    NOT_MANUAL = "indicator_not_manual"
    BAD_PERIOD = "bad_period"
    FUTURE_PERIOD = "future_period"
    BAD_VALUE = "bad_value"
    EVIDENCE_REQUIRED = "evidence_required"
    VOTE_LIMITED = "vote_limited"


class VillageError(Exception):
    def __init__(self, code: VillageErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
