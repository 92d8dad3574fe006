"""The tourist's own bookings under ``/<language>/my/bookings/`` (see ``tourism.views.guest``)."""

from django.urls import path

from .views import guest

app_name = "guest"

urlpatterns = [path("", guest.index, name="index")]
