"""Recording events: the one way a service announces a state change."""

from django.db import models, transaction

from .models import Event
from .registries import handlers_for


def record_event(
    name: str,
    *,
    subject: models.Model | None = None,
    actor=None,
    on_behalf_of=None,
    commune_id: int | None = None,
    payload: dict | None = None,
) -> Event:
    """Append an event and call the registered handlers inside the caller's transaction.

    Handlers write rows (e.g. outbox deliveries) in the same transaction, so either the state change,
    its event and its consequences are all stored, or none is. Sending happens after commit.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        event = Event.objects.create(
            name=name,
            actor=actor,
            on_behalf_of=on_behalf_of,
            commune_id=commune_id,
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(subject.pk) if subject is not None else "",
            payload=payload or {},
        )
        for handler in handlers_for(name):
            handler(event)
    return event
