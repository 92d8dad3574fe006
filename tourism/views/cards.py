"""Listing cards shared by the search page and the commune page (presentation only, constant queries)."""

from urllib.parse import urlencode

from django.urls import reverse
from wagtail.models import Locale, Page

from ..pricing import lowest_nightly_price


def localized_titles(pages) -> dict[int, str]:
    """``{page id: title in the active language}``: a translation's title where there is one.

    Services point at the commune page they were created under; an English visitor reads the English
    title. At most two queries, whatever the number of pages.
    """
    pages = list({page.pk: page for page in pages if page is not None}.values())
    titles = {page.pk: page.title for page in pages}
    if not pages:
        return titles
    locale = Locale.get_active()
    others = {page.translation_key: page.pk for page in pages if page.locale_id != locale.pk}
    if others:
        translations = Page.objects.filter(locale=locale, translation_key__in=list(others)).live()
        for translation_key, title in translations.values_list("translation_key", "title"):
            titles[others[translation_key]] = title
    return titles


def card_query(stay: dict | None, service) -> str:
    """The dates and party a card link carries to the service page (dates only matter for stays)."""
    if not stay:
        return ""
    values = {}
    if service.is_stay and stay.get("check_in") and stay.get("check_out"):
        values["check_in"] = stay["check_in"].isoformat()
        values["check_out"] = stay["check_out"].isoformat()
    if stay.get("guests") and stay["guests"] > 1:
        values["guests"] = stay["guests"]
    return urlencode(values)


def decorate_cards(services, *, stay: dict | None = None, commune_titles: dict | None = None) -> list:
    """Give each service of a listing (``selectors.with_cards``) ``commune_title``, ``from_price``,
    ``price_per`` ("night" or "person") and ``card_url``."""
    services = list(services)
    if commune_titles is None:
        commune_titles = localized_titles(service.commune for service in services)
    for service in services:
        service.commune_title = commune_titles.get(service.commune_id) or service.commune.title
        if service.is_stay:
            service.from_price = lowest_nightly_price(service)
            service.price_per = "night"
        else:
            service.from_price = getattr(service, "next_price", None) or service.price_per_person
            service.price_per = "person"
        url = reverse("tourism:service", args=[service.slug])
        query = card_query(stay, service)
        service.card_url = f"{url}?{query}" if query else url
    return services
