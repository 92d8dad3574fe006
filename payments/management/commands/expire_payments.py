from django.core.management.base import BaseCommand

from payments import services


class Command(BaseCommand):
    help = "Expire pending payments past their expiry (checks Stripe sessions first). Safe to run often."

    def handle(self, *args, **options):
        expired = services.expire_stale_payments()
        self.stdout.write(f"{expired} payment(s) expired")
