"""Carts, checkout and stock holds: the one place where stock is taken and given back.

Availability is ``Product.stock``: checkout *holds* stock by decrementing it under a row lock (products
locked in primary-key order, so two checkouts can never deadlock), and the hold is released — stock given
back with ``F()`` — when the order is cancelled or its hold expires unpaid. PostgreSQL also enforces
``CHECK (stock >= 0)``, so even a bug cannot oversell; SQLite serialises writers (immediate transactions).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phones import normalize_phone
from core.events import record_event
from core.references import new_reference

from ..exceptions import MarketError, MarketErrorCode
from ..models import (
    CancelledBy,
    Cart,
    CartItem,
    Checkout,
    DeliveryMethod,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Producer,
    Product,
    ReviewStatus,
)
from ..zones import PROVINCE_ZONES

MAX_QUANTITY = 100_000


def hold_minutes() -> int:
    return int(settings.MARKET_HOLD_MINUTES)


def cash_on_delivery_hold_hours() -> int:
    return int(settings.MARKET_COD_ACCEPT_HOURS)


def hold_for(payment_method: str) -> timedelta:
    """How long stock stays held unpaid: producers answer cash orders within two days; a card payment's
    Stripe session lives at least 30 minutes, so its hold outlives the session by five minutes."""
    if payment_method == PaymentMethod.CASH_ON_DELIVERY:
        return timedelta(hours=cash_on_delivery_hold_hours())
    if payment_method == PaymentMethod.CARD:
        return timedelta(minutes=max(hold_minutes(), int(settings.PAYMENTS_CHECKOUT_MINUTES) + 5))
    return timedelta(minutes=hold_minutes())


def _check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise MarketError(
            MarketErrorCode.INVALID_QUANTITY, _("Quantities are whole numbers."), field="quantity"
        )
    if quantity < 1 or quantity > MAX_QUANTITY:
        raise MarketError(
            MarketErrorCode.INVALID_QUANTITY,
            _("Choose a quantity from 1 to %(maximum)s.") % {"maximum": MAX_QUANTITY},
            field="quantity",
        )
    return quantity


# --- cart --------------------------------------------------------------------------------------------


def cart_for(*, user=None, session_key: str | None = None, create: bool = True) -> Cart | None:
    """The cart of an account, or of a guest's session."""
    if user is not None and user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is None and create:
            cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    if not session_key:
        return None
    cart = Cart.objects.filter(session_key=session_key).first()
    if cart is None and create:
        cart, _created = Cart.objects.get_or_create(session_key=session_key)
    return cart


def set_cart_quantity(*, cart: Cart, product: Product, quantity: int) -> CartItem | None:
    """Put ``quantity`` of ``product`` in the cart (0 removes it). Stock is checked again at checkout."""
    if quantity == 0:
        CartItem.objects.filter(cart=cart, product=product).delete()
        return None
    quantity = _check_quantity(quantity)
    if not Product.objects.listed().filter(pk=product.pk).exists():
        raise MarketError(
            MarketErrorCode.PRODUCT_UNAVAILABLE, _("This product is not for sale."), field="product"
        )
    if quantity < product.minimum_order:
        raise MarketError(
            MarketErrorCode.BELOW_MINIMUM_ORDER,
            _("The minimum order is %(quantity)s %(unit)s.")
            % {"quantity": product.minimum_order, "unit": product.get_unit_display()},
            field="quantity",
        )
    if quantity > product.stock:
        raise MarketError(
            MarketErrorCode.OUT_OF_STOCK,
            _("Only %(quantity)s %(unit)s left.")
            % {"quantity": product.stock, "unit": product.get_unit_display()},
            field="quantity",
        )
    item, _created = CartItem.objects.update_or_create(
        cart=cart, product=product, defaults={"quantity": quantity}
    )
    return item


def add_to_cart(*, cart: Cart, product: Product, quantity: int) -> CartItem:
    existing = (
        CartItem.objects.filter(cart=cart, product=product).values_list("quantity", flat=True).first() or 0
    )
    return set_cart_quantity(cart=cart, product=product, quantity=existing + _check_quantity(quantity))


def merge_carts(*, guest_session_key: str, user) -> None:
    """After a guest logs in, move the guest cart's lines into the account's cart."""
    guest = Cart.objects.filter(session_key=guest_session_key).first()
    if guest is None:
        return
    with transaction.atomic():
        cart = cart_for(user=user)
        for item in guest.items.all():
            CartItem.objects.update_or_create(
                cart=cart, product_id=item.product_id, defaults={"quantity": item.quantity}
            )
        guest.delete()


# --- checkout ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Buyer:
    """Who pays and where it goes; a guest gives a phone and an address instead of an account."""

    name: str
    phone: str
    email: str = ""
    address: str = ""
    province: str = ""
    user: object | None = None


def validate_buyer(buyer: Buyer, *, needs_delivery: bool) -> str:
    """Check the buyer's details (an address and a province only when something is delivered); returns
    the normalised phone. Raises ``ValidationError`` keyed by the checkout form's field names."""
    errors = {}
    if not buyer.name.strip():
        errors["buyer_name"] = _("Give your name.")
    try:
        phone = normalize_phone(buyer.phone)
    except ValidationError as error:
        errors["buyer_phone"] = error.messages[0]
        phone = ""
    if needs_delivery:
        if not buyer.address.strip():
            errors["delivery_address"] = _("Give the delivery address.")
        if buyer.province not in PROVINCE_ZONES:
            errors["delivery_province"] = _("Choose the province to deliver to.")
    if errors:
        raise ValidationError(errors)
    return phone


def delivery_fee(producer, *, delivery_method: str, province: str, field: str | None = None) -> int:
    """What ``producer`` charges to hand the order over: 0 for pickup, its zone fee for delivery.

    Refused (``NO_DELIVERY_TO_ZONE``, reported under ``field`` when given) when the producer does not
    offer pickup, does not deliver to ``province``, or the method is neither pickup nor delivery.
    """
    if delivery_method == DeliveryMethod.PICKUP:
        if not producer.offers_pickup:
            raise MarketError(
                MarketErrorCode.NO_DELIVERY_TO_ZONE,
                _("%(producer)s does not offer pickup.") % {"producer": producer.name},
                field=field,
            )
        return 0
    if delivery_method == DeliveryMethod.DELIVERY:
        fee = producer.delivery_fee_to(PROVINCE_ZONES.get(province))
        if fee is None:
            raise MarketError(
                MarketErrorCode.NO_DELIVERY_TO_ZONE,
                _("%(producer)s does not deliver to %(province)s.")
                % {"producer": producer.name, "province": province},
                field=field,
            )
        return fee
    raise MarketError(
        MarketErrorCode.NO_DELIVERY_TO_ZONE,
        _("Choose pickup or delivery for %(producer)s.") % {"producer": producer.name},
        field=field,
    )


def check_payment_method(producer, payment_method: str, *, field: str | None = None) -> None:
    """Refuse (``PAYMENT_METHOD_UNAVAILABLE``, under ``field`` when given) a way to pay the producer
    does not take: cash on delivery and bank transfer are each the producer's choice."""
    if payment_method == PaymentMethod.CASH_ON_DELIVERY and not producer.accepts_cash_on_delivery:
        raise MarketError(
            MarketErrorCode.PAYMENT_METHOD_UNAVAILABLE,
            _("%(producer)s does not take cash on delivery.") % {"producer": producer.name},
            field=field,
        )
    if payment_method == PaymentMethod.BANK_TRANSFER and not producer.accepts_bank_transfer:
        raise MarketError(
            MarketErrorCode.PAYMENT_METHOD_UNAVAILABLE,
            _("%(producer)s does not take bank transfers yet.") % {"producer": producer.name},
            field=field,
        )


@dataclass(frozen=True)
class HeldOrder:
    """One producer's part of a checkout, already checked: ``lines`` are (product, quantity, unit price)."""

    producer: Producer
    delivery_method: str
    delivery_fee: int
    lines: list[tuple[Product, int, int]]


def create_held_orders(
    *, buyer: Buyer, phone: str, payment_method: str, orders: list[HeldOrder], now
) -> tuple[Checkout, list[Order]]:
    """Write a ``Checkout`` with one ``Order`` per ``HeldOrder``, hold their stock and record
    ``market.order.placed`` for each (so the emails and webhooks follow).

    The caller runs this inside its transaction after every check: the products' rows are locked, listed
    and have the stock; ``phone`` is the one ``validate_buyer`` returned; delivery fees and the payment
    method were checked with ``delivery_fee`` and ``check_payment_method``.
    """
    user = buyer.user if buyer.user is not None and buyer.user.is_authenticated else None
    needs_delivery = any(part.delivery_method == DeliveryMethod.DELIVERY for part in orders)
    checkout = Checkout.objects.create(
        reference=new_reference("LS"),
        buyer=user,
        buyer_name=buyer.name.strip(),
        buyer_phone=phone,
        buyer_email=buyer.email.strip(),
        delivery_address=buyer.address.strip(),
        delivery_province=buyer.province if needs_delivery else "",
        payment_method=payment_method,
        created_at=now,
    )
    created = []
    for part in orders:
        subtotal = sum(unit_price * quantity for _product, quantity, unit_price in part.lines)
        order = Order.objects.create(
            checkout=checkout,
            reference=new_reference("DH"),
            producer=part.producer,
            commune_id=part.producer.commune_id,
            buyer=user,
            payment_method=payment_method,
            delivery_method=part.delivery_method,
            subtotal=subtotal,
            delivery_fee=part.delivery_fee,
            total=subtotal + part.delivery_fee,
            hold_expires_at=now + hold_for(payment_method),
            created_at=now,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    product=product,
                    product_name=product.name_vi,
                    unit=product.unit,
                    unit_price=unit_price,
                    quantity=quantity,
                    line_total=unit_price * quantity,
                )
                for product, quantity, unit_price in part.lines
            ]
        )
        for product, quantity, _unit_price in part.lines:
            Product.all_objects.filter(pk=product.pk).update(stock=F("stock") - quantity)
        record_event(
            "market.order.placed",
            subject=order,
            actor=user,
            commune_id=order.commune_id,
            payload={"reference": order.reference, "total": order.total, "payment_method": payment_method},
        )
        created.append(order)
    return checkout, created


def place_order(
    *,
    cart: Cart,
    buyer: Buyer,
    payment_method: str,
    delivery_methods: dict[int, str],
    now=None,
) -> Checkout:
    """Turn the cart into one order per producer, holding the stock until payment or expiry.

    ``delivery_methods`` maps each producer id in the cart to ``pickup`` or ``delivery``. Raises
    ``MarketError`` (out of stock, minimum order, no delivery to the zone…) or ``ValidationError`` (buyer
    details); on any refusal nothing is written and no stock moves.
    """
    now = now or timezone.now()
    if payment_method not in PaymentMethod.values:
        raise MarketError(
            MarketErrorCode.PAYMENT_METHOD_UNAVAILABLE, _("Choose a way to pay."), field="payment_method"
        )
    with transaction.atomic():
        items = list(CartItem.objects.filter(cart=cart).order_by("product_id"))
        if not items:
            raise MarketError(MarketErrorCode.EMPTY_CART, _("Your cart is empty."))
        # Lock the products in primary-key order, then re-check everything under the lock.
        products = {
            product.pk: product
            for product in Product.objects.select_for_update()
            .select_related("producer")
            .filter(pk__in=[item.product_id for item in items])
            .order_by("pk")
        }
        by_producer: dict[int, list[tuple[Product, int]]] = defaultdict(list)
        for item in items:
            product = products.get(item.product_id)
            if (
                product is None
                or product.review_status != ReviewStatus.APPROVED
                or product.producer.review_status != ReviewStatus.APPROVED
                or product.producer.is_deleted
            ):
                raise MarketError(
                    MarketErrorCode.PRODUCT_UNAVAILABLE, _("A product in your cart is no longer for sale.")
                )
            if item.quantity < product.minimum_order:
                raise MarketError(
                    MarketErrorCode.BELOW_MINIMUM_ORDER,
                    _("%(product)s: the minimum order is %(quantity)s %(unit)s.")
                    % {
                        "product": product.name,
                        "quantity": product.minimum_order,
                        "unit": product.get_unit_display(),
                    },
                )
            if item.quantity > product.stock:
                raise MarketError(
                    MarketErrorCode.OUT_OF_STOCK,
                    _("%(product)s: only %(quantity)s %(unit)s left.")
                    % {
                        "product": product.name,
                        "quantity": product.stock,
                        "unit": product.get_unit_display(),
                    },
                )
            by_producer[product.producer_id].append((product, item.quantity))

        needs_delivery = any(delivery_methods.get(pid) == DeliveryMethod.DELIVERY for pid in by_producer)
        phone = validate_buyer(buyer, needs_delivery=needs_delivery)
        orders = []
        for producer_id, lines in by_producer.items():
            producer = lines[0][0].producer
            method = delivery_methods.get(producer_id)
            fee = delivery_fee(producer, delivery_method=method, province=buyer.province)
            check_payment_method(producer, payment_method)
            orders.append(
                HeldOrder(
                    producer=producer,
                    delivery_method=method,
                    delivery_fee=fee,
                    lines=[(product, quantity, product.price) for product, quantity in lines],
                )
            )
        checkout, _orders = create_held_orders(
            buyer=buyer, phone=phone, payment_method=payment_method, orders=orders, now=now
        )
        CartItem.objects.filter(cart=cart).delete()
    return checkout


def give_back_stock(order: Order) -> None:
    """Return an order's held quantities to stock (the caller holds the order's row lock)."""
    for line in order.lines.order_by("product_id"):
        # all_objects: a listing deleted meanwhile gets its stock back too (it is right when restored)
        Product.all_objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)


def release_expired_holds(*, now=None) -> int:
    """Cancel unpaid orders whose hold expired and give their stock back. Run by a periodic task."""
    now = now or timezone.now()
    released = 0
    for order_id in Order.objects.expired_holds(now).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if order is None or order.status != OrderStatus.PENDING_PAYMENT or order.hold_expires_at > now:
                continue  # paid or cancelled meanwhile
            give_back_stock(order)
            order.status = OrderStatus.CANCELLED
            order.cancelled_at = now
            order.cancellation_reason = "hold_expired"
            order.cancelled_by = CancelledBy.SYSTEM
            order.save(update_fields=["status", "cancelled_at", "cancellation_reason", "cancelled_by"])
            record_event(
                "market.order.cancelled",
                subject=order,
                commune_id=order.commune_id,
                payload={"reference": order.reference, "reason": "hold_expired"},
            )
            released += 1
    return released
