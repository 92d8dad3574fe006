"""Places and village content (``content:read``): provinces, communes, villages, guides, news, notices,
events.

Only live pages that are not behind a view restriction are served; notices only until they expire.
Places answer with one id in every language (``api.places``); content pages answer in the requested
language with that language's page ids. A detail address accepts the id of any translation and answers
with the page in the requested language (404 when there is none).
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from wagtail.models import Locale

from core.text import fold_query
from village.images import rendition_prefetch
from village.models import (
    CommunePage,
    EventPage,
    GuidePage,
    NewsPage,
    NoticePage,
    ProvincePage,
    VillagePage,
)

from ..models import Scope
from ..pagination import ApiCursorPagination
from ..serializers import content as serializers
from .base import ReadOnlyApiViewSet
from .market import PlacesMixin

#: a search narrows to at most this many pages (then cursor pagination applies as usual)
MAX_SEARCH_HITS = 1000


class NewestFirstPagination(ApiCursorPagination):
    ordering = ("-first_published_at", "-pk")


class SoonestFirstPagination(ApiCursorPagination):
    ordering = ("start", "pk")


def with_card_image(pages):
    """Select the hero image and prefetch exactly its card rendition (one query for a whole page)."""
    return pages.select_related("hero_image").prefetch_related(
        rendition_prefetch((serializers.CARD_IMAGE_SPEC,), lookup="hero_image__renditions")
    )


def under_paths(paths: list[str]) -> Q:
    return reduce(or_, (Q(path__startswith=path) for path in paths))


class PageLookupMixin:
    """Detail lookups: the id of any translation → the page in the requested language."""

    def get_object(self):
        try:
            page_id = int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        except (TypeError, ValueError) as error:
            raise Http404 from error
        key = self.model.objects.live().filter(pk=page_id).values_list("translation_key", flat=True).first()
        page = self.get_queryset().filter(translation_key=key).first() if key is not None else None
        if page is None:
            raise Http404
        self.check_object_permissions(self.request, page)
        return page

    def place_paths(self, filters: dict) -> list[str] | None:
        """Tree paths (every language) of the places the ``province``/``commune`` filters allow."""
        places = self.places()
        if "commune" in filters:
            commune = places.communes[filters["commune"]]
            if "province" in filters and commune.province_id != filters["province"]:
                return []
            return places.paths[commune.id]
        if "province" in filters:
            return places.paths[filters["province"]]
        return None

    def narrow_to_places(self, queryset, filters: dict):
        paths = self.place_paths(filters)
        if paths is None:
            return queryset
        return queryset.filter(under_paths(paths)) if paths else queryset.none()


# --- places -----------------------------------------------------------------------------------------


class PlaceViewSet(PageLookupMixin, PlacesMixin, ReadOnlyApiViewSet):
    """Lists the canonical (Vietnamese) pages and shows each in the requested language."""

    required_scope = Scope.CONTENT_READ
    model = ProvincePage

    def canonical_pages(self):
        raise NotImplementedError

    def get_queryset(self):
        return with_card_image(self.canonical_pages().public().select_related("locale"))

    def apply_filters(self, queryset, filters):
        if "updated_since" in filters:
            changed = self.model.objects.live().filter(last_published_at__gte=filters["updated_since"])
            queryset = queryset.filter(translation_key__in=changed.values("translation_key"))
        return queryset

    def in_language(self, pages) -> list:
        """Each page gets ``shown``: its live translation in the requested language, else itself."""
        pages = list(pages)
        missing = [page.translation_key for page in pages if page.locale.language_code != self.language]
        translations = {}
        if missing:
            found = with_card_image(
                self.model.objects.live()
                .public()
                .filter(translation_key__in=missing, locale__language_code=self.language)
            )
            translations = {page.translation_key: page for page in found}
        for page in pages:
            page.shown = translations.get(page.translation_key, page)
        return pages

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return self.in_language(page) if page is not None else None

    def get_object(self):
        return self.in_language([super().get_object()])[0]


@extend_schema_view(
    list=extend_schema(summary="Provinces", parameters=[serializers.ProvinceFilter], tags=["places"]),
    retrieve=extend_schema(summary="One province", tags=["places"]),
)
class ProvinceViewSet(PlaceViewSet):
    """Provinces (tỉnh) with the number of their communes on the platform."""

    model = ProvincePage
    serializer_class = serializers.ProvinceSerializer
    filter_serializer_class = serializers.ProvinceFilter

    def canonical_pages(self):
        return ProvincePage.objects.filter(pk__in=list(self.places().provinces))


@extend_schema_view(
    list=extend_schema(summary="Communes", parameters=[serializers.CommuneFilter], tags=["places"]),
    retrieve=extend_schema(summary="One commune", tags=["places"]),
)
class CommuneViewSet(PlaceViewSet):
    """Communes (xã): public facts, the commune office's contacts and the licence of their content."""

    model = CommunePage
    serializer_class = serializers.CommuneSerializer
    filter_serializer_class = serializers.CommuneFilter

    def canonical_pages(self):
        return CommunePage.objects.filter(pk__in=list(self.places().communes))

    def apply_filters(self, queryset, filters):
        queryset = super().apply_filters(queryset, filters)
        if "province" in filters:
            queryset = queryset.filter(pk__in=self.places().commune_ids_in_province(filters["province"]))
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Villages", parameters=[serializers.VillageFilter], tags=["places"]),
    retrieve=extend_schema(summary="One village", tags=["places"]),
)
class VillageViewSet(PlaceViewSet):
    """Villages (thôn, bản) of the communes; one id in every language (the Vietnamese page's)."""

    model = VillagePage
    serializer_class = serializers.VillageSerializer
    filter_serializer_class = serializers.VillageFilter

    def canonical_pages(self):
        return VillagePage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE)

    def apply_filters(self, queryset, filters):
        return self.narrow_to_places(super().apply_filters(queryset, filters), filters)


# --- content pages ----------------------------------------------------------------------------------


class ContentViewSet(PageLookupMixin, PlacesMixin, ReadOnlyApiViewSet):
    """Live, public pages of one type in the requested language, newest first."""

    required_scope = Scope.CONTENT_READ
    pagination_class = NewestFirstPagination
    model = GuidePage
    detail_serializer_class = None
    has_image = True

    def get_serializer_class(self):
        if getattr(self, "action", None) == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def live_pages(self):
        return self.model.objects.live()

    def get_queryset(self):
        pages = self.live_pages().public().filter(locale__language_code=self.language)
        return with_card_image(pages) if self.has_image else pages

    def apply_filters(self, queryset, filters):
        queryset = self.narrow_to_places(queryset, filters)
        if "updated_since" in filters:
            queryset = queryset.filter(last_published_at__gte=filters["updated_since"])
        if filters.get("q"):
            queryset = queryset.filter(pk__in=self.search_hits(filters["q"]))
        return queryset

    def search_hits(self, query: str) -> list[int]:
        """Ids of pages in the requested language whose folded text holds every folded word of ``query``."""
        folded = fold_query(query, max_length=serializers.MAX_QUERY_LENGTH)
        locale = Locale.objects.filter(language_code=self.language).first()
        if not folded or locale is None:
            return []
        # the search runs on the plain live pages: the backends filter only on indexed fields
        pages = self.model.objects.live().filter(locale=locale)
        hits = pages.search(folded, operator="and", order_by_relevance=False)
        return [page.pk for page in hits[:MAX_SEARCH_HITS]]


@extend_schema_view(
    list=extend_schema(
        summary="Digital village guide chapters", parameters=[serializers.GuideFilter], tags=["content"]
    ),
    retrieve=extend_schema(summary="One guide chapter, with its body", tags=["content"]),
)
class GuideViewSet(ContentViewSet):
    """Chapters of the communes' digital village guides (e-ID, QR payments, public services, safety…)."""

    model = GuidePage
    serializer_class = serializers.GuideSerializer
    detail_serializer_class = serializers.GuideDetailSerializer
    filter_serializer_class = serializers.GuideFilter

    def apply_filters(self, queryset, filters):
        queryset = super().apply_filters(queryset, filters)
        if "topic" in filters:
            queryset = queryset.filter(topic=filters["topic"])
        if "audience" in filters:
            queryset = queryset.filter(audience=filters["audience"])
        return queryset


@extend_schema_view(
    list=extend_schema(summary="News", parameters=[serializers.NewsFilter], tags=["content"]),
    retrieve=extend_schema(summary="One news article, with its body", tags=["content"]),
)
class NewsViewSet(ContentViewSet):
    """The communes' news articles."""

    model = NewsPage
    serializer_class = serializers.NewsSerializer
    detail_serializer_class = serializers.NewsDetailSerializer
    filter_serializer_class = serializers.NewsFilter


@extend_schema_view(
    list=extend_schema(summary="Current notices", parameters=[serializers.NoticeFilter], tags=["content"]),
    retrieve=extend_schema(summary="One current notice, with its body", tags=["content"]),
)
class NoticeViewSet(ContentViewSet):
    """Official notices (thông báo) of the communes, until they expire (an expired notice is 404)."""

    model = NoticePage
    serializer_class = serializers.NoticeSerializer
    detail_serializer_class = serializers.NoticeDetailSerializer
    filter_serializer_class = serializers.NoticeFilter
    has_image = False

    def live_pages(self):
        return NoticePage.objects.live().current()

    def apply_filters(self, queryset, filters):
        queryset = super().apply_filters(queryset, filters)
        if "urgency" in filters:
            queryset = queryset.filter(urgency=filters["urgency"])
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Events, soonest first", parameters=[serializers.EventFilter], tags=["content"]
    ),
    retrieve=extend_schema(summary="One event, with its body", tags=["content"]),
)
class EventViewSet(ContentViewSet):
    """Festivals, market days, trainings and meetings; upcoming ones unless ``include_past=true``."""

    model = EventPage
    serializer_class = serializers.EventSerializer
    detail_serializer_class = serializers.EventDetailSerializer
    filter_serializer_class = serializers.EventFilter
    pagination_class = SoonestFirstPagination

    def apply_filters(self, queryset, filters):
        queryset = super().apply_filters(queryset, filters)
        if not filters.get("include_past"):
            queryset = queryset.filter(end__gte=timezone.now())
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        return queryset
