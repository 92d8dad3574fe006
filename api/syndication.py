"""What every syndicated item carries: canonical URL, attribution line, licence and a tracked link.

A tracked link is ``/go/<token>/``: the token is signed (not stored), names the partner and the path
on our site, and the redirect counts one click for the partner (see ``views/links.py``). Only our own
paths can be signed, so the redirect is never an open redirect.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

TRACKED_LINK_SALT = "api.tracked-link"

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
    name = (getattr(commune, "content_licence", "") or DEFAULT_LICENCE).strip()
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


def absolute_url(path: str, request=None) -> str:
    if path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def tracked_token(*, partner_id: int, path: str) -> str:
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError("Only paths on our own site can be tracked.")
    return signing.dumps([partner_id, path], salt=TRACKED_LINK_SALT, compress=True)


def read_tracked_token(token: str) -> tuple[int, str] | None:
    try:
        partner_id, path = signing.loads(token, salt=TRACKED_LINK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(partner_id, int) or not isinstance(path, str):
        return None
    if not path.startswith("/") or path.startswith("//"):
        return None
    return partner_id, path


def syndication(*, path: str, commune, partner=None, request=None) -> dict:
    """The syndication block of an item: ``canonical_url``, ``tracked_url``, ``attribution``, ``licence``."""
    canonical = absolute_url(path, request)
    tracked = canonical
    if partner is not None:
        tracked = absolute_url(
            reverse("tracked_link", kwargs={"token": tracked_token(partner_id=partner.pk, path=path)}),
            request,
        )
    return {
        "canonical_url": canonical,
        "tracked_url": tracked,
        "attribution": attribution_line(commune),
        "licence": licence_of(commune).as_dict(),
    }
