"""Producers, products, lots and reviews (``market:read``): approved producers and listed products only."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view

from market.models import Certification, Lot, Producer, Product, Review, ReviewStatus
from market.selectors import decorate_cards, with_cards

from ..models import Scope
from ..places import places_for
from ..serializers.market import (
    LotFilter,
    LotSerializer,
    ProducerDetailSerializer,
    ProducerFilter,
    ProducerSerializer,
    ProductFilter,
    ProductSerializer,
    ReviewFilter,
    ReviewSerializer,
)
from .base import ReadOnlyApiViewSet

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class PlacesMixin:
    """Gives filters and serializers the request's province/commune index."""

    def places(self):
        return places_for(self.request, self.language)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["places"] = self.places()
        context["today"] = timezone.localdate()
        return context

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            serializer = self.filter_serializer_class(
                data=self.request.query_params, context={"places": self.places()}
            )
            serializer.is_valid(raise_exception=True)
            self._filters = serializer.validated_data
        return self._filters

    def filter_by_product(self, queryset, filters: dict):
        """The filters of what hangs off a product (lots, reviews): its place, the product, the producer,
        and ``updated_since`` on the row's creation (lots and reviews are not edited)."""
        page_ids = self.commune_page_ids(filters)
        if page_ids is not None:
            queryset = queryset.filter(product__commune_id__in=page_ids)
        if "product" in filters:
            queryset = queryset.filter(product_id=filters["product"])
        if "producer" in filters:
            queryset = queryset.filter(product__producer_id=filters["producer"])
        if "updated_since" in filters:
            queryset = queryset.filter(created_at__gte=filters["updated_since"])
        return queryset

    def commune_page_ids(self, filters: dict) -> list[int] | None:
        """Page ids (every language) of the communes the ``province``/``commune`` filters allow."""
        places = self.places()
        if "commune" in filters:
            communes = [filters["commune"]]
        elif "province" in filters:
            communes = places.commune_ids_in_province(filters["province"])
        else:
            return None
        if "province" in filters and "commune" in filters:
            communes = [c for c in communes if places.communes[c].province_id == filters["province"]]
        return [page_id for commune in communes for page_id in places.page_ids(commune)]


@extend_schema_view(
    list=extend_schema(summary="Products on sale", parameters=[ProductFilter], tags=["market"]),
    retrieve=extend_schema(summary="One product", tags=["market"]),
)
class ProductViewSet(PlacesMixin, ReadOnlyApiViewSet):
    """Approved products of approved producers, with OCOP stars and current certifications."""

    required_scope = Scope.MARKET_READ
    serializer_class = ProductSerializer
    filter_serializer_class = ProductFilter

    def get_queryset(self):
        # into a list (``to_attr``): no related manager and queryset cloned per product of the page
        certifications = Prefetch(
            "certifications",
            queryset=Certification.objects.order_by("kind", "pk"),
            to_attr="ordered_certifications",
        )
        # communes are named from the request's places (``PlacesMixin``), not from a joined page per row
        return with_cards(Product.objects.listed(), commune=False).prefetch_related(certifications)

    def apply_filters(self, queryset, filters):
        page_ids = self.commune_page_ids(filters)
        if page_ids is not None:
            queryset = queryset.filter(commune_id__in=page_ids)
        if "category" in filters:
            queryset = queryset.filter(category=filters["category"])
        if "minimum_ocop_stars" in filters:
            queryset = queryset.filter(
                ocop__stars__gte=filters["minimum_ocop_stars"], ocop__expires_on__gte=timezone.localdate()
            )
        if filters.get("in_stock") is True:
            queryset = queryset.filter(stock__gt=0)
        elif filters.get("in_stock") is False:
            queryset = queryset.filter(stock=0)
        if "max_price" in filters:
            queryset = queryset.filter(price__lte=filters["max_price"])
        if "producer" in filters:
            queryset = queryset.filter(producer_id=filters["producer"])
        if "updated_since" in filters:
            queryset = queryset.filter(updated_at__gte=filters["updated_since"])
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return decorate_cards(page, commune_titles={}) if page is not None else None

    def get_object(self):
        product = super().get_object()
        return decorate_cards([product], commune_titles={})[0]


@extend_schema_view(
    list=extend_schema(summary="Producers", parameters=[ProducerFilter], tags=["market"]),
    retrieve=extend_schema(summary="One producer, with reliability figures", tags=["market"]),
)
class ProducerViewSet(PlacesMixin, ReadOnlyApiViewSet):
    """Approved producers (households, cooperatives, small enterprises), with their products on sale."""

    required_scope = Scope.MARKET_READ
    serializer_class = ProducerSerializer
    filter_serializer_class = ProducerFilter

    def get_serializer_class(self):
        return ProducerDetailSerializer if getattr(self, "action", None) == "retrieve" else ProducerSerializer

    def get_queryset(self):
        # a join ignores the default manager: deleted products are left out by name
        on_sale = Q(products__review_status=ReviewStatus.APPROVED, products__deleted_at__isnull=True)
        return Producer.objects.approved().annotate(products_count=Count("products", filter=on_sale))

    def apply_filters(self, queryset, filters):
        page_ids = self.commune_page_ids(filters)
        if page_ids is not None:
            queryset = queryset.filter(commune_id__in=page_ids)
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        if "updated_since" in filters:
            queryset = queryset.filter(updated_at__gte=filters["updated_since"])
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Lots (traceability)", parameters=[LotFilter], tags=["market"]),
    retrieve=extend_schema(summary="One lot, by the id in its QR code", tags=["market"]),
)
class LotViewSet(PlacesMixin, ReadOnlyApiViewSet):
    """Harvest and production lots of the products on sale: dates, quantity and the producer's note."""

    required_scope = Scope.MARKET_READ
    serializer_class = LotSerializer
    filter_serializer_class = LotFilter
    lookup_field = "public_id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return Lot.objects.filter(product__in=Product.objects.listed()).select_related("product__producer")

    def apply_filters(self, queryset, filters):
        return self.filter_by_product(queryset, filters)


@extend_schema_view(
    list=extend_schema(
        summary="Product reviews by verified buyers", parameters=[ReviewFilter], tags=["market"]
    ),
    retrieve=extend_schema(summary="One review", tags=["market"]),
)
class ReviewViewSet(PlacesMixin, ReadOnlyApiViewSet):
    """Reviews of the products on sale, newest first: stars, text and date — never the reviewer."""

    required_scope = Scope.MARKET_READ
    serializer_class = ReviewSerializer
    filter_serializer_class = ReviewFilter

    def get_queryset(self):
        return Review.objects.filter(product__in=Product.objects.listed()).select_related("product")

    def apply_filters(self, queryset, filters):
        queryset = self.filter_by_product(queryset, filters)
        if "minimum_rating" in filters:
            queryset = queryset.filter(rating__gte=filters["minimum_rating"])
        return queryset
