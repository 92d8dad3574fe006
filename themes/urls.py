"""``/theme/``: the per-commune colour stylesheet (lower-case hex only: one address per colour)."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^(?P<colour>[0-9a-f]{6})\.css$", views.colour_stylesheet, name="theme_colour"),
]
