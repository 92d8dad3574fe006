"""``{% load money %}``: whole Vietnamese đồng for any app's templates."""

from django import template

from core.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """``125000`` → ``"125.000 ₫"``; anything that is not a whole number shows as nothing."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        return ""
    return format_vnd(amount)
