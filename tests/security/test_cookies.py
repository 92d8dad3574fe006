"""Cookies and CSRF under production's own values (read from config/settings/production.py): the session
cookie is Secure, HttpOnly and SameSite=Lax; the CSRF cookie Secure and SameSite=Lax; a cross-site POST
without the token — or with a token but from another site's origin — is a 403 and changes nothing."""

import importlib
import sys

import pytest
from django.conf import global_settings
from django.test import Client
from wagtail.models import Page

from tests import factories

SECURITY_NAMES = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
)


def production_security(monkeypatch) -> dict:
    """The security values of the production settings module, imported with the secrets it demands."""
    monkeypatch.setenv("SECRET_KEY", "a-production-like-secret-key-for-the-cookie-tests-0123456789")
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        production = importlib.import_module("config.settings.production")
        # a name the settings leave alone has Django's default
        return {name: getattr(production, name, getattr(global_settings, name)) for name in SECURITY_NAMES}
    finally:
        sys.modules.pop("config.settings.production", None)


@pytest.fixture
def production(monkeypatch, settings):
    """This test runs with production's security values (HTTPS redirect left off: the client says https)."""
    values = production_security(monkeypatch)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.SECURE_SSL_REDIRECT = False
    return values


def test_production_values_are_the_safe_ones(monkeypatch):
    values = production_security(monkeypatch)

    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": False,  # harmless: the token is in every form anyway; no script reads it
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
    }


@pytest.mark.django_db
def test_signing_in_sets_secure_httponly_lax_cookies(production, superuser):
    client = Client(enforce_csrf_checks=True)
    # the login page hands out the CSRF cookie
    form = client.get("/admin/login/", secure=True)
    csrf = form.cookies["csrftoken"]
    assert (csrf["secure"], csrf["httponly"], csrf["samesite"]) == (True, "", "Lax")
    # signing in sets the session cookie
    response = client.post(
        "/admin/login/",
        {"username": "root@example.org", "password": factories.PASSWORD, "csrfmiddlewaretoken": csrf.value},
        secure=True,
        HTTP_REFERER="https://testserver/admin/login/",
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")
    assert response.cookies["csrftoken"]["secure"] is True  # rotated on login, same flags


@pytest.mark.django_db
def test_a_cross_site_post_without_the_token_is_refused_and_deletes_nothing(production, site_tree, superuser):
    guide = site_tree["a"]["guide"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)  # the victim is signed in; the other site's form carries the cookie

    response = client.post(
        f"/admin/pages/{guide.pk}/delete/",
        {},
        secure=True,
        HTTP_ORIGIN="https://evil.example",
        HTTP_REFERER="https://evil.example/page.html",
    )

    assert response.status_code == 403
    assert Page.objects.filter(pk=guide.pk, live=True).exists()


@pytest.mark.django_db
def test_a_post_with_a_token_but_from_another_site_is_refused(production, site_tree, superuser):
    guide = site_tree["a"]["guide"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    token = client.get(f"/admin/pages/{guide.pk}/delete/", secure=True).cookies["csrftoken"].value

    response = client.post(
        f"/admin/pages/{guide.pk}/delete/",
        {"csrfmiddlewaretoken": token},
        secure=True,
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    assert Page.objects.filter(pk=guide.pk, live=True).exists()


@pytest.mark.django_db
def test_a_login_without_the_token_is_refused(production, superuser):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/admin/login/",
        {"username": "root@example.org", "password": factories.PASSWORD},
        secure=True,
        HTTP_REFERER="https://evil.example/",
    )

    assert response.status_code == 403
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_the_same_post_with_the_token_from_our_origin_goes_through(production, site_tree, superuser):
    """The control: the refusals above are the CSRF check's, not a broken form."""
    guide = site_tree["a"]["guide"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    token = client.get(f"/admin/pages/{guide.pk}/delete/", secure=True).cookies["csrftoken"].value

    response = client.post(
        f"/admin/pages/{guide.pk}/delete/",
        {"csrfmiddlewaretoken": token},
        secure=True,
        HTTP_ORIGIN="https://testserver",
    )

    assert response.status_code == 302
    assert not Page.objects.filter(pk=guide.pk).exists()
