"""Market fixtures: approved producers in two communes with products, a moderator, a buyer."""

import pytest

from accounts.models import Role
from core.search.indexing import reindex
from market import services
from market.models import Category, Producer, Product, ReviewStatus, Unit
from tests import factories


def make_producer(owner, commune, name: str, **fields) -> Producer:
    defaults = {
        "bank_bin": "970436", "bank_account_number": "0011001234567", "bank_account_name": "SUNG THI MAI",
        "delivery_fee_north": 30_000, "delivery_fee_central": 45_000, "offers_pickup": True,
    }  # fmt: skip
    defaults.update(fields)
    producer = services.create_producer(owner=owner, commune=commune, actor=owner, name=name, **defaults)
    Producer.objects.filter(pk=producer.pk).update(review_status=ReviewStatus.APPROVED)
    producer.refresh_from_db()
    return producer


def make_product(producer, name: str, *, price: int = 120_000, stock: int = 50, **fields) -> Product:
    defaults = {"category": Category.TEA, "unit": Unit.KILOGRAM, "description_vi": f"{name} ngon."}
    defaults.update(fields)
    product = services.create_product(
        producer=producer, actor=producer.owner, name_vi=name, price=price, stock=stock, **defaults
    )
    Product.objects.filter(pk=product.pk).update(review_status=ReviewStatus.APPROVED)
    reindex([f"product:{product.pk}"])  # approved behind the services' back: tell the search index
    product.refresh_from_db()
    return product


@pytest.fixture
def owner_a(site_tree):
    return factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.PRODUCER)


@pytest.fixture
def owner_b(site_tree):
    return factories.make_member("hoa@example.org", site_tree["b"]["commune"], Role.PRODUCER)


@pytest.fixture
def producer_a(site_tree, owner_a):
    return make_producer(owner_a, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van")


@pytest.fixture
def producer_b(site_tree, owner_b):
    return make_producer(
        owner_b, site_tree["b"]["commune"], "Hộ Nguyễn Thị Hoa", bank_account_name="NGUYEN THI HOA"
    )


@pytest.fixture
def tea(producer_a):
    return make_product(producer_a, "Chè Shan Tuyết", price=350_000, stock=20)


@pytest.fixture
def plums(producer_b):
    return make_product(
        producer_b, "Mận Bắc Hà", price=45_000, stock=100, category=Category.FRUIT, minimum_order=2
    )


@pytest.fixture
def buyer(db):
    return factories.make_user(
        "buyer@example.org", phone="0912345678", first_name="Hùng", last_name="Trần Văn"
    )
