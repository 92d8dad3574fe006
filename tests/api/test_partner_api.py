"""The partner's self-service API: its account, usage, exchange log, subscriptions and deliveries."""

import hashlib
import socket
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import (
    DeliveryAttempt,
    DeliveryStatus,
    ExchangeRecord,
    LinkClickDay,
    Scope,
    Subscription,
    UsageDay,
    WebhookDelivery,
)
from api.services import subscriptions as subscription_services
from api.views.links import count_click
from core.models import Event
from tests import factories
from tests.api.conftest import client_with_key, make_partner

#: partners' endpoints in these tests resolve to a public address (no DNS query leaves the machine)
PUBLIC_HOSTS = {"hooks.newspaper.example": "93.184.215.14", "hooks.example": "93.184.215.15"}
_REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        if host in PUBLIC_HOSTS:
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (PUBLIC_HOSTS[host], port))]
        return _REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def error_of(response) -> dict:
    return response.json()["error"]


def make_subscription(partner, **filters) -> Subscription:
    return subscription_services.create_subscription(
        partner=partner, actor=partner.owner, endpoint_url="https://hooks.newspaper.example/in", **filters
    )


def make_delivery(subscription, *, status=DeliveryStatus.DELIVERED, attempts=()) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_name="product.updated",
        body={
            "id": "x",
            "type": "product.updated",
            "created": "2025-01-01T00:00:00+00:00",
            "data": {"id": 1},
        },
        status=status,
        attempt_count=len(attempts),
    )
    for status_code in attempts:
        DeliveryAttempt.objects.create(delivery=delivery, status_code=status_code, duration_ms=12)
    return delivery


# --- the account -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partner_reads_its_account_without_any_secret(api_client, settings):
    response = api_client.get("/api/v1/partner/")

    assert response.status_code == 200
    data = response.json()
    assert data["organisation"] == api_client.partner.organisation
    assert (data["status"], data["tier"]) == ("approved", "standard")
    assert Scope.WEBHOOKS.value in data["scopes"]
    assert data["quota"] == settings.API_TIER_QUOTAS["standard"]
    assert data["licence_terms"] == "Attribution required."
    assert [key["prefix"] for key in data["keys"]] == [api_client.full_key.split("_")[1]]
    assert api_client.full_key.split("_", 2)[2] not in response.content.decode()
    assert "ETag" not in response


@pytest.mark.django_db
def test_the_partner_pages_need_a_partner_key(api_client, user_client):
    person = user_client(factories.make_user("reader@example.org"))

    refused = person.get("/api/v1/partner/?lang=en")
    anonymous = api_client.__class__().get("/api/v1/partner/subscriptions/")

    assert refused.status_code == 403 and "partner" in error_of(refused)["message"]
    assert anonymous.status_code == 401


# --- usage and the exchange log --------------------------------------------------------------------------


@pytest.mark.django_db
def test_usage_counts_requests_and_link_clicks_per_day(api_client):
    for _request in range(3):
        api_client.get("/api/v1/products/")
    count_click(partner_id=api_client.partner.pk, path="/vi/market/p/che/")
    count_click(partner_id=api_client.partner.pk, path="/vi/market/p/mat-ong/")
    yesterday = timezone.now().date() - timedelta(days=1)
    UsageDay.objects.create(partner=api_client.partner, day=yesterday, requests=40, throttled=2)

    response = api_client.get("/api/v1/partner/usage/", {"days": 7})

    assert response.status_code == 200
    data = response.json()
    assert len(data["days"]) == 7
    today, before = data["days"][0], data["days"][1]
    assert today == {
        "day": timezone.now().date().isoformat(),
        "requests": 3,
        "throttled": 0,
        "link_clicks": 2,
    }
    assert before == {"day": yesterday.isoformat(), "requests": 40, "throttled": 2, "link_clicks": 0}
    assert data["totals"] == {"requests": 43, "throttled": 2, "link_clicks": 2}
    assert UsageDay.objects.get(partner=api_client.partner, day=timezone.now().date()).requests == 4


@pytest.mark.django_db
@pytest.mark.parametrize("days", ["0", "400", "many"])
def test_a_bad_usage_period_is_400(api_client, days):
    response = api_client.get("/api/v1/partner/usage/", {"days": days})

    assert response.status_code == 400 and list(error_of(response)["fields"]) == ["days"]


@pytest.mark.django_db
def test_each_request_is_in_the_exchange_log_with_its_status_and_digest(api_client, tea):
    listed = api_client.get("/api/v1/products/", {"category": "tea"})
    missing = api_client.get("/api/v1/products/999999/")
    other = client_with_key(make_partner("desk@magazine.example"))
    other.get("/api/v1/products/")

    response = api_client.get("/api/v1/partner/exchange-log/")

    records = response.json()["results"]
    assert [(record["operation"], record["status"]) for record in records] == [
        ("product.retrieve", 404),
        ("product.list", 200),
    ]
    first = records[1]
    assert first["method"] == "GET" and first["path"] == "/api/v1/products/"
    assert first["parameters"] == {"category": "tea"}
    assert first["response_digest"] == hashlib.sha256(listed.content).hexdigest()
    assert records[0]["response_digest"] == hashlib.sha256(missing.content).hexdigest()
    assert first["key_prefix"] == api_client.full_key.split("_")[1]


@pytest.mark.django_db
def test_the_exchange_log_filters_by_status_operation_and_time(api_client, tea):
    api_client.get("/api/v1/products/")
    api_client.get("/api/v1/products/999999/")
    ExchangeRecord.objects.create(
        partner=api_client.partner, method="GET", operation="product.list", path="/api/v1/products/",
        status=200, created_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip

    not_found = api_client.get("/api/v1/partner/exchange-log/", {"status": 404})
    lists = api_client.get("/api/v1/partner/exchange-log/", {"operation": "product.list"})
    recent = api_client.get(
        "/api/v1/partner/exchange-log/", {"since": (timezone.now() - timedelta(days=1)).isoformat()}
    )
    bad = api_client.get("/api/v1/partner/exchange-log/", {"status": "teapot", "since": "yesterday"})

    assert [record["status"] for record in not_found.json()["results"]] == [404]
    assert len(lists.json()["results"]) == 2
    assert len(recent.json()["results"]) == 4  # two products, 404, the two log reads before it
    assert bad.status_code == 400 and set(error_of(bad)["fields"]) == {"status", "since"}


@pytest.mark.django_db
def test_a_request_over_quota_is_429_logged_and_counted_as_throttled(api_client, settings):
    settings.API_TIER_QUOTAS = {**settings.API_TIER_QUOTAS, "standard": {"per_minute": 2, "per_day": 100}}

    statuses = [api_client.get("/api/v1/products/").status_code for _request in range(3)]

    assert statuses == [200, 200, 429]
    usage = UsageDay.objects.get(partner=api_client.partner)
    assert (usage.requests, usage.throttled) == (3, 1)
    assert list(
        ExchangeRecord.objects.filter(partner=api_client.partner).values_list("status", flat=True)
    ) == [
        429,
        200,
        200,
    ]


@pytest.mark.django_db
def test_the_exchange_log_runs_the_same_queries_for_1_and_50_records(api_client):
    api_client.get("/api/v1/partner/exchange-log/?limit=50")
    with CaptureQueriesContext(connection) as one:
        api_client.get("/api/v1/partner/exchange-log/?limit=50")
    ExchangeRecord.objects.bulk_create(
        ExchangeRecord(partner=api_client.partner, method="GET", operation="x", path="/api/v1/x/", status=200)
        for _record in range(60)
    )
    with CaptureQueriesContext(connection) as fifty:
        response = api_client.get("/api/v1/partner/exchange-log/?limit=50")

    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(one)


# --- subscriptions ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partner_subscribes_and_sees_the_secret_only_once(api_client, site_tree):
    commune = site_tree["a"]["commune"].pk

    created = api_client.post(
        "/api/v1/partner/subscriptions/",
        {
            "name": "Tea desk",
            "endpoint_url": "https://hooks.newspaper.example/in",
            "communes": [commune],
            "content_types": ["product", "guide"],
            "categories": ["tea"],
            "languages": ["vi"],
            "minimum_ocop_stars": 3,
            "keywords": "shan tuyet",
        },
        format="json",
    )

    assert created.status_code == 201
    data = created.json()
    subscription = Subscription.objects.get(partner=api_client.partner)
    assert data["secret"] == subscription.secret and data["secret"].startswith("whsec_")
    assert data["id"] == subscription.pk and data["communes"] == [commune]
    assert (subscription.content_types, subscription.minimum_ocop_stars) == (["guide", "product"], 3)
    listed = api_client.get("/api/v1/partner/subscriptions/")
    detail = api_client.get(f"/api/v1/partner/subscriptions/{subscription.pk}/")
    assert [item["id"] for item in listed.json()["results"]] == [subscription.pk]
    assert "secret" not in listed.json()["results"][0] and "secret" not in detail.json()
    assert subscription.secret not in listed.content.decode() + detail.content.decode()


@pytest.mark.django_db
def test_bad_subscriptions_are_400_with_field_messages_and_nothing_is_made(api_client, settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = False

    shapes = api_client.post(
        "/api/v1/partner/subscriptions/",
        {
            "endpoint_url": "not an address",
            "communes": [999999],
            "content_types": ["gossip"],
            "categories": ["gold"],
            "languages": ["fr"],
            "minimum_ocop_stars": 6,
        },
        format="json",
    )
    plain_http = api_client.post(
        "/api/v1/partner/subscriptions/", {"endpoint_url": "http://hooks.newspaper.example/in"}, format="json"
    )
    loopback = api_client.post(
        "/api/v1/partner/subscriptions/", {"endpoint_url": "https://127.0.0.1/in"}, format="json"
    )

    assert shapes.status_code == 400
    assert set(error_of(shapes)["fields"]) == {
        "endpoint_url", "communes", "content_types.0", "categories.0", "languages.0", "minimum_ocop_stars",
    }  # fmt: skip
    for response in (plain_http, loopback):
        assert response.status_code == 400
        assert error_of(response)["code"] == "endpoint_refused"
        assert list(error_of(response)["fields"]) == ["endpoint_url"]
    assert Subscription.objects.count() == 0


@pytest.mark.django_db
def test_a_partner_changes_pauses_and_rotates_its_subscription(api_client, site_tree):
    subscription = make_subscription(api_client.partner, languages=["vi"])
    old_secret = subscription.secret

    changed = api_client.patch(
        f"/api/v1/partner/subscriptions/{subscription.pk}/",
        {"provinces": [site_tree["province"].pk], "keywords": "mật ong", "is_active": False},
        format="json",
    )
    rotated = api_client.post(f"/api/v1/partner/subscriptions/{subscription.pk}/rotate-secret/")

    assert changed.status_code == 200
    assert changed.json()["provinces"] == [site_tree["province"].pk] and changed.json()["languages"] == ["vi"]
    assert changed.json()["is_active"] is False and changed.json()["disabled_reason"]
    assert "secret" not in changed.json()
    subscription.refresh_from_db()
    assert rotated.status_code == 200
    assert rotated.json()["secret"] == subscription.secret != old_secret
    assert (subscription.keywords, subscription.is_active) == ("mật ong", False)


@pytest.mark.django_db
def test_a_partner_deletes_its_subscription(api_client):
    subscription = make_subscription(api_client.partner)

    response = api_client.delete(f"/api/v1/partner/subscriptions/{subscription.pk}/")

    assert response.status_code == 204
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


@pytest.mark.django_db
def test_another_partners_subscription_is_404_and_stays_as_it_was(api_client):
    theirs = make_subscription(make_partner("desk@magazine.example"), keywords="che")
    before = Subscription.objects.filter(pk=theirs.pk).values().get()
    address = f"/api/v1/partner/subscriptions/{theirs.pk}/"

    responses = [
        api_client.get(address),
        api_client.patch(address, {"keywords": "hijacked"}, format="json"),
        api_client.post(f"{address}rotate-secret/"),
        api_client.delete(address),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert Subscription.objects.filter(pk=theirs.pk).values().get() == before
    assert api_client.get("/api/v1/partner/subscriptions/").json()["results"] == []


@pytest.mark.django_db
def test_subscriptions_need_the_webhooks_scope(client_for):
    reader = client_for(scopes=[Scope.CONTENT_READ.value])

    listed = reader.get("/api/v1/partner/subscriptions/")
    created = reader.post(
        "/api/v1/partner/subscriptions/", {"endpoint_url": "https://hooks.example/in"}, format="json"
    )
    account = reader.get("/api/v1/partner/")

    assert listed.status_code == created.status_code == 403
    assert error_of(created)["code"] == "missing_scope"
    assert Subscription.objects.count() == 0
    assert account.status_code == 200


@pytest.mark.django_db
def test_the_subscription_list_runs_the_same_queries_for_1_and_20(api_client):
    make_subscription(api_client.partner)
    api_client.get("/api/v1/partner/subscriptions/?limit=50")
    with CaptureQueriesContext(connection) as one:
        api_client.get("/api/v1/partner/subscriptions/?limit=50")
    for _number in range(19):
        make_subscription(api_client.partner)
    with CaptureQueriesContext(connection) as twenty:
        response = api_client.get("/api/v1/partner/subscriptions/?limit=50")

    assert len(response.json()["results"]) == 20
    assert len(twenty) == len(one)


# --- deliveries ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_delivery_log_lists_filters_and_shows_attempts(api_client):
    first = make_subscription(api_client.partner)
    second = make_subscription(api_client.partner)
    delivered = make_delivery(first, attempts=[500, 200])
    waiting = make_delivery(second, status=DeliveryStatus.PENDING, attempts=[503])
    theirs = make_delivery(make_subscription(make_partner("desk@magazine.example")))

    everything = api_client.get("/api/v1/partner/deliveries/")
    of_second = api_client.get("/api/v1/partner/deliveries/", {"subscription": second.pk})
    pending = api_client.get("/api/v1/partner/deliveries/", {"status": "pending"})
    detail = api_client.get(f"/api/v1/partner/deliveries/{delivered.pk}/")
    bad = api_client.get(
        "/api/v1/partner/deliveries/", {"subscription": theirs.subscription_id, "status": "lost"}
    )

    assert [item["id"] for item in everything.json()["results"]] == [waiting.pk, delivered.pk]
    assert [item["id"] for item in of_second.json()["results"]] == [waiting.pk]
    assert [item["id"] for item in pending.json()["results"]] == [waiting.pk]
    assert pending.json()["results"][0]["next_attempt_at"] is not None
    item = detail.json()
    assert (item["type"], item["status"], item["subscription"]) == ("product.updated", "delivered", first.pk)
    assert item["event_id"] == str(delivered.event_id) and item["next_attempt_at"] is None
    assert item["body"]["data"] == {"id": 1}
    assert sorted(attempt["status_code"] for attempt in item["attempts"]) == [200, 500]
    assert bad.status_code == 400 and set(error_of(bad)["fields"]) == {"subscription", "status"}


@pytest.mark.django_db
def test_a_disabled_subscription_cannot_redeliver(api_client):
    subscription = make_subscription(api_client.partner)
    delivery = make_delivery(subscription, status=DeliveryStatus.REFUSED, attempts=[410])
    Subscription.objects.filter(pk=subscription.pk).update(is_active=False, disabled_reason="410 Gone")

    events_before = Event.objects.count()

    response = api_client.post(f"/api/v1/partner/deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 409 and error_of(response)["code"] == "subscription_disabled"
    assert WebhookDelivery.objects.count() == 1
    assert Event.objects.count() == events_before


@pytest.mark.django_db
def test_the_delivery_list_runs_the_same_queries_for_1_and_50(api_client):
    subscription = make_subscription(api_client.partner)
    make_delivery(subscription, attempts=[200])
    api_client.get("/api/v1/partner/deliveries/?limit=50")
    with CaptureQueriesContext(connection) as one:
        api_client.get("/api/v1/partner/deliveries/?limit=50")
    for _number in range(49):
        make_delivery(subscription, attempts=[200])
    with CaptureQueriesContext(connection) as fifty:
        response = api_client.get("/api/v1/partner/deliveries/?limit=50")

    assert len(response.json()["results"]) == 50
    assert len(fifty) == len(one)


@pytest.mark.django_db
def test_link_clicks_of_other_partners_are_not_counted(api_client):
    other = make_partner("desk@magazine.example")
    count_click(partner_id=other.pk, path="/vi/")

    response = api_client.get("/api/v1/partner/usage/", {"days": 1})

    assert response.json()["totals"]["link_clicks"] == 0
    assert LinkClickDay.objects.get().partner == other
