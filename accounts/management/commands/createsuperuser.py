"""``createsuperuser`` that applies the password validators in non-interactive mode too.

Django checks ``AUTH_PASSWORD_VALIDATORS`` when it asks for the password, but takes
``DJANGO_SUPERUSER_PASSWORD`` as it is with ``--noinput`` — the way deployments script their first
administrator. Here that password must pass the same validators, or no account is made.
"""

import os

from django.contrib.auth.management.commands.createsuperuser import Command as DjangoCommand
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(DjangoCommand):
    def handle(self, *args, **options):
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password:
            name = self.UserModel.USERNAME_FIELD
            login = options.get(name) or os.environ.get(f"DJANGO_SUPERUSER_{name.upper()}", "")
            fields = {name: login}  # the similarity validator compares the password with it
            try:
                validate_password(password, self.UserModel(**fields))
            except ValidationError as error:
                raise CommandError("DJANGO_SUPERUSER_PASSWORD: " + " ".join(error.messages)) from error
        return super().handle(*args, **options)
