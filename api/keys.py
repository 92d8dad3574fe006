"""API keys: ``svp_<prefix>_<secret>``; the prefix finds the row, only SHA-256(secret) is stored.

The secret is 32 random bytes, so a plain SHA-256 is enough (no password stretching is needed for a
high-entropy secret) and checking a key costs one indexed lookup and one hash.
"""

import hashlib
import hmac
import logging
import secrets
import threading
import time
from dataclasses import dataclass

KEY_PREFIX = "svp"
PREFIX_LENGTH = 10
PREFIX_ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789"


@dataclass(frozen=True)
class ParsedKey:
    prefix: str
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key_material() -> tuple[str, str, str]:
    """Return ``(full_key, prefix, secret_hash)`` for a new key."""
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}_{prefix}_{secret}", prefix, hash_secret(secret)


def parse_key(raw: str) -> ParsedKey | None:
    """Split a presented key; ``None`` when it does not have our shape."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    prefix, secret = parts[1], parts[2]
    if len(prefix) != PREFIX_LENGTH or not secret or len(secret) > 128:
        return None
    return ParsedKey(prefix=prefix, secret=secret)


def presented_key(request) -> str | None:
    """The key as sent: ``Authorization: Bearer <key>`` or ``X-Api-Key: <key>``; ``None`` when neither
    (another ``Authorization`` scheme, such as a person's ``Token``, is not a key)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        keyword, _separator, value = header.partition(" ")
        return value.strip() if keyword.lower() == "bearer" else None
    return request.META.get("HTTP_X_API_KEY", "").strip() or None


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


# --- the key lookup, cached ---------------------------------------------------------------------------
#
# Every request looks its key up; the row (with its partner) is kept in the shared cache for
# KEY_CACHE_SECONDS under the current *key generation*, and in this process's memory for
# KEY_LOCAL_SECONDS under the same generation (no round trip, no unpickling). Every change that matters
# to access — revoking or rotating a key, approving, suspending, reinstating or changing a partner's
# terms — moves the generation (now, and again after commit), so every cached row becomes unreachable at
# once, in every process, including one a concurrent request read just before the change and writes to
# the cache just after it. The generation itself is read from the shared cache on every request, so
# with a shared cache (Redis) the change takes effect on the next request everywhere; the process making
# the change also empties its own in-memory copies.
#
# When the generation cannot be read (the shared cache is unreachable), neither copy is used: the key
# is read from the database on every request until the cache answers again, so a key revoked during
# an outage is refused on the next request. A missing generation (never set, or evicted) starts at a
# value no earlier generation can have reached (microseconds since the epoch), never at 1, so rows kept
# under an earlier generation cannot come back. One gap remains: rows written to the shared cache before
# an outage, under a generation the outage kept from moving, can be read for up to KEY_CACHE_SECONDS
# after the cache returns (logged as a warning when the move fails).

KEY_CACHE_SECONDS = 60
#: how stale a key's ``last_used_at`` may get before a request writes it (api.authentication); only
#: keys fresher than that are answered early (api.shortcut)
LAST_USED_PRECISION_SECONDS = 60
KEY_LOCAL_SECONDS = 10
KEY_LOCAL_MAX_ENTRIES = 1000
GENERATION_KEY = "api-key-generation"

logger = logging.getLogger(__name__)

_local_keys: dict[tuple[int, str], tuple[float, object]] = {}
#: the generation each prefix was last kept under here (for :func:`held_locally`)
_local_generations: dict[str, int] = {}
_local_lock = threading.Lock()


def _fresh_generation() -> int:
    """A first generation no earlier one can have reached: moving adds one, so catching up with a later
    seed would take more than one change per microsecond."""
    return time.time_ns() // 1000


def _generation() -> int | None:
    """The current key generation; ``None`` when the shared cache cannot give one (unreachable)."""
    from django.core.cache import cache

    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return None if generation is None else int(generation)


def _cache_key(prefix: str, generation: int) -> str:
    return f"api-key:{generation}:{prefix}"


def _remember_locally(prefix: str, generation: int, api_key) -> None:
    with _local_lock:
        if len(_local_keys) >= KEY_LOCAL_MAX_ENTRIES:
            _local_keys.clear()
            _local_generations.clear()
        _local_keys[(generation, prefix)] = (time.monotonic() + KEY_LOCAL_SECONDS, api_key)
        _local_generations[prefix] = generation


def _found_locally(prefix: str, generation: int):
    entry = _local_keys.get((generation, prefix))
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def held_locally(prefix: str) -> tuple[int, object] | None:
    """``(generation, key row)`` when this process holds a fresh copy of the key with ``prefix``: the
    caller must still compare that generation with the shared one before trusting the row (see
    :mod:`api.shortcut`, which reads both in one round trip)."""
    generation = _local_generations.get(prefix)
    if generation is None:
        return None
    api_key = _found_locally(prefix, generation)
    return None if api_key is None else (generation, api_key)


def forget_local_keys() -> None:
    """Empty this process's copy (on every change to access, and in tests)."""
    with _local_lock:
        _local_keys.clear()
        _local_generations.clear()


def _read_key(prefix: str):
    from .models import ApiKey

    return ApiKey.objects.select_related("partner").filter(prefix=prefix).first()


def find_key(prefix: str, *, generation: int | None = None):
    """The :class:`~api.models.ApiKey` with ``prefix`` (its partner selected), or ``None``.

    ``generation``: the key generation when the caller has already read it (in the same round trip
    as other values it needs); ``None`` reads it here. When it cannot be read (the shared cache is
    down), the key comes from the database and is not kept anywhere."""
    from django.core.cache import cache

    generation = _generation() if generation is None else generation
    if generation is None:
        return _read_key(prefix)
    api_key = _found_locally(prefix, generation)
    if api_key is not None:
        return api_key
    api_key = cache.get(_cache_key(prefix, generation))
    if api_key is None:
        api_key = _read_key(prefix)
        if api_key is not None:
            cache.set(_cache_key(prefix, generation), api_key, timeout=KEY_CACHE_SECONDS)
    if api_key is not None:
        _remember_locally(prefix, generation, api_key)
    return api_key


def remember_key(api_key, *, generation: int | None = None) -> None:
    """Keep a key whose ``last_used_at`` just moved (under the generation it was read in)."""
    from django.core.cache import cache

    generation = _generation() if generation is None else generation
    if generation is None:
        return
    if cache.get(_cache_key(api_key.prefix, generation)) is not None:
        cache.set(_cache_key(api_key.prefix, generation), api_key, timeout=KEY_CACHE_SECONDS)
    if _found_locally(api_key.prefix, generation) is not None:
        _remember_locally(api_key.prefix, generation, api_key)


def _move_generation() -> None:
    from django.core.cache import cache

    try:
        moved = cache.incr(GENERATION_KEY)
    except ValueError:  # no generation (never set, or evicted): a new one no earlier value can equal
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)
        return
    if moved is None:  # a resilient cache that cannot reach Redis
        logger.warning(
            "API key generation not moved: the shared cache is unreachable; keys are read from the "
            "database until it answers, and rows it kept may be read for %ss once it is back",
            KEY_CACHE_SECONDS,
        )


def _forget_now() -> None:
    forget_local_keys()
    _move_generation()


def forget_cached_keys() -> None:
    """Make every cached key row unreachable — this process's copies and the shared cache's — now and
    once the current transaction commits."""
    from django.db import transaction

    _forget_now()
    transaction.on_commit(_forget_now)
