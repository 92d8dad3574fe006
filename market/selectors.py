"""Read-side queries for the buyer's pages: each one fetches what a page shows in a fixed number of queries.

Nothing here writes. Listing queries select the producer, the commune and the OCOP rating with the
product (``ocop`` is a reverse one-to-one, so ``select_related`` works), and prefetch the first photo with
its renditions, so a page of 50 products costs the same queries as a page of one.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from wagtail.models import Page

from core.models import Event
from core.text import fold_query
from village.images import rendition_prefetch
from village.models import CommunePage, ProvincePage
from village.translations import localized_titles

from .models import (
    CartItem,
    Certification,
    Checkout,
    Lot,
    Order,
    OrderLine,
    PaymentMethod,
    Producer,
    Product,
    ProductImage,
    Review,
    ReviewStatus,
)
from .zones import Zone, zone_of

# Renditions the pages ask for; prefetching exactly these avoids one query per photo.
CARD_RENDITIONS = ("fill-320x240|format-webp", "fill-640x480|format-webp")
GALLERY_RENDITIONS = (*CARD_RENDITIONS, "fill-960x720|format-webp")
JSONLD_RENDITION = "fill-960x720|format-webp"

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
RECENT_REVIEWS = 20
RECENT_LOTS = 10


class Sort:
    NEWEST = "newest"
    PRICE_ASCENDING = "price"
    PRICE_DESCENDING = "-price"


ORDERINGS = {
    Sort.NEWEST: ("-created_at", "-id"),
    Sort.PRICE_ASCENDING: ("price", "id"),
    Sort.PRICE_DESCENDING: ("-price", "-id"),
}


# --- photos and titles ------------------------------------------------------------------------------


def _first_photo() -> Prefetch:
    """Each product's first photo only (a sliced prefetch: one query for the whole page)."""
    photos = ProductImage.objects.select_related("image").prefetch_related(
        rendition_prefetch(CARD_RENDITIONS)
    )
    return Prefetch("images", queryset=photos.order_by("position", "id")[:1], to_attr="first_photos")


def decorate_cards(products, *, commune_titles: dict[int, str] | None = None, today=None) -> list[Product]:
    """Give each product of a listing ``card_image``, ``current_ocop`` and ``commune_title``."""
    products = list(products)
    today = today or timezone.localdate()
    if commune_titles is None:
        commune_titles = localized_titles(product.commune for product in products)
    for product in products:
        photos = getattr(product, "first_photos", [])
        product.card_image = photos[0].image if photos else None
        product.current_ocop = current_ocop(product, today)
        product.commune_title = commune_titles.get(product.commune_id, "")
    return products


def current_ocop(product: Product, today=None):
    """The product's OCOP rating while it is valid, else None (no query when ``ocop`` was selected)."""
    try:
        rating = product.ocop
    except Product.ocop.RelatedObjectDoesNotExist:
        return None
    return rating if rating.is_current(today) else None


def with_cards(products, *, commune: bool = True):
    """What a product card shows, selected and prefetched for a whole page of products. ``commune=False``
    leaves out the commune's page (a wide Wagtail row per product) for callers that name communes from
    their own lookup (the partner API's places)."""
    related = ("producer", "commune", "ocop") if commune else ("producer", "ocop")
    return products.select_related(*related).prefetch_related(_first_photo())


# --- the catalogue ----------------------------------------------------------------------------------


@dataclass
class Places:
    """The provinces and communes that have products on sale, for the catalogue's filter form."""

    provinces: list[ProvincePage] = field(default_factory=list)
    communes: list[CommunePage] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)

    def province_of(self, commune: CommunePage) -> ProvincePage | None:
        return next((p for p in self.provinces if commune.path.startswith(p.path)), None)


def catalogue_places() -> Places:
    """Communes with listed products and their provinces (by tree path): three queries at most."""
    selling = Product.objects.listed().filter(commune=OuterRef("pk"))
    communes = list(CommunePage.objects.live().filter(Exists(selling)).order_by("path"))
    prefixes = {commune.path[: len(commune.path) - Page.steplen] for commune in communes}
    provinces = [p for p in ProvincePage.objects.live().order_by("title") if p.path in prefixes]
    places = Places(provinces=provinces, communes=communes)
    places.titles = localized_titles([*provinces, *communes])
    places.communes.sort(key=lambda commune: places.titles[commune.pk])
    places.provinces.sort(key=lambda province: places.titles[province.pk])
    return places


def search_words(query: str) -> list[str]:
    """The visitor's words, folded (no diacritics), capped in length and number."""
    return fold_query(query, max_length=MAX_QUERY_LENGTH).split()[:MAX_QUERY_WORDS]


def matching(products, words: list[str]):
    """Products whose folded text (no diacritics) holds every one of the folded ``words``."""
    for word in words:
        products = products.filter(folded_text__icontains=word)
    return products


def catalogue_products(
    *,
    query: str = "",
    category: str = "",
    province: ProvincePage | None = None,
    commune: CommunePage | None = None,
    min_stars: int | None = None,
    certification: str = "",
    min_price: int | None = None,
    max_price: int | None = None,
    in_stock: bool = False,
    sort: str = Sort.NEWEST,
    today=None,
):
    """Listed products narrowed by the catalogue's filters; every word of ``query`` must match."""
    today = today or timezone.localdate()
    products = matching(Product.objects.listed(), search_words(query))
    if category:
        products = products.filter(category=category)
    if commune is not None:
        products = products.filter(commune=commune)
    elif province is not None:
        products = products.filter(commune__path__startswith=province.path)
    if min_stars:
        products = products.filter(ocop__stars__gte=min_stars, ocop__expires_on__gte=today)
    if certification:
        current = Certification.objects.filter(product=OuterRef("pk"), kind=certification).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
        products = products.filter(Exists(current))
    if min_price is not None:
        products = products.filter(price__gte=min_price)
    if max_price is not None:
        products = products.filter(price__lte=max_price)
    if in_stock:
        products = products.filter(stock__gt=0)
    return with_cards(products.order_by(*ORDERINGS.get(sort, ORDERINGS[Sort.NEWEST])))


# --- one product, one producer, one lot -------------------------------------------------------------


def product_page(slug: str) -> Product | None:
    """A listed product with its gallery, certifications, latest reviews and lots (constant queries)."""
    photos = ProductImage.objects.select_related("image").prefetch_related(
        rendition_prefetch(GALLERY_RENDITIONS)
    )
    reviews = Review.objects.select_related("author").order_by("-created_at", "-id")
    return (
        Product.objects.listed()
        .filter(slug=slug)
        .select_related("producer", "producer__village", "commune", "ocop")
        .prefetch_related(
            Prefetch("images", queryset=photos.order_by("position", "id"), to_attr="gallery"),
            Prefetch(
                "certifications",
                queryset=Certification.objects.order_by("kind"),
                to_attr="all_certifications",
            ),
            Prefetch("reviews", queryset=reviews[:RECENT_REVIEWS], to_attr="recent_reviews"),
            Prefetch(
                "lots",
                queryset=Lot.objects.order_by("-created_at", "-id")[:RECENT_LOTS],
                to_attr="recent_lots",
            ),
        )
        .first()
    )


def review_summary(product: Product) -> dict:
    """``{"average": 4.5 | None, "count": 12}`` over all of the product's verified reviews."""
    summary = Review.objects.filter(product=product).aggregate(average=Avg("rating"), count=Count("id"))
    if summary["average"] is not None:
        summary["average"] = round(summary["average"], 1)
    return summary


def current_certifications(certifications, today=None) -> list[Certification]:
    today = today or timezone.localdate()
    return [certification for certification in certifications if certification.is_current(today)]


def approved_producer(slug: str) -> Producer | None:
    return Producer.objects.approved().filter(slug=slug).select_related("commune", "village").first()


def producer_products(producer: Producer):
    return with_cards(Product.objects.listed().filter(producer=producer).order_by("-created_at", "-id"))


def traceable_lot(public_id) -> Lot | None:
    """A lot's public page stays up while the pack is in buyers' hands, unless the producer was rejected."""
    return (
        Lot.objects.filter(public_id=public_id)
        .exclude(product__producer__review_status=ReviewStatus.REJECTED)
        .select_related(
            "product", "product__producer", "product__producer__village", "product__commune", "product__ocop"
        )
        .prefetch_related(
            Prefetch(
                "product__certifications",
                queryset=Certification.objects.order_by("kind"),
                to_attr="all_certifications",
            )
        )
        .first()
    )


def is_listed(product: Product) -> bool:
    return (
        product.review_status == ReviewStatus.APPROVED
        and product.producer.review_status == ReviewStatus.APPROVED
    )


def commune_products(commune: CommunePage, *, limit: int = 6) -> list[Product]:
    """Listed products of a commune, whichever translation of the commune page is shown."""
    products = with_cards(
        Product.objects.listed()
        .filter(commune__translation_key=commune.translation_key)
        .order_by("-created_at", "-id")
    )
    products = list(products[:limit])
    return decorate_cards(
        products, commune_titles={product.commune_id: commune.title for product in products}
    )


# --- the cart and checkout --------------------------------------------------------------------------


@dataclass
class CartGroup:
    """The lines of one producer in the cart, with their subtotal."""

    producer: Producer
    items: list[CartItem]

    @property
    def subtotal(self) -> int:
        return sum(item.line_total for item in self.items)


def cart_groups(cart) -> list[CartGroup]:
    """The cart's lines grouped by producer (two queries), each line with ``line_total`` and ``listed``."""
    if cart is None:
        return []
    items = (
        CartItem.objects.filter(cart=cart)
        .select_related("product", "product__producer", "product__commune")
        .order_by("product__producer__name", "product__producer_id", "id")
    )
    groups: dict[int, CartGroup] = {}
    for item in items:
        item.line_total = item.product.price * item.quantity
        item.listed = is_listed(item.product)
        producer = item.product.producer
        groups.setdefault(producer.pk, CartGroup(producer=producer, items=[])).items.append(item)
    return list(groups.values())


def cart_size(cart) -> int:
    return CartItem.objects.filter(cart=cart).count() if cart is not None else 0


@dataclass
class PaymentOption:
    """A way to pay, and — when it cannot be used for this cart — the producers that do not take it."""

    value: str
    label: str
    refused_by: list[Producer] = field(default_factory=list)

    @property
    def available(self) -> bool:
        return not self.refused_by


def payment_options(producers: list[Producer]) -> list[PaymentOption]:
    """Cash on delivery and VietQR as every producer of the cart takes them; cards when Stripe is on."""
    options = [
        PaymentOption(
            PaymentMethod.CASH_ON_DELIVERY,
            PaymentMethod.CASH_ON_DELIVERY.label,
            [p for p in producers if not p.accepts_cash_on_delivery],
        ),
        PaymentOption(
            PaymentMethod.BANK_TRANSFER,
            PaymentMethod.BANK_TRANSFER.label,
            [p for p in producers if not p.accepts_bank_transfer],
        ),
    ]
    if settings.STRIPE_SECRET_KEY:
        options.append(PaymentOption(PaymentMethod.CARD, PaymentMethod.CARD.label))
    return options


@dataclass
class DeliveryFee:
    zone: Zone
    fee: int | None


def delivery_fees(producer: Producer) -> list[DeliveryFee]:
    return [DeliveryFee(zone, producer.delivery_fee_to(zone)) for zone in Zone]


def delivers_anywhere(producer: Producer) -> bool:
    return any(option.fee is not None for option in delivery_fees(producer))


def delivery_fee_for(producer: Producer, province: str) -> int | None:
    zone = zone_of(province)
    return producer.delivery_fee_to(zone) if zone is not None else None


# --- orders -----------------------------------------------------------------------------------------


def checkout_with_orders(access_token) -> Checkout | None:
    """A checkout by its private token, with its orders, lines, producers and reviews (four queries)."""
    orders = Order.objects.select_related("producer").order_by("producer__name", "id")
    return (
        Checkout.objects.filter(access_token=access_token)
        .prefetch_related(
            Prefetch("orders", queryset=orders, to_attr="all_orders"),
            Prefetch(
                "all_orders__lines",
                queryset=OrderLine.objects.select_related("product"),
                to_attr="all_lines",
            ),
            Prefetch("all_orders__reviews", queryset=Review.objects.all(), to_attr="all_reviews"),
        )
        .first()
    )


def order_timelines(orders) -> dict[int, list[Event]]:
    """``{order id: its events, oldest first}`` in one query (``Event.objects.for_subject`` for many)."""
    orders = list(orders)
    timelines: dict[int, list[Event]] = defaultdict(list)
    if not orders:
        return timelines
    events = Event.objects.filter(
        subject_type=Order._meta.label_lower,
        subject_id__in=[str(order.pk) for order in orders],
        name__startswith="market.order.",
    ).order_by("occurred_at", "id")
    for event in events:
        timelines[int(event.subject_id)].append(event)
    return timelines


def buyer_checkouts(user):
    """The checkouts of an account, newest first, with orders and lines (three queries a page)."""
    orders = Order.objects.select_related("producer").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.all(), to_attr="all_lines")
    )
    return (
        Checkout.objects.filter(buyer=user)
        .order_by("-created_at", "-id")
        .prefetch_related(
            Prefetch("orders", queryset=orders.order_by("producer__name", "id"), to_attr="all_orders")
        )
    )
