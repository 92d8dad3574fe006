"""Reviews by verified buyers, and each producer's reliability figures."""

from statistics import median

from django.db import transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from core.events import record_event

from ..exceptions import MarketError, MarketErrorCode
from ..models import CancelledBy, Order, OrderStatus, Producer, Review

REVIEWABLE = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


def review_product(*, order: Order, product_id: int, author, rating: int, text: str = "") -> Review:
    """A buyer reviews a product they received. One review per ordered product."""
    if author is None or order.buyer_id != getattr(author, "pk", None):
        raise MarketError(
            MarketErrorCode.REVIEW_NOT_ALLOWED, _("Only the buyer of this order can review it.")
        )
    if order.status not in REVIEWABLE:
        raise MarketError(
            MarketErrorCode.REVIEW_NOT_ALLOWED, _("You can review once the order has been delivered.")
        )
    if not order.lines.filter(product_id=product_id).exists():
        raise MarketError(
            MarketErrorCode.REVIEW_NOT_ALLOWED, _("This product is not in the order."), field="product"
        )
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise MarketError(MarketErrorCode.INVALID_QUANTITY, _("Give from 1 to 5 stars."), field="rating")
    with transaction.atomic():
        if Review.objects.filter(order=order, product_id=product_id).exists():
            raise MarketError(MarketErrorCode.ALREADY_REVIEWED, _("You already reviewed this product."))
        review = Review.objects.create(
            order=order, product_id=product_id, author=author, rating=rating, text=text[:2000]
        )
        record_event(
            "market.review.created",
            subject=review,
            actor=author,
            commune_id=order.commune_id,
            payload={"product": product_id, "rating": rating},
        )
    return review


def producer_reliability(producer: Producer) -> dict:
    """Fulfilment rate, median hours from confirmation to shipping, average rating and review count.

    Fulfilment counts the orders the producer took on (confirmed): delivered or completed ones over those
    plus the ones the producer cancelled. Unpaid holds that expired and buyers' own cancellations do not
    count against the producer.
    """
    orders = Order.objects.filter(producer=producer)
    fulfilled = orders.filter(status__in=[OrderStatus.DELIVERED, OrderStatus.COMPLETED]).count()
    dropped = orders.filter(cancelled_by=CancelledBy.PRODUCER, confirmed_at__isnull=False).count()
    shipping_hours = [
        (shipped - confirmed).total_seconds() / 3600
        for confirmed, shipped in orders.filter(
            shipped_at__isnull=False, confirmed_at__isnull=False
        ).values_list("confirmed_at", "shipped_at")
    ]
    ratings = Review.objects.filter(product__producer=producer).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    considered = fulfilled + dropped
    return {
        "fulfilment_rate": round(fulfilled / considered, 3) if considered else None,
        "orders_fulfilled": fulfilled,
        "median_hours_to_ship": round(median(shipping_hours), 1) if shipping_hours else None,
        "average_rating": round(ratings["average"], 2) if ratings["average"] is not None else None,
        "review_count": ratings["count"],
    }
