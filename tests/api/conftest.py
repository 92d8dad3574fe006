"""API fixtures: approved partners with keys, an API client that sends them, and the domain fixtures.

``api_client`` sends a key with every read scope and ``webhooks``; ``client_for(scopes=…)`` makes one
with other scopes; ``user_client(user)`` sends a person's token.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.models import READ_SCOPES, Partner, PartnerStatus, Scope, Tier
from api.services import partners as partner_services
from tests import factories
from tests.market.conftest import (  # noqa: F401  (fixtures shared with the market tests)
    buyer,
    make_producer,
    make_product,
    owner_a,
    owner_b,
    plums,
    producer_a,
    producer_b,
    tea,
)

ALL_PARTNER_SCOPES = [*READ_SCOPES, Scope.WEBHOOKS.value]


def make_partner(
    email: str = "desk@newspaper.example", *, scopes=None, tier: str = Tier.STANDARD, approved: bool = True
) -> Partner:
    owner = factories.make_user(email)
    partner = partner_services.register_partner(
        owner=owner,
        organisation=f"Báo {email.split('@')[0]}",
        website="https://newspaper.example",
        contact_name="Desk editor",
        contact_email=email,
        intended_use="Publish village guides and OCOP products for our readers.",
    )
    if approved:
        admin = factories.make_user(f"admin-{email}", superuser=True)
        partner = partner_services.approve_partner(
            partner=partner,
            reviewer=admin,
            tier=tier,
            scopes=ALL_PARTNER_SCOPES if scopes is None else scopes,
            licence_terms="Attribution required.",
        )
    return partner


def client_with_key(partner: Partner) -> APIClient:
    _api_key, full_key = partner_services.issue_key(partner=partner, actor=partner.owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {full_key}")
    client.partner = partner
    client.full_key = full_key
    return client


@pytest.fixture
def partner(site_tree) -> Partner:
    return make_partner()


@pytest.fixture
def api_client(partner) -> APIClient:
    return client_with_key(partner)


@pytest.fixture
def client_for(site_tree):
    made = []

    def make(*, scopes, tier=Tier.STANDARD, status=PartnerStatus.APPROVED):
        partner = make_partner(f"partner{len(made)}@example.org", scopes=scopes, tier=tier)
        client = client_with_key(partner)
        if status != PartnerStatus.APPROVED:
            Partner.objects.filter(pk=partner.pk).update(status=status)
        made.append(client)
        return client

    return make


@pytest.fixture
def user_client():
    def make(user) -> APIClient:
        token, _created = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        client.user = user
        return client

    return make
