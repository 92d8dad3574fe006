"""Errors raised by tourism services, each with a stable code that views and the API map to messages."""

import enum


class TourismErrorCode(enum.StrEnum):
    INVALID_DATES = "invalid_dates"
    DATES_IN_THE_PAST = "dates_in_the_past"
    TOO_MANY_NIGHTS = "too_many_nights"
    TOO_FAR_AHEAD = "too_far_ahead"
    BELOW_MINIMUM_NIGHTS = "below_minimum_nights"
    INVALID_GUESTS = "invalid_guests"
    INVALID_GUEST_DETAILS = "invalid_guest_details"
    TOO_MANY_GUESTS = "too_many_guests"
    CLOSED = "closed"
    UNAVAILABLE = "unavailable"
    SLOT_FULL = "slot_full"
    NOT_BOOKABLE = "not_bookable"
    PAYMENT_METHOD_UNAVAILABLE = "payment_method_unavailable"
    HOLD_EXPIRED = "hold_expired"
    ILLEGAL_TRANSITION = "illegal_transition"
    ALREADY_CANCELLED = "already_cancelled"
    NOT_ALLOWED = "not_allowed"
    REVIEW_NOT_ALLOWED = "review_not_allowed"
    ALREADY_REVIEWED = "already_reviewed"
    ALREADY_REPLIED = "already_replied"
    INVALID_CALENDAR = "invalid_calendar"
    CALENDAR_UNREACHABLE = "calendar_unreachable"
    CALENDAR_HAS_NO_ADDRESS = "calendar_has_no_address"
    INVALID_PRICE = "invalid_price"
    TOO_MANY_PHOTOS = "too_many_photos"


class TourismError(Exception):
    def __init__(self, code: TourismErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
