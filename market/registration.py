"""What market registers with the floors below: searchable products (site search), orders as payables and
the commune's computed market indicators."""

from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import format_vnd
from core.registries import (
    ComputedIndicator,
    EventHandler,
    Payable,
    PeriodicJob,
    Searchable,
    SearchHit,
    SearchSource,
    event_handlers,
    indicators,
    payables,
    periodic_jobs,
    search_sources,
    searchables,
)


def search_products(words: list[str], limit: int) -> list[SearchHit]:
    """Listed products whose folded text holds every word, newest first, as site-search hits."""
    from .models import Product
    from .selectors import matching

    products = matching(Product.objects.listed().select_related("producer"), words)
    return [
        SearchHit(
            title=product.name,
            url=reverse("market:product", args=[product.slug]),
            summary=f"{format_vnd(product.price)} / {product.get_unit_display()} · {product.producer.name}",
            kind="product",
        )
        for product in products.order_by("-updated_at", "-id")[:limit]
    ]


def catalogue_search_url(query: str) -> str:
    return reverse("market:catalogue") + "?" + urlencode({"q": query})


def search_documents(keys=None):
    """Listed products for the one search (``core.search``): in Vietnamese, and in English when the
    product has an English name; with the category, current OCOP stars, price and place."""
    from django.utils import timezone, translation

    from core.search.documents import SearchDocument
    from village.search import Places, ids_of

    from .models import Category, Product

    products = Product.objects.listed().select_related("producer", "ocop").order_by("pk")
    if keys is not None:
        products = products.filter(pk__in=ids_of(keys, "product"))
    places = Places()
    today = timezone.localdate()
    for product in products.iterator(chunk_size=500):
        rating = product.ocop if hasattr(product, "ocop") else None  # no rating: the accessor raises
        stars = rating.stars if rating is not None and rating.expires_on >= today else None
        commune = places.commune_of_page(product.commune_id)
        for language in ("vi", "en") if product.name_en else ("vi",):
            with translation.override(language):
                english = language == "en"
                price = format_vnd(product.price)
                yield SearchDocument(
                    key=f"product:{product.pk}",
                    kind="product",
                    language=language,
                    title=product.name_en if english else product.name_vi,
                    summary=f"{price} / {product.get_unit_display()} · {product.producer.name}",
                    text=" ".join(
                        part
                        for part in (
                            product.name_vi if english else "",
                            product.description_en if english else product.description_vi,
                            str(Category(product.category).label)
                            if product.category in Category.values
                            else "",
                            product.producer.name,
                        )
                        if part
                    ),
                    url=reverse("market:product", args=[product.slug]),
                    category=product.category,
                    ocop_stars=stars,
                    price=product.price,
                    updated_at=product.updated_at,
                    boost=1.0 + 0.05 * (stars or 0),
                    **places.area(commune, language),
                )


def search_keys_for_event(event) -> list[str]:
    """A product's own events touch it; a producer's (approved, suspended, renamed, deleted) all of its."""
    from .models import Product

    if event.name.startswith("market.product."):
        return [f"product:{event.subject_id}"]
    product_ids = Product.all_objects.filter(producer_id=event.subject_id).values_list("pk", flat=True)
    return [f"product:{pk}" for pk in product_ids]


def search_keys_due(since, until) -> list[str]:
    """Listings whose OCOP rating ran out between ``since`` and ``until``: a rating counts up to and
    including its ``expires_on`` day, so its stars leave the search facets when the next day begins."""
    from django.utils import timezone

    from .models import Product

    first, last = timezone.localdate(since), timezone.localdate(until)
    expired = Product.objects.listed().filter(ocop__expires_on__gte=first, ocop__expires_on__lt=last)
    return [f"product:{pk}" for pk in expired.values_list("pk", flat=True)]


def enqueue_order_email(event) -> None:
    """Event handler: after the transaction commits, email the buyer and the producer about the order."""
    from .tasks import send_order_email_task

    transaction.on_commit(lambda: send_order_email_task.enqueue(event.pk))


DEMAND_MATCH_EVENTS = (
    "market.product.approved",
    "market.product.updated",
    "market.product.restored",
    "market.product.ocop_rated",
    "market.product.certified",
)


def enqueue_demand_matches(event) -> None:
    """Event handler: after the transaction commits, find the open demands a published or changed listing
    now fits and email their buyers (``market.notifications.notify_demand_matches``)."""
    from .tasks import notify_demand_matches_task

    product_id = int(event.subject_id)
    transaction.on_commit(lambda: notify_demand_matches_task.enqueue(product_id))


#: a producer going public (approved, restored) lists all its approved products at once
PRODUCER_LISTING_EVENTS = ("market.producer.approved", "market.producer.restored")


def enqueue_producer_demand_matches(event) -> None:
    """Event handler: a producer that became public puts its approved listings on the marketplace at once;
    after the transaction commits, each of them looks for the open demands it fits, as a newly approved
    listing does."""
    from .models import Product
    from .tasks import notify_demand_matches_task

    product_ids = list(
        Product.objects.listed()
        .filter(producer_id=int(event.subject_id))
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def enqueue() -> None:
        for product_id in product_ids:
            notify_demand_matches_task.enqueue(product_id)

    if product_ids:
        transaction.on_commit(enqueue)


def reopen_demand_after_cancelled_order(event) -> None:
    """Event handler (inside the cancellation's transaction): an order that came from an accepted offer
    was cancelled, so its demand opens again (``market.services.demands.reopen_after_cancelled_order``)."""
    from .services.demands import reopen_after_cancelled_order

    reopen_after_cancelled_order(order_id=int(event.subject_id))


def _follow_product_in_matching_index(event) -> None:
    """With the Elasticsearch backend, a changed listing's matching document follows it."""
    from .matching_elastic import on_product_event

    on_product_event(event)


def _follow_demand_in_percolator(event) -> None:
    """With the Elasticsearch backend, a changed demand's stored (percolator) query follows it."""
    from .matching_elastic import on_demand_event

    on_demand_event(event)


def rebuild_products_index(progress=None) -> int:
    from .matching_elastic import rebuild_products

    return rebuild_products(progress=progress)


def rebuild_demands_index(progress=None) -> int:
    from .matching_elastic import rebuild_demands

    return rebuild_demands(progress=progress)


def register() -> None:
    from django.conf import settings

    from core.registries import search_indices
    from core.search import indexing as search_index

    from . import indicators as market_indicators
    from .models import Category
    from .services import payments as order_payments
    from .tasks import release_expired_holds_task

    payables.register(
        order_payments.PAYABLE_KIND,
        Payable(
            kind=order_payments.PAYABLE_KIND,
            summarize=order_payments.summarize,
            on_paid=order_payments.on_paid,
            on_refunded=order_payments.on_refunded,
            refundable_amount=order_payments.refundable_amount,
        ),
    )
    event_handlers.register("market.order-emails", EventHandler("market.order.*", enqueue_order_email))
    for name in DEMAND_MATCH_EVENTS:
        event_handlers.register(f"market.demand-matches.{name}", EventHandler(name, enqueue_demand_matches))
    periodic_jobs.register(
        "market.release-expired-holds", PeriodicJob(release_expired_holds_task, every_seconds=60)
    )
    for name in PRODUCER_LISTING_EVENTS:
        event_handlers.register(
            f"market.demand-matches.{name}", EventHandler(name, enqueue_producer_demand_matches)
        )
    event_handlers.register(
        "market.demand-reopen", EventHandler("market.order.cancelled", reopen_demand_after_cancelled_order)
    )
    from .tasks import expire_demands_task

    periodic_jobs.register("market.expire-demands", PeriodicJob(expire_demands_task, every_seconds=3600))
    search_sources.register(
        "product",
        SearchSource(
            kind="product",
            label=_("Products"),
            documents=search_documents,
            event_patterns=("market.product.*", "market.producer.*"),
            keys_for_event=search_keys_for_event,
            keys_due=search_keys_due,
            categories=tuple(Category.choices),
            more_url=catalogue_search_url,
            order=20,
        ),
    )
    search_index.register()
    for pattern in ("market.product.*", "market.producer.*"):
        event_handlers.register(
            f"market.matching-products.{pattern}", EventHandler(pattern, _follow_product_in_matching_index)
        )
    from .matching_elastic import DEMAND_EVENTS, rebuild_demands_task

    for name in DEMAND_EVENTS:
        event_handlers.register(
            f"market.matching-demands.{name}", EventHandler(name, _follow_demand_in_percolator)
        )
    search_indices.register("products", rebuild_products_index)
    search_indices.register("demands", rebuild_demands_index)
    if getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch":
        periodic_jobs.register(
            "market.rebuild-demands", PeriodicJob(rebuild_demands_task, every_seconds=86_400)
        )
    searchables.register(
        "market.product",
        Searchable(label=_("Products"), search=search_products, more_url=catalogue_search_url, order=20),
    )
    for key, label, unit, compute in (
        ("market.producers_online", _("Producers selling online"), "producers",
         market_indicators.producers_online),
        ("market.products_online", _("Products online"), "products", market_indicators.products_online),
        ("market.ocop_products_online", _("OCOP 3-star+ products online"), "%",
         market_indicators.ocop_products_online),
        ("market.orders_paid_digitally", _("Orders paid digitally"), "%",
         market_indicators.orders_paid_digitally),
    ):  # fmt: skip
        indicators.register(key, ComputedIndicator(key=key, label=label, unit=unit, compute=compute))
