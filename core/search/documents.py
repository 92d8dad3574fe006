"""What the one site search indexes and asks, whatever the backend (database or Elasticsearch).

A :class:`SearchDocument` is one item in one language: a guide chapter, news item, event or notice
(pages: their own locale), a product, a stay, tour or experience (Vietnamese, and English when the
listing has an English title). Its ``key`` names the item across languages (``"product:12"``), so the
index holds at most one entry per ``(key, language)``.

Provinces and communes are named by their canonical ids: the id of their Vietnamese page, the same in
every language (as the API names them); ``province_name``/``commune_name`` are their titles in the
document's language, used as facet labels.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import fold_query

#: the longest query used; longer ones are cut (the visitor is told), never refused
MAX_QUERY_LENGTH = 200
#: words of a query beyond these are ignored (every word must match, so more words only narrow)
MAX_QUERY_WORDS = 8
MAX_PER_PAGE = 50
#: a page number beyond this is refused: nobody reads 500 pages of results, and deep offsets are slow
MAX_PAGE = 500

#: price bands of the price facet, in VND: (value, lowest, highest or None)
PRICE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-100000", 0, 100_000),
    ("100000-300000", 100_000, 300_000),
    ("300000-1000000", 300_000, 1_000_000),
    ("1000000-", 1_000_000, None),
)

FACET_NAMES = ("kind", "province", "commune", "category", "ocop_stars", "price")


@dataclass
class SearchDocument:
    """One item in one language, ready to index (see the module docstring)."""

    key: str
    kind: str
    language: str
    title: str
    summary: str
    text: str
    url: str
    province_id: int | None
    commune_id: int | None
    category: str
    ocop_stars: int | None
    price: int | None
    latitude: float | None
    longitude: float | None
    updated_at: datetime
    boost: float = 1.0
    province_name: str = ""
    commune_name: str = ""


@dataclass(frozen=True)
class SearchQuery:
    """A visitor's search: words (folded by the backend), a language, and facet filters.

    ``min_price``/``max_price`` bound the price in VND: ``min_price <= price < max_price``.
    """

    text: str
    language: str
    kinds: tuple[str, ...] = ()
    province_id: int | None = None
    commune_id: int | None = None
    category: str = ""
    min_ocop_stars: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    page: int = 1
    per_page: int = 20

    @property
    def words(self) -> list[str]:
        """The folded words that must all match (the last one as a prefix), at most ``MAX_QUERY_WORDS``."""
        return query_words(self.text)

    @property
    def is_cut(self) -> bool:
        return len(self.text or "") > MAX_QUERY_LENGTH


@dataclass(frozen=True)
class SearchHit:
    key: str
    kind: str
    language: str
    title: str
    summary: str
    url: str
    province_id: int | None = None
    commune_id: int | None = None
    province_name: str = ""
    commune_name: str = ""
    category: str = ""
    ocop_stars: int | None = None
    price: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    updated_at: datetime | None = None
    score: float = 0.0


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    """A title that starts with (a word starting with) what the visitor has typed so far."""

    text: str
    kind: str
    url: str


def search_words(text: str | None, *, max_length: int) -> list[str]:
    """The folded words of ``text``: letters and digits only (operators and ``_`` are separators)."""
    return fold_query(text, max_length=max_length).replace("_", " ").split()


def query_words(text: str | None) -> list[str]:
    """``"Chè  Shan-Tuyết!!"`` → ``["che", "shan", "tuyet"]``: folded, without operators, cut; never fails."""
    return search_words(text, max_length=MAX_QUERY_LENGTH)[:MAX_QUERY_WORDS]


def price_band(value: str) -> tuple[int, int | None]:
    """The ``(lowest, highest)`` of a price band value; ``ValidationError`` for an unknown one."""
    for band, lowest, highest in PRICE_BANDS:
        if band == value:
            return lowest, highest
    raise ValidationError({"price": _("This price band does not exist.")})


def _integer(params, name: str, *, minimum: int, maximum: int, errors: dict) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = _("Enter a whole number.")
        return None
    if not minimum <= value <= maximum:
        errors[name] = _("Enter a number from %(minimum)s to %(maximum)s.") % {
            "minimum": minimum,
            "maximum": maximum,
        }
        return None
    return value


def parse_query(
    params,
    *,
    language: str,
    known_kinds,
    known_categories,
    province_exists=None,
    commune_exists=None,
    per_page: int = 20,
) -> SearchQuery:
    """A :class:`SearchQuery` from request parameters (``q``, ``kind`` (repeatable), ``province``,
    ``commune``, ``category``, ``ocop``, ``price`` (a band), ``min_price``, ``max_price``, ``page``).

    Filter values that do not exist raise ``ValidationError`` with one message per parameter, so the page
    and the API answer 400, never 500. ``province_exists``/``commune_exists`` (``id -> bool``) say whether
    a place id exists; without them any positive id is accepted. A long or operator-laden ``q`` is not an
    error: it is folded and cut.
    """
    errors: dict[str, str] = {}
    kinds = tuple(dict.fromkeys(value for value in _many(params, "kind") if value))
    unknown = [kind for kind in kinds if kind not in set(known_kinds)]
    if unknown:
        errors["kind"] = _("This type of result does not exist: %(kinds)s.") % {"kinds": ", ".join(unknown)}
    category = (params.get("category") or "").strip()
    if category and category not in set(known_categories):
        errors["category"] = _("This category does not exist.")
    big = 2**53
    province_id = _integer(params, "province", minimum=1, maximum=big, errors=errors)
    if province_id is not None and province_exists is not None and not province_exists(province_id):
        errors["province"] = _("This province does not exist.")
    commune_id = _integer(params, "commune", minimum=1, maximum=big, errors=errors)
    if commune_id is not None and commune_exists is not None and not commune_exists(commune_id):
        errors["commune"] = _("This commune does not exist.")
    stars = _integer(params, "ocop", minimum=1, maximum=5, errors=errors)
    min_price = _integer(params, "min_price", minimum=0, maximum=10**12, errors=errors)
    max_price = _integer(params, "max_price", minimum=1, maximum=10**12, errors=errors)
    band = (params.get("price") or "").strip()
    if band:
        try:
            min_price, max_price = price_band(band)
        except ValidationError as error:
            errors.update({name: messages[0] for name, messages in error.message_dict.items()})
    if min_price is not None and max_price is not None and min_price >= max_price and "price" not in errors:
        errors["max_price"] = _("The highest price must be above the lowest.")
    page = _integer(params, "page", minimum=1, maximum=MAX_PAGE, errors=errors) or 1
    if errors:
        raise ValidationError(errors)
    return SearchQuery(
        text=params.get("q") or "",
        language=language,
        kinds=kinds,
        province_id=province_id,
        commune_id=commune_id,
        category=category,
        min_ocop_stars=stars,
        min_price=min_price,
        max_price=max_price,
        page=page,
        per_page=min(max(per_page, 1), MAX_PER_PAGE),
    )


def _many(params, name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    if getlist is not None:
        return [value.strip() for value in getlist(name)]
    value = params.get(name)
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value]
    return [part.strip() for part in str(value or "").split(",")]
