"""The site search finds pages with or without diacritics, in the visitor's language only.

Runs on SQLite (FTS5) and, with ``DATABASE_URL``, on PostgreSQL full-text search: both must give the
same answers (no English stemming or stop words: "so" is "số", "to" is "tổ").
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.html import escape
from wagtail.models import Page

from village.models import GuidePage
from village.search import search_pages, site_search

SEARCH_TEMPLATE = Path(settings.BASE_DIR) / "themes" / "templates" / "village" / "search.html"

# (with diacritics, without, pages of the site tree that must be found)
PAIRS = [
    ("Tả Van", "ta van", {("a", "commune"), ("a", "village")}),
    ("Bắc Hà", "bac ha", {("b", "commune"), ("b", "village")}),
    ("Thôn Tả Van", "thon ta van", {("a", "village")}),
    ("Kích hoạt", "kich hoat", {("a", "guide"), ("b", "guide")}),
    ("định danh", "dinh danh", {("a", "guide"), ("a", "notice")}),
    ("Định danh điện tử", "DINH DANH DIEN TU", {("a", "guide"), ("b", "guide")}),
    ("mức 2", "muc 2", {("a", "guide")}),
    ("Tổ công nghệ số", "to cong nghe so", {("a", "news"), ("b", "news")}),
    ("tập huấn", "Tap Huan", {("a", "news")}),
    ("số", "so", {("a", "news")}),
    ("Tổ", "to", {("b", "news")}),
    ("Lịch cấp", "lich cap", {("a", "notice"), ("b", "notice")}),
    ("Chợ phiên", "cho phien", {("a", "event"), ("b", "event")}),
    ("Trung tâm xã", "trung tam xa", {("a", "event")}),
    ("Hướng dẫn VNeID", "huong dan vneid", {("a", "guide")}),
    ("Không chia sẻ OTP", "khong chia se otp", {("b", "guide")}),
    ("Giới thiệu Bắc Hà", "gioi thieu bac ha", {("b", "commune")}),
]


def found(query: str, locale) -> set[int]:
    """The pages the site search lists for ``query`` in ``locale``."""
    return {page.pk for page in search_pages(query, locale=locale)}


def pages_of(site_tree, keys) -> set[int]:
    return {site_tree[commune][key].pk for commune, key in keys}


@pytest.mark.parametrize(("accented", "plain", "expected"), PAIRS, ids=[plain for _a, plain, _e in PAIRS])
def test_a_query_finds_the_same_pages_with_or_without_diacritics(site_tree, accented, plain, expected):
    # when a visitor searches the Vietnamese site with and without diacritics
    with_marks = found(accented, site_tree["vi"])
    without_marks = found(plain, site_tree["vi"])
    # then both find the same pages, among them the expected ones, all in Vietnamese
    assert with_marks == without_marks
    assert pages_of(site_tree, expected) <= with_marks
    assert set(Page.objects.filter(pk__in=with_marks).values_list("locale", flat=True)) == {
        site_tree["vi"].pk
    }


def test_each_language_searches_its_own_pages(site_tree):
    # when the same words are searched in Vietnamese and in English
    vietnamese = found("ta van", site_tree["vi"])
    english = found("ta van", site_tree["en"])
    # then each finds its own language's commune A and village, and nothing of the other language
    expected_vi = pages_of(site_tree, {("a", "commune"), ("a", "village")})
    assert vietnamese == expected_vi
    assert english == {Page.objects.get(pk=pk).get_translation(site_tree["en"]).pk for pk in expected_vi}


def test_english_pages_are_found_by_their_english_words(site_tree):
    # when an English visitor searches "EN" (every English title in the tree ends with it)
    results = found("EN", site_tree["en"])
    # then only English pages are found, the guide chapter of A among them, and the Vietnamese search has none
    assert site_tree["a"]["guide"].get_translation(site_tree["en"]).pk in results
    assert set(Page.objects.filter(pk__in=results).values_list("locale", flat=True)) == {site_tree["en"].pk}
    assert found("EN", site_tree["vi"]) == set()


@pytest.mark.parametrize("nonsense", ["xyzzy", "qwertyuiop asdf", "ta van xyzzy", "!!! ??? ---", "   "])
def test_nonsense_finds_nothing(site_tree, nonsense):
    assert found(nonsense, site_tree["vi"]) == set()


def test_a_10000_character_query_is_cut_not_fatal(site_tree):
    # given a query of 10,000 characters: two words and a long tail of punctuation
    query = "Tả Van " + "?!" * 4_994 + "xyzzy"
    assert len(query) == 10_000
    # when it is searched
    outcome = site_search(query, locale=site_tree["vi"])
    # then only its beginning is used (the tail is dropped), and the visitor is told
    assert outcome.too_long is True
    assert outcome.folded_query == "ta van"
    assert {site_tree["a"]["commune"].pk, site_tree["a"]["village"].pk} <= {page.pk for page in outcome.pages}


def test_unpublished_and_draft_pages_are_not_found(site_tree):
    # given A's guide chapter unpublished and a draft chapter that was never published
    site_tree["a"]["guide"].specific.unpublish()
    draft = GuidePage(
        title="Bản nháp thanh toán QR", slug="ban-nhap", summary="Chưa duyệt", body="[]", live=False
    )
    site_tree["a"]["guides"].add_child(instance=draft)
    # when they are searched
    results = found("kich hoat", site_tree["vi"])
    drafts = found("ban nhap thanh toan", site_tree["vi"])
    # then only B's live chapter is found, and the draft not at all
    assert results == {site_tree["b"]["guide"].pk}
    assert drafts == set()


def test_search_pages_without_locale_searches_every_language(site_tree):
    # when the search is not restricted to a language
    results = {page.pk for page in search_pages("thon ta van")}
    # then the village is found in both languages
    village = site_tree["a"]["village"]
    assert results == {village.pk, village.get_translation(site_tree["en"]).pk}


# --- the search page ------------------------------------------------------------------------------

needs_template = pytest.mark.skipif(
    not SEARCH_TEMPLATE.exists(), reason="village/search.html not written yet"
)


@needs_template
@pytest.mark.parametrize("query", ["dinh danh", "định danh", "ĐỊNH DANH"])
def test_the_vietnamese_search_page_finds_without_diacritics(client, site_tree, query):
    # when a visitor searches on /vi/search/
    response = client.get("/vi/search/", {"q": query})
    # then the guide chapter and notice of both communes are listed with their addresses
    assert response.status_code == 200
    html = response.content.decode()
    for commune in ("a", "b"):
        for key in ("guide", "notice"):
            page = site_tree[commune][key]
            assert f'href="{page.url}"' in html
            assert escape(page.title) in html
    assert escape(site_tree["a"]["guide"].get_translation(site_tree["en"]).title) not in html


@needs_template
def test_the_english_search_page_lists_english_pages(client, site_tree):
    # when a visitor searches on /en/search/
    response = client.get("/en/search/", {"q": "cho phien"})
    # then the English market-day pages are listed, not the Vietnamese ones
    assert response.status_code == 200
    html = response.content.decode()
    english_event = site_tree["a"]["event"].get_translation(site_tree["en"])
    assert f'href="{english_event.url}"' in html
    assert escape(english_event.title) in html
    assert f'href="{site_tree["a"]["event"].url}"' not in html


@needs_template
@pytest.mark.parametrize("query", ["", "xyzzy", "x" * 10_000, '"; DROP TABLE wagtailcore_page; --'])
def test_the_search_page_answers_any_query(client, site_tree, query):
    # when the search page gets an empty, nonsense, huge or hostile query
    response = client.get("/vi/search/", {"q": query})
    # then it answers normally, without results
    assert response.status_code == 200
    assert 'class="result"' not in response.content.decode()
