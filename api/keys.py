"""API keys: ``svp_<prefix>_<secret>``; the prefix finds the row, only SHA-256(secret) is stored.

The secret is 32 random bytes, so a plain SHA-256 is enough (no password stretching is needed for a
high-entropy secret) and checking a key costs one indexed lookup and one hash.
"""

import hashlib
import hmac
import secrets
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
# KEY_CACHE_SECONDS under the current *key generation*. Every change that matters to access — revoking
# or rotating a key, approving, suspending, reinstating or changing a partner's terms — moves the
# generation (now, and again after commit), so every cached row becomes unreachable at once, including
# one a concurrent request read just before the change and writes to the cache just after it. With a
# shared cache (Redis) the change takes effect on the next request everywhere.

KEY_CACHE_SECONDS = 60
GENERATION_KEY = "api-key-generation"


def _generation() -> int:
    from django.core.cache import cache

    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return int(generation)


def _cache_key(prefix: str, generation: int) -> str:
    return f"api-key:{generation}:{prefix}"


def find_key(prefix: str):
    """The :class:`~api.models.ApiKey` with ``prefix`` (its partner selected), or ``None``."""
    from django.core.cache import cache

    from .models import ApiKey

    generation = _generation()
    api_key = cache.get(_cache_key(prefix, generation))
    if api_key is None:
        api_key = ApiKey.objects.select_related("partner").filter(prefix=prefix).first()
        if api_key is not None:
            cache.set(_cache_key(prefix, generation), api_key, timeout=KEY_CACHE_SECONDS)
    return api_key


def remember_key(api_key) -> None:
    """Keep a key whose ``last_used_at`` just moved (under the generation it was read in)."""
    from django.core.cache import cache

    generation = _generation()
    if cache.get(_cache_key(api_key.prefix, generation)) is not None:
        cache.set(_cache_key(api_key.prefix, generation), api_key, timeout=KEY_CACHE_SECONDS)


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
