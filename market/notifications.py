"""Order emails: at each step the buyer and the producer hear what happened, in their language.

The ``market.order.*`` event handler (``market.registration``) enqueues one email job per event after the
transaction commits; the job sends to the buyer (account email or the guest's email) and to the
producer's owner when they have an email. Console backend in development.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import Event

from .models import Order

SUBJECTS = {
    "market.order.placed": lambda: _("Order %(reference)s received"),
    "market.order.confirmed": lambda: _("Order %(reference)s confirmed"),
    "market.order.shipped": lambda: _("Order %(reference)s is on its way"),
    "market.order.delivered": lambda: _("Order %(reference)s delivered"),
    "market.order.completed": lambda: _("Order %(reference)s completed"),
    "market.order.cancelled": lambda: _("Order %(reference)s cancelled"),
    "market.order.refunded": lambda: _("Order %(reference)s refunded"),
}


def _recipients(order: Order) -> list[tuple[str, str, str]]:
    """(email, language, role) for the buyer and the producer, when they have an email address."""
    people = []
    buyer_email = order.checkout.buyer_email or (order.buyer.email if order.buyer else "")
    if buyer_email:
        people.append((buyer_email, order.buyer.preferred_language if order.buyer else "vi", "buyer"))
    owner = order.producer.owner
    if owner.email:
        people.append((owner.email, owner.preferred_language, "producer"))
    return people


def send_order_email(*, event_id: int) -> int:
    event = Event.objects.filter(pk=event_id, name__in=SUBJECTS).first()
    if event is None:
        return 0
    order = (
        Order.objects.select_related("checkout", "buyer", "producer__owner")
        .prefetch_related("lines")
        .filter(pk=event.subject_id)
        .first()
    )
    if order is None:
        return 0
    sent = 0
    for email, language, role in _recipients(order):
        with translation.override(language or "vi"):
            subject = SUBJECTS[event.name]() % {"reference": order.reference}
            body = render_to_string(
                "market/email/order_update.txt",
                {
                    "order": order,
                    "event": event,
                    "role": role,
                    "subject": subject,
                    "base_url": settings.WAGTAILADMIN_BASE_URL,
                },
            )
        sent += EmailMessage(subject=subject, body=body, to=[email]).send()
    return sent


# --- demand matches: a listing that fits a buyer's open demand ----------------------------------------

DEMAND_MATCHED = "market.demand.matched"


def _demand_url(demand) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        path = reverse("market:demand", args=[demand.public_id])
    except NoReverseMatch:  # the buyer's pages are not installed: the catalogue still is
        path = reverse("market:catalogue")
    return f"{settings.WAGTAILADMIN_BASE_URL}{path}"


def notify_demand_matches(*, product_id: int) -> int:
    """Tell each buyer whose open demand ``product_id`` fits (score at least
    ``settings.MATCHING_NOTIFY_MIN_SCORE``), once per demand and listing: a ``market.demand.matched``
    event is recorded under the demand's row lock before the email leaves, so a second run — a retried
    job, another update of the listing — finds it and stays quiet. Returns the number of emails sent."""
    from django.db import transaction

    from core.events import record_event

    from .matching import demands_for_product
    from .models import BuyerDemand, Product
    from .services.demands import demand_is_open

    product = Product.objects.listed().select_related("producer").filter(pk=product_id).first()
    if product is None:
        return 0
    threshold = float(getattr(settings, "MATCHING_NOTIFY_MIN_SCORE", 0.6))
    sent = 0
    for demand, match in demands_for_product(product):
        if match.score < threshold:
            continue
        with transaction.atomic():
            locked = (
                BuyerDemand.objects.select_for_update().select_related("buyer").filter(pk=demand.pk).first()
            )
            already = Event.objects.filter(
                name=DEMAND_MATCHED,
                subject_type=BuyerDemand._meta.label_lower,
                subject_id=str(demand.pk),
                payload__product=product.pk,
            ).exists()
            if locked is None or not demand_is_open(locked) or already or not locked.buyer.email:
                continue  # closed, fulfilled or expired since it was found, told already, or no email
            record_event(
                DEMAND_MATCHED,
                subject=locked,
                commune_id=product.commune_id,
                payload={"product": product.pk, "score": match.score},
            )
        buyer = locked.buyer
        with translation.override(buyer.preferred_language or "vi"):
            subject = _("A listing fits your demand “%(title)s”") % {"title": locked.title}
            body = render_to_string(
                "market/email/demand_match.txt",
                {
                    "demand": locked,
                    "product": product,
                    "match": match,
                    "subject": subject,
                    "demand_url": _demand_url(locked),
                    "base_url": settings.WAGTAILADMIN_BASE_URL,
                },
            )
        sent += EmailMessage(subject=subject, body=body, to=[buyer.email]).send()
    return sent
