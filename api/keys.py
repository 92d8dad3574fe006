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
