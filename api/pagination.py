"""Cursor pagination: stable under inserts, opaque cursors, ``limit`` capped at ``API_MAX_PAGE_SIZE``."""

from base64 import b64decode
from urllib import parse

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import Cursor, CursorPagination, _positive_int
from rest_framework.utils.urls import replace_query_param

CURSOR_SALT = "api.cursor"


class ApiCursorPagination(CursorPagination):
    page_size_query_param = "limit"
    cursor_query_param = "cursor"
    ordering = "-pk"
    invalid_cursor_message = _("This cursor is not valid: use the “next” and “previous” links as given.")

    def __init__(self):
        self.page_size = settings.API_DEFAULT_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return settings.API_DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError as error:
            raise serializers.ValidationError(
                {"limit": [_("A whole number from 1 to 100 is expected.")]}
            ) from error
        if size < 1:
            raise serializers.ValidationError({"limit": [_("A whole number from 1 to 100 is expected.")]})
        return min(size, self.max_page_size)

    def encode_cursor(self, cursor):
        """DRF's cursor, signed: a cursor we did not make is refused (400) instead of read."""
        url = super().encode_cursor(cursor)
        raw = parse.parse_qs(parse.urlsplit(url).query)[self.cursor_query_param][0]
        return replace_query_param(url, self.cursor_query_param, signing.dumps(raw, salt=CURSOR_SALT))

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            raw = signing.loads(encoded, salt=CURSOR_SALT)
            tokens = parse.parse_qs(b64decode(raw.encode("ascii")).decode("ascii"), keep_blank_values=True)
            offset = _positive_int(tokens.get("o", ["0"])[0], cutoff=self.offset_cutoff)
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
        except (signing.BadSignature, TypeError, ValueError, UnicodeError) as error:
            raise serializers.ValidationError({"cursor": [str(self.invalid_cursor_message)]}) from error
        return Cursor(offset=offset, reverse=reverse, position=position)

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["required"] = ["next", "previous", "results"]
        return page

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 100}
                parameter["description"] = str(
                    _("Items per page (1–100, default 20; more is capped at 100).")
                )
        return parameters
