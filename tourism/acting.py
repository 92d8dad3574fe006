"""Who may act for a host (see ``accounts.acting``): its owner or, in assisted mode, a digital team member
of the commune whose help the owner consented to; and who moderates a commune's tourism."""

from django.utils.translation import gettext as _

from accounts.acting import Acting, acting_for_owner, is_commune_moderator, is_logged_in, managed_by

from .exceptions import TourismError, TourismErrorCode


def acting_for_host(*, user, host) -> Acting:
    """Allow ``user`` to act for ``host`` or raise ``NOT_ALLOWED``."""
    if not is_logged_in(user):
        raise TourismError(TourismErrorCode.NOT_ALLOWED, _("Log in to manage this listing."))
    acting = acting_for_owner(user=user, owner=host.owner, commune_id=host.commune_id)
    if acting is None:
        raise TourismError(TourismErrorCode.NOT_ALLOWED, _("You cannot manage this listing."))
    return acting


def hosts_managed_by(user):
    """The hosts ``user`` may act for: their own, and those of consenting households (assisted mode)."""
    from .models import Host

    return Host.objects.filter(managed_by(user)).select_related("commune")


def check_moderator(user, commune_id: int) -> None:
    if not is_commune_moderator(user, commune_id):
        raise TourismError(TourismErrorCode.NOT_ALLOWED, _("Only a moderator of this commune can decide."))
