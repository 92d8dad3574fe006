"""Who may act for a household's shop or homestay: its owner, or — in assisted mode — a digital team
member of the commune whose help the owner consented to. Every write records both the actor and on
whose behalf it was done. Domains (market, tourism) turn a refusal into their own error.
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import AssistanceConsent, Role


@dataclass(frozen=True)
class Acting:
    """The person at the keyboard (``actor``) and the household it is done for (``on_behalf_of``)."""

    actor: object
    on_behalf_of: object | None

    @property
    def event_kwargs(self) -> dict:
        return {"actor": self.actor, "on_behalf_of": self.on_behalf_of}


def is_logged_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def acting_for_owner(*, user, owner, commune_id: int) -> Acting | None:
    """How ``user`` may act for what ``owner`` owns in ``commune_id``, or None when they may not."""
    if not is_logged_in(user):
        return None
    if owner is not None and owner.pk == user.pk:
        return Acting(actor=user, on_behalf_of=None)
    if owner is None:
        return None
    is_team_member = user.memberships.filter(commune_id=commune_id, role=Role.DIGITAL_TEAM).exists()
    has_consent = AssistanceConsent.objects.filter(
        household_id=owner.pk, helper=user, revoked_at__isnull=True
    ).exists()
    if is_team_member and has_consent:
        return Acting(actor=user, on_behalf_of=owner)
    return None


def managed_by(user) -> Q:
    """A filter on rows with ``owner`` and ``commune`` that ``user`` may act for (assisted mode included)."""
    if not is_logged_in(user):
        return Q(pk__in=[])
    team_communes = user.memberships.filter(role=Role.DIGITAL_TEAM).values("commune_id")
    consenting = AssistanceConsent.objects.filter(helper=user, revoked_at__isnull=True).values("household_id")
    return Q(owner=user) | Q(owner_id__in=consenting, commune_id__in=team_communes)


def is_commune_moderator(user, commune_id: int) -> bool:
    if not is_logged_in(user):
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(commune_id=commune_id, role=Role.COMMUNE_MODERATOR).exists()


def moderated_commune_ids(user) -> list[int] | None:
    """The communes ``user`` moderates; None means all of them (a superuser)."""
    if not is_logged_in(user):
        return []
    if user.is_superuser:
        return None
    return list(user.memberships.filter(role=Role.COMMUNE_MODERATOR).values_list("commune_id", flat=True))
