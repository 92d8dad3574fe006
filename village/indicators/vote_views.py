"""The guide's "Was this guide helpful?" vote (a POST from the guide page, without JavaScript).

Guide pages are cached whole for anonymous visitors, so the form cannot carry a per-visitor CSRF
token: the view is exempt from Django's CSRF check and instead refuses cross-site posts by their
``Origin`` and ``Sec-Fetch-Site`` headers. A vote only ever changes the visitor's own answer.
"""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..exceptions import VillageError, VillageErrorCode
from . import votes

ANSWERS = {"yes": True, "no": False}
SAME_SITE_FETCHES = {"same-origin", "none"}


def is_same_origin(request) -> bool:
    """No ``Origin`` or one equal to this site's; no ``Sec-Fetch-Site`` or a same-origin one."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
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
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
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
