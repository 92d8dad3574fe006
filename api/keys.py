"""API keys: ``svp_<prefix>_<secret>``; the prefix finds the row, only SHA-256(secret) is stored.

The secret is 32 random bytes, so a plain SHA-256 is enough (no password stretching is needed for a
high-entropy secret) and checking a key costs one indexed lookup and one hash.
"""

import hashlib
import hmac
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
# with a shared cache (Redis) the change takes effect on the next request everywhere.

KEY_CACHE_SECONDS = 60
KEY_LOCAL_SECONDS = 10
KEY_LOCAL_MAX_ENTRIES = 1000
GENERATION_KEY = "api-key-generation"

_local_keys: dict[tuple[int, str], tuple[float, object]] = {}
_local_lock = threading.Lock()


def _generation() -> int:
    from django.core.cache import cache

    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return int(generation)


def _cache_key(prefix: str, generation: int) -> str:
    return f"api-key:{generation}:{prefix}"


def _remember_locally(prefix: str, generation: int, api_key) -> None:
    with _local_lock:
        if len(_local_keys) >= KEY_LOCAL_MAX_ENTRIES:
            _local_keys.clear()
        _local_keys[(generation, prefix)] = (time.monotonic() + KEY_LOCAL_SECONDS, api_key)


def _found_locally(prefix: str, generation: int):
    entry = _local_keys.get((generation, prefix))
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def forget_local_keys() -> None:
    """Empty this process's copy (tests; the generation makes it unnecessary otherwise)."""
    with _local_lock:
        _local_keys.clear()


def find_key(prefix: str, *, generation: int | None = None):
    """The :class:`~api.models.ApiKey` with ``prefix`` (its partner selected), or ``None``.

    ``generation``: the key generation when the caller has already read it (in the same round trip
    as other values it needs)."""
    from django.core.cache import cache

    from .models import ApiKey

    generation = _generation() if generation is None else generation
    api_key = _found_locally(prefix, generation)
    if api_key is not None:
        return api_key
    api_key = cache.get(_cache_key(prefix, generation))
    if api_key is None:
        api_key = ApiKey.objects.select_related("partner").filter(prefix=prefix).first()
        if api_key is not None:
            cache.set(_cache_key(prefix, generation), api_key, timeout=KEY_CACHE_SECONDS)
    if api_key is not None:
        _remember_locally(prefix, generation, api_key)
    return api_key


def remember_key(api_key, *, generation: int | None = None) -> None:
    """Keep a key whose ``last_used_at`` just moved (under the generation it was read in)."""
    from django.core.cache import cache

    generation = _generation() if generation is None else generation
    if cache.get(_cache_key(api_key.prefix, generation)) is not None:
        cache.set(_cache_key(api_key.prefix, generation), api_key, timeout=KEY_CACHE_SECONDS)
    if _found_locally(api_key.prefix, generation) is not None:
        _remember_locally(api_key.prefix, generation, api_key)


def _move_generation() -> None:
    from django.core.cache import cache

    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def forget_cached_keys() -> None:
    """Make every cached key row unreachable, now and once the current transaction commits."""
    from django.db import transaction

    _move_generation()
    transaction.on_commit(_move_generation)
