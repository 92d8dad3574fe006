"""The public market pages: catalogue filters and search, product and producer pages, lot traceability."""

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from market import services
from market.models import Category, CertificationKind, Product, ReviewStatus
from tests import factories
from village.models import CommunePage, ProvincePage

from .conftest import make_producer, make_product

CATALOGUE = "/vi/market/"


def _slugs(html: str) -> list[str]:
    """The products listed on a page, in order (from the card titles)."""
    return re.findall(r'<h3 class="card-title"><a href="/(?:vi|en)/market/p/([\w-]+)/">', html)


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


def _delivered_order(buyer, product, quantity):
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=product, quantity=quantity)
    checkout = services.place_order(
        cart=cart,
        buyer=services.Buyer(name="Trần Văn Hùng", phone="0912345678", user=buyer),
        payment_method="cod",
        delivery_methods={product.producer_id: "pickup"},
    )
    order = checkout.orders.get()
    owner = product.producer.owner
    services.accept_cash_order(order=order, actor=owner)
    services.ship_order(order=order, actor=owner)
    return services.mark_delivered(order=order, actor=owner)


@pytest.fixture
def honey(site_tree):
    """A product from another province (Hà Giang → Lũng Cú)."""
    province = factories.add(site_tree["home"], ProvincePage(title="Hà Giang", slug="ha-giang", code="02"))
    commune = factories.add(province, CommunePage(title="Lũng Cú", slug="lung-cu", admin_code="00712"))
    owner = factories.make_user("lungcu@example.org")
    producer = make_producer(owner, commune, "Hộ Vàng Thị Dợ")
    return make_product(producer, "Mật ong bạc hà", category=Category.HONEY, price=600_000, stock=10)


# --- search and filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [("che shan tuyet", ["tea"]), ("mat ong", ["honey"]), ("MẬN bac", ["plums"]), ("shan mat", [])],
)
def test_search_needs_no_diacritics_and_every_word_must_match(client, tea, plums, honey, query, expected):
    products = {"tea": tea, "plums": plums, "honey": honey}
    html = client.get(CATALOGUE, {"q": query}).text
    assert _slugs(html) == [products[key].slug for key in expected]


def test_a_very_long_query_is_cut_and_said_so(client, tea):
    response = client.get(CATALOGUE, {"q": "che " * 200})
    assert response.status_code == 200
    assert _slugs(response.text) == [tea.slug]
    assert "Nội dung bạn tìm quá dài, nên chỉ phần đầu được dùng để tìm." in response.text


@pytest.fixture
def rated(tea, plums, honey):
    """Tea: OCOP 4★ current and VietGAP; plums: OCOP 5★ expired and VietGAP expired; honey: sold out."""
    today = timezone.localdate()
    services.set_ocop_rating(
        product=tea, actor=tea.producer.owner, stars=4, certificate_number="OCOP-LC-2024-017",
        issued_on=today - timedelta(days=200), issuing_province="Lào Cai",
    )  # fmt: skip
    services.set_ocop_rating(
        product=plums, actor=plums.producer.owner, stars=5, certificate_number="OCOP-LC-2020-001",
        issued_on=date(2020, 1, 1), expires_on=date(2023, 1, 1), issuing_province="Lào Cai",
    )  # fmt: skip
    services.add_certification(product=tea, actor=tea.producer.owner, kind=CertificationKind.VIETGAP)
    services.add_certification(
        product=plums,
        actor=plums.producer.owner,
        kind=CertificationKind.VIETGAP,
        valid_until=date(2024, 1, 1),
    )
    Product.objects.filter(pk=honey.pk).update(stock=0)
    return {"tea": tea, "plums": plums, "honey": honey}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["honey", "plums", "tea"]),
        ({"category": "fruit"}, ["plums"]),
        ({"province": "lao-cai"}, ["plums", "tea"]),
        ({"province": "ha-giang"}, ["honey"]),
        ({"ocop": "4"}, ["tea"]),
        ({"ocop": "5"}, []),
        ({"certification": "vietgap"}, ["tea"]),
        ({"min_price": "100000"}, ["honey", "tea"]),
        ({"max_price": "100000"}, ["plums"]),
        ({"min_price": "300000", "max_price": "400000"}, ["tea"]),
        ({"in_stock": "on"}, ["plums", "tea"]),
        ({"sort": "price"}, ["plums", "tea", "honey"]),
        ({"sort": "-price"}, ["honey", "tea", "plums"]),
    ],
)
def test_each_filter_narrows_the_catalogue(client, rated, params, expected):
    html = client.get(CATALOGUE, params).text
    listed = _slugs(html)
    if "sort" in params:
        assert listed == [rated[key].slug for key in expected]
    else:
        assert sorted(listed) == sorted(rated[key].slug for key in expected)


def test_the_commune_filter_keeps_that_communes_products(client, site_tree, tea, plums):
    html = client.get(CATALOGUE, {"commune": site_tree["a"]["commune"].pk}).text
    assert _slugs(html) == [tea.slug]


def test_filter_values_that_are_not_understood_are_ignored_and_named(client, tea, plums):
    # when the filters carry an unknown category, a price that is no number and a page that is no page
    response = client.get(CATALOGUE, {"category": "gold", "min_price": "abc", "commune": "x", "page": "abc"})
    # then the page still lists everything and says which filters were left out
    assert response.status_code == 200
    assert sorted(_slugs(response.text)) == sorted([tea.slug, plums.slug])
    assert (
        "Một số bộ lọc không hiểu được nên đã bỏ qua: Loại hàng, Xã, Giá thấp nhất (đồng)." in response.text
    )
    assert "Không có trang kết quả đó; đây là trang 1." in response.text


def test_a_lowest_price_above_the_highest_is_pointed_out(client, tea, plums):
    response = client.get(CATALOGUE, {"min_price": "300000", "max_price": "1000"})
    assert response.status_code == 200
    assert "Giá cao nhất thấp hơn giá thấp nhất." in response.text
    assert _slugs(response.text) == [tea.slug]  # the impossible upper bound was dropped, the lower one kept


def test_cards_show_price_unit_producer_commune_and_current_ocop_only(client, rated):
    html = client.get(CATALOGUE).text
    cards = re.findall(r'<li class="card product-card">.*?</li>', html, re.S)
    tea_card = next(card for card in cards if f"/market/p/{rated['tea'].slug}/" in card)
    assert "350.000 ₫</strong> / kg" in tea_card
    assert "Hợp tác xã chè Tả Van · Tả Van" in tea_card
    assert "OCOP 4 sao" in tea_card
    assert "OCOP 5 sao" not in html  # the plums' rating expired
    assert "Hết hàng" in html  # the honey


def test_the_english_catalogue_shows_english_commune_names(client, tea):
    response = client.get("/en/market/")
    assert '<html lang="en">' in response.text
    assert "Hợp tác xã chè Tả Van · Tả Van EN" in response.text
    assert "Products from the highlands" in response.text


def test_the_catalogue_runs_the_same_queries_for_one_and_fifty_products(client, site_tree, producer_a):
    # given one product with a photo (every product shares it, so renditions are made once)
    photo = factories.make_image("Chè")
    owner = producer_a.owner

    def product(number):
        item = make_product(producer_a, f"Chè số {number}", price=100_000 + number)
        services.add_product_image(product=item, image=photo, actor=owner)
        services.set_ocop_rating(
            product=item, actor=owner, stars=3, certificate_number=f"OCOP-{number}",
            issued_on=timezone.localdate(), issuing_province="Lào Cai",
        )  # fmt: skip
        return item

    product(0)
    client.get(CATALOGUE)  # renditions are created on the first view
    one_response, one = _count_queries(client, CATALOGUE)
    # when 49 more are listed
    for number in range(1, 50):
        product(number)
    fifty_response, fifty = _count_queries(client, CATALOGUE)
    # then the first page shows 24 of 50 with the same queries, photos as WebP renditions
    assert len(_slugs(one_response.text)) == 1
    assert len(_slugs(fifty_response.text)) == 24
    assert "50 sản phẩm" in fifty_response.text
    assert fifty == one
    assert one <= 12
    assert fifty_response.text.count('class="card-image product-image"') == 24
    assert ".webp" in fifty_response.text
    assert 'loading="lazy"' in fifty_response.text
    assert "original_images" not in fifty_response.text


def test_the_catalogue_lists_products_as_a_schema_org_item_list(client, tea):
    data = _json_ld(client.get(CATALOGUE).text)
    assert data["@type"] == "ItemList"
    assert data["itemListElement"] == [
        {
            "@type": "ListItem",
            "position": 1,
            "url": f"http://testserver/vi/market/p/{tea.slug}/",
            "name": "Chè Shan Tuyết",
        }
    ]


# --- the product page --------------------------------------------------------------------------------


def test_the_product_page_carries_exact_product_json_ld(client, rated, buyer):
    # given a rated, certified product with one verified review and a photo
    tea = rated["tea"]
    services.add_product_image(product=tea, image=factories.make_image("Đồi chè"), actor=tea.producer.owner)
    order = _delivered_order(buyer, tea, 2)
    services.review_product(order=order, product_id=tea.pk, author=buyer, rating=4, text="Thơm")
    # when its page is shown
    response = client.get(f"/vi/market/p/{tea.slug}/")
    data = _json_ld(response.text)
    # then the structured data describes the offer, the rating, the award and the certificates
    images = data.pop("image")
    assert len(images) == 1
    assert images[0].startswith("http://testserver/media/images/") and images[0].endswith(".webp")
    url = f"http://testserver/vi/market/p/{tea.slug}/"
    organization = {
        "@type": "Organization",
        "name": "Hợp tác xã chè Tả Van",
        "url": "http://testserver/vi/market/producers/hop-tac-xa-che-ta-van/",
    }
    assert data == {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Chè Shan Tuyết",
        "description": "Chè Shan Tuyết ngon.",
        "sku": tea.slug,
        "url": url,
        "category": "Chè",
        "brand": organization,
        "manufacturer": organization,
        "offers": {
            "@type": "Offer",
            "price": "350000",
            "priceCurrency": "VND",
            "availability": "https://schema.org/InStock",
            "url": url,
            "seller": organization,
            "eligibleQuantity": {"@type": "QuantitativeValue", "minValue": 1, "unitText": "kg"},
        },
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": "4.0",
            "reviewCount": 1,
            "bestRating": "5",
            "worstRating": "1",
        },
        "award": "OCOP 4 sao",
        "additionalProperty": [
            {"@type": "PropertyValue", "propertyID": "vietgap", "name": "VietGAP", "value": "VietGAP"},
            {
                "@type": "PropertyValue",
                "propertyID": "OCOP",
                "name": "Số giấy chứng nhận OCOP",
                "value": "OCOP-LC-2024-017",
            },
        ],
    }
    assert f'<link rel="canonical" href="{url}">' in response.text


def test_a_sold_out_product_is_offered_out_of_stock_without_an_order_form(client, tea):
    Product.objects.filter(pk=tea.pk).update(stock=0)
    response = client.get(f"/vi/market/p/{tea.slug}/")
    assert _json_ld(response.text)["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert "Hết hàng" in response.text
    assert 'action="/vi/market/cart/add/"' not in response.text


def test_the_product_page_shows_what_a_buyer_needs(client, tea, site_tree):
    today = timezone.localdate()
    services.set_ocop_rating(
        product=tea, actor=tea.producer.owner, stars=4, certificate_number="OCOP-LC-2024-017",
        issued_on=today - timedelta(days=10), issuing_province="Lào Cai",
    )  # fmt: skip
    Product.objects.filter(pk=tea.pk).update(harvest_months=[3, 4, 10], minimum_order=2)
    lot = services.create_lot(product=tea, actor=tea.producer.owner, code="LO-2025-03", harvested_on=today)
    html = client.get(f"/vi/market/p/{tea.slug}/").text
    issued = today - timedelta(days=10)
    expires = issued.replace(year=issued.year + 3)
    assert "<h1>Chè Shan Tuyết</h1>" in html
    assert "<strong>350.000 ₫</strong> / kg" in html
    assert "<dt>Đặt tối thiểu</dt><dd>2 kg</dd>" in html
    assert "Còn hàng: 20 kg" in html
    assert "Tháng 3, Tháng 4, Tháng 10" in html
    assert "OCOP 4 sao" in html
    assert "OCOP-LC-2024-017" in html
    assert (
        f"<dt>Có hiệu lực đến</dt><dd>Ngày {expires.day:02d} tháng {expires.month} năm {expires.year}</dd>"
        in html
    )
    assert f'href="/vi/market/lots/{lot.public_id}/"' in html
    assert 'min="2" max="20"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Tả Van, Lào Cai" in html


def test_an_expired_ocop_rating_is_not_shown_as_current(client, rated):
    plums = rated["plums"]
    response = client.get(f"/vi/market/p/{plums.slug}/")
    assert "OCOP 5 sao" not in response.text
    assert "Hạng OCOP đã hết hạn ngày" in response.text
    data = _json_ld(response.text)
    assert "award" not in data
    assert "additionalProperty" not in data  # the VietGAP certificate expired too


def test_text_written_by_producers_is_escaped(client, producer_a):
    # given a description and a story that try to inject a script
    product = make_product(producer_a, "Chè xanh", description_vi="<script>alert(1)</script>")
    services.update_producer(
        producer=producer_a, actor=producer_a.owner, story_vi="<script>alert(2)</script>"
    )
    Product.objects.filter(pk=product.pk).update(review_status=ReviewStatus.APPROVED)
    # when the product and producer pages are shown
    product_html = client.get(f"/vi/market/p/{product.slug}/").text
    producer_html = client.get(f"/vi/market/producers/{producer_a.slug}/").text
    # then the text is shown, escaped, and the JSON-LD keeps it as data
    assert "<script>alert(1)</script>" not in product_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in product_html
    assert _json_ld(product_html)["description"] == "<script>alert(1)</script>"
    assert "<script>alert(2)</script>" not in producer_html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in producer_html


def test_products_not_listed_are_not_found(client, tea, plums, producer_b, moderator_a):
    # given a product waiting for approval and a product of a rejected producer
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)
    producer_b.review_status = ReviewStatus.REJECTED
    producer_b.save(update_fields=["review_status"])
    # then neither page exists, nor does the rejected producer's page or an unknown product
    assert client.get(f"/vi/market/p/{tea.slug}/").status_code == 404
    assert client.get(f"/vi/market/p/{plums.slug}/").status_code == 404
    assert client.get(f"/vi/market/producers/{producer_b.slug}/").status_code == 404
    assert client.get("/vi/market/p/no-such-thing/").status_code == 404
    assert _slugs(client.get(CATALOGUE).text) == []


def test_the_product_page_runs_the_same_queries_whatever_its_photos_reviews_and_lots(client, tea, buyer):
    owner = tea.producer.owner
    photo = factories.make_image("Chè")
    services.add_product_image(product=tea, image=photo, actor=owner)
    services.create_lot(product=tea, actor=owner, code="L1")
    url = f"/vi/market/p/{tea.slug}/"
    client.get(url)
    _response, few = _count_queries(client, url)
    # when the product gets more photos, lots and reviews
    for number in range(4):
        services.add_product_image(product=tea, image=photo, actor=owner)
        services.create_lot(product=tea, actor=owner, code=f"L{number + 2}")
    for rating in (5, 4, 3):
        order = _delivered_order(buyer, tea, 1)
        services.review_product(order=order, product_id=tea.pk, author=buyer, rating=rating)
    response, many = _count_queries(client, url)
    # then the page shows them all without more queries
    assert response.text.count('class="gallery-image"') == 5
    assert response.text.count('href="/vi/market/lots/') == 5
    assert response.text.count('class="review"') == 3
    assert many == few
    assert 'fetchpriority="high"' in response.text and response.text.count('loading="lazy"') == 4


def test_the_english_product_page_uses_the_english_name(client, tea):
    Product.objects.filter(pk=tea.pk).update(name_en="Shan Tuyet tea", description_en="Old tea trees.")
    response = client.get(f"/en/market/p/{tea.slug}/")
    assert "<h1>Shan Tuyet tea</h1>" in response.text
    assert _json_ld(response.text)["name"] == "Shan Tuyet tea"
    assert "Add to cart" in response.text


# --- the producer page -------------------------------------------------------------------------------


def test_the_producer_page_shows_story_place_reliability_and_products(client, producer_a, tea, buyer):
    services.update_producer(producer=producer_a, actor=producer_a.owner, story_vi="Chè cổ thụ trên núi.")
    _delivered_order(buyer, tea, 1)
    html = client.get(f"/vi/market/producers/{producer_a.slug}/").text
    assert "<h1>Hợp tác xã chè Tả Van</h1>" in html
    assert "Chè cổ thụ trên núi." in html
    assert "<dt>Đơn đã giao</dt><dd>1</dd>" in html
    assert "<dt>Tỉ lệ giữ đơn</dt><dd>100%</dd>" in html
    assert _slugs(html) == [tea.slug]
    assert _json_ld(html)["@type"] == "Organization"


def test_the_producer_page_runs_the_same_queries_for_one_and_many_products(client, producer_a):
    make_product(producer_a, "Chè 1")
    url = f"/vi/market/producers/{producer_a.slug}/"
    client.get(url)
    _response, one = _count_queries(client, url)
    for number in range(2, 12):
        make_product(producer_a, f"Chè {number}")
    response, many = _count_queries(client, url)
    assert len(_slugs(response.text)) == 11
    assert many == one


# --- lots and their QR codes -------------------------------------------------------------------------


@pytest.fixture
def lot(tea):
    return services.create_lot(
        product=tea, actor=tea.producer.owner, code="LO-2025-03",
        harvested_on=date(2025, 3, 10), produced_on=date(2025, 3, 20), best_before=date(2026, 3, 20),
    )  # fmt: skip


def test_the_lot_page_traces_the_lot_to_its_village(client, lot, site_tree):
    html = client.get(f"/vi/market/lots/{lot.public_id}/").text
    assert "<h1>Lô LO-2025-03</h1>" in html
    assert "10 tháng 3 năm 2025" in html
    assert "20 tháng 3 năm 2026" in html
    assert "Hợp tác xã chè Tả Van" in html
    assert "<dt>Xã</dt><dd>Tả Van</dd>" in html
    assert "<dt>Tỉnh</dt><dd>Lào Cai</dd>" in html
    assert f'href="/vi/market/p/{lot.product.slug}/"' in html


def test_the_qr_code_is_an_svg_of_the_lot_address_which_opens_in_the_phones_language(client, lot):
    # when the QR code and the label are fetched
    qr = client.get(f"/vi/market/lots/{lot.public_id}/qr.svg")
    label = client.get(f"/vi/market/lots/{lot.public_id}/label/")
    # then the QR is an SVG and the label prints it with the lot's details and address
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") and b"<svg" in qr.content
    assert f'<img class="lot-qr" src="/vi/market/lots/{lot.public_id}/qr.svg"' in label.text
    assert "LO-2025-03" in label.text and "Chè Shan Tuyết" in label.text
    scan_url = f"http://testserver/market/lots/{lot.public_id}/"
    assert scan_url in label.text
    # and the address in the QR (no language prefix) opens the lot page in the visitor's language
    english = client.get(scan_url, headers={"accept-language": "en"})
    assert english.status_code == 302
    assert english["Location"] == f"/en/market/lots/{lot.public_id}/"


def test_a_lot_stays_traceable_when_its_product_is_withdrawn_but_not_when_the_producer_is_rejected(
    client, lot, producer_a
):
    Product.objects.filter(pk=lot.product_id).update(review_status=ReviewStatus.PENDING)
    response = client.get(f"/vi/market/lots/{lot.public_id}/")
    assert response.status_code == 200
    assert f'href="/vi/market/p/{lot.product.slug}/"' not in response.text
    producer_a.review_status = ReviewStatus.REJECTED
    producer_a.save(update_fields=["review_status"])
    for suffix in ("", "qr.svg", "label/"):
        assert client.get(f"/vi/market/lots/{lot.public_id}/{suffix}").status_code == 404


# --- the commune page --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_commune_page_shows_its_products_in_either_language(client, site_tree, tea, plums, language):
    commune = site_tree["a"]["commune"]
    page = commune if language == "vi" else commune.get_translation(site_tree[language])
    html = client.get(page.url).text
    assert _slugs(html) == [tea.slug]
    heading = "Sản phẩm của Tả Van" if language == "vi" else "Products of Tả Van EN"
    assert f'<h2 id="commune-products-heading">{heading}</h2>' in html
    assert f'href="/{language}/market/?commune={commune.pk}"' in html


def test_the_commune_page_runs_the_same_queries_for_one_and_six_products(client, site_tree, producer_a):
    make_product(producer_a, "Chè 1")
    url = site_tree["a"]["commune"].url
    client.get(url)
    _response, one = _count_queries(client, url)
    for number in range(2, 8):
        make_product(producer_a, f"Chè {number}")
    response, six = _count_queries(client, url)
    assert len(_slugs(response.text)) == 6
    assert six == one
