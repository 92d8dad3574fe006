"""Errors raised by market services, each with a stable code that views and the API map to messages."""

import enum


class MarketErrorCode(enum.StrEnum):
    OUT_OF_STOCK = "out_of_stock"
    BELOW_MINIMUM_ORDER = "below_minimum_order"
    INVALID_QUANTITY = "invalid_quantity"
    PRODUCT_UNAVAILABLE = "product_unavailable"
    EMPTY_CART = "empty_cart"
    NO_DELIVERY_TO_ZONE = "no_delivery_to_zone"
    PAYMENT_METHOD_UNAVAILABLE = "payment_method_unavailable"
    ILLEGAL_TRANSITION = "illegal_transition"
    HOLD_EXPIRED = "hold_expired"
    NOT_ALLOWED = "not_allowed"
    TOO_MANY_IMAGES = "too_many_images"
    REVIEW_NOT_ALLOWED = "review_not_allowed"
    ALREADY_REVIEWED = "already_reviewed"
    INVALID_BANK_ACCOUNT = "invalid_bank_account"
    # buyer demands and offers
    DEMAND_NOT_OPEN = "demand_not_open"
    OFFER_NOT_OPEN = "offer_not_open"
    INCOMPATIBLE_UNIT = "incompatible_unit"
    OWN_DEMAND = "own_demand"


class MarketError(Exception):
    def __init__(self, code: MarketErrorCode, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
