"""The host area under ``/<language>/my/stays/`` (see ``tourism.views.host``)."""

app_name = "host"

urlpatterns: list = []
