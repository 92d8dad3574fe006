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
    event_handlers,
    indicators,
    payables,
    periodic_jobs,
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


def enqueue_order_email(event) -> None:
    """Event handler: after the transaction commits, email the buyer and the producer about the order."""
    from .tasks import send_order_email_task

    transaction.on_commit(lambda: send_order_email_task.enqueue(event.pk))


def register() -> None:
    from . import indicators as market_indicators
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
    periodic_jobs.register(
        "market.release-expired-holds", PeriodicJob(release_expired_holds_task, every_seconds=60)
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
