"""``manage.py load_tourism_demo``: homestays, tours, experiences, bookings and reviews (idempotent).

Needs the village demo (``manage.py load_demo``) first: the communes, villages and demo accounts.
"""

from django.core.management.base import BaseCommand, CommandError

from tourism.demo.content import COMMUNE_HOST_EMAILS, TOURIST_EMAIL
from tourism.demo.loader import TourismDemoLoader, summary
from village.demo.accounts import MissingVillageDemo


class Command(BaseCommand):
    help = "Load the demo community tourism (idempotent). Run load_demo first."

    def handle(self, *args, **options):
        try:
            created = TourismDemoLoader(log=lambda line: self.stdout.write(line)).run()
        except MissingVillageDemo as error:
            raise CommandError(
                f"The village demo is missing ({error}). Run `manage.py load_demo` first."
            ) from error
        made = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Tourism demo ready: {made or 'nothing new'}."))
        totals = summary()
        states = ", ".join(f"{status} {count}" for status, count in totals["bookings"].items() if count)
        self.stdout.write(
            f"  {totals['stays']} stays, {totals['experiences']} tours and experiences, "
            f"{totals['reviews']} reviews; bookings: {states}"
        )
        hosts = ", ".join(COMMUNE_HOST_EMAILS.values())
        self.stdout.write(f"  Host logins: {hosts}; tourist: {TOURIST_EMAIL}")
