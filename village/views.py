"""Views outside the page tree: search, robots.txt, the service worker and the offline page."""

import hashlib
import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from .search import site_search

RESULTS_PER_PAGE = 20


@require_GET
def search(request):
    query = request.GET.get("q", "")
    outcome = site_search(query, locale=Locale.get_active())
    paginator = Paginator(outcome.pages, RESULTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    specific = {page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in page_obj]).specific()}
    results = [specific.get(page.pk, page) for page in page_obj]
    return render(
        request,
        "village/search.html",
        {"query": query, "outcome": outcome, "page_obj": page_obj, "results": results},
    )


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
