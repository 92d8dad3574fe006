"""URL configuration: admin, documents, SEO files and the page tree under /vi/ and /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config.settings.environment import env_bool
from core import views as core_views
from village import views as village_views
from village.sitemaps import sitemap

urlpatterns = [
    # Probes first, outside the language prefixes: no redirect, no session, no page cache (core.middleware).
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", village_views.robots_txt, name="robots_txt"),
    path("sw.js", village_views.service_worker, name="service_worker"),
    path("theme/", include("themes.urls")),  # a commune's colour as a stylesheet (no inline <style>)
    path("i18n/", include("django.conf.urls.i18n")),
    path("payments/", include("payments.urls")),
    path("calendars/", include("tourism.calendar_urls")),
    path("api/", include("api.urls")),
    path("", include("api.public_urls")),
]

if env_bool("BENCH_BARE_VIEW", False):
    # The baseline view of bench/pages.py; never routed unless the benchmark asks for it.
    urlpatterns.insert(0, path("__bench__/bare/", core_views.bare, name="bench_bare"))
    from api.views import bench as api_bench  # the baseline of bench/api.py: a bare DRF view

    urlpatterns.insert(0, path("__bench__/bare-api/", api_bench.bare, name="bench_bare_api"))

if getattr(settings, "SERVE_MEDIA", False):
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

urlpatterns += i18n_patterns(
    path("search/", village_views.search, name="search"),
    path("search/suggest/", village_views.search_suggest, name="site-search-suggest"),
    path("offline/", village_views.offline, name="offline"),
    path("my/shop/", include("market.shop_urls")),
    path("market/", include("market.urls")),
    path("my/stays/", include("tourism.host_urls")),
    path("my/bookings/", include("tourism.guest_urls")),
    path("stays/", include("tourism.urls")),
    path("partners/", include("api.portal_urls")),
    path("indicators/", include("village.indicators.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler500 = "api.errors.server_error"
