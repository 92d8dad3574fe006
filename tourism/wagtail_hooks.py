"""Admin customisation for community tourism: the commune office's "Tourism" screens (moderation queue,
reviews, smart-tourism statistics) — see ``tourism.admin_views``."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.moderation import ModeratorMenuItem

from . import admin_views

tourism_admin_urls = [
    path("", admin_views.ModerationQueueView.as_view(), name="index"),
    path("hosts/<int:pk>/", admin_views.HostDecisionView.as_view(), name="host"),
    path("listings/<int:pk>/", admin_views.ServiceDecisionView.as_view(), name="service"),
    path("reviews/", admin_views.ReviewListView.as_view(), name="reviews"),
    path("reviews/<int:pk>/", admin_views.ReviewModerationView.as_view(), name="review"),
    path("statistics/", admin_views.StatisticsView.as_view(), name="statistics"),
    path("statistics.csv", admin_views.StatisticsCsvView.as_view(), name="statistics_csv"),
]


@hooks.register("register_admin_urls")
def register_tourism_admin_urls():
    return [path("tourism/", include((tourism_admin_urls, "tourism_admin"), namespace="tourism_admin"))]


@hooks.register("register_admin_menu_item")
def register_tourism_menu_item():
    return ModeratorMenuItem(
        _("Tourism"), reverse("tourism_admin:index"), name="tourism", icon_name="site", order=260
    )
