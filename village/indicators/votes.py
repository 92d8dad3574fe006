"""The guide's "Was this guide helpful?" vote: one answer per visitor and guide, in any language.

A visitor is a random id kept in a cookie; only a keyed hash of it is stored (no login, no personal
data). Voting again on the same guide (its Vietnamese or English page) changes the answer. New votes
are limited per IP address and hour (``GUIDE_VOTES_PER_IP_PER_HOUR``) in the shared cache; an IPv6
address counts by its /64 network, which one household or phone usually holds whole.
"""

import hashlib
import ipaddress
import re
import secrets
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.resilience import count

from ..exceptions import VillageError, VillageErrorCode
from ..models import CommunePage, GuidePage, GuideVote
from ..translations import default_language_version

VOTER_COOKIE = "svp_voter"
VOTER_COOKIE_SECONDS = 365 * 24 * 60 * 60
_VOTER_ID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_HMAC_SALT = "village.indicators.guide-vote"
_WINDOW_SECONDS = 60 * 60


def new_voter_id() -> str:
    return secrets.token_urlsafe(32)


def is_voter_id(value: str | None) -> bool:
    """A cookie value we could have set (anything else is replaced by a new id)."""
    return bool(value) and bool(_VOTER_ID.match(value))


def visitor_hash(voter_id: str) -> str:
    """HMAC-SHA256 of the cookie id under a key derived from SECRET_KEY (64 hex characters)."""
    return salted_hmac(_HMAC_SALT, voter_id, algorithm="sha256").hexdigest()


def votable_guide(guide_id: int) -> GuidePage | None:
    """The live, public guide page with this id (in any language), or None."""
    guide = GuidePage.objects.live().public().filter(pk=guide_id).first()
    if guide is None or guide.commune is None:
        return None
    return guide


def rate_limit_key(address: str) -> str:
    """Whose budget a vote from ``address`` uses: an IPv4 address itself, an IPv6 address's /64 network
    (one host may hold every address in it), anything unreadable as it is."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _ip_allowance_taken(address: str) -> bool:
    """Count one new vote for ``address`` in this hour's window; False when it is over the limit."""
    limit = int(getattr(settings, "GUIDE_VOTES_PER_IP_PER_HOUR", 30))
    window = int(time.time() // _WINDOW_SECONDS)
    budget = rate_limit_key(address)
    key = f"guide-votes:ip:{hashlib.sha256(budget.encode()).hexdigest()}:{window}"
    # In Redis when it answers; in this process's memory while it is down (the limit still holds).
    used = count(key, timeout=_WINDOW_SECONDS + 60)
    return used <= limit


def cast_vote(*, guide: GuidePage, voter_id: str, helpful: bool, address: str) -> tuple[GuideVote, bool]:
    """Record or change the visitor's answer for the guide; returns (vote, created).

    Refusal: VOTE_LIMITED when ``address`` has cast too many new votes this hour (nothing is written).
    """
    visitor = visitor_hash(voter_id)
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                vote = (
                    GuideVote.objects.select_for_update()
                    .filter(guide_key=guide.translation_key, visitor=visitor)
                    .first()
                )
                if vote is not None:
                    # only a changed answer is a new answer: the helpfulness indicator counts votes by
                    # updated_at, so a repeated click must not move an old vote into this month
                    if vote.helpful != helpful:
                        vote.helpful, vote.updated_at = helpful, now
                        vote.save(update_fields=["helpful", "updated_at"])
                    return vote, False
                if not _ip_allowance_taken(address):
                    raise VillageError(
                        VillageErrorCode.VOTE_LIMITED,
                        _("Too many answers from this connection; try again in an hour."),
                    )
                canonical_guide = default_language_version(GuidePage, guide)
                commune = default_language_version(CommunePage, guide.commune)
                vote = GuideVote.objects.create(
                    guide_key=guide.translation_key,
                    guide=canonical_guide,
                    commune=commune,
                    visitor=visitor,
                    helpful=helpful,
                    created_at=now,
                    updated_at=now,
                )
                return vote, True
        except IntegrityError:  # the same visitor's simultaneous first vote won: change that one
            continue
    raise IntegrityError("guide vote could not be stored")
