"""``manage.py load_market_demo``: producers, products, OCOP ratings, orders and reviews (idempotent).

Needs the village demo (``manage.py load_demo``) first: the communes, villages and demo accounts.
"""

from django.core.management.base import BaseCommand, CommandError

from market.demo.loader import MarketDemoLoader, summary
from village.demo.accounts import MissingVillageDemo


class Command(BaseCommand):
    help = "Load the demo marketplace (idempotent). Run load_demo first."

    def handle(self, *args, **options):
        try:
            created = MarketDemoLoader(log=lambda line: self.stdout.write(line)).run()
        except MissingVillageDemo as error:
            raise CommandError(
                f"The village demo is missing ({error}). Run `manage.py load_demo` first."
            ) from error
        made = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in created.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Market demo ready: {made or 'nothing new'}."))
        totals = summary()
        orders = ", ".join(f"{status} {count}" for status, count in totals["orders"].items() if count)
        self.stdout.write(
            f"  {totals['producers']} producers, {totals['products']} products; orders: {orders}"
        )
        self.stdout.write(
            "  Producer login: producer@tavan.example (Hộ Sùng Thị Mai); buyer: buyer@hanoi.example"
        )
