"""``/api/``: the v1 resources, the OpenAPI schema and its offline documentation."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import errors
from .views import auth, bookings, content, demands, indicators, market, orders, partner, search, tourism

router = SimpleRouter()
router.register("provinces", content.ProvinceViewSet, basename="province")
router.register("communes", content.CommuneViewSet, basename="commune")
router.register("villages", content.VillageViewSet, basename="village")
router.register("guides", content.GuideViewSet, basename="guide")
router.register("news", content.NewsViewSet, basename="news")
router.register("notices", content.NoticeViewSet, basename="notice")
router.register("events", content.EventViewSet, basename="event")
router.register("producers", market.ProducerViewSet, basename="producer")
router.register("products", market.ProductViewSet, basename="product")
router.register("lots", market.LotViewSet, basename="lot")
router.register("reviews", market.ReviewViewSet, basename="review")
# tourism (tourism:read) and a person's orders and bookings (person's token)
router.register("stays", tourism.StayViewSet, basename="stay")
router.register("experiences", tourism.ExperienceViewSet, basename="experience")
# digital-village indicators (indicators:read): values first, so "values" is not read as a code
router.register("indicators/values", indicators.IndicatorValueViewSet, basename="indicator-value")
router.register("indicators", indicators.IndicatorViewSet, basename="indicator")
router.register("orders", orders.OrderViewSet, basename="order")
router.register("bookings", bookings.BookingViewSet, basename="booking")
# a buyer's demands, their ranked matches and offers (person's token, demands:write)
router.register("demands", demands.DemandViewSet, basename="demand")
# the one search across content, products and tourism (content:read; see api/views/search.py)
router.register("search", search.SearchViewSet, basename="search")
# the partner's own subscriptions and webhook deliveries (partner key with the webhooks scope)
router.register("partner/subscriptions", partner.SubscriptionViewSet, basename="partner-subscription")
router.register("partner/deliveries", partner.DeliveryViewSet, basename="partner-delivery")

urlpatterns = [
    path("v1/auth/token/", auth.AuthTokenView.as_view(), name="api_auth_token"),
    path("v1/partner/", partner.PartnerView.as_view(), name="api_partner"),
    path("v1/partner/usage/", partner.UsageView.as_view(), name="api_partner_usage"),
    path("v1/partner/exchange-log/", partner.ExchangeLogView.as_view(), name="api_partner_exchange_log"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
    re_path(r"^[\s\S]*$", errors.not_found),  # any remainder, newlines included,
]
