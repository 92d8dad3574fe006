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
# KEY_CACHE_SECONDS. Every change that matters to access — revoking or rotating a key, approving,
# suspending, reinstating or changing a partner's terms — forgets the partner's keys after commit, so
# with a shared cache (Redis) it takes effect on the next request everywhere. (With a per-process cache
# and several processes, another process may accept a revoked key for up to KEY_CACHE_SECONDS.)

KEY_CACHE_SECONDS = 60


def _cache_key(prefix: str) -> str:
    return f"api-key:{prefix}"


def find_key(prefix: str):
    """The :class:`~api.models.ApiKey` with ``prefix`` (its partner selected), or ``None``."""
    from django.core.cache import cache

    from .models import ApiKey

    api_key = cache.get(_cache_key(prefix))
    if api_key is None:
        api_key = ApiKey.objects.select_related("partner").filter(prefix=prefix).first()
        if api_key is not None:
            cache.set(_cache_key(prefix), api_key, timeout=KEY_CACHE_SECONDS)
    return api_key


def remember_key(api_key) -> None:
    from django.core.cache import cache

    cache.set(_cache_key(api_key.prefix), api_key, timeout=KEY_CACHE_SECONDS)


def forget_partner_keys(partner_id: int) -> None:
    """Drop the cached keys of a partner now and again once the current transaction commits (a request
    in between may have cached the rows as they were before the change)."""
    from django.core.cache import cache
    from django.db import transaction

    from .models import ApiKey

    cache_keys = [
        _cache_key(prefix)
        for prefix in ApiKey.objects.filter(partner_id=partner_id).values_list("prefix", flat=True)
    ]
    cache.delete_many(cache_keys)
    transaction.on_commit(lambda: cache.delete_many(cache_keys))
