"""``/api/v1/search/``: the one search across guides, news, events, notices, products, stays and
experiences, with facets; ``/api/v1/search/suggest/``: titles while typing.

The search itself is ``core.search`` (``get_search_backend()``: the database backend or Elasticsearch,
the same answers either way); the query string is read by ``core.search.documents.parse_query``, the
reader the site's search page uses, so both refuse the same things: a type, category, price band,
province or commune that does not exist is a 400 naming the parameter; a long query or one full of
operators is folded and cut, never an error.

Who: a partner's key with ``content:read`` (or a person's token, like every read). Products need
``market:read`` too and stays, tours and experiences ``tourism:read``: without them a key searches the
other kinds, and asking for them by ``type`` is a 403.
"""

from dataclasses import replace
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.search.backends import get_search_backend
from core.search.documents import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, SearchHit, parse_query
from core.search.indexing import known_categories, known_kinds

from ..models import ApiKey, Scope
from ..permissions import MissingScope
from ..places import places_for
from ..schema import ApiAutoSchema
from ..serializers.common import place_ref
from ..serializers.search import (
    SearchParameters,
    SearchResultsSerializer,
    SuggestionsSerializer,
    SuggestParameters,
)
from ..syndication import absolute_url, syndication
from .base import ApiViewMixin

DEFAULT_PER_PAGE = 20
SEARCH_RETRY_AFTER_SECONDS = 30


class SearchUnavailable(APIException):
    """The search backend (the Elasticsearch cluster) cannot answer: 503 with ``Retry-After``."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"

    def __init__(self):
        super().__init__(_("Search is briefly unavailable; try again in a minute."))
        self.wait = SEARCH_RETRY_AFTER_SECONDS


#: kinds of results a partner's key needs another scope for (every other kind is content)
KIND_SCOPES = {
    "product": Scope.MARKET_READ,
    "stay": Scope.TOURISM_READ,
    "tour": Scope.TOURISM_READ,
    "experience": Scope.TOURISM_READ,
}
#: the names ``parse_query`` (and the site's search page) give parameters and facets → the API's names
API_NAMES = {"kind": "type", "ocop": "minimum_ocop_stars", "ocop_stars": "minimum_ocop_stars"}

HIT_EXAMPLE = {
    "key": "product:42",
    "kind": "product",
    "language": "en",
    "title": "Shan Tuyet tea",
    "summary": "Hand-picked from old tea trees at 1,400 m.",
    "url": "https://langso.example/en/market/p/che-shan-tuyet-ta-van/",
    "province": {"id": 3, "title": "Lào Cai"},
    "commune": {"id": 12, "title": "Tả Van"},
    "category": "tea",
    "ocop_stars": 4,
    "price": 350000,
    "updated_at": "2026-11-20T08:00:00Z",
    "syndication": {
        "canonical_url": "https://langso.example/en/market/p/che-shan-tuyet-ta-van/",
        "tracked_url": "https://langso.example/go/7.L2VuL21hcmtldC9wL2NoZS1zaGFuLXR1eWV0LXRhLXZhbi8.3f…/",
        "attribution": "Source: Tả Van — Làng số, CC BY 4.0",
        "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    },
}


class SearchSchema(ApiAutoSchema):
    """One object per answer (results, total, facets), not a list of items; no resource to miss (no 404)."""

    def _is_list_view(self, serializer=None) -> bool:
        return False

    def _error_codes(self) -> list[str]:
        return [code for code in super()._error_codes() if code != "404"]


def _query_string_parameters(serializer_class) -> list[OpenApiParameter]:
    """``type`` is repeatable (``?type=guide&type=news``) and also takes commas (``?type=guide,news``)."""
    return [
        serializer_class,
        OpenApiParameter(
            "type",
            {"type": "array", "items": {"type": "string"}},
            explode=True,
            description=str(SearchParameters().fields["type"].help_text),
        ),
    ]


class SearchViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """The one search (see the module's note)."""

    extra_error_statuses = (503,)  # the search cluster down (SearchUnavailable)

    required_scope = Scope.CONTENT_READ
    #: what a key may read here depends on its scopes per kind (``allowed_kinds``): the full path decides
    early_answers = False
    pagination_class = None
    schema = SearchSchema()

    # --- who may read which kinds -----------------------------------------------------------------------
    def allowed_kinds(self) -> set[str] | None:
        """The kinds this caller may read; ``None`` for every kind (a person, a key with every scope)."""
        auth = self.request.auth
        if not isinstance(auth, ApiKey):
            return None
        kinds = set(known_kinds())
        partner = auth.partner
        allowed = {kind for kind in kinds if partner.has_scope(KIND_SCOPES.get(kind, Scope.CONTENT_READ))}
        return None if allowed == kinds else allowed

    def _refuse_unscoped(self, kinds) -> None:
        allowed = self.allowed_kinds()
        if allowed is None:
            return
        for kind in kinds:
            if kind not in allowed:
                scope = KIND_SCOPES.get(kind, Scope.CONTENT_READ)
                raise MissingScope(
                    _("Your key does not have the “%(scope)s” scope; ask us to add it.") % {"scope": scope}
                )

    # --- reading the query ------------------------------------------------------------------------------
    def _limit(self, raw: str | None, *, default: int, maximum: int) -> int:
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise serializers.ValidationError(
                {"limit": [_("A whole number from 1 to %(maximum)s is expected.") % {"maximum": maximum}]}
            )
        return min(value, maximum)

    def _query(self, request):
        params = request.query_params
        types = [part.strip() for value in params.getlist("type") for part in value.split(",")]
        types = [kind for kind in types if kind]
        given = {
            "q": params.get("q", ""),
            "kind": types,
            "province": params.get("province"),
            "commune": params.get("commune"),
            "category": params.get("category"),
            "ocop": params.get("minimum_ocop_stars"),
            "price": params.get("price"),
            "min_price": params.get("min_price"),
            "max_price": params.get("max_price"),
            "page": params.get("page"),
        }
        per_page = self._limit(params.get("limit"), default=DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
        places = places_for(request, self.language)
        try:
            query = parse_query(
                given,
                language=self.language,
                known_kinds=known_kinds(),
                known_categories=known_categories(),
                province_exists=lambda province_id: province_id in places.provinces,
                commune_exists=lambda commune_id: commune_id in places.communes,
                per_page=per_page,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {API_NAMES.get(name, name): messages for name, messages in error.message_dict.items()}
            ) from error
        self._refuse_unscoped(query.kinds)
        allowed = self.allowed_kinds()
        if not query.kinds and allowed is not None:
            query = replace(query, kinds=tuple(kind for kind in known_kinds() if kind in allowed))
        return query

    # --- answering --------------------------------------------------------------------------------------
    def _hit(self, hit: SearchHit, places) -> dict:
        path = urlsplit(hit.url).path if hit.url.startswith(("http://", "https://")) else hit.url
        commune = places.communes.get(hit.commune_id) if hit.commune_id is not None else None
        province = places.provinces.get(hit.province_id) if hit.province_id is not None else None
        return {
            "key": hit.key,
            "kind": hit.kind,
            "language": hit.language,
            "title": hit.title,
            "summary": hit.summary,
            "url": absolute_url(path, self.request),
            "province": place_ref(province) or _named(hit.province_id, hit.province_name),
            "commune": place_ref(commune) or _named(hit.commune_id, hit.commune_name),
            "category": hit.category,
            "ocop_stars": hit.ocop_stars,
            "price": hit.price,
            "updated_at": hit.updated_at,
            "syndication": syndication(
                path=path, commune=commune, partner=self.partner, request=self.request
            ),
        }

    def _link(self, page: int) -> str:
        url = self.request.build_absolute_uri()
        return remove_query_param(url, "page") if page == 1 else replace_query_param(url, "page", page)

    @extend_schema(
        operation_id="v1_search",
        summary="Search everything",
        description=(
            "Guides, news, events, notices, products, stays, tours and experiences in one search, with or "
            "without Vietnamese diacritics, best first. `facets` give, per filter parameter, the values "
            "present among the results with their counts (labels in the requested language); give a "
            "value back as that parameter to narrow. A type, category, price band, province or commune "
            "that does not exist is a 400 naming the parameter; a long query is cut (`query_cut`), "
            "operators are ignored. Products need the `market:read` scope too, stays, tours and "
            "experiences `tourism:read`: without them they are left out, and asking for them by `type` "
            "is a 403."
        ),
        parameters=_query_string_parameters(SearchParameters),
        responses=SearchResultsSerializer,
        examples=[
            OpenApiExample(
                "tea in Lào Cai",
                response_only=True,
                value={
                    "total": 1,
                    "page": 1,
                    "limit": 20,
                    "query_cut": False,
                    "next": None,
                    "previous": None,
                    "results": [HIT_EXAMPLE],
                    "facets": {
                        "type": [{"value": "product", "label": "Products", "count": 1}],
                        "category": [{"value": "tea", "label": "Tea", "count": 1}],
                    },
                },
            ),
            OpenApiExample(
                "a type that does not exist",
                status_codes=["400"],
                response_only=True,
                value={
                    "error": {
                        "status": 400,
                        "code": "invalid",
                        "message": "Some inputs are not valid.",
                        "fields": {"type": ["This type of result does not exist: recipe."]},
                    }
                },
            ),
        ],
        tags=["search"],
    )
    def list(self, request):
        query = self._query(request)
        backend = get_search_backend()
        try:
            found = backend.search(query)
        except backend.errors as error:
            raise SearchUnavailable from error
        places = places_for(request, self.language)
        allowed = self.allowed_kinds()
        facets = {
            API_NAMES.get(name, name): [
                {"value": str(value.value), "label": str(value.label), "count": value.count}
                for value in values
                # the type facet does not filter itself: keep to the kinds this key may ask for
                if name != "kind" or allowed is None or value.value in allowed
            ]
            for name, values in found.facets.items()
        }
        has_next = query.page * query.per_page < found.total and query.page < MAX_PAGE
        body = {
            "total": found.total,
            "page": query.page,
            "limit": query.per_page,
            "query_cut": query.is_cut,
            "next": self._link(query.page + 1) if has_next else None,
            "previous": self._link(query.page - 1) if query.page > 1 else None,
            "results": [self._hit(hit, places) for hit in found.hits],
            "facets": facets,
        }
        return Response(SearchResultsSerializer(body).data)

    @extend_schema(
        operation_id="v1_search_suggest",
        summary="Suggestions while typing",
        description=(
            "Titles (of the kinds your key may read) that start with what has been typed, or have a word "
            "that does; diacritics optional."
        ),
        parameters=[SuggestParameters],
        responses=SuggestionsSerializer,
        examples=[
            OpenApiExample(
                "“che sh”",
                response_only=True,
                value={
                    "suggestions": [
                        {
                            "text": "Chè Shan Tuyết",
                            "kind": "product",
                            "url": "https://langso.example/vi/market/p/che-shan-tuyet-ta-van/",
                        }
                    ]
                },
            )
        ],
        tags=["search"],
    )
    @action(detail=False, methods=["get"])
    def suggest(self, request):
        # q is read as typed (control characters and all: the backend folds them away), the rest checked
        given = SuggestParameters(
            data={name: request.query_params[name] for name in ("limit",) if name in request.query_params}
        )
        given.is_valid(raise_exception=True)
        limit = given.validated_data["limit"]
        allowed = self.allowed_kinds()
        text = request.query_params.get("q", "")[:MAX_QUERY_LENGTH]
        asked = limit if allowed is None else SuggestParameters().fields["limit"].max_value
        backend = get_search_backend()
        try:
            suggestions = backend.suggest(text, language=self.language, limit=asked) if text else []
        except backend.errors as error:
            raise SearchUnavailable from error
        kept = [suggestion for suggestion in suggestions if allowed is None or suggestion.kind in allowed]
        body = {
            "suggestions": [
                {"text": item.text, "kind": item.kind, "url": absolute_url(item.url, request)}
                for item in kept[:limit]
            ]
        }
        return Response(SuggestionsSerializer(body).data)


def _named(place_id: int | None, name: str) -> dict | None:
    """A place the index names but the live places do not (unpublished since): its id and indexed name."""
    return {"id": place_id, "title": name} if place_id is not None and name else None
