"""Upload attacks through every upload door: the producer's product photo (new product, screen one, and
"add a photo"), the host's listing photo, the editors' Wagtail image form, and the host's iCal file.

Each attack (a decompression bomb, polyglots, an SVG with a script, an oversized file, a program or a page
renamed ``.jpg``, a truncated image) is refused with the reason on the form — never a 500 — and leaves
nothing behind: no new row, no new file under ``MEDIA_ROOT``. Images that are accepted are re-encoded:
the stored file has no trailer and no metadata.
"""

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from market.models import Product, ProductImage
from tourism.models import CalendarFeed, ServiceImage
from village.models import CommuneWorkspace, VillageImage

from .conftest import media_files

TRAILER = b"<?php system($_GET['c']); ?><script>alert(document.cookie)</script><html><body onload=alert(1)>"


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width × height`` pixels (the IHDR is rewritten, CRC included)."""
    data = bytearray(encode(Image.new("L", (8, 8)), "PNG"))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def jpeg(size=(64, 48), **options) -> bytes:
    return encode(Image.new("RGB", size, (40, 140, 60)), "JPEG", **options)


def jpeg_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "<script>alert('exif')</script>"  # ImageDescription
    exif[0x8825] = {1: "N", 2: (22.0, 20.0, 30.0), 3: "E", 4: (103.0, 50.0, 0.0)}  # GPS
    return jpeg(exif=exif.tobytes(), comment=b"<script>alert('comment')</script>")


ATTACKS = {
    # name: (file name, bytes, content type)
    "decompression bomb (30000×30000 PNG header)": ("bomb.png", png_claiming(30_000, 30_000), "image/png"),
    "decompression bomb (9000×9000, over 40 MP)": ("bomb2.png", png_claiming(9_000, 9_000), "image/png"),
    "zlib bomb (8000×6250 real pixels)": (
        "flat.png",
        encode(Image.new("L", (8000, 6250)), "PNG"),
        "image/png",
    ),
    "GIF/JS polyglot": (
        "poly.gif",
        b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00*/=alert(1);//" + encode(Image.new("P", (4, 4)), "GIF"),
        "image/gif",
    ),
    "GIF with HTML trailer": ("anim.jpg", encode(Image.new("P", (4, 4)), "GIF") + TRAILER, "image/jpeg"),
    "SVG with script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
        "image/svg+xml",
    ),
    "SVG renamed .jpg": (
        "logo.jpg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>',
        "image/jpeg",
    ),
    "HTML renamed .jpg": ("page.jpg", b"<!doctype html><html><script>alert(1)</script></html>", "image/jpeg"),
    "program renamed .jpg": (
        "setup.jpg",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(range(256)) * 40,
        "image/jpeg",
    ),
    "PDF renamed .png": ("doc.png", b"%PDF-1.4\n1 0 obj<</JS (app.alert(1))>>endobj\n%%EOF", "image/png"),
    "truncated JPEG": ("cut.jpg", jpeg((400, 300))[:700], "image/jpeg"),
    "truncated PNG": ("cut.png", encode(Image.effect_noise((200, 200), 60), "PNG")[:900], "image/png"),
    "empty file": ("empty.jpg", b"", "image/jpeg"),
    "oversized (11 MB JPEG)": ("big.jpg", jpeg((32, 32)) + b"\0" * (11 * 1024 * 1024), "image/jpeg"),
}
ACCEPTED = {
    # name: (file name, bytes, content type, text that must not be in the stored file)
    "JPEG with PHP/HTML trailer": ("trail.jpg", jpeg() + TRAILER, "image/jpeg", b"<?php"),
    "PNG with PHP/HTML trailer": (
        "trail.png",
        encode(Image.new("RGB", (32, 32), (9, 9, 9)), "PNG") + TRAILER,
        "image/png",
        b"<script",
    ),
    "JPEG with script in EXIF and comment": ("exif.jpg", jpeg_with_metadata(), "image/jpeg", b"<script"),
}


def shop_url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"shop:{name}", kwargs=kwargs)


def host_url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(f"host:{name}", kwargs=kwargs)


def state() -> tuple:
    return (
        VillageImage.objects.count(),
        ProductImage.objects.count(),
        ServiceImage.objects.count(),
        Product.objects.count(),
        CalendarFeed.objects.count(),
        frozenset(media_files()),
    )


@pytest.fixture
def doors(client, world):
    """Each photo door: a function sending one file and answering the response and the form error text."""
    producer, product, stay = world.producer_a, world.product_a, world.stay_a
    users = world.users
    collection = CommuneWorkspace.objects.get(
        translation_key=world.site["a"]["commune"].translation_key
    ).collection

    def as_user(key):
        client.force_login(users[key])

    def new_product(upload):
        as_user("producer_a")
        return client.post(
            shop_url("product_new", producer_id=producer.pk),
            {"photo": upload, "name_vi": "Chè thử", "category": "tea"},
        )

    def product_photo(upload):
        as_user("producer_a")
        return client.post(
            shop_url("product_photo_add", producer_id=producer.pk, product_id=product.pk), {"photo": upload}
        )

    def listing_photo(upload):
        as_user("host_a")
        return client.post(host_url("photo_add", host_id=stay.host_id, service_id=stay.pk), {"photo": upload})

    def wagtail_image(upload):
        as_user("superuser")
        return client.post(
            reverse("wagtailimages:add"),
            {"title": "Ảnh", "alt_text": "Ảnh", "collection": collection.pk, "file": upload},
        )

    return {
        "shop: new product photo": (new_product, 400, "photo"),
        "shop: add a product photo": (product_photo, 400, "photo"),
        "host: add a listing photo": (listing_photo, 400, "photo"),
        "admin: Wagtail image": (wagtail_image, 200, "file"),
    }


def form_errors(response, field: str) -> list:
    context = response.context
    if context is None:
        return []
    for name in ("photo_form", "form"):
        form = context.get(name) if hasattr(context, "get") else None
        if form is not None and getattr(form, "errors", None) and field in form.errors:
            return list(form.errors[field])
    return []


def test_every_photo_door_refuses_every_attack_and_stores_nothing(doors, figures):
    failures = []
    for door, (send, refused_status, field) in doors.items():
        for attack, (name, data, content_type) in ATTACKS.items():
            before = state()
            response = send(SimpleUploadedFile(name, data, content_type=content_type))
            errors = form_errors(response, field)
            if response.status_code != refused_status or not errors:
                failures.append(f"{door} / {attack}: {response.status_code}, errors {errors}")
            elif state() != before:
                failures.append(f"{door} / {attack}: something was stored")
    figures(f"\nUpload attacks: {len(ATTACKS)} attacks × {len(doors)} photo doors: {len(failures)} accepted")
    assert failures == []


def test_accepted_photos_are_re_encoded_without_trailer_or_metadata(doors, figures):
    checked = 0
    for door, (send, _refused, _field) in doors.items():
        for attack, (name, data, content_type, forbidden) in ACCEPTED.items():
            images_before = set(VillageImage.objects.values_list("pk", flat=True))
            response = send(SimpleUploadedFile(name, data, content_type=content_type))
            assert response.status_code == 302, (door, attack, response.status_code)
            (image,) = VillageImage.objects.exclude(pk__in=images_before)
            with image.open_file() as handle:
                stored = handle.read()
            assert stored != data
            for marker in (forbidden, b"<script", b"<?php", b"alert("):
                assert marker not in stored, (door, attack, marker)
            with Image.open(io.BytesIO(stored)) as decoded:
                assert dict(decoded.getexif()) == {}, (door, attack)
                assert "comment" not in decoded.info, (door, attack)
            checked += 1
    figures(f"\nUpload re-encoding: {checked} accepted uploads stored without trailer or metadata")


def ical_event(summary: str) -> str:
    return (
        "BEGIN:VEVENT\r\nUID:x@example\r\nDTSTART;VALUE=DATE:20300101\r\nDTEND;VALUE=DATE:20300103\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\n"
    )


def test_the_ical_upload_refuses_oversized_and_foreign_files(client, world, figures):
    unit = world.stay_a.units.order_by("id").first()
    client.force_login(world.users["host_a"])
    target = host_url("feed_upload", host_id=world.host_a.pk, unit_id=unit.pk)
    limit = int(settings.TOURISM_ICAL_MAX_BYTES)
    header = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
    attacks = {
        "oversized": (header + ical_event("A") * (limit // 100 + 10) + "END:VCALENDAR\r\n").encode(),
        "a PNG renamed .ics": encode(Image.new("RGB", (8, 8)), "PNG"),
        "a program renamed .ics": b"MZ\x90\x00" + bytes(range(256)) * 8,
        "HTML renamed .ics": b"<html><script>alert(1)</script></html>",
        "no calendar": b"",
        "truncated calendar": (header + "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2030").encode(),
        "binary garbage": b"\xff\xfe\x00" + bytes(range(256)) * 4,
    }
    failures = []
    for attack, data in attacks.items():
        before = state()
        response = client.post(
            target,
            {"upload-name": "Airbnb", "upload-file": SimpleUploadedFile("cal.ics", data, "text/calendar")},
        )
        form = response.context.get("file_form") if response.context is not None else None
        if response.status_code != 400 or form is None or not form.errors:
            failures.append(f"{attack}: {response.status_code}")
        elif state() != before:
            failures.append(f"{attack}: a feed or file was stored")
    figures(f"\nUpload attacks: {len(attacks)} attacks on the iCal upload: {len(failures)} accepted")
    assert failures == []
