"""Provinces and communes as the API names them, loaded once per request in two queries.

Wagtail keeps one page per language (``translation_key`` ties them). The API gives a province or a
commune **one id in every language**: the id of its page in the default language (Vietnamese), so
``?commune=12`` means the same commune whether the answer is in vi or en. Content pages (guides,
news…) find their commune and province by tree path (province at depth 3, commune at depth 4) instead
of one query each.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site

from village.models import CommunePage, ProvincePage

PROVINCE_DEPTH = 3
COMMUNE_DEPTH = 4


@dataclass(frozen=True)
class Place:
    id: int
    title: str
    slug: str
    path: str
    url_path: str
    translation_key: str
    licence: str = ""
    latitude: float | None = None
    longitude: float | None = None
    province_id: int | None = None


@dataclass
class PlaceIndex:
    """Every live province and commune, each in the requested language with its canonical id."""

    language: str
    provinces: dict[int, Place] = field(default_factory=dict)
    communes: dict[int, Place] = field(default_factory=dict)
    #: any page id (any language) → canonical id, for both kinds
    canonical: dict[int, int] = field(default_factory=dict)
    #: tree path prefix of a page in any language → canonical id
    by_path: dict[str, int] = field(default_factory=dict)
    #: canonical id → tree paths of its pages in every language (for descendant filters)
    paths: dict[int, list[str]] = field(default_factory=dict)

    def commune_of_path(self, path: str) -> Place | None:
        canonical = self.by_path.get(path[: COMMUNE_DEPTH * Page.steplen])
        return self.communes.get(canonical) if canonical is not None else None

    def province_of_path(self, path: str) -> Place | None:
        canonical = self.by_path.get(path[: PROVINCE_DEPTH * Page.steplen])
        return self.provinces.get(canonical) if canonical is not None else None

    def commune_by_page_id(self, page_id: int | None) -> Place | None:
        canonical = self.canonical.get(page_id) if page_id is not None else None
        return self.communes.get(canonical) if canonical is not None else None

    def province_of_commune(self, commune: Place | None) -> Place | None:
        if commune is None or commune.province_id is None:
            return None
        return self.provinces.get(commune.province_id)

    def page_ids(self, canonical_id: int) -> list[int]:
        """Every page id (all languages) of a canonical province or commune."""
        return [page_id for page_id, canonical in self.canonical.items() if canonical == canonical_id]

    def commune_ids_in_province(self, province_id: int) -> list[int]:
        return [commune.id for commune in self.communes.values() if commune.province_id == province_id]


def _rows(model, fields):
    return list(
        model.objects.live().values("pk", "path", "translation_key", "locale__language_code", *fields)
    )


def load_places(language: str) -> PlaceIndex:
    """Two queries: live provinces, live communes (every language)."""
    default = settings.LANGUAGE_CODE
    index = PlaceIndex(language=language)
    for kind, model, fields in (
        ("province", ProvincePage, ("title", "slug", "url_path")),
        ("commune", CommunePage, ("title", "slug", "url_path", "content_licence", "latitude", "longitude")),
    ):
        rows = _rows(model, fields)
        by_key: dict = {}
        for row in rows:
            by_key.setdefault(row["translation_key"], []).append(row)
        for versions in by_key.values():
            original = next((r for r in versions if r["locale__language_code"] == default), versions[0])
            shown = next((r for r in versions if r["locale__language_code"] == language), original)
            canonical_id = original["pk"]
            for row in versions:
                index.canonical[row["pk"]] = canonical_id
                index.by_path[row["path"]] = canonical_id
                index.paths.setdefault(canonical_id, []).append(row["path"])
            place = Place(
                id=canonical_id,
                title=shown["title"],
                slug=shown["slug"],
                path=shown["path"],
                url_path=shown["url_path"],
                translation_key=str(shown["translation_key"]),
                licence=shown.get("content_licence", "") or "",
                latitude=float(shown["latitude"]) if shown.get("latitude") is not None else None,
                longitude=float(shown["longitude"]) if shown.get("longitude") is not None else None,
                province_id=index.by_path.get(shown["path"][: PROVINCE_DEPTH * Page.steplen])
                if kind == "commune"
                else None,
            )
            (index.provinces if kind == "province" else index.communes)[canonical_id] = place
    return index


def places_for(request, language: str) -> PlaceIndex:
    """The request's place index (loaded on first use)."""
    cached = getattr(request, "_api_places", None)
    if cached is None or cached.language != language:
        cached = load_places(language)
        request._api_places = cached
    return cached


def page_url(url_path: str, request=None) -> str:
    """The public address (path) of a page known only by its ``url_path``, without a query.

    Wagtail's own ``get_url`` builds page objects and reverses a URL for every call; a list of 50 items
    needs 50 addresses, so the site roots' prefixes (``/vi/``, ``/en/``) are worked out once per request
    and the rest is string work. Pages outside every site root have no address (``""``)."""
    for root_path, prefix in _root_prefixes(request):
        if url_path.startswith(root_path):
            return prefix + url_path[len(root_path) :]
    return ""


def _root_prefixes(request) -> list[tuple[str, str]]:
    cached = getattr(request, "_api_root_prefixes", None) if request is not None else None
    if cached is not None:
        return cached
    prefixes = []
    for root in Site.get_site_root_paths():
        with translation.override(root.language_code):
            prefixes.append((root.root_path, reverse("wagtail_serve", args=("",))))
    prefixes.sort(key=lambda item: len(item[0]), reverse=True)
    if request is not None:
        request._api_root_prefixes = prefixes
    return prefixes
