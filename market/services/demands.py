"""Buyer demands, producers' offers and inquiry threads: the writes of demand ↔ supply matching.

A lowland buyer posts a demand ("500 kg Shan Tuyết tea, VietGAP, to Hà Nội by December"); producers
answer with offers (one of their listed products, a quantity in the product's unit, a price per product
unit, a date); the buyer accepts one, which becomes an order through the marketplace's checkout rules
(stock held under a row lock, one ``market.order.placed`` event, the usual emails and webhooks), and the
demand is fulfilled. Buyer and producer talk through inquiry threads: neither sees the other's phone,
email or address.

Locks are always taken in the same order — demand, then offer, then product — so two accepts of offers
on the same demand (or an accept racing a withdrawal) serialise on the demand row and cannot both win.
"""

import datetime
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.acting import acting_for_owner, is_logged_in
from core.events import record_event
from core.models import Event

from ..acting import acting_for_producer
from ..exceptions import MarketError, MarketErrorCode
from ..models import (
    BuyerDemand,
    CancelledBy,
    Category,
    CertificationKind,
    DeliveryMethod,
    DemandOffer,
    DemandStatus,
    InquiryMessage,
    InquiryThread,
    OfferStatus,
    Order,
    PaymentMethod,
    Product,
    ReviewStatus,
    Unit,
)
from ..units import convertible
from ..zones import PROVINCE_ZONES
from .checkout import (
    Buyer,
    HeldOrder,
    check_payment_method,
    create_held_orders,
    delivery_fee,
    validate_buyer,
)

MAX_DEMAND_QUANTITY = 10_000_000
MAX_OFFER_QUANTITY = 10_000_000
MAX_UNIT_PRICE = 1_000_000_000
MAX_MESSAGE_LENGTH = 2000

DEMAND_FIELDS = {
    "title",
    "category",
    "keywords",
    "quantity",
    "unit",
    "max_unit_price",
    "delivery_province",
    "delivery_latitude",
    "delivery_longitude",
    "needed_by",
    "required_certifications",
    "minimum_ocop_stars",
    "note",
}


# --- validation ----------------------------------------------------------------------------------------


def _whole_number(value) -> int | None:
    """``value`` as an int when it is a whole number (not a bool, not 2.5), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return None


def _clean_demand(fields: dict, *, today: datetime.date) -> dict:
    """Check and normalise a demand's fields; every problem is reported under its field name."""
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    if "title" in fields:
        title = (fields["title"] or "").strip()
        if not title:
            errors["title"] = _("Say what you are looking for.")
        elif len(title) > 140:
            errors["title"] = _("Keep the title under 140 characters.")
        cleaned["title"] = title
    if "category" in fields:
        category = fields["category"] or ""
        if category and category not in Category.values:
            errors["category"] = _("Choose a category from the list.")
        cleaned["category"] = category
    if "keywords" in fields:
        keywords = (fields["keywords"] or "").strip()
        if len(keywords) > 300:
            errors["keywords"] = _("Keep the keywords under 300 characters.")
        cleaned["keywords"] = keywords
    if "quantity" in fields:
        quantity = _whole_number(fields["quantity"])
        if quantity is None or quantity < 1 or quantity > MAX_DEMAND_QUANTITY:
            errors["quantity"] = _("Give a whole quantity from 1 to %(maximum)s.") % {
                "maximum": MAX_DEMAND_QUANTITY
            }
        cleaned["quantity"] = quantity
    if "unit" in fields and fields["unit"] not in Unit.values:
        errors["unit"] = _("Choose a unit from the list (kg, g, litre, ml, piece, box, bag, bottle, jar).")
    if "max_unit_price" in fields and fields["max_unit_price"] is not None:
        price = _whole_number(fields["max_unit_price"])
        if price is None or price < 1 or price > MAX_UNIT_PRICE:
            errors["max_unit_price"] = _("Give the highest price per unit in whole đồng, above 0.")
        cleaned["max_unit_price"] = price
    if "delivery_province" in fields and fields["delivery_province"] not in PROVINCE_ZONES:
        errors["delivery_province"] = _("Choose one of the 34 provinces.")
    if "needed_by" in fields:
        needed_by = fields["needed_by"]
        if not isinstance(needed_by, datetime.date) or isinstance(needed_by, datetime.datetime):
            errors["needed_by"] = _("Give the date you need it by.")
        elif needed_by < today:
            errors["needed_by"] = _("The date you need it by has already passed.")
    if "required_certifications" in fields:
        values = fields["required_certifications"] or []
        if isinstance(values, str) or not all(isinstance(value, str) for value in values):
            errors["required_certifications"] = _("Choose certifications from the list.")
        else:
            unknown = [value for value in values if value not in CertificationKind.values]
            if unknown:
                errors["required_certifications"] = _("Unknown certification: %(values)s.") % {
                    "values": ", ".join(unknown)
                }
            # keep the list's order, drop repeats
            cleaned["required_certifications"] = list(dict.fromkeys(values))
    if "minimum_ocop_stars" in fields and fields["minimum_ocop_stars"] is not None:
        stars = _whole_number(fields["minimum_ocop_stars"])
        if stars is None or not 1 <= stars <= 5:
            errors["minimum_ocop_stars"] = _("OCOP stars go from 1 to 5.")
        cleaned["minimum_ocop_stars"] = stars
    if "note" in fields:
        note = (fields["note"] or "").strip()
        if len(note) > 2000:
            errors["note"] = _("Keep the note under 2,000 characters.")
        cleaned["note"] = note
    for name, limit in (("delivery_latitude", 90), ("delivery_longitude", 180)):
        if name in fields and fields[name] is not None:
            value = fields[name]
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
            if isinstance(value, bool) or number is None or not -limit <= number <= limit:
                errors[name] = _("Give a coordinate between -%(limit)s and %(limit)s.") % {"limit": limit}
            else:
                cleaned[name] = round(number, 6)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_point(demand: BuyerDemand) -> None:
    if (demand.delivery_latitude is None) != (demand.delivery_longitude is None):
        raise ValidationError(
            {"delivery_longitude": _("Give both the latitude and the longitude, or neither.")}
        )


def _demand_payload(demand: BuyerDemand) -> dict:
    return {
        "public_id": str(demand.public_id),
        "title": demand.title,
        "category": demand.category,
        "quantity": demand.quantity,
        "unit": demand.unit,
        "delivery_province": demand.delivery_province,
        "needed_by": demand.needed_by.isoformat(),
    }


def _require_demand_buyer(demand: BuyerDemand, actor) -> None:
    if not is_logged_in(actor) or demand.buyer_id != actor.pk:
        raise MarketError(
            MarketErrorCode.NOT_ALLOWED, _("Only the buyer who posted this demand can do that.")
        )


def demand_is_open(demand: BuyerDemand, *, today: datetime.date | None = None) -> bool:
    """Open and not yet past its needed-by date: producers may still offer."""
    return demand.status == DemandStatus.OPEN and demand.needed_by >= (today or timezone.localdate())


# --- demands ---------------------------------------------------------------------------------------------


def post_demand(
    *,
    buyer,
    title: str,
    quantity: int,
    unit: str,
    needed_by: datetime.date,
    delivery_province: str,
    category: str = "",
    keywords: str = "",
    max_unit_price: int | None = None,
    required_certifications=(),
    minimum_ocop_stars: int | None = None,
    note: str = "",
    delivery_latitude=None,
    delivery_longitude=None,
) -> BuyerDemand:
    """A buyer posts what they want; refused (nothing written) when a field is not valid."""
    if not is_logged_in(buyer):
        raise MarketError(MarketErrorCode.NOT_ALLOWED, _("Log in to post a demand."))
    fields = _clean_demand(
        {
            "title": title,
            "quantity": quantity,
            "unit": unit,
            "needed_by": needed_by,
            "delivery_province": delivery_province,
            "category": category,
            "keywords": keywords,
            "max_unit_price": max_unit_price,
            "required_certifications": list(required_certifications or []),
            "minimum_ocop_stars": minimum_ocop_stars,
            "note": note,
            "delivery_latitude": delivery_latitude,
            "delivery_longitude": delivery_longitude,
        },
        today=timezone.localdate(),
    )
    demand = BuyerDemand(buyer=buyer, **fields)
    _check_point(demand)
    with transaction.atomic():
        demand.save()
        record_event("market.demand.posted", subject=demand, actor=buyer, payload=_demand_payload(demand))
    return demand


def update_demand(*, demand: BuyerDemand, actor, **fields) -> BuyerDemand:
    """The buyer changes an open demand. A unit no open offer could be measured in is refused. A new
    delivery province without a new point forgets the old point (the province's seat is used)."""
    unknown = set(fields) - DEMAND_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _require_demand_buyer(demand, actor)
    cleaned = _clean_demand(fields, today=timezone.localdate())
    with transaction.atomic():
        demand = BuyerDemand.objects.select_for_update().get(pk=demand.pk)
        if demand.status != DemandStatus.OPEN:
            raise MarketError(MarketErrorCode.DEMAND_NOT_OPEN, _("This demand is no longer open."))
        if "unit" in cleaned and cleaned["unit"] != demand.unit:
            offered_units = set(
                demand.offers.filter(status=OfferStatus.OPEN).values_list("product__unit", flat=True)
            )
            if any(not convertible(unit, cleaned["unit"]) for unit in offered_units):
                raise MarketError(
                    MarketErrorCode.INCOMPATIBLE_UNIT,
                    _("Open offers are measured in a unit that cannot be converted to this one."),
                    field="unit",
                )
        moved = cleaned.get("delivery_province", demand.delivery_province) != demand.delivery_province
        if moved and "delivery_latitude" not in cleaned and "delivery_longitude" not in cleaned:
            # a point in the old province would keep ranking by distance to it: the new province's seat
            cleaned["delivery_latitude"] = cleaned["delivery_longitude"] = None
        changed = sorted(name for name, value in cleaned.items() if getattr(demand, name) != value)
        for name, value in cleaned.items():
            setattr(demand, name, value)
        _check_point(demand)
        demand.save()
        record_event(
            "market.demand.updated",
            subject=demand,
            actor=actor,
            payload={"public_id": str(demand.public_id), "fields": changed},
        )
    return demand


OFFER_MOVE_EVENTS = {OfferStatus.DECLINED: "market.offer.declined", OfferStatus.OPEN: "market.offer.reopened"}


def _move_offers(offers, *, demand: BuyerDemand, status: str, decided_at, **payload) -> None:
    """Set ``offers`` (locked, with their product) to ``status`` and record one event each."""
    for offer in offers:
        offer.status = status
        offer.decided_at = decided_at
        offer.save(update_fields=["status", "decided_at"])
        record_event(
            OFFER_MOVE_EVENTS[status],
            subject=offer,
            commune_id=offer.product.commune_id,
            payload={"demand": str(demand.public_id), "product": offer.product_id, **payload},
        )


def _decline_open_offers(demand: BuyerDemand, *, now, reason: str, except_pk=None) -> int:
    offers = list(
        DemandOffer.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(demand=demand, status=OfferStatus.OPEN)
        .exclude(pk=except_pk)
        .order_by("pk")
    )
    _move_offers(offers, demand=demand, status=OfferStatus.DECLINED, decided_at=now, reason=reason)
    return len(offers)


def close_demand(*, demand: BuyerDemand, actor) -> BuyerDemand:
    """The buyer closes an open demand; its open offers are declined."""
    _require_demand_buyer(demand, actor)
    now = timezone.now()
    with transaction.atomic():
        demand = BuyerDemand.objects.select_for_update().get(pk=demand.pk)
        if demand.status != DemandStatus.OPEN:
            raise MarketError(MarketErrorCode.DEMAND_NOT_OPEN, _("This demand is no longer open."))
        demand.status = DemandStatus.CLOSED
        demand.closed_at = now
        demand.save(update_fields=["status", "closed_at", "updated_at"])
        _decline_open_offers(demand, now=now, reason="demand_closed")
        record_event(
            "market.demand.closed", subject=demand, actor=actor, payload={"public_id": str(demand.public_id)}
        )
    return demand


# --- offers ----------------------------------------------------------------------------------------------


def _is_listed(product: Product) -> bool:
    return (
        product.review_status == ReviewStatus.APPROVED
        and product.producer.review_status == ReviewStatus.APPROVED
        and product.deleted_at is None
        and product.producer.deleted_at is None
    )


def make_offer(
    *,
    demand: BuyerDemand,
    product: Product,
    actor,
    quantity: int,
    unit_price: int,
    available_on: datetime.date,
    note: str = "",
) -> DemandOffer:
    """A producer answers a demand with one of its listed products (quantity and price per product unit)."""
    acting = acting_for_producer(user=actor, producer=product.producer)
    today = timezone.localdate()
    if not demand_is_open(demand, today=today):  # checked again under the demand's lock below
        raise MarketError(MarketErrorCode.DEMAND_NOT_OPEN, _("This demand is no longer open."))
    errors = {}
    quantity_value = _whole_number(quantity)
    if quantity_value is None or not 1 <= quantity_value <= MAX_OFFER_QUANTITY:
        errors["quantity"] = _("Give a whole quantity from 1 to %(maximum)s.") % {
            "maximum": MAX_OFFER_QUANTITY
        }
    price_value = _whole_number(unit_price)
    if price_value is None or not 1 <= price_value <= MAX_UNIT_PRICE:
        errors["unit_price"] = _("Give the price per unit in whole đồng, above 0.")
    if not isinstance(available_on, datetime.date) or isinstance(available_on, datetime.datetime):
        errors["available_on"] = _("Give the date you can deliver from.")
    elif available_on < today:
        errors["available_on"] = _("That date has already passed.")
    elif available_on > demand.needed_by:
        errors["available_on"] = _("The buyer needs it by %(date)s.") % {"date": demand.needed_by.isoformat()}
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = _("Keep the note under 500 characters.")
    if errors:
        raise ValidationError(errors)
    if not _is_listed(product):
        raise MarketError(
            MarketErrorCode.PRODUCT_UNAVAILABLE,
            _("Only a listed, approved product can be offered."),
            field="product",
        )
    if demand.buyer_id in (actor.pk, product.producer.owner_id):
        raise MarketError(
            MarketErrorCode.OWN_DEMAND, _("You cannot answer your own demand."), field="product"
        )
    if not convertible(product.unit, demand.unit):
        raise MarketError(
            MarketErrorCode.INCOMPATIBLE_UNIT,
            _("This product is sold by %(product_unit)s; the buyer counts in %(demand_unit)s.")
            % {"product_unit": product.get_unit_display(), "demand_unit": demand.get_unit_display()},
            field="product",
        )
    with transaction.atomic():
        demand = BuyerDemand.objects.select_for_update().get(pk=demand.pk)
        if not demand_is_open(demand, today=today):
            raise MarketError(MarketErrorCode.DEMAND_NOT_OPEN, _("This demand is no longer open."))
        if DemandOffer.objects.filter(demand=demand, product=product, status=OfferStatus.OPEN).exists():
            raise ValidationError(
                {
                    "product": _(
                        "You already have an open offer with this product; withdraw it to offer again."
                    )
                }
            )
        offer = DemandOffer.objects.create(
            demand=demand,
            producer=product.producer,
            product=product,
            quantity=quantity_value,
            unit_price=price_value,
            available_on=available_on,
            note=note,
        )
        record_event(
            "market.offer.made",
            subject=offer,
            commune_id=product.commune_id,
            payload={
                "demand": str(demand.public_id),
                "product": product.pk,
                "quantity": offer.quantity,
                "unit_price": offer.unit_price,
            },
            **acting.event_kwargs,
        )
    return offer


def _decide_offer(offer: DemandOffer, *, status: str, event: str, event_kwargs: dict) -> DemandOffer:
    now = timezone.now()
    with transaction.atomic():
        BuyerDemand.objects.select_for_update().filter(pk=offer.demand_id).first()  # the demand guards offers
        offer = DemandOffer.objects.select_for_update().select_related("demand").get(pk=offer.pk)
        if offer.status != OfferStatus.OPEN:
            raise MarketError(MarketErrorCode.OFFER_NOT_OPEN, _("This offer has already been decided."))
        offer.status = status
        offer.decided_at = now
        offer.save(update_fields=["status", "decided_at"])
        record_event(
            event,
            subject=offer,
            commune_id=offer.product.commune_id,
            payload={"demand": str(offer.demand.public_id), "product": offer.product_id},
            **event_kwargs,
        )
    return offer


def withdraw_offer(*, offer: DemandOffer, actor) -> DemandOffer:
    """The producer takes back an open offer."""
    acting = acting_for_producer(user=actor, producer=offer.producer)
    return _decide_offer(
        offer, status=OfferStatus.WITHDRAWN, event="market.offer.withdrawn", event_kwargs=acting.event_kwargs
    )


def decline_offer(*, offer: DemandOffer, actor) -> DemandOffer:
    """The buyer turns an open offer down."""
    _require_demand_buyer(offer.demand, actor)
    return _decide_offer(
        offer, status=OfferStatus.DECLINED, event="market.offer.declined", event_kwargs={"actor": actor}
    )


def accept_offer(
    *, offer: DemandOffer, actor, buyer: Buyer, payment_method: str, delivery_method: str, now=None
) -> Order:
    """The demand's buyer accepts an open offer: an order at the offer's price and quantity, stock held.

    The order follows checkout's rules (a ``Checkout`` with one ``Order``, stock held until payment or
    expiry, ``market.order.placed`` recorded so emails and webhooks follow); the demand becomes
    fulfilled and its other open offers are declined. ``buyer.province`` defaults to the demand's.
    Two accepts racing on one demand serialise on the demand's row lock: one order, one refusal.
    """
    _require_demand_buyer(offer.demand, actor)
    if payment_method not in PaymentMethod.values:
        raise MarketError(
            MarketErrorCode.PAYMENT_METHOD_UNAVAILABLE, _("Choose a way to pay."), field="payment_method"
        )
    if delivery_method not in DeliveryMethod.values:
        raise MarketError(
            MarketErrorCode.NO_DELIVERY_TO_ZONE, _("Choose pickup or delivery."), field="delivery_method"
        )
    now = now or timezone.now()
    with transaction.atomic():
        demand = BuyerDemand.objects.select_for_update().get(pk=offer.demand_id)
        offer = DemandOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != OfferStatus.OPEN:
            raise MarketError(MarketErrorCode.OFFER_NOT_OPEN, _("This offer has already been decided."))
        if not demand_is_open(demand, today=timezone.localdate(now)):
            raise MarketError(MarketErrorCode.DEMAND_NOT_OPEN, _("This demand is no longer open."))
        product = Product.all_objects.select_for_update().get(pk=offer.product_id)
        producer = product.producer
        if not _is_listed(product):
            raise MarketError(MarketErrorCode.PRODUCT_UNAVAILABLE, _("This product is no longer for sale."))
        if offer.quantity > product.stock:
            raise MarketError(
                MarketErrorCode.OUT_OF_STOCK,
                _("%(product)s: only %(quantity)s %(unit)s left.")
                % {"product": product.name, "quantity": product.stock, "unit": product.get_unit_display()},
            )
        buyer = replace(buyer, province=buyer.province or demand.delivery_province, user=actor)
        phone = validate_buyer(buyer, needs_delivery=delivery_method == DeliveryMethod.DELIVERY)
        fee = delivery_fee(
            producer, delivery_method=delivery_method, province=buyer.province, field="delivery_method"
        )
        check_payment_method(producer, payment_method, field="payment_method")
        _checkout, (order,) = create_held_orders(
            buyer=buyer,
            phone=phone,
            payment_method=payment_method,
            orders=[
                HeldOrder(
                    producer=producer,
                    delivery_method=delivery_method,
                    delivery_fee=fee,
                    lines=[(product, offer.quantity, offer.unit_price)],
                )
            ],
            now=now,
        )
        offer.status = OfferStatus.ACCEPTED
        offer.order = order
        offer.decided_at = now
        offer.save(update_fields=["status", "order", "decided_at"])
        record_event(
            "market.offer.accepted",
            subject=offer,
            actor=actor,
            commune_id=order.commune_id,
            payload={"demand": str(demand.public_id), "product": product.pk, "order": order.reference},
        )
        _decline_open_offers(demand, now=now, reason="demand_fulfilled", except_pk=offer.pk)
        demand.status = DemandStatus.FULFILLED
        demand.closed_at = now
        demand.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(
            "market.demand.fulfilled",
            subject=demand,
            actor=actor,
            payload={"public_id": str(demand.public_id), "order": order.reference},
        )
    return order


# --- after the fact: a cancelled order, a passed needed-by date ------------------------------------------

#: how the offer behind a cancelled order ends: the producer cancelled → the producer took it back
#: (withdrawn); the buyer cancelled or never paid (hold expired, cancelled by the system) → the buyer
#: turned it down after all (declined). The offer keeps its link to the cancelled order.
CANCELLED_OFFER_STATUS = {CancelledBy.PRODUCER: OfferStatus.WITHDRAWN}


def reopen_after_cancelled_order(*, order_id: int, now=None) -> BuyerDemand | None:
    """An order placed by accepting an offer was cancelled: undo what accepting did.

    Runs inside the cancellation's transaction (``market.order.cancelled`` handler). The accepted offer
    becomes withdrawn (the producer cancelled) or declined (the buyer cancelled or did not pay), keeping
    its cancelled order visible; the demand opens again (``market.demand.reopened``) with the offers that
    the acceptance declined — those declined at the very moment of the acceptance with the reason
    ``demand_fulfilled`` — open again. When the needed-by date has passed the demand expires instead
    (``market.demand.expired``) and the other offers stay declined. Returns the demand, or None when the
    order did not come from an offer (or was already dealt with).
    """
    offer = DemandOffer.objects.filter(order_id=order_id, status=OfferStatus.ACCEPTED).only("pk").first()
    if offer is None:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        demand = BuyerDemand.objects.select_for_update().get(pk=offer.demand_id)
        offer = (
            DemandOffer.objects.select_for_update(of=("self",))
            .select_related("order", "product")
            .get(pk=offer.pk)
        )
        if offer.status != OfferStatus.ACCEPTED or demand.status != DemandStatus.FULFILLED:
            return None
        accepted_at = offer.decided_at
        offer.status = CANCELLED_OFFER_STATUS.get(offer.order.cancelled_by, OfferStatus.DECLINED)
        offer.decided_at = now
        offer.save(update_fields=["status", "decided_at"])
        record_event(
            "market.offer.withdrawn" if offer.status == OfferStatus.WITHDRAWN else "market.offer.declined",
            subject=offer,
            commune_id=offer.product.commune_id,
            payload={
                "demand": str(demand.public_id),
                "product": offer.product_id,
                "reason": "order_cancelled",
                "order": offer.order.reference,
            },
        )
        if demand.needed_by < timezone.localdate(now):
            demand.status = DemandStatus.EXPIRED
            demand.closed_at = now
            demand.save(update_fields=["status", "closed_at", "updated_at"])
            record_event(
                "market.demand.expired", subject=demand, payload={"public_id": str(demand.public_id)}
            )
            return demand
        declined_by_acceptance = [
            int(pk)
            for pk in Event.objects.filter(
                name="market.offer.declined",
                subject_type=DemandOffer._meta.label_lower,
                subject_id__in=[
                    str(pk)
                    for pk in DemandOffer.objects.filter(
                        demand=demand, status=OfferStatus.DECLINED, decided_at=accepted_at
                    )
                    .exclude(pk=offer.pk)
                    .values_list("pk", flat=True)
                ],
                payload__reason="demand_fulfilled",
            ).values_list("subject_id", flat=True)
        ]
        reopened = list(
            DemandOffer.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(pk__in=declined_by_acceptance)
            .order_by("pk")
        )
        _move_offers(reopened, demand=demand, status=OfferStatus.OPEN, decided_at=None)
        demand.status = DemandStatus.OPEN
        demand.closed_at = None
        demand.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(
            "market.demand.reopened",
            subject=demand,
            payload={
                "public_id": str(demand.public_id),
                "order": offer.order.reference,
                "offers_reopened": len(reopened),
            },
        )
    return demand


def expire_demands(*, now=None, limit: int = 500) -> int:
    """Open demands whose needed-by date has passed become expired; their open offers are declined
    (``market.offer.declined`` with the reason ``demand_expired``) and one ``market.demand.expired`` event
    is recorded per demand. Run hourly; at most ``limit`` demands a run (the next run takes the rest)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    expired = 0
    candidates = BuyerDemand.objects.filter(status=DemandStatus.OPEN, needed_by__lt=today)
    for demand_id in candidates.order_by("needed_by", "pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            demand = BuyerDemand.objects.select_for_update().filter(pk=demand_id).first()
            if demand is None or demand.status != DemandStatus.OPEN or demand.needed_by >= today:
                continue  # closed, fulfilled or moved meanwhile
            demand.status = DemandStatus.EXPIRED
            demand.closed_at = now
            demand.save(update_fields=["status", "closed_at", "updated_at"])
            _decline_open_offers(demand, now=now, reason="demand_expired")
            record_event(
                "market.demand.expired", subject=demand, payload={"public_id": str(demand.public_id)}
            )
            expired += 1
    return expired


# --- inquiries -------------------------------------------------------------------------------------------


def thread_role(thread: InquiryThread, user) -> str | None:
    """``"buyer"`` or ``"producer"`` when ``user`` takes part in ``thread``, else None."""
    if not is_logged_in(user):
        return None
    if thread.buyer_id == user.pk:
        return "buyer"
    producer = thread.producer
    if acting_for_owner(user=user, owner=producer.owner, commune_id=producer.commune_id) is not None:
        return "producer"
    return None


def _require_role(thread: InquiryThread, user) -> str:
    role = thread_role(thread, user)
    if role is None:
        raise MarketError(MarketErrorCode.NOT_ALLOWED, _("This conversation is not yours."))
    return role


def _clean_body(body) -> str:
    text = (body or "").strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationError({"body": _("Write a message.")})
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": _("Keep the message under 2,000 characters.")})
    return text


def open_inquiry(
    *, buyer, producer, demand: BuyerDemand | None = None, product: Product | None = None, body: str
):
    """A buyer writes to a producer about one of the buyer's demands or one of the producer's products.

    Opening the same conversation again adds the message to the existing thread.
    """
    if not is_logged_in(buyer):
        raise MarketError(MarketErrorCode.NOT_ALLOWED, _("Log in to write to a producer."))
    text = _clean_body(body)
    if (demand is None) == (product is None):
        raise ValidationError({"demand": _("Write about one demand or one product.")})
    if producer.review_status != ReviewStatus.APPROVED or producer.deleted_at is not None:
        raise MarketError(MarketErrorCode.PRODUCT_UNAVAILABLE, _("This producer is not on the marketplace."))
    if acting_for_owner(user=buyer, owner=producer.owner, commune_id=producer.commune_id) is not None:
        raise MarketError(MarketErrorCode.OWN_DEMAND, _("You cannot write to your own shop."))
    if demand is not None:
        if demand.buyer_id != buyer.pk:
            raise MarketError(
                MarketErrorCode.NOT_ALLOWED, _("Only the buyer who posted this demand can do that.")
            )
        subject = demand.title
    else:
        if product.producer_id != producer.pk or not _is_listed(product):
            raise MarketError(
                MarketErrorCode.PRODUCT_UNAVAILABLE, _("This product is not for sale."), field="product"
            )
        subject = product.name_vi
    now = timezone.now()
    with transaction.atomic():
        thread, created = InquiryThread.objects.select_for_update().get_or_create(
            buyer=buyer,
            producer=producer,
            demand=demand,
            product=None if demand is not None else product,
            defaults={"subject": subject[:140], "created_at": now, "last_message_at": now},
        )
        InquiryMessage.objects.create(thread=thread, author=buyer, body=text, created_at=now)
        InquiryThread.objects.filter(pk=thread.pk).update(last_message_at=now, buyer_read_at=now)
        thread.refresh_from_db()
        record_event(
            "market.inquiry.opened" if created else "market.inquiry.message_posted",
            subject=thread,
            actor=buyer,
            commune_id=producer.commune_id,
            payload={"public_id": str(thread.public_id), "author_role": "buyer"},
        )
    return thread


def post_message(*, thread: InquiryThread, author, body: str) -> InquiryMessage:
    """The thread's buyer, or someone who manages its producer, adds a message."""
    role = _require_role(thread, author)
    text = _clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        message = InquiryMessage.objects.create(thread=thread, author=author, body=text, created_at=now)
        read_field = "buyer_read_at" if role == "buyer" else "producer_read_at"
        InquiryThread.objects.filter(pk=thread.pk).update(last_message_at=now, **{read_field: now})
        record_event(
            "market.inquiry.message_posted",
            subject=thread,
            actor=author,
            commune_id=thread.producer.commune_id,
            payload={"public_id": str(thread.public_id), "author_role": role},
        )
    thread.last_message_at = now
    setattr(thread, read_field, now)
    return message


def mark_read(*, thread: InquiryThread, reader) -> InquiryThread:
    """Remember that ``reader`` has seen the thread up to now."""
    role = _require_role(thread, reader)
    read_field = "buyer_read_at" if role == "buyer" else "producer_read_at"
    now = timezone.now()
    InquiryThread.objects.filter(pk=thread.pk).update(**{read_field: now})
    setattr(thread, read_field, now)
    return thread
