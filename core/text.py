"""Vietnamese text folding, shared by every search path (database and Elasticsearch).

Vietnamese marks tones and vowel qualities with combining diacritics, which Unicode NFD splits
off; but ``đ``/``Đ`` (d with stroke) is a letter of its own and does not decompose, so it is mapped
explicitly. Folding lets a visitor type ``dinh hung`` and find ``Định Hưng``.
"""

import re
import unicodedata

_STROKE_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
_WHITESPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str | None) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics: ``"Đà Lạt"`` → ``"da lat"``."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_STROKE_LETTERS))
    stripped = "".join(character for character in decomposed if not unicodedata.combining(character))
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", stripped)).strip().casefold()


def fold_query(text: str | None, *, max_length: int = 200) -> str:
    """Fold a visitor's query and drop operator characters, so it is safe for any search backend."""
    folded = fold((text or "")[:max_length])
    return _WHITESPACE.sub(" ", _NON_WORD.sub(" ", folded)).strip()


def folded_words(*parts: str | None) -> str:
    """Join parts into one folded string, for an index field that holds the accent-free copy."""
    return " ".join(fold(part) for part in parts if part)


def ascii_slug(text: str | None, *, max_length: int = 255) -> str:
    """``"Trả tiền bằng mã QR"`` → ``"tra-tien-bang-ma-qr"``: a URL slug without diacritics (đ → d)."""
    from django.utils.text import slugify

    return slugify(fold(text))[:max_length].strip("-")


def unique_slug(queryset, text: str | None, *, fallback: str, max_length: int = 70, exclude_pk=None) -> str:
    """A diacritic-free slug of ``text`` not yet used in ``queryset`` (``-2``, ``-3``… appended as needed)."""
    base = ascii_slug(text, max_length=max_length) or fallback
    slug, number = base, 1
    while queryset.filter(slug=slug).exclude(pk=exclude_pk).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug
