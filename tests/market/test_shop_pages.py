"""The producer area, ``/<lang>/my/shop/``: a villager's shop from a phone, plain HTML forms only.

Requests go through the Django test client as the shop's owner (or a digital team member in assisted
mode). Refused requests also check that nothing was written.
"""

import io
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from accounts.models import Role, User
from accounts.services import grant_consent
from core.models import Event
from market import services
from market.exceptions import MarketError, MarketErrorCode
from market.forms.shop import PhotoField, VndField
from market.models import (
    Certification,
    Lot,
    OcopRating,
    Order,
    OrderStatus,
    Producer,
    Product,
    ProductImage,
    ReviewStatus,
)
from market.services.shop import MAX_PRODUCT_IMAGES
from market.views.shop import DRAFT_SESSION_KEY
from tests import factories
from village.models import CommuneWorkspace, VillageImage

from .conftest import make_product

GPS_INFO = 0x8825
GPS_POSITION = {1: "N", 2: (22.0, 20.0, 30.0), 3: "E", 4: (103.0, 50.0, 0.0)}


# --- helpers -----------------------------------------------------------------------------------------


def url(name: str, language: str = "vi", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"shop:{name}", kwargs=kwargs)


def message(text, language: str = "vi", **params) -> str:
    """A message as the page shows it: translated and HTML-escaped."""
    with translation.override(language):
        translated = translation.gettext(text) if isinstance(text, str) else str(text)
        rendered = translated % params if params else translated
    return escape(rendered)


def phone_photo(name: str = "che.jpg", size=(120, 80)) -> SimpleUploadedFile:
    """A JPEG as a phone takes it, with the GPS position of the house in its EXIF."""
    exif = Image.Exif()
    exif[GPS_INFO] = GPS_POSITION
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 140, 60)).save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def place_order(buyer, product, *, quantity: int = 2, payment_method: str = "cod") -> Order:
    cart = services.cart_for(user=buyer)
    services.add_to_cart(cart=cart, product=product, quantity=quantity)
    checkout = services.place_order(
        cart=cart,
        payment_method=payment_method,
        delivery_methods={product.producer_id: "delivery"},
        buyer=services.Buyer(
            name="Trần Văn Hùng",
            phone="0912345678",
            user=buyer,
            address="12 Phố Huế",
            province="Hà Nội",
        ),
    )
    return checkout.orders.get()


def row(instance) -> dict:
    return type(instance).objects.filter(pk=instance.pk).values().get()


def screen_one(client, producer, **overrides):
    data = {"photo": phone_photo(), "name_vi": "Chè Shan Tuyết cổ thụ", "category": "tea", **overrides}
    return client.post(url("product_new", producer_id=producer.pk), data)


def screen_two(client, producer, **overrides):
    data = {"price": "350.000", "unit": "kg", "stock": "20", "minimum_order": "1", **overrides}
    return client.post(url("product_new_price", producer_id=producer.pk), data)


@pytest.fixture
def owner_client(client, owner_a):
    User.objects.filter(pk=owner_a.pk).update(first_name="Mai", last_name="Sùng Thị")
    client.force_login(owner_a)
    return client


@pytest.fixture
def helper(site_tree):
    """A member of commune A's community digital technology team."""
    user = factories.make_member("team-a@example.org", site_tree["a"]["commune"], Role.DIGITAL_TEAM)
    User.objects.filter(pk=user.pk).update(first_name="Lan", last_name="Lò Thị")
    return User.objects.get(pk=user.pk)


# --- a new product in three screens ---------------------------------------------------------------------


def test_a_villager_lists_a_product_in_three_screens_and_the_photo_loses_its_gps(owner_client, producer_a):
    # given the first screen, made for a phone camera
    page = owner_client.get(url("product_new", producer_id=producer_a.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*"' in html
    assert 'capture="environment"' in html
    products_before = Product.objects.count()

    # when the villager sends a phone photo (with GPS), the name and the category
    response = screen_one(owner_client, producer_a)
    # then screen 2 follows; the photo is kept in the commune's collection, no product exists yet
    assert response.status_code == 302
    assert response["Location"] == url("product_new_price", producer_id=producer_a.pk)
    assert Product.objects.count() == products_before
    draft = owner_client.session[DRAFT_SESSION_KEY.format(producer_id=producer_a.pk)]
    image = VillageImage.objects.get(pk=draft["image_id"])
    workspace = CommuneWorkspace.objects.get(translation_key=producer_a.commune.translation_key)
    assert image.collection_id == workspace.collection_id

    # when the price is written the Vietnamese way, with the unit, stock and minimum order
    response = screen_two(owner_client, producer_a)
    assert response.status_code == 302
    assert response["Location"] == url("product_new_details", producer_id=producer_a.pk)
    assert Product.objects.count() == products_before

    # when screen 3 adds the season, the description, an OCOP rating and VietGAP
    response = owner_client.post(
        url("product_new_details", producer_id=producer_a.pk),
        {
            "harvest_months": ["3", "4", "5"],
            "description_vi": "Chè hái từ cây cổ thụ trên 100 năm.",
            "name_en": "Ancient Shan Tuyet tea",
            "ocop_stars": "4",
            "ocop_certificate_number": "OCOP-LC-2024-117",
            "ocop_issued_on": "2024-06-01",
            "ocop_issuing_province": "Lào Cai",
            "certification_vietgap": "on",
            "certification_vietgap_number": "VG-2024-88",
        },
    )
    # then the product exists, waiting for approval, with everything from the three screens
    assert response.status_code == 302
    assert response["Location"] == url("products", producer_id=producer_a.pk)
    product = Product.objects.get(producer=producer_a, name_vi="Chè Shan Tuyết cổ thụ")
    assert (product.review_status, product.price, product.unit, product.stock, product.minimum_order) == (
        ReviewStatus.PENDING,
        350_000,
        "kg",
        20,
        1,
    )
    assert (product.category, product.harvest_months, product.name_en) == (
        "tea",
        [3, 4, 5],
        "Ancient Shan Tuyet tea",
    )
    ocop = OcopRating.objects.get(product=product)
    assert (ocop.stars, ocop.certificate_number, str(ocop.expires_on)) == (
        4,
        "OCOP-LC-2024-117",
        "2027-06-01",
    )
    certification = Certification.objects.get(product=product)
    assert (certification.kind, certification.certificate_number) == ("vietgap", "VG-2024-88")
    # and the stored photo is the re-encoded copy, without the GPS position
    assert list(product.images.values_list("image_id", flat=True)) == [image.pk]
    with image.open_file() as handle, Image.open(handle) as stored:
        assert stored.getexif().get_ifd(GPS_INFO) == {}
    # and the event names the villager, acting for nobody else; the draft is gone
    event = Event.objects.for_subject(product).get(name="market.product.created")
    assert (event.actor_id, event.on_behalf_of_id) == (producer_a.owner_id, None)
    assert DRAFT_SESSION_KEY.format(producer_id=producer_a.pk) not in owner_client.session


@pytest.mark.parametrize(
    ("price", "error"),
    [
        ("-1000", "negative"),
        ("1500.5", "fraction"),
        ("12,50", "fraction"),
        ("0", "min_value"),
        ("mười nghìn", "invalid"),
    ],
)
def test_a_negative_or_fractional_price_is_refused_on_screen_two(owner_client, producer_a, price, error):
    # given screen 1 done
    assert screen_one(owner_client, producer_a).status_code == 302
    products_before = Product.objects.count()
    # when the price is negative, a fraction, zero or words
    response = screen_two(owner_client, producer_a, price=price)
    # then screen 2 comes back with the reason on the price field, linked from the error summary
    assert response.status_code == 400
    html = response.content.decode()
    text = VndField.default_error_messages[error]
    expected = message(text, limit=1) if error == "min_value" else message(text)
    assert expected in html
    assert 'href="#id_price"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_price-help id_price-error"' in html
    # and nothing was created; the draft has no price, so screen 3 sends the villager back
    assert Product.objects.count() == products_before
    assert "price" not in owner_client.session[DRAFT_SESSION_KEY.format(producer_id=producer_a.pk)]
    back = owner_client.get(url("product_new_details", producer_id=producer_a.pk))
    assert back["Location"] == url("product_new_price", producer_id=producer_a.pk)


def test_an_upload_over_10_mb_is_refused_and_nothing_is_stored(owner_client, producer_a):
    # given a real JPEG padded to 11 MB
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, format="JPEG")
    big = SimpleUploadedFile("lon.jpg", buffer.getvalue() + b"\0" * (11 * 1024 * 1024), "image/jpeg")
    images_before, products_before = VillageImage.objects.count(), Product.objects.count()
    # when it is sent on screen 1
    response = screen_one(owner_client, producer_a, photo=big)
    # then screen 1 comes back saying why, and nothing was stored
    assert response.status_code == 400
    assert message(PhotoField.default_error_messages["too_large"], megabytes=10) in response.content.decode()
    assert (VillageImage.objects.count(), Product.objects.count()) == (images_before, products_before)
    assert DRAFT_SESSION_KEY.format(producer_id=producer_a.pk) not in owner_client.session


def test_a_ninth_photo_is_refused_and_the_upload_is_not_kept(owner_client, producer_a, tea):
    # given a product with the 8 photos it may have
    for number in range(MAX_PRODUCT_IMAGES):
        services.add_product_image(
            product=tea, image=factories.make_image(f"Chè {number}"), actor=producer_a.owner
        )
    images_before = VillageImage.objects.count()
    # when a ninth is sent
    response = owner_client.post(
        url("product_photo_add", producer_id=producer_a.pk, product_id=tea.pk), {"photo": phone_photo()}
    )
    # then it is refused with the reason and no image is left behind
    assert response.status_code == 400
    assert (
        message("A product has at most 8 photos. Remove one before adding another.")
        in response.content.decode()
    )
    assert ProductImage.objects.filter(product=tea).count() == MAX_PRODUCT_IMAGES
    assert VillageImage.objects.count() == images_before


def test_a_photo_is_added_to_an_existing_product(owner_client, producer_a, tea):
    response = owner_client.post(
        url("product_photo_add", producer_id=producer_a.pk, product_id=tea.pk), {"photo": phone_photo()}
    )
    assert response.status_code == 302
    photo = ProductImage.objects.get(product=tea)
    with photo.image.open_file() as handle, Image.open(handle) as stored:
        assert stored.getexif().get_ifd(GPS_INFO) == {}


# --- products: list, stock, edit ------------------------------------------------------------------------


def test_the_product_list_shows_status_reason_and_stock_and_updates_stock(
    owner_client, producer_a, tea, site_tree
):
    # given a rejected product next to the approved tea
    honey = make_product(producer_a, "Mật ong bạc hà", category="honey")
    moderator = factories.make_member("mod-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)
    services.review_listing(product=honey, moderator=moderator, approve=False, reason="Ảnh bị mờ")
    # when the villager opens the list
    html = owner_client.get(url("products", producer_id=producer_a.pk)).content.decode()
    # then each shows its status, the rejection reason and a stock form
    assert "badge-approved" in html and "badge-rejected" in html
    assert "Ảnh bị mờ" in html
    assert f'name="stock-{tea.pk}-stock"' in html
    # when the tea's stock is set to 35
    response = owner_client.post(
        url("product_stock", producer_id=producer_a.pk, product_id=tea.pk), {f"stock-{tea.pk}-stock": "35"}
    )
    assert response.status_code == 302
    assert Product.objects.get(pk=tea.pk).stock == 35


def test_a_negative_stock_is_refused_and_nothing_changes(owner_client, producer_a, tea):
    before = row(tea)
    response = owner_client.post(
        url("product_stock", producer_id=producer_a.pk, product_id=tea.pk), {f"stock-{tea.pk}-stock": "-3"}
    )
    assert response.status_code == 400
    assert f'href="#id_stock-{tea.pk}-stock"' in response.content.decode()
    assert row(tea) == before


def test_editing_the_name_sends_the_product_back_to_moderation(owner_client, producer_a, tea):
    # given the edit page of an approved product
    edit_url = url("product_edit", producer_id=producer_a.pk, product_id=tea.pk)
    assert owner_client.get(edit_url).status_code == 200
    data = {
        "name_vi": "Chè Shan Tuyết cổ thụ",
        "category": "tea",
        "price": "360000",
        "unit": "kg",
        "stock": "20",
        "minimum_order": "1",
        "harvest_months": ["4"],
        "ocop_stars": "3",
        "ocop_certificate_number": "OCOP-LC-2023-5",
        "ocop_issued_on": "2023-05-01",
        "ocop_issuing_province": "Lào Cai",
    }
    # when the villager renames it, changes the price and adds its OCOP rating
    response = owner_client.post(edit_url, data)
    # then it is saved and goes back to the commune for approval
    assert response.status_code == 302
    tea.refresh_from_db()
    assert (tea.name_vi, tea.price, tea.harvest_months, tea.review_status) == (
        "Chè Shan Tuyết cổ thụ",
        360_000,
        [4],
        ReviewStatus.PENDING,
    )
    assert OcopRating.objects.get(product=tea).stars == 3
    # and saving the same rating again does not record it twice
    assert owner_client.post(edit_url, {**data, "stock": "19"}).status_code == 302
    assert Event.objects.for_subject(tea).filter(name="market.product.ocop_rated").count() == 1
    assert Product.objects.get(pk=tea.pk).stock == 19


# --- one shop never sees another -----------------------------------------------------------------------


def test_producer_a_cannot_open_or_change_b_s_shop_product_or_order(
    owner_client, producer_a, producer_b, plums, buyer
):
    # given an order at B's shop
    order = place_order(buyer, plums)
    plums_before, order_before, events_before = row(plums), row(order), Event.objects.count()
    # when A tries B's shop, B's product and B's order — through B's shop and through A's own
    attempts_get = [
        url("dashboard", producer_id=producer_b.pk),
        url("products", producer_id=producer_b.pk),
        url("product_edit", producer_id=producer_b.pk, product_id=plums.pk),
        url("product_edit", producer_id=producer_a.pk, product_id=plums.pk),
        url("order_detail", producer_id=producer_b.pk, reference=order.reference),
        url("order_detail", producer_id=producer_a.pk, reference=order.reference),
        url("lots", producer_id=producer_b.pk),
        url("payouts", producer_id=producer_b.pk),
    ]
    attempts_post = [
        (
            url("product_edit", producer_id=producer_a.pk, product_id=plums.pk),
            {
                "name_vi": "Mận",
                "category": "fruit",
                "price": "1",
                "unit": "kg",
                "stock": "0",
                "minimum_order": "1",
            },
        ),
        (
            url("product_stock", producer_id=producer_a.pk, product_id=plums.pk),
            {f"stock-{plums.pk}-stock": "0"},
        ),
        (
            url("product_stock", producer_id=producer_b.pk, product_id=plums.pk),
            {f"stock-{plums.pk}-stock": "0"},
        ),
        (url("order_action", producer_id=producer_a.pk, reference=order.reference, action="accept"), {}),
        (
            url("order_action", producer_id=producer_b.pk, reference=order.reference, action="cancel"),
            {"reason": "x"},
        ),
    ]
    # then every one is "not found", and nothing changed
    for target in attempts_get:
        assert owner_client.get(target).status_code == 404, target
    for target, data in attempts_post:
        assert owner_client.post(target, data).status_code == 404, target
    assert (row(plums), row(order), Event.objects.count()) == (plums_before, order_before, events_before)


def test_an_anonymous_visitor_is_sent_to_log_in(client, producer_a):
    response = client.get(url("dashboard", producer_id=producer_a.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


# --- orders ------------------------------------------------------------------------------------------


def test_a_cash_order_is_accepted_shipped_and_delivered_with_plain_post_buttons(
    owner_client, producer_a, tea, buyer
):
    # given a cash-on-delivery order waiting for the producer
    order = place_order(buyer, tea)
    dashboard = owner_client.get(url("dashboard", producer_id=producer_a.pk)).content.decode()
    assert order.reference in dashboard
    detail_url = url("order_detail", producer_id=producer_a.pk, reference=order.reference)
    # the detail shows what the producer needs to deliver
    html = owner_client.get(detail_url).content.decode()
    for needed in ("Trần Văn Hùng", "+84912345678", "12 Phố Huế", "Hà Nội", "Chè Shan Tuyết"):
        assert needed in html
    # when the producer accepts, ships with a note and marks it delivered
    for action, data, status in [
        ("accept", {}, OrderStatus.CONFIRMED),
        ("ship", {"tracking_note": "Viettel Post 123456"}, OrderStatus.SHIPPED),
        ("deliver", {}, OrderStatus.DELIVERED),
    ]:
        response = owner_client.post(
            url("order_action", producer_id=producer_a.pk, reference=order.reference, action=action), data
        )
        assert response.status_code == 302
        assert response["Location"] == detail_url
        assert Order.objects.get(pk=order.pk).status == status
    # then the order carries the note and the timeline lists every step, done by the owner
    assert Order.objects.get(pk=order.pk).tracking_note == "Viettel Post 123456"
    names = list(Event.objects.for_subject(order).order_by("id").values_list("name", "actor_id"))
    assert names == [
        ("market.order.placed", buyer.pk),
        ("market.order.confirmed", producer_a.owner_id),
        ("market.order.shipped", producer_a.owner_id),
        ("market.order.delivered", producer_a.owner_id),
    ]
    timeline = owner_client.get(detail_url).content.decode()
    with translation.override("vi"):
        for label in ("Order placed", "Confirmed", "Shipped", "Delivered"):
            assert escape(translation.gettext(label)) in timeline


def test_an_illegal_action_shows_the_service_message_and_changes_nothing(
    owner_client, producer_a, tea, buyer
):
    # given a shipped order
    order = place_order(buyer, tea)
    owner = producer_a.owner
    order = services.ship_order(order=services.accept_cash_order(order=order, actor=owner), actor=owner)
    before, events_before = row(order), Event.objects.count()
    # when the producer presses "accept" again (an old page) and "cancel"
    accept = owner_client.post(
        url("order_action", producer_id=producer_a.pk, reference=order.reference, action="accept")
    )
    cancel = owner_client.post(
        url("order_action", producer_id=producer_a.pk, reference=order.reference, action="cancel"),
        {"reason": "Hết hàng"},
    )
    # then each page says what the service says (in the page's language), and nothing changed
    with translation.override("vi"), pytest.raises(MarketError) as refused_accept:
        services.accept_cash_order(order=order, actor=owner)
    with translation.override("vi"), pytest.raises(MarketError) as refused_cancel:
        services.cancel_order(order=order, actor=owner, reason="Hết hàng", as_buyer=False)
    assert refused_accept.value.code == refused_cancel.value.code == MarketErrorCode.ILLEGAL_TRANSITION
    assert accept.status_code == 409
    assert escape(refused_accept.value.message) in accept.content.decode()
    assert cancel.status_code == 409
    assert escape(refused_cancel.value.message) in cancel.content.decode()
    assert (row(order), Event.objects.count()) == (before, events_before)


def test_cancelling_needs_a_reason(owner_client, producer_a, tea, buyer):
    order = place_order(buyer, tea)
    before = row(order)
    response = owner_client.post(
        url("order_action", producer_id=producer_a.pk, reference=order.reference, action="cancel"),
        {"reason": ""},
    )
    assert response.status_code == 400
    assert 'href="#id_reason"' in response.content.decode()
    assert row(order) == before


# --- assisted mode ------------------------------------------------------------------------------------


def test_a_team_member_without_consent_does_not_see_the_shop(client, helper, producer_a, tea, buyer):
    # given a team member of the commune whom the household did not ask for help
    order = place_order(buyer, tea)
    before, events_before = row(order), Event.objects.count()
    client.force_login(helper)
    # then the shop is not listed, its pages are not found and its orders cannot be touched
    index = client.get(url("index"))
    assert producer_a.name not in index.content.decode()
    assert client.get(url("dashboard", producer_id=producer_a.pk)).status_code == 404
    response = client.post(
        url("order_action", producer_id=producer_a.pk, reference=order.reference, action="accept")
    )
    assert response.status_code == 404
    assert (row(order), Event.objects.count()) == (before, events_before)


def test_with_consent_the_team_member_acts_for_the_household_and_both_are_recorded(
    client, helper, owner_a, producer_a, tea, buyer, site_tree
):
    # given the household's consent
    User.objects.filter(pk=owner_a.pk).update(first_name="Mai", last_name="Sùng Thị")
    grant_consent(household=owner_a, helper=helper, commune=site_tree["a"]["commune"], scope="shop")
    order = place_order(buyer, tea)
    client.force_login(helper)
    # then the shop is listed, and every page says for whom the helper acts
    assert producer_a.name in client.get(url("index")).content.decode()
    banner = message("You are acting for %(household)s", household="Sùng Thị Mai").replace("%%", "%")
    for name, kwargs in [
        ("dashboard", {}),
        ("products", {}),
        ("orders", {}),
        ("order_detail", {"reference": order.reference}),
        ("lots", {}),
        ("product_new", {}),
    ]:
        page = client.get(url(name, producer_id=producer_a.pk, **kwargs))
        assert page.status_code == 200, name
        assert banner in page.content.decode(), name
    # when the helper accepts the order
    response = client.post(
        url("order_action", producer_id=producer_a.pk, reference=order.reference, action="accept")
    )
    # then it is accepted, recorded as done by the helper on behalf of the household
    assert response.status_code == 302
    event = Event.objects.for_subject(order).get(name="market.order.confirmed")
    assert (event.actor_id, event.on_behalf_of_id) == (helper.pk, owner_a.pk)
    timeline = client.get(url("order_detail", producer_id=producer_a.pk, reference=order.reference))
    assert message("by %(actor)s for %(household)s", actor="Lò Thị Lan", household="Sùng Thị Mai") in (
        timeline.content.decode()
    )


def test_a_team_member_opens_a_shop_for_a_consenting_household(client, helper, site_tree):
    # given a household registered as a producer of commune A that consented to help
    household = factories.make_member("cu@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    User.objects.filter(pk=household.pk).update(first_name="Cư", last_name="Giàng A")
    grant_consent(household=household, helper=helper, commune=site_tree["a"]["commune"], scope="shop")
    client.force_login(helper)
    create_url = url("create_for", household_id=household.pk)
    assert create_url in client.get(url("index")).content.decode()
    # the account name is suggested from the household's name, as the bank prints it
    assert 'value="GIANG A CU"' in client.get(create_url).content.decode()
    # when the helper fills the profile
    response = client.post(
        create_url,
        {
            "name": "Hộ Giàng A Cư",
            "kind": "household",
            "commune": site_tree["a"]["commune"].pk,
            "village": site_tree["a"]["village"].pk,
            "bank_bin": "970405",
            "bank_account_number": "1234567890",
            "bank_account_name": "GIANG A CU",
            "offers_pickup": "on",
            "delivery_fee_north": "30.000",
            "accepts_cash_on_delivery": "on",
        },
    )
    # then the household owns a pending shop, and the event records both people
    assert response.status_code == 302
    producer = Producer.objects.get(owner=household)
    assert (producer.review_status, producer.village_id, producer.delivery_fee_north) == (
        ReviewStatus.PENDING,
        site_tree["a"]["village"].pk,
        30_000,
    )
    event = Event.objects.for_subject(producer).get(name="market.producer.created")
    assert (event.actor_id, event.on_behalf_of_id) == (helper.pk, household.pk)


# --- profile ------------------------------------------------------------------------------------------


def test_a_new_villager_opens_a_shop_that_waits_for_approval_and_sees_a_rejection(client, site_tree):
    # given a villager registered as a producer in commune A, without a shop
    villager = factories.make_member("sua@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    User.objects.filter(pk=villager.pk).update(first_name="Súa", last_name="Vàng Thị")
    client.force_login(villager)
    # then /my/shop/ leads to the profile form, with the common banks to choose from
    assert client.get(url("index"))["Location"] == url("create")
    html = client.get(url("create", "en")).content.decode()
    assert '<option value="970436">Vietcombank</option>' in html
    assert 'value="VANG THI SUA"' in html
    producers_before = Producer.objects.count()
    # when the villager sends a bank account name with accents
    data = {
        "name": "Hộ Vàng Thị Súa",
        "kind": "household",
        "commune": site_tree["a"]["commune"].pk,
        "bank_bin": "970405",
        "bank_account_number": "1234567890",
        "bank_account_name": "Vàng Thị Súa",
        "offers_pickup": "on",
        "accepts_cash_on_delivery": "on",
    }
    refused = client.post(url("create"), data)
    # then it is refused on that field, and nothing is created
    assert refused.status_code == 400
    assert 'href="#id_bank_account_name"' in refused.content.decode()
    assert Producer.objects.count() == producers_before
    # when it is written as the bank prints it
    response = client.post(url("create"), {**data, "bank_account_name": "VANG THI SUA"})
    producer = Producer.objects.get(owner=villager)
    assert response["Location"] == url("dashboard", producer_id=producer.pk)
    with translation.override("vi"):
        pending = translation.gettext(
            "Your shop is waiting for the commune's approval. You can already add products; buyers see them "
            "once the shop and the products are approved."
        )
    assert pending in client.get(response["Location"]).content.decode()
    # when the commune rejects it
    moderator = factories.make_member("mod-a@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)
    services.review_producer(
        producer=producer, moderator=moderator, approve=False, reason="Thiếu ảnh vườn chè"
    )
    # then the dashboard says so, with the reason
    assert "Thiếu ảnh vườn chè" in client.get(response["Location"]).content.decode()


def test_a_user_who_is_not_a_producer_cannot_open_a_shop(client, site_tree, buyer):
    client.force_login(buyer)
    producers_before = Producer.objects.count()
    assert client.get(url("create")).status_code == 403
    response = client.post(
        url("create"), {"name": "X", "kind": "household", "commune": site_tree["a"]["commune"].pk}
    )
    assert response.status_code == 403
    assert Producer.objects.count() == producers_before


# --- lots and payouts ---------------------------------------------------------------------------------


def test_a_lot_is_recorded_with_its_traceability_page_and_label(owner_client, producer_a, tea):
    response = owner_client.post(
        url("lots", producer_id=producer_a.pk),
        {"product": tea.pk, "code": "2025-XUAN-01", "harvested_on": "2025-03-20", "quantity": "40"},
    )
    assert response.status_code == 302
    lot = Lot.objects.get(product=tea)
    html = owner_client.get(url("lots", producer_id=producer_a.pk)).content.decode()
    assert f'href="/vi/market/lots/{lot.public_id}/"' in html
    assert f'href="/vi/market/lots/{lot.public_id}/label/"' in html
    # the same number twice is refused on the field
    again = owner_client.post(
        url("lots", producer_id=producer_a.pk), {"product": tea.pk, "code": "2025-XUAN-01"}
    )
    assert again.status_code == 400
    assert 'href="#id_code"' in again.content.decode()
    assert Lot.objects.filter(product=tea).count() == 1


def test_what_you_are_owed_shows_the_balance_and_downloads_the_statement(owner_client, producer_a):
    page = owner_client.get(url("payouts", producer_id=producer_a.pk))
    assert page.status_code == 200
    assert "0 ₫" in page.content.decode()
    response = owner_client.get(
        url("payouts", producer_id=producer_a.pk), {"start": "2025-01-01", "end": "2025-01-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().splitlines()[1].startswith("2025-01-01,opening_balance")
    # a period that ends before it starts is refused on the form
    refused = owner_client.get(
        url("payouts", producer_id=producer_a.pk), {"start": "2025-02-01", "end": "2025-01-01"}
    )
    assert refused.status_code == 400
    assert message("The period ends before it starts.") in refused.content.decode()


# --- pages without JavaScript, accessible forms ----------------------------------------------------------


class FormAudit(HTMLParser):
    """Collect forms, their controls and labels, to check they work as plain HTML."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.labels_for: set[str] = set()
        self.controls: list[dict] = []
        self.in_form = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = {"method": attributes.get("method", "get"), "fields": [], "submit": False}
            self.forms.append(self.in_form)
        elif tag == "label" and attributes.get("for"):
            self.labels_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            if self.in_form is not None:
                self.in_form["fields"].append(attributes.get("name"))
            if attributes.get("type") not in ("hidden", "submit"):
                self.controls.append(attributes)
            if attributes.get("type") == "submit" and self.in_form is not None:
                self.in_form["submit"] = True
        elif tag == "button" and self.in_form is not None and attributes.get("type", "submit") == "submit":
            self.in_form["submit"] = True
        if any(name.startswith("on") for name in attributes):
            raise AssertionError(f"inline script handler on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = None


def test_every_page_works_without_javascript_and_labels_every_control(owner_client, producer_a, tea, buyer):
    order = place_order(buyer, tea)
    assert screen_one(owner_client, producer_a).status_code == 302
    pages = [
        url("dashboard", producer_id=producer_a.pk),
        url("profile", producer_id=producer_a.pk),
        url("products", producer_id=producer_a.pk),
        url("product_edit", producer_id=producer_a.pk, product_id=tea.pk),
        url("product_new", producer_id=producer_a.pk),
        url("product_new_price", producer_id=producer_a.pk),
        url("orders", producer_id=producer_a.pk),
        url("order_detail", producer_id=producer_a.pk, reference=order.reference),
        url("lots", producer_id=producer_a.pk),
        url("payouts", producer_id=producer_a.pk),
        url("dashboard", "en", producer_id=producer_a.pk),
    ]
    for page_url in pages:
        response = owner_client.get(page_url)
        assert response.status_code == 200, page_url
        html = response.content.decode()
        assert f'<html lang="{page_url[1:3]}">' in html
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        audit = FormAudit()
        audit.feed(html)
        shop_forms = [form for form in audit.forms if "q" not in form["fields"]]  # not the site search
        assert shop_forms or "/orders/" not in page_url, page_url
        for form in shop_forms:
            assert form["method"] in ("get", "post"), page_url
            assert form["submit"], page_url
            if form["method"] == "post":
                assert "csrfmiddlewaretoken" in form["fields"], page_url
        for control in audit.controls:
            if control.get("name") == "q":
                continue
            assert control.get("id") in audit.labels_for, (page_url, control)


def test_list_pages_run_the_same_number_of_queries_for_one_row_and_for_five(
    owner_client, producer_a, tea, buyer
):
    def queries(page_url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(page_url).status_code == 200
        return len(captured)

    products_url, orders_url = (
        url("products", producer_id=producer_a.pk),
        url("orders", producer_id=producer_a.pk),
    )
    place_order(buyer, tea, quantity=1)
    queries(products_url), queries(orders_url)  # the first request fills the site's settings and caches
    one = (queries(products_url), queries(orders_url))
    for number in range(4):
        product = make_product(producer_a, f"Chè số {number}")
        place_order(buyer, product, quantity=1)
    assert (queries(products_url), queries(orders_url)) == one


def test_a_bank_account_is_given_whole_or_not_at_all(client, site_tree):
    villager = factories.make_member("sua@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    client.force_login(villager)
    producers_before = Producer.objects.count()
    base = {"name": "Hộ Súa", "kind": "household", "commune": site_tree["a"]["commune"].pk}
    # an account number without the bank is refused on the bank
    refused = client.post(
        url("create"), {**base, "bank_account_number": "1234567890", "bank_account_name": "SUA"}
    )
    assert refused.status_code == 400
    assert 'href="#id_bank_bin"' in refused.content.decode()
    assert Producer.objects.count() == producers_before
    # the suggested account name alone is not an account: the shop opens without one
    response = client.post(url("create"), {**base, "bank_account_name": "SUA"})
    assert response.status_code == 302
    producer = Producer.objects.get(owner=villager)
    assert (producer.bank_bin, producer.bank_account_number, producer.bank_account_name) == ("", "", "")


def test_the_producer_confirms_a_bank_transfer_that_arrived_in_their_account(
    owner_client, producer_a, tea, buyer
):
    # given a VietQR order to the producer's own account, waiting for the transfer
    from market.services import payments as order_payments
    from payments.models import PaymentStatus

    order = place_order(buyer, tea, payment_method="vietqr")
    order_payments.start_checkout_payment(checkout=order.checkout, success_url="", cancel_url="")
    detail_url = url("order_detail", producer_id=producer_a.pk, reference=order.reference)
    paid_url = url("order_action", producer_id=producer_a.pk, reference=order.reference, action="paid")
    assert f'action="{paid_url}"' in owner_client.get(detail_url).content.decode()
    # when the producer says the money arrived
    response = owner_client.post(paid_url)
    # then the payment succeeded and the order is confirmed
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert order_payments.payment_for(order).status == PaymentStatus.SUCCEEDED
    # and saying it twice is refused with nothing changed
    before = row(order)
    again = owner_client.post(paid_url)
    assert again.status_code == 409
    assert row(order) == before


def test_a_cash_order_has_no_transfer_button(owner_client, producer_a, tea, buyer):
    order = place_order(buyer, tea)
    detail_url = url("order_detail", producer_id=producer_a.pk, reference=order.reference)
    paid_url = url("order_action", producer_id=producer_a.pk, reference=order.reference, action="paid")
    assert paid_url not in owner_client.get(detail_url).content.decode()
    response = owner_client.post(paid_url)
    assert response.status_code == 409
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
