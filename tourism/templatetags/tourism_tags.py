"""Template helpers of tourism: the commune page's stays and experiences, and stars for ratings.

Presentation only: what to show is decided by ``tourism.selectors``.
"""

from django import template

from .. import selectors
from ..views.cards import decorate_cards

register = template.Library()


@register.inclusion_tag("tourism/includes/commune_stays.html", takes_context=True)
def commune_stays(context, commune, limit=6):
    """``{% commune_stays page limit=6 %}``: the commune's stays and experiences, for its page (either
    language), in a fixed number of queries."""
    services = selectors.commune_services(commune, limit=int(limit)) if commune is not None else []
    if services:
        titles = {service.commune_id: commune.title for service in services}
        services = decorate_cards(services, commune_titles=titles)
    return {
        "request": context.get("request"),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "commune": commune,
        "services": services,
        "commune_filter": services[0].commune_id if services else None,
    }


@register.filter
def star_glyphs(stars) -> str:
    """``4`` → ``"★★★★☆"`` (4.4 rounds to 4): decoration only; templates also say the number in words."""
    try:
        stars = max(0, min(5, round(float(stars))))
    except (TypeError, ValueError):
        return ""
    return "★" * stars + "☆" * (5 - stars)
