"""The database search backend: ``core.SearchEntry`` on SQLite or PostgreSQL, the same answers on both.

* Words: the query is folded (no diacritics, ``đ`` → ``d``), cut to ``MAX_QUERY_LENGTH`` characters and
  ``MAX_QUERY_WORDS`` words, operators dropped. Every word must be a whole word of the item's folded
  text; the last one may be the beginning of a word (the visitor may still be typing).
* Ranking: words found in the title count more than words found only in the text; then the item's
  boost, then how recent it is (a month, a year), then newest first.
* Filters: kinds, province, commune, category, lowest OCOP stars, a price range.
* Facets: counts per kind, province, commune, category, OCOP stars and price band, each by one
  ``GROUP BY`` over the items matching the words and *every other* filter (a facet does not filter
  itself), so a visitor sees what choosing another value of it would give.
* Suggestions: distinct titles with a word starting with what was typed.
* Writing: upserts on ``(key, language)`` (never "delete, then insert", which breaks the unique constraint
  when two transactions index the same key at once); a rebuild writes a batch per transaction.

On PostgreSQL the ``LIKE`` patterns use trigram GIN indexes (migration ``core.0003``).
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, Case, ExpressionWrapper, F, FloatField, Max, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.models import SearchEntry

from .backends import SearchBackend
from .documents import (
    PRICE_BANDS,
    FacetValue,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
    query_words,
    search_words,
)

#: the longest text kept per entry (a guide chapter's body is rarely longer)
MAX_TEXT_LENGTH = 20_000
MAX_TITLE_LENGTH = 255
#: a suggestion needs this many characters typed, and at most this many are used
SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_LENGTH = 60
#: a title word weighs this much more than a word found only in the text
TITLE_WEIGHT = 2.0
#: facet lists are cut to their most frequent values
FACET_LIMIT = 30
#: facets of browsing by filters alone (no words: every entry is read) are cached this long at most
BROWSE_CACHE_SECONDS = 300
GENERATION_CACHE_KEY = "search:index-generation"
#: on PostgreSQL only: a stored ``to_tsvector('simple', folded_text)`` (migration ``core.0003``)
SEARCH_VECTOR_COLUMN = "search_vector"
#: rows per ``INSERT``/``DELETE`` statement of a write
WRITE_BATCH_SIZE = 500
#: documents per transaction during a rebuild
REBUILD_BATCH_SIZE = 500
#: what an upsert overwrites: every column but the primary key and the ``(key, language)`` identity
UPSERT_FIELDS = [
    field.name
    for field in SearchEntry._meta.concrete_fields
    if not field.primary_key and field.name not in {"key", "language"}
]

HIT_FIELDS = (
    "key", "kind", "language", "title", "summary", "url", "province_id", "commune_id", "province_name",
    "commune_name", "category", "ocop_stars", "price", "latitude", "longitude", "updated_at",
)  # fmt: skip


def padded(folded: str) -> str:
    """``"da lat"`` → ``" da lat "``: whole words are then ``" word "`` and a word's start ``" wor"``."""
    return f" {folded} " if folded else " "


def index_text(*parts: str | None, max_length: int = MAX_TEXT_LENGTH) -> str:
    """The folded, operator-free words of ``parts``, cut to ``max_length`` at a word's end, padded."""
    words = [word for part in parts if part for word in search_words(part, max_length=max_length)]
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > max_length:
            break
        text = f"{text} {word}" if text else word
    return padded(text)


def entry_from(document: SearchDocument) -> SearchEntry:
    title = (document.title or "")[:MAX_TITLE_LENGTH]
    return SearchEntry(
        key=document.key,
        kind=document.kind,
        language=document.language,
        title=title,
        summary=document.summary or "",
        url=document.url,
        folded_title=index_text(title, max_length=290),
        folded_text=index_text(
            title, document.summary, document.text, document.commune_name, document.province_name
        ),
        province_id=document.province_id,
        commune_id=document.commune_id,
        province_name=(document.province_name or "")[:255],
        commune_name=(document.commune_name or "")[:255],
        category=document.category or "",
        ocop_stars=document.ocop_stars,
        price=document.price,
        latitude=document.latitude,
        longitude=document.longitude,
        boost=document.boost,
        updated_at=document.updated_at,
    )


def lock_entries(keys: Iterable[str]) -> None:
    """Lock the existing entries of ``keys`` in ``(key, language)`` order (PostgreSQL; SQLite serializes
    writers anyway), so writers of overlapping keys queue up instead of deadlocking."""
    keys = sorted(set(keys))
    if keys and connection.features.has_select_for_update:
        for start in range(0, len(keys), WRITE_BATCH_SIZE):
            chunk = keys[start : start + WRITE_BATCH_SIZE]
            entries = SearchEntry.objects.select_for_update().filter(key__in=chunk)
            list(entries.order_by("key", "language").values_list("pk", flat=True))


def upsert_entries(entries: Iterable[SearchEntry]) -> list[tuple[str, str]]:
    """Insert ``entries`` or overwrite the entry of the same ``(key, language)``; one row per pair (the
    last entry of a pair wins), written in ``(key, language)`` order. Returns the pairs written."""
    by_pair = {(entry.key, entry.language): entry for entry in entries}
    pairs = sorted(by_pair)
    if pairs:
        SearchEntry.objects.bulk_create(
            [by_pair[pair] for pair in pairs],
            batch_size=WRITE_BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["key", "language"],
            update_fields=UPSERT_FIELDS,
        )
    return pairs


def delete_other_languages(languages: dict[str, set[str]]) -> int:
    """Delete the entries of each key in a language not in its set (every entry of a key with none)."""
    by_languages: dict[frozenset[str], list[str]] = defaultdict(list)
    for key, key_languages in languages.items():
        by_languages[frozenset(key_languages)].append(key)
    deleted = 0
    for kept, keys in by_languages.items():
        keys = sorted(keys)
        for start in range(0, len(keys), WRITE_BATCH_SIZE):
            entries = SearchEntry.objects.filter(key__in=keys[start : start + WRITE_BATCH_SIZE])
            if kept:
                entries = entries.exclude(language__in=kept)
            count, _by_model = entries.delete()
            deleted += count
    return deleted


def index_generation() -> int:
    """A number that changes whenever the index does (cached facets of browsing are keyed by it)."""
    return cache.get_or_set(GENERATION_CACHE_KEY, 0, None)


def next_generation() -> None:
    try:
        cache.incr(GENERATION_CACHE_KEY)
    except ValueError:  # not in the cache (evicted, or a fresh cache)
        cache.set(GENERATION_CACHE_KEY, 1, None)


def word_patterns(words: list[str]) -> list[str]:
    """Whole words, except the last one, which may be a word's beginning."""
    return [f" {word} " if position < len(words) - 1 else f" {word}" for position, word in enumerate(words)]


class DatabaseSearchBackend(SearchBackend):
    name = "database"
    transactional = True
    errors = (DatabaseError,)

    # --- writing -------------------------------------------------------------------------------------
    #
    # Every write is an upsert on ``(key, language)`` (``INSERT … ON CONFLICT DO UPDATE``), never "delete,
    # then insert": two transactions indexing the same key at once (a producer saving the profile, which
    # re-indexes every listing, while a moderator approves one of them) then wait for each other instead of
    # breaking the unique constraint. Rows are locked in ``(key, language)`` order first, so two writers of
    # overlapping keys never deadlock.

    def index(self, documents: Iterable[SearchDocument]) -> int:
        entries = [entry_from(document) for document in documents]
        if not entries:
            return 0
        stored, _deleted = self._write({entry.key for entry in entries}, entries)
        return stored

    def remove(self, keys: Iterable[str]) -> int:
        keys = set(keys)
        if not keys:
            return 0
        _stored, deleted = self._write(keys, [])
        return deleted

    def replace(self, keys: Iterable[str], documents: Iterable[SearchDocument]) -> None:
        """One transaction: upsert ``documents``, then drop every other entry of ``keys``."""
        entries = [entry_from(document) for document in documents]
        keys = set(keys) | {entry.key for entry in entries}
        if keys:
            self._write(keys, entries)

    def _write(self, keys: set[str], entries: list[SearchEntry]) -> tuple[int, int]:
        """Make the index hold exactly ``entries`` for ``keys``: (entries stored, entries deleted)."""
        with transaction.atomic():
            lock_entries(keys)
            stored = upsert_entries(entries)
            languages: dict[str, set[str]] = {key: set() for key in keys}
            for key, language in stored:
                languages[key].add(language)
            deleted = delete_other_languages(languages)
        next_generation()
        return len(stored), deleted

    def rebuild(self, progress: Callable[[str], None] | None = None) -> int:
        """Index every document again, ``REBUILD_BATCH_SIZE`` per transaction, then sweep what is stale.

        Searches keep answering from the current entries all along (each one is overwritten in place),
        and no transaction holds more than a batch of rows: a publication or an approval during the
        rebuild waits for one batch at most. Entries that existed before the rebuild and were not written
        by it are read again from their sources (an item published meanwhile stays) and dropped when gone.
        If the rebuild fails midway, the batches written stay and nothing is swept.
        """
        from .indexing import all_documents, batches, documents_for

        existing_up_to = SearchEntry.objects.aggregate(highest=Max("pk"))["highest"] or 0
        seen: set[tuple[str, str]] = set()
        for batch in batches(all_documents(progress), REBUILD_BATCH_SIZE):
            entries = [entry_from(document) for document in batch]
            with transaction.atomic():
                seen.update(upsert_entries(entries))
            next_generation()
            if progress is not None:
                progress(f"indexed {len(seen)} entries")
        stale = sorted(
            {
                key
                for key, language in SearchEntry.objects.filter(pk__lte=existing_up_to)
                .values_list("key", "language")
                .iterator(chunk_size=2000)
                if (key, language) not in seen
            }
        )
        removed = 0
        for start in range(0, len(stale), REBUILD_BATCH_SIZE):
            keys = stale[start : start + REBUILD_BATCH_SIZE]
            entries = [entry_from(document) for document in documents_for(keys)]
            _stored, deleted = self._write(set(keys), entries)
            removed += deleted
        if progress is not None and stale:
            progress(f"removed {removed} stale entries")
        return SearchEntry.objects.count()

    # --- reading -------------------------------------------------------------------------------------

    def _text_condition(self, words: list[str]) -> tuple[str, list]:
        """SQL that holds when every word is a whole word of ``folded_text`` and the last one a beginning.

        PostgreSQL asks the stored ``search_vector`` (``to_tsvector('simple', folded_text)``, GIN-indexed;
        migration ``core.0003``) with ``to_tsquery('simple', 'da & lat:*')``; SQLite reads ``LIKE`` on the
        padded text. The folded words hold letters and digits only, so both split them alike.
        """
        if not words:
            return "", []
        if connection.vendor == "postgresql":
            tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
            return f"{SEARCH_VECTOR_COLUMN} @@ to_tsquery('simple'::regconfig, %s)", [tsquery]
        patterns = word_patterns(words)
        return " AND ".join(["folded_text LIKE %s"] * len(patterns)), [f"%{pattern}%" for pattern in patterns]

    def _filter_conditions(self, query: SearchQuery) -> dict[str, tuple[str, list]]:
        """Each facet's filter as SQL on ``core_searchentry`` columns (only those the query sets)."""
        conditions: dict[str, tuple[str, list]] = {}
        if query.kinds:
            conditions["kind"] = (f"kind IN ({', '.join(['%s'] * len(query.kinds))})", list(query.kinds))
        if query.province_id is not None:
            conditions["province"] = ("province_id = %s", [query.province_id])
        if query.commune_id is not None:
            conditions["commune"] = ("commune_id = %s", [query.commune_id])
        if query.category:
            conditions["category"] = ("category = %s", [query.category])
        if query.min_ocop_stars is not None:
            conditions["ocop_stars"] = ("ocop_stars >= %s", [query.min_ocop_stars])
        price_parts, price_params = [], []
        if query.min_price is not None:
            price_parts.append("price >= %s")
            price_params.append(query.min_price)
        if query.max_price is not None:
            price_parts.append("price < %s")
            price_params.append(query.max_price)
        if price_parts:
            conditions["price"] = (" AND ".join(price_parts), price_params)
        return conditions

    def _matching(self, query: SearchQuery, words: list[str]):
        """Entries of the query's language holding every word and passing every filter (ORM)."""
        entries = SearchEntry.objects.filter(language=query.language)
        text_sql, text_params = self._text_condition(words)
        if text_sql:
            # the SQL is a constant of this module; the visitor's words are parameters
            entries = entries.filter(RawSQL(text_sql, text_params, output_field=BooleanField()))  # noqa: S611
        if query.kinds:
            entries = entries.filter(kind__in=query.kinds)
        if query.province_id is not None:
            entries = entries.filter(province_id=query.province_id)
        if query.commune_id is not None:
            entries = entries.filter(commune_id=query.commune_id)
        if query.category:
            entries = entries.filter(category=query.category)
        if query.min_ocop_stars is not None:
            entries = entries.filter(ocop_stars__gte=query.min_ocop_stars)
        if query.min_price is not None:
            entries = entries.filter(price__gte=query.min_price)
        if query.max_price is not None:
            entries = entries.filter(price__lt=query.max_price)
        return entries

    def _ranked(self, entries, words: list[str]):
        now = timezone.now()
        title_hits = Value(0.0)
        for pattern in word_patterns(words):
            title_hits = title_hits + Case(
                When(folded_title__contains=pattern, then=Value(TITLE_WEIGHT)), default=Value(0.0)
            )
        recency = Case(
            When(updated_at__gte=now - timedelta(days=31), then=Value(1.2)),
            When(updated_at__gte=now - timedelta(days=366), then=Value(1.0)),
            default=Value(0.8),
        )
        score = ExpressionWrapper(
            (title_hits + Value(float(len(words) or 1))) * F("boost") * recency, output_field=FloatField()
        )
        return entries.annotate(score=score).order_by("-score", "-updated_at", "key")

    def search(self, query: SearchQuery, *, facets: bool = True) -> SearchResults:
        """Two queries: the total with every facet (one scan of the words' matches), then the page."""
        words = query_words(query.text)
        if facets and not words:
            total, facet_values = self._browsing_facets(query)
        elif facets:
            total, facet_values = self._total_and_facets(query, words)
        else:
            total, facet_values = self._matching(query, words).count(), {}
        start = (query.page - 1) * query.per_page
        hits = []
        if total > start:
            rows = self._ranked(self._matching(query, words), words).values(*HIT_FIELDS, "score")
            hits = [SearchHit(**row) for row in rows[start : start + query.per_page]]
        return SearchResults(hits=hits, total=total, facets=facet_values)

    def _browsing_facets(self, query: SearchQuery):
        """Browsing by filters alone reads every entry of the language: its facets are kept in the cache
        until the index changes (every write moves the index's generation) or for ``BROWSE_CACHE_SECONDS``."""
        filters = (query.language, query.kinds, query.province_id, query.commune_id, query.category)
        filters += (query.min_ocop_stars, query.min_price, query.max_price)
        key = f"{index_generation()}:{filters!r}"
        key = f"search:facets:{hashlib.sha256(key.encode()).hexdigest()}"
        cached = cache.get(key)
        if cached is None:
            cached = self._total_and_facets(query, [])
            cache.set(key, cached, BROWSE_CACHE_SECONDS)
        return cached

    def _total_and_facets(
        self, query: SearchQuery, words: list[str]
    ) -> tuple[int, dict[str, list[FacetValue]]]:
        """One SQL statement: the entries holding the words (once), then a ``GROUP BY`` per facet over
        them with every filter but the facet's own, and the total with every filter."""
        text_sql, text_params = self._text_condition(words)
        base_where = "language = %s" + (f" AND {text_sql}" if text_sql else "")
        conditions = self._filter_conditions(query)

        def where(without: str, *extra: str) -> tuple[str, list]:
            parts = [sql for name, (sql, _params) in conditions.items() if name != without]
            params = [
                value for name, (_sql, values) in conditions.items() if name != without for value in values
            ]
            parts.extend(extra)
            return (" AND ".join(f"({part})" for part in parts) if parts else "1 = 1"), params

        band_sql = (
            "CASE "
            + " ".join(
                f"WHEN price >= {int(lowest)} AND price < {int(highest)} THEN '{band}'"
                if highest is not None
                else f"WHEN price >= {int(lowest)} THEN '{band}'"
                for band, lowest, highest in PRICE_BANDS
            )
            + " ELSE '' END"
        )
        if connection.vendor == "postgresql":
            return self._total_and_facets_grouping_sets(query, base_where, text_params, where, band_sql)
        parts: list[str] = []
        params: list = [query.language, *text_params]
        for facet, value_sql, label_sql, without, extra in (
            ("", "''", "''", None, ()),
            ("kind", "kind", "''", "kind", ()),
            (
                "province",
                "CAST(province_id AS TEXT)",
                "province_name",
                "province",
                ("province_id IS NOT NULL",),
            ),
            ("commune", "CAST(commune_id AS TEXT)", "commune_name", "commune", ("commune_id IS NOT NULL",)),
            ("category", "category", "''", "category", ("category <> ''",)),
            ("ocop_stars", "CAST(ocop_stars AS TEXT)", "''", "ocop_stars", ("ocop_stars IS NOT NULL",)),
            ("price", band_sql, "''", "price", ("price IS NOT NULL",)),
        ):
            where_sql, where_params = where(without or "", *extra)
            grouped = [value_sql] + ([label_sql] if label_sql != "''" else [])
            group = f" GROUP BY {', '.join(grouped)}" if facet else ""
            # only constants of this module are formatted in; every value is a parameter
            parts.append(
                f"SELECT '{facet}' AS facet, {value_sql} AS value, {label_sql} AS label, COUNT(*) AS count "  # noqa: S608
                f"FROM matched WHERE {where_sql}{group}"
            )
            params.extend(where_params)
        sql = (
            "WITH matched AS (SELECT kind, province_id, province_name, commune_id, commune_name, category, "  # noqa: S608
            f"ocop_stars, price FROM {SearchEntry._meta.db_table} WHERE {base_where}) "
            + " UNION ALL ".join(parts)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        total = 0
        counts: dict[str, dict[str, int]] = {name: {} for name in ("kind", "province", "commune", "category",
                                                                    "ocop_stars", "price")}  # fmt: skip
        labels: dict[str, dict[str, str]] = {"province": {}, "commune": {}}
        for facet, value, label, count in rows:
            if not facet:
                total = count
                continue
            value = str(value)
            counts[facet][value] = counts[facet].get(value, 0) + count
            if facet in labels and label and value not in labels[facet]:
                labels[facet][value] = label
        return total, self._facet_values(counts, labels)

    def _total_and_facets_grouping_sets(self, query, base_where, text_params, where, band_sql):
        """PostgreSQL: the same answer in one pass over the matches — ``GROUPING SETS`` with one
        ``COUNT(*) FILTER (…)`` per facet (every filter but the facet's own)."""
        facets = ("kind", "province", "commune", "category", "ocop_stars", "price")
        columns = {"kind": "kind", "province": "province_id", "commune": "commune_id", "category": "category",
                   "ocop_stars": "ocop_stars", "price": "band"}  # fmt: skip
        filters, params = [], []
        for name in ("", *facets):
            where_sql, where_params = where(name)
            filters.append(f"COUNT(*) FILTER (WHERE {where_sql})")
            params.extend(where_params)
        grouping = ", ".join(columns[name] for name in facets)
        sets = ", ".join(["()", *(f"({columns[name]})" for name in facets)])
        sql = (
            f"SELECT GROUPING({grouping}), kind, province_id, MAX(province_name), commune_id, "  # noqa: S608
            f"MAX(commune_name), category, ocop_stars, band, {', '.join(filters)} "
            "FROM (SELECT kind, province_id, province_name, commune_id, commune_name, category, ocop_stars, "
            f"price, {band_sql} AS band FROM {SearchEntry._meta.db_table} WHERE {base_where}) AS matched "
            f"GROUP BY GROUPING SETS ({sets})"
        )
        # every filter is a parameter; the FILTER clauses come before the inner WHERE in the statement
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, query.language, *text_params])
            rows = cursor.fetchall()
        everything = (1 << len(facets)) - 1
        total = 0
        counts: dict[str, dict[str, int]] = {name: {} for name in facets}
        labels: dict[str, dict[str, str]] = {"province": {}, "commune": {}}
        for row in rows:
            grouping_bits, kind, province_id, province_name, commune_id, commune_name = row[:6]
            category, stars, band = row[6:9]
            numbers = row[9:]
            if grouping_bits == everything:
                total = numbers[0]
                continue
            position = len(facets) - 1 - (everything ^ grouping_bits).bit_length() + 1
            name = facets[position]
            value = {"kind": kind, "province": province_id, "commune": commune_id, "category": category,
                     "ocop_stars": stars, "price": band}[name]  # fmt: skip
            count = numbers[1 + position]
            if value in (None, "") or not count:
                continue
            counts[name][str(value)] = count
            if name == "province":
                labels["province"][str(value)] = province_name or str(value)
            elif name == "commune":
                labels["commune"][str(value)] = commune_name or str(value)
        return total, self._facet_values(counts, labels)

    def _facet_values(self, counts, labels) -> dict[str, list[FacetValue]]:
        from .indexing import known_categories, known_kinds

        kinds = known_kinds()
        categories = known_categories()

        def by_count(values: list[FacetValue]) -> list[FacetValue]:
            return sorted(values, key=lambda facet: (-facet.count, facet.label))[:FACET_LIMIT]

        per_star = {int(stars): count for stars, count in counts["ocop_stars"].items()}
        return {
            "kind": [
                FacetValue(value=kind, label=str(label), count=counts["kind"][kind])
                for kind, label in kinds.items()
                if kind in counts["kind"]
            ],
            "province": by_count(
                [
                    FacetValue(value, labels["province"].get(value, value), n)
                    for value, n in counts["province"].items()
                ]
            ),
            "commune": by_count(
                [
                    FacetValue(value, labels["commune"].get(value, value), n)
                    for value, n in counts["commune"].items()
                ]
            ),
            "category": by_count(
                [
                    FacetValue(value, str(categories.get(value, value)), n)
                    for value, n in counts["category"].items()
                ]
            ),
            # "at least n stars", like the filter: the count of n stars and up
            "ocop_stars": [
                FacetValue(str(stars), f"{stars}★+", sum(n for s, n in per_star.items() if s >= stars))
                for stars in range(5, 0, -1)
                if any(s >= stars for s in per_star)
            ],
            "price": [
                FacetValue(band, band, counts["price"][band])
                for band, _low, _high in PRICE_BANDS
                if band in counts["price"]
            ],
        }

    def suggest(self, prefix: str, *, language: str, limit: int = 8) -> list[Suggestion]:
        folded = " ".join(search_words(prefix, max_length=SUGGEST_MAX_LENGTH))
        if len(folded) < SUGGEST_MIN_LENGTH or limit < 1:
            return []
        pattern = f" {folded}"
        rows = (
            SearchEntry.objects.filter(language=language, folded_title__contains=pattern)
            .annotate(starts=Case(When(folded_title__startswith=pattern, then=Value(1)), default=Value(0)))
            .order_by("-starts", "-boost", "-updated_at", "key")
            .values("title", "kind", "url")[: limit * 4]
        )
        suggestions: list[Suggestion] = []
        seen: set[str] = set()
        for row in rows:
            if row["title"] in seen:
                continue
            seen.add(row["title"])
            suggestions.append(Suggestion(text=row["title"], kind=row["kind"], url=row["url"]))
            if len(suggestions) == limit:
                break
        return suggestions
