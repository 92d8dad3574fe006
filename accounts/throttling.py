"""Login throttling: failed password checks counted per login and per address, then a cooldown.

Every door that takes a password — the Wagtail admin login (``/admin/login/``, which is also the site's
login), the Django admin login and the API token (``POST /api/v1/auth/token/``) — authenticates
through :class:`accounts.backends.PhoneOrEmailBackend`, which calls this module:

* before checking a password, :func:`seconds_locked` — while the login or the address is locked, the
  backend refuses without looking at the password (right or wrong);
* after a wrong password (or an unknown login), :func:`record_failure`;
* after a right one, :func:`record_success`, which clears the login's count (not the address's: one
  account of one's own must not reset the count of an address guessing others' passwords).

Failures are counted within ``LOGIN_LOCKOUT_SECONDS`` of the first; at ``LOGIN_FAILURES_LIMIT`` for one
login from one address — the login is the account it names, so a person's phone number and email address
share one count; a login naming no account is counted as written, normalised (a phone number in E.164, an
email in lower case) —, at ``LOGIN_FAILURES_PER_ACCOUNT_LIMIT`` for one login from anywhere, or at
``LOGIN_FAILURES_PER_ADDRESS_LIMIT`` from one address, a lock starts for ``LOGIN_LOCKOUT_SECONDS`` and an
``accounts.login.locked`` event is appended (once per lock). Someone guessing a person's password thus
locks themselves out, not the person signing in from elsewhere (unless the guessing comes from very many
addresses). The counters live in the Django cache
(Redis in production, shared by every process). A cache outage fails open: logins work, unthrottled
(``core.resilience.ResilientRedisCache`` answers misses and ``None`` while Redis is unreachable).

The login forms and the API ask :func:`seconds_locked` to say *why* they refuse (a form error, a 429 with
``Retry-After``); the backend's refusal alone would read as a wrong password.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core.events import record_event
from core.resilience import count

from .phones import looks_like_phone, normalize_phone

LOCKED_EVENT = "accounts.login.locked"
_PREFIX = "login-throttle"


def normalise_login(login: str) -> str:
    """The form in which a login is counted: ``+84912345678`` for any way of writing that phone number,
    the email address in lower case."""
    login = (login or "").strip()
    if looks_like_phone(login):
        try:
            return normalize_phone(login)
        except ValidationError:
            pass
    return login.lower()


def counted_login(login: str) -> str:
    """What a login's failures are counted under: the account it names, else the normalised login."""
    from .backends import find_user  # the backend calls this module

    normalised = normalise_login(login)
    if not normalised:
        return ""
    user = find_user(normalised)
    return f"account:{user.pk}" if user is not None else f"login:{normalised}"


def _key(kind: str, scope: str, value: str) -> str:
    return f"{_PREFIX}:{kind}:{scope}:" + hashlib.sha256(value.encode()).hexdigest()


def _scopes(login: str, address: str) -> list[tuple[str, str, int]]:
    """(scope, counted value, limit) for the login and the address that are known.

    ``login_address``: one login from one address, the strict limit — so that someone guessing can lock
    only themselves out, never the person (or an administrator) signing in from elsewhere;
    ``login``: one login from anywhere, a much higher limit against guessing spread over many addresses;
    ``address``: one address, whatever the logins."""
    scopes = []
    counted = counted_login(login)
    if counted and address:
        scopes.append(("login_address", f"{counted}|{address}", settings.LOGIN_FAILURES_LIMIT))
        scopes.append(("login", counted, settings.LOGIN_FAILURES_PER_ACCOUNT_LIMIT))
    elif counted:
        scopes.append(("login", counted, settings.LOGIN_FAILURES_LIMIT))
    if address:
        scopes.append(("address", address, settings.LOGIN_FAILURES_PER_ADDRESS_LIMIT))
    return scopes


def seconds_locked(*, login: str, address: str = "") -> int:
    """Seconds until ``login`` and ``address`` may try again (0: they may now)."""
    keys = [_key("locked", scope, value) for scope, value, _limit in _scopes(login, address)]
    until = max((value for value in cache.get_many(keys).values() if value), default=0)
    return max(0, math.ceil(until - time.time()))


def _count(key: str, window: int) -> int:
    # In the shared cache, or in this process's memory while Redis is unreachable: the limit holds
    # (per process) during an outage instead of failing open.
    return count(key, timeout=window)


def record_failure(*, login: str, address: str = "", user=None) -> list[str]:
    """Count a failed attempt; start a lock (and append its event) where a limit is reached.

    ``user`` is the account the login names, if any (the event's subject). Returns the scopes locked by
    this very attempt (``"login"``, ``"address"``).
    """
    lockout = settings.LOGIN_LOCKOUT_SECONDS
    started = []
    for scope, value, limit in _scopes(login, address):
        failures = _count(_key("failures", scope, value), lockout)
        if failures < limit:
            continue
        # ``add`` is atomic (Redis SET NX): of two processes reaching the limit, one starts the lock.
        if cache.add(_key("locked", scope, value), time.time() + lockout, timeout=lockout):
            started.append(scope)
            record_event(
                LOCKED_EVENT,
                subject=user if scope != "address" else None,
                payload={
                    "scope": scope,
                    "failures": failures,
                    "lockout_seconds": lockout,
                    "address": address,
                },
            )
    return started


def record_success(*, login: str, address: str = "") -> None:
    """A right password: the login's failures (from anywhere, and from this address) are forgotten."""
    if counted := counted_login(login):
        keys = [_key("failures", "login", counted)]
        if address:
            keys.append(_key("failures", "login_address", f"{counted}|{address}"))
        cache.delete_many(keys)
