"""Listing cards shared by the search page and the commune page (presentation only, constant queries)."""

from urllib.parse import urlencode

from django.urls import reverse

from village.translations import localized_titles

from ..pricing import lowest_nightly_price


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
    """Give each service of a listing (``selectors.with_cards``) ``card_image`` (its first photo, or None),
    ``commune_title``, ``from_price``, ``price_per`` ("night" or "person") and ``card_url``."""
    services = list(services)
    if commune_titles is None:
        commune_titles = localized_titles(service.commune for service in services)
    for service in services:
        photos = getattr(service, "first_photos", [])
        service.card_image = photos[0].image if photos else None
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
