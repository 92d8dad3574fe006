"""Safe image uploads: size and pixel limits, allowed formats only, orientation applied, GPS removed.

Uploads go through the Wagtail admin's "add image" view as commune A's editor; refused uploads show
the reason on the form and create nothing.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from village.images import HEIF_SUPPORTED, sanitize_image
from village.models import CommuneWorkspace, VillageImage

ORIENTATION = 0x0112
GPS_INFO = 0x8825
ROTATED_90_CLOCKWISE = 6
GPS_POSITION = {1: "N", 2: (22.0, 20.0, 30.0), 3: "E", 4: (103.0, 50.0, 0.0)}


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def phone_photo_exif() -> bytes:
    """EXIF as a phone writes it: the GPS position and "rotate 90° to display"."""
    exif = Image.Exif()
    exif[ORIENTATION] = ROTATED_90_CLOCKWISE
    exif[GPS_INFO] = GPS_POSITION
    return exif.tobytes()


def landscape(size=(120, 80)) -> Image.Image:
    """A picture whose left half is red and right half blue, so a rotation is visible in the pixels."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    return image


def can_write_heif() -> bool:
    if not HEIF_SUPPORTED:
        return False
    try:
        encode(Image.new("RGB", (8, 8)), "HEIF")
    except (KeyError, OSError, ValueError):
        return False
    return True


@pytest.fixture
def collection_a(site_tree):
    return CommuneWorkspace.objects.get(translation_key=site_tree["a"]["commune"].translation_key).collection


@pytest.fixture
def upload(client, editor_a, collection_a):
    """Post one file to the admin's "add image" view as editor A, into commune A's collection."""
    client.force_login(editor_a)

    def post(name: str, data: bytes, content_type: str = "image/jpeg"):
        return client.post(
            reverse("wagtailimages:add"),
            {
                "title": "Ảnh tải lên",
                "alt_text": "Ảnh tải lên",
                "collection": collection_a.pk,
                "file": SimpleUploadedFile(name, data, content_type=content_type),
            },
        )

    return post


def assert_refused_upload(response, code: str, images_before: int) -> None:
    """The form comes back with the reason on the file field, and no image was stored."""
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["file"]
    assert [error.code for error in errors] == [code]
    message = response.context["form"].errors["file"][0]
    assert escape(message) in response.content.decode()
    assert VillageImage.objects.count() == images_before


# --- refused uploads --------------------------------------------------------------------------------


def test_a_file_over_10_mb_is_refused(upload):
    # given a real JPEG padded to 11 MB
    images_before = VillageImage.objects.count()
    data = encode(Image.new("RGB", (32, 32)), "JPEG") + b"\0" * (11 * 1024 * 1024)
    # when it is uploaded
    response = upload("anh-lon.jpg", data)
    # then it is refused as too big
    assert_refused_upload(response, "file_too_large", images_before)


def test_a_50_megapixel_image_is_refused(upload):
    # given a small file that decodes to 8000 x 6250 = 50 million pixels (limit: 40 million)
    images_before = VillageImage.objects.count()
    data = encode(Image.new("L", (8000, 6250)), "PNG")
    assert len(data) < 1024 * 1024
    # when it is uploaded
    response = upload("panorama.png", data, "image/png")
    # then it is refused for its pixel count
    assert_refused_upload(response, "file_too_many_pixels", images_before)


def test_an_svg_is_refused(upload):
    # given an SVG (it can carry scripts)
    images_before = VillageImage.objects.count()
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )
    # when it is uploaded
    response = upload("logo.svg", svg, "image/svg+xml")
    # then it is refused as a format that is not accepted
    assert_refused_upload(response, "invalid_image_extension", images_before)


def test_a_program_renamed_to_jpg_is_refused(upload):
    # given a Windows program named like a photo
    images_before = VillageImage.objects.count()
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)) * 40
    # when it is uploaded
    response = upload("photo.jpg", program)
    # then it is refused as not an image
    assert_refused_upload(response, "invalid_image", images_before)


def test_a_png_inside_a_jpg_name_is_refused(upload):
    # given a PNG whose name says JPEG
    images_before = VillageImage.objects.count()
    # when it is uploaded
    response = upload("photo.jpg", encode(Image.new("RGB", (20, 20)), "PNG"))
    # then the mismatch is refused
    assert_refused_upload(response, "invalid_image_known_format", images_before)


# --- accepted uploads are cleaned -----------------------------------------------------------------


def test_a_phone_photo_is_stored_upright_and_without_its_gps_position(upload, collection_a):
    # given a 120 x 80 JPEG with a GPS position and "rotate 90°" orientation
    data = encode(landscape(), "JPEG", exif=phone_photo_exif(), quality=95)
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(GPS_INFO) == GPS_POSITION
    # when it is uploaded
    response = upload("nha-san.jpg", data)
    # then it is stored, rotated to 80 x 120, with no GPS position and no orientation left to apply
    assert response.status_code == 302
    image = VillageImage.objects.get(title="Ảnh tải lên")
    assert image.collection_id == collection_a.pk
    assert (image.width, image.height) == (80, 120)
    with image.open_file() as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (80, 120)
        exif = stored.getexif()
        assert exif.get_ifd(GPS_INFO) == {}
        assert ORIENTATION not in exif
        # the red half (left of the landscape) is now on top: rotated 90° clockwise
        top, bottom = stored.getpixel((40, 10)), stored.getpixel((40, 110))
    assert top[0] > 150 > top[2]
    assert bottom[2] > 150 > bottom[0]
    assert image.file.name.endswith(".jpg")
    assert image.file_size == image.file.size


@pytest.mark.skipif(not can_write_heif(), reason="pillow-heif cannot encode HEIC here")
def test_an_iphone_heic_photo_is_converted_to_jpeg(upload):
    # given a HEIC photo with a GPS position
    data = encode(landscape(), "HEIF", exif=phone_photo_exif())
    # when it is uploaded
    response = upload("IMG_0001.heic", data, "image/heic")
    # then a JPEG without location is stored
    assert response.status_code == 302
    image = VillageImage.objects.get(title="Ảnh tải lên")
    assert image.file.name.endswith(".jpg")
    with image.open_file() as handle, Image.open(handle) as stored:
        assert stored.format == "JPEG"
        assert stored.getexif().get_ifd(GPS_INFO) == {}


# --- sanitize_image, unit ---------------------------------------------------------------------------


def test_sanitize_keeps_png_as_png_without_metadata():
    # given a PNG with a text chunk and EXIF
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Nhà bà Sùng Thị Mai, thôn Tả Van")
    data = encode(
        Image.new("RGBA", (40, 30), (10, 200, 10, 128)), "PNG", pnginfo=info, exif=phone_photo_exif()
    )
    # when it is sanitized
    cleaned, name, content_type = sanitize_image(data, "ban-do.png")
    # then it stays a PNG (with its transparency), without the text and the GPS position
    assert (name, content_type) == ("ban-do.png", "image/png")
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == "PNG"
        assert result.mode == "RGBA"
        assert result.size == (30, 40)  # orientation applied
        assert "Comment" not in result.info
        assert result.getexif().get_ifd(GPS_INFO) == {}


def test_sanitize_keeps_webp_as_webp_without_metadata():
    # given a WebP with EXIF
    data = encode(landscape(), "WEBP", exif=phone_photo_exif())
    # when it is sanitized
    cleaned, name, content_type = sanitize_image(data, "cho-phien.webp")
    # then it stays a WebP, upright, without EXIF
    assert (name, content_type) == ("cho-phien.webp", "image/webp")
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == "WEBP"
        assert result.size == (80, 120)
        assert "exif" not in result.info
        assert result.getexif().get_ifd(GPS_INFO) == {}


@pytest.mark.skipif(not can_write_heif(), reason="pillow-heif cannot encode HEIC here")
def test_sanitize_converts_heic_to_jpeg():
    # given a HEIC photo
    data = encode(landscape(), "HEIF", exif=phone_photo_exif())
    # when it is sanitized
    cleaned, name, content_type = sanitize_image(data, "IMG_0002.HEIC")
    # then it is a JPEG without location
    assert (name, content_type) == ("IMG_0002.jpg", "image/jpeg")
    with Image.open(io.BytesIO(cleaned)) as result:
        assert result.format == "JPEG"
        assert result.getexif().get_ifd(GPS_INFO) == {}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (encode(Image.new("RGB", (10, 10)), "GIF"), "invalid_image_format"),
        (encode(Image.new("RGB", (10, 10)), "BMP"), "invalid_image_format"),
        (b"MZ\x90\x00" + b"\x00" * 200, "invalid_image"),
        (encode(Image.new("RGB", (10, 10)), "JPEG")[:40], "invalid_image"),
    ],
    ids=["gif", "bmp", "program", "truncated-jpeg"],
)
def test_sanitize_refuses_other_formats_and_broken_files(data, code):
    # when something that is not an accepted, readable image is sanitized
    with pytest.raises(ValidationError) as refused:
        sanitize_image(data, "anh.jpg")
    # then it is refused with a stable code
    assert refused.value.code == code
