"""The order lifecycle: allowed moves only, stock back on cancellation, reviews after delivery."""

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import grant_consent
from core.models import Event
from market import services
from market.exceptions import MarketError, MarketErrorCode
from market.models import Order, OrderStatus, Product
from tests import factories


def _order(buyer, product, quantity=2, payment_method="cod"):
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=product, quantity=quantity)
    checkout = services.place_order(
        cart=cart,
        payment_method=payment_method,
        delivery_methods={product.producer_id: "pickup"},
        buyer=services.Buyer(name="Trần Văn Hùng", phone="0912345678", user=buyer),
    )
    return checkout.orders.get()


def test_a_cash_order_goes_from_accepted_to_completed(tea, buyer):
    order = _order(buyer, tea)
    owner = tea.producer.owner
    order = services.accept_cash_order(order=order, actor=owner)
    assert (order.status, order.hold_expires_at) == (OrderStatus.CONFIRMED, None)
    order = services.ship_order(order=order, actor=owner, tracking_note="Viettel Post 123")
    order = services.mark_delivered(order=order, actor=owner)
    order = services.complete_order(order=order, actor=buyer)
    assert order.status == OrderStatus.COMPLETED
    assert all([order.confirmed_at, order.shipped_at, order.delivered_at, order.completed_at])
    names = list(Event.objects.for_subject(order).order_by("id").values_list("name", flat=True))
    assert names == ["market.order.placed", "market.order.confirmed", "market.order.shipped",
                     "market.order.delivered", "market.order.completed"]  # fmt: skip
    assert Product.objects.get(pk=tea.pk).stock == 18


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], "ship_order"),
        ([], "mark_delivered"),
        (["accept_cash_order"], "accept_cash_order"),
        (["accept_cash_order", "ship_order"], "ship_order"),
    ],
)
def test_illegal_transitions_are_refused_with_nothing_changed(tea, buyer, steps, illegal):
    order = _order(buyer, tea)
    owner = tea.producer.owner
    for step in steps:
        order = getattr(services, step)(order=order, actor=owner)
    before = Order.objects.filter(pk=order.pk).values().get()
    events_before = Event.objects.count()
    with pytest.raises(MarketError) as refused:
        getattr(services, illegal)(order=order, actor=owner)
    assert refused.value.code == MarketErrorCode.ILLEGAL_TRANSITION
    assert Order.objects.filter(pk=order.pk).values().get() == before
    assert Event.objects.count() == events_before


def test_cancelling_gives_the_stock_back_and_a_shipped_order_cannot_be_cancelled_by_the_buyer(tea, buyer):
    order = _order(buyer, tea, quantity=5)
    assert Product.objects.get(pk=tea.pk).stock == 15
    services.cancel_order(order=order, actor=buyer, reason="Đặt nhầm", as_buyer=True)
    order.refresh_from_db()
    assert (order.status, order.cancelled_by) == (OrderStatus.CANCELLED, "buyer")
    assert Product.objects.get(pk=tea.pk).stock == 20
    with pytest.raises(MarketError):
        services.cancel_order(order=order, actor=buyer, reason="again", as_buyer=True)
    assert Product.objects.get(pk=tea.pk).stock == 20

    shipped = services.ship_order(
        order=services.accept_cash_order(order=_order(buyer, tea), actor=tea.producer.owner),
        actor=tea.producer.owner,
    )
    with pytest.raises(MarketError) as refused:
        services.cancel_order(order=shipped, actor=buyer, reason="late", as_buyer=True)
    assert refused.value.code == MarketErrorCode.ILLEGAL_TRANSITION
    assert Order.objects.get(pk=shipped.pk).status == OrderStatus.SHIPPED


def test_nobody_else_can_move_or_cancel_an_order(tea, plums, buyer):
    order = _order(buyer, tea)
    stranger = factories.make_user("stranger@example.org")
    other_producer = plums.producer.owner
    for actor in (stranger, other_producer, buyer):
        with pytest.raises(MarketError) as refused:
            services.accept_cash_order(order=order, actor=actor)
        assert refused.value.code == MarketErrorCode.NOT_ALLOWED
    with pytest.raises(MarketError):
        services.cancel_order(order=order, actor=stranger, reason="x", as_buyer=True)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


def test_assisted_mode_needs_consent_and_records_both_people(site_tree, producer_a, tea, buyer):
    # given a digital team member of the commune
    helper = factories.make_member("team@example.org", site_tree["a"]["commune"], Role.DIGITAL_TEAM)
    order = _order(buyer, tea)
    # without consent they cannot act for the household
    with pytest.raises(MarketError):
        services.accept_cash_order(order=order, actor=helper)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    # with consent they can, and the event says who did it for whom
    grant_consent(household=producer_a.owner, helper=helper, commune=site_tree["a"]["commune"], scope="shop")
    services.accept_cash_order(order=order, actor=helper)
    event = Event.objects.get(name="market.order.confirmed")
    assert (event.actor_id, event.on_behalf_of_id) == (helper.pk, producer_a.owner_id)


def test_a_team_member_of_another_commune_cannot_help_even_with_consent(site_tree, producer_a, tea, buyer):
    helper = factories.make_member("team-b@example.org", site_tree["b"]["commune"], Role.DIGITAL_TEAM)
    grant_consent(household=producer_a.owner, helper=helper, commune=site_tree["a"]["commune"], scope="shop")
    with pytest.raises(MarketError):
        services.accept_cash_order(order=_order(buyer, tea), actor=helper)


def test_only_the_buyer_reviews_and_only_after_delivery(tea, buyer):
    order = _order(buyer, tea)
    owner = tea.producer.owner
    with pytest.raises(MarketError) as early:
        services.review_product(order=order, product_id=tea.pk, author=buyer, rating=5)
    assert early.value.code == MarketErrorCode.REVIEW_NOT_ALLOWED
    order = services.mark_delivered(
        order=services.ship_order(order=services.accept_cash_order(order=order, actor=owner), actor=owner),
        actor=owner,
    )
    with pytest.raises(MarketError):
        services.review_product(order=order, product_id=tea.pk, author=owner, rating=5)
    review = services.review_product(order=order, product_id=tea.pk, author=buyer, rating=4, text="Chè thơm")
    assert (review.rating, review.text) == (4, "Chè thơm")
    with pytest.raises(MarketError) as twice:
        services.review_product(order=order, product_id=tea.pk, author=buyer, rating=1)
    assert twice.value.code == MarketErrorCode.ALREADY_REVIEWED


def test_reliability_counts_what_the_producer_took_on(tea, buyer):
    owner = tea.producer.owner
    delivered = services.accept_cash_order(order=_order(buyer, tea, 1), actor=owner)
    delivered = services.mark_delivered(order=services.ship_order(order=delivered, actor=owner), actor=owner)
    Order.objects.filter(pk=delivered.pk).update(
        confirmed_at=timezone.now() - timezone.timedelta(hours=30),
        shipped_at=timezone.now() - timezone.timedelta(hours=6),
    )
    dropped = services.accept_cash_order(order=_order(buyer, tea, 1), actor=owner)
    services.cancel_order(order=dropped, actor=owner, reason="Hết hàng", as_buyer=False)
    buyer_changed_mind = _order(buyer, tea, 1)
    services.cancel_order(order=buyer_changed_mind, actor=buyer, reason="", as_buyer=True)
    services.review_product(order=delivered, product_id=tea.pk, author=buyer, rating=4)
    figures = services.producer_reliability(tea.producer)
    assert figures == {"fulfilment_rate": 0.5, "orders_fulfilled": 1, "median_hours_to_ship": 24.0,
                       "average_rating": 4.0, "review_count": 1}  # fmt: skip
