"""Cancellation policies: how much of what was paid goes back, decided by the time left before arrival.

=========  ==================================================================================
flexible   everything back until 24 hours before arrival; nothing after
moderate   everything back until 5 days before arrival; nothing after
strict     half back until 14 days before arrival; nothing after
=========  ==================================================================================

"Until" includes the boundary: cancelling exactly 24 hours before a flexible stay refunds it all. The
host cancelling always refunds everything. Arrival is the stay's check-in time on the check-in day in
Asia/Ho_Chi_Minh (or the departure time of a tour). Only money already paid can go back.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Booking, CancellationPolicy

# policy → (how long before arrival, percent refunded until then)
RULES: dict[str, tuple[timedelta, int]] = {
    CancellationPolicy.FLEXIBLE: (timedelta(hours=24), 100),
    CancellationPolicy.MODERATE: (timedelta(days=5), 100),
    CancellationPolicy.STRICT: (timedelta(days=14), 50),
}


@dataclass(frozen=True)
class RefundQuote:
    """What cancelling now gives back: ``percent`` of ``paid`` = ``amount``, and until when."""

    paid: int
    percent: int
    amount: int
    deadline: datetime | None
    explanation: str


def arrival(booking: Booking) -> datetime:
    """When the guest is expected: check-in time of the first night, or the departure of the slot."""
    if booking.slot_id:
        return booking.slot.starts_at
    check_in_time = booking.service.check_in_time if booking.unit_id else time(8, 0)
    return timezone.make_aware(datetime.combine(booking.check_in, check_in_time))


def refund_for(*, booking: Booking, now: datetime | None = None, by_host: bool = False) -> RefundQuote:
    """The refund cancelling ``booking`` at ``now`` gives under its policy (or the host's full refund)."""
    now = now or timezone.now()
    paid = booking.total if booking.is_paid else 0
    if by_host:
        return RefundQuote(
            paid=paid, percent=100, amount=paid, deadline=None,
            explanation=_("The host cancelled: everything paid is refunded."),
        )  # fmt: skip
    window, percent_until = RULES[booking.cancellation_policy]
    deadline = arrival(booking) - window
    percent = percent_until if now <= deadline else 0
    amount = paid * percent // 100
    local_deadline = timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")
    if not paid:
        explanation = _("Nothing has been paid, so nothing is refunded.")
    elif percent:
        explanation = _("Cancelling now refunds %(percent)d%% (until %(deadline)s).") % {
            "percent": percent,
            "deadline": local_deadline,
        }
    else:
        explanation = _("The refund period ended on %(deadline)s: cancelling now refunds nothing.") % {
            "deadline": local_deadline
        }
    return RefundQuote(paid=paid, percent=percent, amount=amount, deadline=deadline, explanation=explanation)
