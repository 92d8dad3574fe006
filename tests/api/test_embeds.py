"""oEmbed provider (JSON and XML per https://oembed.com) and the cookie-free embeddable cards."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.utils import timezone

from api.syndication import tracked_token
from market.models import OcopRating, Producer, Product, ProductImage, ReviewStatus
from tests import factories
from tests.tourism.conftest import experience as experience
from tests.tourism.conftest import host as host
from tests.tourism.conftest import host_owner as host_owner
from tests.tourism.conftest import stay as stay
from tourism.models import ServiceImage

CSP_START = "frame-ancestors *; default-src 'none'; img-src "


def oembed(client, url: str, **params):
    return client.get("/oembed/", {"url": url, **params})


def iframe_src(html: str) -> str:
    return re.search(r'<iframe src="([^"]+)"', html).group(1).replace("&amp;", "&")


def with_photo(product: Product) -> Product:
    ProductImage.objects.create(product=product, image=factories.make_image("Chè búp", size=(1200, 900)))
    return product


@pytest.fixture
def english_guide(site_tree):
    guide = site_tree["a"]["guide"]
    return guide.get_translation(site_tree["en"])


# --- oEmbed --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_oembed_json_for_a_product_follows_the_spec(client, tea):
    response = oembed(client, f"http://testserver/vi/market/p/{tea.slug}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["title"] == "Chè Shan Tuyết"
    assert data["provider_name"] == settings.API_PLATFORM_NAME
    assert data["provider_url"] == "http://testserver/vi/"
    assert data["author_name"] == "Hợp tác xã chè Tả Van"
    assert data["author_url"] == f"http://testserver/vi/market/producers/{tea.producer.slug}/"
    assert data["width"] == 400 and data["height"] == 200  # no photo: the text part only
    assert isinstance(data["cache_age"], int) and data["cache_age"] > 0
    assert data["license"] == "CC BY 4.0" and data["license_url"].startswith("https://creativecommons.org/")
    assert iframe_src(data["html"]) == f"http://testserver/embed/product/{tea.slug}/?lang=vi"
    assert 'width="400" height="200"' in data["html"]
    assert "thumbnail_url" not in data
    assert "no-cache" not in response["Cache-Control"] and "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_oembed_xml_for_a_stay_follows_the_spec(client, stay):
    ServiceImage.objects.create(service=stay, image=factories.make_image("Nhà sàn", size=(1280, 720)))

    response = oembed(client, f"http://testserver/en/stays/{stay.slug}/", format="xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    values = {child.tag: child.text for child in root}
    assert root.tag == "oembed"
    assert values["type"] == "rich" and values["version"] == "1.0"
    assert values["title"] == "Homestay Sùng A Páo"
    assert values["author_name"] == "Homestay Sùng A Páo"
    assert values["author_url"] == "http://testserver/en/lao-cai/ta-van/"
    assert values["width"] == "400" and values["height"] == str(round(400 * 9 / 16) + 200)
    assert iframe_src(values["html"]) == f"http://testserver/embed/stay/{stay.slug}/?lang=en"
    assert values["thumbnail_width"] == "640" and values["thumbnail_height"] == "360"
    assert values["thumbnail_url"].startswith("http://testserver/") and ".webp" in values["thumbnail_url"]


@pytest.mark.django_db
def test_oembed_for_an_english_guide_chapter_names_the_commune_as_author(client, english_guide):
    response = oembed(client, f"http://testserver{english_guide.get_url()}")

    data = response.json()
    assert response.status_code == 200
    assert data["title"] == "Kích hoạt định danh điện tử mức 2 EN"
    assert data["author_name"] == "Tả Van EN"
    assert data["author_url"] == "http://testserver/en/lao-cai/ta-van/"
    assert iframe_src(data["html"]) == f"http://testserver/embed/guide/{english_guide.pk}/?lang=en"


@pytest.mark.django_db
def test_maxwidth_and_maxheight_are_honoured_with_the_thumbnail(client, tea):
    with_photo(tea)
    url = f"http://testserver/vi/market/p/{tea.slug}/"

    roomy = oembed(client, url, maxwidth=350, maxheight=1000).json()
    narrow = oembed(client, url, maxwidth=300, maxheight=200).json()

    assert roomy["width"] == 350 and roomy["height"] == round(350 * 3 / 4) + 200
    assert (roomy["thumbnail_width"], roomy["thumbnail_height"]) == (320, 240)
    assert narrow["width"] == 300 and narrow["height"] == 200
    assert 'width="300" height="200"' in narrow["html"]
    assert "thumbnail_url" not in narrow and "thumbnail_width" not in narrow  # even 320×240 is too big


@pytest.mark.django_db
def test_a_tracked_link_embeds_the_card_that_links_through_it(client, partner, tea):
    path = f"/vi/market/p/{tea.slug}/"
    token = tracked_token(partner_id=partner.pk, path=path)

    data = oembed(client, f"http://testserver/go/{token}/").json()

    query = parse_qs(urlsplit(iframe_src(data["html"])).query)
    assert query == {"lang": ["vi"], "ref": [token]}
    assert data["title"] == "Chè Shan Tuyết"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/vi/market/p/no-such-product/",
        "https://evil.example/vi/market/p/{slug}/",
        "http://testserver.evil.example/vi/market/p/{slug}/",
        "http://testserver/vi/lao-cai/ta-van/",  # a commune page is not embeddable
        "http://testserver/vi/market/",
        "ftp://testserver/vi/market/p/{slug}/",
        "http://testserver/market/p/{slug}/",  # no language prefix
        "http://testserver/go/forged-token/",
        "not a url",
    ],
)
def test_unknown_foreign_or_unsupported_addresses_are_404(client, tea, url):
    response = oembed(client, url.format(slug=tea.slug))

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_format_other_than_json_or_xml_is_501_and_bad_sizes_are_400(client, tea):
    url = f"http://testserver/vi/market/p/{tea.slug}/"

    assert oembed(client, url, format="yaml").status_code == 501
    assert oembed(client, url, maxwidth="wide").status_code == 400
    assert oembed(client, url, maxheight="0").status_code == 400
    assert client.get("/oembed/").status_code == 400


@pytest.mark.django_db
def test_product_pages_advertise_their_oembed_and_the_link_works(client, tea):
    page = client.get(f"/vi/market/p/{tea.slug}/").content.decode()

    match = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert match is not None
    response = client.get(match.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.json()["title"] == "Chè Shan Tuyết"
    assert 'type="text/xml+oembed"' in page


@pytest.mark.django_db
def test_service_and_guide_pages_advertise_their_oembed(client, experience, site_tree):
    service_page = client.get(f"/vi/stays/{experience.slug}/").content.decode()
    guide_page = client.get(site_tree["a"]["guide"].get_url()).content.decode()

    for page, title in ((service_page, "Nhuộm chàm và dệt thổ cẩm"), (guide_page, "Kích hoạt định danh")):
        href = re.search(r'type="application/json\+oembed" href="([^"]+)"', page).group(1)
        response = client.get(href.replace("&amp;", "&"))
        assert response.status_code == 200 and response.json()["title"].startswith(title)


# --- the card ------------------------------------------------------------------------------------------


def assert_framable_and_cookie_free(response) -> None:
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith(CSP_START)
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert not response.cookies and "Set-Cookie" not in response
    assert "Cookie" not in response.get("Vary", "")
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.django_db
def test_a_product_card_shows_photo_price_stars_and_attribution(client, tea):
    with_photo(tea)
    today = timezone.localdate()
    OcopRating.objects.create(
        product=tea, stars=4, certificate_number="OCOP-LC-2025-01", issued_on=today - timedelta(days=30),
        expires_on=today + timedelta(days=700), issuing_province="Lào Cai",
    )  # fmt: skip

    response = client.get(f"/embed/product/{tea.slug}/")

    assert_framable_and_cookie_free(response)
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Chè Shan Tuyết" in html and "350.000 ₫ / kg" in html
    assert "★★★★☆" in html and "OCOP 4 sao" in html
    assert "Nguồn: Tả Van — Làng số, CC BY 4.0" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    link = f'href="http://testserver/vi/market/p/{tea.slug}/" target="_blank" rel="noopener"'
    assert link in html
    photo = re.search(r'<img class="card-photo" src="([^"]+)"[^>]* alt="([^"]+)"', html)
    assert photo.group(1).endswith(".webp") and photo.group(2) == "Chè búp"
    assert "<script" not in html and "fonts.googleapis" not in html


@pytest.mark.django_db
def test_a_card_in_english_and_a_stay_card_with_its_nightly_price(client, tea, stay):
    product = client.get(f"/embed/product/{tea.slug}/", {"lang": "en"})
    stay_card = client.get(f"/embed/stay/{stay.slug}/", {"lang": "en"})

    assert_framable_and_cookie_free(product)
    assert_framable_and_cookie_free(stay_card)
    assert '<html lang="en">' in product.content.decode()
    assert "Source: Tả Van EN — Làng số, CC BY 4.0" in product.content.decode()
    assert f'href="http://testserver/en/market/p/{tea.slug}/"' in product.content.decode()
    assert "from 400.000 ₫ a night" in stay_card.content.decode()
    assert product["Content-Language"] == "en"


@pytest.mark.django_db
def test_a_guide_card_shows_the_translation_asked_for(client, site_tree, english_guide):
    response = client.get(f"/embed/guide/{site_tree['a']['guide'].pk}/", {"lang": "en"})

    assert_framable_and_cookie_free(response)
    html = response.content.decode()
    assert "Kích hoạt định danh điện tử mức 2 EN" in html
    assert f'href="http://testserver{english_guide.get_url()}"' in html
    assert "Tả Van EN" in html


@pytest.mark.django_db
def test_a_card_with_a_tracked_token_for_its_page_links_through_it(client, partner, tea, plums):
    own = tracked_token(partner_id=partner.pk, path=f"/vi/market/p/{tea.slug}/")
    other = tracked_token(partner_id=partner.pk, path=f"/vi/market/p/{plums.slug}/")

    tracked = client.get(f"/embed/product/{tea.slug}/", {"ref": own}).content.decode()
    mismatched = client.get(f"/embed/product/{tea.slug}/", {"ref": other}).content.decode()
    forged = client.get(f"/embed/product/{tea.slug}/", {"ref": "forged"}).content.decode()

    assert f'href="http://testserver/go/{own}/" target="_blank"' in tracked
    for html in (mismatched, forged):
        assert "/go/" not in html
        assert f'href="http://testserver/vi/market/p/{tea.slug}/" target="_blank"' in html


@pytest.mark.django_db
def test_unknown_unlisted_or_mismatched_cards_are_404(client, tea, plums, experience, site_tree):
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)
    Producer.objects.filter(pk=plums.producer_id).update(review_status=ReviewStatus.REJECTED)

    assert client.get("/embed/product/no-such-product/").status_code == 404
    assert client.get(f"/embed/product/{tea.slug}/").status_code == 404  # waiting for approval
    assert client.get(f"/embed/product/{plums.slug}/").status_code == 404  # producer rejected
    assert client.get(f"/embed/stay/{experience.slug}/").status_code == 404  # an experience, not a stay
    assert client.get(f"/embed/experience/{experience.slug}/").status_code == 200
    assert client.get(f"/embed/guide/{site_tree['a']['news'].pk}/").status_code == 404  # not a guide
    assert client.get("/embed/guide/999999/").status_code == 404
    assert client.get(f"/embed/experience/{experience.slug}/", {"lang": "fr"}).status_code == 400


@pytest.mark.django_db
def test_an_unpublished_guide_has_no_card_and_no_oembed(client, site_tree):
    guide = site_tree["a"]["guide"]
    url = f"http://testserver{guide.get_url()}"
    guide.unpublish()

    assert client.get(f"/embed/guide/{guide.pk}/").status_code == 404
    assert oembed(client, url).status_code == 404


@pytest.mark.django_db
def test_an_unchanged_card_revalidates_with_304_without_a_query(client, tea, django_assert_num_queries):
    first = client.get(f"/embed/product/{tea.slug}/")

    with django_assert_num_queries(0):
        again = client.get(f"/embed/product/{tea.slug}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert "X-Frame-Options" not in again
