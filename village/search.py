"""The one site search: every live page in the visitor's language, plus registered searchables.

The query is folded (``core.text.fold_query``) and matched against each page's folded copy
(``VillageBasePage.folded_text``), so diacritics are optional on SQLite, PostgreSQL and Elasticsearch.
"""

from dataclasses import dataclass, field

from wagtail.models import Locale, Page

from core.registries import SearchHit, searchables
from core.text import fold_query

MAX_QUERY_LENGTH = 200


@dataclass
class OtherResults:
    """Hits from one registered searchable (products, stays…), with a link to that app's full search."""

    label: str
    hits: list[SearchHit]
    more_url: str = ""


@dataclass
class SearchOutcome:
    query: str
    folded_query: str
    pages: list
    others: list[OtherResults] = field(default_factory=list)
    too_long: bool = False


def search_pages(query: str, *, locale: Locale | None = None, limit: int = 50):
    """Live, public pages of ``locale`` matching ``query`` with or without diacritics, best first."""
    folded = fold_query(query, max_length=MAX_QUERY_LENGTH)
    if not folded:
        return Page.objects.none()
    pages = Page.objects.live().public().filter(depth__gt=1)
    if locale is not None:
        pages = pages.filter(locale=locale)
    return pages.search(folded, operator="and")[:limit]


def site_search(
    query: str, *, locale: Locale | None = None, limit: int = 50, others_limit: int = 5
) -> SearchOutcome:
    """Pages of the visitor's language, then a few hits from each registered searchable."""
    folded = fold_query(query, max_length=MAX_QUERY_LENGTH)
    pages = list(search_pages(query, locale=locale, limit=limit)) if folded else []
    others = []
    if folded:
        registered = sorted((entry for _key, entry in searchables.items()), key=lambda entry: entry.order)
        for searchable in registered:
            hits = searchable.search(folded.split(), others_limit)
            if hits:
                more = searchable.more_url(query) if searchable.more_url else ""
                others.append(OtherResults(label=searchable.label, hits=hits, more_url=more))
    return SearchOutcome(
        query=query,
        folded_query=folded,
        pages=pages,
        others=others,
        too_long=len(query or "") > MAX_QUERY_LENGTH,
    )


# --- the one search's documents (core.search) --------------------------------------------------------

PROVINCE_DEPTH = 3
COMMUNE_DEPTH = 4


@dataclass(frozen=True)
class _Place:
    canonical_id: int
    path: str
    titles: dict
    latitude: float | None = None
    longitude: float | None = None


class Places:
    """Every province and commune in two queries: canonical ids (the Vietnamese page's id, the same in
    every language), titles per language, tree paths and the commune's coordinates.

    Search documents of pages, products and listings name their province and commune with it.
    """

    def __init__(self):
        from django.conf import settings

        from .models import CommunePage, ProvincePage

        self.default_language = settings.LANGUAGE_CODE
        self._by_page_id: dict[int, _Place] = {}
        self._by_path: dict[str, _Place] = {}
        for model in (ProvincePage, CommunePage):
            rows = list(
                model.objects.values("pk", "path", "translation_key", "title", "locale__language_code")
            )
            coordinates = {}
            if model is CommunePage:
                coordinates = {
                    row["pk"]: (row["latitude"], row["longitude"])
                    for row in CommunePage.objects.values("pk", "latitude", "longitude")
                }
            groups: dict = {}
            for row in rows:
                groups.setdefault(row["translation_key"], []).append(row)
            for group in groups.values():
                canonical = next(
                    (row for row in group if row["locale__language_code"] == self.default_language), group[0]
                )
                latitude, longitude = coordinates.get(canonical["pk"], (None, None))
                place = _Place(
                    canonical_id=canonical["pk"],
                    path=canonical["path"],
                    titles={row["locale__language_code"]: row["title"] for row in group},
                    latitude=float(latitude) if latitude is not None else None,
                    longitude=float(longitude) if longitude is not None else None,
                )
                for row in group:
                    self._by_page_id[row["pk"]] = place
                    self._by_path[row["path"]] = place

    def title(self, place: _Place | None, language: str) -> str:
        if place is None:
            return ""
        return place.titles.get(language) or place.titles.get(self.default_language) or ""

    def commune_of_page(self, commune_page_id: int | None) -> _Place | None:
        return self._by_page_id.get(commune_page_id) if commune_page_id is not None else None

    def province_of_page(self, province_page_id: int) -> _Place | None:
        return self._by_page_id.get(province_page_id)

    def commune_of_path(self, path: str) -> _Place | None:
        return (
            self._by_path.get(path[: COMMUNE_DEPTH * Page.steplen])
            if len(path) >= COMMUNE_DEPTH * 4
            else None
        )

    def province_of(self, commune: _Place | None) -> _Place | None:
        if commune is None:
            return None
        return self._by_path.get(commune.path[: PROVINCE_DEPTH * Page.steplen])

    def area(self, commune: _Place | None, language: str) -> dict:
        """The place fields of a search document for ``commune`` in ``language``."""
        province = self.province_of(commune)
        return {
            "province_id": province.canonical_id if province else None,
            "province_name": self.title(province, language),
            "commune_id": commune.canonical_id if commune else None,
            "commune_name": self.title(commune, language),
            "latitude": commune.latitude if commune else None,
            "longitude": commune.longitude if commune else None,
        }

    def province_exists(self, province_id: int) -> bool:
        place = self._by_page_id.get(province_id)
        return (
            place is not None
            and place.canonical_id == province_id
            and len(place.path) == PROVINCE_DEPTH * Page.steplen
        )

    def commune_exists(self, commune_id: int) -> bool:
        place = self._by_page_id.get(commune_id)
        return (
            place is not None
            and place.canonical_id == commune_id
            and len(place.path) == COMMUNE_DEPTH * Page.steplen
        )


#: the search kind of each page type (``content_type.model``)
PAGE_KINDS = {
    "guidepage": "guide",
    "newspage": "news",
    "eventpage": "event",
    "noticepage": "notice",
    "provincepage": "place",
    "communepage": "place",
    "villagepage": "place",
}


def page_keys(pages) -> list[str]:
    """The search keys of ``pages`` (a queryset of ``Page``): ``["guide:12", "place:3", …]``."""
    return [
        f"{PAGE_KINDS[model]}:{pk}"
        for pk, model in pages.values_list("pk", "content_type__model")
        if model in PAGE_KINDS
    ]


def ids_of(keys, prefix: str) -> list[int]:
    """``["guide:12", "guide:x", "news:3"]``, ``"guide"`` → ``[12]``."""
    ids = []
    for key in keys:
        kind, _colon, value = key.partition(":")
        if kind == prefix and value.isdigit():
            ids.append(int(value))
    return ids


def _pages_due(kind: str):
    """``keys_due`` of notices (ranked lower once expired) and events (once ended)."""

    def keys_due(since, until) -> list[str]:
        from .models import EventPage, NoticePage

        if kind == "notice":
            pages = NoticePage.objects.live().filter(expires_at__gte=since, expires_at__lt=until)
        else:
            pages = EventPage.objects.live().filter(end__gte=since, end__lt=until)
        return [f"{kind}:{pk}" for pk in pages.values_list("pk", flat=True)]

    return keys_due


def _page_documents(kind: str):
    """``documents(keys)`` of a page kind: live, public pages, one document each in its own language."""

    def documents(keys=None):
        from django.utils import timezone

        from core.search.documents import SearchDocument

        from .models import EventPage, GuidePage, NewsPage, NoticePage

        model = {"guide": GuidePage, "news": NewsPage, "event": EventPage, "notice": NoticePage}[kind]
        pages = model.objects.live().public().select_related("locale").order_by("pk")
        if keys is not None:
            pages = pages.filter(pk__in=ids_of(keys, kind))
        places = Places()
        now = timezone.now()
        for page in pages.iterator(chunk_size=200):
            language = page.locale.language_code
            category = getattr(page, "topic", "") if kind == "guide" else page.kind if kind == "event" else ""
            boost = 1.0
            if kind == "notice" and page.expires_at <= now:
                boost = 0.5
            elif kind == "event":
                boost = 1.1 if page.end >= now else 0.7
            yield SearchDocument(
                key=f"{kind}:{page.pk}",
                kind=kind,
                language=language,
                title=page.title,
                summary=page.teaser,
                text=page.folded_text(),
                url=page.get_url() or page.url_path,
                category=category or "",
                ocop_stars=None,
                price=None,
                updated_at=page.last_published_at or page.latest_revision_created_at or now,
                boost=boost,
                **places.area(places.commune_of_path(page.path), language),
            )

    return documents


#: places rank a little above the items that only mention them; a commune above its villages
PLACE_BOOSTS = {"ProvincePage": 1.3, "CommunePage": 1.3, "VillagePage": 1.1}


def place_documents(keys=None):
    """``documents(keys)`` of places: live, public province, commune and village pages, one document each
    in its own language (``"place:<page id>"``), so searching ``ta van`` finds the commune of Tả Van."""
    from django.utils import timezone

    from core.search.documents import SearchDocument

    from .models import CommunePage, ProvincePage, VillagePage

    ids = ids_of(keys, "place") if keys is not None else None
    if ids == []:
        return
    places = Places()
    now = timezone.now()
    for model in (ProvincePage, CommunePage, VillagePage):
        pages = model.objects.live().public().select_related("locale").order_by("pk")
        if ids is not None:
            pages = pages.filter(pk__in=ids)
        for page in pages.iterator(chunk_size=200):
            language = page.locale.language_code
            if model is ProvincePage:
                province = places.province_of_page(page.pk)
                area = {
                    **places.area(None, language),
                    "province_id": province.canonical_id if province else None,
                    "province_name": places.title(province, language),
                }
            else:
                area = places.area(places.commune_of_path(page.path), language)
            yield SearchDocument(
                key=f"place:{page.pk}",
                kind="place",
                language=language,
                title=page.title,
                summary=page.teaser,
                text=page.folded_text(),
                url=page.get_url() or page.url_path,
                category="",
                ocop_stars=None,
                price=None,
                updated_at=page.last_published_at or page.latest_revision_created_at or now,
                boost=PLACE_BOOSTS[model.__name__],
                **area,
            )


def register_search_sources() -> None:
    """Guides, news, events, notices and places in the one search (``core.search``), re-indexed on
    publishing."""
    from django.utils.translation import gettext_lazy as _

    from core.registries import SearchSource, search_sources
    from core.search import indexing

    from .models import EventKind, Topic

    for order, (kind, label, categories) in enumerate(
        (
            ("guide", _("Guides"), tuple(Topic.choices)),
            ("news", _("News"), ()),
            ("event", _("Events"), tuple(EventKind.choices)),
            ("notice", _("Notices"), ()),
        ),
        start=1,
    ):
        search_sources.register(
            kind,
            SearchSource(
                kind=kind,
                label=label,
                documents=_page_documents(kind),
                event_patterns=(f"village.{kind}.*",),
                keys_due=_pages_due(kind) if kind in ("notice", "event") else None,
                categories=categories,
                order=order,
            ),
        )
    search_sources.register(
        "place",
        SearchSource(
            kind="place",
            label=_("Places"),
            documents=place_documents,
            # communes publish as village.commune.*; provinces and villages as village.page.* (a key of
            # another page kind yields no document and leaves nothing behind)
            event_patterns=("village.commune.published", "village.commune.unpublished", "village.page.*"),
            order=5,
        ),
    )
    indexing.register()


# --- the search page ------------------------------------------------------------------------------------

FILTER_PARAMETERS = ("kind", "province", "commune", "category", "ocop", "price", "min_price", "max_price")


@dataclass
class FacetLink:
    label: str
    count: int
    url: str
    selected: bool = False
    value: str = ""


@dataclass
class FacetGroup:
    name: str
    label: str
    links: list[FacetLink]
    clear_url: str = ""


@dataclass
class ShownHit:
    hit: object
    kind_label: str


def filter_labels() -> dict[str, str]:
    """The search page's parameters as a visitor reads them, to say which filter is not valid."""
    from django.utils.translation import gettext as _

    return {
        "kind": _("Type"),
        "province": _("Province"),
        "commune": _("Commune"),
        "category": _("Category"),
        "ocop": _("OCOP stars"),
        "price": _("Price"),
        "min_price": _("Lowest price"),
        "max_price": _("Highest price"),
        "page": _("Page"),
    }


def _page_url(request, **changes) -> str:
    """This search's address with ``changes`` (``None`` removes a parameter; a list sets several values);
    any change goes back to the first page."""
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        params.pop(name, None)
        if isinstance(value, list | tuple):
            params.setlist(name, list(value))
        elif value is not None:
            params[name] = str(value)
    encoded = params.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def price_band_label(band: str) -> str:
    from django.utils.translation import gettext as _

    from core.money import format_vnd
    from core.search.documents import price_band

    lowest, highest = price_band(band)
    if not lowest:
        return _("under %(price)s") % {"price": format_vnd(highest)}
    if highest is None:
        return _("%(price)s and more") % {"price": format_vnd(lowest)}
    return _("%(lowest)s to %(highest)s") % {"lowest": format_vnd(lowest), "highest": format_vnd(highest)}


def _facet_groups(request, query, facets) -> list[FacetGroup]:
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    groups = []
    selected_kinds = set(query.kinds)
    kind_links = []
    for facet in facets.get("kind", []):
        chosen = facet.value in selected_kinds
        kinds = sorted(selected_kinds - {facet.value}) if chosen else sorted(selected_kinds | {facet.value})
        kind_links.append(
            FacetLink(facet.label, facet.count, _page_url(request, kind=kinds), chosen, value=facet.value)
        )
    groups.append(
        FacetGroup("kind", _("Type"), kind_links, _page_url(request, kind=None) if selected_kinds else "")
    )
    for name, parameter, label, current in (
        ("province", "province", _("Province"), query.province_id),
        ("commune", "commune", _("Commune"), query.commune_id),
        ("category", "category", _("Category"), query.category or None),
    ):
        links = [
            FacetLink(
                facet.label,
                facet.count,
                _page_url(request, **{parameter: facet.value}),
                str(current) == facet.value,
                value=facet.value,
            )
            for facet in facets.get(name, [])
        ]
        groups.append(
            FacetGroup(name, label, links, _page_url(request, **{parameter: None}) if current else "")
        )
    stars_links = [
        FacetLink(
            ngettext("%(stars)s OCOP star or more", "%(stars)s OCOP stars or more", int(facet.value))
            % {"stars": facet.value},
            facet.count,
            _page_url(request, ocop=facet.value),
            str(query.min_ocop_stars) == facet.value,
            value=facet.value,
        )
        for facet in facets.get("ocop_stars", [])
    ]
    groups.append(
        FacetGroup(
            "ocop",
            _("OCOP stars"),
            stars_links,
            _page_url(request, ocop=None) if query.min_ocop_stars else "",
        )
    )
    band = request.GET.get("price", "")
    price_filtered = query.min_price is not None or query.max_price is not None
    price_links = [
        FacetLink(
            price_band_label(facet.value),
            facet.count,
            _page_url(request, price=facet.value, min_price=None, max_price=None),
            band == facet.value,
            value=facet.value,
        )
        for facet in facets.get("price", [])
    ]
    groups.append(
        FacetGroup(
            "price",
            _("Price"),
            price_links,
            _page_url(request, price=None, min_price=None, max_price=None) if price_filtered else "",
        )
    )
    return [group for group in groups if group.links or group.clear_url]


def search_page_context(request, query) -> dict:
    """What ``village/search.html`` shows for a valid :class:`core.search.documents.SearchQuery`."""
    from core.search import indexing
    from core.search.backends import get_search_backend

    filtered = any(request.GET.get(name) for name in FILTER_PARAMETERS)
    context = {"search_query": query, "too_long": query.is_cut, "words": query.words, "filtered": filtered}
    if not query.words and not filtered:
        return context
    results = get_search_backend().search(query)
    kinds = indexing.known_kinds()
    pages = max(1, -(-results.total // query.per_page))
    context.update(
        results=results,
        hits=[ShownHit(hit, str(kinds.get(hit.kind, hit.kind))) for hit in results.hits],
        facet_groups=_facet_groups(request, query, results.facets),
        kind_choices=[(kind, str(label)) for kind, label in kinds.items()],
        page_number=query.page,
        page_count=pages,
        previous_url=_page_url(request, page=query.page - 1) if query.page > 1 else "",
        next_url=_page_url(request, page=query.page + 1) if query.page < pages else "",
    )
    present = {facet.value for facet in results.facets.get("kind", [])}
    more = []
    if query.text.strip():
        for source in indexing.sources():
            if source.more_url and any(kind in present for kind, _label in source.document_kinds()):
                more.append({"label": str(source.label), "url": source.more_url(query.text)})
    context["more_links"] = more
    return context
