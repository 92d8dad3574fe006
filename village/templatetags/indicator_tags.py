"""Links from the page tree to the indicator dashboards, which name places by their Vietnamese page id."""

from django import template
from django.conf import settings
from wagtail.models import Page

register = template.Library()


@register.simple_tag
def canonical_page_id(page) -> int | None:
    """The id of ``page``'s translation in the default language (the page's own id when it is in it).

    One query.
    """
    if not isinstance(page, Page) or not page.pk:
        return None
    return (
        Page.objects.filter(
            translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .values_list("pk", flat=True)
        .first()
    )
