"""Addresses of the exchange outside ``/api/``: tracked links, feeds and embeds (no key needed)."""

from django.urls import path

from .views import links

urlpatterns = [
    path("go/<str:token>/", links.follow, name="tracked_link"),
]
