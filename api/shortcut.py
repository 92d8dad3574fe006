"""Early answers: a partner's revalidation (304) or repeated question (the answer cache) is answered
before the rest of the middleware stack and DRF run — the same answer, headers, checks and evidence as
the full path (``api.views.base``), for a fraction of its cost.

Partners poll. Most of their requests ask again what they asked a minute ago, and most of those get a
304 or an answer kept under its ETag; the full path spends most of its time around that answer (session,
locale, CSRF and authentication middleware, DRF's request wrapping and content negotiation, two cache
round trips). Here, in :class:`api.middleware.EarlyAnswerMiddleware`, a GET or HEAD under ``/api/v1/``
is answered early only when everything the full path would check is already known:

* the key is presented, has our shape, and **this process holds its row** (``api.keys``: kept for
  ``KEY_LOCAL_SECONDS`` after a full-path request), active, of an approved partner, with the secret
  matching and ``last_used_at`` fresh (else the full path updates it);
* the address resolves to a read-only view that answers conditionally with only the standard checks
  (:func:`view_target`: the key's scope, no other permission, no override of the request cycle, and
  not opted out with ``early_answers = False``), and the key has that view's scope;
* ``?lang``, when given, is one we answer in;
* then **one Redis round trip** (:data:`READ_AND_COUNT`, a Lua script) reads the key generation and the
  content clock and, only when the generation is the one the row was kept under, counts the request in
  both quota windows.

With all that, the ETag is derived exactly as the full path derives it; a matching ``If-None-Match``
(or ``If-Modified-Since``) gets a 304, a kept answer gets a 200 (gzip bytes kept compressed, so a
gzip-accepting client costs no compression). The request is recorded in the exchange log and the day's
usage like any other. In every other case — an unknown or stale row, a moved generation, a quota
refusal, a question not asked before, Redis not in use or unreachable — the request goes on down the
full path, which reuses what was read and counted here (``request.api_key_generation``,
``request.api_content_clock``, ``request.api_quota_taken``, ``request.api_answer_not_kept``): nothing
is read or counted twice.

Only with Redis as the shared cache (``REDIS_URL``): without it every request takes the full path.
"""

import functools
import gzip
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language_from_request

from .conditional import CLOCK_KEY, etag_for, http_date, is_not_modified, last_modified, start_of_request
from .exchange import record_exchange
from .keys import (
    GENERATION_KEY,
    LAST_USED_PRECISION_SECONDS,
    held_locally,
    parse_key,
    presented_key,
    secret_matches,
)
from .quotas import DAY_WINDOW_TIMEOUT, MINUTE_WINDOW_TIMEOUT, quota_for_tier, quota_state, window_keys

API_PREFIX = "/api/v1/"
READ_METHODS = ("GET", "HEAD")
LANGUAGE_CODES = ("vi", "en")
#: what every answer of the API varies on (the full path sets the same, api.views.base)
VARY = "Accept, Accept-Language, Authorization, X-Api-Key, Origin"
#: GZipMiddleware's floor: shorter answers are sent as they are
GZIP_MIN_LENGTH = 200

#: Generation and clock in one read; the two quota windows counted only when the generation is the one
#: the caller's key row was kept under (so a row made stale by a change of access costs no quota here).
READ_AND_COUNT = """
local values = redis.call('MGET', KEYS[1], KEYS[2])
if values[1] ~= ARGV[1] then return {values[1], values[2]} end
local minute = redis.call('INCR', KEYS[3])
if redis.call('TTL', KEYS[3]) < 0 then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
local day = redis.call('INCR', KEYS[4])
if redis.call('TTL', KEYS[4]) < 0 then redis.call('EXPIRE', KEYS[4], ARGV[3]) end
return {values[1], values[2], minute, day}
"""
_scripts: dict[int, object] = {}


# --- the answer cache -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptAnswer:
    """A 200 answer kept under its ETag: the JSON's digest (for the exchange log) and its bytes,
    gzip-compressed when that makes them smaller (as ``GZipMiddleware`` would send them)."""

    digest: str
    compressed: bool
    body: bytes

    @property
    def content(self) -> bytes:
        return gzip.decompress(self.body) if self.compressed else self.body


def answer_cache_key(etag: str) -> str:
    return f"api-answer:{etag.strip(chr(34))}"


def keep_answer(etag: str, content: bytes, seconds: int) -> None:
    body, compressed = content, False
    if len(content) >= GZIP_MIN_LENGTH:
        squeezed = compress_string(content, max_random_bytes=100)
        if len(squeezed) < len(content):
            body, compressed = squeezed, True
    kept = KeptAnswer(digest=hashlib.sha256(content).hexdigest(), compressed=compressed, body=body)
    cache.set(answer_cache_key(etag), kept, timeout=seconds)


def kept_answer(etag: str) -> KeptAnswer | None:
    kept = cache.get(answer_cache_key(etag))
    return kept if isinstance(kept, KeptAnswer) else None


def _accepts_gzip(request) -> bool:
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


# --- which views may answer early ----------------------------------------------------------------------


@dataclass(frozen=True)
class ViewTarget:
    scope: str | None
    operation: str
    allow: str


#: methods of the request cycle a view must inherit unchanged to answer early (``handle_exception`` may
#: be overridden: such overrides map errors of their own — ``api.domain_errors`` — and defer the rest)
CYCLE = ("initial", "check_permissions", "check_throttles", "scope_for", "finalize_response")


def _allow_header(callback) -> str:
    names = set(getattr(callback, "actions", None) or ())
    cls = callback.cls
    if not names:
        names = {name for name in cls.http_method_names if hasattr(cls, name)}
    if "get" in names:
        names.add("head")
    names.add("options")
    return ", ".join(name.upper() for name in cls.http_method_names if name in names)


def _standard(name: str):
    from rest_framework.views import APIView

    from .views.base import ApiViewMixin

    return ApiViewMixin.__dict__.get(name) or getattr(APIView, name)


@functools.lru_cache(maxsize=2048)
def _target_of(path: str, method: str) -> ViewTarget | None:
    from .authentication import ApiKeyAuthentication
    from .permissions import ApiAccess
    from .views.base import ApiViewMixin

    try:
        match = resolve(path)
    except Resolver404:
        return None
    callback = match.func
    cls = getattr(callback, "cls", None)
    if cls is None or not issubclass(cls, ApiViewMixin) or not getattr(cls, "early_answers", False):
        return None
    if not cls.conditional or cls.partner_only or list(cls.permission_classes) != [ApiAccess]:
        return None
    if ApiKeyAuthentication not in cls.authentication_classes:
        return None
    if any(getattr(cls, name) is not _standard(name) for name in CYCLE):
        return None
        return None
    actions = getattr(callback, "actions", None)
    if actions is not None:
        action = actions.get(method.lower()) or actions.get("get")
        if action is None:
            return None
        basename = (getattr(callback, "initkwargs", None) or {}).get("basename") or cls.__name__
    elif hasattr(cls, method.lower()) or hasattr(cls, "get"):
        action, basename = method.lower(), cls.__name__
    else:
        return None
    return ViewTarget(
        scope=cls.required_scope, operation=f"{basename}.{action}", allow=_allow_header(callback)
    )


def view_target(path: str, method: str) -> ViewTarget | None:
    """What the full path needs to know of the view at ``path``, or ``None`` when it must run in full."""
    return _target_of(path, method)


def _forget_targets(**kwargs) -> None:
    if kwargs.get("setting") in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _target_of.cache_clear()


setting_changed.connect(_forget_targets)


# --- the answer -----------------------------------------------------------------------------------------


#: what an ``Accept`` header must allow for DRF to choose JSON (no 406)
JSON_MEDIA = frozenset({"application/json", "application/*", "*/*"})


def _negotiates_json(request) -> bool:
    """True when DRF's content negotiation would pick JSON: no ``?format=`` (a suffix it may refuse with
    a 404) and an ``Accept`` that is absent or allows ``application/json``."""
    if "format" in request.GET:
        return False
    accept = request.META.get("HTTP_ACCEPT", "")
    if not accept.strip():
        return True
    return any(part.split(";", 1)[0].strip().lower() in JSON_MEDIA for part in accept.split(","))


def requested_language(request) -> str | None:
    """As ``api.views.base.requested_language``; ``None`` for a ``?lang`` we do not answer in (400)."""
    raw = request.GET.get("lang")
    if raw is not None:
        return raw if raw in LANGUAGE_CODES else None
    language = get_language_from_request(request, check_path=False)
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def _read_and_count(generation: int, identity: str, now: float):
    """``(generation, clock, (minute, day) or None)`` in one round trip; ``None`` when the cache is not
    Redis or Redis is unreachable (the full path then reads as it does during an outage)."""
    outage = getattr(cache, "outage", None)
    client_of = getattr(getattr(cache, "client", None), "get_client", None)
    if outage is None or client_of is None or outage.skipping():
        return None
    minute_key, day_key = window_keys(identity, now)
    try:
        client = client_of(write=True)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(READ_AND_COUNT)
        values = script(
            keys=[
                cache.make_key(GENERATION_KEY),
                cache.make_key(CLOCK_KEY),
                cache.make_key(minute_key),
                cache.make_key(day_key),
            ],
            args=[generation, MINUTE_WINDOW_TIMEOUT, DAY_WINDOW_TIMEOUT],
        )
    except cache.unreachable_errors as error:
        outage.failed(error)
        return None
    outage.succeeded()
    decode = cache.client.decode
    shared = None if values[0] is None else int(decode(values[0]))
    clock = None if values[1] is None else decode(values[1])
    counts = (int(values[2]), int(values[3])) if len(values) == 4 else None
    return shared, clock, counts


def early_answer(request) -> HttpResponse | None:
    """The answer to ``request`` when it can be given here (see the module docstring), else ``None``."""
    if request.method not in READ_METHODS or not request.path.startswith(API_PREFIX):
        return None
    raw = presented_key(request)
    parsed = parse_key(raw) if raw else None
    held = held_locally(parsed.prefix) if parsed is not None else None
    if held is None:
        return None
    generation, api_key = held
    partner = api_key.partner
    now = time.time()
    last_used = api_key.last_used_at
    if (
        not api_key.is_active
        or partner.status != "approved"
        or last_used is None
        or now - last_used.timestamp() > LAST_USED_PRECISION_SECONDS
        or not secret_matches(parsed.secret, api_key.secret_hash)
    ):
        return None
    target = view_target(request.path_info, request.method)
    if target is None or (target.scope and not partner.has_scope(target.scope)):
        return None
    if not _negotiates_json(request):  # the full path answers 406 or 404 before counting anything
        return None
    language = requested_language(request)
    conditional = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
    if language is None or not (conditional or settings.API_RESPONSE_CACHE_SECONDS > 0):
        return None
    try:
        address = request.build_absolute_uri()
    except DisallowedHost:
        return None
    identity = f"p{api_key.partner_id}"
    read = _read_and_count(generation, identity, now)
    if read is None:
        return None
    shared_generation, clock, counts = read
    # what the full path would read again, handed on
    start_of_request()
    request.api_key_generation = shared_generation
    request.api_content_clock = clock
    if counts is None:  # the generation moved: the row may be stale, the full path reads it again
        return None
    state = quota_state(quota_for_tier(partner.tier), *counts, now=now)
    request.api_quota_taken = (identity, state)
    if not state.allowed:  # the full path refuses (429) with this count
        return None
    modified = last_modified(now, clock=clock)
    etag = etag_for(
        caller=identity,
        language=language,
        full_path=address,
        accept=request.META.get("HTTP_ACCEPT", ""),
        now=now,
        modified=modified,
    )
    if is_not_modified(request, etag=etag, modified=modified):
        response, digest = HttpResponse(status=304), ""
        del response["Content-Type"]
    else:
        kept = kept_answer(etag) if settings.API_RESPONSE_CACHE_SECONDS > 0 else None
        if kept is None:  # the full path answers (and keeps the answer), without asking the cache again
            request.api_answer_not_kept = etag
            return None
        response, digest = _answer_from(kept, request, etag), kept.digest
    for name, value in state.headers().items():
        response[name] = value
    response["Allow"] = target.allow
    response["Content-Language"] = language
    response["Vary"] = VARY if not response.has_header("Vary") else f"{VARY}, {response['Vary']}"
    if not response.has_header("ETag"):
        response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, no-cache"
    response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY")
    response["Content-Length"] = str(len(response.content))
    try:
        record_exchange(
            partner_id=api_key.partner_id,
            key_prefix=api_key.prefix,
            request=request,
            operation=target.operation,
            status=response.status_code,
            body=b"",
            digest=digest,
        )
    except DatabaseError:  # written with the answer (API_EXCHANGE_FLUSH_SECONDS=0) and the database is
        return None  # down: the full path answers (503 + Retry-After), with the quota counted here
    return response


def _answer_from(kept: KeptAnswer, request, etag: str) -> HttpResponse:
    if kept.compressed and _accepts_gzip(request):
        response = HttpResponse(kept.body, content_type="application/json")
        response["X-Answer-Cache"] = "hit"
        response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ("Accept-Encoding",))
        response["ETag"] = "W/" + etag  # as GZipMiddleware weakens it
        return response
    response = HttpResponse(kept.content, content_type="application/json")
    response["X-Answer-Cache"] = "hit"
    return response
