"""Template helpers of tourism: the commune page's stays and experiences, and stars for ratings.

Presentation only: what to show is decided by ``tourism.selectors``.
"""

from django import template

from core.templatetags.stars import star_glyphs

from .. import selectors
from ..views.cards import decorate_cards

register = template.Library()

register.filter("star_glyphs", star_glyphs)


@register.inclusion_tag("tourism/includes/commune_stays.html")
def commune_stays(commune, limit=6):
    """``{% commune_stays page limit=6 %}``: the commune's stays and experiences, for its page (either
    language), in a fixed number of queries."""
    services = selectors.commune_services(commune, limit=int(limit)) if commune is not None else []
    if services:
        titles = {service.commune_id: commune.title for service in services}
        services = decorate_cards(services, commune_titles=titles)
    return {
        "commune": commune,
        "services": services,
        "commune_filter": services[0].commune_id if services else None,
    }
