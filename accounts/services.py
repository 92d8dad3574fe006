"""Account services: the only writers of users, memberships and consents."""

from django.db import transaction
from django.utils import timezone

from core.events import record_event

from .models import AssistanceConsent, CommuneMembership, Role, User


def create_user(
    *, password: str | None, email: str = "", phone: str = "", full_name: str = "", **extra
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, phone=phone, password=password, full_name=full_name, **extra
        )
        record_event("accounts.user.created", subject=user)
    return user


def grant_consent(*, household: User, helper: User, commune, scope: str) -> AssistanceConsent:
    with transaction.atomic():
        consent = AssistanceConsent.objects.create(
            household=household, helper=helper, commune=commune, scope=scope
        )
        record_event(
            "accounts.consent.granted",
            subject=consent,
            actor=household,
            commune_id=commune.pk,
            payload={"helper": helper.pk, "scope": scope},
        )
    return consent


def revoke_consent(*, consent: AssistanceConsent, actor: User) -> AssistanceConsent:
    with transaction.atomic():
        consent = AssistanceConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is None:
            consent.revoked_at = timezone.now()
            consent.save(update_fields=["revoked_at"])
            record_event(
                "accounts.consent.revoked", subject=consent, actor=actor, commune_id=consent.commune_id
            )
    return consent


def has_consent(*, household: User, helper: User) -> bool:
    return AssistanceConsent.objects.filter(
        household=household, helper=helper, revoked_at__isnull=True
    ).exists()


def add_membership(*, user: User, commune, role: Role, actor: User | None = None) -> CommuneMembership:
    with transaction.atomic():
        membership, created = CommuneMembership.objects.get_or_create(user=user, commune=commune, role=role)
        if created:
            record_event(
                "accounts.membership.added",
                subject=membership,
                actor=actor,
                commune_id=commune.pk,
                payload={"user": user.pk, "role": str(role)},
            )
    return membership
