"""Presentation helpers for every template: language links, JSON-LD, breadcrumbs, money, canonical URLs.

No business rules here: these tags only format what the pages and views already decided to show.
"""

import json
import re

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info
from wagtail.models import Page

register = template.Library()

HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")

# Characters that must not appear raw inside <script> (same set as Django's json_script).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld(data) -> str:
    """Render a dict as a ``<script type="application/ld+json">`` block, safe against ``</script>``."""
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str).translate(
        _SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language: the page's live translation when there is one, else that language's home.

    Returns dicts with ``code``, ``name`` (in its own language), ``url``, ``full_url`` (for hreflang),
    ``current`` and ``exists``.
    """
    request = context.get("request")
    page = context.get("page") or context.get("self")
    current = context.get("LANGUAGE_CODE") or settings.LANGUAGE_CODE
    translations: dict[str, Page] = {}
    if isinstance(page, Page) and page.pk:
        translations[page.locale.language_code] = page
        for translation in page.get_translations(inclusive=False).live().select_related("locale"):
            translations[translation.locale.language_code] = translation
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        if isinstance(page, Page):
            target = translations.get(code)
            url = target.get_url(request) if target is not None else f"/{code}/"
            full_url = target.get_full_url(request) if target is not None else ""
            exists = target is not None
        else:
            path = request.get_full_path() if request is not None else "/"
            url = translate_url(path, code)
            full_url = request.build_absolute_uri(url) if request is not None else url
            exists = True
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "full_url": full_url,
                "current": code == current,
                "exists": exists,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def absolute_url(context, page) -> str:
    request = context.get("request")
    return page.get_full_url(request) if page is not None else ""


@register.simple_tag
def breadcrumb_pages(page) -> list[Page]:
    """The page's ancestors below the site root (home, province, commune…), oldest first."""
    if not isinstance(page, Page) or not page.pk:
        return []
    return list(page.get_ancestors().filter(depth__gt=1))


@register.simple_tag
def colour_stylesheet(colour) -> str:
    """``<link>`` to the stylesheet of a commune colour (``themes.views``); nothing for a missing or
    malformed colour, so the default of site.css stays."""
    colour = (colour or "").lower()
    if not HEX_COLOUR.match(colour):
        return ""
    return format_html('<link rel="stylesheet" href="{}">', reverse("theme_colour", args=[colour[1:]]))
