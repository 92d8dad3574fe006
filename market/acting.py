"""Who may act for a producer (see ``accounts.acting``): its owner or, in assisted mode, a digital team
member of the commune whose help the owner consented to."""

from django.utils.translation import gettext as _

from accounts.acting import Acting, acting_for_owner, is_commune_moderator, is_logged_in, managed_by

from .exceptions import MarketError, MarketErrorCode

__all__ = ["Acting", "acting_for_producer", "is_commune_moderator", "producers_managed_by"]


def acting_for_producer(*, user, producer) -> Acting:
    """Allow ``user`` to act for ``producer`` or raise ``NOT_ALLOWED``."""
    if not is_logged_in(user):
        raise MarketError(MarketErrorCode.NOT_ALLOWED, _("Log in to manage this shop."))
    acting = acting_for_owner(user=user, owner=producer.owner, commune_id=producer.commune_id)
    if acting is None:
        raise MarketError(MarketErrorCode.NOT_ALLOWED, _("You cannot manage this shop."))
    return acting


def producers_managed_by(user):
    """The producers ``user`` may act for: their own, and those of consenting households (assisted mode)."""
    from .models import Producer

    return Producer.objects.filter(managed_by(user)).select_related("commune")
