"""Safe image uploads: limits, allowed formats, EXIF orientation applied, location metadata removed.

Wagtail already refuses files over ``WAGTAILIMAGES_MAX_UPLOAD_SIZE`` (10 MB), images over
``WAGTAILIMAGES_MAX_IMAGE_PIXELS`` (40 megapixels) and anything whose content is not an allowed
image format (SVG, executables renamed ``.jpg``...). On top of that, every upload is re-encoded
here: the EXIF orientation is applied to the pixels and all metadata (GPS position, camera serial)
is dropped, so the stored original never reveals where a villager lives. Phone photos in HEIC are
converted to JPEG.

:class:`PhotoField` is the same protection for the villagers' own forms (a product photo in the shop, a
homestay photo in the host area): the limits are checked before the file is decoded, and the field
cleans to the safe copy, which ``village.services.store_commune_photo`` keeps in the commune's collection.
Pages show these images through renditions only (WebP, ``srcset``); :func:`rendition_prefetch` fetches
the renditions a list page asks for in one query.
"""

import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

try:  # HEIC/HEIF from phones, when the optional decoder is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is in requirements.txt
    HEIF_SUPPORTED = False

OUTPUT_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
CONVERTED_FORMATS = {"HEIF": "JPEG", "HEIC": "JPEG", "MPO": "JPEG"}


def sanitize_image(data: bytes, name: str) -> tuple[bytes, str, str]:
    """Return ``(bytes, file name, content type)`` of the re-encoded image without metadata."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            source_format = (image.format or "").upper()
            target_format = CONVERTED_FORMATS.get(source_format, source_format)
            if target_format not in OUTPUT_FORMATS:
                raise ValidationError(
                    _("This image format is not accepted. Use JPEG, PNG or WebP."),
                    code="invalid_image_format",
                )
            image.load()
            oriented = ImageOps.exif_transpose(image)
            icc_profile = image.info.get("icc_profile")
            # Pillow writes the source's JPEG comment (and more) back from ``info``: keep transparency only
            oriented.info = {key: oriented.info[key] for key in ("transparency",) if key in oriented.info}
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not a readable image."), code="invalid_image") from error

    if target_format == "JPEG" and oriented.mode not in ("RGB", "L"):
        oriented = oriented.convert("RGB")
    options: dict = {"optimize": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if target_format == "JPEG":
        options.update(quality=90, progressive=True)
    elif target_format == "WEBP":
        options.update(quality=90, method=4)
    buffer = io.BytesIO()
    oriented.save(buffer, format=target_format, **options)  # no exif= : metadata is dropped
    extension, content_type = OUTPUT_FORMATS[target_format]
    return buffer.getvalue(), f"{Path(name).stem or 'image'}.{extension}", content_type


class SafeWagtailImageField(WagtailImageField):
    """Wagtail's image field, refusing a truncated or corrupt image instead of failing with a 500.

    Wagtail decodes the image lazily when it checks the pixel count and catches only the
    decompression-bomb errors; Pillow's ``OSError`` (``image file is truncated``) escaped.
    """

    def check_image_pixel_size(self, f):
        try:
            super().check_image_pixel_size(f)
        except (OSError, SyntaxError) as error:
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image") from error


class SafeImageForm(BaseImageForm):
    """Wagtail's image form plus :func:`sanitize_image` on the uploaded file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file_field = self.fields.get("file")
        if type(file_field) is WagtailImageField:  # Wagtail builds it; only its class is swapped
            file_field.__class__ = SafeWagtailImageField

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or not hasattr(uploaded, "read") or getattr(uploaded, "_committed", False):
            return uploaded  # editing an image without a new file
        uploaded.seek(0)
        data, name, content_type = sanitize_image(uploaded.read(), uploaded.name)
        return SimpleUploadedFile(name, data, content_type=content_type)


class PhotoField(forms.FileField):
    """A phone photo: at most 10 MB and 40 megapixels, re-encoded without its location (GPS) data.

    Cleans to ``(bytes, file name, content type)`` of the safe copy (see :func:`sanitize_image`).
    """

    default_error_messages = {
        "too_large": _("This photo is larger than %(megabytes)s MB. Take it again at a lower resolution."),
        "too_many_pixels": _(
            "This photo has more than %(megapixels)s megapixels. Take it again at a lower resolution."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or not hasattr(uploaded, "read"):
            return None
        max_size = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        if uploaded.size > max_size:  # checked before anything reads the file
            raise ValidationError(
                self.error_messages["too_large"],
                code="too_large",
                params={"megabytes": max_size // (1024 * 1024)},
            )
        uploaded.seek(0)
        content = uploaded.read()
        max_pixels = settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
        try:
            with Image.open(io.BytesIO(content)) as image:  # reads the header only
                width, height = image.size
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
            raise ValidationError(_("This file is not a readable image."), code="invalid_image") from error
        if width * height > max_pixels:
            raise ValidationError(
                self.error_messages["too_many_pixels"],
                code="too_many_pixels",
                params={"megapixels": max_pixels // 1_000_000},
            )
        return sanitize_image(content, uploaded.name or "photo.jpg")


def rendition_prefetch(specs: tuple[str, ...], *, lookup: str = "image__renditions") -> Prefetch:
    """Prefetch exactly the renditions ``specs`` (``"fill-320x240|format-webp"``...) of the images behind
    ``lookup``: Wagtail then finds them without one query per image."""
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(
        lookup,
        queryset=rendition_model.objects.filter(filter_spec__in=specs),
        to_attr="prefetched_renditions",
    )
