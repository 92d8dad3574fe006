"""Background work of tourism (Django tasks API: database worker here, Redis/RQ when scaled out)."""

from django_tasks import task


@task()
def release_expired_holds_task() -> int:
    """Expire unpaid holds and unanswered requests, giving their nights and seats back."""
    from .services.bookings import release_expired_holds

    return release_expired_holds()


@task()
def daily_bookings_task() -> dict:
    """Complete finished stays (review invitations follow) and remind tomorrow's arrivals."""
    from .services.bookings import complete_finished_bookings, send_arrival_reminders

    return {"completed": complete_finished_bookings(), "reminded": send_arrival_reminders()}


@task()
def sync_calendars_task() -> int:
    """Re-read every imported calendar that has an address (Airbnb, Booking.com…)."""
    from .services.calendars import sync_all_feeds

    return sync_all_feeds()


@task()
def send_booking_email_task(event_id: int) -> int:
    """Tell the guest and the host what just happened to a booking."""
    from .notifications import send_booking_email

    return send_booking_email(event_id=event_id)
