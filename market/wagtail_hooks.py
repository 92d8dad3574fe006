"""Admin customisation for the marketplace: the commune moderators' "Marketplace moderation" screens."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.moderation import ModeratorMenuItem

from . import admin_views

moderation_urls = [
    path("", admin_views.ModerationIndexView.as_view(), name="index"),
    path("producers/<int:pk>/", admin_views.ProducerReviewView.as_view(), name="producer"),
    path("products/<int:pk>/", admin_views.ProductReviewView.as_view(), name="product"),
]


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [
        path(
            "marketplace-moderation/",
            include((moderation_urls, "market_moderation"), namespace="market_moderation"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModeratorMenuItem(
        _("Marketplace moderation"),
        reverse("market_moderation:index"),
        name="marketplace-moderation",
        icon_name="check",
        order=250,
    )
