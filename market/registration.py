"""What market registers with the floors below: searchable products (site search) and orders as payables."""

from core.registries import Searchable, searchables


def _listed_products():
    from .models import Product

    return Product.objects.listed()


def register() -> None:
    searchables.register("market.product", Searchable(label="products", queryset=_listed_products, order=20))
