"""The tourist's side under ``/<language>/stays/`` (see ``tourism.views.public``)."""

from django.urls import path

from .views import public

app_name = "tourism"

urlpatterns = [
    path("", public.search, name="search"),
    path("booking/<uuid:access_token>/", public.booking_detail, name="booking"),
    path("booking/<uuid:access_token>/qr.svg", public.booking_qr, name="booking_qr"),
    path("booking/<uuid:access_token>/pay/", public.pay, name="pay"),
    path("booking/<uuid:access_token>/cancel/", public.cancel, name="cancel"),
    path("booking/<uuid:access_token>/review/", public.review, name="review"),
    path("<slug:slug>/", public.service_detail, name="service"),
    path("<slug:slug>/book/", public.book, name="book"),
]
