"""Demand ↔ supply matching: which listings fit a buyer's demand, and which open demands fit a listing.

Both directions score the same pairs the same way (:func:`score_pair`), so a producer sees a demand
ranked exactly as the buyer sees the producer's listing.

**Hard filters** — a listing that fails one is not a match at all:

* it is listed (approved product of an approved producer, neither deleted) and not the buyer's own;
* its unit converts to the demand's (``market.units``: kg ↔ g, l ↔ ml; a kg demand never matches a
  listing sold by the piece);
* the demand's category, when it has one; without one, at least one of the demand's words is a whole
  word of the listing (the words alone chose the candidates);
* every required certification, current on the day (``valid_until`` empty or not passed), and the
  minimum OCOP stars, from a rating not expired;
* something to sell: stock now, or a harvest month between today and the needed-by date.

**Score** — each part scores 0–1 (its *value*) and counts with its weight from
``settings.MATCHING_WEIGHTS`` (the weights add up to 1, so a match scores 0–1). What the buyer asked
for comes first: every part but ``text`` is scaled by the listing's *relevance*,
``0.3 + 0.7 × text value``, so a cheap, well-stocked listing of something else cannot outrank the thing
asked for. ``Match.parts`` holds each part's contribution (weight × value, × relevance except for
text; they add up to ``Match.score``) and ``Match.reasons`` says why in words, most telling first:

* ``text`` — the demand's title and keyword words (folded: no diacritics, no case; filler words such as
  ``cho``/``và`` left out) found in the listing: a word of the listing's *name* counts 1, of its
  description 0.6 (``chè``/``trà``, the two words for tea, stand in for each other at 0.8). The
  title's first word counts double: a Vietnamese noun phrase starts with what the thing is (``khăn thổ
  cẩm`` is a scarf, ``túi thổ cẩm`` a bag). Half of the part is that word overlap, 0.3 the adjacent word
  pairs found (Vietnamese writes one word as several syllables — ``mật ong`` is honey, ``ong`` alone a
  bee), 0.2 whether one keyword alternative (comma separated) is found whole;
* ``category`` — 1 when the demand names the listing's category; 0.5 (the same for every listing) when
  the demand names none;
* ``quantity`` — stock plus, when a harvest month falls before the needed-by date, what one harvest
  yields (the largest lot of the past year), converted to the demand's unit, over the quantity wanted
  (capped at 1); at least 0.5 when a harvest is coming but its size is unknown; halved when the demand is
  below the listing's minimum order;
* ``price`` — the listing's price converted to the demand's unit against the demand's highest price:
  0.8–1 within it (cheaper is better), falling to 0 at 50 % above; 0.6 for every listing when the demand
  names no price;
* ``certification`` — 1 when the demand requires certifications or OCOP stars (the filter already holds
  them); otherwise the listing's quality: 0.4, +0.12 per current OCOP star, +0.2 with any current
  certification, capped at 1;
* ``distance`` — haversine from the producer's commune (its latitude/longitude) to the delivery point
  (the demand's point, else the province's seat, ``market.zones.PROVINCE_CENTRES``): ``1 / (1 + km/400)``,
  halved when the producer does not deliver to that zone; 0.5 when a coordinate is missing;
* ``season`` — 1 with a harvest month between today and the needed-by date; 0.6 for a listing with no
  harvest months (sold all year) or out of season with enough stock; 0.3 out of season otherwise;
* ``reliability`` — half the fulfilment rate (delivered or completed over those plus the ones the
  producer cancelled after confirming), half the average rating (1–5 mapped to 0–1), each pulled toward a
  neutral prior (4 orders at 85 %, 3 reviews of 4.2 stars), so a new producer scores about 0.83 and a
  few bad orders weigh more the fewer orders there are.

**Candidates** — :func:`candidate_products` asks the configured backend (``settings.SEARCH_BACKEND``):
the database backend filters in SQL on indexed columns (listed, category, unit, stock or harvest
months, certifications, OCOP) and on the folded text (any significant word of the demand at a word
start), orders by how many words hit, then by freshness, and keeps at most :data:`CANDIDATE_LIMIT`;
the elasticsearch backend asks ``market.matching_elastic.candidate_product_ids``. Scoring then runs in
Python over those few hundred rows with a constant number of queries. The other direction,
:func:`demands_for_product`, narrows open demands in SQL (status, needed-by, category or words, unit,
OCOP) to at most :data:`DEMAND_CANDIDATE_LIMIT` before scoring.
"""

import datetime
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, Sum, TextField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.matching import FILLER_WORDS, haversine_km, keyword_alternatives, ocop_passes, significant_words
from core.money import format_vnd
from core.text import fold

from .models import (
    BuyerDemand,
    CancelledBy,
    Category,
    Certification,
    CertificationKind,
    DemandStatus,
    Lot,
    Order,
    OrderStatus,
    Product,
    Review,
    Unit,
)
from .units import convert, convertible_units, price_per
from .zones import PROVINCE_ZONES, Zone, province_centre

logger = logging.getLogger(__name__)

PARTS = ("text", "category", "quantity", "price", "certification", "distance", "season", "reliability")
DEFAULT_WEIGHTS = {
    "text": 0.30,
    "category": 0.08,
    "quantity": 0.15,
    "price": 0.12,
    "certification": 0.10,
    "distance": 0.10,
    "season": 0.05,
    "reliability": 0.10,
}
CANDIDATE_LIMIT = 150
DEMAND_CANDIDATE_LIMIT = 300
SQL_WORD_LIMIT = 6
PRODUCER_PRODUCT_LIMIT = 50
DESCRIPTION_CHARACTERS = 3000
# long columns scoring never reads (the folded text holds the descriptions' words)
UNREAD_PRODUCT_FIELDS = (
    "description_vi",
    "description_en",
    "rejection_reason",
    "producer__story_vi",
    "producer__story_en",
)  # how much of a listing's folded text the scorer reads

# chè and trà are both "tea"; one stands in for the other
SYNONYMS = {"che": frozenset({"tra"}), "tra": frozenset({"che"})}
NAME_HIT, TEXT_HIT, SYNONYM_HIT = 1.0, 0.6, 0.8
HEAD_WEIGHT = 2.0
RELEVANCE_FLOOR = 0.3  # what the other parts keep of their weight for a listing none of whose words match
DISTANCE_SCALE_KM = 400.0
RELIABILITY_PRIOR_ORDERS, RELIABILITY_PRIOR_RATE = 4, 0.85
RATING_PRIOR_REVIEWS, RATING_PRIOR_STARS = 3, 4.2

_WORD = re.compile(r"\w+")
_PARTS_SEPARATOR = re.compile(r"[,;|\n]+")


def weights() -> dict[str, float]:
    """The weight of each part, from ``settings.MATCHING_WEIGHTS`` (a missing part weighs 0)."""
    configured = getattr(settings, "MATCHING_WEIGHTS", None) or DEFAULT_WEIGHTS
    return {part: float(configured.get(part, 0.0)) for part in PARTS}


def __getattr__(name: str):
    # ``matching.WEIGHTS`` reads the setting each time, so ``override_settings`` is honoured
    if name == "WEIGHTS":
        return weights()
    raise AttributeError(name)


class Match:
    """A listing scored for a demand: ``score`` 0–1, ``parts`` (each part's weighted contribution, adding
    up to the score) and ``reasons`` in words, most telling first — given, or worded by ``explain`` when
    first read."""

    __slots__ = ("_explain", "_reasons", "parts", "product", "score")

    def __init__(self, *, product, score: float, parts: dict[str, float], reasons=None, explain=None):
        self.product = product
        self.score = score
        self.parts = parts
        self._reasons = None if reasons is None else list(reasons)
        self._explain = explain

    @property
    def reasons(self) -> list[str]:
        if self._reasons is None:
            self._reasons = list(self._explain()) if self._explain is not None else []
            self._explain = None
        return self._reasons

    def __eq__(self, other) -> bool:  # the reasons follow from the same listing, score and parts
        if not isinstance(other, Match):
            return NotImplemented
        return (self.product, self.score, self.parts) == (other.product, other.score, other.parts)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Match(product={self.product!r}, score={self.score!r})"


# --- facts: what scoring reads, gathered with a constant number of queries ------------------------------


def _words_of(folded: str) -> list[str]:
    return _WORD.findall(folded)


def _pairs_of(folded: str) -> frozenset[tuple[str, str]]:
    pairs = set()
    for part in _PARTS_SEPARATOR.split(folded):
        words = [word for word in _words_of(part) if word not in FILLER_WORDS]
        pairs.update(pairwise(words))
    return frozenset(pairs)


def _window_months(today: datetime.date, needed_by: datetime.date) -> frozenset[int]:
    """The calendar months from today's through the needed-by date's (all twelve for a year or more)."""
    span = (needed_by.year - today.year) * 12 + needed_by.month - today.month
    if span >= 11:
        return frozenset(range(1, 13))
    return frozenset((today.month - 1 + step) % 12 + 1 for step in range(max(span, 0) + 1))


@dataclass(frozen=True)
class DemandFacts:
    demand: BuyerDemand
    words: frozenset[str]
    head: str  # the title's first significant word: what the thing *is* (khăn thổ cẩm: a scarf)
    pairs: frozenset[tuple[str, str]]
    alternatives: tuple[frozenset[str], ...]
    point: tuple[float, float] | None
    zone: str | None
    window_months: frozenset[int]
    required_certifications: frozenset[str]

    @classmethod
    def of(cls, demand: BuyerDemand, *, today: datetime.date) -> "DemandFacts":
        words, head, pairs, alternatives = _demand_text(
            demand.title, demand.keywords or "", demand.folded_text
        )
        if demand.delivery_latitude is not None and demand.delivery_longitude is not None:
            point = (float(demand.delivery_latitude), float(demand.delivery_longitude))
        else:
            point = province_centre(demand.delivery_province)
        return cls(
            demand=demand,
            words=words,
            head=head,
            pairs=pairs,
            alternatives=alternatives,
            point=point,
            zone=PROVINCE_ZONES.get(demand.delivery_province),
            window_months=_window_months(today, demand.needed_by),
            required_certifications=frozenset(demand.required_certifications or ()),
        )


@lru_cache(maxsize=20_000)
def _demand_text(title: str, keywords: str, folded_text: str):
    """The words, head word, word pairs and keyword alternatives of a demand's text (a pure function of
    it, cached: the other direction reads the same open demands for every listing)."""
    folded_title = fold(title)
    folded = folded_text or f"{folded_title} {fold(keywords)}"
    # folded_text is the folded title, a space, the folded keywords: pairs never span the two
    folded_keywords = folded[len(folded_title) + 1 :] if folded.startswith(folded_title) else fold(keywords)
    alternatives = tuple(significant_words(alternative) for alternative in keyword_alternatives(keywords))
    return (
        significant_words(_words_of(folded)),
        next((word for word in _words_of(folded_title) if word not in FILLER_WORDS), ""),
        _pairs_of(folded_title) | _pairs_of(folded_keywords),
        alternatives,
    )


@dataclass(frozen=True)
class ProductFacts:
    product: Product
    name_words: frozenset[str]
    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]
    ocop_stars: int | None  # current rating only
    certifications: frozenset[str]  # current ones only
    harvest_yield: int  # units one harvest gave (largest lot of the past year); 0 when unknown
    point: tuple[float, float] | None
    fulfilled: int
    considered: int
    rating_total: int
    rating_count: int


def product_facts(products, *, today: datetime.date) -> list[ProductFacts]:
    """Facts for ``products`` (``producer`` and ``ocop`` loaded): five queries, whatever their number."""
    products = list(products)
    if not products:
        return []
    from village.models import CommunePage

    ids = [product.pk for product in products]
    producer_ids = {product.producer_id for product in products}
    certifications: dict[int, set[str]] = {}
    for product_id, kind, valid_until in Certification.objects.filter(product_id__in=ids).values_list(
        "product_id", "kind", "valid_until"
    ):
        if valid_until is None or valid_until >= today:
            certifications.setdefault(product_id, set()).add(kind)
    yields = dict(
        Lot.objects.filter(
            product_id__in=ids,
            quantity__isnull=False,
            created_at__date__gte=today - datetime.timedelta(days=366),
        )
        .values("product_id")
        .annotate(largest=Max("quantity"))
        .values_list("product_id", "largest")
    )
    points = {
        pk: (float(latitude), float(longitude))
        for pk, latitude, longitude in CommunePage.objects.filter(
            pk__in={product.commune_id for product in products}
        ).values_list("pk", "latitude", "longitude")
        if latitude is not None and longitude is not None
    }
    orders = {
        row["producer_id"]: row
        for row in Order.objects.filter(producer_id__in=producer_ids)
        .values("producer_id")
        .annotate(
            fulfilled=Count("id", filter=Q(status__in=[OrderStatus.DELIVERED, OrderStatus.COMPLETED])),
            dropped=Count("id", filter=Q(cancelled_by=CancelledBy.PRODUCER, confirmed_at__isnull=False)),
        )
    }
    ratings = {
        row["product__producer_id"]: row
        for row in Review.objects.filter(product__producer_id__in=producer_ids)
        .values("product__producer_id")
        .annotate(total=Sum("rating"), count=Count("id"))
    }
    facts = []
    for product in products:
        folded = (product.folded_text or "")[:DESCRIPTION_CHARACTERS]
        ocop = getattr(product, "ocop", None) if _has_ocop(product) else None
        order_row = orders.get(product.producer_id, {})
        rating_row = ratings.get(product.producer_id, {})
        fulfilled = order_row.get("fulfilled", 0)
        facts.append(
            ProductFacts(
                product=product,
                name_words=frozenset(_words_of(fold(f"{product.name_vi} {product.name_en}"))),
                words=frozenset(_words_of(folded)),
                pairs=_pairs_of(folded),
                ocop_stars=ocop.stars if ocop is not None and ocop.is_current(today) else None,
                certifications=frozenset(certifications.get(product.pk, ())),
                harvest_yield=int(yields.get(product.pk) or 0),
                point=points.get(product.commune_id),
                fulfilled=fulfilled,
                considered=fulfilled + order_row.get("dropped", 0),
                rating_total=int(rating_row.get("total") or 0),
                rating_count=int(rating_row.get("count") or 0),
            )
        )
    return facts


def _has_ocop(product: Product) -> bool:
    try:
        product.ocop  # noqa: B018 - loaded by select_related; raises when there is none
    except Product.ocop.RelatedObjectDoesNotExist:
        return False
    return True


# --- scoring -----------------------------------------------------------------------------------------------


def _month_names(months) -> str:
    return ", ".join(str(month) for month in sorted(months))


@lru_cache(maxsize=16)
def _phrases(language: str | None) -> dict:
    """The reasons' sentences and the labels they use, translated once per language (gettext per
    scored pair would cost more than the scoring)."""
    with translation.override(language):
        return {
            "words": _("Matches your words: %(words)s"),
            "delivered": _("Delivered %(fulfilled)s of %(considered)s orders it took on"),
            "rated": _("Rated %(rating)s/5 by %(count)s buyers"),
            "new": _("New on the marketplace: no orders or reviews yet"),
            "category": _("In the category you chose: %(category)s"),
            "enough": _("Enough in stock for the whole quantity"),
            "coming": _("About %(available)s %(unit)s with the coming harvest, of the %(quantity)s you need"),
            "in_stock": _("%(available)s %(unit)s in stock, of the %(quantity)s you need"),
            "harvest_unknown": _("A harvest is coming before your date (its size is not known)"),
            "below_minimum": _("Below its minimum order of %(quantity)s %(unit)s"),
            "price_within": _("%(price)s per %(unit)s, within your highest price"),
            "price_above": _("%(price)s per %(unit)s, %(percent)s%% above your highest price"),
            "price": _("%(price)s per %(unit)s"),
            "ocop": _("OCOP %(stars)s stars"),
            "certified": _("Certified: %(kinds)s"),
            "requirements": _("Meets your required certifications and OCOP stars"),
            "distance": _("About %(km)s km from the delivery place"),
            "no_delivery": _("Does not deliver to the %(zone)s yet: pickup or your own transport"),
            "in_season": _("Harvested in months %(months)s, before your date"),
            "out_of_season": _("Out of season before your date (harvest in months %(months)s)"),
            "units": {value: str(label) for value, label in Unit.choices},
            "categories": {value: str(label) for value, label in Category.choices},
            "certifications": {value: str(label) for value, label in CertificationKind.choices},
            "zones": {value: str(label) for value, label in Zone.choices},
        }


def phrases_now() -> dict:
    return _phrases(translation.get_language())


def _text_part(demand: DemandFacts, product: ProductFacts, phrases: dict) -> tuple[float, list[str]]:
    if not demand.words:
        return 0.0, []
    total, possible, matched = 0.0, 0.0, []
    for word in demand.words:
        importance = HEAD_WEIGHT if word == demand.head else 1.0
        possible += importance
        if word in product.name_words:
            hit = NAME_HIT
        elif word in product.words:
            hit = TEXT_HIT
        elif SYNONYMS.get(word, frozenset()) & (product.name_words | product.words):
            hit = SYNONYM_HIT
        else:
            continue
        total += hit * importance
        matched.append(word)
    unigram = total / possible
    pairs = len(demand.pairs & product.pairs) / len(demand.pairs) if demand.pairs else unigram
    alternatives = demand.alternatives or (demand.words,)
    whole = 1.0 if any(alternative and alternative <= product.words for alternative in alternatives) else 0.0
    value = 0.5 * unigram + 0.3 * pairs + 0.2 * whole
    reasons = []
    if matched:
        reasons.append(phrases["words"] % {"words": ", ".join(sorted(matched))})
    return value, reasons


def _reliability_part(product: ProductFacts, phrases: dict) -> tuple[float, list[str]]:
    rate = (product.fulfilled + RELIABILITY_PRIOR_ORDERS * RELIABILITY_PRIOR_RATE) / (
        product.considered + RELIABILITY_PRIOR_ORDERS
    )
    stars = (product.rating_total + RATING_PRIOR_REVIEWS * RATING_PRIOR_STARS) / (
        product.rating_count + RATING_PRIOR_REVIEWS
    )
    value = 0.5 * rate + 0.5 * (stars - 1) / 4
    reasons = []
    if product.considered:
        reasons.append(
            phrases["delivered"] % {"fulfilled": product.fulfilled, "considered": product.considered}
        )
    if product.rating_count:
        reasons.append(
            phrases["rated"]
            % {"rating": f"{product.rating_total / product.rating_count:.1f}", "count": product.rating_count}
        )
    if not product.considered and not product.rating_count:
        reasons.append(phrases["new"])
    return value, reasons


def score_pair(
    demand: DemandFacts,
    product: ProductFacts,
    *,
    today: datetime.date,
    weight: dict[str, float] | None = None,
    phrases: dict | None = None,
    explain: bool = True,
) -> Match | None:
    """Score one listing for one demand, or None when a hard filter rules it out (module docstring).

    ``explain=False`` leaves the reasons to be worded when first read (``Match.reasons``: in the language
    active then), so ranking hundreds of pairs spends no time on sentences nobody reads."""
    listing, wanted = product.product, demand.demand
    weight = weight or weights()
    if wanted.buyer_id == listing.producer.owner_id:
        return None
    if wanted.category and listing.category != wanted.category:
        return None
    supply_per_unit = convert(1, listing.unit, wanted.unit)  # one listing unit in demand units
    if supply_per_unit is None:
        return None
    if not demand.required_certifications <= product.certifications:
        return None
    if not ocop_passes(product.ocop_stars, wanted.minimum_ocop_stars):
        return None
    harvest_ahead = bool(demand.window_months.intersection(listing.harvest_months or ()))
    if listing.stock <= 0 and not harvest_ahead:
        return None
    if not explain:
        parts = _scored_parts(demand, product, weight, supply_per_unit, harvest_ahead, None)[0]
        return Match(
            product=listing,
            score=round(sum(parts.values()), 4),
            parts=parts,
            explain=lambda: score_pair(demand, product, today=today, weight=weight).reasons,
        )
    phrases = phrases or phrases_now()
    parts, reasons = _scored_parts(demand, product, weight, supply_per_unit, harvest_ahead, phrases)
    ordered = sorted(PARTS, key=lambda part: -parts[part])
    return Match(
        product=listing,
        score=round(sum(parts.values()), 4),
        parts=parts,
        reasons=[reason for part in ordered for reason in reasons[part]],
    )


class _Silent(dict):
    """Phrases when nothing is to be worded: every sentence is empty."""

    def __missing__(self, key):
        return ""


_SILENT = _Silent()


def _scored_parts(demand, product, weight, supply_per_unit, harvest_ahead, phrases):
    """The weighted parts of a pair that passed the hard filters, and (with ``phrases``) their reasons."""
    listing, wanted = product.product, demand.demand
    explain = phrases is not None
    values: dict[str, float] = {}
    reasons: dict[str, list[str]] = {part: [] for part in PARTS}
    unit_label = phrases["units"].get(wanted.unit, wanted.unit) if explain else ""

    values["text"], reasons["text"] = _text_part(demand, product, phrases or _SILENT)

    if wanted.category:
        values["category"] = 1.0
        if explain:
            reasons["category"] = [
                phrases["category"]
                % {"category": phrases["categories"].get(listing.category, listing.category)}
            ]
    else:
        values["category"] = 0.5

    wanted_quantity = Decimal(wanted.quantity)
    in_stock = listing.stock * supply_per_unit
    coming = product.harvest_yield * supply_per_unit if harvest_ahead else Decimal(0)
    coverage = float(min(Decimal(1), (in_stock + coming) / wanted_quantity))
    quantity_reasons = reasons["quantity"]
    if not explain:
        pass
    elif in_stock >= wanted_quantity:
        quantity_reasons.append(phrases["enough"])
    elif coming:
        quantity_reasons.append(
            phrases["coming"]
            % {"available": _number(in_stock + coming), "unit": unit_label, "quantity": wanted.quantity}
        )
    else:
        quantity_reasons.append(
            phrases["in_stock"]
            % {"available": _number(in_stock), "unit": unit_label, "quantity": wanted.quantity}
        )
    if harvest_ahead and not product.harvest_yield and coverage < 0.5:
        coverage = 0.5
        if explain:
            quantity_reasons.append(phrases["harvest_unknown"])
    if wanted_quantity < listing.minimum_order * supply_per_unit:
        coverage *= 0.5
        if explain:
            quantity_reasons.append(
                phrases["below_minimum"]
                % {
                    "quantity": listing.minimum_order,
                    "unit": phrases["units"].get(listing.unit, listing.unit),
                }
            )
    values["quantity"] = coverage

    unit_price = price_per(listing.price, listing.unit, wanted.unit)
    if wanted.max_unit_price:
        ratio = float(unit_price / Decimal(wanted.max_unit_price))
        if ratio <= 1:
            values["price"] = 0.8 + 0.2 * (1 - ratio)
        else:
            values["price"] = max(0.0, 1 - (ratio - 1) * 2)
        if explain:
            price_text = {"price": format_vnd(round(unit_price)), "unit": unit_label}
            reasons["price"] = [
                phrases["price_within"] % price_text
                if ratio <= 1
                else phrases["price_above"] % {**price_text, "percent": round((ratio - 1) * 100)}
            ]
    else:
        values["price"] = 0.6
        if explain:
            reasons["price"] = [
                phrases["price"] % {"price": format_vnd(round(unit_price)), "unit": unit_label}
            ]

    if demand.required_certifications or wanted.minimum_ocop_stars:
        values["certification"] = 1.0
    else:
        values["certification"] = min(
            1.0, 0.4 + 0.12 * (product.ocop_stars or 0) + (0.2 if product.certifications else 0.0)
        )
    if explain:
        labels = [phrases["certifications"].get(kind, kind) for kind in sorted(product.certifications)]
        certification_reasons = reasons["certification"]
        if demand.required_certifications or wanted.minimum_ocop_stars:
            certification_reasons.append(phrases["requirements"])
        if product.ocop_stars:
            certification_reasons.append(phrases["ocop"] % {"stars": product.ocop_stars})
        if labels:
            certification_reasons.append(phrases["certified"] % {"kinds": ", ".join(labels)})

    if demand.point is not None and product.point is not None:
        kilometres = haversine_km(*product.point, *demand.point)
        distance = 1 / (1 + kilometres / DISTANCE_SCALE_KM)
        if explain:
            reasons["distance"].append(phrases["distance"] % {"km": round(kilometres)})
    else:
        distance = 0.5
    if demand.zone is not None and listing.producer.delivery_fee_to(demand.zone) is None:
        distance *= 0.5
        if explain:
            reasons["distance"].append(phrases["no_delivery"] % {"zone": phrases["zones"][demand.zone]})
    values["distance"] = distance

    months = listing.harvest_months or []
    if harvest_ahead:
        values["season"] = 1.0
        if explain:
            reasons["season"] = [
                phrases["in_season"] % {"months": _month_names(demand.window_months.intersection(months))}
            ]
    elif not months:
        values["season"] = 0.6
    else:
        values["season"] = 0.6 if in_stock >= wanted_quantity else 0.3
        if explain:
            reasons["season"] = [phrases["out_of_season"] % {"months": _month_names(months)}]

    values["reliability"], reasons["reliability"] = _reliability_part(product, phrases or _SILENT)

    clipped = {part: min(max(values[part], 0.0), 1.0) for part in PARTS}
    relevance = RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * clipped["text"]
    parts = {
        part: round(weight[part] * clipped[part] * (1.0 if part == "text" else relevance), 4)
        for part in PARTS
    }
    return parts, reasons


def _number(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.1"))
    return f"{int(rounded):,}" if rounded == rounded.to_integral_value() else f"{rounded:,}"


# --- candidates ---------------------------------------------------------------------------------------------


def _sql_words(words) -> list[str]:
    """The words the SQL prefilter looks for: the longest (most telling) first, at most six, and none
    shorter than three letters when longer ones exist (a trigram index cannot answer ``LIKE '%ha%'``)."""
    ordered = sorted(words, key=lambda word: (-len(word), word))
    long_enough = [word for word in ordered if len(word) >= 3]
    return (long_enough or ordered)[:SQL_WORD_LIMIT]


def _word_start(field_name: str, word: str) -> Q:
    """``field_name`` (folded, lower-case text) holds ``word`` — as a substring: one ``LIKE`` per word and
    row keeps the prefilter cheap; the scorer then counts whole words only."""
    return Q(**{f"{field_name}__contains": word})


def _hits(field_name: str, words) -> Sum | Value:
    if not words:
        return Value(0, output_field=IntegerField())
    terms = [
        Case(
            When(_word_start(field_name, word), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        for word in words
    ]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def listing_queryset(demand: BuyerDemand, *, today: datetime.date):
    """Listed products passing the demand's hard filters that SQL can check on indexed columns (ranked by
    the caller, which then loads the chosen rows with :func:`_load_products`)."""
    products = (
        Product.objects.listed()
        .exclude(producer__owner_id=demand.buyer_id)
        .filter(unit__in=convertible_units(demand.unit))
        .annotate(harvest_months_text=Cast("harvest_months", TextField()))
        .filter(Q(stock__gt=0) | ~Q(harvest_months_text="[]"))
    )
    if demand.category:
        products = products.filter(category=demand.category)
    for kind in dict.fromkeys(demand.required_certifications or ()):
        products = products.filter(
            Exists(
                Certification.objects.filter(product=OuterRef("pk"), kind=kind).filter(
                    Q(valid_until__isnull=True) | Q(valid_until__gte=today)
                )
            )
        )
    if demand.minimum_ocop_stars:
        products = products.filter(ocop__stars__gte=demand.minimum_ocop_stars, ocop__expires_on__gte=today)
    return products


def _database_candidates(demand: BuyerDemand, facts: DemandFacts, limit: int, today: datetime.date):
    products = listing_queryset(demand, today=today)
    words = _sql_words(
        facts.words | frozenset(word for word in facts.words for word in SYNONYMS.get(word, ()))
    )
    if words:
        if not demand.category:
            condition = Q()
            for word in words:
                condition |= _word_start("folded_text", word)
            products = products.filter(condition)
        products = products.annotate(word_hits=_hits("folded_text", words)).order_by(
            "-word_hits", "-updated_at", "-id"
        )
    elif not demand.category:
        return []
    else:
        products = products.order_by("-updated_at", "-id")
    # rank narrow rows (ids only, no joins for display), then load the few hundred chosen in full
    ids = list(products.values_list("pk", flat=True)[:limit])
    return _load_products(ids)


def _load_products(ids: list[int]) -> list[Product]:
    """``ids``' listings with what scoring reads (producer, OCOP rating), in the order of ``ids``."""
    loaded = Product.objects.select_related("producer", "ocop").defer(*UNREAD_PRODUCT_FIELDS).in_bulk(ids)
    return [loaded[pk] for pk in ids if pk in loaded]


def _from_cluster(call):
    """``call()`` against Elasticsearch, or ``None`` when the cluster is down or refuses (logged): the
    database path answers instead, so a search outage never breaks a demand page or a listing's save."""
    from elasticsearch import ApiError, TransportError

    try:
        return call()
    except (ApiError, TransportError):
        logger.warning("Elasticsearch unavailable: matching on the database instead", exc_info=True)
        return None


def candidate_products(demand: BuyerDemand, limit: int = CANDIDATE_LIMIT, *, today=None) -> list[Product]:
    """At most ``limit`` listings worth scoring for ``demand``, from the configured search backend."""
    today = today or timezone.localdate()
    if getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch":
        from . import matching_elastic  # only with the elasticsearch backend (elasticsearch-dsl)

        ids = _from_cluster(lambda: matching_elastic.candidate_product_ids(demand, limit))
        if ids is None:  # the cluster is down: the database answers
            return _database_candidates(demand, DemandFacts.of(demand, today=today), limit, today)
        kept = set(listing_queryset(demand, today=today).filter(pk__in=ids).values_list("pk", flat=True))
        return _load_products([pk for pk in ids if pk in kept][:limit])
    return _database_candidates(demand, DemandFacts.of(demand, today=today), limit, today)


# --- the three questions -----------------------------------------------------------------------------------


def _ranked(matches: list[Match]) -> list[Match]:
    return sorted(matches, key=lambda match: (-match.score, match.product.pk))


def matches_for_demand(demand: BuyerDemand, *, limit: int = 20, today=None) -> list[Match]:
    """The listings that fit ``demand``, best first (hard filters and score in the module docstring)."""
    today = today or timezone.localdate()
    facts = DemandFacts.of(demand, today=today)
    if getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch":
        candidates = candidate_products(demand, CANDIDATE_LIMIT, today=today)
    else:
        candidates = _database_candidates(demand, facts, CANDIDATE_LIMIT, today)
    weight = weights()
    matches = [  # worded only when read (the few shown)
        match
        for product in product_facts(candidates, today=today)
        # without a category, only the words chose the candidates: one must be a whole word of the listing
        if (demand.category or _shares_a_word(facts, product))
        and (match := score_pair(facts, product, today=today, weight=weight, explain=False)) is not None
    ]
    return _ranked(matches)[:limit]


def open_demand_queryset(products: list[Product], *, today: datetime.date):
    """Open demands, not past their date, that one of ``products`` could fit (a superset, checked in SQL)."""
    # each listing's own telling words (not the longest of them all: a shop's "măng" must not crowd
    # out its "mật ong"), so an uncategorised demand is a candidate when it names any one listing
    words_per_product = []
    units = set()
    categories = set()
    for product in products:
        name_words = significant_words(_words_of(fold(f"{product.name_vi} {product.name_en}")))
        name_words |= {synonym for word in list(name_words) for synonym in SYNONYMS.get(word, ())}
        words_per_product.append(_sql_words(name_words))
        units.update(convertible_units(product.unit))
        categories.add(product.category)
    words = sorted({word for product_words in words_per_product for word in product_words})
    uncategorised = Q(category="")
    if words:
        any_word = Q()
        for word in words:
            any_word |= _word_start("folded_text", word)
        uncategorised &= any_word
    else:
        uncategorised = Q(pk__in=[])
    demands = (
        BuyerDemand.objects.defer("note", "created_at", "updated_at", "closed_at")
        .filter(status=DemandStatus.OPEN, needed_by__gte=today, unit__in=units)
        .filter(Q(category__in=categories) | uncategorised)
        .exclude(buyer_id__in={product.producer.owner_id for product in products})
    )
    best_stars = max(
        (product.ocop.stars for product in products if _has_ocop(product) and product.ocop.is_current(today)),
        default=0,
    )
    demands = demands.filter(Q(minimum_ocop_stars__isnull=True) | Q(minimum_ocop_stars__lte=best_stars))
    # the candidates worth scoring first: those naming more of the (longest) words
    ranking_words = sorted(words, key=lambda word: (-len(word), word))[: SQL_WORD_LIMIT * 4]
    return demands.annotate(word_hits=_hits("folded_text", ranking_words)).order_by(
        "-word_hits", "needed_by", "pk"
    )


def candidate_demands(products: list[Product], *, today: datetime.date):
    """At most :data:`DEMAND_CANDIDATE_LIMIT` open demands worth scoring for ``products``: the database
    prefilter, or — with the elasticsearch backend — the demands whose stored (percolator) queries want
    one of the listings, through the same SQL filters."""
    demands = open_demand_queryset(products, today=today)
    if getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch":
        from . import matching_elastic  # only with the elasticsearch backend (elasticsearch-dsl)

        wanted = _from_cluster(
            lambda: {
                demand_id for product in products for demand_id in matching_elastic.percolate_demands(product)
            }
        )
        if wanted is not None:  # else the cluster is down: the database prefilter alone answers
            demands = demands.filter(pk__in=wanted)
    return demands[:DEMAND_CANDIDATE_LIMIT]


def _shares_a_word(demand: DemandFacts, product: ProductFacts) -> bool:
    words = product.name_words | product.words
    return any(word in words or SYNONYMS.get(word, frozenset()) & words for word in demand.words)


def _fits(products: list[Product], *, today: datetime.date, limit: int | None):
    """``[(demand, best match)]`` over ``products``, best first."""
    facts = product_facts(products, today=today)
    if not facts:
        return []
    demands = list(candidate_demands(products, today=today))
    weight = weights()
    found = []
    for demand in demands:
        demand_facts = DemandFacts.of(demand, today=today)
        best = None
        for product in facts:
            if not _shares_a_word(demand_facts, product):
                continue
            # worded when read: in the reader's language (a buyer's e-mail, a producer's page)
            match = score_pair(demand_facts, product, today=today, weight=weight, explain=False)
            if match is None:
                continue
            if best is None or match.score > best.score:
                best = match
        if best is not None:
            found.append((demand, best))
    found.sort(key=lambda pair: (-pair[1].score, pair[0].needed_by, pair[0].pk))
    return found if limit is None else found[:limit]


def demands_for_product(
    product: Product, *, limit: int | None = None, today=None
) -> list[tuple[BuyerDemand, Match]]:
    """Open demands ``product`` fits — a word of the demand in the listing and every hard filter — best
    first. A listing that is not listed fits nothing."""
    today = today or timezone.localdate()
    listed = Product.objects.listed().select_related("producer", "ocop").filter(pk=product.pk).first()
    if listed is None:
        return []
    return _fits([listed], today=today, limit=limit)


def open_demands_for_producer(producer, *, limit: int = 50, today=None) -> list[tuple[BuyerDemand, Match]]:
    """Open demands one of ``producer``'s listings fits, each with its best-fitting listing, best first."""
    today = today or timezone.localdate()
    products = list(
        Product.objects.listed()
        .select_related("producer", "ocop")
        .filter(producer=producer)
        .order_by("-updated_at", "-id")[:PRODUCER_PRODUCT_LIMIT]
    )
    return _fits(products, today=today, limit=limit)
