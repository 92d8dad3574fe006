"""Places and village content through the partner API: languages, filters, refusals, constant queries."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import PageViewRestriction

from api.models import Scope
from tests import factories
from village.models import (
    CommunePage,
    EventPage,
    GuidePage,
    NewsPage,
    NoticePage,
    ProvincePage,
    Topic,
    VillagePage,
)

pytestmark = pytest.mark.django_db

CONTENT_LISTS = ["provinces", "communes", "villages", "guides", "news", "notices", "events"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def translation_of(page, site_tree):
    return type(page).objects.get(translation_key=page.translation_key, locale=site_tree["en"])


def add_guide(index, title: str, **fields) -> GuidePage:
    values = {
        "slug": f"guide-{title.lower().replace(' ', '-')}",
        "summary": title,
        "body": factories.guide_body(),
    }
    values.update(fields)
    return factories.add(index, GuidePage(title=title, **values))


# --- places -----------------------------------------------------------------------------------------


def test_a_province_has_one_id_in_both_languages_and_counts_its_communes(api_client, site_tree):
    province = site_tree["province"]

    vi = api_client.get("/api/v1/provinces/", {"lang": "vi"})
    en = api_client.get("/api/v1/provinces/", {"lang": "en"})

    assert ids(vi) == ids(en) == [province.pk]
    vi_item, en_item = vi.json()["results"][0], en.json()["results"][0]
    assert vi_item["code"] == "15" and vi_item["commune_count"] == 2
    assert vi_item["syndication"]["canonical_url"] == "http://testserver/vi/lao-cai/"
    assert en_item["syndication"]["canonical_url"] == "http://testserver/en/lao-cai/"
    assert en["Content-Language"] == "en"


def test_communes_show_public_facts_in_the_language_asked_but_never_the_digital_team_leader(
    api_client, site_tree
):
    commune_a = site_tree["a"]["commune"]
    CommunePage.objects.filter(translation_key=commune_a.translation_key).update(
        office_email="ubnd.tavan@laocai.gov.vn",
        office_hours="7:30–17:00",
        digital_team_leader="Giàng A Lử",
        digital_team_phone="0977 111 222",
        digital_team_members=6,
        area_km2="82.50",
        content_licence="CC BY-SA 4.0",
    )

    response = api_client.get("/api/v1/communes/", {"lang": "en"})

    assert sorted(ids(response)) == sorted([commune_a.pk, site_tree["b"]["commune"].pk])
    item = next(item for item in response.json()["results"] if item["id"] == commune_a.pk)
    assert item["title"] == "Tả Van EN"
    assert item["province"] == {"id": site_tree["province"].pk, "title": "Lào Cai"}
    assert (item["admin_code"], item["latitude"], item["longitude"]) == ("02680", 22.3, 103.9)
    assert (item["population"], item["households"], item["area_km2"]) == (5000, 1200, 82.5)
    assert (item["office_phone"], item["office_email"]) == ("0214 3871 234", "ubnd.tavan@laocai.gov.vn")
    assert (item["office_hours"], item["digital_team_members"]) == ("7:30–17:00", 6)
    assert item["licence"] == {
        "name": "CC BY-SA 4.0",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
    }
    assert item["image_url"].startswith("http://testserver/media/images/")
    assert item["image_url"].endswith(".webp")
    assert item["syndication"]["canonical_url"] == "http://testserver/en/lao-cai/ta-van/"
    assert "digital_team_leader" not in item and "digital_team_phone" not in item
    assert "Giàng A Lử" not in response.content.decode() and "0977 111 222" not in response.content.decode()


def test_a_commune_is_found_by_the_id_of_any_of_its_translations(api_client, site_tree):
    commune_a = site_tree["a"]["commune"]
    english = translation_of(commune_a, site_tree)

    by_english_id = api_client.get(f"/api/v1/communes/{english.pk}/", {"lang": "vi"})
    unknown = api_client.get("/api/v1/communes/999999/")

    assert by_english_id.status_code == 200
    assert by_english_id.json()["id"] == commune_a.pk and by_english_id.json()["title"] == "Tả Van"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


def test_communes_filter_by_province_and_a_bad_province_is_400(api_client, site_tree):
    other = factories.add(site_tree["home"], ProvincePage(title="Hà Giang", slug="ha-giang", code="02"))
    lung_cu = factories.add(other, CommunePage(title="Lũng Cú", slug="lung-cu", admin_code="00712"))

    in_other = api_client.get("/api/v1/communes/", {"province": other.pk})
    in_lao_cai = api_client.get("/api/v1/communes/", {"province": site_tree["province"].pk})
    unknown = api_client.get("/api/v1/communes/", {"province": 999999})
    malformed = api_client.get("/api/v1/communes/", {"province": "lao-cai"})

    assert ids(in_other) == [lung_cu.pk]
    assert sorted(ids(in_lao_cai)) == sorted([site_tree["a"]["commune"].pk, site_tree["b"]["commune"].pk])
    assert unknown.status_code == 400 and list(unknown.json()["error"]["fields"]) == ["province"]
    assert malformed.status_code == 400 and list(malformed.json()["error"]["fields"]) == ["province"]


def test_villages_filter_by_commune_and_answer_in_the_language_asked(api_client, site_tree):
    village_a = site_tree["a"]["village"]

    in_a = api_client.get("/api/v1/villages/", {"commune": site_tree["a"]["commune"].pk, "lang": "en"})
    detail = api_client.get(f"/api/v1/villages/{village_a.pk}/", {"lang": "en"})
    unknown_commune = api_client.get("/api/v1/villages/", {"commune": 999999})
    unknown_village = api_client.get("/api/v1/villages/999999/")

    assert ids(in_a) == [village_a.pk]
    item = in_a.json()["results"][0]
    assert item["title"] == "Thôn Tả Van EN" and item["households"] == 80
    assert item["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van EN"}
    assert detail.status_code == 200 and detail.json() == item
    assert unknown_commune.status_code == 400 and "commune" in unknown_commune.json()["error"]["fields"]
    assert unknown_village.status_code == 404


def test_an_unpublished_village_is_neither_listed_nor_served(api_client, site_tree):
    village_a = site_tree["a"]["village"]
    VillagePage.objects.get(pk=village_a.pk).unpublish()

    listed = api_client.get("/api/v1/villages/")
    detail = api_client.get(f"/api/v1/villages/{village_a.pk}/")

    assert ids(listed) == [site_tree["b"]["village"].pk]
    assert detail.status_code == 404


# --- content pages ----------------------------------------------------------------------------------


def test_guides_answer_in_the_language_asked_with_that_languages_page_ids(api_client, site_tree):
    guide_a, guide_b = site_tree["a"]["guide"], site_tree["b"]["guide"]
    english_a, english_b = translation_of(guide_a, site_tree), translation_of(guide_b, site_tree)

    vi = api_client.get("/api/v1/guides/", {"lang": "vi"})
    en = api_client.get("/api/v1/guides/", HTTP_ACCEPT_LANGUAGE="en")

    assert ids(vi) == [guide_b.pk, guide_a.pk]
    assert ids(en) == [english_b.pk, english_a.pk]
    assert en["Content-Language"] == "en"
    item = en.json()["results"][1]
    assert item["title"] == "Kích hoạt định danh điện tử mức 2 EN"
    assert item["translation_key"] == str(guide_a.translation_key)
    assert item["language"] == "en"
    assert item["commune"] == {"id": site_tree["a"]["commune"].pk, "title": "Tả Van EN"}
    assert item["province"]["id"] == site_tree["province"].pk
    assert (item["topic"], item["difficulty"], item["minutes_needed"]) == ("identity", "easy", 20)
    assert item["summary"] == "Hướng dẫn VNeID"
    assert item["updated_at"] is not None and "body_html" not in item
    assert (
        item["syndication"]["canonical_url"] == "http://testserver/en/lao-cai/ta-van/guide/dinh-danh-muc-2/"
    )
    assert item["syndication"]["attribution"] == "Source: Tả Van EN — Làng số, CC BY 4.0"


def test_a_guide_detail_renders_its_body_with_absolute_links_in_the_language_asked(api_client, site_tree):
    news_a = site_tree["a"]["news"]
    body = [{"type": "text", "value": f'<p>Xem <a linktype="page" id="{news_a.pk}">tin</a>.</p>'}]
    guide = add_guide(site_tree["a"]["guides"], "Liên kết", body=json.dumps(body))
    english = factories.translate(guide, site_tree["en"], title="Links")

    detail = api_client.get(f"/api/v1/guides/{guide.pk}/", {"lang": "vi"})
    english_by_vi_id = api_client.get(f"/api/v1/guides/{guide.pk}/", {"lang": "en"})

    assert detail.status_code == 200
    assert detail.json()["id"] == guide.pk
    assert 'href="http://testserver/vi/lao-cai/ta-van/tin-tuc/tap-huan/"' in detail.json()["body_html"]
    assert english_by_vi_id.json()["id"] == english.pk and english_by_vi_id.json()["title"] == "Links"


def test_the_guide_bodies_of_the_fixture_render_every_block(api_client, site_tree):
    detail = api_client.get(f"/api/v1/guides/{site_tree['a']['guide'].pk}/")

    html = detail.json()["body_html"]
    assert "Bấm vào biểu tượng." in html and "Không chia sẻ OTP." in html
    assert 'href="https://dichvucong.gov.vn"' in html


def test_guides_filter_by_topic_commune_and_words_without_diacritics(api_client, site_tree):
    qr = add_guide(site_tree["b"]["guides"], "Thanh toán bằng mã QR", topic=Topic.PAYMENTS)

    payments = api_client.get("/api/v1/guides/", {"topic": "payments"})
    folded = api_client.get("/api/v1/guides/", {"q": "THANH toan ma qr"})
    in_a = api_client.get("/api/v1/guides/", {"q": "dinh danh", "commune": site_tree["a"]["commune"].pk})
    nothing = api_client.get("/api/v1/guides/", {"q": "thanh toan", "commune": site_tree["a"]["commune"].pk})
    bad = api_client.get("/api/v1/guides/", {"topic": "gold", "commune": "x"})

    assert ids(payments) == [qr.pk]
    assert ids(folded) == [qr.pk]
    assert ids(in_a) == [site_tree["a"]["guide"].pk]
    assert ids(nothing) == []
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"topic", "commune"}


def test_a_commune_outside_the_province_asked_for_lists_nothing(api_client, site_tree):
    other = factories.add(site_tree["home"], ProvincePage(title="Hà Giang", slug="ha-giang", code="02"))

    response = api_client.get(
        "/api/v1/guides/", {"province": other.pk, "commune": site_tree["a"]["commune"].pk}
    )

    assert ids(response) == []


def test_cursor_pages_of_guides_follow_next_links(api_client, site_tree):
    made = [add_guide(site_tree["a"]["guides"], f"Chương {number}") for number in range(3)]
    expected = [
        *reversed([guide.pk for guide in made]),
        site_tree["b"]["guide"].pk,
        site_tree["a"]["guide"].pk,
    ]

    seen, url = [], "/api/v1/guides/?limit=2"
    while url:
        page = api_client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]

    assert seen == expected


def test_news_filter_by_updated_since_and_a_bad_date_is_400(api_client, site_tree):
    NewsPage.objects.filter(pk=site_tree["a"]["news"].pk).update(
        last_published_at=timezone.now() - timedelta(days=10)
    )
    since = (timezone.now() - timedelta(days=1)).isoformat()

    recent = api_client.get("/api/v1/news/", {"updated_since": since})
    everything = api_client.get("/api/v1/news/")
    bad = api_client.get("/api/v1/news/", {"updated_since": "yesterday"})

    assert ids(recent) == [site_tree["b"]["news"].pk]
    assert sorted(ids(everything)) == sorted([site_tree["a"]["news"].pk, site_tree["b"]["news"].pk])
    assert everything.json()["results"][0]["date"] == str(timezone.localdate())
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["updated_since"]


def test_an_expired_notice_is_neither_listed_nor_served(api_client, site_tree):
    notice_a, notice_b = site_tree["a"]["notice"], site_tree["b"]["notice"]
    NoticePage.objects.filter(translation_key=notice_a.translation_key).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    listed = api_client.get("/api/v1/notices/")
    expired = api_client.get(f"/api/v1/notices/{notice_a.pk}/")
    current = api_client.get(f"/api/v1/notices/{notice_b.pk}/")

    assert ids(listed) == [notice_b.pk]
    item = listed.json()["results"][0]
    assert (item["urgency"], item["summary"]) == ("info", "Thứ bảy")
    assert expired.status_code == 404
    assert current.status_code == 200 and current.json()["body_html"] == "<p>Thứ bảy</p>"


def test_events_are_upcoming_unless_past_ones_are_asked_for(api_client, site_tree):
    event_a, event_b = site_tree["a"]["event"], site_tree["b"]["event"]
    EventPage.objects.filter(pk=event_a.pk).update(
        start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=3, hours=-2)
    )

    upcoming = api_client.get("/api/v1/events/")
    everything = api_client.get("/api/v1/events/", {"include_past": "true"})
    markets = api_client.get("/api/v1/events/", {"kind": "market", "include_past": "true"})
    past_detail = api_client.get(f"/api/v1/events/{event_a.pk}/")
    bad = api_client.get("/api/v1/events/", {"include_past": "perhaps", "kind": "party"})

    assert ids(upcoming) == [event_b.pk]
    assert ids(everything) == [event_a.pk, event_b.pk]
    item = everything.json()["results"][1]
    assert (item["location"], item["kind"]) == ("Trung tâm xã", "festival")
    assert ids(markets) == []
    assert past_detail.status_code == 200
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"include_past", "kind"}


def test_unpublished_and_private_pages_are_neither_listed_nor_served(api_client, site_tree):
    guide_a, guide_b = site_tree["a"]["guide"], site_tree["b"]["guide"]
    GuidePage.objects.get(pk=guide_a.pk).unpublish()
    PageViewRestriction.objects.create(
        page=site_tree["b"]["guides"], restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    listed = api_client.get("/api/v1/guides/")
    unpublished = api_client.get(f"/api/v1/guides/{guide_a.pk}/")
    private = api_client.get(f"/api/v1/guides/{guide_b.pk}/")

    assert ids(listed) == []
    assert unpublished.status_code == 404 and private.status_code == 404


@pytest.mark.parametrize(("resource", "key"), [("news", "news"), ("notices", "notice"), ("events", "event")])
def test_news_notices_and_events_answer_in_the_language_asked_and_unknown_ids_are_404(
    api_client, site_tree, resource, key
):
    english = {translation_of(site_tree[commune][key], site_tree).pk for commune in ("a", "b")}

    en = api_client.get(f"/api/v1/{resource}/", {"lang": "en"})
    detail = api_client.get(f"/api/v1/{resource}/{site_tree['a'][key].pk}/", {"lang": "en"})
    unknown = api_client.get(f"/api/v1/{resource}/999999/")

    assert set(ids(en)) == english
    assert all(item["title"].endswith(" EN") and item["language"] == "en" for item in en.json()["results"])
    assert detail.json()["id"] == translation_of(site_tree["a"][key], site_tree).pk
    assert "body_html" in detail.json()
    assert unknown.status_code == 404


# --- access and cost --------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", CONTENT_LISTS)
def test_content_needs_a_key_with_the_content_read_scope(client_for, resource):
    market_only = client_for(scopes=[Scope.MARKET_READ])

    refused = market_only.get(f"/api/v1/{resource}/")
    anonymous = APIClient().get(f"/api/v1/{resource}/")

    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_scope"
    assert anonymous.status_code == 401


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("resource", CONTENT_LISTS)
def test_a_list_runs_the_same_queries_for_1_and_50_items(api_client, site_tree, resource, language):
    factories.add(site_tree["home"], ProvincePage(title="Hà Giang", slug="ha-giang", code="02"))
    url = f"/api/v1/{resource}/?lang={language}&limit="
    api_client.get(url + "50")  # warm the site root paths and make the renditions

    with CaptureQueriesContext(connection) as one:
        first = api_client.get(url + "1", HTTP_IF_NONE_MATCH="x")
    with CaptureQueriesContext(connection) as fifty:
        every = api_client.get(url + "50", HTTP_IF_NONE_MATCH="x")

    assert len(ids(first)) == 1 and len(ids(every)) >= 2
    assert len(fifty) == len(one)
