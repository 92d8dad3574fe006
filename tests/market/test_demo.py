"""``manage.py load_market_demo``: a full marketplace on top of the village demo, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import Page, Site

from market.models import (
    BuyerDemand,
    CancelledBy,
    Certification,
    DemandOffer,
    DemandStatus,
    InquiryThread,
    Lot,
    OcopRating,
    Order,
    OrderStatus,
    Producer,
    Product,
    ProductImage,
    Review,
    ReviewStatus,
)
from village.models import HomePage


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Producer,
            Product,
            ProductImage,
            OcopRating,
            Certification,
            Lot,
            Order,
            Review,
            BuyerDemand,
            DemandOffer,
            InquiryThread,
        )
    }


def _drop_prebuilt_tree() -> None:
    """The session's small test tree has its own home; the village demo builds the real one."""
    Site.objects.all().delete()
    for home in HomePage.objects.order_by("-depth"):
        Page.objects.get(pk=home.pk).delete()


@pytest.mark.django_db
def test_market_demo_refuses_without_the_village_demo():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_market_demo", stdout=StringIO())


@pytest.mark.django_db
def test_market_demo_builds_a_living_marketplace_once():
    _drop_prebuilt_tree()
    call_command("load_demo", stdout=StringIO())

    out = StringIO()
    call_command("load_market_demo", stdout=out)
    output = out.getvalue()
    assert "[3/13] Hợp tác xã chè Shan Tuyết Tả Van…" in output

    assert Producer.objects.count() >= 12
    assert Product.objects.count() >= 30
    assert set(Producer.objects.values_list("commune__slug", flat=True)) == {
        "ta-van",
        "bac-ha",
        "giao-phong",
        "dinh-hung",
    }
    first = Producer.objects.get(owner__email="producer@tavan.example")
    assert first.bank_account_name == "SUNG THI MAI" and first.village is not None
    assert Producer.objects.filter(review_status=ReviewStatus.PENDING).count() == 1
    assert Product.objects.filter(review_status=ReviewStatus.PENDING).count() == 2
    rejected = Product.objects.get(review_status=ReviewStatus.REJECTED)
    assert rejected.rejection_reason
    assert ProductImage.objects.count() == Product.objects.count()

    today = timezone.localdate()
    ratings = list(OcopRating.objects.all())
    assert len(ratings) >= 10
    assert sum(not rating.is_current(today) for rating in ratings) == 1
    assert Certification.objects.exists() and Lot.objects.count() >= len(ratings)

    statuses = set(Order.objects.values_list("status", flat=True))
    for status in (
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.CONFIRMED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
        OrderStatus.CANCELLED,
    ):
        assert status in statuses, status
    cancelled_by = set(
        Order.objects.filter(status=OrderStatus.CANCELLED).values_list("cancelled_by", flat=True)
    )
    assert {CancelledBy.BUYER, CancelledBy.PRODUCER} <= cancelled_by
    assert Order.objects.filter(buyer__isnull=True).exists()  # guests order too
    assert Review.objects.filter(author__email="buyer@hanoi.example").count() >= 3
    demands = BuyerDemand.objects.filter(buyer__email="buyer@hanoi.example", status=DemandStatus.OPEN)
    assert demands.count() == 4 and all(demand.needed_by > today for demand in demands)
    offer = DemandOffer.objects.select_related("demand", "product").get()
    assert offer.demand.title == "Chè Shan Tuyết cho nhà hàng" and offer.product.category == "tea"
    assert InquiryThread.objects.get().messages.count() == 1

    before = _counts()
    again = StringIO()
    call_command("load_market_demo", stdout=again)
    assert _counts() == before
    assert "nothing new" in again.getvalue()
