"""The host area under ``/<language>/my/stays/`` (see ``tourism.views.host``)."""

from django.urls import path

from .views import host

app_name = "host"

SERVICE = "<int:host_id>/services/<int:service_id>/"
ROOM = "<int:host_id>/rooms/<int:unit_id>/"
STAY_ROOM = "<int:host_id>/services/<int:service_id>/rooms/<int:unit_id>/"
BOOKING = "<int:host_id>/bookings/<str:reference>/"

urlpatterns = [
    path("", host.index, name="index"),
    path("new/", host.create, name="create"),
    path("new/for/<int:household_id>/", host.create, name="create_for"),
    path("<int:host_id>/", host.dashboard, name="dashboard"),
    path("<int:host_id>/profile/", host.profile, name="profile"),
    # listings, rooms, seasonal prices and departures
    path("<int:host_id>/services/new/", host.service_new, name="service_new"),
    path("<int:host_id>/services/<int:service_id>/", host.service_edit, name="service_edit"),
    path(f"{SERVICE}delete/", host.service_delete, name="service_delete"),
    path(f"{SERVICE}photos/add/", host.photo_add, name="photo_add"),
    path(f"{SERVICE}photos/<int:photo_id>/remove/", host.photo_remove, name="photo_remove"),
    path("<int:host_id>/services/<int:service_id>/rooms/new/", host.unit_new, name="unit_new"),
    path(STAY_ROOM, host.unit_edit, name="unit_edit"),
    path(f"{STAY_ROOM}seasons/", host.season_add, name="season_add"),
    path(f"{STAY_ROOM}seasons/<int:season_id>/remove/", host.season_remove, name="season_remove"),
    path("<int:host_id>/services/<int:service_id>/departures/", host.slots, name="slots"),
    # a room's month calendar, closed dates and iCal
    path(f"{ROOM}calendar/", host.unit_calendar, name="unit_calendar"),
    path(f"{ROOM}calendar/close/", host.close_dates, name="close_dates"),
    path(f"{ROOM}calendar/closed/<int:block_id>/reopen/", host.reopen_dates, name="reopen_dates"),
    path(f"{ROOM}calendars/", host.calendars, name="calendars"),
    path(f"{ROOM}calendars/new-address/", host.calendar_address, name="calendar_address"),
    path(f"{ROOM}calendars/add/", host.feed_add, name="feed_add"),
    path(f"{ROOM}calendars/upload/", host.feed_upload, name="feed_upload"),
    path(f"{ROOM}calendars/<int:feed_id>/sync/", host.feed_sync, name="feed_sync"),
    path(f"{ROOM}calendars/<int:feed_id>/remove/", host.feed_remove, name="feed_remove"),
    # bookings
    path("<int:host_id>/bookings/", host.bookings, name="bookings"),
    path(BOOKING, host.booking_detail, name="booking_detail"),
    path(f"{BOOKING}cancel/", host.booking_cancel, name="booking_cancel"),
    path(f"{BOOKING}<slug:action>/", host.booking_action, name="booking_action"),
    # reviews
    path("<int:host_id>/reviews/", host.reviews, name="reviews"),
    path("<int:host_id>/reviews/<int:review_id>/reply/", host.review_reply, name="review_reply"),
]
