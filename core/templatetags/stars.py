"""``{% load stars %}``: ratings drawn as five stars, for any app's templates."""

from django import template

register = template.Library()


@register.filter
def star_glyphs(stars) -> str:
    """``4`` → ``"★★★★☆"`` (an average of 4.4 rounds to 4; outside 0–5 is clamped; not a number shows as
    nothing): decoration only, templates also say the number in words."""
    try:
        stars = max(0, min(5, round(float(stars))))
    except (TypeError, ValueError, OverflowError):
        return ""
    return "★" * stars + "☆" * (5 - stars)
