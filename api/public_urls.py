"""Addresses of the exchange outside ``/api/``: tracked links, feeds and embeds (no key needed)."""

from django.urls import path, re_path

from .views import embeds, feeds, links

_KINDS = "guides|news|notices|events|products|stays|experiences|tours|all"
_FEED = rf"(?P<kind>{_KINDS})\.(?P<feed_format>atom|rss|json)$"

urlpatterns = [
    path("go/<str:token>/", links.follow, name="tracked_link"),
    re_path(r"^feeds/(?P<language>vi|en)/" + _FEED, feeds.feed, name="feed"),
    re_path(
        r"^feeds/(?P<language>vi|en)/(?P<commune_id>[0-9]{1,10})/" + _FEED, feeds.feed, name="commune_feed"
    ),
    path("oembed/", embeds.oembed, name="oembed"),
    re_path(
        r"^embed/(?P<kind>product|stay|experience|tour|guide)/(?P<key>[-a-zA-Z0-9_]{1,100})/$",
        embeds.embed_card,
        name="embed_card",
    ),
]
