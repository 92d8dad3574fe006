"""Per-minute and per-day request quotas, counted in the shared cache (Redis when scaled out).

A partner's keys share the partner's quota (its tier, ``API_TIER_QUOTAS``); a person's token has
``API_USER_QUOTA``. Windows are fixed (the current UTC minute and day); a refused request counts too,
so hammering past the limit does not reset it.

On Redis both counters move in one round trip (one Lua script: ``INCR`` each, and give a new window
its expiry); on another cache, or while Redis is unreachable, each counter goes through
:func:`core.resilience.count` (which keeps counting in this process's memory during an outage).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from core.resilience import count

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Quota:
    per_minute: int
    per_day: int


@dataclass(frozen=True)
class QuotaState:
    quota: Quota
    used_minute: int
    used_day: int
    reset_minute_seconds: int
    reset_day_seconds: int

    @property
    def allowed(self) -> bool:
        return self.used_minute <= self.quota.per_minute and self.used_day <= self.quota.per_day

    @property
    def retry_after(self) -> int:
        if self.used_minute > self.quota.per_minute and self.used_day <= self.quota.per_day:
            return max(1, self.reset_minute_seconds)
        return max(1, self.reset_day_seconds)

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.quota.per_minute),
            "X-RateLimit-Remaining": str(max(0, self.quota.per_minute - self.used_minute)),
            "X-RateLimit-Reset": str(self.reset_minute_seconds),
            "X-RateLimit-Limit-Day": str(self.quota.per_day),
            "X-RateLimit-Remaining-Day": str(max(0, self.quota.per_day - self.used_day)),
        }


def quota_for_tier(tier: str) -> Quota:
    numbers = settings.API_TIER_QUOTAS.get(tier) or settings.API_TIER_QUOTAS["free"]
    return Quota(per_minute=int(numbers["per_minute"]), per_day=int(numbers["per_day"]))


def user_quota() -> Quota:
    numbers = settings.API_USER_QUOTA
    return Quota(per_minute=int(numbers["per_minute"]), per_day=int(numbers["per_day"]))


def _count(key: str, timeout: int) -> int:
    """One round trip in the usual case (the window's counter exists); two when a window begins. While
    the shared cache (Redis) is down, counted in this process's memory (``core.resilience.count``):
    the quota then holds per process instead of across them, and nobody is refused for the outage."""
    return count(key, timeout=timeout)


MINUTE_WINDOW_TIMEOUT = 120
DAY_WINDOW_TIMEOUT = SECONDS_PER_DAY + 3600
#: INCR both windows' counters; a counter without an expiry (a new window's first hit) gets one
COUNT_BOTH = """
local minute = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local day = redis.call('INCR', KEYS[2])
if redis.call('TTL', KEYS[2]) < 0 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return {minute, day}
"""
_scripts: dict[int, object] = {}


def _count_both_in_redis(minute_key: str, day_key: str) -> tuple[int, int] | None:
    """Both counters in one round trip; ``None`` when the cache is not Redis or Redis is unreachable."""
    outage = getattr(cache, "outage", None)
    client_of = getattr(getattr(cache, "client", None), "get_client", None)
    if outage is None or client_of is None or outage.skipping():
        return None
    try:
        client = client_of(write=True)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(COUNT_BOTH)
        minute, day = script(
            keys=[cache.make_key(minute_key), cache.make_key(day_key)],
            args=[MINUTE_WINDOW_TIMEOUT, DAY_WINDOW_TIMEOUT],
        )
    except cache.unreachable_errors as error:
        outage.failed(error)
        return None
    outage.succeeded()
    return int(minute), int(day)


def window_keys(identity: str, now: float) -> tuple[str, str]:
    """The cache keys of ``identity``'s current minute and day counters."""
    return f"api-quota:m:{identity}:{int(now // 60)}", f"api-quota:d:{identity}:{int(now // SECONDS_PER_DAY)}"


def quota_state(quota: Quota, used_minute: int, used_day: int, *, now: float) -> QuotaState:
    minute = int(now // 60)
    day = int(now // SECONDS_PER_DAY)
    return QuotaState(
        quota=quota,
        used_minute=used_minute,
        used_day=used_day,
        reset_minute_seconds=int((minute + 1) * 60 - now) or 1,
        reset_day_seconds=int((day + 1) * SECONDS_PER_DAY - now) or 1,
    )


def take(identity: str, quota: Quota, *, now: float | None = None) -> QuotaState:
    """Count one request for ``identity`` and say whether it is within ``quota``."""
    now = time.time() if now is None else now
    minute_key, day_key = window_keys(identity, now)
    counted = _count_both_in_redis(minute_key, day_key)
    if counted is not None:
        used_minute, used_day = counted
    else:
        used_minute = _count(minute_key, timeout=MINUTE_WINDOW_TIMEOUT)
        used_day = _count(day_key, timeout=DAY_WINDOW_TIMEOUT)
    return quota_state(quota, used_minute, used_day, now=now)
