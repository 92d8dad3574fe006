"""Booking emails: the guest and the host hear what happened, each in their language.

The ``tourism.booking.*`` event handler (``tourism.registration``) enqueues one job per event after the
transaction commits. The guest gets the confirmation (reference and a link to the booking with its QR
code), the reminder the day before arrival, the cancellation with the refund, and the review
invitation after check-out; the host hears of new bookings, requests and cancellations.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import Event

from .models import Booking

GUEST_SUBJECTS = {
    "tourism.booking.held": lambda: _("Booking %(reference)s: waiting for your payment"),
    "tourism.booking.requested": lambda: _("Booking %(reference)s: request sent to the host"),
    "tourism.booking.accepted": lambda: _("Booking %(reference)s: the host accepted, please pay"),
    "tourism.booking.confirmed": lambda: _("Booking %(reference)s confirmed"),
    "tourism.booking.declined": lambda: _("Booking %(reference)s: the host declined"),
    "tourism.booking.cancelled": lambda: _("Booking %(reference)s cancelled"),
    "tourism.booking.expired": lambda: _("Booking %(reference)s expired unpaid"),
    "tourism.booking.reminder": lambda: _("See you tomorrow: booking %(reference)s"),
    "tourism.booking.completed": lambda: _("How was your stay? Review booking %(reference)s"),
}
HOST_SUBJECTS = {
    "tourism.booking.requested": lambda: _("New booking request %(reference)s"),
    "tourism.booking.confirmed": lambda: _("New booking %(reference)s"),
    "tourism.booking.cancelled": lambda: _("Booking %(reference)s cancelled"),
}


def booking_url(booking: Booking, language: str) -> str:
    with translation.override(language):
        path = reverse("tourism:booking", args=[booking.access_token])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_booking_email(*, event_id: int) -> int:
    event = Event.objects.filter(pk=event_id, name__startswith="tourism.booking.").first()
    if event is None:
        return 0
    booking = (
        Booking.objects.select_related("service__host__owner", "unit", "slot", "guest")
        .filter(pk=event.subject_id)
        .first()
    )
    if booking is None:
        return 0
    people = []
    if event.name in GUEST_SUBJECTS:
        language = booking.language or (booking.guest.preferred_language if booking.guest else "") or "en"
        people.append((booking.guest_email, language, "guest", GUEST_SUBJECTS[event.name]))
    owner = booking.service.host.owner
    if event.name in HOST_SUBJECTS and owner.email:
        people.append((owner.email, owner.preferred_language or "vi", "host", HOST_SUBJECTS[event.name]))
    sent = 0
    for email, language, role, subject_of in people:
        with translation.override(language):
            subject = subject_of() % {"reference": booking.reference}
            body = render_to_string(
                "tourism/email/booking_update.txt",
                {
                    "booking": booking,
                    "event": event,
                    "role": role,
                    "subject": subject,
                    "booking_url": booking_url(booking, language),
                    "host_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + f"/{language}/my/stays/",
                },
            )
        sent += EmailMessage(subject=subject, body=body, to=[email]).send()
    return sent
