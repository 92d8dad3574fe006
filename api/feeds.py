"""Syndication feeds: the newest 50 items of one kind (or of every kind), of all communes or of one.

A feed is read in one language (``vi`` or ``en``): pages of that locale, products and services with
their names in that language. Every item carries its canonical URL, a stable id (a ``tag:`` URI,
RFC 4151), the commune as author (never a person), its topic or category, and the commune's
attribution line and licence. The queries per feed are fixed whatever the number of items: the place
index (two), one per page model, two for products and three for tourism services, plus the pages'
view restrictions.

Rendering: Atom 1.0 and RSS 2.0 through ``django.utils.feedgenerator``; JSON Feed 1.1 by hand
(``https://jsonfeed.org/version/1.1``) with an ``_svp`` extension object per item.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.money import format_vnd
from market.models import Product
from market.selectors import CARD_RENDITIONS as PRODUCT_CARD_RENDITIONS
from market.selectors import decorate_cards as decorate_products
from market.selectors import with_cards as products_with_cards
from tourism.models import Service, ServiceKind
from tourism.selectors import CARD_RENDITIONS as SERVICE_CARD_RENDITIONS
from tourism.selectors import with_cards as services_with_cards
from tourism.views.cards import decorate_cards as decorate_services
from village.models import EventPage, GuidePage, NewsPage, NoticePage

from .models import ItemKind
from .places import Place, PlaceIndex, page_url
from .syndication import absolute_url, attribution_line, licence_of, rendition_url

FEED_SIZE = 50
SUMMARY_WORDS = 60
#: the year in ``tag:`` ids (RFC 4151 wants a date on which the authority owned the name); never change it
TAG_YEAR = "2025"

ALL = "all"
#: feed kind in the URL → (the item kind it holds, its name)
FEED_KINDS = {
    "guides": (ItemKind.GUIDE, gettext_lazy("Digital village guide")),
    "news": (ItemKind.NEWS, gettext_lazy("News")),
    "notices": (ItemKind.NOTICE, gettext_lazy("Notices")),
    "events": (ItemKind.EVENT, gettext_lazy("Events")),
    "products": (ItemKind.PRODUCT, gettext_lazy("Products")),
    "stays": (ItemKind.STAY, gettext_lazy("Stays")),
    "experiences": (ItemKind.EXPERIENCE, gettext_lazy("Experiences")),
    "tours": (ItemKind.TOUR, gettext_lazy("Tours")),
}
ALL_LABEL = gettext_lazy("Everything new")
FORMATS = ("atom", "rss", "json")
CONTENT_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json",
}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

PAGE_MODELS = {
    ItemKind.GUIDE: GuidePage,
    ItemKind.NEWS: NewsPage,
    ItemKind.NOTICE: NoticePage,
    ItemKind.EVENT: EventPage,
}
SERVICE_KINDS = {
    ItemKind.STAY: ServiceKind.STAY,
    ItemKind.EXPERIENCE: ServiceKind.EXPERIENCE,
    ItemKind.TOUR: ServiceKind.TOUR,
}


class UnknownCommune(LookupError):
    """The feed names a commune that is not (or no longer) published."""


@dataclass
class FeedItem:
    kind: str
    pk: int
    language: str
    title: str
    path: str
    summary: str
    published: datetime
    updated: datetime
    commune: Place | None
    categories: list[str] = field(default_factory=list)
    #: short facts (price, dates, place…), plain text
    facts: list[str] = field(default_factory=list)
    image_url: str = ""


@dataclass
class Feed:
    language: str
    kind: str
    commune: Place | None
    items: list[FeedItem]


# --- what goes in -----------------------------------------------------------------------------------


def item_kinds(kind: str) -> list[str]:
    return [value for value, _label in FEED_KINDS.values()] if kind == ALL else [FEED_KINDS[kind][0]]


def build_feed(
    *, kind: str, language: str, places: PlaceIndex, commune_id: int | None = None, request=None
) -> Feed:
    """The newest :data:`FEED_SIZE` items, newest first (the language must be active)."""
    commune = None
    if commune_id is not None:
        commune = places.commune_by_page_id(commune_id)
        if commune is None:
            raise UnknownCommune(commune_id)
    kinds = item_kinds(kind)
    items: list[FeedItem] = []
    for item_kind, model in PAGE_MODELS.items():
        if item_kind in kinds:
            items += _page_items(
                item_kind, model, language=language, places=places, commune=commune, request=request
            )
    if ItemKind.PRODUCT in kinds:
        items += _product_items(language=language, places=places, commune=commune, request=request)
    service_kinds = [SERVICE_KINDS[item_kind] for item_kind in kinds if item_kind in SERVICE_KINDS]
    if service_kinds:
        items += _service_items(
            service_kinds, language=language, places=places, commune=commune, request=request
        )
    items.sort(key=lambda item: (item.published, item.pk), reverse=True)
    return Feed(language=language, kind=kind, commune=commune, items=items[:FEED_SIZE])


def _summary(text: str) -> str:
    return Truncator(strip_tags(text or "").strip()).words(SUMMARY_WORDS, truncate="…")


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _moment(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _page_items(item_kind, model, *, language, places, commune, request) -> list[FeedItem]:
    pages = model.objects.live().public().filter(locale__language_code=language).defer_streamfields()
    if commune is not None:
        within = Q()
        for path in places.paths.get(commune.id, []):
            within |= Q(path__startswith=path)
        pages = pages.filter(within)
    if item_kind == ItemKind.NOTICE:
        pages = pages.current()
    items = []
    for page in pages.order_by("-first_published_at", "-pk")[:FEED_SIZE]:
        published = page.first_published_at or page.last_published_at or timezone.now()
        categories, facts = [], []
        summary = getattr(page, "summary", "")
        if item_kind == ItemKind.GUIDE:
            categories = [page.get_topic_display(), page.get_audience_display()]
            facts = [
                ngettext("%(minutes)s minute", "%(minutes)s minutes", page.minutes_needed)
                % {"minutes": page.minutes_needed},
                str(page.get_difficulty_display()),
            ]
        elif item_kind == ItemKind.NEWS:
            categories = [str(FEED_KINDS["news"][1])]
            facts = [_day(page.date)]
        elif item_kind == ItemKind.NOTICE:
            categories = [str(FEED_KINDS["notices"][1]), page.get_urgency_display()]
            summary = page.body
            facts = [_day(page.date), _("Valid until %(moment)s") % {"moment": _moment(page.expires_at)}]
        elif item_kind == ItemKind.EVENT:
            categories = [str(FEED_KINDS["events"][1]), page.get_kind_display()]
            facts = [f"{_moment(page.start)} – {_moment(page.end)}", page.location]
        items.append(
            FeedItem(
                kind=item_kind,
                pk=page.pk,
                language=language,
                title=page.title,
                path=page_url(page.url_path, request),
                summary=_summary(summary or page.search_description),
                published=published,
                updated=page.last_published_at or published,
                commune=places.commune_of_path(page.path),
                categories=[str(category) for category in categories],
                facts=facts,
            )
        )
    return items


def _image_url(image, spec: str, request) -> str:
    return rendition_url(image, spec, request) or ""


def _commune_filter(queryset, places: PlaceIndex, commune: Place | None):
    return queryset if commune is None else queryset.filter(commune_id__in=places.page_ids(commune.id))


def _product_items(*, language, places, commune, request) -> list[FeedItem]:
    products = _commune_filter(products_with_cards(Product.objects.listed()), places, commune)
    products = decorate_products(products.order_by("-created_at", "-id")[:FEED_SIZE], commune_titles={})
    items = []
    for product in products:
        facts = [f"{format_vnd(product.price)} / {product.get_unit_display()}", product.producer.name]
        categories = [product.get_category_display()]
        if product.current_ocop is not None:
            facts.insert(1, _("OCOP %(stars)s stars") % {"stars": product.current_ocop.stars})
            categories.append("OCOP")
        items.append(
            FeedItem(
                kind=ItemKind.PRODUCT,
                pk=product.pk,
                language=language,
                title=product.name,
                path=reverse("market:product", kwargs={"slug": product.slug}),
                summary=_summary(product.description),
                published=product.created_at,
                updated=product.updated_at,
                commune=places.commune_by_page_id(product.commune_id),
                categories=[str(category) for category in categories],
                facts=facts,
                image_url=_image_url(product.card_image, PRODUCT_CARD_RENDITIONS[-1], request),
            )
        )
    return items


def _service_items(kinds, *, language, places, commune, request) -> list[FeedItem]:
    services = _commune_filter(
        services_with_cards(Service.objects.listed().filter(kind__in=kinds)), places, commune
    )
    services = decorate_services(services.order_by("-created_at", "-id")[:FEED_SIZE], commune_titles={})
    items = []
    for service in services:
        facts = [service.host.name]
        if service.from_price:
            template = (
                _("from %(price)s a night") if service.price_per == "night" else _("from %(price)s a person")
            )
            facts.insert(0, template % {"price": format_vnd(service.from_price)})
        items.append(
            FeedItem(
                kind=service.kind,
                pk=service.pk,
                language=language,
                title=service.title,
                path=reverse("tourism:service", kwargs={"slug": service.slug}),
                summary=_summary(service.description),
                published=service.created_at,
                updated=service.updated_at,
                commune=places.commune_by_page_id(service.commune_id),
                categories=[str(service.get_kind_display())],
                facts=facts,
                image_url=_image_url(service.card_image, SERVICE_CARD_RENDITIONS[-1], request),
            )
        )
    return items


# --- what comes out ---------------------------------------------------------------------------------


def tag_uri(specific: str) -> str:
    """A stable id: ``tag:<our host>,2025:<specific>`` (the host of ``WAGTAILADMIN_BASE_URL``)."""
    authority = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
    return f"tag:{authority},{TAG_YEAR}:{specific}"


def item_id(item: FeedItem) -> str:
    return tag_uri(f"{item.kind}/{item.pk}/{item.language}")


def feed_title(feed: Feed) -> str:
    label = ALL_LABEL if feed.kind == ALL else FEED_KINDS[feed.kind][1]
    if feed.commune is not None:
        return f"{feed.commune.title} · {label} · {settings.API_PLATFORM_NAME}"
    return f"{label} · {settings.API_PLATFORM_NAME}"


def feed_description(feed: Feed) -> str:
    if feed.commune is not None:
        return _("The newest items of %(commune)s on %(platform)s, with attribution and licence.") % {
            "commune": feed.commune.title,
            "platform": settings.API_PLATFORM_NAME,
        }
    return _("The newest items of every commune on %(platform)s, with attribution and licence.") % {
        "platform": settings.API_PLATFORM_NAME
    }


def feed_rights(feed: Feed) -> str:
    if feed.commune is not None:
        return attribution_line(feed.commune)
    return _("Each item names its commune and licence; cite them with the item.")


def home_path(feed: Feed, request=None) -> str:
    if feed.commune is not None:
        return page_url(feed.commune.url_path, request) or f"/{feed.language}/"
    return f"/{feed.language}/"


def commune_url(commune: Place | None, request=None) -> str | None:
    """The absolute address of the commune's page (in the language its Place was loaded in)."""
    path = page_url(commune.url_path, request) if commune is not None else ""
    return absolute_url(path, request) if path else None


@dataclass(frozen=True)
class ItemRights:
    attribution: str
    licence_name: str
    licence_url: str


def rights_of(item: FeedItem) -> ItemRights:
    commune = item.commune
    licence = licence_of(commune)
    return ItemRights(
        attribution=attribution_line(commune), licence_name=licence.name, licence_url=licence.url
    )


def item_html(item: FeedItem, rights: ItemRights) -> str:
    """The entry's content: summary, facts and the attribution with a link to the licence (HTML)."""
    parts = []
    if item.summary:
        parts.append(f"<p>{escape(item.summary)}</p>")
    if item.facts:
        parts.append(f"<p>{escape(' · '.join(fact for fact in item.facts if fact))}</p>")
    attribution = escape(rights.attribution)
    if rights.licence_url:
        attribution += (
            f' <a rel="license" href="{escape(rights.licence_url)}">{escape(rights.licence_name)}</a>'
        )
    parts.append(f"<p><small>{attribution}</small></p>")
    return "".join(parts)


class AtomFeed(Atom1Feed):
    """Atom 1.0 with each entry's licence as ``<link rel="license">`` (RFC 4946)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("licence_url"):
            handler.addQuickElement("link", "", {"rel": "license", "href": item["licence_url"]})


class RssFeed(Rss201rev2Feed):
    """RSS 2.0 with each item's attribution and licence as ``<dc:rights>``."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": "http://purl.org/dc/elements/1.1/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("item_copyright"):
            handler.addQuickElement("dc:rights", item["item_copyright"])


def _rights_text(rights: ItemRights) -> str:
    return f"{rights.attribution} {rights.licence_url}".strip()


def render_xml(feed: Feed, *, feed_format: str, feed_url: str, request=None) -> str:
    generator_class = AtomFeed if feed_format == "atom" else RssFeed
    author = feed.commune.title if feed.commune is not None else settings.API_PLATFORM_NAME
    generator = generator_class(
        title=feed_title(feed),
        link=absolute_url(home_path(feed, request), request),
        description=feed_description(feed),
        language=feed.language,
        author_name=author,
        feed_url=feed_url,
        feed_guid=tag_uri(f"feed/{feed.language}/{feed.commune.id if feed.commune else ALL}/{feed.kind}"),
        feed_copyright=feed_rights(feed),
        ttl="5",
    )
    for item in feed.items:
        rights = rights_of(item)
        generator.add_item(
            title=item.title,
            link=absolute_url(item.path, request),
            description=item_html(item, rights),
            author_name=item.commune.title if item.commune else settings.API_PLATFORM_NAME,
            author_link=commune_url(item.commune, request),
            pubdate=item.published,
            updateddate=item.updated,
            unique_id=item_id(item),
            unique_id_is_permalink=False,
            categories=item.categories,
            item_copyright=_rights_text(rights),
            licence_url=rights.licence_url,
        )
    return generator.writeString("utf-8")


def render_json(feed: Feed, *, feed_url: str, request=None) -> str:
    """JSON Feed 1.1; each item's ``_svp`` object holds its syndication block and kind."""
    author = {"name": feed.commune.title if feed.commune is not None else settings.API_PLATFORM_NAME}
    author["url"] = absolute_url(home_path(feed, request), request)
    data = {
        "version": JSON_FEED_VERSION,
        "title": feed_title(feed),
        "home_page_url": absolute_url(home_path(feed, request), request),
        "feed_url": feed_url,
        "description": feed_description(feed),
        "language": feed.language,
        "authors": [author],
        "_svp": {"rights": feed_rights(feed)},
        "items": [],
    }
    for item in feed.items:
        rights = rights_of(item)
        canonical = absolute_url(item.path, request)
        entry = {
            "id": item_id(item),
            "url": canonical,
            "title": item.title,
            "summary": item.summary,
            "content_html": item_html(item, rights),
            "date_published": item.published.isoformat(),
            "date_modified": item.updated.isoformat(),
            "authors": [_json_author(item, request)],
            "tags": item.categories,
            "language": item.language,
        }
        if item.image_url:
            entry["image"] = item.image_url
        entry["_svp"] = {
            "kind": item.kind,
            "canonical_url": canonical,
            "tracked_url": canonical,
            "attribution": rights.attribution,
            "licence": {"name": rights.licence_name, "url": rights.licence_url},
            "commune": {"id": item.commune.id, "title": item.commune.title} if item.commune else None,
        }
        data["items"].append(entry)
    return json.dumps(data, ensure_ascii=False)


def _json_author(item: FeedItem, request) -> dict:
    if item.commune is None:
        return {"name": settings.API_PLATFORM_NAME}
    author = {"name": item.commune.title}
    url = commune_url(item.commune, request)
    if url:
        author["url"] = url
    return author


def render(feed: Feed, *, feed_format: str, feed_url: str, request=None) -> str:
    if feed_format == "json":
        return render_json(feed, feed_url=feed_url, request=request)
    return render_xml(feed, feed_format=feed_format, feed_url=feed_url, request=request)
