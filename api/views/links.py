"""Tracked links: ``/go/<token>/`` counts one click for the partner and redirects to our page."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from ..models import LinkClickDay, Partner
from ..syndication import read_tracked_token


def count_click(*, partner_id: int, path: str) -> None:
    day = timezone.now().date()
    path = path[:500]
    rows = LinkClickDay.objects.filter(partner_id=partner_id, day=day, path=path)
    if rows.update(clicks=F("clicks") + 1):
        return
    try:
        with transaction.atomic():
            LinkClickDay.objects.create(partner_id=partner_id, day=day, path=path, clicks=1)
    except IntegrityError:
        rows.update(clicks=F("clicks") + 1)


@require_safe
def follow(request, token: str):
    """A signed token names the partner and the path; a forged or altered token is a 404."""
    decoded = read_tracked_token(token)
    if decoded is None:
        raise Http404("Unknown link")
    partner_id, path = decoded
    if request.method == "GET" and Partner.objects.filter(pk=partner_id).exists():
        count_click(partner_id=partner_id, path=path)
    response = HttpResponseRedirect(path)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response
