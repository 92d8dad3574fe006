"""Every public page type renders in Vietnamese and English, lightly, with its structured data."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from village.models import GuidePage, NoticePage

COMMUNE_PAGES = ["commune", "village", "guides", "guide", "news_index", "news", "notice", "events", "event"]
SCHEMA_TYPES = {
    "home": "WebSite",
    "province": "AdministrativeArea",
    "commune": ["Place", "AdministrativeArea"],
    "village": "Place",
    "guide": "HowTo",
    "news": "NewsArticle",
    "notice": "SpecialAnnouncement",
    "event": "Event",
}


def _pages(site_tree):
    pages = {"home": site_tree["home"], "province": site_tree["province"]}
    pages.update({key: site_tree["a"][key] for key in COMMUNE_PAGES})
    return pages


def _get_counting(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


def _json_ld(html: str) -> dict | None:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


@pytest.mark.parametrize("key", ["home", "province", *COMMUNE_PAGES])
def test_every_page_type_renders_in_both_languages_with_the_same_queries(site_tree, client, key):
    # given a page and its English translation
    page = _pages(site_tree)[key]
    english = page.get_translation(site_tree["en"])
    # when both are requested
    client.get(page.url)  # warm Wagtail's site-root cache so both requests do the same work
    vietnamese_response, vietnamese_queries = _get_counting(client, page.url)
    english_response, english_queries = _get_counting(client, english.url)
    # then both render, each in its own language, with the same number of queries (Wagtail routes a
    # non-default language through the translated site root: one lookup more, whatever the content)
    assert vietnamese_response.status_code == 200
    assert english_response.status_code == 200
    assert '<html lang="vi">' in vietnamese_response.text
    assert '<html lang="en">' in english_response.text
    assert f"<h1>{page.title}</h1>" in vietnamese_response.text
    assert f"<h1>{english.title}</h1>" in english_response.text
    assert english_queries - vietnamese_queries in (0, 1)
    assert vietnamese_queries <= 30


@pytest.mark.parametrize("key", list(SCHEMA_TYPES))
def test_pages_carry_schema_org_json_ld_of_their_type(site_tree, client, key):
    page = _pages(site_tree)[key]
    data = _json_ld(client.get(page.url).text)
    assert data is not None
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == SCHEMA_TYPES[key]
    assert data["name"] == page.title
    assert data["url"].endswith(page.url)


def test_the_guide_json_ld_lists_its_steps_as_how_to_steps(site_tree, client):
    data = _json_ld(client.get(site_tree["a"]["guide"].url).text)
    assert [step["name"] for step in data["step"]] == ["Mở ứng dụng", "Nhập mã"]
    assert data["step"][1] == {"@type": "HowToStep", "position": 2, "name": "Nhập mã", "text": "Nhập mã OTP."}
    assert data["totalTime"] == "PT20M"


def test_json_ld_cannot_be_broken_out_of_by_a_title(site_tree, client):
    # given a guide whose title tries to close the script element
    guide = site_tree["a"]["guide"]
    guide.title = "</script><script>alert(1)</script>"
    factories.publish(guide)
    # when the page is shown
    html = client.get(guide.url).text
    # then the JSON-LD stays one script element with the text escaped
    assert "<script>alert(1)</script>" not in html
    assert _json_ld(html)["name"] == guide.title


def test_pages_link_their_translations_and_canonical_url(site_tree, client):
    guide = site_tree["a"]["guide"]
    english = guide.get_translation(site_tree["en"])
    html = client.get(guide.url).text
    assert f'<link rel="canonical" href="{guide.full_url}">' in html
    assert f'<link rel="alternate" hreflang="vi" href="{guide.full_url}">' in html
    assert f'<link rel="alternate" hreflang="en" href="{english.full_url}">' in html
    assert f'<a href="{english.url}" hreflang="en" lang="en">English</a>' in html


def test_a_list_page_runs_the_same_queries_for_one_and_many_chapters(site_tree, client):
    # given the guide index with one chapter
    guides = site_tree["a"]["guides"]
    client.get(guides.url)
    _response, one_chapter = _get_counting(client, guides.url)
    # when nine more chapters are published
    for number in range(9):
        factories.add(
            guides,
            GuidePage(
                title=f"Chương {number}",
                slug=f"chuong-{number}",
                summary="Tóm tắt",
                body=factories.guide_body(),
            ),
        )
    response, ten_chapters = _get_counting(client, guides.url)
    # then the page lists them all without more queries
    assert response.text.count('class="chapter"') == 10
    assert ten_chapters == one_chapter


def test_the_commune_page_shows_current_notices_and_upcoming_events_only(site_tree, client):
    # given an expired notice next to the current one
    news_index = site_tree["a"]["news_index"]
    factories.add(
        news_index,
        NoticePage(
            title="Thông báo cũ",
            slug="cu",
            body="<p>Cũ</p>",
            date=timezone.localdate() - timedelta(days=10),
            expires_at=timezone.now() - timedelta(days=1),
        ),
    )
    # when the commune page is shown
    html = client.get(site_tree["a"]["commune"].url).text
    # then only the current notice and the upcoming event are listed
    assert site_tree["a"]["notice"].title in html
    assert "Thông báo cũ" not in html
    assert site_tree["a"]["event"].title in html


def test_an_expired_notice_says_so_on_its_own_page(site_tree, client):
    notice = site_tree["a"]["notice"].get_translation(site_tree["en"])
    notice.date = timezone.localdate() - timedelta(days=3)
    notice.expires_at = timezone.now() - timedelta(hours=1)
    factories.publish(notice)
    html = client.get(notice.url).text
    assert "This notice has expired and is kept for the record." in html
    assert "Valid until" not in html


def test_hero_images_are_served_as_webp_renditions_with_srcset(site_tree, client):
    html = client.get(site_tree["a"]["commune"].url).text
    hero = re.search(r'<img[^>]*class="hero-image"[^>]*>', html).group(0)
    assert "srcset=" in hero
    assert ".webp" in hero
    assert "original_images" not in html


def test_robots_sitemap_service_worker_and_offline_page(site_tree, client):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /admin/" in robots.text
    assert "Sitemap: http://testserver/sitemap.xml" in robots.text

    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    body = sitemap.content.decode()
    assert "/vi/lao-cai/ta-van/huong-dan/dinh-danh-muc-2/" in body
    assert "/en/lao-cai/ta-van/guide/dinh-danh-muc-2/" in body

    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Service-Worker-Allowed"] == "/"
    assert worker["Content-Type"] == "application/javascript"
    assert b"svp-pages-v1" in worker.content
    # personal pages are never cached
    assert b"my\\/|market\\/(cart|checkout|my-orders)\\/|indicators\\/office\\/)" in worker.content
    precache = b'["/static/themes/site.css", "/static/themes/site.js", "/vi/offline/", "/en/offline/"]'
    assert b"var PRECACHE = " + precache + b";" in worker.content

    offline = client.get("/en/offline/")
    assert offline.status_code == 200
    assert '<html lang="en">' in offline.text


def test_an_unknown_page_gets_a_translated_404(site_tree, client):
    response = client.get("/en/lao-cai/no-such-commune/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "Page not found" in response.text


def test_pages_work_without_javascript(site_tree, client):
    """Every link and form is plain HTML: the only script is the deferred service-worker registration."""
    html = client.get(site_tree["a"]["guide"].url).text
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script type="application/ld+json">', '<script src="/static/themes/site.js" defer>']
    assert '<form class="wrap search-form" role="search" action="/vi/search/" method="get">' in html
    assert '<details class="faq-item">' in html
