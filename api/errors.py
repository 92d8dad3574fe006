"""One JSON error shape for every refusal of the API::

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"commune": ["…"]}}}

``fields`` is present only when particular inputs are at fault. The same shape is used for 404s of
unknown API addresses and for a server error under ``/api/``.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core import resilience

from .exceptions import ApiServiceError

DEFAULT_MESSAGES = {
    400: gettext_lazy("The request is not valid."),
    401: gettext_lazy("Authentication is needed: send your API key as “Authorization: Bearer svp_…”."),
    403: gettext_lazy("You are not allowed to do this."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("This method is not allowed here."),
    406: gettext_lazy("We cannot answer in the format asked for."),
    409: gettext_lazy("This conflicts with the current state."),
    415: gettext_lazy("This media type is not supported."),
    429: gettext_lazy("Too many requests."),
    500: gettext_lazy("Something went wrong on our side; it has been logged."),
}


def error_body(*, status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    body = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _flatten_fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        fields = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for inner_name, inner in _flatten_fields(value).items():
                    fields[f"{name}.{inner_name}"] = inner
            elif isinstance(value, list):
                messages = []
                for item in value:
                    if isinstance(item, dict):
                        for inner_name, inner in _flatten_fields(item).items():
                            fields[f"{name}.{inner_name}"] = inner
                    else:
                        messages.append(str(item))
                if messages:
                    fields[name] = messages
            else:
                fields[name] = [str(value)]
        return fields
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def _first_code(codes) -> str:
    if isinstance(codes, dict):
        for value in codes.values():
            return _first_code(value)
    if isinstance(codes, list) and codes:
        return _first_code(codes[0])
    return str(codes) if codes else "invalid"


def api_exception_handler(exc, context):
    if isinstance(exc, ApiServiceError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(
            error_body(status_code=exc.http_status, code=str(exc.code), message=exc.message, fields=fields),
            status=exc.http_status,
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten_fields(exc.detail)
        message = _("Some inputs are not valid.")
        if list(fields) == ["non_field_errors"]:
            message = fields["non_field_errors"][0]
            fields = {}
        response.data = error_body(
            status_code=response.status_code,
            code=_first_code(exc.get_codes()),
            message=message,
            fields=fields,
        )
        return response
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        response.data = error_body(status_code=response.status_code, code=code, message=str(exc.detail))
        return response
    # Http404 and PermissionDenied from Django
    code = "not_found" if response.status_code == 404 else "permission_denied"
    message = _("Not found.") if response.status_code == 404 else _("You are not allowed to do this.")
    response.data = error_body(status_code=response.status_code, code=code, message=message)
    return response


def json_error(status_code: int, code: str, message: str | None = None) -> JsonResponse:
    return JsonResponse(
        error_body(status_code=status_code, code=code, message=message or str(DEFAULT_MESSAGES[status_code])),
        status=status_code,
    )


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any unknown address under ``/api/``: a JSON 404, not the site's HTML page."""
    return json_error(status.HTTP_404_NOT_FOUND, "not_found", _("There is no API operation at this address."))


def server_error(request, *args, **kwargs):
    """``handler500``: the JSON error shape under ``/api/``, the site's 500 page elsewhere.

    A database that could not be reached outside a view (a middleware saving the session…) is a 503
    with ``Retry-After``, as ``core.resilience`` answers it inside views."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return resilience.unavailable_response(request)
    if request.path.startswith("/api/"):
        return json_error(status.HTTP_500_INTERNAL_SERVER_ERROR, "server_error")
    return defaults.server_error(request, *args, **kwargs)
