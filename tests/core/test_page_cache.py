"""The anonymous whole-page cache: served from cache, invalidated by any publish, never for members."""

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def test_an_anonymous_visitor_gets_the_cached_page_until_something_is_published(
    site_tree, client, django_capture_on_commit_callbacks
):
    # given a guide page seen once by an anonymous visitor
    guide = site_tree["a"]["guide"]
    first = client.get(guide.url)
    assert first["X-Page-Cache"] == "miss"
    # when it is requested again
    second = client.get(guide.url)
    # then it comes from the cache, byte for byte
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # when an editor publishes a new title
    guide.title = "Kích hoạt VNeID mức 2 (cập nhật)"
    with django_capture_on_commit_callbacks(execute=True):
        factories.publish(guide)
    # then the next visitor sees it at once
    third = client.get(guide.url)
    assert third["X-Page-Cache"] == "miss"
    assert "Kích hoạt VNeID mức 2 (cập nhật)" in third.text


def test_publishing_any_page_invalidates_every_cached_page(
    site_tree, client, django_capture_on_commit_callbacks
):
    commune_b = site_tree["b"]["commune"]
    client.get(commune_b.url)
    assert client.get(commune_b.url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        factories.publish(site_tree["a"]["news"])
    assert client.get(commune_b.url)["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("path", ["/admin/login/", "/sw.js"])
def test_admin_and_service_worker_are_never_cached(site_tree, client, path):
    client.get(path)
    assert "X-Page-Cache" not in client.get(path)


def test_a_logged_in_member_is_never_served_a_cached_page(site_tree, client, editor_a):
    guide = site_tree["a"]["guide"]
    client.get(guide.url)
    client.force_login(editor_a)
    response = client.get(guide.url)
    assert "X-Page-Cache" not in response


def test_a_different_language_or_query_is_a_different_cache_entry(site_tree, client):
    client.get("/vi/search/?q=dinh+danh")
    assert client.get("/vi/search/?q=dinh+danh")["X-Page-Cache"] == "hit"
    assert client.get("/vi/search/?q=cho+phien")["X-Page-Cache"] == "miss"
    assert client.get("/en/search/?q=dinh+danh")["X-Page-Cache"] == "miss"
