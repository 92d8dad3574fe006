"""Errors raised by village services."""

import enum


class VillageErrorCode(enum.StrEnum):
    NOT_A_COMMUNE = "not_a_commune"


class VillageError(Exception):
    def __init__(self, code: VillageErrorCode, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
