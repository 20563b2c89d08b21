"""Checks on uploaded identification photos."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from mooring.core.errors import ValidationFailed

MAX_PHOTO_BYTES = 4 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_photo(photo: UploadedFile) -> None:
    if photo.size and photo.size > MAX_PHOTO_BYTES:
        raise ValidationFailed(_("The photo must be smaller than 4 MB."), code="photo_too_large",
                               field="photo")
    try:
        with Image.open(photo) as image:
            image.verify()
            image_format = image.format
    except (UnidentifiedImageError, OSError):
        raise ValidationFailed(_("The photo must be a JPEG, PNG or WebP image."),
                               code="photo_not_image", field="photo") from None
    finally:
        photo.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationFailed(_("The photo must be a JPEG, PNG or WebP image."),
                               code="photo_not_image", field="photo")
