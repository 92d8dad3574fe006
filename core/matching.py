"""Scoring pieces shared by every matcher: buyer demands ↔ listings (``market.matching``) and partner
subscriptions ↔ content (``api.matching``). One copy, so both compare words, places and stars alike.

* :func:`folded_word_set` — the accent-free, lower-case words of some texts (``"Trà Shan Tuyết"`` →
  ``{"tra", "shan", "tuyet"}``), operators and punctuation dropped;
* :func:`keyword_alternatives` — comma-separated alternatives, each a set of folded words;
* :func:`word_pairs` — adjacent word pairs ("shan tuyet"), because Vietnamese writes one word as
  several syllables: ``mật ong`` (honey) is two, and matching the pair beats matching ``ong`` alone;
* :func:`significant_words` — words minus a short list of filler words (``cho``, ``và``, ``for``…)
  that say nothing about *what* is wanted;
* :func:`haversine_km` — great-circle distance between two points;
* :func:`place_matches` and :func:`ocop_passes` — the place and OCOP-star filters.
"""

import math
import re
from functools import lru_cache
from itertools import pairwise

from .text import fold_query

KEYWORD_SEPARATORS = re.compile(r"[,;\n|]+")
EARTH_RADIUS_KM = 6371.0088

# Folded filler words: prepositions, "buy"/"need"/"kind of", English glue. Deliberately short — a
# syllable that is also a content word once folded is kept: ``dê`` goat, ``đen`` black, ``cổ`` ancient,
# ``thẻ`` card (``the``), ``ăn`` eat (``an``), ``tổ`` nest (``to``), ``in`` print.
FILLER_WORDS = frozenset(
    {
        "cho", "va", "cua", "loai", "can", "mua", "cac", "nhung", "mot", "voi", "tai", "giao", "hang",
        "and", "for", "of", "with", "from", "per", "need",
    }
)  # fmt: skip


def folded_words(text: str | None, *, max_length: int = 5000) -> list[str]:
    """The folded words of ``text`` in order (operators and punctuation dropped)."""
    return fold_query(text, max_length=max_length).split()


def folded_word_set(*texts: str | None, max_length: int = 5000) -> frozenset[str]:
    """Every folded word of ``texts``: ``("Trà Shan Tuyết", "Đà Lạt")`` → ``{tra, shan, tuyet, da, lat}``."""
    return frozenset(word for text in texts if text for word in folded_words(text, max_length=max_length))


def significant_words(words) -> frozenset[str]:
    """``words`` without filler words; the filler words themselves when that would leave nothing."""
    kept = frozenset(word for word in words if word not in FILLER_WORDS)
    return kept or frozenset(words)


def word_pairs(*texts: str | None, max_length: int = 5000) -> frozenset[tuple[str, str]]:
    """Adjacent folded word pairs within each text (no pair spans two texts)."""
    pairs = set()
    for text in texts:
        words = folded_words(text, max_length=max_length)
        pairs.update(pairwise(words))
    return frozenset(pairs)


@lru_cache(maxsize=4096)
def keyword_alternatives(keywords: str) -> tuple[frozenset[str], ...]:
    """``"trà shan, mật ong"`` → ``({"tra", "shan"}, {"mat", "ong"})`` (folded words per alternative)."""
    alternatives = []
    for part in KEYWORD_SEPARATORS.split(keywords or ""):
        words = frozenset(fold_query(part, max_length=300).split())
        if words:
            alternatives.append(words)
    return tuple(alternatives)


def keyword_parts(keywords: str) -> list[str]:
    """The comma-separated alternatives of ``keywords`` as texts (for :func:`word_pairs`)."""
    return [part.strip() for part in KEYWORD_SEPARATORS.split(keywords or "") if part.strip()]


def haversine_km(latitude_a, longitude_a, latitude_b, longitude_b) -> float:
    """Great-circle distance in kilometres between two (latitude, longitude) points in degrees."""
    phi_a, phi_b = math.radians(float(latitude_a)), math.radians(float(latitude_b))
    delta_phi = phi_b - phi_a
    delta_lambda = math.radians(float(longitude_b) - float(longitude_a))
    h = math.sin(delta_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(delta_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def place_matches(*, commune_id, province_id, communes, provinces) -> bool:
    """An item passes a place filter (``communes`` / ``provinces``) when it is in one of the communes *or*
    one of the provinces; an empty filter lets everything through; an item without a commune never passes
    a non-empty filter."""
    if not communes and not provinces:
        return True
    in_communes = commune_id is not None and commune_id in communes
    in_provinces = province_id is not None and province_id in provinces
    return in_communes or in_provinces


def ocop_passes(stars: int | None, minimum: int | None) -> bool:
    """True when there is no minimum, or the item's *current* OCOP stars reach it."""
    return minimum is None or (stars is not None and stars >= minimum)


def alternatives_match(alternatives, words) -> bool:
    """True when there are no alternatives, or every word of one alternative is among ``words``."""
    return not alternatives or any(alternative <= words for alternative in alternatives)
