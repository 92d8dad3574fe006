"""Partner webhooks end to end: outbox rows written with the change, sent after commit to a real HTTP
receiver on 127.0.0.1 that checks every signature, retried, refused, disabled and redelivered."""

import hashlib
import hmac
import http.server
import ipaddress
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import Role
from api import webhooks
from api.models import DeliveryAttempt, DeliveryStatus, PartnerStatus, Subscription, WebhookDelivery
from api.services import subscriptions as subscription_services
from core.models import Event
from core.registries import periodic_jobs
from market import services as market_services
from market.services.shop import set_ocop_rating, update_product
from tests import factories
from tests.api.conftest import client_with_key, make_partner
from tests.tourism.conftest import book, days_from_today, make_host, make_stay

_REAL_GETADDRINFO = socket.getaddrinfo


# --- a real receiver ---------------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        return self.headers["Svp-Event-Id"]


@dataclass
class Receiver:
    """Answers each POST with the next scripted status (then ``default``), optionally after a pause."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    default: int = 200
    pauses: list[float] = field(default_factory=list)
    redirect_to: str = "/elsewhere"
    answered: list[int] = field(default_factory=list)

    def next_answer(self) -> tuple[int, float]:
        status = self.statuses.pop(0) if self.statuses else self.default
        pause = self.pauses.pop(0) if self.pauses else 0.0
        return status, pause

    def delivered_event_ids(self) -> list[str]:
        return [
            request.event_id
            for request, status in zip(self.requests, self.answered, strict=True)
            if 200 <= status < 300
        ]


def signature_is_valid(secret: str, request: Received) -> bool:
    """How a partner checks us (written here independently of api/webhooks.py)."""
    parts = dict(part.split("=", 1) for part in request.headers["Svp-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(int(parts["t"]) - time.time()) < 24 * 3600 * 2


@pytest.fixture
def receiver(settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Received(path=self.path, headers=dict(self.headers), body=body))
            status, pause = state.next_answer()
            if pause:
                time.sleep(pause)
            state.answered.append(status)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", state.redirect_to)
            answer = f"answer {status}".encode()
            self.send_header("Content-Length", str(len(answer)))
            try:
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender timed out and hung up first (the timeout test)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def subscribe(partner, url: str, **filters) -> Subscription:
    return subscription_services.create_subscription(
        partner=partner, actor=partner.owner, endpoint_url=url, **filters
    )


def run_due_job(capture) -> None:
    """What ``manage.py run_periodic`` does every minute, with the tasks run at once."""
    with capture(execute=True):
        periodic_jobs.get("api.send_due_webhooks").task.enqueue()


def change_price(product, price: int, capture) -> None:
    with capture(execute=True):
        update_product(product=product, actor=product.producer.owner, price=price)


# --- the outbox and the signature ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_product_update_sends_one_signed_webhook_to_the_matching_subscription_only(
    partner, tea, site_tree, receiver, django_capture_on_commit_callbacks
):
    commune_a, commune_b = site_tree["a"]["commune"].pk, site_tree["b"]["commune"].pk
    wanted = subscribe(
        partner, f"{receiver.url}/tea", communes=[commune_a], content_types=["product"], keywords="che shan"
    )
    subscribe(partner, f"{receiver.url}/other-commune", communes=[commune_b])
    subscribe(partner, f"{receiver.url}/guides-only", content_types=["guide"])
    subscribe(partner, f"{receiver.url}/honey", keywords="mat ong")

    change_price(tea, 360_000, django_capture_on_commit_callbacks)

    assert [request.path for request in receiver.requests] == ["/tea"]
    request = receiver.requests[0]
    assert signature_is_valid(wanted.secret, request)
    assert not signature_is_valid(Subscription.objects.exclude(pk=wanted.pk).first().secret, request)
    body = request.json
    assert set(body) == {"id", "type", "created", "data"}
    assert body["type"] == "product.updated" == request.headers["Svp-Event-Type"]
    assert body["id"] == request.event_id
    data = body["data"]
    assert (data["kind"], data["id"], data["price"], data["currency"]) == ("product", tea.pk, 360_000, "VND")
    assert data["title"] == {"vi": "Chè Shan Tuyết", "en": None}
    assert data["commune"] == {"id": commune_a, "title": "Tả Van"}
    assert data["province"]["id"] == site_tree["province"].pk
    assert data["url"] == f"http://testserver/vi/market/p/{tea.slug}/"
    assert data["licence"]["name"] == "CC BY 4.0" and "Tả Van" in data["attribution"]
    assert data["changes"] == {"fields": ["price"]}
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("SmartVillagePlatform-Webhooks/")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.subscription_id, delivery.status, delivery.attempt_count) == (
        wanted.pk,
        DeliveryStatus.DELIVERED,
        1,
    )
    assert str(delivery.event_id) == body["id"]
    attempt = delivery.attempts.get()
    assert (attempt.status_code, attempt.error, attempt.response_excerpt) == (200, "", "answer 200")


@pytest.mark.django_db
def test_the_outbox_row_is_written_with_the_change_and_sent_only_after_the_commit(
    partner, tea, receiver, django_capture_on_commit_callbacks
):
    subscribe(partner, f"{receiver.url}/all")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update_product(product=tea, actor=tea.producer.owner, price=360_000)
    written, sent_before_commit = WebhookDelivery.objects.count(), len(receiver.requests)
    for callback in callbacks:
        callback()

    assert (written, sent_before_commit) == (1, 0)
    assert len(receiver.requests) == 1 and WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


@pytest.mark.django_db
def test_a_change_that_rolls_back_leaves_no_outbox_row_and_sends_nothing(
    partner, tea, receiver, django_capture_on_commit_callbacks
):
    subscribe(partner, f"{receiver.url}/all")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        update_product(product=tea, actor=tea.producer.owner, price=360_000)
        raise RuntimeError("the rest of the change failed")

    assert WebhookDelivery.objects.count() == 0 and receiver.requests == []
    tea.refresh_from_db()
    assert tea.price == 350_000


@pytest.mark.django_db
def test_the_fan_out_runs_the_same_queries_for_one_and_for_forty_subscriptions(partner, tea, site_tree):
    def subscriptions(count: int):
        Subscription.objects.bulk_create(
            Subscription(partner=partner, endpoint_url=f"https://hooks.example/{number}", secret="whsec_x")
            for number in range(count)
        )

    subscriptions(1)
    update_product(product=tea, actor=tea.producer.owner, price=350_500)  # warm the caches
    with CaptureQueriesContext(connection) as one:
        update_product(product=tea, actor=tea.producer.owner, price=360_000)
    subscriptions(39)
    with CaptureQueriesContext(connection) as forty:
        update_product(product=tea, actor=tea.producer.owner, price=370_000)

    assert WebhookDelivery.objects.filter(body__data__price=370_000).count() == 40
    assert len(forty) == len(one)


@pytest.mark.django_db
def test_a_suspended_partner_or_a_paused_subscription_gets_nothing(
    partner, tea, receiver, django_capture_on_commit_callbacks
):
    paused = subscribe(partner, f"{receiver.url}/paused")
    subscription_services.update_subscription(subscription=paused, actor=None, is_active=False)
    other = make_partner("desk@magazine.example")
    subscribe(other, f"{receiver.url}/suspended")
    other.__class__.objects.filter(pk=other.pk).update(status=PartnerStatus.SUSPENDED)

    change_price(tea, 360_000, django_capture_on_commit_callbacks)

    assert WebhookDelivery.objects.count() == 0 and receiver.requests == []


@pytest.mark.django_db
def test_a_guide_published_again_is_guide_updated_in_its_language(
    partner, site_tree, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(partner, f"{receiver.url}/guides", content_types=["guide"], languages=["en"])
    guide_en = site_tree["a"]["guide"].get_translation(site_tree["en"])

    with django_capture_on_commit_callbacks(execute=True):
        factories.publish(site_tree["a"]["guide"])  # Vietnamese: not this subscription's language
        factories.publish(guide_en)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert signature_is_valid(subscription.secret, request)
    body = request.json
    assert body["type"] == "guide.updated"
    data = body["data"]
    assert (data["kind"], data["id"], data["language"]) == ("guide", guide_en.pk, "en")
    assert data["title"] == {
        "vi": "Kích hoạt định danh điện tử mức 2",
        "en": "Kích hoạt định danh điện tử mức 2 EN",
    }
    assert data["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van EN"}
    assert data["category"] == "identity"
    assert data["url"].startswith("http://testserver/en/")


@pytest.mark.django_db
def test_an_approved_listing_sent_back_to_moderation_is_unpublished_but_a_never_published_one_is_not(
    partner, producer_a, site_tree, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(partner, f"{receiver.url}/products", content_types=["product"])
    moderator = factories.make_member(
        "moderator-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR
    )
    owner = producer_a.owner
    honey = market_services.create_product(
        producer=producer_a, actor=owner, name_vi="Mật ong bạc hà", price=300_000, stock=10, category="honey"
    )
    never_approved = market_services.create_product(
        producer=producer_a, actor=owner, name_vi="Chè xanh", price=90_000, stock=10, category="tea"
    )

    with django_capture_on_commit_callbacks(execute=True):
        market_services.review_listing(product=honey, moderator=moderator, approve=True)
        update_product(product=honey, actor=owner, name_vi="Mật ong hoa bạc hà")  # back to the moderator
        update_product(product=honey, actor=owner, price=310_000)  # not public now: nothing
        market_services.review_listing(
            product=never_approved, moderator=moderator, approve=False, reason="Thiếu ảnh"
        )

    assert [(request.json["type"], request.json["data"]["id"]) for request in receiver.requests] == [
        ("product.published", honey.pk),
        ("product.unpublished", honey.pk),
    ]
    assert all(signature_is_valid(subscription.secret, request) for request in receiver.requests)


@pytest.mark.django_db
def test_a_deleted_listing_is_unpublished_and_a_restored_one_published_again(
    partner, tea, site_tree, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(partner, f"{receiver.url}/products", content_types=["product"])
    moderator = factories.make_member(
        "moderator-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR
    )
    owner = tea.producer.owner
    draft = market_services.create_product(
        producer=tea.producer, actor=owner, name_vi="Chè xanh", price=90_000, stock=10, category="tea"
    )

    with django_capture_on_commit_callbacks(execute=True):
        market_services.delete_product(product=tea, actor=owner)
        market_services.delete_product(product=draft, actor=owner)  # never public: nothing to take down
        market_services.restore_product(product=tea, actor=moderator)

    assert [(request.json["type"], request.json["data"]["id"]) for request in receiver.requests] == [
        ("product.unpublished", tea.pk),
        ("product.published", tea.pk),
    ]
    assert all(signature_is_valid(subscription.secret, request) for request in receiver.requests)


@pytest.mark.django_db
def test_an_ocop_rating_lets_a_product_through_a_minimum_stars_filter(
    partner, tea, receiver, django_capture_on_commit_callbacks
):
    subscribe(partner, f"{receiver.url}/ocop4", minimum_ocop_stars=4)
    subscribe(partner, f"{receiver.url}/ocop5", minimum_ocop_stars=5)

    with django_capture_on_commit_callbacks(execute=True):
        set_ocop_rating(
            product=tea, actor=tea.producer.owner, stars=4, certificate_number="OCOP-LC-001",
            issued_on=timezone.localdate() - timedelta(days=30), issuing_province="Lào Cai",
        )  # fmt: skip

    assert [request.path for request in receiver.requests] == ["/ocop4"]
    assert receiver.requests[0].json["data"]["ocop_stars"] == 4


@pytest.fixture
def room(site_tree):
    owner = factories.make_member("pao@example.org", site_tree["a"]["commune"], Role.HOST)
    host = make_host(owner, site_tree["a"]["commune"], "Homestay Sùng A Páo")
    return make_stay(host, "Homestay Sùng A Páo").units.order_by("id").first()


@pytest.mark.django_db
def test_a_booking_makes_stay_availability_changed_without_saying_who_booked(
    partner, room, receiver, django_capture_on_commit_callbacks
):
    subscribe(partner, f"{receiver.url}/stays", content_types=["stay"])
    check_in = days_from_today(10)

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(room, check_in=check_in, nights=2)

    assert len(receiver.requests) == 1
    body = receiver.requests[0].json
    assert body["type"] == "stay.availability_changed"
    assert body["data"]["id"] == room.service_id
    assert body["data"]["changes"] == {
        "dates": {"from": check_in.isoformat(), "until": (check_in + timedelta(days=2)).isoformat()}
    }
    raw = receiver.requests[0].body.decode()
    for private in (booking.guest_name, booking.guest_email, booking.guest_phone, booking.reference):
        assert private not in raw


@pytest.mark.django_db
def test_a_deleted_stay_is_unpublished_and_a_restored_one_published_again(
    partner, room, site_tree, receiver, django_capture_on_commit_callbacks
):
    from tourism.services.deletion import delete_service, restore_service

    subscribe(partner, f"{receiver.url}/stays", content_types=["stay"])
    moderator = factories.make_member(
        "moderator-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR
    )
    stay = room.service

    with django_capture_on_commit_callbacks(execute=True):
        delete_service(service=stay, actor=stay.host.owner)
        restore_service(service=stay, actor=moderator)

    assert [(request.json["type"], request.json["data"]["id"]) for request in receiver.requests] == [
        ("stay.unpublished", stay.pk),
        ("stay.published", stay.pk),
    ]


@pytest.mark.django_db
def test_checkouts_announce_only_a_sell_out_and_the_way_back(
    partner, tea, producer_a, buyer, receiver, django_capture_on_commit_callbacks
):
    subscribe(partner, f"{receiver.url}/stock", content_types=["product"])
    details = market_services.Buyer(
        name="Trần Văn Hùng", phone="0912 345 678", email="hung@example.org",
        address="12 Hàng Bạc, Hoàn Kiếm", province="Hà Nội", user=buyer,
    )  # fmt: skip

    def order(quantity: int, placed_at) -> None:
        cart = market_services.cart_for(user=buyer)
        market_services.add_to_cart(cart=cart, product=tea, quantity=quantity)
        with django_capture_on_commit_callbacks(execute=True):
            market_services.place_order(
                cart=cart, buyer=details, payment_method="vietqr",
                delivery_methods={producer_a.pk: "pickup"}, now=placed_at,
            )  # fmt: skip

    order(5, timezone.now())
    after_a_partial_order = len(receiver.requests)
    order(15, timezone.now() - timedelta(minutes=31))  # the last units, on a hold that has run out
    with django_capture_on_commit_callbacks(execute=True):
        market_services.release_expired_holds()

    assert after_a_partial_order == 0
    bodies = [request.json for request in receiver.requests]
    assert [(body["type"], body["data"]["changes"], body["data"]["stock"]) for body in bodies] == [
        ("product.availability_changed", {"in_stock": False}, 0),
        ("product.availability_changed", {"in_stock": True}, 15),
    ]
    raw = b"".join(request.body for request in receiver.requests).decode()
    assert all(private not in raw for private in ("Hùng", "0912 345 678", "hung@example.org", "Hàng Bạc"))


# --- retries ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_receiver_gets_every_event_once_it_recovers_with_the_same_event_ids(
    partner, tea, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(partner, f"{receiver.url}/hook")
    receiver.statuses = [500, 503, 500]

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        change_price(tea, 360_000, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            update_product(product=tea, actor=tea.producer.owner, stock=5)
        waiting = list(WebhookDelivery.objects.values_list("status", "attempt_count"))
        for _minute in range(10):
            traveller.shift(timedelta(minutes=3))
            run_due_job(django_capture_on_commit_callbacks)

    assert waiting == [(DeliveryStatus.PENDING, 1), (DeliveryStatus.PENDING, 1)]
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [delivery.event_name for delivery in deliveries] == [
        "product.updated",
        "product.availability_changed",
    ]
    assert [delivery.status for delivery in deliveries] == [DeliveryStatus.DELIVERED] * 2
    event_ids = [str(delivery.event_id) for delivery in deliveries]
    assert sorted(receiver.delivered_event_ids()) == sorted(event_ids)  # each delivered exactly once
    assert {request.event_id for request in receiver.requests} == set(event_ids)  # retries kept the id
    assert all(signature_is_valid(subscription.secret, request) for request in receiver.requests)
    assert len(receiver.requests) == 5
    attempts = DeliveryAttempt.objects.filter(delivery__in=deliveries)
    assert sorted(attempts.values_list("status_code", flat=True)) == [200, 200, 500, 500, 503]
    assert sum(delivery.attempt_count for delivery in deliveries) == 5


@pytest.mark.django_db
def test_retries_back_off_and_give_up_after_the_retry_window(
    partner, tea, receiver, settings, django_capture_on_commit_callbacks
):
    settings.API_WEBHOOK_RETRY_HOURS = 1
    subscribe(partner, f"{receiver.url}/down")
    receiver.default = 502

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        change_price(tea, 360_000, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        first_delay = delivery.next_attempt_at - timezone.now()
        for _step in range(40):
            traveller.shift(timedelta(minutes=5))
            run_due_job(django_capture_on_commit_callbacks)

    delivery.refresh_from_db()
    assert timedelta(seconds=24) <= first_delay <= timedelta(seconds=36)
    assert delivery.status == DeliveryStatus.FAILED
    times = list(delivery.attempts.order_by("attempted_at").values_list("attempted_at", flat=True))
    assert times[-1] - times[0] <= timedelta(hours=1)
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps == sorted(gaps)  # never sooner than the previous gap
    assert len(receiver.requests) == delivery.attempt_count == len(times) >= 5


@pytest.mark.django_db
def test_a_timeout_is_retried(partner, tea, receiver, settings, django_capture_on_commit_callbacks):
    settings.API_WEBHOOK_TIMEOUT_SECONDS = 0.3
    subscribe(partner, f"{receiver.url}/slow")
    receiver.pauses = [1.5]

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        change_price(tea, 360_000, django_capture_on_commit_callbacks)
        after_timeout = WebhookDelivery.objects.values("status", "last_status_code", "last_error").get()
        traveller.shift(timedelta(minutes=2))
        run_due_job(django_capture_on_commit_callbacks)

    assert after_timeout["status"] == DeliveryStatus.PENDING and after_timeout["last_status_code"] is None
    assert "did not answer" in after_timeout["last_error"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempt_count == 2
    assert len({request.event_id for request in receiver.requests}) == 1


@pytest.mark.django_db
def test_a_due_retry_is_leased_to_one_sender_only(partner, tea, receiver, django_capture_on_commit_callbacks):
    subscribe(partner, f"{receiver.url}/once")
    receiver.statuses = [500]

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        change_price(tea, 360_000, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        traveller.shift(timedelta(minutes=5))
        with django_capture_on_commit_callbacks(execute=False) as queued_task:
            queued = webhooks.enqueue_due_deliveries()
        queued_again = webhooks.enqueue_due_deliveries()  # a second scheduler at the same moment
        sent_by_a_stray_worker = webhooks.deliver(delivery.pk)  # a task from before, without the lease
        for callback in queued_task:
            callback()

    assert (queued, queued_again, sent_by_a_stray_worker) == (1, 0, None)
    assert receiver.answered == [500, 200]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == (DeliveryStatus.DELIVERED, 2)


# --- refusals --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_410_disables_the_subscription_and_cancels_what_waits_for_it(
    partner, tea, receiver, django_capture_on_commit_callbacks
):
    gone = subscribe(partner, f"{receiver.url}/gone")
    receiver.statuses = [500, 500]

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        change_price(tea, 360_000, django_capture_on_commit_callbacks)
        change_price(tea, 370_000, django_capture_on_commit_callbacks)
        receiver.default = 410
        traveller.shift(timedelta(minutes=5))
        run_due_job(django_capture_on_commit_callbacks)
        traveller.shift(timedelta(hours=2))
        run_due_job(django_capture_on_commit_callbacks)
        change_price(tea, 380_000, django_capture_on_commit_callbacks)

    gone.refresh_from_db()
    assert gone.is_active is False and gone.disabled_at is not None and "410" in gone.disabled_reason
    statuses = sorted(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == [DeliveryStatus.CANCELLED, DeliveryStatus.REFUSED]
    assert receiver.answered == [500, 500, 410]
    assert Event.objects.filter(name="api.subscription.disabled", subject_id=str(partner.pk)).count() == 1


@pytest.mark.django_db
def test_a_400_is_refused_and_never_retried(partner, tea, receiver, django_capture_on_commit_callbacks):
    subscribe(partner, f"{receiver.url}/strict")
    receiver.default = 400

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        change_price(tea, 360_000, django_capture_on_commit_callbacks)
        traveller.shift(timedelta(hours=3))
        run_due_job(django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == (
        DeliveryStatus.REFUSED,
        1,
        400,
    )
    assert len(receiver.requests) == 1
    assert Subscription.objects.get().is_active is True


@pytest.mark.django_db
def test_a_redirect_is_not_followed(partner, tea, receiver, django_capture_on_commit_callbacks):
    subscribe(partner, f"{receiver.url}/moved")
    receiver.default = 302

    change_price(tea, 360_000, django_capture_on_commit_callbacks)

    assert [request.path for request in receiver.requests] == ["/moved"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.REFUSED and "redirect" in delivery.last_error


@pytest.fixture
def fake_dns(monkeypatch):
    table = {"hooks.partner.example": "10.0.0.5"}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            address = table[host]
            family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]
        return _REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["https://hooks.partner.example/in", "https://127.0.0.1:9/in"])
def test_private_addresses_are_refused_in_production_without_connecting(
    partner, tea, settings, fake_dns, monkeypatch, endpoint, django_capture_on_commit_callbacks
):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True  # registered while allowed (development)…
    subscribe(partner, endpoint)
    settings.API_WEBHOOK_ALLOW_PRIVATE = False  # …and sent under production rules
    connections = []
    monkeypatch.setattr("requests.post", lambda *args, **kwargs: connections.append(args))

    with translation.override("en"):
        change_price(tea, 360_000, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert connections == []
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None
    assert "private or reserved" in delivery.attempts.get().error


# --- redelivery ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_redelivery_keeps_the_event_id(api_client, tea, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(api_client.partner, f"{receiver.url}/again")
    change_price(tea, 360_000, django_capture_on_commit_callbacks)
    original = WebhookDelivery.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/partner/deliveries/{original.pk}/redeliver/")

    assert response.status_code == 202
    copy = WebhookDelivery.objects.exclude(pk=original.pk).get()
    assert response.json()["id"] == copy.pk and response.json()["event_id"] == str(original.event_id)
    assert copy.status == DeliveryStatus.DELIVERED and copy.body == original.body
    first, second = receiver.requests
    assert first.event_id == second.event_id == str(original.event_id)
    assert first.headers["Svp-Delivery-Id"] != second.headers["Svp-Delivery-Id"]
    assert first.body == second.body
    assert signature_is_valid(subscription.secret, second)


@pytest.mark.django_db
def test_a_partner_cannot_see_or_redeliver_another_partners_delivery(
    api_client, tea, receiver, django_capture_on_commit_callbacks
):
    other = make_partner("desk@magazine.example")
    subscribe(other, f"{receiver.url}/theirs")
    change_price(tea, 360_000, django_capture_on_commit_callbacks)
    theirs = WebhookDelivery.objects.get()

    seen = api_client.get(f"/api/v1/partner/deliveries/{theirs.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        redelivered = api_client.post(f"/api/v1/partner/deliveries/{theirs.pk}/redeliver/")
    listed = api_client.get("/api/v1/partner/deliveries/")

    assert seen.status_code == redelivered.status_code == 404
    assert listed.json()["results"] == []
    assert WebhookDelivery.objects.count() == 1 and len(receiver.requests) == 1
    assert client_with_key(other).get(f"/api/v1/partner/deliveries/{theirs.pk}/").status_code == 200
