"""Secret iCal export addresses (no language prefix: calendars are not pages)."""

from django.urls import path

from .views import calendar

app_name = "calendars"

urlpatterns = [path("<str:token>.ics", calendar.unit_calendar, name="unit")]
