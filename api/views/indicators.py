"""Digital-village indicators (``indicators:read``): the definitions and their values as open data.

``/indicators/values/`` answers with the rows of ``village.indicators.selectors.data_rows``, filtered by the
same form and written by the same formatter as the site's downloads (``/<lang>/indicators/data.csv`` and
``data.json``), so a partner's copy always equals the download, field by field.

The rows are not model instances (one row joins a value, its commune, province, indicator and target), so
DRF's cursor pagination, which pages by a model ordering, does not apply. The rows have one fixed order
(province, commune, indicator, period); the ``cursor`` is a signed position in that order, used exactly
like the other lists' cursors: follow ``next``/``previous`` as given, ``limit`` 1–100.
"""

from django.core import signing
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from village.indicators import selectors
from village.indicators.data_filters import licence_block
from village.models import IndicatorDefinition, IndicatorTarget

from ..conditional import advance_content_clock, content_clock
from ..models import Scope
from ..pagination import ApiCursorPagination
from ..schema import ApiAutoSchema
from ..serializers.indicators import (
    IndicatorDefinitionSerializer,
    IndicatorRowSerializer,
    IndicatorValuesFilter,
    IndicatorValuesSerializer,
)
from .base import ApiViewMixin, ReadOnlyApiViewSet

#: indicator codes in addresses (``values`` is the values list, registered first)
CODE_PATTERN = r"[-a-zA-Z0-9_]{1,60}"
ROW_CURSOR_SALT = "api.indicators.cursor"

DEFINITION_EXAMPLE = {
    "code": "eid_level2_adults",
    "name": "Adults with e-ID level 2",
    "unit": "percent",
    "direction": "higher",
    "source": "manual",
    "periodicity": "monthly",
    "method": "People aged 14 and over with a level-2 VNeID account, divided by the population aged 14 "
    "and over (commune police figures).",
    "targets": [
        {"year": 2025, "value": "80.00", "source": "Chương trình Chuyển đổi số quốc gia (QĐ 749/QĐ-TTg)"},
        {"year": 2030, "value": "100.00", "source": "Chương trình Chuyển đổi số quốc gia (QĐ 749/QĐ-TTg)"},
    ],
}

ROW_EXAMPLE = {
    "province_id": 4,
    "province": "Lao Cai",
    "commune_id": 5,
    "commune": "Ta Van",
    "indicator": "eid_level2_adults",
    "indicator_name": "Adults with e-ID level 2",
    "unit": "percent",
    "source": "manual",
    "period": "2026-03",
    "period_start": "2026-03-01",
    "value": "72.50",
    "target": "100.00",
    "updated_at": "2026-04-02T08:30:00Z",
}


class FreshValuesMixin:
    """Recomputed values are written without a domain event, so the content clock (and with it the ETag
    and the answer cache) would not move until its window ends: move it when the values changed later.

    ``selectors.values_last_updated`` is the one answer to "when did the values change" (the site's
    downloads ask it too). It is asked once the caller has passed the key, scope and quota checks (the
    last of them, ``check_throttles``), so a refused request costs no query, and before the ETag is
    derived from the clock."""

    def check_throttles(self, request):
        super().check_throttles(request)
        if request.method in ("GET", "HEAD"):
            latest = selectors.values_last_updated()
            if latest is not None and latest.timestamp() > content_clock():
                advance_content_clock()


class OnePageSchema(ApiAutoSchema):
    """The values list answers one object (a page with the licence block), not an array of rows."""

    def _is_list_view(self, serializer=None) -> bool:
        return False

    def _error_codes(self) -> list[str]:
        return [code for code in super()._error_codes() if code != "404"]

    def get_operation_id(self) -> str:
        return "v1_indicators_values_list"


class DefinitionPagination(ApiCursorPagination):
    ordering = ("order", "code")


@extend_schema_view(
    list=extend_schema(
        summary="Indicators: what is measured, how, and the national targets",
        tags=["indicators"],
        examples=[OpenApiExample("one indicator", response_only=True, value=DEFINITION_EXAMPLE)],
    ),
    retrieve=extend_schema(
        summary="One indicator, by its code",
        tags=["indicators"],
        examples=[OpenApiExample("one indicator", response_only=True, value=DEFINITION_EXAMPLE)],
    ),
)
class IndicatorViewSet(ReadOnlyApiViewSet):
    """The digital-village indicators shown on the platform, with their unit, direction (is higher
    better?), source (entered by the commune office or computed), periodicity, method and targets."""

    required_scope = Scope.INDICATORS_READ
    serializer_class = IndicatorDefinitionSerializer
    pagination_class = DefinitionPagination
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN

    def get_queryset(self):
        targets = IndicatorTarget.objects.order_by("year")
        return IndicatorDefinition.objects.filter(is_active=True).prefetch_related(
            Prefetch("targets", queryset=targets)
        )


@extend_schema_view(
    list=extend_schema(
        summary="Indicator values (open data)",
        description=(
            "The values by province, commune, indicator and period, in that order: the same rows, field "
            "by field, as the site's downloads `/vi/indicators/data.csv` and `/en/indicators/data.json` "
            'with the same filters. Decimals are strings with two places ("72.50"); `target` is the '
            "national target the period works towards. Names follow the requested language. Unknown "
            "ids or codes, a malformed period or a period ending before it starts are a 400 with the "
            "field at fault. Published under `licence`: show `attribution` next to the data."
        ),
        parameters=[
            IndicatorValuesFilter,
            OpenApiParameter(
                "cursor", str, description=str(_("The position to read from: use next/previous as given."))
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description=str(_("Items per page (1–100, default 20; more is capped at 100).")),
            ),
        ],
        responses=IndicatorValuesSerializer,
        examples=[
            OpenApiExample(
                "one page",
                response_only=True,
                value={
                    "licence": "CC BY 4.0",
                    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
                    "attribution": "Source: Làng số (commune offices and platform data), CC BY 4.0",
                    "last_updated": "2026-04-02T08:30:00Z",
                    "next": "https://example.org/api/v1/indicators/values/?province=4&cursor=…",
                    "previous": None,
                    "results": [ROW_EXAMPLE],
                },
            )
        ],
        tags=["indicators"],
    )
)
class IndicatorValueViewSet(FreshValuesMixin, ApiViewMixin, viewsets.GenericViewSet):
    """Indicator values as open data (see the module's note on the cursor)."""

    required_scope = Scope.INDICATORS_READ
    serializer_class = IndicatorRowSerializer
    filter_serializer_class = IndicatorValuesFilter
    pagination_class = None  # rows, not model instances: paged below
    schema = OnePageSchema()

    def get_queryset(self):  # for the schema's and DRF's introspection only
        return IndicatorDefinition.objects.none()

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            serializer = self.filter_serializer_class(
                data=self.request.query_params, context={"language": self.language}
            )
            serializer.is_valid(raise_exception=True)
            self._filters = serializer.validated_data
        return self._filters

    def list(self, request, *args, **kwargs):
        rows = selectors.data_rows(**self.filters())
        limit = ApiCursorPagination().get_page_size(request)
        offset = self._offset(request)
        page = rows[offset : offset + limit]
        url = request.build_absolute_uri()
        body = {
            **licence_block(rows),
            "next": self._link(url, offset + limit) if offset + limit < len(rows) else None,
            "previous": self._link(url, max(offset - limit, 0)) if offset > 0 else None,
            "results": IndicatorRowSerializer(page, many=True).data,
        }
        return Response(body)

    @staticmethod
    def _offset(request) -> int:
        token = request.query_params.get("cursor")
        if token is None:
            return 0
        try:
            offset = int(signing.loads(token, salt=ROW_CURSOR_SALT))
        except (signing.BadSignature, TypeError, ValueError) as error:
            raise serializers.ValidationError(
                {"cursor": [str(ApiCursorPagination.invalid_cursor_message)]}
            ) from error
        if offset < 0:
            raise serializers.ValidationError({"cursor": [str(ApiCursorPagination.invalid_cursor_message)]})
        return offset

    @staticmethod
    def _link(url: str, offset: int) -> str:
        if offset == 0:
            return remove_query_param(url, "cursor")
        return replace_query_param(url, "cursor", signing.dumps(offset, salt=ROW_CURSOR_SALT))
