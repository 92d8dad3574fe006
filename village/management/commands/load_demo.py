"""``manage.py load_demo``: the demo communes, guides, news, events and accounts (idempotent)."""

from django.core.management.base import BaseCommand

from village.demo.loader import DemoLoader


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        result = DemoLoader(log=lambda line: self.stdout.write(line)).run()
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {result['pages_created']} pages published."))
        self.stdout.write("Demo accounts (log in at /admin/ with the email or the phone number):")
        for account in result["accounts"]:
            line = f"  {account['email']:<26} {account['phone']}  {account['password']}  {account['can']}"
            self.stdout.write(line)
