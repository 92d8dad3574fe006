"""Commune moderators approve or reject producers and listings of their own commune only."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from core.models import Event
from market import services
from market.exceptions import MarketError, MarketErrorCode
from market.models import Product, ReviewStatus
from tests import factories


@pytest.fixture
def pending_honey(producer_a):
    return services.create_product(
        producer=producer_a,
        actor=producer_a.owner,
        name_vi="Mật ong bạc hà",
        category="honey",
        unit="jar",
        price=250_000,
        stock=10,
    )


def test_the_communes_moderator_approves_a_listing(site_tree, pending_honey):
    moderator = factories.make_member("mod-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)
    product = services.review_listing(product=pending_honey, moderator=moderator, approve=True)
    assert (product.review_status, product.reviewed_by_id) == (ReviewStatus.APPROVED, moderator.pk)
    assert Event.objects.filter(name="market.product.approved", actor=moderator).exists()


def test_a_rejection_needs_a_reason_that_the_producer_sees(site_tree, pending_honey):
    moderator = factories.make_member("mod-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)
    with pytest.raises(ValidationError):
        services.review_listing(product=pending_honey, moderator=moderator, approve=False, reason="  ")
    assert Product.objects.get(pk=pending_honey.pk).review_status == ReviewStatus.PENDING
    product = services.review_listing(
        product=pending_honey, moderator=moderator, approve=False, reason="Ảnh bị mờ, chụp lại giúp."
    )
    assert (product.review_status, product.rejection_reason) == (
        ReviewStatus.REJECTED,
        "Ảnh bị mờ, chụp lại giúp.",
    )


def test_a_moderator_of_another_commune_is_refused_and_nothing_changes(site_tree, pending_honey):
    moderator_b = factories.make_member(
        "mod-b@example.org", site_tree["b"]["commune"], Role.COMMUNE_MODERATOR
    )
    with pytest.raises(MarketError) as refused:
        services.review_listing(product=pending_honey, moderator=moderator_b, approve=True)
    assert refused.value.code == MarketErrorCode.NOT_ALLOWED
    assert Product.objects.get(pk=pending_honey.pk).review_status == ReviewStatus.PENDING
    assert not Event.objects.filter(name__startswith="market.product.approved").exists()


def test_changing_what_a_product_is_sends_it_back_to_moderation_but_a_price_change_does_not(tea):
    owner = tea.producer.owner
    product = services.update_product(product=tea, actor=owner, price=360_000, stock=25)
    assert (product.review_status, product.price, product.stock) == (ReviewStatus.APPROVED, 360_000, 25)
    product = services.update_product(product=tea, actor=owner, name_vi="Chè Shan Tuyết cổ thụ")
    assert product.review_status == ReviewStatus.PENDING


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"price": -1000}, "price"),
        ({"price": 0}, "price"),
        ({"price": 1500.5}, "price"),
        ({"price": "12000"}, "price"),
        ({"price": 1_000_000_001}, "price"),
        ({"stock": -1}, "stock"),
        ({"minimum_order": 0}, "minimum_order"),
        ({"harvest_months": [0, 13]}, "harvest_months"),
        ({"category": "weapons"}, "category"),
        ({"unit": "ton"}, "unit"),
    ],
)
def test_bad_product_values_get_a_field_message_and_nothing_is_saved(tea, fields, field):
    before = Product.objects.filter(pk=tea.pk).values().get()
    with pytest.raises(ValidationError) as refused:
        services.update_product(product=tea, actor=tea.producer.owner, **fields)
    assert field in refused.value.message_dict
    assert Product.objects.filter(pk=tea.pk).values().get() == before


def test_a_producer_cannot_touch_another_producers_product(tea, plums):
    with pytest.raises(MarketError) as refused:
        services.update_product(product=tea, actor=plums.producer.owner, price=1)
    assert refused.value.code == MarketErrorCode.NOT_ALLOWED
    assert Product.objects.get(pk=tea.pk).price == 350_000


def test_account_names_are_written_the_way_banks_print_them():
    assert services.bank_account_name_from("Sùng Thị Mai") == "SUNG THI MAI"
    assert services.bank_account_name_from("  Đặng   Văn Đức ") == "DANG VAN DUC"
