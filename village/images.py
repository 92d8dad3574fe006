"""Safe image uploads: limits, allowed formats, EXIF orientation applied, location metadata removed.

Wagtail already refuses files over ``WAGTAILIMAGES_MAX_UPLOAD_SIZE`` (10 MB), images over
``WAGTAILIMAGES_MAX_IMAGE_PIXELS`` (40 megapixels) and anything whose content is not an allowed
image format (SVG, executables renamed ``.jpg``...). On top of that, every upload is re-encoded
here: the EXIF orientation is applied to the pixels and all metadata (GPS position, camera serial)
is dropped, so the stored original never reveals where a villager lives. Phone photos in HEIC are
converted to JPEG.
"""

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
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


class SafeImageForm(BaseImageForm):
    """Wagtail's image form plus :func:`sanitize_image` on the uploaded file."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded is None or not hasattr(uploaded, "read") or getattr(uploaded, "_committed", False):
            return uploaded  # editing an image without a new file
        uploaded.seek(0)
        data, name, content_type = sanitize_image(uploaded.read(), uploaded.name)
        return SimpleUploadedFile(name, data, content_type=content_type)
