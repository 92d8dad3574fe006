"""The iCal export of one unit at its secret address, for Airbnb, Booking.com and phone calendars."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..models import Unit
from ..services.calendars import unit_calendar_ics


@require_GET
@never_cache
def unit_calendar(request, token: str):
    unit = Unit.objects.select_related("service").filter(calendar_token=token).first()
    if unit is None:
        raise Http404("No calendar at this address.")
    response = HttpResponse(unit_calendar_ics(unit), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="unit-{unit.pk}.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
