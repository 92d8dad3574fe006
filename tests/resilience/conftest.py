"""Resilience fixtures: the API and market fixtures (partners with keys, producers, products, a buyer)."""

from tests.api.conftest import (  # noqa: F401  (fixtures shared with the API and market tests)
    api_client,
    buyer,
    make_partner,
    make_producer,
    make_product,
    owner_a,
    owner_b,
    partner,
    plums,
    producer_a,
    producer_b,
    tea,
)
