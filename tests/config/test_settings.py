"""Production settings refuse to start without their secrets (SECRET_KEY, ALLOWED_HOSTS, and the
Stripe webhook secret when Stripe is on), and start with DEBUG off when they have them.

Each case starts a fresh Python with a clean environment, as a server process would.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings

START_DJANGO = (
    "import django; django.setup(); from django.conf import settings; "
    "print('DEBUG', settings.DEBUG, 'HOSTS', ','.join(settings.ALLOWED_HOSTS))"
)
SECRETS = {
    "SECRET_KEY": "production-secret-key-that-is-long-and-random-enough-1234567890",
    "ALLOWED_HOSTS": "langso.example.org,www.langso.example.org",
}


def start_production(**variables: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "VAR_DIR": str(settings.BASE_DIR / "var"),
        "PYTHONDONTWRITEBYTECODE": "1",
        **variables,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", START_DJANGO],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({"ALLOWED_HOSTS": SECRETS["ALLOWED_HOSTS"]}, "SECRET_KEY"),
        ({"SECRET_KEY": SECRETS["SECRET_KEY"]}, "ALLOWED_HOSTS"),
        ({"SECRET_KEY": "   ", "ALLOWED_HOSTS": SECRETS["ALLOWED_HOSTS"]}, "SECRET_KEY"),
        ({"SECRET_KEY": SECRETS["SECRET_KEY"], "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({**SECRETS, "STRIPE_SECRET_KEY": "sk_live_123"}, "STRIPE_WEBHOOK_SECRET"),
    ],
    ids=[
        "no-secret-key",
        "no-allowed-hosts",
        "blank-secret-key",
        "empty-allowed-hosts",
        "stripe-without-webhook",
    ],
)
def test_production_refuses_to_start_without_its_secrets(variables, missing):
    # when production starts without one of its required variables
    result = start_production(**variables)
    # then it stops with ImproperlyConfigured naming the missing variable
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"The environment variable {missing} is required in production." in result.stderr
    assert "DEBUG" not in result.stdout


@pytest.mark.parametrize(
    "variables",
    [SECRETS, {**SECRETS, "STRIPE_SECRET_KEY": "sk_live_123", "STRIPE_WEBHOOK_SECRET": "whsec_123"}],
    ids=["without-stripe", "with-stripe"],
)
def test_production_starts_with_its_secrets_and_debug_off(variables):
    # when production starts with every required variable (and someone sets DEBUG=1 by mistake)
    result = start_production(**variables, DEBUG="1")
    # then it starts, with DEBUG off and the configured hosts
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False HOSTS langso.example.org,www.langso.example.org"
