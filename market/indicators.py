"""The commune's computed market indicators (registered in ``registration.register()``).

Each function is ``compute(commune_id, starts_on, ends_on)`` over the dates ``[starts_on, ends_on)``;
``commune_id`` is the commune's Vietnamese page (the one producers, products and orders point to).

The marketplace keeps no history of approvals, so "listed at the end of a past period" is read as: *listed
now* (approved product of an approved producer) and *created before the period ended*. A product that
was listed then and withdrawn since is not counted; the figures of past periods are therefore a lower
bound, and the current period is exact.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import OcopRating, Order, PaymentMethod, Product

DIGITAL_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.CARD)
OCOP_MIN_STARS = 3


def _midnight(day: date) -> datetime:
    """The start of ``day`` in the platform's time zone (periods are local dates)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _listed_by(commune_id: int, ends_on: date):
    return Product.objects.listed().filter(commune_id=commune_id, created_at__lt=_midnight(ends_on))


def producers_online(commune_id: int, starts_on: date, ends_on: date) -> int:
    """Approved producers with at least one listed product created before the period ended."""
    return _listed_by(commune_id, ends_on).values("producer_id").distinct().count()


def products_online(commune_id: int, starts_on: date, ends_on: date) -> int:
    """Listed products (approved, of an approved producer) created before the period ended."""
    return _listed_by(commune_id, ends_on).count()


def ocop_products_online(commune_id: int, starts_on: date, ends_on: date) -> float | None:
    """Listed products with a current OCOP rating of 3 stars or more, as a percentage of all the commune's
    products (listed or not) with a current OCOP rating of any stars; None when the commune has none.

    "Current" means issued by, and not expired on, the period's last day (today for the running period).
    """
    on = min(ends_on - timedelta(days=1), timezone.localdate())
    ratings = OcopRating.objects.filter(
        product__commune_id=commune_id,
        product__created_at__lt=_midnight(ends_on),
        issued_on__lte=on,
        expires_on__gte=on,
    )
    listed = Product.objects.listed().values("pk")
    counts = ratings.aggregate(
        all=Count("pk"), online=Count("pk", filter=Q(stars__gte=OCOP_MIN_STARS, product__in=listed))
    )
    if not counts["all"]:
        return None
    return round(100 * counts["online"] / counts["all"], 2)


def orders_paid_digitally(commune_id: int, starts_on: date, ends_on: date) -> float | None:
    """Orders paid within the period by VietQR transfer or card, as a percentage of all orders paid within
    it (cash on delivery counts when the producer took the cash); None when no order was paid."""
    counts = Order.objects.filter(
        commune_id=commune_id, paid_at__gte=_midnight(starts_on), paid_at__lt=_midnight(ends_on)
    ).aggregate(paid=Count("pk"), digital=Count("pk", filter=Q(payment_method__in=DIGITAL_METHODS)))
    if not counts["paid"]:
        return None
    return round(100 * counts["digital"] / counts["paid"], 2)
