"""The tourist's side under ``/<language>/stays/`` (see ``tourism.views.public``)."""

app_name = "tourism"

urlpatterns: list = []
