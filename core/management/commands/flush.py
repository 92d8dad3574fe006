"""``manage.py flush`` — Django's, with the audit trail's purge allowance (see ``core.audit``).

Wiping the whole database (tests between transactional cases, a deliberate reset) is the one documented
path that may empty ``core_event``; every other DELETE on it is refused by the database.
"""

from django.core.management.commands.flush import Command as DjangoFlush

from core.audit import event_purge_allowed


class Command(DjangoFlush):
    def handle(self, **options):
        with event_purge_allowed(options["database"]):
            return super().handle(**options)
