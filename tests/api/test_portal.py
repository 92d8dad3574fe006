"""The partners' portal, ``/<lang>/partners/``: register, get approved in the Wagtail admin, make a key
that is shown once and works against the API, rotate and revoke it, subscribe to webhooks (secret shown once),
read the delivery log and redeliver. Another user gets 404 for every key, subscription and delivery of
the partner, and nothing changes.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from api.models import (
    ApiKey,
    DeliveryStatus,
    Partner,
    PartnerStatus,
    Scope,
    Subscription,
    Tier,
    UsageDay,
    WebhookDelivery,
)
from api.services import partners as partner_services
from api.services import subscriptions as subscription_services
from core.models import Event
from tests import factories

from .conftest import make_partner

PRODUCTS = "/api/v1/products/"
FULL_KEY = re.compile(r"svp_[a-z0-9]{10}_[A-Za-z0-9_\-]{20,}")
APPLICATION = {
    "organisation": "Tạp chí Du lịch Núi",
    "website": "https://dulichnui.example",
    "contact_name": "Lê Thu Hà",
    "contact_email": "desk@dulichnui.example",
    "intended_use": "Show homestays and village guides of Lào Cai to our readers.",
}


def url(name: str, language: str = "vi", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"partners:{name}", kwargs=kwargs)


def row(instance) -> dict:
    return type(instance).objects.filter(pk=instance.pk).values().get()


def key_client(full_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {full_key}")
    return client


def shown_key(response) -> str:
    found = FULL_KEY.findall(response.content.decode())
    assert len(set(found)) == 1, found
    return found[0]


@pytest.fixture
def owner_client(client, partner):
    """The Django test client logged in as the approved partner's owner."""
    client.force_login(partner.owner)
    return client


@pytest.fixture
def subscription(partner, settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    return subscription_services.create_subscription(
        partner=partner,
        actor=partner.owner,
        endpoint_url="https://hooks.newspaper.example/svp",
        name="Du lịch",
    )


@pytest.fixture
def delivery(subscription):
    """A past event that the receiver refused after three tries."""
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event_name="village.guide.published",
        body={"event": "village.guide.published", "data": {"id": 1}},
        status=DeliveryStatus.FAILED,
        attempt_count=3,
        last_status_code=503,
    )


# --- the landing page and registering -------------------------------------------------------------------


def test_the_landing_page_shows_scopes_tiers_quotas_and_the_documentation(client, site_tree, settings):
    settings.API_TIER_QUOTAS = {
        "free": {"per_minute": 61, "per_day": 901},
        "standard": {"per_minute": 302, "per_day": 902},
        "premium": {"per_minute": 1203, "per_day": 903},
    }

    response = client.get(url("landing", "en"))

    assert response.status_code == 200
    html = response.content.decode()
    for address in ("/api/docs/", "/api/redoc/", "/api/schema/", "/feeds/en/all.atom", url("register", "en")):
        assert f'href="{address}"' in html
    assert "<code>/oembed/?url=…</code>" in html
    for scope in Scope.values:
        assert f"<code>{scope}</code>" in html
    for number in ("61", "901", "302", "902", "1,203", "903"):  # grouped the English way
        assert f"<td>{number}</td>" in html


def test_registering_needs_a_login(client, site_tree):
    response = client.get(url("register"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_user_registers_and_waits_for_approval_with_one_application_at_a_time(client, site_tree):
    user = factories.make_user("ha@dulichnui.example")
    client.force_login(user)
    assert client.get(url("register")).status_code == 200

    response = client.post(url("register"), APPLICATION)

    assert response.status_code == 302 and response["Location"] == url("dashboard")
    partner = Partner.objects.get(owner=user)
    assert (partner.status, partner.organisation, partner.scopes) == (
        PartnerStatus.PENDING,
        APPLICATION["organisation"],
        [],
    )
    assert partner.intended_use == APPLICATION["intended_use"]
    assert Event.objects.for_subject(partner).filter(name="api.partner.registered", actor=user).count() == 1
    dashboard = client.get(url("dashboard", "en"))
    assert dashboard.status_code == 200
    assert "We are reading your application" in dashboard.content.decode()
    assert url("key_new", "en") not in dashboard.content.decode()  # no key before approval
    # a second application is not possible while the first waits
    again = client.post(url("register"), {**APPLICATION, "organisation": "Một tờ báo khác"})
    assert again.status_code == 302 and again["Location"] == url("dashboard")
    assert list(Partner.objects.filter(owner=user)) == [partner]


def test_a_rejected_applicant_reads_why_and_may_apply_again(client, site_tree):
    partner = make_partner("late@example.org", approved=False)
    admin = factories.make_user("admin-late@example.org", superuser=True)
    partner_services.reject_partner(partner=partner, reviewer=admin, reason="Trang web chưa hoạt động.")
    client.force_login(partner.owner)

    dashboard = client.get(url("dashboard"))
    response = client.post(url("register"), APPLICATION)

    assert "“Trang web chưa hoạt động.”" in dashboard.content.decode()
    assert response.status_code == 302
    latest = Partner.objects.filter(owner=partner.owner).order_by("-pk").first()
    assert latest.pk != partner.pk and latest.status == PartnerStatus.PENDING


def test_a_malformed_application_is_refused_with_field_messages_and_nothing_is_written(client, site_tree):
    user = factories.make_user("ha@dulichnui.example")
    client.force_login(user)
    events = Event.objects.count()

    response = client.post(
        url("register", "en"),
        {**APPLICATION, "website": "not a web address", "contact_email": "nobody", "organisation": ""},
    )

    assert response.status_code == 400
    html = response.content.decode()
    for field in ("organisation", "website", "contact_email"):
        assert f'id="id_{field}-error"' in html
    assert 'aria-invalid="true"' in html
    assert (Partner.objects.filter(owner=user).count(), Event.objects.count()) == (0, events)


# --- approval and keys ------------------------------------------------------------------------------------


def test_registered_approved_in_the_admin_then_a_key_is_shown_once_and_works(client, site_tree, tea):
    owner = factories.make_user("ha@dulichnui.example")
    admin = factories.make_user("platform-admin@example.org", superuser=True)
    client.force_login(owner)
    client.post(url("register"), APPLICATION)
    partner = Partner.objects.get(owner=owner)

    client.force_login(admin)
    approved = client.post(
        reverse("partners_admin:action", args=[partner.pk, "approve"]),
        {
            "approve-tier": Tier.STANDARD,
            "approve-scopes": [Scope.MARKET_READ, Scope.WEBHOOKS],
            "approve-licence_terms": "Ghi nguồn và dẫn link.",
        },
    )
    partner.refresh_from_db()
    assert approved.status_code == 302
    assert (partner.status, partner.tier, partner.scopes) == (
        PartnerStatus.APPROVED,
        Tier.STANDARD,
        [Scope.MARKET_READ, Scope.WEBHOOKS],
    )
    assert (partner.licence_terms, partner.reviewed_by) == ("Ghi nguồn và dẫn link.", admin)

    client.force_login(owner)
    created = client.post(url("key_new"), {"name": "website"})

    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    full_key = shown_key(created)
    api_key = ApiKey.objects.get(partner=partner)
    assert (api_key.name, api_key.created_by, api_key.revoked_at) == ("website", owner, None)
    assert full_key.startswith(f"svp_{api_key.prefix}_")
    secret = full_key.split("_", 2)[2]
    assert secret not in str(row(api_key))  # only its hash is kept
    second_view = client.get(url("dashboard"))
    assert api_key.prefix in second_view.content.decode()
    assert full_key not in second_view.content.decode() and secret not in second_view.content.decode()
    answer = key_client(full_key).get(PRODUCTS)
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()["results"]] == [tea.pk]


def test_rotating_a_key_revokes_the_old_one_and_shows_the_new_one_once(owner_client, partner, tea):
    old_key, old_full = partner_services.issue_key(partner=partner, actor=partner.owner, name="app")
    assert key_client(old_full).get(PRODUCTS).status_code == 200

    confirm = owner_client.get(url("key_rotate", key_id=old_key.pk))
    old_key.refresh_from_db()
    assert confirm.status_code == 200 and old_key.revoked_at is None  # asking first changes nothing

    response = owner_client.post(url("key_rotate", key_id=old_key.pk))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new_full = shown_key(response)
    old_key.refresh_from_db()
    new_key = ApiKey.objects.get(partner=partner, revoked_at__isnull=True)
    assert old_key.revoked_at is not None and new_key.name == "app"
    assert new_full.startswith(f"svp_{new_key.prefix}_")
    assert key_client(old_full).get(PRODUCTS).status_code == 401
    assert key_client(new_full).get(PRODUCTS).status_code == 200
    assert new_full not in owner_client.get(url("dashboard")).content.decode()


def test_revoking_a_key_asks_first_then_the_key_is_refused(owner_client, partner, tea):
    api_key, full_key = partner_services.issue_key(partner=partner, actor=partner.owner)

    confirm = owner_client.get(url("key_revoke", key_id=api_key.pk))
    assert confirm.status_code == 200 and row(api_key)["revoked_at"] is None
    response = owner_client.post(url("key_revoke", key_id=api_key.pk))

    assert response.status_code == 302 and response["Location"] == url("dashboard")
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert Event.objects.for_subject(partner).filter(name="api.key.revoked").count() == 1
    refused = key_client(full_key).get(PRODUCTS)
    assert refused.status_code == 401 and refused.json()["error"]["status"] == 401


def test_a_pending_partner_cannot_make_a_key(client, site_tree):
    partner = make_partner("waiting@example.org", approved=False)
    client.force_login(partner.owner)

    response = client.post(url("key_new", "en"), {"name": "early"})

    assert response.status_code == 403
    assert "Keys are issued once the partner has been approved." in response.content.decode()
    assert ApiKey.objects.filter(partner=partner).count() == 0


# --- usage and the exchange log ----------------------------------------------------------------------------


def test_the_usage_page_shows_requests_per_day_and_the_exchange_log(owner_client, partner, api_client, tea):
    api_client.get(PRODUCTS)
    api_client.get(PRODUCTS, {"category": "gold"})

    response = owner_client.get(url("usage", "en"))

    assert response.status_code == 200
    html = response.content.decode()
    today = UsageDay.objects.get(partner=partner)
    assert today.requests == 2
    assert html.count("<code>product.list</code>") == 2
    assert "<td>400</td>" in html and "<td>200</td>" in html
    assert 'role="img"' in html  # the chart, with the table as its words


# --- another user's partner --------------------------------------------------------------------------------


def test_another_user_gets_404_for_the_partner_s_keys_subscriptions_and_deliveries_and_nothing_changes(
    client, partner, subscription, delivery
):
    api_key, _full = partner_services.issue_key(partner=partner, actor=partner.owner)
    other = make_partner("other@example.org")
    client.force_login(other.owner)
    before = (
        row(api_key),
        row(subscription),
        row(delivery),
        WebhookDelivery.objects.count(),
        Event.objects.count(),
    )
    key_addresses = [url("key_rotate", key_id=api_key.pk), url("key_revoke", key_id=api_key.pk)]
    subscription_addresses = [
        url(name, subscription_id=subscription.pk)
        for name in ("subscription_edit", "subscription_secret", "subscription_delete", "deliveries")
    ]
    actions = [
        url("subscription_action", subscription_id=subscription.pk, action=action)
        for action in ("pause", "resume")
    ]
    redeliver = url("redeliver", subscription_id=subscription.pk, delivery_id=delivery.pk)

    for address in key_addresses + subscription_addresses:
        assert client.get(address).status_code == 404, address
    for address in [*key_addresses, *subscription_addresses[:-1], *actions, redeliver]:
        assert client.post(address, {"endpoint_url": "https://evil.example/"}).status_code == 404, address
    # the owner's own delivery through their own subscription's address is the only way in
    other_subscription = subscription_services.create_subscription(
        partner=other, actor=other.owner, endpoint_url="https://hooks.other.example/"
    )
    crossed = url("redeliver", subscription_id=other_subscription.pk, delivery_id=delivery.pk)
    assert client.post(crossed).status_code == 404

    assert (
        row(api_key),
        row(subscription),
        row(delivery),
        WebhookDelivery.objects.count(),
        Event.objects.count() - 1,  # the other partner's own subscription
    ) == before
    dashboard = client.get(url("dashboard")).content.decode()
    assert other.organisation in dashboard and partner.organisation not in dashboard
    assert api_key.prefix not in dashboard


def test_a_user_without_a_partner_is_sent_to_register_and_gets_404_elsewhere(client, partner, subscription):
    client.force_login(factories.make_user("curious@example.org"))

    assert client.get(url("dashboard"))["Location"] == url("register")
    assert client.get(url("subscriptions")).status_code == 404
    assert client.get(url("usage")).status_code == 404
    assert client.get(url("subscription_edit", subscription_id=subscription.pk)).status_code == 404


# --- subscriptions ---------------------------------------------------------------------------------------


def test_a_subscription_is_created_with_filters_and_its_secret_is_shown_once(
    owner_client, partner, site_tree, settings
):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    commune_a = site_tree["a"]["commune"]
    form_page = owner_client.get(url("subscription_new"))
    assert form_page.status_code == 200
    assert f'<option value="{commune_a.pk}">Tả Van</option>' in form_page.content.decode()
    assert f'<option value="{site_tree["province"].pk}">Lào Cai</option>' in form_page.content.decode()

    response = owner_client.post(
        url("subscription_new"),
        {
            "name": "Trang du lịch",
            "endpoint_url": "https://hooks.newspaper.example/svp",
            "communes": [str(commune_a.pk)],
            "content_types": ["guide", "product"],
            "product_categories": ["tea"],
            "guide_topics": ["payments"],
            "languages": ["en"],
            "minimum_ocop_stars": "3",
            "keywords": "chè",
        },
    )

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    subscription = Subscription.objects.get(partner=partner)
    assert subscription.secret.startswith("whsec_") and subscription.secret in response.content.decode()
    assert (subscription.name, subscription.endpoint_url) == (
        "Trang du lịch",
        "https://hooks.newspaper.example/svp",
    )
    assert (subscription.communes, subscription.provinces) == ([commune_a.pk], [])
    assert (subscription.content_types, subscription.categories) == (
        ["guide", "product"],
        ["payments", "tea"],
    )
    assert (subscription.languages, subscription.minimum_ocop_stars, subscription.keywords) == (
        ["en"],
        3,
        "chè",
    )
    for page in (url("subscription_edit", subscription_id=subscription.pk), url("subscriptions")):
        html = owner_client.get(page).content.decode()
        assert subscription.secret not in html
    listed = owner_client.get(url("subscriptions")).content.decode()
    assert "Tả Van" in listed and "https://hooks.newspaper.example/svp" in listed


def test_a_private_endpoint_is_refused_with_the_field_message_and_nothing_is_written(
    owner_client, partner, settings
):
    settings.API_WEBHOOK_ALLOW_PRIVATE = False
    events = Event.objects.count()

    response = owner_client.post(url("subscription_new", "en"), {"endpoint_url": "https://127.0.0.1/hooks"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_endpoint_url-error"' in html
    assert "points to a private or reserved network address (127.0.0.1)" in html
    assert (Subscription.objects.filter(partner=partner).count(), Event.objects.count()) == (0, events)


def test_a_plain_http_endpoint_is_refused_in_production_settings(owner_client, partner, settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = False

    response = owner_client.post(url("subscription_new", "en"), {"endpoint_url": "http://hooks.example.org/"})

    assert response.status_code == 400
    assert "Webhook endpoints must be https:// addresses." in response.content.decode()
    assert Subscription.objects.filter(partner=partner).count() == 0


def test_a_partner_without_the_webhooks_scope_cannot_subscribe(client, site_tree, settings):
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    partner = make_partner("reader@example.org", scopes=[Scope.CONTENT_READ])
    client.force_login(partner.owner)

    page = client.get(url("subscriptions", "en")).content.decode()
    response = client.post(url("subscription_new", "en"), {"endpoint_url": "https://hooks.example.org/"})

    assert "does not have the “webhooks” scope" in page and url("subscription_new", "en") not in page
    assert response.status_code == 403
    assert Subscription.objects.filter(partner=partner).count() == 0


def test_a_subscription_is_edited_paused_resumed_and_its_secret_rotated(
    owner_client, subscription, site_tree
):
    commune_b = site_tree["b"]["commune"]
    edited = owner_client.post(
        url("subscription_edit", subscription_id=subscription.pk),
        {"name": "Bắc Hà", "endpoint_url": subscription.endpoint_url, "communes": [str(commune_b.pk)]},
    )
    subscription.refresh_from_db()
    assert edited.status_code == 302
    assert (subscription.name, subscription.communes) == ("Bắc Hà", [commune_b.pk])

    owner_client.post(url("subscription_action", subscription_id=subscription.pk, action="pause"))
    subscription.refresh_from_db()
    assert subscription.is_active is False
    owner_client.post(url("subscription_action", subscription_id=subscription.pk, action="resume"))
    subscription.refresh_from_db()
    assert subscription.is_active is True

    old_secret = subscription.secret
    assert owner_client.get(url("subscription_secret", subscription_id=subscription.pk)).status_code == 200
    assert row(subscription)["secret"] == old_secret  # asking first changes nothing
    rotated = owner_client.post(url("subscription_secret", subscription_id=subscription.pk))
    subscription.refresh_from_db()
    assert rotated.status_code == 200 and "no-store" in rotated["Cache-Control"]
    assert subscription.secret != old_secret and subscription.secret in rotated.content.decode()
    assert old_secret not in rotated.content.decode()


def test_deleting_a_subscription_asks_first(owner_client, subscription):
    confirm = owner_client.get(url("subscription_delete", subscription_id=subscription.pk))
    assert confirm.status_code == 200 and Subscription.objects.filter(pk=subscription.pk).exists()

    response = owner_client.post(url("subscription_delete", subscription_id=subscription.pk))

    assert response.status_code == 302 and response["Location"] == url("subscriptions")
    assert not Subscription.objects.filter(pk=subscription.pk).exists()


# --- the delivery log and redelivery ----------------------------------------------------------------------


@pytest.fixture
def scheduled(monkeypatch):
    """Stand in for the webhook sender: record what would be sent after commit."""
    sent = []
    monkeypatch.setattr("api.webhooks.schedule_delivery", sent.append)
    return sent


def test_the_delivery_log_shows_each_delivery_and_redelivers_with_the_same_event_id(
    owner_client, subscription, delivery, scheduled
):
    page = owner_client.get(url("deliveries", "en", subscription_id=subscription.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert str(delivery.event_id) in html and "<td>503</td>" in html and "<td>3</td>" in html
    assert "Gave up after retrying" in html
    assert f"The last 50 events sent to {subscription.endpoint_url}." in html

    response = owner_client.post(url("redeliver", subscription_id=subscription.pk, delivery_id=delivery.pk))

    assert response.status_code == 302
    copy = WebhookDelivery.objects.exclude(pk=delivery.pk).get(subscription=subscription)
    assert (copy.event_id, copy.status, copy.body) == (
        delivery.event_id,
        DeliveryStatus.PENDING,
        delivery.body,
    )
    assert scheduled == [copy]
    assert row(delivery)["status"] == DeliveryStatus.FAILED


def test_a_paused_subscription_does_not_redeliver_and_says_why(
    owner_client, subscription, delivery, scheduled
):
    subscription_services.update_subscription(
        subscription=subscription, actor=subscription.partner.owner, is_active=False
    )
    count = WebhookDelivery.objects.count()

    response = owner_client.post(
        url("redeliver", "en", subscription_id=subscription.pk, delivery_id=delivery.pk)
    )

    assert response.status_code == 409
    assert "This subscription is disabled" in response.content.decode()
    assert (WebhookDelivery.objects.count(), scheduled) == (count, [])


def test_the_delivery_log_runs_the_same_queries_for_1_and_many_deliveries(
    owner_client, subscription, delivery
):
    address = url("deliveries", subscription_id=subscription.pk)
    owner_client.get(address)
    with CaptureQueriesContext(connection) as one:
        owner_client.get(address)
    for number in range(10):
        WebhookDelivery.objects.create(
            subscription=subscription, event_name=f"market.product.{number}", body={}
        )
    with CaptureQueriesContext(connection) as many:
        response = owner_client.get(address)
    assert response.content.decode().count("market.product.") == 10
    assert len(many) == len(one)
