"""A person's token for the write endpoints, and what those endpoints share.

``POST /api/v1/auth/token/`` trades a login (email or phone, as on the site: ``accounts.backends``) and
a password for the person's token; ``DELETE`` revokes it. Failed attempts are counted per login and per
address, like on every other login (``accounts.throttling``): while the login or the address is locked,
attempts are a 429 with ``Retry-After``, right password or not.

An app acting for a person sends the token as ``Authorization: Token <token>``: orders and bookings
are that person's, and a partner's API key alone is refused there (``PersonOnly``).
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import throttling
from core.security import client_address

from ..authentication import UserTokenAuthentication
from ..models import ApiKey
from ..permissions import UserTokenNeeded
from ..schema import ApiAutoSchema
from ..serializers.base import ErrorSerializer
from .base import ApiViewMixin


class PersonOnly(BasePermission):
    """After :class:`~api.permissions.ApiAccess`: the resource is a person's, so a key alone is refused."""

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey) or not (request.user and request.user.is_authenticated):
            raise UserTokenNeeded()
        return True


# --- the token ----------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=254, help_text=_("The email address or phone number."))
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as “Authorization: Token <token>”."))


class TooManyLogins(exceptions.Throttled):
    default_code = "too_many_logins"


class TokenSchema(ApiAutoSchema):
    """Only the refusals this operation can give (no scopes, no person's resource to miss)."""

    def _error_codes(self) -> list[str]:
        return ["400", "401", "429"] if self.method == "POST" else ["401"]


class AuthTokenView(ApiViewMixin, APIView):
    """Trade a login and password for a person's token (POST), or revoke the token sent (DELETE)."""

    schema = TokenSchema()
    conditional = False
    authentication_classes = [UserTokenAuthentication]

    def get_authenticators(self):
        if getattr(self.request, "method", None) == "POST":
            return []  # signing in: whatever Authorization header comes along is not looked at
        return super().get_authenticators()

    def get_authenticate_header(self, request):
        return 'Token realm="api"'

    def get_permissions(self):
        if getattr(self.request, "method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        summary="Get a person's token",
        description=(
            "Sign in with an email address or phone number and the password. The same token is given "
            "until it is revoked. After too many failed attempts for a login, or from one address, "
            "attempts are refused with 429 for a cooldown (Retry-After gives the seconds left)."
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Login or password missing."),
            401: OpenApiResponse(ErrorSerializer, description="The login or the password is wrong."),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed attempts: see Retry-After."),
        },
        examples=[
            OpenApiExample("sign in", request_only=True, value={"login": "0912345678", "password": "…"}),
            OpenApiExample(
                "token", response_only=True, value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}
            ),
        ],
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        login, password = given.validated_data["login"], given.validated_data["password"]
        # The backend counts failures and refuses locked logins (accounts.throttling); asked first so
        # that a locked login reads as a 429, not as a wrong password.
        seconds = throttling.seconds_locked(login=login, address=client_address(request._request))
        if seconds:
            raise TooManyLogins(
                wait=seconds, detail=str(_("Too many failed attempts; wait and try again (see Retry-After)."))
            )
        user = authenticate(request._request, username=login, password=password)
        if user is None:
            raise exceptions.AuthenticationFailed(_("The login or the password is wrong."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(
        summary="Revoke the token sent",
        description="The token stops working at once; sign in again for a new one.",
        request=None,
        responses={204: None},
        tags=["auth"],
    )
    def delete(self, request):
        Token.objects.filter(pk=request.auth.pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
