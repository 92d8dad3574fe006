"""Account services: the only writers of users, memberships and consents."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.events import record_event

from .audit import acting_user
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


def change_membership_role(
    *, membership: CommuneMembership, role: Role, actor: User | None
) -> CommuneMembership:
    """Give a member another role in the same commune (the Django admin's edit of a membership)."""
    with transaction.atomic():
        membership = CommuneMembership.objects.select_for_update().get(pk=membership.pk)
        before = membership.role
        if before != role:
            membership.role = role
            membership.save(update_fields=["role"])
            record_event(
                "accounts.membership.changed",
                subject=membership,
                actor=actor,
                commune_id=membership.commune_id,
                payload={"user": membership.user_id, "role": str(role), "previous_role": before},
            )
    return membership


def remove_membership(*, membership: CommuneMembership, actor: User | None) -> None:
    """Take a role in a commune away. The ``accounts.membership.removed`` event is recorded by
    ``accounts.audit`` (it records cascades too: a deleted user or commune page)."""
    with transaction.atomic(), acting_user(actor):
        CommuneMembership.objects.filter(pk=membership.pk).delete()


def set_platform_flags(
    *,
    user: User,
    actor: User | None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    is_active: bool | None = None,
) -> User:
    """Grant or take away staff or platform-admin (superuser) status, or (de)activate an account.

    ``accounts.audit`` records one ``accounts.permission.*`` event per flag that changed, attributed to
    ``actor`` — the same events a Wagtail or Django admin edit of the user produces.
    """
    changes = {
        name: value
        for name, value in (("is_staff", is_staff), ("is_superuser", is_superuser), ("is_active", is_active))
        if value is not None
    }
    with transaction.atomic(), acting_user(actor):
        user = User.objects.select_for_update().get(pk=user.pk)
        for name, value in changes.items():
            setattr(user, name, value)
        user.save(update_fields=list(changes))
    return user


def add_to_group(*, user: User, group: Group, actor: User | None) -> None:
    """Put ``user`` in a permission group (``accounts.permission.group_added``, by ``accounts.audit``)."""
    with transaction.atomic(), acting_user(actor):
        user.groups.add(group)


def remove_from_group(*, user: User, group: Group, actor: User | None) -> None:
    with transaction.atomic(), acting_user(actor):
        user.groups.remove(group)
