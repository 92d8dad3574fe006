"""The platform admin's "Partners" screens in the Wagtail admin: approve with tier, scopes and licence terms,
reject or suspend with a reason, reinstate, change the terms, revoke a key, read the usage. Anyone without
the ``api.change_partner`` permission is refused and nothing changes.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from rest_framework.test import APIClient

from api.exchange import count_usage
from api.models import ApiKey, Partner, PartnerStatus, Scope, Tier, UsageDay
from api.services import partners as partner_services
from core.models import Event
from tests import factories

from .conftest import make_partner

INDEX = "/admin/partners/"
PRODUCTS = "/api/v1/products/"


def partner_url(partner) -> str:
    return reverse("partners_admin:partner", args=[partner.pk])


def action_url(partner, action: str) -> str:
    return reverse("partners_admin:action", args=[partner.pk, action])


def revoke_url(partner, api_key) -> str:
    return reverse("partners_admin:key_revoke", args=[partner.pk, api_key.pk])


def row(instance) -> dict:
    return type(instance).objects.filter(pk=instance.pk).values().get()


def key_client(full_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {full_key}")
    return client


@pytest.fixture
def admin(site_tree):
    return factories.make_user("platform-admin@example.org", superuser=True)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def pending(site_tree):
    return make_partner("applicant@example.org", approved=False)


# --- who may open the screens ----------------------------------------------------------------------------


def test_someone_without_the_permission_is_refused_and_nothing_changes(client, editor_a, partner, pending):
    api_key, _full = partner_services.issue_key(partner=partner, actor=partner.owner)
    client.force_login(editor_a)  # may open the Wagtail admin, may not manage partners
    before = (row(partner), row(pending), row(api_key), Event.objects.count())

    assert INDEX not in client.get("/admin/").content.decode()  # no menu item
    responses = [
        client.get(INDEX),
        client.get(partner_url(partner)),
        client.post(
            action_url(pending, "approve"), {"approve-tier": Tier.PREMIUM, "approve-scopes": [Scope.WEBHOOKS]}
        ),
        client.post(action_url(pending, "reject"), {"reject-reason": "Không"}),
        client.post(action_url(partner, "suspend"), {"suspend-reason": "Không"}),
        client.post(action_url(partner, "terms"), {"terms-tier": Tier.PREMIUM}),
        client.post(revoke_url(partner, api_key)),
    ]

    for response in responses:
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert (row(partner), row(pending), row(api_key), Event.objects.count()) == before


def test_a_partner_owner_without_admin_access_is_sent_to_log_in(client, pending):
    client.force_login(pending.owner)
    before = row(pending)

    response = client.post(action_url(pending, "approve"), {"approve-tier": Tier.FREE})

    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
    assert row(pending) == before


def test_a_staff_member_with_the_permission_sees_the_menu_and_the_list(client, pending):
    staff = factories.make_user("partnerships@example.org")
    staff.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        Permission.objects.get(codename="change_partner", content_type__app_label="api"),
    )
    client.force_login(staff)

    assert INDEX in client.get("/admin/").content.decode()
    response = client.get(INDEX)
    assert response.status_code == 200 and partner_url(pending) in response.content.decode()


# --- the list ------------------------------------------------------------------------------------------


def test_the_list_shows_pending_first_filters_by_status_and_counts_usage(admin_client, partner, pending):
    suspended = make_partner("paused@example.org")
    Partner.objects.filter(pk=suspended.pk).update(status=PartnerStatus.SUSPENDED)
    today = timezone.now().date()
    for _ in range(3):
        count_usage(partner_id=partner.pk)
    UsageDay.objects.create(partner=partner, day=today - timedelta(days=10), requests=40)
    UsageDay.objects.create(partner=partner, day=today - timedelta(days=45), requests=1000)  # too old

    html = admin_client.get(INDEX).content.decode()
    only_pending = admin_client.get(INDEX, {"status": PartnerStatus.PENDING}).content.decode()
    bad = admin_client.get(INDEX, {"status": "gone"})

    positions = [html.index(f'data-partner="{item.pk}"') for item in (pending, partner, suspended)]
    assert positions == sorted(positions)
    partner_row = html[html.index(f'data-partner="{partner.pk}"') :].split("</tr>")[0]
    assert "<td>3</td>" in partner_row and "<td>43</td>" in partner_row
    assert partner_url(pending) in only_pending and partner_url(partner) not in only_pending
    assert bad.status_code == 400


def test_the_list_runs_the_same_queries_for_1_and_many_partners(admin_client, partner):
    admin_client.get(INDEX)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(INDEX)
    for number in range(5):
        make_partner(f"more{number}@example.org", approved=number % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(INDEX)
    assert response.content.decode().count('data-partner="') == 6
    assert len(many) == len(one)


# --- decisions -----------------------------------------------------------------------------------------


def test_the_admin_approves_with_tier_scopes_and_licence_terms(admin_client, admin, pending):
    page = admin_client.get(partner_url(pending)).content.decode()
    assert pending.intended_use in page and action_url(pending, "approve") in page

    response = admin_client.post(
        action_url(pending, "approve"),
        {
            "approve-tier": Tier.PREMIUM,
            "approve-scopes": [Scope.CONTENT_READ, Scope.WEBHOOKS],
            "approve-licence_terms": "Ghi nguồn.",
        },
    )

    assert response.status_code == 302 and response["Location"] == partner_url(pending)
    pending.refresh_from_db()
    assert (pending.status, pending.tier, pending.scopes, pending.licence_terms) == (
        PartnerStatus.APPROVED,
        Tier.PREMIUM,
        [Scope.CONTENT_READ, Scope.WEBHOOKS],
        "Ghi nguồn.",
    )
    event = Event.objects.for_subject(pending).get(name="api.partner.approved")
    assert event.actor_id == admin.pk


def test_an_unknown_scope_or_tier_is_refused_on_its_field_and_nothing_changes(admin_client, pending):
    before, events = row(pending), Event.objects.count()

    response = admin_client.post(
        action_url(pending, "approve"), {"approve-tier": "gold", "approve-scopes": ["everything"]}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="approve-tier" aria-describedby="id_approve-tier-helptext" aria-invalid="true"' in html
    assert html.count("w-field--error") == 2  # the tier and the scopes
    assert "gold" in html and "everything" in html  # named in the two field messages
    assert (row(pending), Event.objects.count()) == (before, events)


def test_the_admin_rejects_with_a_reason_that_the_applicant_reads(admin_client, client, pending):
    refused = admin_client.post(action_url(pending, "reject"), {"reject-reason": "  "})
    assert refused.status_code == 400 and row(pending)["status"] == PartnerStatus.PENDING

    response = admin_client.post(action_url(pending, "reject"), {"reject-reason": "Chưa rõ mục đích."})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason) == (PartnerStatus.REJECTED, "Chưa rõ mục đích.")
    client.force_login(pending.owner)
    assert "“Chưa rõ mục đích.”" in client.get("/vi/partners/dashboard/").content.decode()


def test_a_suspended_partner_s_key_gets_403_until_it_is_reinstated(admin_client, partner, tea):
    _api_key, full_key = partner_services.issue_key(partner=partner, actor=partner.owner)
    assert key_client(full_key).get(PRODUCTS).status_code == 200

    suspended = admin_client.post(action_url(partner, "suspend"), {"suspend-reason": "Dùng quá mức."})

    assert suspended.status_code == 302
    partner.refresh_from_db()
    assert (partner.status, partner.status_reason) == (PartnerStatus.SUSPENDED, "Dùng quá mức.")
    refused = key_client(full_key).get(PRODUCTS)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "partner_not_active"

    reinstated = admin_client.post(action_url(partner, "reinstate"))

    assert reinstated.status_code == 302
    partner.refresh_from_db()
    assert (partner.status, partner.status_reason) == (PartnerStatus.APPROVED, "")
    assert key_client(full_key).get(PRODUCTS).status_code == 200


def test_suspending_a_partner_that_is_not_approved_is_refused_with_the_reason_and_nothing_changes(
    admin_client, pending
):
    before, events = row(pending), Event.objects.count()

    response = admin_client.post(action_url(pending, "suspend"), {"suspend-reason": "Thử"})

    assert response.status_code == 409
    with translation.override(response["Content-Language"]):
        expected = gettext("This partner is %(status)s; that cannot be changed this way.") % {
            "status": pending.get_status_display()
        }
    assert escape(expected) in response.content.decode()
    assert (row(pending), Event.objects.count()) == (before, events)


def test_the_admin_changes_the_terms_and_the_scopes_take_effect_at_once(admin_client, partner, tea):
    _api_key, full_key = partner_services.issue_key(partner=partner, actor=partner.owner)

    response = admin_client.post(
        action_url(partner, "terms"),
        {
            "terms-tier": Tier.FREE,
            "terms-scopes": [Scope.CONTENT_READ],
            "terms-licence_terms": "Không bán lại.",
        },
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.status, partner.tier, partner.scopes, partner.licence_terms) == (
        PartnerStatus.APPROVED,
        Tier.FREE,
        [Scope.CONTENT_READ],
        "Không bán lại.",
    )
    assert Event.objects.for_subject(partner).filter(name="api.partner.terms_changed").count() == 1
    refused = key_client(full_key).get(PRODUCTS)  # market:read was taken away
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_scope"


# --- keys and usage on the partner's page ----------------------------------------------------------------


def test_the_partner_page_shows_usage_and_keys_and_the_admin_revokes_a_key(admin_client, partner, tea):
    api_key, full_key = partner_services.issue_key(partner=partner, actor=partner.owner, name="web")
    key_client(full_key).get(PRODUCTS)
    other = make_partner("other@example.org")
    other_key, _other_full = partner_services.issue_key(partner=other, actor=other.owner)

    response = admin_client.get(partner_url(partner))
    page = response.content.decode()
    assert f"svp_{api_key.prefix}_…" in page and revoke_url(partner, api_key) in page
    with translation.override(response["Content-Language"]):
        usage = gettext("Requests: %(requests)s · refused for quota: %(throttled)s")
    assert usage % {"requests": 1, "throttled": 0} in page

    # (LocaleMiddleware turns a 404 outside /vi/ into a redirect to /vi/…, which is not found either)
    crossed = admin_client.post(revoke_url(partner, other_key), follow=True)
    assert crossed.status_code == 404 and row(other_key)["revoked_at"] is None
    response = admin_client.post(revoke_url(partner, api_key))

    assert response.status_code == 302
    assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None
    assert key_client(full_key).get(PRODUCTS).status_code == 401
