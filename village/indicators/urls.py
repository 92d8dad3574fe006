"""The indicator pages (under /vi/ and /en/): dashboards, the province comparison, open-data downloads,
the commune office's entry pages and the guide's "Was this helpful?" vote."""

from django.urls import path

from . import data_views, office_views, views, vote_views

app_name = "indicators"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("data.csv", data_views.data_csv, name="data_csv"),
    path("data.json", data_views.data_json, name="data_json"),
    path("province/<int:province_id>/", views.province, name="province"),
    path("commune/<int:commune_id>/", views.commune, name="commune"),
    path("office/", office_views.office_home, name="office"),
    path("office/<int:commune_id>/", office_views.office_commune, name="office_commune"),
    path("vote/<int:guide_id>/", vote_views.vote, name="vote"),
]
