"""The anonymous whole-page cache: a generation number that publishing bumps.

Cached pages are keyed by the generation, so one ``bump_page_cache()`` after a publish makes every
cached page stale at once on every server sharing the cache (Redis in production).
"""

from django.core.cache import cache

GENERATION_KEY = "page-cache-generation"


def page_cache_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return int(generation)


def bump_page_cache() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
