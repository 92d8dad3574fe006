"""Refusals of the domain services as API errors, decided in one place for every view.

Market and tourism services raise :class:`~market.exceptions.MarketError` and
:class:`~tourism.exceptions.TourismError` (a stable ``code``, a message for people, the ``field`` at
fault); some also raise Django's ``ValidationError`` for details a person typed. Views let them
propagate; :class:`DomainErrorsMixin` answers in the API's one error shape:

* **409** when the current state is in the way: sold out, no longer for sale or bookable, dates taken,
  departure full, hold expired, already cancelled, a step the order or booking cannot take now, a
  demand no longer open or an offer already decided;
* **403** when the person may not do this (not their order, not their booking to review);
* **400** for everything else (impossible dates, too many guests, a way of paying not offered…),

with the service's message and, when the service names one, the field (as the request names it).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from market.exceptions import MarketError, MarketErrorCode
from tourism.exceptions import TourismError, TourismErrorCode

from .errors import error_body

CONFLICT_CODES = frozenset(
    {
        MarketErrorCode.OUT_OF_STOCK,
        MarketErrorCode.PRODUCT_UNAVAILABLE,
        MarketErrorCode.ILLEGAL_TRANSITION,
        MarketErrorCode.HOLD_EXPIRED,
        MarketErrorCode.ALREADY_REVIEWED,
        MarketErrorCode.DEMAND_NOT_OPEN,
        MarketErrorCode.OFFER_NOT_OPEN,
        TourismErrorCode.UNAVAILABLE,
        TourismErrorCode.SLOT_FULL,
        TourismErrorCode.CLOSED,
        TourismErrorCode.NOT_BOOKABLE,
        TourismErrorCode.HOLD_EXPIRED,
        TourismErrorCode.ALREADY_CANCELLED,
        TourismErrorCode.ILLEGAL_TRANSITION,
        TourismErrorCode.ALREADY_REVIEWED,
    }
)
FORBIDDEN_CODES = frozenset(
    {
        MarketErrorCode.NOT_ALLOWED,
        MarketErrorCode.REVIEW_NOT_ALLOWED,
        TourismErrorCode.NOT_ALLOWED,
        TourismErrorCode.REVIEW_NOT_ALLOWED,
    }
)
DOMAIN_ERRORS = (MarketError, TourismError)


def status_for(error: MarketError | TourismError) -> int:
    if error.code in CONFLICT_CODES:
        return status.HTTP_409_CONFLICT
    if error.code in FORBIDDEN_CODES:
        return status.HTTP_403_FORBIDDEN
    return status.HTTP_400_BAD_REQUEST


def renamed(error: MarketError | TourismError, field: str) -> MarketError | TourismError:
    """The same refusal, naming the field as the request does (``items.2.quantity``)."""
    return type(error)(error.code, error.message, field=field)


def domain_error_body(exc) -> tuple[int, dict] | None:
    """``(status, body)`` for a domain refusal, or ``None`` when ``exc`` is not one."""
    if isinstance(exc, DOMAIN_ERRORS):
        code = status_for(exc)
        fields = {exc.field: [exc.message]} if exc.field else None
        return code, error_body(status_code=code, code=str(exc.code), message=exc.message, fields=fields)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {
                name: [str(message) for message in messages] for name, messages in exc.message_dict.items()
            }
            message = _("Some inputs are not valid.")
        else:
            fields = None
            message = str(exc.messages[0]) if exc.messages else _("Some inputs are not valid.")
        body = error_body(status_code=400, code="invalid", message=message, fields=fields)
        return status.HTTP_400_BAD_REQUEST, body
    return None


class DomainErrorsMixin:
    """Mix into a view (before :class:`~api.views.base.ApiViewMixin`): domain refusals become API errors."""

    def handle_exception(self, exc):
        mapped = domain_error_body(exc)
        if mapped is None:
            return super().handle_exception(exc)
        set_rollback()
        code, body = mapped
        return Response(body, status=code)
