"""Security headers: the exact Content-Security-Policy of public pages, the admin's relaxed one, the embed
card's framable one; Permissions-Policy, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, framing;
HSTS under production settings; and that no public template carries inline code (core/security.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from core.security import PERMISSIONS_POLICY
from tests.market.conftest import make_producer, make_product
from tests.security.test_cookies import production_security
from tests.tourism.conftest import make_host, make_stay

PUBLIC_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self' https://checkout.stripe.com; "
    "base-uri 'self'; object-src 'none'"
)
RELAXED_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
TEMPLATES = Path(settings.BASE_DIR) / "themes" / "templates"


@pytest.fixture
def public_world(site_tree):
    """A commune with a listed product and a listed stay (the pages a visitor opens)."""
    from tests import factories

    commune = site_tree["a"]["commune"]
    producer = make_producer(factories.make_user("seller@example.org"), commune, "HTX Chè Tả Van")
    product = make_product(producer, "Chè Shan Tuyết")
    host = make_host(factories.make_user("host@example.org"), commune, "Nhà Páo")
    stay = make_stay(host, "Homestay Sùng A Páo")
    return {"site": site_tree, "product": product, "stay": stay}


def public_paths(world) -> dict[str, str]:
    a = world["site"]["a"]
    return {
        "home": "/vi/",
        "home (en)": "/en/",
        "commune": a["commune"].url,
        "guide": a["guide"].url,
        "news": a["news"].url,
        "products": "/vi/market/",
        "product": f"/vi/market/p/{world['product'].slug}/",
        "producer": f"/vi/market/producers/{world['product'].producer.slug}/",
        "stays": "/vi/stays/",
        "stay": f"/vi/stays/{world['stay'].slug}/",
        "search": "/vi/search/?q=che",
        "indicators": "/vi/indicators/",
        "indicators of a commune": f"/vi/indicators/commune/{a['commune'].pk}/",
        "offline": "/vi/offline/",
        "not found": "/vi/no-such-page/",
    }


def common_headers(response) -> dict:
    return {
        "X-Content-Type-Options": response.get("X-Content-Type-Options"),
        "Referrer-Policy": response.get("Referrer-Policy"),
        "Cross-Origin-Opener-Policy": response.get("Cross-Origin-Opener-Policy"),
        "Permissions-Policy": response.get("Permissions-Policy"),
    }


COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


@pytest.mark.django_db
def test_every_public_page_has_the_strict_policy_and_cannot_be_framed(public_world, client):
    seen, expected = {}, {}
    for name, path in public_paths(public_world).items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), (name, path)
        assert response["Content-Type"].startswith("text/html"), name
        seen[name] = {
            **common_headers(response),
            "Content-Security-Policy": response.get("Content-Security-Policy"),
            "X-Frame-Options": response.get("X-Frame-Options"),
        }
        expected[name] = {**COMMON, "Content-Security-Policy": PUBLIC_POLICY, "X-Frame-Options": "DENY"}
    assert seen == expected


@pytest.mark.django_db
def test_the_public_pages_carry_no_inline_script_style_or_handler(public_world, client):
    """What the policy would refuse is not there: only JSON-LD (data, never executed) is inline."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
    offenders = {}
    for name, path in public_paths(public_world).items():
        html = client.get(path).text
        found = (
            inline_script.findall(html)
            + re.findall(r"<style\b", html, re.I)
            + re.findall(r"\sstyle=", html, re.I)
            + re.findall(r"\son[a-z]+\s*=", html, re.I)
            + re.findall(r"javascript:", html, re.I)
        )
        if found:
            offenders[name] = found
    assert offenders == {}
    # and the pages do have JSON-LD, which the policy lets through (not a script to run)
    assert '<script type="application/ld+json">' in client.get(public_world["site"]["a"]["guide"].url).text


def test_no_template_writes_inline_code():
    """A grep over themes/templates: a new inline script, <style>, style="" or on*= handler fails here."""
    patterns = {
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I),
        "style block": re.compile(r"<style\b", re.I),
        "style attribute": re.compile(r"\sstyle=", re.I),
        "event handler": re.compile(r"\son[a-z]+=", re.I),
        "javascript: link": re.compile(r"javascript:", re.I),
    }
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text()
        offenders += [
            f"{template.relative_to(TEMPLATES)}: {what}" for what, rx in patterns.items() if rx.search(text)
        ]
    assert offenders == []


@pytest.mark.django_db
def test_feeds_and_the_api_get_the_common_headers_but_no_page_policy(site_tree, client):
    for path in ("/feeds/vi/guides.atom", "/api/schema/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert common_headers(response) == COMMON, path
        assert "Content-Security-Policy" not in response, path


@pytest.mark.django_db
def test_an_embed_card_may_be_framed_by_any_site(public_world, client):
    response = client.get(f"/embed/product/{public_world['product'].slug}/?lang=vi")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "frame-ancestors *; default-src 'none'; img-src 'self' data: http://testserver; "
        "style-src 'self' http://testserver; base-uri 'none'; form-action 'none'"
    )
    assert "X-Frame-Options" not in response
    assert common_headers(response) == COMMON


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/admin/login/", "/django-admin/login/", "/api/docs/", "/api/redoc/", "/admin/"]
)
def test_the_admins_and_the_api_documentation_get_the_relaxed_policy(path, superuser, client):
    if path == "/admin/":
        client.force_login(superuser)
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == RELAXED_POLICY
    # drf-spectacular opens Swagger UI's OAuth2 sign-in popups, so it sends COOP unsafe-none itself
    opener = "unsafe-none" if path == "/api/docs/" else "same-origin"
    assert common_headers(response) == {**COMMON, "Cross-Origin-Opener-Policy": opener}
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_media_cdn_and_extra_origins_join_img_src(site_tree, client, settings):
    settings.MEDIA_URL = "https://media.langso.example/media/"
    settings.AWS_S3_CUSTOM_DOMAIN = "cdn.langso.example"
    settings.CSP_IMG_ORIGINS = ["https://tiles.example.org"]
    settings.CSP_FORM_ACTION_ORIGINS = []

    policy = client.get("/vi/")["Content-Security-Policy"]

    assert (
        "img-src 'self' data: https://cdn.langso.example https://media.langso.example "
        "https://tiles.example.org;" in policy
    )
    assert "form-action 'self';" in policy
    assert "script-src 'self';" in policy


@pytest.mark.django_db
def test_production_settings_send_hsts_and_redirect_to_https(site_tree, settings, monkeypatch):
    # the values of config/settings/production.py
    for name, value in production_security(monkeypatch).items():
        setattr(settings, name, value)
    settings.SECURE_SSL_REDIRECT = True
    client = Client()

    plain = client.get("/vi/")
    secure = client.get("/vi/", HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/vi/"
    assert "Strict-Transport-Security" not in plain  # HSTS only over HTTPS
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert secure["Content-Security-Policy"] == PUBLIC_POLICY
    assert common_headers(secure) == COMMON


@pytest.mark.django_db
def test_a_page_from_the_page_cache_has_the_same_headers(site_tree, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = Client().get("/vi/")
    second = Client().get("/vi/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert first["Content-Security-Policy"] == second["Content-Security-Policy"] == PUBLIC_POLICY
    assert common_headers(second) == COMMON
    assert second["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_colour_stylesheet_keeps_its_year_long_cache_and_unknown_ones_are_404(db, settings):
    settings.PAGE_CACHE_SECONDS = 300  # the page cache must not shorten it to its own minute
    client = Client()

    stylesheet = client.get("/theme/0b4f6c.css")
    malformed = client.get("/theme/0B4F6C;}body{x.css")

    assert stylesheet["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "X-Page-Cache" not in stylesheet
    assert "Content-Security-Policy" not in stylesheet  # not HTML
    assert malformed.status_code == 404
