"""Buyer demands, offers, accepting an offer into an order, and inquiry threads (market.services.demands)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.models import Event
from market.exceptions import MarketError, MarketErrorCode
from market.models import (
    BuyerDemand,
    Category,
    DemandOffer,
    DemandStatus,
    InquiryMessage,
    InquiryThread,
    OfferStatus,
    Order,
    OrderStatus,
    Product,
    ReviewStatus,
    Unit,
)
from market.services import Buyer, cancel_order, release_expired_holds
from market.services import demands as services
from tests import factories

from .conftest import make_producer, make_product


def _in(days: int):
    return timezone.localdate() + timedelta(days=days)


def _post(buyer, **overrides) -> BuyerDemand:
    fields = {
        "buyer": buyer,
        "title": "Chè Shan Tuyết cho quán trà",
        "quantity": 10,
        "unit": Unit.KILOGRAM,
        "needed_by": _in(30),
        "delivery_province": "Hà Nội",
        "category": Category.TEA,
        "keywords": "shan tuyết, chè xanh",
        "max_unit_price": 400_000,
    }
    fields.update(overrides)
    return services.post_demand(**fields)


def _buyer_details(**overrides) -> Buyer:
    details = {"name": "Trần Văn Hùng", "phone": "0912345678", "address": "12 Hàng Bạc", "province": "Hà Nội"}
    details.update(overrides)
    return Buyer(**details)


def _accept(offer, actor, **overrides):
    """Accept ``offer`` as ``actor`` with the usual buyer details, cash on delivery, picked up."""
    arguments = {"buyer": _buyer_details(), "payment_method": "cod", "delivery_method": "pickup"}
    arguments.update(overrides)
    return services.accept_offer(offer=offer, actor=actor, **arguments)


# --- posting demands -------------------------------------------------------------------------------------


def test_a_buyer_posts_a_demand_and_an_event_is_recorded(buyer):
    demand = _post(buyer, required_certifications=["vietgap", "vietgap"], minimum_ocop_stars=3)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.OPEN
    assert demand.required_certifications == ["vietgap"]
    assert demand.minimum_ocop_stars == 3
    assert demand.folded_text == "che shan tuyet cho quan tra shan tuyet, che xanh"
    event = Event.objects.get(name="market.demand.posted")
    assert event.subject_id == str(demand.pk)
    assert event.actor_id == buyer.pk
    assert event.payload["quantity"] == 10 and event.payload["unit"] == "kg"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unit": "tonne"}, "unit"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -5}, "quantity"),
        ({"quantity": 2.5}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"needed_by": timezone.localdate() - timedelta(days=1)}, "needed_by"),
        ({"needed_by": "2030-01-01"}, "needed_by"),
        ({"max_unit_price": 0}, "max_unit_price"),
        ({"max_unit_price": -1}, "max_unit_price"),
        ({"required_certifications": ["fairtrade"]}, "required_certifications"),
        ({"required_certifications": "vietgap"}, "required_certifications"),
        ({"minimum_ocop_stars": 0}, "minimum_ocop_stars"),
        ({"minimum_ocop_stars": 6}, "minimum_ocop_stars"),
        ({"delivery_province": "Hà Tây"}, "delivery_province"),
        ({"category": "cars"}, "category"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 141}, "title"),
        ({"keywords": "k" * 301}, "keywords"),
        ({"delivery_latitude": 95, "delivery_longitude": 105}, "delivery_latitude"),
        ({"delivery_latitude": 21.0}, "delivery_longitude"),
    ],
)
def test_bad_demand_input_is_refused_field_by_field_and_nothing_is_written(buyer, overrides, field):
    with pytest.raises(ValidationError) as refusal:
        _post(buyer, **overrides)
    assert field in refusal.value.message_dict
    assert BuyerDemand.objects.count() == 0
    assert not Event.objects.filter(name__startswith="market.demand").exists()


def test_several_bad_fields_are_reported_together(buyer):
    with pytest.raises(ValidationError) as refusal:
        _post(buyer, quantity=0, unit="tonne", max_unit_price=0)
    assert set(refusal.value.message_dict) == {"quantity", "unit", "max_unit_price"}


def test_a_guest_cannot_post_a_demand(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(MarketError) as refusal:
        _post(AnonymousUser())
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    assert BuyerDemand.objects.count() == 0


def test_only_the_buyer_updates_or_closes_a_demand(buyer, owner_a):
    demand = _post(buyer)
    with pytest.raises(MarketError) as refusal:
        services.update_demand(demand=demand, actor=owner_a, quantity=20)
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    with pytest.raises(MarketError):
        services.close_demand(demand=demand, actor=owner_a)
    demand.refresh_from_db()
    assert (demand.quantity, demand.status) == (10, DemandStatus.OPEN)

    updated = services.update_demand(demand=demand, actor=buyer, quantity=20, keywords="chè búp")
    assert (updated.quantity, updated.folded_text) == (20, "che shan tuyet cho quan tra che bup")
    event = Event.objects.get(name="market.demand.updated")
    assert event.payload["fields"] == ["keywords", "quantity"]
    closed = services.close_demand(demand=demand, actor=buyer)
    assert closed.status == DemandStatus.CLOSED and closed.closed_at is not None
    with pytest.raises(MarketError) as refusal:
        services.update_demand(demand=demand, actor=buyer, quantity=30)
    assert refusal.value.code == MarketErrorCode.DEMAND_NOT_OPEN


def test_an_update_with_a_bad_value_changes_nothing(buyer):
    demand = _post(buyer)
    with pytest.raises(ValidationError) as refusal:
        services.update_demand(demand=demand, actor=buyer, quantity=0, title="Mật ong")
    assert set(refusal.value.message_dict) == {"quantity"}
    demand.refresh_from_db()
    assert (demand.quantity, demand.title) == (10, "Chè Shan Tuyết cho quan trà".replace("quan", "quán"))


def test_a_new_province_without_a_new_point_forgets_the_old_point(buyer):
    demand = _post(buyer, delivery_latitude=21.03, delivery_longitude=105.85)  # a shop in Hà Nội

    same = services.update_demand(demand=demand, actor=buyer, delivery_province="Hà Nội", quantity=12)
    kept = (float(same.delivery_latitude), float(same.delivery_longitude))
    moved = services.update_demand(demand=demand, actor=buyer, delivery_province="Đà Nẵng")
    pointed = services.update_demand(
        demand=demand,
        actor=buyer,
        delivery_province="Hải Phòng",
        delivery_latitude=20.85,
        delivery_longitude=106.7,
    )

    assert kept == (21.03, 105.85)
    assert (moved.delivery_latitude, moved.delivery_longitude) == (None, None)
    fields = Event.objects.filter(name="market.demand.updated").order_by("pk")[1].payload["fields"]
    assert fields == ["delivery_latitude", "delivery_longitude", "delivery_province"]
    assert (float(pointed.delivery_latitude), float(pointed.delivery_longitude)) == (20.85, 106.7)


# --- offers ----------------------------------------------------------------------------------------------


def test_a_producer_offers_one_of_its_listed_products(buyer, tea, owner_a):
    demand = _post(buyer)
    offer = services.make_offer(
        demand=demand, product=tea, actor=owner_a, quantity=10, unit_price=330_000, available_on=_in(5)
    )
    assert (offer.status, offer.producer_id, offer.total) == (OfferStatus.OPEN, tea.producer_id, 3_300_000)
    event = Event.objects.get(name="market.offer.made")
    assert event.payload == {
        "demand": str(demand.public_id),
        "product": tea.pk,
        "quantity": 10,
        "unit_price": 330_000,
    }


def test_an_offer_in_grams_answers_a_demand_in_kilograms(buyer, producer_a, owner_a):
    packs = make_product(producer_a, "Chè túi lọc", unit=Unit.GRAM, price=900)
    demand = _post(buyer)
    offer = services.make_offer(
        demand=demand, product=packs, actor=owner_a, quantity=10_000, unit_price=850, available_on=_in(3)
    )
    assert offer.quantity == 10_000


def _offer_refusal(demand, product, actor, **overrides):
    fields = {"quantity": 10, "unit_price": 330_000, "available_on": _in(5)}
    fields.update(overrides)
    return services.make_offer(demand=demand, product=product, actor=actor, **fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"unit_price": 0}, "unit_price"),
        ({"available_on": timezone.localdate() - timedelta(days=1)}, "available_on"),
        ({"available_on": timezone.localdate() + timedelta(days=400)}, "available_on"),
    ],
)
def test_bad_offer_input_is_refused_and_nothing_is_written(buyer, tea, owner_a, overrides, field):
    demand = _post(buyer)
    with pytest.raises(ValidationError) as refusal:
        _offer_refusal(demand, tea, owner_a, **overrides)
    assert field in refusal.value.message_dict
    assert DemandOffer.objects.count() == 0


def test_a_product_sold_by_the_piece_cannot_answer_a_demand_in_kilograms(buyer, producer_a, owner_a):
    scarves = make_product(producer_a, "Khăn thổ cẩm", unit=Unit.PIECE, category=Category.TEXTILES)
    demand = _post(buyer)
    with pytest.raises(MarketError) as refusal:
        _offer_refusal(demand, scarves, owner_a)
    assert (refusal.value.code, refusal.value.field) == (MarketErrorCode.INCOMPATIBLE_UNIT, "product")
    assert DemandOffer.objects.count() == 0


def test_offers_are_refused_for_other_shops_unlisted_products_and_closed_demands(
    buyer, tea, plums, owner_a, producer_a
):
    demand = _post(buyer)
    # someone else's product
    with pytest.raises(MarketError) as refusal:
        _offer_refusal(demand, plums, owner_a)
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    # a product waiting for approval
    pending = make_product(producer_a, "Chè mới")
    Product.objects.filter(pk=pending.pk).update(review_status=ReviewStatus.PENDING)
    pending.refresh_from_db()
    with pytest.raises(MarketError) as refusal:
        _offer_refusal(demand, pending, owner_a)
    assert refusal.value.code == MarketErrorCode.PRODUCT_UNAVAILABLE
    # a closed demand
    services.close_demand(demand=demand, actor=buyer)
    with pytest.raises(MarketError) as refusal:
        _offer_refusal(demand, tea, owner_a)
    assert refusal.value.code == MarketErrorCode.DEMAND_NOT_OPEN
    assert DemandOffer.objects.count() == 0


def test_a_producer_cannot_answer_its_own_demand(tea, owner_a):
    demand = _post(owner_a)
    with pytest.raises(MarketError) as refusal:
        _offer_refusal(demand, tea, owner_a)
    assert refusal.value.code == MarketErrorCode.OWN_DEMAND
    assert DemandOffer.objects.count() == 0


def test_one_open_offer_per_product_until_withdrawn(buyer, tea, owner_a):
    demand = _post(buyer)
    first = _offer_refusal(demand, tea, owner_a)
    with pytest.raises(ValidationError) as refusal:
        _offer_refusal(demand, tea, owner_a, unit_price=300_000)
    assert "product" in refusal.value.message_dict
    assert DemandOffer.objects.count() == 1
    services.withdraw_offer(offer=first, actor=owner_a)
    second = _offer_refusal(demand, tea, owner_a, unit_price=300_000)
    assert DemandOffer.objects.get(pk=first.pk).status == OfferStatus.WITHDRAWN
    assert second.status == OfferStatus.OPEN
    with pytest.raises(MarketError) as refusal:
        services.withdraw_offer(offer=first, actor=owner_a)
    assert refusal.value.code == MarketErrorCode.OFFER_NOT_OPEN


def test_only_the_demands_buyer_declines_and_only_the_producer_withdraws(buyer, tea, owner_a, owner_b):
    demand = _post(buyer)
    offer = _offer_refusal(demand, tea, owner_a)
    with pytest.raises(MarketError) as refusal:
        services.decline_offer(offer=offer, actor=owner_b)
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    with pytest.raises(MarketError) as refusal:
        services.withdraw_offer(offer=offer, actor=buyer)
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    assert DemandOffer.objects.get(pk=offer.pk).status == OfferStatus.OPEN
    services.decline_offer(offer=offer, actor=buyer)
    assert DemandOffer.objects.get(pk=offer.pk).status == OfferStatus.DECLINED


# --- accepting an offer ------------------------------------------------------------------------------------


def test_accepting_an_offer_places_an_order_at_the_offer_price_and_fulfils_the_demand(
    buyer, tea, plums, owner_a, producer_b
):
    demand = _post(buyer, category="", unit=Unit.KILOGRAM)
    chosen = _offer_refusal(demand, tea, owner_a, quantity=8, unit_price=330_000)
    other = services.make_offer(
        demand=demand,
        product=plums,
        actor=producer_b.owner,
        quantity=10,
        unit_price=40_000,
        available_on=_in(2),
    )
    order = services.accept_offer(
        offer=chosen, actor=buyer, buyer=_buyer_details(), payment_method="cod", delivery_method="delivery"
    )
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert (order.subtotal, order.delivery_fee, order.total) == (2_640_000, 30_000, 2_670_000)
    line = order.lines.get()
    assert (line.product_id, line.unit_price, line.quantity, line.unit) == (tea.pk, 330_000, 8, "kg")
    assert order.checkout.delivery_province == "Hà Nội" and order.buyer_id == buyer.pk
    assert Product.objects.get(pk=tea.pk).stock == 20 - 8
    chosen.refresh_from_db()
    other.refresh_from_db()
    demand.refresh_from_db()
    assert (chosen.status, chosen.order_id) == (OfferStatus.ACCEPTED, order.pk)
    assert other.status == OfferStatus.DECLINED
    assert demand.status == DemandStatus.FULFILLED
    names = list(Event.objects.order_by("pk").values_list("name", flat=True))
    assert names[-4:] == [
        "market.order.placed",
        "market.offer.accepted",
        "market.offer.declined",
        "market.demand.fulfilled",
    ]


def test_accept_refusals_change_nothing(buyer, tea, owner_a, owner_b):
    demand = _post(buyer)
    offer = _offer_refusal(demand, tea, owner_a, quantity=25)  # more than the 20 in stock
    before = Event.objects.count()
    # not the demand's buyer
    with pytest.raises(MarketError) as refusal:
        _accept(offer, owner_b)
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    # not enough stock
    with pytest.raises(MarketError) as refusal:
        _accept(offer, buyer)
    assert refusal.value.code == MarketErrorCode.OUT_OF_STOCK
    # bad buyer details (after the checks that pass)
    Product.objects.filter(pk=tea.pk).update(stock=100)
    with pytest.raises(ValidationError) as refusal:
        services.accept_offer(
            offer=offer,
            actor=buyer,
            buyer=_buyer_details(phone="12"),
            payment_method="cod",
            delivery_method="pickup",
        )
    assert "buyer_phone" in refusal.value.message_dict
    # no delivery to the south
    with pytest.raises(MarketError) as refusal:
        services.accept_offer(
            offer=offer,
            actor=buyer,
            buyer=_buyer_details(province="Cần Thơ"),
            payment_method="cod",
            delivery_method="delivery",
        )
    assert refusal.value.code == MarketErrorCode.NO_DELIVERY_TO_ZONE
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=tea.pk).stock == 100
    assert DemandOffer.objects.get(pk=offer.pk).status == OfferStatus.OPEN
    assert BuyerDemand.objects.get(pk=demand.pk).status == DemandStatus.OPEN
    assert Event.objects.count() == before


def test_a_decided_offer_cannot_be_accepted(buyer, tea, owner_a):
    demand = _post(buyer)
    offer = _offer_refusal(demand, tea, owner_a)
    services.withdraw_offer(offer=offer, actor=owner_a)
    with pytest.raises(MarketError) as refusal:
        _accept(offer, buyer)
    assert refusal.value.code == MarketErrorCode.OFFER_NOT_OPEN
    assert Order.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_on_one_demand_make_one_order(postgres):
    # given a demand with two open offers from two producers
    tree = factories.load_site() or factories.build_site()
    buyer = factories.make_user("race-buyer@example.org", phone="0912345678")
    offers = []
    for number in range(2):
        owner = factories.make_user(f"race-owner-{number}@example.org")
        producer = make_producer(owner, tree["a"]["commune"], f"Hợp tác xã đua {number}")
        product = make_product(producer, f"Chè đua {number}", stock=50)
        offers.append((product, owner))
    demand = _post(buyer)
    offers = [_offer_refusal(demand, product, owner) for product, owner in offers]
    barrier = threading.Barrier(2)
    orders, refusals, crashes = [], [], []

    def accept(offer):
        try:
            barrier.wait(timeout=30)
            orders.append(
                services.accept_offer(
                    offer=offer,
                    actor=buyer,
                    buyer=_buyer_details(),
                    payment_method="cod",
                    delivery_method="pickup",
                )
            )
        except MarketError as error:
            refusals.append(error.code)
        except BaseException as error:  # noqa: BLE001 - a crash must fail the test, not vanish in a thread
            crashes.append(error)
        finally:
            connection.close()

    # when the buyer accepts both at once
    threads = [threading.Thread(target=accept, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then one order is placed, the other accept is refused, the demand is fulfilled once
    assert crashes == []
    assert len(orders) == 1
    assert refusals in ([MarketErrorCode.OFFER_NOT_OPEN], [MarketErrorCode.DEMAND_NOT_OPEN])
    assert Order.objects.count() == 1
    assert BuyerDemand.objects.get(pk=demand.pk).status == DemandStatus.FULFILLED
    statuses = sorted(DemandOffer.objects.values_list("status", flat=True))
    assert statuses == [OfferStatus.ACCEPTED, OfferStatus.DECLINED]


# --- inquiries ---------------------------------------------------------------------------------------------


def test_a_buyer_and_a_producer_talk_in_one_thread_without_contact_details(buyer, tea, producer_a, owner_a):
    thread = services.open_inquiry(buyer=buyer, producer=producer_a, product=tea, body="  Còn hàng không?  ")
    again = services.open_inquiry(buyer=buyer, producer=producer_a, product=tea, body="Cho tôi 5 kg.")
    assert again.pk == thread.pk
    assert thread.subject == "Chè Shan Tuyết"
    reply = services.post_message(thread=thread, author=owner_a, body="Còn 20 kg ạ.")
    assert list(thread.messages.values_list("body", flat=True)) == [
        "Còn hàng không?",
        "Cho tôi 5 kg.",
        "Còn 20 kg ạ.",
    ]
    thread.refresh_from_db()
    assert thread.producer_read_at == reply.created_at
    assert thread.last_message_at == reply.created_at
    assert services.thread_role(thread, buyer) == "buyer"
    assert services.thread_role(thread, owner_a) == "producer"
    names = list(
        Event.objects.filter(name__startswith="market.inquiry").order_by("pk").values_list("name", "payload")
    )
    assert [name for name, _payload in names] == [
        "market.inquiry.opened",
        "market.inquiry.message_posted",
        "market.inquiry.message_posted",
    ]
    # the audit trail never carries the message text or anyone's contact details
    for _name, payload in names:
        assert set(payload) == {"public_id", "author_role"}


def test_outsiders_cannot_read_or_write_a_thread(buyer, tea, producer_a, owner_b):
    thread = services.open_inquiry(buyer=buyer, producer=producer_a, product=tea, body="Xin chào")
    assert services.thread_role(thread, owner_b) is None
    with pytest.raises(MarketError) as refusal:
        services.post_message(thread=thread, author=owner_b, body="Tôi bán rẻ hơn")
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    with pytest.raises(MarketError):
        services.mark_read(thread=thread, reader=owner_b)
    assert InquiryMessage.objects.count() == 1


def test_inquiry_refusals(buyer, tea, plums, producer_a, owner_a):
    other_buyer = factories.make_user("other@example.org")
    demand = _post(buyer)
    # an empty or too long message
    for body in ("   ", "x" * 2001):
        with pytest.raises(ValidationError) as refusal:
            services.open_inquiry(buyer=buyer, producer=producer_a, product=tea, body=body)
        assert "body" in refusal.value.message_dict
    # about someone else's demand
    with pytest.raises(MarketError) as refusal:
        services.open_inquiry(buyer=other_buyer, producer=producer_a, demand=demand, body="Hi")
    assert refusal.value.code == MarketErrorCode.NOT_ALLOWED
    # about a product of another producer
    with pytest.raises(MarketError) as refusal:
        services.open_inquiry(buyer=buyer, producer=producer_a, product=plums, body="Hi")
    assert refusal.value.code == MarketErrorCode.PRODUCT_UNAVAILABLE
    # to one's own shop
    with pytest.raises(MarketError) as refusal:
        services.open_inquiry(buyer=owner_a, producer=producer_a, product=tea, body="Hi")
    assert refusal.value.code == MarketErrorCode.OWN_DEMAND
    assert InquiryThread.objects.count() == 0
    assert InquiryMessage.objects.count() == 0


def test_mark_read_sets_only_the_readers_side(buyer, producer_a, owner_a):
    demand = _post(buyer)
    thread = services.open_inquiry(buyer=buyer, producer=producer_a, demand=demand, body="Anh có chè không?")
    assert thread.subject == demand.title
    assert thread.producer_read_at is None
    services.mark_read(thread=thread, reader=owner_a)
    thread.refresh_from_db()
    assert thread.producer_read_at is not None
    assert thread.buyer_read_at <= thread.producer_read_at


# --- a cancelled order re-opens its demand; demands past their date expire --------------------------------


def _three_offers(buyer, tea, owner_a, producer_b):
    """A demand with the offer the buyer will accept, one the acceptance will decline and one the buyer
    declined earlier by hand."""
    demand = _post(buyer, category="", unit=Unit.KILOGRAM)
    chosen = _offer_refusal(demand, tea, owner_a, quantity=8, unit_price=330_000)
    plums = make_product(producer_b, "Mận Bắc Hà", price=45_000, stock=100, category=Category.FRUIT)
    dried = make_product(producer_b, "Mận sấy", price=90_000, stock=100, category=Category.FRUIT)
    other = _offer_refusal(demand, plums, producer_b.owner, unit_price=40_000)
    turned_down = _offer_refusal(demand, dried, producer_b.owner, unit_price=80_000)
    services.decline_offer(offer=turned_down, actor=buyer)
    return demand, chosen, other, turned_down


def test_an_unpaid_order_from_an_offer_reopens_its_demand_and_the_offers_accepting_declined(
    buyer, tea, owner_a, producer_b
):
    demand, chosen, other, turned_down = _three_offers(buyer, tea, owner_a, producer_b)
    turned_down_at = DemandOffer.objects.get(pk=turned_down.pk).decided_at
    order = services.accept_offer(
        offer=chosen, actor=buyer, buyer=_buyer_details(), payment_method="vietqr", delivery_method="pickup"
    )
    assert BuyerDemand.objects.get(pk=demand.pk).status == DemandStatus.FULFILLED
    assert DemandOffer.objects.get(pk=other.pk).status == OfferStatus.DECLINED
    before = Event.objects.order_by("-pk").first().pk
    # when the buyer never pays and the hold runs out
    assert release_expired_holds(now=timezone.now() + timedelta(hours=3)) == 1
    # then the order is cancelled, the stock is back and the demand is open again
    order.refresh_from_db()
    assert (order.status, order.cancelled_by) == (OrderStatus.CANCELLED, "system")
    assert Product.objects.get(pk=tea.pk).stock == 20
    demand.refresh_from_db()
    assert (demand.status, demand.closed_at) == (DemandStatus.OPEN, None)
    # the accepted offer was turned down after all and still shows its cancelled order
    chosen.refresh_from_db()
    assert (chosen.status, chosen.order_id) == (OfferStatus.DECLINED, order.pk)
    # the offer the acceptance declined is open again; the one the buyer declined by hand is not
    other.refresh_from_db()
    assert (other.status, other.decided_at) == (OfferStatus.OPEN, None)
    turned_down.refresh_from_db()
    assert (turned_down.status, turned_down.decided_at) == (OfferStatus.DECLINED, turned_down_at)
    events = list(Event.objects.filter(pk__gt=before).order_by("pk").values_list("name", "subject_id"))
    assert events == [
        ("market.order.cancelled", str(order.pk)),
        ("market.offer.declined", str(chosen.pk)),
        ("market.offer.reopened", str(other.pk)),
        ("market.demand.reopened", str(demand.pk)),
    ]
    declined = Event.objects.get(pk__gt=before, name="market.offer.declined")
    assert declined.payload["reason"] == "order_cancelled"
    reopened = Event.objects.get(name="market.demand.reopened")
    assert reopened.payload == {
        "public_id": str(demand.public_id),
        "order": order.reference,
        "offers_reopened": 1,
    }
    assert reopened.actor_id is None
    # and the buyer can accept the other offer now
    second = _accept(other, buyer)
    assert BuyerDemand.objects.get(pk=demand.pk).status == DemandStatus.FULFILLED
    assert DemandOffer.objects.get(pk=other.pk).order_id == second.pk
    # a second run of the expiry finds nothing more to undo
    assert release_expired_holds(now=timezone.now() + timedelta(hours=3)) == 0


@pytest.mark.parametrize(
    ("as_buyer", "status"), [(True, OfferStatus.DECLINED), (False, OfferStatus.WITHDRAWN)]
)
def test_cancelling_the_order_reopens_the_demand_and_ends_the_offer_by_who_cancelled(
    buyer, tea, owner_a, producer_b, as_buyer, status
):
    demand, chosen, other, _turned_down = _three_offers(buyer, tea, owner_a, producer_b)
    order = _accept(chosen, buyer)
    cancel_order(order=order, actor=buyer if as_buyer else owner_a, reason="changed plans", as_buyer=as_buyer)
    chosen.refresh_from_db()
    assert (chosen.status, chosen.order_id) == (status, order.pk)
    assert DemandOffer.objects.get(pk=other.pk).status == OfferStatus.OPEN
    assert BuyerDemand.objects.get(pk=demand.pk).status == DemandStatus.OPEN
    event_name = "market.offer.declined" if as_buyer else "market.offer.withdrawn"
    assert Event.objects.filter(name=event_name, subject_id=str(chosen.pk)).count() == 1
    assert Event.objects.filter(name="market.demand.reopened", subject_id=str(demand.pk)).count() == 1


def test_a_cancelled_order_after_the_needed_by_date_expires_the_demand(buyer, tea, owner_a, producer_b):
    demand, chosen, other, _turned_down = _three_offers(buyer, tea, owner_a, producer_b)
    order = _accept(chosen, buyer)
    BuyerDemand.objects.filter(pk=demand.pk).update(needed_by=_in(-1))
    cancel_order(order=order, actor=buyer, reason="too late", as_buyer=True)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.EXPIRED and demand.closed_at is not None
    assert DemandOffer.objects.get(pk=chosen.pk).status == OfferStatus.DECLINED
    assert DemandOffer.objects.get(pk=other.pk).status == OfferStatus.DECLINED
    assert Event.objects.filter(name="market.demand.expired", subject_id=str(demand.pk)).count() == 1
    assert not Event.objects.filter(name__in=["market.demand.reopened", "market.offer.reopened"]).exists()


def test_a_cancelled_order_that_came_from_no_offer_touches_no_demand(buyer, tea, owner_a, producer_b):
    demand, chosen, *_ = _three_offers(buyer, tea, owner_a, producer_b)
    order = _accept(chosen, buyer)
    DemandOffer.objects.filter(pk=chosen.pk).update(order=None)  # as if bought from the catalogue
    cancel_order(order=order, actor=buyer, reason="changed plans", as_buyer=True)
    assert BuyerDemand.objects.get(pk=demand.pk).status == DemandStatus.FULFILLED
    assert DemandOffer.objects.get(pk=chosen.pk).status == OfferStatus.ACCEPTED
    assert not Event.objects.filter(name__startswith="market.demand.re").exists()


def test_open_demands_past_their_date_expire_and_their_open_offers_are_declined(buyer, tea, owner_a):
    late = _post(buyer)
    offer = _offer_refusal(late, tea, owner_a, available_on=_in(0))
    current = _post(buyer, title="Chè xanh")
    closed = _post(buyer, title="Chè đen")
    services.close_demand(demand=closed, actor=buyer)
    BuyerDemand.objects.filter(pk__in=[late.pk, closed.pk]).update(needed_by=_in(-1))
    BuyerDemand.objects.filter(pk=current.pk).update(needed_by=_in(0))  # due today: still open
    assert services.expire_demands() == 1
    late.refresh_from_db()
    assert late.status == DemandStatus.EXPIRED and late.closed_at is not None
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED and offer.decided_at is not None
    declined = Event.objects.get(name="market.offer.declined", subject_id=str(offer.pk))
    assert declined.payload["reason"] == "demand_expired"
    expired = Event.objects.get(name="market.demand.expired")
    assert (expired.subject_id, expired.payload) == (str(late.pk), {"public_id": str(late.public_id)})
    assert BuyerDemand.objects.get(pk=current.pk).status == DemandStatus.OPEN
    assert BuyerDemand.objects.get(pk=closed.pk).status == DemandStatus.CLOSED
    # the next run finds nothing to do
    assert services.expire_demands() == 0
    assert Event.objects.filter(name="market.demand.expired").count() == 1


def test_expiring_demands_is_an_hourly_periodic_job(db):
    from core.registries import periodic_jobs
    from market.tasks import expire_demands_task

    job = periodic_jobs.get("market.expire-demands")
    assert (job.task, job.every_seconds) == (expire_demands_task, 3600)


def test_a_demand_past_its_date_takes_no_offer_and_accepts_none(buyer, tea, plums, owner_a, producer_b):
    demand = _post(buyer, category="")
    offer = _offer_refusal(demand, tea, owner_a, available_on=_in(0))
    BuyerDemand.objects.filter(pk=demand.pk).update(needed_by=_in(-1))  # the expiry job has not run yet
    demand.refresh_from_db()
    before = Event.objects.count()
    with pytest.raises(MarketError) as refusal:
        _accept(offer, buyer)
    assert refusal.value.code == MarketErrorCode.DEMAND_NOT_OPEN
    with pytest.raises(MarketError) as refusal:
        services.make_offer(
            demand=demand,
            product=plums,
            actor=producer_b.owner,
            quantity=10,
            unit_price=40_000,
            available_on=_in(-1) + timedelta(days=1),
        )
    assert refusal.value.code == MarketErrorCode.DEMAND_NOT_OPEN
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=tea.pk).stock == 20
    assert list(DemandOffer.objects.values_list("pk", "status")) == [(offer.pk, OfferStatus.OPEN)]
    assert BuyerDemand.objects.get(pk=demand.pk).status == DemandStatus.OPEN
    assert Event.objects.count() == before
