"""Views outside the page tree: search, robots.txt, the service worker and the offline page."""

import hashlib
import json
import logging

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from core.resilience import unavailable_response
from core.search import indexing
from core.search.backends import get_search_backend
from core.search.documents import parse_query

from .search import Places, filter_labels, search_page_context

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 20
SUGGESTIONS = 8
SUGGEST_MAX_CHARACTERS = 60


@require_GET
def search(request):
    """The one search across guides, news, events, notices, products, stays and experiences.

    Facets narrow it (type, province, commune, category, OCOP stars, price); a filter value that does not
    exist answers 400 with the reason, not an error page. Works without JavaScript; with it, the search
    box suggests titles while typing (``themes/search.js`` asks :func:`search_suggest`).
    """
    language = Locale.get_active().language_code
    text = request.GET.get("q", "")
    kinds = indexing.known_kinds()
    places = Places()
    context = {"query": text, "kind_labels": kinds, "suggest_url": _suggest_url()}
    try:
        query = parse_query(
            request.GET,
            language=language,
            known_kinds=kinds,
            known_categories=indexing.known_categories(),
            province_exists=places.province_exists,
            commune_exists=places.commune_exists,
            per_page=RESULTS_PER_PAGE,
        )
    except ValidationError as error:
        labels = filter_labels()
        context["errors"] = [
            f"{labels.get(name, name)}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        return render(request, "village/search.html", context, status=400)
    try:
        context.update(search_page_context(request, query))
    except get_search_backend().errors:
        logger.warning("search backend unavailable: the search page answered 503", exc_info=True)
        return unavailable_response(request)
    return render(request, "village/search.html", context)


@require_GET
def search_suggest(request):
    """``?q=che sh`` → ``{"suggestions": [{"text", "kind", "url"}]}``: titles with a word starting so."""
    language = Locale.get_active().language_code
    prefix = request.GET.get("q", "")[:SUGGEST_MAX_CHARACTERS]
    backend = get_search_backend()
    try:
        suggestions = backend.suggest(prefix, language=language, limit=SUGGESTIONS)
    except backend.errors:  # the box just does not suggest while the cluster is down
        logger.warning("search backend unavailable: no suggestions", exc_info=True)
        suggestions = None
    response = JsonResponse(
        {
            "suggestions": [
                {"text": item.text, "kind": item.kind, "url": item.url} for item in suggestions or []
            ]
        }
    )
    response["Cache-Control"] = "public, max-age=300" if suggestions is not None else "no-store"
    return response


def _suggest_url() -> str:
    try:
        return reverse("site-search-suggest")
    except NoReverseMatch:  # not routed: the search box simply does not suggest
        return ""


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /vi/search/",
        "Disallow: /en/search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=0, no_cache=True)
def service_worker(request):
    """The service worker, served from the site root to control every page.

    It precaches the fingerprinted stylesheet and script the pages link to (not second copies under
    other names) and both offline pages; its static cache is named after them, so a deploy renews it.
    """
    precache = [static("themes/site.css"), static("themes/site.js"), "/vi/offline/", "/en/offline/"]
    version = hashlib.sha256("|".join(precache).encode()).hexdigest()[:12]
    response = render(
        request,
        "sw.js",
        {"precache": json.dumps(precache), "version": version},
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "village/offline.html", {})
