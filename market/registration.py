"""What market registers with the floors below: searchable products (site search) and orders as payables."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.money import format_vnd
from core.registries import Searchable, SearchHit, searchables


def search_products(words: list[str], limit: int) -> list[SearchHit]:
    """Listed products whose folded text holds every word, newest first, as site-search hits."""
    from .models import Product

    products = Product.objects.listed().select_related("producer")
    for word in words:
        products = products.filter(folded_text__icontains=word)
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


def register() -> None:
    searchables.register(
        "market.product",
        Searchable(label=_("Products"), search=search_products, more_url=catalogue_search_url, order=20),
    )
