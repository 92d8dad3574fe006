"""Photos of stays and experiences: the host uploads them from a phone (``/my/stays/``), the services keep
at most eight in order, and tourists see them on the cards and the listing's page through WebP renditions
only — never the original file, whose location (GPS) data is gone anyway.

Refused uploads (not an image, too big, an SVG, a renamed executable, one photo too many) come back on
the field with status 400 and leave nothing behind: no listing photo, no image, no file.
"""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from accounts.models import User
from core.models import Event
from tests import factories
from tourism.exceptions import TourismError, TourismErrorCode
from tourism.models import MAXIMUM_SERVICE_PHOTOS, ServiceImage
from tourism.services import listings
from village.images import PhotoField
from village.models import CommuneWorkspace, VillageImage

from .conftest import make_stay
from .test_host_pages import FormAudit

GPS_INFO = 0x8825
GPS_POSITION = {1: "N", 2: (22.0, 20.0, 30.0), 3: "E", 4: (103.0, 50.0, 0.0)}
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
IMG = re.compile(r"<img [^>]*>")


# --- helpers -----------------------------------------------------------------------------------------


def url(name: str, language: str = "vi", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"host:{name}", kwargs=kwargs)


def message(text, language: str = "vi", **params) -> str:
    """A message as the page shows it: translated and HTML-escaped."""
    with translation.override(language):
        translated = translation.gettext(text) if isinstance(text, str) else str(text)
        rendered = translated % params if params else translated
    return escape(rendered)


def phone_photo(name: str = "nha-san.jpg", size=(160, 120)) -> SimpleUploadedFile:
    """A JPEG as a phone takes it, with the GPS position of the house in its EXIF."""
    exif = Image.Exif()
    exif[GPS_INFO] = GPS_POSITION
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 160)).save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def collection_of(service):
    return CommuneWorkspace.objects.get(translation_key=service.commune.translation_key).collection


def add_photo(service, title: str = "Ảnh", colour=(30, 120, 60), size=(400, 300)) -> ServiceImage:
    image = factories.make_image(title, collection_of(service), size=size, colour=colour)
    return listings.add_service_photo(service=service, image=image, actor=service.host.owner)


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def snapshot(service) -> tuple:
    return (
        list(ServiceImage.objects.filter(service=service).values_list("pk", "image_id", "position")),
        VillageImage.objects.count(),
        Event.objects.count(),
    )


def images_of(html: str) -> list[str]:
    return IMG.findall(html)


def structured_data(html: str) -> dict:
    return json.loads(JSONLD.search(html).group(1))


@pytest.fixture
def owner_client(client, host_owner):
    User.objects.filter(pk=host_owner.pk).update(first_name="Páo", last_name="Sùng A")
    client.force_login(host_owner)
    return client


# --- the services ------------------------------------------------------------------------------------


def test_photos_are_added_in_order_and_each_addition_is_an_event(stay, host_owner):
    # when the host adds two photos
    first, second = add_photo(stay, "Nhà sàn"), add_photo(stay, "Ruộng bậc thang")
    # then they keep the order they came in, and each addition was recorded with its actor
    assert list(stay.images.values_list("pk", "position")) == [(first.pk, 0), (second.pk, 1)]
    events = Event.objects.filter(name="tourism.service.photo_added", subject_id=str(stay.pk))
    assert events.count() == 2
    assert {event.actor_id for event in events} == {host_owner.pk}
    assert {event.commune_id for event in events} == {stay.commune_id}


def test_a_ninth_photo_is_refused_and_nothing_is_written(stay):
    # given a listing with the eight photos it may have
    for number in range(MAXIMUM_SERVICE_PHOTOS):
        add_photo(stay, f"Ảnh {number}")
    image = factories.make_image("Ảnh thừa", collection_of(stay))
    before = snapshot(stay)
    # when a ninth is added
    with pytest.raises(TourismError) as refused:
        listings.add_service_photo(service=stay, image=image, actor=stay.host.owner)
    # then it is refused with its code, on the image, and nothing changed
    assert (refused.value.code, refused.value.field) == (TourismErrorCode.TOO_MANY_PHOTOS, "image")
    assert snapshot(stay) == before


def test_another_host_cannot_add_or_remove_a_listings_photos(stay, other_host_owner):
    photo = add_photo(stay)
    image = factories.make_image("Ảnh lạ", collection_of(stay))
    before = snapshot(stay)
    with pytest.raises(TourismError) as adding:
        listings.add_service_photo(service=stay, image=image, actor=other_host_owner)
    with pytest.raises(TourismError) as removing:
        listings.remove_service_photo(photo=photo, actor=other_host_owner)
    assert adding.value.code == removing.value.code == TourismErrorCode.NOT_ALLOWED
    assert snapshot(stay) == before


def test_removing_a_photo_deletes_its_image_and_moves_the_next_ones_up(stay, host_owner):
    # given three photos
    first, middle, last = (add_photo(stay, f"Ảnh {number}") for number in range(3))
    # when the middle one is removed
    listings.remove_service_photo(photo=middle, actor=host_owner)
    # then it and its image are gone, the last one moved up, and the removal was recorded
    assert list(stay.images.values_list("pk", "position")) == [(first.pk, 0), (last.pk, 1)]
    assert not VillageImage.objects.filter(pk=middle.image_id).exists()
    assert Event.objects.filter(name="tourism.service.photo_removed", subject_id=str(stay.pk)).count() == 1
    # and removing it again (the same form sent twice) changes nothing
    listings.remove_service_photo(photo=middle, actor=host_owner)
    assert list(stay.images.values_list("pk", "position")) == [(first.pk, 0), (last.pk, 1)]


def test_a_photo_a_commune_page_also_uses_keeps_its_image(stay, host_owner, site_tree):
    # given a photo a commune editor also chose as the commune page's picture
    photo = add_photo(stay, "Bản Tả Van")
    commune = site_tree["a"]["commune"]
    commune.hero_image = photo.image
    commune.save_revision().publish()
    # when the host removes it from the listing
    listings.remove_service_photo(photo=photo, actor=host_owner)
    # then the listing has no photo, but the commune page keeps its picture
    assert not stay.images.exists()
    assert VillageImage.objects.filter(pk=photo.image_id).exists()


# --- the host area -----------------------------------------------------------------------------------


def test_a_host_adds_a_phone_photo_which_loses_its_gps_and_is_shown_as_a_rendition(owner_client, host, stay):
    # when the host sends a phone photo (with the GPS position of the house)
    response = owner_client.post(
        url("photo_add", host_id=host.pk, service_id=stay.pk), {"photo": phone_photo()}
    )
    # then the listing has it, kept in the commune's own collection
    assert response.status_code == 302
    assert response["Location"] == url("service_edit", host_id=host.pk, service_id=stay.pk)
    photo = ServiceImage.objects.select_related("image").get(service=stay)
    assert photo.position == 0
    assert photo.image.collection_id == collection_of(stay).pk
    assert photo.image.uploaded_by_user_id == host.owner_id
    # and the stored copy is the re-encoded one, without the GPS position
    with photo.image.open_file() as handle, Image.open(handle) as stored:
        assert stored.getexif().get_ifd(GPS_INFO) == {}
        assert stored.size == (160, 120)
    # and the listing's page shows it as a WebP rendition with a remove button, never the original file
    html = owner_client.get(response["Location"]).content.decode()
    (thumbnail,) = [tag for tag in images_of(html) if "srcset=" in tag]
    assert ".webp" in thumbnail and 'alt="Homestay Sùng A Páo, ' in thumbnail
    assert "original_images/" not in html and photo.image.file.url not in html
    assert url("photo_remove", host_id=host.pk, service_id=stay.pk, photo_id=photo.pk) in html


def test_the_upload_form_takes_a_photo_from_the_camera_without_javascript(owner_client, host, stay):
    add_photo(stay)
    html = owner_client.get(url("service_edit", host_id=host.pk, service_id=stay.pk)).content.decode()
    photo_input = re.search(r'<input type="file" name="photo"[^>]*>', html).group(0)
    assert 'accept="image/*"' in photo_input and 'capture="environment"' in photo_input
    assert 'enctype="multipart/form-data"' in html
    audit = FormAudit()
    audit.feed(html)
    post_forms = [form for form in audit.forms if form["method"] == "post"]
    assert len(post_forms) == 3  # remove the photo, add a photo, the listing's details
    assert all(form["submit"] and "csrfmiddlewaretoken" in form["fields"] for form in post_forms)
    assert all(control.get("id") in audit.labels_for for control in audit.controls)


def _big_jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, format="JPEG")
    return SimpleUploadedFile("lon.jpg", buffer.getvalue() + b"\0" * (11 * 1024 * 1024), "image/jpeg")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
UNREADABLE = "This file is not a readable image."


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (lambda: _big_jpeg(), (PhotoField.default_error_messages["too_large"], {"megabytes": 10})),
        (lambda: SimpleUploadedFile("logo.svg", SVG, "image/svg+xml"), (UNREADABLE, {})),
        (
            lambda: SimpleUploadedFile("anh.jpg", b"MZ\x90\x00\x03" + b"\0" * 200, "image/jpeg"),
            (UNREADABLE, {}),
        ),
        (lambda: SimpleUploadedFile("ghi-chu.txt", "Nhà sàn".encode(), "text/plain"), (UNREADABLE, {})),
    ],
    ids=["11-mb", "svg", "renamed-exe", "text"],
)
def test_a_file_that_is_not_an_acceptable_photo_is_refused_on_the_field_and_nothing_is_stored(
    owner_client, host, stay, upload, expected
):
    add_photo(stay)
    owner_client.get(url("service_edit", host_id=host.pk, service_id=stay.pk))  # its thumbnails are made
    before, files_before = snapshot(stay), stored_files()
    # when the host sends it
    response = owner_client.post(url("photo_add", host_id=host.pk, service_id=stay.pk), {"photo": upload()})
    # then the page comes back with the reason on the photo field, and nothing was stored
    assert response.status_code == 400
    html = response.content.decode()
    text, params = expected
    assert message(text, **params) in html
    assert 'id="id_photo-error"' in html and 'href="#id_photo"' in html
    assert snapshot(stay) == before
    assert stored_files() == files_before


def test_a_ninth_photo_is_refused_on_the_field_and_its_upload_is_not_kept(
    owner_client, host, stay, django_capture_on_commit_callbacks
):
    # given a listing with the eight photos it may have (the page then offers no upload)
    for number in range(MAXIMUM_SERVICE_PHOTOS):
        add_photo(stay, f"Ảnh {number}")
    page = owner_client.get(url("service_edit", host_id=host.pk, service_id=stay.pk)).content.decode()
    assert 'name="photo"' not in page
    before, files_before = snapshot(stay), stored_files()
    # when a ninth is sent anyway
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            url("photo_add", host_id=host.pk, service_id=stay.pk), {"photo": phone_photo()}
        )
    # then it is refused with the reason on the field, and no image or file is left behind
    assert response.status_code == 400
    html = response.content.decode()
    assert message("A listing has at most 8 photos. Remove one before adding another.") in html
    assert 'id="id_photo-error"' in html
    assert snapshot(stay) == before
    assert stored_files() == files_before


def test_another_host_gets_not_found_and_changes_nothing(owner_client, host, stay, other_host):
    # given the other host's stay with a photo
    other_stay = make_stay(other_host, "Nhà nghỉ Lan")
    photo = add_photo(other_stay)
    mine = add_photo(stay)
    before = (snapshot(other_stay), snapshot(stay))
    attempts = [
        (url("photo_add", host_id=other_host.pk, service_id=other_stay.pk), {"photo": phone_photo()}),
        (url("photo_add", host_id=host.pk, service_id=other_stay.pk), {"photo": phone_photo()}),
        (url("photo_remove", host_id=other_host.pk, service_id=other_stay.pk, photo_id=photo.pk), {}),
        (url("photo_remove", host_id=host.pk, service_id=other_stay.pk, photo_id=photo.pk), {}),
        (url("photo_remove", host_id=host.pk, service_id=stay.pk, photo_id=photo.pk), {}),
        (url("photo_remove", host_id=other_host.pk, service_id=other_stay.pk, photo_id=mine.pk), {}),
    ]
    for target, data in attempts:
        assert owner_client.post(target, data).status_code == 404, target
    assert (snapshot(other_stay), snapshot(stay)) == before


def test_the_host_removes_a_photo_with_a_post_button(owner_client, host, stay):
    first, second = add_photo(stay, "Ảnh 1"), add_photo(stay, "Ảnh 2")
    target = url("photo_remove", host_id=host.pk, service_id=stay.pk, photo_id=first.pk)
    assert owner_client.get(target).status_code == 405  # never by following a link
    response = owner_client.post(target)
    assert response.status_code == 302
    assert list(stay.images.values_list("pk", "position")) == [(second.pk, 0)]
    assert not VillageImage.objects.filter(pk=first.image_id).exists()


# --- the tourist's pages -----------------------------------------------------------------------------


def test_a_card_shows_the_first_photo_as_a_webp_rendition(client, stay):
    first = add_photo(stay, "Nhà sàn")
    add_photo(stay, "Ruộng")
    html = client.get("/en/stays/").content.decode()
    card = re.search(r'<li class="card service-card">.*?</li>', html, re.S).group(0)
    (image,) = images_of(card)
    assert "srcset=" in image and 'class="card-image"' in image and 'loading="lazy"' in image
    assert re.findall(r"/media/images/[^ \"]+\.webp", image)
    assert "original_images/" not in html and first.image.file.url not in html


def test_a_card_without_photo_shows_no_image(client, stay):
    html = client.get("/en/stays/").content.decode()
    card = re.search(r'<li class="card service-card">.*?</li>', html, re.S).group(0)
    assert images_of(card) == []


def test_the_service_page_shows_a_gallery_of_webp_renditions(client, stay):
    # given a stay with three photos
    photos = [
        add_photo(stay, f"Ảnh {number}", colour=(40 * number, 90, 60), size=(1600, 1200))
        for number in range(3)
    ]
    # when a tourist opens its page
    html = client.get(f"/en/stays/{stay.slug}/").content.decode()
    gallery = re.search(r'<ul class="service-gallery".*?</ul>', html, re.S).group(0)
    images = images_of(gallery)
    # then the first photo is large and loads at once; the others are lazy thumbnails
    assert len(images) == 3
    assert 'class="gallery-image"' in images[0] and "loading=" not in images[0]
    assert 'fetchpriority="high"' in images[0]
    assert all(f"{width}w" in images[0] for width in (480, 960, 1440))
    assert all(f"{width}w" in tag for tag in images[1:] for width in (160, 320))
    assert all('class="gallery-thumbnail"' in tag and 'loading="lazy"' in tag for tag in images[1:])
    assert [re.search(r'alt="([^"]*)"', tag).group(1) for tag in images] == [
        "Homestay Sùng A Páo, photo 1",
        "Homestay Sùng A Páo, photo 2",
        "Homestay Sùng A Páo, photo 3",
    ]
    assert all("srcset=" in tag and ".webp" in tag for tag in images)
    # and no original file is ever linked or shown
    assert "original_images/" not in html
    assert not any(photo.image.file.url in html for photo in photos)


def test_the_photo_alt_text_is_escaped_once(client, stay):
    stay.title_en = 'Mây & "Gió" homestay'
    stay.save(update_fields=["title_en"])
    add_photo(stay)
    html = client.get(f"/en/stays/{stay.slug}/").content.decode()
    assert 'alt="Mây &amp; &quot;Gió&quot; homestay, photo 1"' in html


def test_the_stay_json_ld_lists_its_photos_as_absolute_rendition_addresses(client, stay):
    add_photo(stay, "Ảnh 1")
    add_photo(stay, "Ảnh 2")
    data = structured_data(client.get(f"/en/stays/{stay.slug}/").content.decode())
    assert data["@type"] == "LodgingBusiness"
    assert len(data["image"]) == 2
    assert all(
        re.fullmatch(r"http://testserver/media/images/[^/]+\.webp", address) for address in data["image"]
    )
    assert len(set(data["image"])) == 2


def test_the_experience_json_ld_lists_its_photos_and_a_listing_without_photos_has_none(
    client, experience, stay
):
    add_photo(experience)
    data = structured_data(client.get(f"/en/stays/{experience.slug}/").content.decode())
    attraction = data["@graph"][0]
    assert attraction["@type"] == "TouristAttraction"
    assert len(attraction["image"]) == 1 and attraction["image"][0].endswith(".webp")
    assert "image" not in structured_data(client.get(f"/en/stays/{stay.slug}/").content.decode())


def test_the_search_page_runs_the_same_queries_for_one_and_ten_services_with_photos(client, host, stay):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries.captured_queries)

    add_photo(stay, "Ảnh 0")
    url = "/vi/stays/?guests=2"
    client.get(url)  # warm the per-process caches and make the card renditions once
    one = count(url)
    for number in range(2, 11):
        add_photo(make_stay(host, f"Homestay số {number}"), f"Ảnh {number}")
    client.get(url)  # the new photos' renditions are made once
    assert count(url) == one
    assert client.get(url).content.decode().count('class="card-image"') == 10
