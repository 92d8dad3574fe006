"""The commune's computed exchange indicator: partners whose readers follow links to the commune.

``partners_syndicating(commune_id, starts_on, ends_on)`` counts the distinct approved partners with
tracked-link clicks (``LinkClickDay``) within ``[starts_on, ends_on)`` on a path that belongs to the
commune in any language: one of its pages (the commune page and everything under it, e.g.
``/vi/lao-cai/ta-van/...`` and ``/en/lao-cai/ta-van/...``) or one of its products, stays, tours or
experiences (``/vi/market/p/<slug>/``…). Registered from ``registration.register()``.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from core.registries import ComputedIndicator, indicators

from .models import LinkClickDay, PartnerStatus
from .places import page_url

#: stands for a slug while the item routes are reversed (a valid slug no prefix contains)
SLUG_STANDIN = "x-slug-x"
ITEM_ROUTES = ("market:product", "tourism:service")


@dataclass(frozen=True)
class CommuneAddresses:
    """What of the site belongs to a commune, in every language, to test a path against in Python."""

    #: the addresses of the commune's pages (``/vi/lao-cai/ta-van/``…): they and everything under them
    page_prefixes: tuple[str, ...]
    #: (``/vi/market/p/``, the commune's product slugs)…: ``<prefix><slug>/`` and everything under it
    item_prefixes: tuple[tuple[str, frozenset[str]], ...]

    def __bool__(self) -> bool:
        return bool(self.page_prefixes) or any(slugs for _prefix, slugs in self.item_prefixes)

    def __contains__(self, path: str) -> bool:
        if path.startswith(self.page_prefixes):
            return True
        for prefix, slugs in self.item_prefixes:
            if path.startswith(prefix):
                slug, slash, _rest = path[len(prefix) :].partition("/")
                if slash and slug in slugs:
                    return True
        return False


def commune_addresses(commune_id: int) -> CommuneAddresses:
    """The commune's addresses in a constant number of queries, whatever the number of its items."""
    from market.models import Product
    from tourism.models import Service

    key = Page.objects.filter(pk=commune_id).values("translation_key")
    url_paths = Page.objects.filter(translation_key__in=Subquery(key)).values_list("url_path", flat=True)
    page_prefixes = {address for address in map(page_url, url_paths) if address}
    slugs = {
        "market:product": frozenset(
            Product.objects.filter(commune_id=commune_id).values_list("slug", flat=True)
        ),
        "tourism:service": frozenset(
            Service.objects.filter(commune_id=commune_id).values_list("slug", flat=True)
        ),
    }
    item_prefixes = []
    for route, prefix in _item_route_prefixes():
        if slugs[route]:
            item_prefixes.append((prefix, slugs[route]))
    return CommuneAddresses(page_prefixes=tuple(sorted(page_prefixes)), item_prefixes=tuple(item_prefixes))


def _item_route_prefixes() -> list[tuple[str, str]]:
    """(route, ``/<lang>/market/p/``…) for every item route in every language: the address before the
    slug, which the route ends with (``<slug>/``)."""
    prefixes = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for route in ITEM_ROUTES:
                try:
                    address = reverse(route, args=[SLUG_STANDIN])
                except NoReverseMatch:  # pragma: no cover - routes are part of the site
                    continue
                prefix, found, rest = address.rpartition(SLUG_STANDIN)
                if found and rest == "/":
                    prefixes.append((route, prefix))
    return prefixes


def partners_syndicating(commune_id: int, starts_on: date, ends_on: date) -> int:
    """Distinct approved partners whose tracked links to the commune were followed within the period.

    The period's (partner, path) pairs are read in one query and tested against the commune's addresses
    in Python: one ``path LIKE`` per address would be thousands of terms for a commune with many
    products, more than a database accepts in one expression."""
    addresses = commune_addresses(commune_id)
    if not addresses:
        return 0
    pairs = (
        LinkClickDay.objects.filter(
            partner__status=PartnerStatus.APPROVED, day__gte=starts_on, day__lt=ends_on, clicks__gt=0
        )
        .order_by()
        .values_list("partner_id", "path")
        .distinct()
    )
    partners = set()
    for partner_id, path in pairs.iterator(chunk_size=2000):
        if partner_id not in partners and path in addresses:
            partners.add(partner_id)
    return len(partners)


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
