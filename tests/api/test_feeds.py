"""Public feeds: Atom, RSS 2.0 and JSON Feed 1.1 per kind, per commune, in both languages."""

from datetime import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from market.models import ProductImage
from tests import factories
from tests.market.conftest import make_product
from tests.tourism.conftest import experience as experience
from tests.tourism.conftest import host as host
from tests.tourism.conftest import host_owner as host_owner
from tests.tourism.conftest import make_experience, make_stay
from tests.tourism.conftest import stay as stay
from tourism.models import ServiceKind
from village.models import CommunePage, GuidePage, NoticePage

KINDS = ["guides", "news", "notices", "events", "products", "stays", "experiences", "tours", "all"]
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


@pytest.fixture
def tour(host):
    return make_experience(host, "Trek Lảo Thẩn", kind=ServiceKind.TOUR)


@pytest.fixture
def content(site_tree, tea, plums, stay, experience, tour):
    """Something of every kind in both communes' feeds."""
    return site_tree


def check_json_feed(data: dict) -> None:
    """What JSON Feed 1.1 requires (feedparser 6.0 does not read JSON Feed)."""
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(data["title"], str) and data["title"]
    assert data["feed_url"].startswith("http://testserver/feeds/")
    assert isinstance(data["items"], list)
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        assert item["url"].startswith("http://testserver/")
        datetime.fromisoformat(item["date_published"])
        datetime.fromisoformat(item["date_modified"])
        assert all(set(author) <= {"name", "url", "avatar"} for author in item["authors"])
        assert {"attribution", "licence", "canonical_url", "tracked_url", "kind", "commune"} <= set(
            item["_svp"]
        )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_every_format_of_every_kind_parses_in_both_languages(client, content, kind):
    for language in ("vi", "en"):
        atom = client.get(f"/feeds/{language}/{kind}.atom")
        rss = client.get(f"/feeds/{language}/{kind}.rss")
        json_feed = client.get(f"/feeds/{language}/{kind}.json")

        assert atom["Content-Type"] == "application/atom+xml; charset=utf-8"
        assert rss["Content-Type"] == "application/rss+xml; charset=utf-8"
        assert json_feed["Content-Type"] == "application/feed+json"
        parsed_atom, parsed_rss = feedparser.parse(atom.content), feedparser.parse(rss.content)
        assert parsed_atom.bozo == 0, parsed_atom.get("bozo_exception")
        assert parsed_rss.bozo == 0, parsed_rss.get("bozo_exception")
        assert parsed_atom.version == "atom10" and parsed_rss.version == "rss20"
        assert parsed_atom.feed.language == language
        assert parsed_atom.entries and len(parsed_atom.entries) == len(parsed_rss.entries)
        check_json_feed(json_feed.json())
        assert len(json_feed.json()["items"]) == len(parsed_atom.entries)
        for entry in parsed_atom.entries:
            assert entry.link.startswith(f"http://testserver/{language}/")
            assert entry.id.startswith("tag:testserver,2025:")
            assert "Làng số" in entry.rights and entry.author_detail.name


@pytest.mark.django_db
def test_entries_carry_canonical_link_commune_author_attribution_and_licence(client, site_tree):
    guide = site_tree["a"]["guide"].get_translation(site_tree["en"])
    commune = site_tree["a"]["commune"]

    atom = feedparser.parse(client.get(f"/feeds/en/{commune.pk}/guides.atom").content)
    rss = feedparser.parse(client.get(f"/feeds/en/{commune.pk}/guides.rss").content)
    json_feed = client.get(f"/feeds/en/{commune.pk}/guides.json").json()

    canonical = f"http://testserver{guide.get_url()}"
    [entry] = atom.entries
    assert entry.link == canonical
    assert entry.id == f"tag:testserver,2025:guide/{guide.pk}/en"
    assert entry.title == "Kích hoạt định danh điện tử mức 2 EN"
    assert entry.author_detail.name == "Tả Van EN"
    assert entry.author_detail.href == "http://testserver/en/lao-cai/ta-van/"
    assert entry.rights == f"Source: Tả Van EN — Làng số, CC BY 4.0 {CC_BY}"
    assert {"rel": "license", "href": CC_BY, "type": "text/html"} in entry.links
    assert [tag.term for tag in entry.tags] == ["Digital identity", "Everyone"]
    assert "Hướng dẫn VNeID" in entry.summary and "Source: Tả Van EN" in entry.summary
    assert atom.feed.rights == "Source: Tả Van EN — Làng số, CC BY 4.0"
    [item] = rss.entries
    assert item.link == canonical and item.id == entry.id and item.guidislink is False
    assert rss.feed.rights == "Source: Tả Van EN — Làng số, CC BY 4.0"  # <copyright>
    assert item.rights == entry.rights  # <dc:rights>
    assert "Source: Tả Van EN — Làng số, CC BY 4.0" in item.description
    [json_item] = json_feed["items"]
    assert json_item["url"] == canonical and json_item["id"] == entry.id
    assert json_item["authors"] == [{"name": "Tả Van EN", "url": "http://testserver/en/lao-cai/ta-van/"}]
    assert json_item["_svp"] == {
        "kind": "guide",
        "canonical_url": canonical,
        "tracked_url": canonical,
        "attribution": "Source: Tả Van EN — Làng số, CC BY 4.0",
        "licence": {"name": "CC BY 4.0", "url": CC_BY},
        "commune": {"id": commune.pk, "title": "Tả Van EN"},
    }


@pytest.mark.django_db
def test_each_item_carries_its_own_communes_licence(client, site_tree, tea, plums):
    commune_b = site_tree["b"]["commune"]
    CommunePage.objects.filter(translation_key=commune_b.translation_key).update(
        content_licence="CC BY-SA 4.0"
    )

    entries = feedparser.parse(client.get("/feeds/vi/products.atom").content).entries
    items = client.get("/feeds/vi/products.json").json()["items"]

    licences = {
        entry.title: [link.href for link in entry.links if link.rel == "license"] for entry in entries
    }
    assert licences == {"Mận Bắc Hà": [CC_BY_SA], "Chè Shan Tuyết": [CC_BY]}
    by_title = {item["title"]: item["_svp"] for item in items}
    assert by_title["Mận Bắc Hà"]["licence"] == {"name": "CC BY-SA 4.0", "url": CC_BY_SA}
    assert by_title["Mận Bắc Hà"]["attribution"] == "Nguồn: Bắc Hà — Làng số, CC BY-SA 4.0"
    assert by_title["Chè Shan Tuyết"]["licence"]["name"] == "CC BY 4.0"


@pytest.mark.django_db
def test_a_commune_feed_holds_that_communes_items_whichever_page_id_names_it(client, content):
    commune = content["a"]["commune"]
    english_commune = commune.get_translation(content["en"])

    by_vietnamese_id = client.get(f"/feeds/vi/{commune.pk}/all.json").json()["items"]
    by_english_id = client.get(f"/feeds/vi/{english_commune.pk}/all.json").json()["items"]
    everything = client.get("/feeds/vi/all.json").json()["items"]

    assert {item["_svp"]["commune"]["id"] for item in by_vietnamese_id} == {commune.pk}
    assert sorted(item["_svp"]["kind"] for item in by_vietnamese_id) == sorted(
        ["guide", "news", "notice", "event", "product", "stay", "experience", "tour"]
    )
    assert by_english_id == by_vietnamese_id
    assert {item["_svp"]["commune"]["title"] for item in everything} == {"Tả Van", "Bắc Hà"}
    assert "Mận Bắc Hà" not in {item["title"] for item in by_vietnamese_id}


@pytest.mark.django_db
def test_the_newest_50_listed_items_come_first(client, producer_a, tea):
    made = [make_product(producer_a, f"Chè {number}") for number in range(55)]
    pending = make_product(producer_a, "Chè chưa duyệt")
    type(pending).objects.filter(pk=pending.pk).update(review_status="pending")

    items = client.get("/feeds/vi/products.json").json()["items"]

    assert len(items) == 50
    assert [item["title"] for item in items] == [product.name_vi for product in reversed(made)][:50]
    published = [item["date_published"] for item in items]
    assert published == sorted(published, reverse=True)


@pytest.mark.django_db
def test_unpublished_pages_and_expired_notices_stay_out(client, site_tree):
    guide, notice = site_tree["a"]["guide"], site_tree["b"]["notice"]
    guide.unpublish()
    NoticePage.objects.filter(pk=notice.pk).update(expires_at=timezone.now() - timezone.timedelta(days=1))

    guides = client.get("/feeds/vi/guides.json").json()["items"]
    notices = client.get("/feeds/vi/notices.json").json()["items"]

    assert [item["_svp"]["commune"]["title"] for item in guides] == ["Bắc Hà"]
    assert [item["_svp"]["commune"]["title"] for item in notices] == ["Tả Van"]
    assert GuidePage.objects.live().filter(locale__language_code="vi").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/feeds/fr/guides.atom",
        "/feeds/vi/recipes.atom",
        "/feeds/vi/guides.xml",
        "/feeds/vi/999999/guides.atom",
        "/feeds/vi/{guide_id}/guides.atom",  # a page id that is not a commune's
        "/feeds/en/{commune_id}/all.yaml",
    ],
)
def test_unknown_languages_kinds_formats_and_communes_are_404(client, site_tree, path):
    url = path.format(guide_id=site_tree["a"]["guide"].pk, commune_id=site_tree["a"]["commune"].pk)

    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_feeds_are_public_cacheable_and_set_no_cookie(client, site_tree, django_assert_num_queries):
    first = client.get("/feeds/vi/all.atom", HTTP_ORIGIN="https://newspaper.example")

    with django_assert_num_queries(0):
        again = client.get("/feeds/vi/all.atom", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["Content-Language"] == "vi"
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["Last-Modified"] and first["ETag"]
    assert not first.cookies and "Set-Cookie" not in first
    assert "Cookie" not in first.get("Vary", "")
    assert first["Access-Control-Allow-Origin"] == "*"
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and again.content == b""
    assert again["Cache-Control"] == "public, max-age=300"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"), [("/feeds/vi/products.rss", 12), ("/feeds/en/all.json", 8 + 24)]
)
def test_a_feed_runs_the_same_queries_for_1_and_many_items(client, producer_a, host, path, expected):
    make_product(producer_a, "Chè 0")
    make_stay(host, "Nhà sàn 0")
    client.get(path)  # warm the site root paths
    with CaptureQueriesContext(connection) as one:
        assert client.get(path, HTTP_IF_NONE_MATCH="x").status_code == 200
    for number in range(1, 12):
        make_product(producer_a, f"Chè {number}")
        make_stay(host, f"Nhà sàn {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(path, HTTP_IF_NONE_MATCH="x")

    if path.endswith(".json"):
        assert (
            len(response.json()["items"]) == expected
        )  # 4 kinds of page × 2 communes, 12 products, 12 stays
    else:
        assert len(feedparser.parse(response.content).entries) == expected
    assert len(many) == len(one)


@pytest.mark.django_db
def test_commune_pages_advertise_their_feeds(client, site_tree):
    commune = site_tree["a"]["commune"]

    page = client.get(commune.get_url()).content.decode()

    for feed_type, extension in (("application/atom+xml", "atom"), ("application/rss+xml", "rss")):
        link = f'type="{feed_type}" title="Tả Van ({extension.upper() if extension == "rss" else "Atom"})"'
        assert link in page
        assert f'href="/feeds/vi/{commune.pk}/all.{extension}"' in page
    assert (
        f'type="application/feed+json" title="Tả Van (JSON Feed)" href="/feeds/vi/{commune.pk}/all.json"'
        in page
    )
    parsed = feedparser.parse(client.get(f"/feeds/vi/{commune.pk}/all.atom").content)
    assert parsed.bozo == 0 and parsed.entries


@pytest.mark.django_db
def test_json_feed_items_show_the_card_photo_of_products(client, tea, plums):
    ProductImage.objects.create(product=tea, image=factories.make_image("Chè búp", size=(1200, 900)))

    items = {item["title"]: item for item in client.get("/feeds/vi/products.json").json()["items"]}

    assert items["Chè Shan Tuyết"]["image"].startswith("http://testserver/")
    assert (
        items["Chè Shan Tuyết"]["image"].endswith(".webp") and "640x480" in items["Chè Shan Tuyết"]["image"]
    )
    assert "image" not in items["Mận Bắc Hà"]
