"""Reviews of stays and experiences: only by the guest of a completed booking, within 14 days after it;
the host may reply once; the commune moderator may hide a review (with a note) or show it again."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import record_event

from ..acting import acting_for_host, check_moderator
from ..exceptions import TourismError, TourismErrorCode
from ..models import Booking, BookingStatus, Review, ReviewStatus, Service

REVIEW_DAYS = 14


def review_window_closes(booking: Booking) -> datetime:
    """The end of the last day a review may be written: check-out day + 14 days, midnight local time."""
    last_day = booking.check_out + timedelta(days=REVIEW_DAYS)
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), datetime.min.time()))


def may_review(booking: Booking, user, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and booking.guest_id == user.pk
        and booking.status == BookingStatus.COMPLETED
        and now < review_window_closes(booking)
        and not Review.objects.filter(booking=booking).exists()
    )


def write_review(*, booking: Booking, author, rating, text: str = "", now: datetime | None = None) -> Review:
    """The guest of a completed stay or experience rates it 1–5 (with words if they like)."""
    now = now or timezone.now()
    if author is None or not getattr(author, "is_authenticated", False) or booking.guest_id != author.pk:
        raise TourismError(
            TourismErrorCode.REVIEW_NOT_ALLOWED, _("Only the guest of this booking can review it.")
        )
    if booking.status != BookingStatus.COMPLETED:
        raise TourismError(
            TourismErrorCode.REVIEW_NOT_ALLOWED, _("You can review once your stay is completed.")
        )
    if now >= review_window_closes(booking):
        raise TourismError(
            TourismErrorCode.REVIEW_NOT_ALLOWED,
            _("Reviews are written within %(days)d days after the stay.") % {"days": REVIEW_DAYS},
        )
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose from 1 to 5 stars.")})
    text = (text or "").strip()
    if len(text) > 2000:
        raise ValidationError({"text": _("A review is at most 2000 characters.")})
    try:
        with transaction.atomic():
            review = Review.objects.create(
                booking=booking, service_id=booking.service_id, author=author, author_name=booking.guest_name,
                rating=rating, text=text, created_at=now,
            )  # fmt: skip
            record_event(
                "tourism.review.written", subject=review, actor=author, commune_id=booking.commune_id,
                payload={"rating": rating, "service": booking.service_id},
            )  # fmt: skip
    except IntegrityError as error:
        raise TourismError(
            TourismErrorCode.ALREADY_REVIEWED, _("You have already reviewed this stay.")
        ) from error
    return review


def reply_to_review(*, review: Review, actor, text: str) -> Review:
    """The host answers a review, once."""
    acting = acting_for_host(user=actor, host=review.service.host)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("Write your reply.")})
    if len(text) > 2000:
        raise ValidationError({"reply": _("A reply is at most 2000 characters.")})
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("service").get(pk=review.pk)
        if review.replied_at is not None:
            raise TourismError(
                TourismErrorCode.ALREADY_REPLIED, _("You have already replied to this review.")
            )
        review.reply = text
        review.replied_at = timezone.now()
        review.save(update_fields=["reply", "replied_at"])
        record_event(
            "tourism.review.replied",
            subject=review,
            commune_id=review.service.commune_id,
            **acting.event_kwargs,
        )
    return review


def moderate_review(*, review: Review, moderator, visible: bool, note: str = "") -> Review:
    """The commune moderator hides a review (saying why) or shows it again."""
    check_moderator(moderator, review.service.commune_id)
    if not visible and not note.strip():
        raise ValidationError({"moderation_note": _("Say why the review is hidden.")})
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        review.status = ReviewStatus.PUBLISHED if visible else ReviewStatus.HIDDEN
        review.moderated_by = moderator
        review.moderation_note = note.strip()[:300]
        review.save(update_fields=["status", "moderated_by", "moderation_note"])
        record_event(
            f"tourism.review.{'shown' if visible else 'hidden'}", subject=review, actor=moderator,
            commune_id=review.service.commune_id, payload={"note": review.moderation_note},
        )  # fmt: skip
    return review


def rating_of(service: Service) -> dict:
    """Average rating and count of a listing's published reviews."""
    summary = service.reviews.filter(status=ReviewStatus.PUBLISHED).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    return {
        "average": round(summary["average"], 1) if summary["average"] else None,
        "count": summary["count"],
    }
