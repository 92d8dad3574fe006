"""OpenAPI: every operation documents every status code it can return, errors in the one shape."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from .serializers.base import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Invalid input: the fields and what is wrong with each.",
    "401": "No credentials, or an unknown or revoked key or token.",
    "403": "The key lacks the scope, the partner is not active, or the operation needs a person's token.",
    "404": "Not found (also for someone else's resource).",
    "406": "The Accept header or ?format asks for a format we do not serve.",
    "409": "The request conflicts with the current state (sold out, no longer available…).",
    "429": "Over quota: see Retry-After and the X-RateLimit-* headers.",
    "503": "A backing service (the search cluster) is briefly unavailable: see Retry-After.",
}

ERROR_EXAMPLE = OpenApiExample(
    "error",
    value={
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "Some inputs are not valid.",
            "fields": {"commune": ["Unknown commune id 999."]},
        }
    },
    response_only=True,
)


class ApiAutoSchema(AutoSchema):
    """Adds the refusals (400/401/403/404/406/429, 409 on writes) and 304 for conditional GETs."""

    def _error_codes(self) -> list[str]:
        view = self.view
        codes = ["401", "403", "406", "429"]
        if self.method == "GET":
            codes.append("400")
            if self._is_list_view() is False or "{" in self.path:
                codes.append("404")
        else:
            codes += ["400", "404", "409"]
        codes += [str(code) for code in getattr(view, "extra_error_statuses", ())]
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        if self.method == "GET" and getattr(self.view, "conditional", False):
            responses.setdefault("304", {"description": "Not modified since your ETag / Last-Modified."})
        for code in self._error_codes():
            if code not in responses:
                response = OpenApiResponse(
                    response=ErrorSerializer, description=ERROR_DESCRIPTIONS.get(code, "")
                )
                responses[code] = self._get_response_for_code(response, code)
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "svp_<prefix>_<secret>",
            "description": "A partner's API key (also accepted as the X-Api-Key header).",
        }


class UserTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.UserTokenAuthentication"
    name = "userToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A person's token as “Token <token>” (POST /api/v1/auth/token/).",
        }
