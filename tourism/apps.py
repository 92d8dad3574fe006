from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TourismConfig(AppConfig):
    """Stays, tours and experiences: availability, holds and bookings, cancellation, iCal and reviews."""

    name = "tourism"
    verbose_name = _("Community tourism")

    def ready(self):
        from . import registration

        registration.register()
