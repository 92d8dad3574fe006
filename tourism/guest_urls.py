"""The tourist's own bookings under ``/<language>/my/bookings/`` (see ``tourism.views.guest``)."""

app_name = "guest"

urlpatterns: list = []
