"""Who may act for a producer: its owner, or — in assisted mode — a digital team member of the commune
whose help the owner consented to. Every write records both the actor and on whose behalf it was done.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import AssistanceConsent, Role

from .exceptions import MarketError, MarketErrorCode


@dataclass(frozen=True)
class Acting:
    """The person at the keyboard (``actor``) and the household it is done for (``on_behalf_of``)."""

    actor: object
    on_behalf_of: object | None

    @property
    def event_kwargs(self) -> dict:
        return {"actor": self.actor, "on_behalf_of": self.on_behalf_of}


def acting_for_producer(*, user, producer) -> Acting:
    """Allow ``user`` to act for ``producer`` or raise ``NOT_ALLOWED``."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise MarketError(MarketErrorCode.NOT_ALLOWED, _("Log in to manage this shop."))
    if producer.owner_id == user.pk:
        return Acting(actor=user, on_behalf_of=None)
    is_team_member = user.memberships.filter(commune_id=producer.commune_id, role=Role.DIGITAL_TEAM).exists()
    has_consent = AssistanceConsent.objects.filter(
        household_id=producer.owner_id, helper=user, revoked_at__isnull=True
    ).exists()
    if is_team_member and has_consent:
        return Acting(actor=user, on_behalf_of=producer.owner)
    raise MarketError(MarketErrorCode.NOT_ALLOWED, _("You cannot manage this shop."))


def producers_managed_by(user):
    """The producers ``user`` may act for: their own, and those of consenting households (assisted mode)."""
    from django.db.models import Q

    from .models import Producer

    if user is None or not getattr(user, "is_authenticated", False):
        return Producer.objects.none()
    team_communes = user.memberships.filter(role=Role.DIGITAL_TEAM).values("commune_id")
    consenting = AssistanceConsent.objects.filter(helper=user, revoked_at__isnull=True).values("household_id")
    return Producer.objects.filter(
        Q(owner=user) | Q(owner_id__in=consenting, commune_id__in=team_communes)
    ).select_related("commune")


def is_commune_moderator(user, commune_id: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(commune_id=commune_id, role=Role.COMMUNE_MODERATOR).exists()
