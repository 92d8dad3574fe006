"""The commune's computed exchange indicator: partners whose readers follow links to the commune.

``partners_syndicating(commune_id, starts_on, ends_on)`` counts the distinct approved partners with
tracked-link clicks (``LinkClickDay``) within ``[starts_on, ends_on)`` on a path that belongs to the
commune in any language: one of its pages (the commune page and everything under it, e.g.
``/vi/lao-cai/ta-van/...`` and ``/en/lao-cai/ta-van/...``) or one of its products, stays, tours or
experiences (``/vi/market/p/<slug>/``…). Registered from ``registration.register()``.
"""

from datetime import date

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from core.registries import ComputedIndicator, indicators

from .models import LinkClickDay, PartnerStatus
from .places import page_url


def commune_paths(commune_id: int) -> list[str]:
    """Site paths (prefixes) of everything that belongs to the commune, in every language."""
    key = Page.objects.filter(pk=commune_id).values_list("translation_key", flat=True).first()
    if key is None:
        return []
    prefixes = set()
    for url_path in Page.objects.filter(translation_key=key).values_list("url_path", flat=True):
        address = page_url(url_path)
        if address:
            prefixes.add(address)
    prefixes.update(_item_paths(commune_id))
    return sorted(prefixes)


def _item_paths(commune_id: int) -> set[str]:
    from market.models import Product
    from tourism.models import Service

    items = [
        ("market:product", slug)
        for slug in Product.objects.filter(commune_id=commune_id).values_list("slug", flat=True)
    ] + [
        ("tourism:service", slug)
        for slug in Service.objects.filter(commune_id=commune_id).values_list("slug", flat=True)
    ]
    paths = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for route, slug in items:
                try:
                    paths.add(reverse(route, args=[slug]))
                except NoReverseMatch:  # pragma: no cover - routes are part of the site
                    continue
    return paths


def partners_syndicating(commune_id: int, starts_on: date, ends_on: date) -> int:
    """Distinct approved partners whose tracked links to the commune were followed within the period."""
    prefixes = commune_paths(commune_id)
    if not prefixes:
        return 0
    on_commune = Q()
    for prefix in prefixes:
        on_commune |= Q(path__startswith=prefix)
    return (
        LinkClickDay.objects.filter(
            on_commune,
            partner__status=PartnerStatus.APPROVED,
            day__gte=starts_on,
            day__lt=ends_on,
            clicks__gt=0,
        )
        .values("partner_id")
        .distinct()
        .count()
    )


def register() -> None:
    key = "api.partners_syndicating"
    indicators.register(
        key,
        ComputedIndicator(
            key=key,
            label=_("Partners syndicating the commune's content"),
            unit="partners",
            compute=partners_syndicating,
        ),
    )
