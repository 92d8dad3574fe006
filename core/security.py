"""Security headers (Content-Security-Policy, Permissions-Policy) and the client's address.

Public pages get a strict policy — no inline script or style, nothing from other origins except the
media host (``MEDIA_URL`` when absolute, an S3 custom domain or endpoint, ``CSP_IMG_ORIGINS``), and no
framing. Our templates keep every script and style in ``themes/static/`` (a commune's colour is the
small stylesheet ``/theme/<rrggbb>.css``). JSON-LD blocks (``<script type="application/ld+json">``)
are data, never executed, so ``script-src`` does not apply to them.

Three kinds of page cannot live with that and get :data:`RELAXED` (inline scripts and styles allowed,
still nothing from other origins, framable only by ourselves):

* the Wagtail admin (``/admin/``): its pages and widgets (StreamField, Draftail, telepath) write inline
  scripts, ``<script>``-embedded JSON read by inline code and ``style=""`` attributes; the page preview
  is an ``<iframe>`` of ``/admin/…`` in ``/admin/…`` (``frame-ancestors 'self'``); uploads preview
  ``blob:`` images;
* the Django admin (``/django-admin/``): inline scripts in its change forms;
* the API documentation (``/api/docs/``, ``/api/redoc/``): drf-spectacular's templates start Swagger UI
  and Redoc with an inline script; Redoc runs a ``blob:`` worker. (Redoc's Google Fonts stay refused:
  no third-party request, it falls back to the system fonts.)

Those pages are for signed-in staff or show no user content, so allowing inline code there costs little;
breaking them would cost the editors their admin.

A view may set its own policy (the embed cards: ``api.views.embeds`` — framable by any site); it is
kept as is. Only HTML answers get a policy.
"""

from urllib.parse import urlsplit

from django.conf import settings

RELAXED_PREFIXES = ("/admin/", "/django-admin/", "/api/docs/", "/api/redoc/")

#: Browser features no page of ours uses: refused to our pages and to anything they might frame.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def media_origins() -> list[str]:
    """The origins our images may come from besides ourselves (media storage, its CDN, settings)."""
    origins = [_origin(settings.MEDIA_URL)]
    custom_domain = getattr(settings, "AWS_S3_CUSTOM_DOMAIN", "") or ""
    if custom_domain:
        origins.append(f"https://{custom_domain.strip('/').split('/')[0]}")
    origins.append(_origin(getattr(settings, "AWS_S3_ENDPOINT_URL", "") or ""))
    origins.extend(getattr(settings, "CSP_IMG_ORIGINS", []))
    return sorted({origin for origin in origins if origin})


def _join(*sources: str) -> str:
    return " ".join(source for source in sources if source)


def public_policy() -> str:
    """The policy of every public page: ours only, no inline code, not framable."""
    images = _join("'self'", "data:", *media_origins())
    forms = _join("'self'", *getattr(settings, "CSP_FORM_ACTION_ORIGINS", []))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; font-src 'self'; connect-src 'self'; "
        f"frame-ancestors 'none'; form-action {forms}; base-uri 'self'; object-src 'none'"
    )


def relaxed_policy() -> str:
    """The admin's and the API documentation's policy: inline scripts and styles allowed (see above)."""
    images = _join("'self'", "data:", "blob:", *media_origins())
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        f"img-src {images}; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'; object-src 'none'"
    )


def policy_for(path: str) -> str:
    return relaxed_policy() if path.startswith(RELAXED_PREFIXES) else public_policy()


class SecurityHeadersMiddleware:
    """Right after Django's ``SecurityMiddleware`` (which sends nosniff, Referrer-Policy,
    Cross-Origin-Opener-Policy and, in production, HSTS): adds the Content-Security-Policy to HTML
    answers that have none, and the Permissions-Policy to every answer. Outside the page cache, so a
    cached page gets the headers of the current settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Content-Security-Policy" not in response and response.get("Content-Type", "").startswith(
            "text/html"
        ):
            response["Content-Security-Policy"] = policy_for(request.path)
        return response


def client_address(request) -> str:
    """The address of the person's machine: ``REMOTE_ADDR``, or — behind ``TRUSTED_PROXY_COUNT``
    proxies of ours (nginx, a load balancer) — the address the outermost of them saw, read from the
    right of ``X-Forwarded-For`` (entries further left are whatever the client claimed)."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
