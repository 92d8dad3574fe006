"""Demo partners for ``manage.py load_api_demo``: one approved newspaper with a fresh key, one waiting.

Needs the village demo (its admin account) and, for the buyer's token, the market demo.
"""

from dataclasses import dataclass

from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User
from village.demo.accounts import ADMIN_EMAIL, demo_account, existing_account

from .models import READ_SCOPES, ApiKey, Partner, PartnerStatus, Scope, Tier
from .services import partners as partner_services

NEWSPAPER = {
    "email": "partner@news.example",  # made by the village demo
    "organisation": "Báo Nông thôn Ngày nay (demo)",
    "website": "https://baonongthon.example",
    "intended_use": "Publish village guides, OCOP products and community stays for our rural readers.",
}
MAGAZINE = {
    "email": "partner@travelmag.example",
    "phone": "",
    "first_name": "Minh",
    "last_name": "Lê",
    "organisation": "Vietnam Highland Travel Magazine (demo)",
    "website": "https://travelmag.example",
    "intended_use": "Embed homestay and experience cards in our travel stories.",
}
BUYER_EMAIL = "buyer@hanoi.example"
DEMO_KEY_NAME = "demo"
LICENCE_TERMS = "Show the attribution line and link back with the tracked link; no resale of the data."


@dataclass(frozen=True)
class ApiDemo:
    partner: Partner
    full_key: str
    buyer_token: str | None


def _partner(data: dict, admin: User, *, approve: bool) -> Partner:
    owner = existing_account(data["email"]) if "first_name" not in data else demo_account(data)[0]
    partner = Partner.objects.filter(owner=owner).first()
    if partner is None:
        partner = partner_services.register_partner(
            owner=owner,
            organisation=data["organisation"],
            website=data["website"],
            contact_name=owner.get_full_name() or data["organisation"],
            contact_email=data["email"],
            intended_use=data["intended_use"],
        )
    if approve and partner.status == PartnerStatus.PENDING:
        partner = partner_services.approve_partner(
            partner=partner,
            reviewer=admin,
            tier=Tier.PREMIUM,
            scopes=[*READ_SCOPES, Scope.WEBHOOKS.value],
            licence_terms=LICENCE_TERMS,
        )
    return partner


def load_api_demo() -> ApiDemo:
    """Idempotent; every run revokes the previous demo key and issues a new one (keys are shown once)."""
    admin = existing_account(ADMIN_EMAIL)
    with transaction.atomic():
        newspaper = _partner(NEWSPAPER, admin, approve=True)
        _partner(MAGAZINE, admin, approve=False)
        for old_key in ApiKey.objects.filter(partner=newspaper, name=DEMO_KEY_NAME, revoked_at__isnull=True):
            partner_services.revoke_key(api_key=old_key, actor=admin)
        _api_key, full_key = partner_services.issue_key(partner=newspaper, actor=admin, name=DEMO_KEY_NAME)
        buyer = User.objects.filter(email=BUYER_EMAIL).first()
        token = Token.objects.get_or_create(user=buyer)[0].key if buyer is not None else None
    return ApiDemo(partner=newspaper, full_key=full_key, buyer_token=token)
