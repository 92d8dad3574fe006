"""Short references people read aloud and type by hand (order ``DH…``, booking ``DP…``)."""

import secrets

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: references are typed by hand
REFERENCE_LENGTH = 8


def new_reference(prefix: str) -> str:
    """``prefix`` + 8 unambiguous characters, e.g. ``DHK7M2QX9P``: short enough for a bank transfer."""
    return prefix + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
