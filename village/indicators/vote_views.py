"""The guide's "Was this guide helpful?" vote (a POST from the guide page, without JavaScript).

Guide pages are cached whole for anonymous visitors, so the form cannot carry a per-visitor CSRF
token: the view is exempt from Django's CSRF check and instead refuses cross-site posts by their
``Origin`` and ``Sec-Fetch-Site`` headers. A vote only ever changes the visitor's own answer.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import is_same_domain
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.security import client_address

from ..exceptions import VillageError, VillageErrorCode
from . import votes
from .data_filters import MAX_ID

ANSWERS = {"yes": True, "no": False}
SAME_SITE_FETCHES = {"same-origin", "none"}


def is_trusted_origin(origin: str) -> bool:
    """``origin`` is listed in ``CSRF_TRUSTED_ORIGINS`` (``https://*.example.org`` covers subdomains), as
    Django's CSRF check reads it: behind a proxy that rewrites Host, the site's own origin is there."""
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in trusted:
        return True
    try:
        parsed = urlsplit(origin)
        scheme, netloc = parsed.scheme, parsed.netloc
    except ValueError:
        return False
    return bool(netloc) and any(
        is_same_domain(netloc, wildcard.netloc.lstrip("*"))
        for wildcard in (urlsplit(entry) for entry in trusted if "*" in entry)
        if wildcard.scheme == scheme
    )


def is_same_origin(request) -> bool:
    """No ``Origin`` or one equal to this site's (or a trusted one); no ``Sec-Fetch-Site`` or a same-origin
    one."""
    origin = request.headers.get("Origin")
    if (
        origin is not None
        and origin != f"{request.scheme}://{request.get_host()}"
        and not is_trusted_origin(origin)
    ):
        return False
    fetch_site = request.headers.get("Sec-Fetch-Site")
    return fetch_site is None or fetch_site.lower() in SAME_SITE_FETCHES


def _refused(request, message: str, status: int):
    return render(request, "village/indicators/vote_refused.html", {"message": message}, status=status)


@csrf_exempt
@require_POST
@never_cache
def vote(request, guide_id):
    if not is_same_origin(request):
        return _refused(request, _("This answer did not come from our own page, so it was not counted."), 403)
    if not 0 < guide_id <= MAX_ID:  # a larger id overflows the database's integer: not found
        raise Http404
    guide = votes.votable_guide(guide_id)
    if guide is None:
        raise Http404
    helpful = ANSWERS.get(request.POST.get("helpful", ""))
    if helpful is None:
        return _refused(request, _("Choose Yes or No."), 400)
    voter_id = request.COOKIES.get(votes.VOTER_COOKIE)
    new_voter = not votes.is_voter_id(voter_id)
    if new_voter:
        voter_id = votes.new_voter_id()
    address = client_address(request)  # REMOTE_ADDR, or the trusted proxies' X-Forwarded-For entry
    try:
        votes.cast_vote(guide=guide, voter_id=voter_id, helpful=helpful, address=address)
    except VillageError as error:
        if error.code == VillageErrorCode.VOTE_LIMITED:
            return _refused(request, error.message, 429)
        raise
    response = HttpResponseRedirect(f"{guide.get_url(request)}?helpful=thanks#helpful")
    response.status_code = 303
    if new_voter:
        response.set_cookie(
            votes.VOTER_COOKIE,
            voter_id,
            max_age=votes.VOTER_COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
