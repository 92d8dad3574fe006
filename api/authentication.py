"""Who is calling: a partner with an API key, or a signed-in person with a user token.

* ``Authorization: Bearer svp_<prefix>_<secret>`` (or ``X-Api-Key: svp_…``) — a partner's API key.
* ``Authorization: Token <token>`` — a person's token (``POST /api/v1/auth/token/``), for the write
  endpoints (orders, bookings, demands) of apps acting for their signed-in user.

An unknown, malformed or revoked key is a 401; a suspended or not-yet-approved partner a 403.
"""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, TokenAuthentication

from .keys import (
    LAST_USED_PRECISION_SECONDS,
    find_key,
    parse_key,
    presented_key,
    remember_key,
    secret_matches,
)
from .models import ApiKey

LAST_USED_PRECISION = timedelta(seconds=LAST_USED_PRECISION_SECONDS)


class ApiKeyAuthentication(BaseAuthentication):
    """A partner's API key; ``request.user`` stays anonymous and ``request.auth`` is the :class:`ApiKey`."""

    keyword = "Bearer"

    def authenticate(self, request):
        raw = self._presented_key(request)
        if raw is None:
            return None
        parsed = parse_key(raw)
        if parsed is None:
            raise exceptions.AuthenticationFailed(_("This is not a valid API key."))
        # read with the content clock at the start of the request (api.views.base.read_shared_values)
        generation = getattr(getattr(request, "_request", request), "api_key_generation", None)
        api_key = find_key(parsed.prefix, generation=generation)
        if api_key is None or not secret_matches(parsed.secret, api_key.secret_hash):
            raise exceptions.AuthenticationFailed(_("This is not a valid API key."))
        if not api_key.is_active:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked; use your new key."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
            remember_key(api_key, generation=generation)
        return (AnonymousUser(), api_key)

    def _presented_key(self, request) -> str | None:
        return presented_key(request)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class UserTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>`` for a signed-in person (DRF's token, one per user)."""

    keyword = "Token"


def partner_of(request):
    """The partner behind the request's API key, or ``None`` for a user token."""
    auth = getattr(request, "auth", None)
    return auth.partner if isinstance(auth, ApiKey) else None
