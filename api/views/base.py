"""The conventions every ``/api/v1/`` operation shares, in one base class.

* Who: :mod:`api.authentication` (partner key or person's token) and :class:`api.permissions.ApiAccess`.
* Quota: a partner's tier (or the person quota) per minute and per day → 429 + ``Retry-After``;
  ``X-RateLimit-*`` headers on every answer.
* Language: ``?lang=vi|en``, else ``Accept-Language``; answered with ``Content-Language``.
* Conditional GET: ``ETag``/``Last-Modified`` → 304 without reading any content (api.conditional).
* Answer cache: a 200 answer is kept in the cache under its ETag (``API_RESPONSE_CACHE_SECONDS``); the
  same question with nothing changed since is answered from there, after the same checks of key,
  scope and quota (the ETag names the caller, so one partner never gets another's tracked links).
* Evidence: every partner request is recorded in the exchange log and counted in the day's usage
  (``api.exchange``: written in batches, within ``API_EXCHANGE_FLUSH_SECONDS`` of the request).
* Cost: the key generation and the content clock come in one cache round trip, both quota windows in
  another (on Redis); the key row is kept in process memory (``api.keys``); a revalidation or a cached
  answer reads no database row. Early answers (``api.shortcut``): with Redis, a revalidation or a kept
  answer for a key this process holds is given before the rest of the stack, after the same checks in
  one round trip; a view whose answer needs more than the standard checks sets ``early_answers = False``.
* Filters: ``filter_serializer_class`` validates the query (400 with field messages), ``apply_filters``
  narrows the queryset.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response

from ..authentication import ApiKeyAuthentication, UserTokenAuthentication, partner_of
from ..conditional import (
    CLOCK_KEY,
    clock_of_request,
    etag_for,
    http_date,
    is_not_modified,
    last_modified,
    start_of_request,
)
from ..exchange import record_exchange
from ..keys import GENERATION_KEY
from ..models import ApiKey
from ..pagination import ApiCursorPagination
from ..permissions import ApiAccess
from ..quotas import quota_for_tier, take, user_quota
from ..shortcut import keep_answer, kept_answer

LANGUAGE_CODES = ("vi", "en")
#: ids in addresses: digits that fit a 64-bit integer (a longer number is a 404, not a database error)
ID_PATTERN = r"[0-9]{1,18}"


class NotModified(exceptions.APIException):
    status_code = status.HTTP_304_NOT_MODIFIED
    default_code = "not_modified"


class CachedAnswer(exceptions.APIException):
    """Raised by ``initial`` when the answer to this very question is in the cache."""

    status_code = status.HTTP_200_OK
    default_code = "cached"

    def __init__(self, content: bytes):
        super().__init__()
        self.content = content


def requested_language(request) -> str:
    raw = request.query_params.get("lang")
    if raw is not None:
        if raw not in LANGUAGE_CODES:
            raise serializers.ValidationError({"lang": [_("Use “vi” or “en”.")]})
        return raw
    language = translation.get_language_from_request(request._request, check_path=False)
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def read_shared_values(request) -> None:
    """The key generation and the content clock in one cache round trip, kept on the Django request
    for the key lookup (``api.authentication``) and the conditional check."""
    if hasattr(request, "api_content_clock"):
        return
    start_of_request()
    values = cache.get_many([GENERATION_KEY, CLOCK_KEY])
    generation = values.get(GENERATION_KEY)
    request.api_key_generation = None if generation is None else int(generation)
    request.api_content_clock = values.get(CLOCK_KEY)


class ApiViewMixin:
    """Mix into every API view (APIView, GenericAPIView or ViewSet)."""

    authentication_classes = [ApiKeyAuthentication, UserTokenAuthentication]
    permission_classes = [ApiAccess]
    throttle_classes: list = []
    pagination_class = ApiCursorPagination
    lookup_value_regex = ID_PATTERN
    #: the scope a partner key needs to read here (``content:read``…); ``None`` = any approved key
    required_scope: str | None = None
    #: set on views with write operations: they need a person's token (and this scope for partner apps)
    write_scope: str | None = None
    #: True for the partner's own resources (usage, subscriptions…): a person's token is not enough
    partner_only = False
    #: answer GETs with ETag/Last-Modified and 304
    conditional = True
    #: a revalidation or a kept answer may be given before the full request cycle (``api.shortcut``,
    #: for views with only the standard checks); False where a view's answer needs more of the cycle
    early_answers = True
    #: validates the query string of list operations
    filter_serializer_class: type[serializers.Serializer] | None = None

    def scope_for(self, request) -> str | None:
        if request.method not in ("GET", "HEAD", "OPTIONS") and self.write_scope:
            return self.write_scope
        return self.required_scope

    @property
    def partner(self):
        return partner_of(self.request)

    @property
    def language(self) -> str:
        return getattr(self, "_language", settings.LANGUAGE_CODE)

    # --- request lifecycle ---------------------------------------------------------------------------
    def initial(self, request, *args, **kwargs):
        self._previous_language = translation.get_language()
        self._quota_state = None
        self._etag = None
        read_shared_values(request._request)
        # refusals of the key or scope already speak the asked language (checked strictly just after)
        early = request.query_params.get("lang")
        if early in LANGUAGE_CODES:
            translation.activate(early)
        super().initial(request, *args, **kwargs)
        self._language = requested_language(request)
        translation.activate(self._language)
        if self.conditional and request.method in ("GET", "HEAD"):
            # the clock read with the key generation, unless the view moved it since (indicators)
            clock = clock_of_request(getattr(request._request, "api_content_clock", None))
            self._modified = last_modified(clock=clock)
            self._etag = etag_for(
                caller=self._caller(request),
                language=self._language,
                # scheme and host too: answers carry absolute addresses
                full_path=request.build_absolute_uri(),
                accept=request.META.get("HTTP_ACCEPT", ""),
                modified=self._modified,
            )
            if is_not_modified(request, etag=self._etag, modified=self._modified):
                raise NotModified()
            # not asked again when the early try found no answer kept under this ETag (api.shortcut)
            not_kept = getattr(request._request, "api_answer_not_kept", None) == self._etag
            if settings.API_RESPONSE_CACHE_SECONDS > 0 and not not_kept:
                kept = kept_answer(self._etag)
                if kept is not None:
                    raise CachedAnswer(kept.content)

    def _caller(self, request) -> str:
        if isinstance(request.auth, ApiKey):
            return f"p{request.auth.partner_id}"
        user = request.user
        return f"u{user.pk}" if user is not None and user.is_authenticated else "anonymous"

    def check_throttles(self, request):
        if isinstance(request.auth, ApiKey):
            identity, quota = f"p{request.auth.partner_id}", quota_for_tier(request.auth.partner.tier)
        elif request.user is not None and request.user.is_authenticated:
            identity, quota = f"u{request.user.pk}", user_quota()
        else:
            return
        # counted already when the request was tried for an early answer (api.shortcut)
        taken = getattr(request._request, "api_quota_taken", None)
        if taken is not None and taken[0] == identity:
            self._quota_state = taken[1]
        else:
            self._quota_state = take(identity, quota)
        if not self._quota_state.allowed:
            raise exceptions.Throttled(
                wait=self._quota_state.retry_after,
                detail=_("You have used your quota; try again in %(seconds)s seconds.")
                % {"seconds": self._quota_state.retry_after},
            )

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        if isinstance(exc, CachedAnswer):
            response = HttpResponse(exc.content, content_type="application/json")
            response["X-Answer-Cache"] = "hit"
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        quota_state = getattr(self, "_quota_state", None)
        if quota_state is not None:
            for name, value in quota_state.headers().items():
                response[name] = value
        language = getattr(self, "_language", None)
        if language:
            response["Content-Language"] = language
        response["Vary"] = "Accept, Accept-Language, Authorization, X-Api-Key, Origin"
        etag = getattr(self, "_etag", None)
        if etag and response.status_code in (200, 304):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(self._modified)
            response["Cache-Control"] = "private, no-cache"
            self._keep_answer(response, etag)
        self._record(request, response)
        previous = getattr(self, "_previous_language", None)
        if previous:
            translation.activate(previous)
        return response

    def _keep_answer(self, response, etag: str) -> None:
        seconds = settings.API_RESPONSE_CACHE_SECONDS
        if seconds <= 0 or response.status_code != 200 or not isinstance(response, Response):
            return
        response.render()
        keep_answer(etag, response.content, seconds)

    def _record(self, request, response) -> None:
        """The exchange-log record and the day's usage (``api.exchange``: written in batches, within
        ``API_EXCHANGE_FLUSH_SECONDS`` of the request)."""
        auth = getattr(request, "_auth", None)
        if not isinstance(auth, ApiKey):
            return
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        body = getattr(response, "content", b"") if not getattr(response, "streaming", False) else b""
        record_exchange(
            partner_id=auth.partner_id,
            key_prefix=auth.prefix,
            request=request,
            operation=self.operation_name(),
            status=response.status_code,
            body=body,
        )

    def operation_name(self) -> str:
        basename = getattr(self, "basename", None) or type(self).__name__
        action = getattr(self, "action", None) or self.request.method.lower()
        return f"{basename}.{action}"

    # --- filters -------------------------------------------------------------------------------------
    def filters(self) -> dict:
        """The validated query filters (400 with field messages when malformed)."""
        if not hasattr(self, "_filters"):
            if self.filter_serializer_class is None:
                self._filters = {}
            else:
                serializer = self.filter_serializer_class(data=self.request.query_params)
                serializer.is_valid(raise_exception=True)
                self._filters = serializer.validated_data
        return self._filters

    def apply_filters(self, queryset, filters: dict):
        return queryset

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) == "list" or (
            self.request.method == "GET" and self.detail_lookup_absent()
        ):
            return self.apply_filters(queryset, self.filters())
        return queryset

    def detail_lookup_absent(self) -> bool:
        lookup = getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
        return lookup not in getattr(self, "kwargs", {})

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["partner"] = self.partner
        context["language"] = self.language
        return context


class ReadOnlyApiViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """A list + detail resource of public content."""
