"""``manage.py load_api_demo``: demo partners and a fresh API key (printed once; optionally to a file)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from api.demo import NEWSPAPER, load_api_demo
from village.demo.accounts import MissingVillageDemo


class Command(BaseCommand):
    help = "Load the demo partners and issue a fresh demo API key (idempotent). Run load_demo first."

    def add_arguments(self, parser):
        parser.add_argument("--key-file", help="Also write the new API key to this file (for scripts).")
        parser.add_argument("--token-file", help="Also write the demo buyer's person token to this file.")

    def handle(self, *args, **options):
        try:
            demo = load_api_demo()
        except MissingVillageDemo as error:
            raise CommandError(
                f"The village demo is missing ({error}). Run `manage.py load_demo` first."
            ) from error
        for option, value in (("key_file", demo.full_key), ("token_file", demo.buyer_token)):
            if options[option] and value:
                path = Path(options[option])
                path.write_text(value + "\n", encoding="utf-8")
                path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"API demo ready: partner “{demo.partner.organisation}”."))
        self.stdout.write(f"  Partner login: {NEWSPAPER['email']} — API key (shown once): {demo.full_key}")
        self.stdout.write(
            '  Try: curl -H "Authorization: Bearer <key>" http://127.0.0.1:8000/api/v1/products/'
        )
