"""Links from the page tree to the indicator dashboards, which name places by their Vietnamese page id."""

from django import template
from django.conf import settings
from wagtail.models import Page

from village.translations import default_language_version

register = template.Library()


@register.simple_tag
def canonical_page_id(page) -> int | None:
    """The id of ``page``'s translation in the default language (the page's own id when it is in it).

    One query.
    """
    if not isinstance(page, Page) or not page.pk:
        return None
    version = default_language_version(Page, page)
    if version is page and page.locale.language_code != settings.LANGUAGE_CODE:
        return None  # no default-language version: the page has no dashboard
    return version.pk
