"""The oEmbed provider (``/oembed/``) and cookie-free embeddable cards (``/embed/<kind>/<slug or id>/``).

A card is one small HTML page — a photo, the title, one or two facts, the commune's attribution line
and licence, and a link to the canonical page opened in a new tab. No JavaScript, no cookie, no font
from elsewhere; any site may frame it (``frame-ancestors *``, no ``X-Frame-Options``). With
``?ref=<token>`` (the token of a tracked link, :func:`api.syndication.tracked_token`, for this very
page) the card links through the tracked link, so the partner's clicks are counted.

oEmbed (https://oembed.com): ``?url=<one of our pages>&format=json|xml&maxwidth=&maxheight=`` answers a
``rich`` response whose ``html`` is an ``<iframe>`` of the card. A product page, a stay / experience /
tour page, a guide chapter, or a tracked link (``/go/<token>/``) to one of them can be embedded; any
other address, or one on another host, is a 404; a format other than json or xml is a 501.
"""

from dataclasses import dataclass, field
from io import StringIO
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.request import validate_host
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from wagtail.models import Site

from market.models import Product
from market.selectors import CARD_RENDITIONS as PRODUCT_RENDITIONS
from market.selectors import decorate_cards as decorate_products
from market.selectors import with_cards as products_with_cards
from tourism.models import Service, ServiceKind
from tourism.selectors import CARD_RENDITIONS as SERVICE_RENDITIONS
from tourism.selectors import with_cards as services_with_cards
from tourism.views.cards import decorate_cards as decorate_services
from village.models import GuidePage

from ..places import Place, page_url, places_for
from ..syndication import absolute_url, attribution_line, licence_of, read_tracked_token
from .feeds import public_cacheable

LANGUAGES = ("vi", "en")
SERVICE_KINDS = {ServiceKind.STAY.value, ServiceKind.EXPERIENCE.value, ServiceKind.TOUR.value}
#: the guide chapter's card photo: the same 16:9 renditions as a stay's card
GUIDE_RENDITIONS = SERVICE_RENDITIONS
DEFAULT_WIDTH = 400
#: height of the card below its photo (title, facts, attribution)
TEXT_HEIGHT = 200
CACHE_AGE = 3600
SUMMARY_WORDS = 30
IFRAME_SANDBOX = "allow-popups allow-popups-to-escape-sandbox"


@dataclass
class Embeddable:
    """What a card shows, whatever its kind."""

    kind: str
    key: str
    language: str
    title: str
    path: str
    commune: Place | None
    author_name: str
    author_path: str
    summary: str = ""
    image: object | None = None
    renditions: tuple[str, ...] = ()
    price: int | None = None
    price_per: str = ""
    unit_label: str = ""
    ocop_stars: int | None = None
    facts: list[str] = field(default_factory=list)

    @property
    def image_ratio(self) -> float:
        """Height over width of the card photo (from its rendition spec, e.g. ``fill-320x240``)."""
        size = self.renditions[0].split("|")[0].removeprefix("fill-")
        width, height = (int(number) for number in size.split("x"))
        return height / width

    def natural_height(self, width: int) -> int:
        return round(width * self.image_ratio) + TEXT_HEIGHT if self.image is not None else TEXT_HEIGHT


# --- finding what to embed (listed, live and public only) ---------------------------------------------


def find_product(slug: str, *, language: str, places) -> Embeddable | None:
    product = products_with_cards(Product.objects.listed().filter(slug=slug)).first()
    if product is None:
        return None
    product = decorate_products([product], commune_titles={})[0]
    return Embeddable(
        kind="product",
        key=product.slug,
        language=language,
        title=product.name,
        path=reverse("market:product", kwargs={"slug": product.slug}),
        commune=places.commune_by_page_id(product.commune_id),
        author_name=product.producer.name,
        author_path=reverse("market:producer", kwargs={"slug": product.producer.slug}),
        summary=Truncator(product.description).words(SUMMARY_WORDS, truncate="…"),
        image=product.card_image,
        renditions=PRODUCT_RENDITIONS,
        price=product.price,
        unit_label=str(product.get_unit_display()),
        ocop_stars=product.current_ocop.stars if product.current_ocop is not None else None,
        facts=[str(product.get_category_display())],
    )


def find_service(slug: str, *, language: str, places, kind: str | None = None) -> Embeddable | None:
    services = Service.objects.listed().filter(slug=slug)
    if kind is not None:
        services = services.filter(kind=kind)
    service = services_with_cards(services).first()
    if service is None:
        return None
    service = decorate_services([service], commune_titles={})[0]
    commune = places.commune_by_page_id(service.commune_id)
    return Embeddable(
        kind=service.kind,
        key=service.slug,
        language=language,
        title=service.title,
        path=reverse("tourism:service", kwargs={"slug": service.slug}),
        commune=commune,
        author_name=service.host.name,
        author_path=page_url(commune.url_path) if commune is not None else "",
        summary=Truncator(service.description).words(SUMMARY_WORDS, truncate="…"),
        image=service.card_image,
        renditions=SERVICE_RENDITIONS,
        price=service.from_price,
        price_per=service.price_per,
        facts=[str(service.get_kind_display())],
    )


def find_guide(page_id: int, *, language: str, places, request=None) -> Embeddable | None:
    """A live, public guide chapter; in ``language`` when it has that translation (else its own)."""
    guides = GuidePage.objects.live().public().select_related("locale", "hero_image").defer_streamfields()
    page = guides.filter(pk=page_id).first()
    if page is None:
        return None
    if page.locale.language_code != language:
        page = (
            guides.filter(translation_key=page.translation_key, locale__language_code=language).first()
            or page
        )
    language = page.locale.language_code
    if language != places.language:
        places = places_for(request, language) if request is not None else places
    commune = places.commune_of_path(page.path)
    with translation.override(language):
        facts = [
            str(page.get_topic_display()),
            ngettext("%(minutes)s minute", "%(minutes)s minutes", page.minutes_needed)
            % {"minutes": page.minutes_needed},
        ]
    return Embeddable(
        kind="guide",
        key=str(page.pk),
        language=language,
        title=page.title,
        path=page_url(page.url_path, request),
        commune=commune,
        author_name=commune.title if commune is not None else settings.API_PLATFORM_NAME,
        author_path=page_url(commune.url_path, request) if commune is not None else "",
        summary=Truncator(page.summary).words(SUMMARY_WORDS, truncate="…"),
        image=page.hero_image,
        renditions=GUIDE_RENDITIONS,
        facts=facts,
    )


def find(kind: str, key: str, *, language: str, request) -> Embeddable | None:
    places = places_for(request, language)
    if kind == "product":
        return find_product(key, language=language, places=places)
    if kind in SERVICE_KINDS:
        return find_service(key, language=language, places=places, kind=kind)
    if kind == "guide" and key.isdigit():
        return find_guide(int(key), language=language, places=places, request=request)
    return None


# --- which of our addresses is it? --------------------------------------------------------------------


def is_our_host(netloc: str, hostname: str | None, request) -> bool:
    if not hostname:
        return False
    if netloc == request.get_host() or netloc == urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc:
        return True
    return validate_host(hostname, [host for host in settings.ALLOWED_HOSTS if host != "*"])


@dataclass(frozen=True)
class Target:
    kind: str  # "product", "service" or "guide"
    key: str
    language: str
    ref: str = ""


def resolve_target(url: str, request) -> Target | None:
    """The embeddable item an address of ours points at (``None`` for anything else)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not is_our_host(parts.netloc, parts.hostname, request):
        return None
    path, ref = parts.path or "/", ""
    if path.startswith("/go/"):
        try:
            match = resolve(path)
        except Resolver404:
            return None
        decoded = (
            read_tracked_token(match.kwargs.get("token", "")) if match.url_name == "tracked_link" else None
        )
        if decoded is None:
            return None
        ref, path = match.kwargs["token"], decoded[1].split("?")[0]
    language = translation.get_language_from_path(path)
    if language not in LANGUAGES:
        return None
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
        if match.view_name == "market:product":
            return Target("product", match.kwargs["slug"], language, ref)
        if match.view_name == "tourism:service":
            return Target("service", match.kwargs["slug"], language, ref)
        if match.url_name == "wagtail_serve":
            page_path = match.kwargs.get("path") or (match.args[0] if match.args else "")
            page = _routed_page(request, page_path)
            if isinstance(page, GuidePage):
                return Target("guide", str(page.pk), language, ref)
    return None


def _routed_page(request, path: str):
    """The live page at ``path`` of our site in the active language (as Wagtail's ``serve`` routes it)."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [component for component in path.split("/") if component]
    try:
        page, _args, _kwargs = site.root_page.localized.specific.route(request, components)
    except Http404:
        return None
    return page


def find_target(target: Target, request) -> Embeddable | None:
    places = places_for(request, target.language)
    if target.kind == "product":
        return find_product(target.key, language=target.language, places=places)
    if target.kind == "service":
        return find_service(target.key, language=target.language, places=places)
    return find_guide(int(target.key), language=target.language, places=places, request=request)


# --- the card -----------------------------------------------------------------------------------------


def tracked_link(ref: str, item: Embeddable, request) -> str | None:
    """The tracked link for ``?ref=``: only a valid token for this very page counts."""
    decoded = read_tracked_token(ref) if ref else None
    if decoded is None or decoded[1] != item.path:
        return None
    return absolute_url(reverse("tracked_link", kwargs={"token": ref}), request)


def card_photo(item: Embeddable) -> dict | None:
    if item.image is None:
        return None
    renditions = item.image.get_renditions(*item.renditions)
    small, large = renditions[item.renditions[0]], renditions[item.renditions[-1]]
    return {
        "src": small.url,
        "srcset": f"{small.url} {small.width}w, {large.url} {large.width}w",
        "width": small.width,
        "height": small.height,
        "alt": getattr(item.image, "alt_text", "") or item.title,
    }


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(request, *, stylesheet: str, photo: dict | None) -> str:
    """Framable by anyone; loads only our stylesheet and our images (named by origin too, so a sandboxed
    frame, whose own origin is opaque, still may)."""
    ours = f"{request.scheme}://{request.get_host()}"
    images = {"'self'", ours, "data:"}
    if photo:
        images |= {
            origin for origin in (_origin(photo["src"]), _origin(photo["srcset"].split()[-2])) if origin
        }
    styles = {"'self'", ours} | ({_origin(stylesheet)} - {""})
    return (
        "frame-ancestors *; default-src 'none'; "
        f"img-src {' '.join(sorted(images))}; style-src {' '.join(sorted(styles))}; "
        "base-uri 'none'; form-action 'none'"
    )


@xframe_options_exempt
@require_safe
@public_cacheable
def embed_card(request, kind: str, key: str):
    language = request.GET.get("lang", settings.LANGUAGE_CODE)
    if language not in LANGUAGES:
        return HttpResponseBadRequest(_("lang: use vi or en."), content_type="text/plain; charset=utf-8")
    with translation.override(language):
        item = find(kind, key, language=language, request=request)
        if item is None:
            raise Http404
    with translation.override(item.language):
        canonical = absolute_url(item.path, request)
        commune = item.commune
        licence = licence_of(commune)
        photo = card_photo(item)
        stylesheet = static("api/embed.css")
        html = render_to_string(
            "api/embed_card.html",
            {
                "item": item,
                "language": item.language,
                "canonical_url": canonical,
                "link": tracked_link(request.GET.get("ref", ""), item, request) or canonical,
                "attribution": attribution_line(commune),
                "licence": licence,
                "photo": photo,
                "stylesheet": stylesheet,
                "platform": settings.API_PLATFORM_NAME,
            },
        )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = content_security_policy(request, stylesheet=stylesheet, photo=photo)
    response["Content-Language"] = item.language
    return response


# --- oEmbed ---------------------------------------------------------------------------------------------


def _dimension(request, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(name)
    return int(raw)


def thumbnail(item: Embeddable, *, maxwidth: int | None, maxheight: int | None) -> dict:
    """The largest card rendition within ``maxwidth``/``maxheight`` (none if even the smallest is too big)."""
    if item.image is None:
        return {}
    renditions = item.image.get_renditions(*item.renditions)
    for spec in reversed(item.renditions):
        rendition = renditions[spec]
        if (maxwidth is None or rendition.width <= maxwidth) and (
            maxheight is None or rendition.height <= maxheight
        ):
            return {"url": rendition.url, "width": rendition.width, "height": rendition.height}
    return {}


def oembed_response(
    item: Embeddable, target: Target, request, *, maxwidth: int | None, maxheight: int | None
) -> dict:
    width = min(DEFAULT_WIDTH, maxwidth) if maxwidth else DEFAULT_WIDTH
    height = item.natural_height(width)
    if maxheight:
        height = min(height, maxheight)
    query = {"lang": item.language}
    if target.ref:
        query["ref"] = target.ref
    card_url = absolute_url(reverse("embed_card", kwargs={"kind": item.kind, "key": item.key}), request)
    card_url += "?" + urlencode(query)
    commune = item.commune
    licence = licence_of(commune)
    data = {
        "type": "rich",
        "version": "1.0",
        "title": item.title,
        "author_name": item.author_name,
        "provider_name": settings.API_PLATFORM_NAME,
        "provider_url": absolute_url(f"/{item.language}/", request),
        "cache_age": CACHE_AGE,
        "html": format_html(
            '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" sandbox="{}" '
            'style="border:0;max-width:100%"></iframe>',
            card_url,
            width,
            height,
            item.title,
            IFRAME_SANDBOX,
        ),
        "width": width,
        "height": height,
        "license": licence.name,
        "license_url": licence.url,
        "attribution": attribution_line(commune),
    }
    if item.author_path:
        data["author_url"] = absolute_url(item.author_path, request)
    picture = thumbnail(item, maxwidth=maxwidth, maxheight=maxheight)
    if picture:
        data["thumbnail_url"] = absolute_url(picture["url"], request)
        data["thumbnail_width"] = picture["width"]
        data["thumbnail_height"] = picture["height"]
    return data


def oembed_xml(data: dict) -> str:
    out = StringIO()
    generator = SimplerXMLGenerator(out, "utf-8")
    generator.startDocument()
    generator.startElement("oembed", {})
    for name, value in data.items():
        generator.addQuickElement(name, str(value))
    generator.endElement("oembed")
    generator.endDocument()
    return out.getvalue()


def _plain(status_class, message: str):
    return status_class(message, content_type="text/plain; charset=utf-8")


@require_safe
@public_cacheable
def oembed(request):
    response_format = request.GET.get("format") or "json"
    if response_format not in ("json", "xml"):
        return HttpResponse(
            _("format: use json or xml."), status=501, content_type="text/plain; charset=utf-8"
        )
    url = request.GET.get("url", "").strip()
    if not url:
        return _plain(HttpResponseBadRequest, _("url: the address of the page to embed is required."))
    try:
        maxwidth, maxheight = _dimension(request, "maxwidth"), _dimension(request, "maxheight")
    except ValueError as error:
        return _plain(
            HttpResponseBadRequest, _("%(name)s: a whole number of pixels, at least 1.") % {"name": error}
        )
    target = resolve_target(url, request)
    item = find_target(target, request) if target is not None else None
    if item is None:
        raise Http404
    with translation.override(item.language):
        data = oembed_response(item, target, request, maxwidth=maxwidth, maxheight=maxheight)
    if response_format == "xml":
        return HttpResponse(oembed_xml(data), content_type="text/xml; charset=utf-8")
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
