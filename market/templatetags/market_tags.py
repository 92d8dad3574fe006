"""Template helpers of the marketplace: money in VND, percentages, and the commune page's product section.

Presentation only: what to show is decided by ``market.selectors``.
"""

from django import template

from core.templatetags.money import vnd
from core.templatetags.stars import star_glyphs

from .. import selectors

register = template.Library()


register.filter("vnd", vnd)


@register.filter
def percent(fraction) -> str:
    """``0.955`` → ``"96%"``; None shows as nothing."""
    if fraction is None:
        return ""
    return f"{round(float(fraction) * 100)}%"


@register.inclusion_tag("market/includes/commune_products.html", takes_context=True)
def commune_products(context, commune, limit=6):
    """``{% commune_products page limit=6 %}``: the commune's products, for its page (either language)."""
    products = selectors.commune_products(commune, limit=int(limit)) if commune is not None else []
    return {
        "request": context.get("request"),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "commune": commune,
        "products": products,
        "commune_filter": products[0].commune_id if products else None,
    }


register.filter("star_glyphs", star_glyphs)
