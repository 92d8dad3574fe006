"""What every syndicated item carries: canonical URL, attribution line, licence and a tracked link.

A tracked link is ``/go/<token>/``: the token is signed (not stored), names the partner and the path
on our site, and the redirect counts one click for the partner (see ``views/links.py``). Only our own
paths can be signed, so the redirect is never an open redirect.

Tokens are ``<partner id>.<path, base64url>.<HMAC-SHA256, 32 hex>``, keyed by a key derived from
``SECRET_KEY`` (old keys in ``SECRET_KEY_FALLBACKS`` still verify). They are made for every item of
every list a partner reads, so they are built with one HMAC and no JSON or compression.
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext as _

TRACKED_LINK_SALT = "api.tracked-link"
TRACKED_PREFIX = "/go/"
SIGNATURE_HEX_LENGTH = 32

LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC BY-NC 4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC BY-NC-SA 4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
DEFAULT_LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class Licence:
    name: str
    url: str

    def as_dict(self) -> dict:
        return {"name": self.name, "url": self.url}


def licence_of(commune) -> Licence:
    # a CommunePage calls it ``content_licence``, the API's places (api/places.py) ``licence``
    name = (
        getattr(commune, "content_licence", "") or getattr(commune, "licence", "") or DEFAULT_LICENCE
    ).strip()
    return Licence(name=name, url=LICENCE_URLS.get(name, ""))


def attribution_line(commune) -> str:
    platform = settings.API_PLATFORM_NAME
    if commune is None:
        return _("Source: %(platform)s") % {"platform": platform}
    return _("Source: %(commune)s — %(platform)s, %(licence)s") % {
        "commune": commune.title,
        "platform": platform,
        "licence": licence_of(commune).name,
    }


def _base_url(request) -> str:
    """``scheme://host`` of the request, worked out once per request (Django validates the host)."""
    base = getattr(request, "_api_base_url", None)
    if base is None:
        base = request.build_absolute_uri("/").rstrip("/")
        request._api_base_url = base
    return base


def absolute_url(path: str, request=None) -> str:
    if path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return _base_url(request) + path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def rendition_url(image, spec: str, request=None) -> str | None:
    """The absolute address of ``image``'s ``spec`` rendition, ``None`` without an image.

    Lists prefetch the renditions they need (``village.images.rendition_prefetch``); reading them
    straight from the prefetched list skips Wagtail's filter parsing for every item. A rendition that
    was not prefetched is made (or found) the usual way."""
    if image is None:
        return None
    for rendition in getattr(image, "prefetched_renditions", ()):
        if rendition.filter_spec == spec:
            return absolute_url(rendition.url, request)
    return absolute_url(image.get_rendition(spec).url, request)


@lru_cache(maxsize=8)
def _link_key(secret: str) -> bytes:
    return hashlib.sha256(f"{TRACKED_LINK_SALT}:{secret}".encode()).digest()


def _signature(partner_id: int, path: str, secret: str) -> str:
    message = f"{partner_id}|{path}".encode()
    return hmac.new(_link_key(secret), message, hashlib.sha256).hexdigest()[:SIGNATURE_HEX_LENGTH]


def _is_own_path(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//") and "\\" not in path


def tracked_token(*, partner_id: int, path: str) -> str:
    if not _is_own_path(path):
        raise ValueError("Only paths on our own site can be tracked.")
    encoded = base64.urlsafe_b64encode(path.encode()).decode().rstrip("=")
    return f"{partner_id}.{encoded}.{_signature(partner_id, path, settings.SECRET_KEY)}"


def read_tracked_token(token: str) -> tuple[int, str] | None:
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[2]) != SIGNATURE_HEX_LENGTH:
        return None
    partner_id = int(parts[0])
    try:
        path = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(hmac.compare_digest(_signature(partner_id, path, secret), parts[2]) for secret in secrets):
        return None
    return (partner_id, path) if _is_own_path(path) else None


def tracked_url(*, partner_id: int, path: str, request=None) -> str:
    return absolute_url(f"{TRACKED_PREFIX}{tracked_token(partner_id=partner_id, path=path)}/", request)


def syndication(*, path: str, commune, partner=None, request=None) -> dict:
    """The syndication block of an item: ``canonical_url``, ``tracked_url``, ``attribution``, ``licence``."""
    canonical = absolute_url(path, request)
    tracked = canonical
    if partner is not None:
        tracked = tracked_url(partner_id=partner.pk, path=path, request=request)
    return {
        "canonical_url": canonical,
        "tracked_url": tracked,
        "attribution": attribution_line(commune),
        "licence": licence_of(commune).as_dict(),
    }
