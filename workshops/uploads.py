"""Checks for uploaded attachments: size, and what the bytes really are — not the name.

A file is accepted when its content is one of the kinds below (recognised by its magic bytes with
`filetype`) AND its extension belongs to that kind, so an .exe renamed .pdf and an HTML page
renamed .png are both refused. Images are also opened and fully decoded with Pillow, but only
after their header showed at most `settings.MAX_IMAGE_PIXELS` pixels (MAX_IMAGE_MEGAPIXELS,
default 40): a small file can hold a huge picture whose decoding would take a worker's memory.
The size limit is `settings.MAX_UPLOAD_MB` (environment variable MAX_UPLOAD_MB, default 10).
An accepted image longer than `settings.PUBLIC_IMAGE_MAX_SIDE` pixels (default 2000) on its long
side gets a downscaled copy for public pages (`public_copy`); the original stays for coaches.
"""

import errno
import io
import os
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Detected MIME type → the extensions a file of that kind may carry.
DOCUMENTS = {
    "application/pdf": {"pdf"},
    "application/msword": {"doc"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.ms-excel": {"xls"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/vnd.ms-powerpoint": {"ppt"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.presentation": {"odp"},
}
IMAGES = {
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
}
# Pillow's name for each accepted image kind, to check the decoded image agrees with the bytes.
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
ALLOWED = {**DOCUMENTS, **IMAGES}
ACCEPT_ATTRIBUTE = ",".join(sorted(f".{ext}" for exts in ALLOWED.values() for ext in exts))
KINDS_TEXT = "PDF, Word, Excel, PowerPoint, OpenDocument, JPEG, PNG, GIF of WebP"
# Reading the first bytes is enough for every kind above (zipped office files included).
SNIFF_BYTES = 8192


# What the operating system says when the disk (or the site's quota on it) has no room left.
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


class UploadNotStored(ValidationError):
    """The disk had no room for a checked upload: nothing was stored, not even part of it.

    A ValidationError, so a form view shows it as the form's error (status 400) with
    `form.add_error(None, error)` and keeps what the coach typed.
    """

    def __init__(self):
        super().__init__(
            "Het bestand kon niet bewaard worden: de schijf van de server is vol. Er werd niets "
            "bewaard, ook niet de rest van het formulier. Probeer het later opnieuw of meld het "
            "aan de programmabeheerder.",
            code="schijf_vol",
        )


@dataclass(frozen=True)
class CheckedUpload:
    bestandsnaam: str
    mime_type: str
    grootte: int
    is_afbeelding: bool


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def clean_filename(name: str) -> str:
    """The visible part of the name a browser sent, without any folder, at most 255 characters."""
    base = os.path.basename(name.replace("\\", "/")).strip().replace("\x00", "")
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 16 else base[:255]
    return base or "bestand"


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Accept or refuse an uploaded file with a sentence the coach understands."""
    size = upload.size or 0
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            "Dit bestand is %(size).1f MB; een bijlage mag hoogstens %(limit)d MB zijn.",
            code="te_groot",
            params={"size": size / 1024 / 1024, "limit": settings.MAX_UPLOAD_MB},
        )
    if size == 0:
        raise ValidationError("Dit bestand is leeg.", code="leeg")

    name = clean_filename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""

    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError(
            "De inhoud van dit bestand is geen toegelaten soort (%(kinds)s). "
            "Het bestand werd niet opgeslagen.",
            code="soort",
            params={"kinds": KINDS_TEXT},
        )
    if extension not in ALLOWED[kind.mime]:
        raise ValidationError(
            "De naam van het bestand (.%(ext)s) past niet bij de inhoud (%(mime)s). "
            "Het bestand werd niet opgeslagen.",
            code="vermomd",
            params={"ext": extension or "zonder extensie", "mime": kind.mime},
        )

    is_image = kind.mime in IMAGES
    if is_image:
        _check_image(upload, expected_format=PILLOW_FORMATS[kind.mime])
    return CheckedUpload(
        bestandsnaam=name, mime_type=kind.mime, grootte=size, is_afbeelding=is_image
    )


def _check_image(upload: UploadedFile, *, expected_format: str) -> None:
    """Decode the whole image: a broken, disguised or decompression-bomb image is refused."""
    refused = ValidationError(
        "Deze afbeelding is beschadigd of geen echte afbeelding. Ze werd niet opgeslagen.",
        code="afbeelding",
    )
    try:
        with warnings.catch_warnings():
            # A picture far larger than any photo is a decompression bomb, not a photo.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    raise refused
                # Image.open read only the header: refuse a huge picture before decoding it.
                width, height = image.size
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        "Deze afbeelding is %(width)d × %(height)d pixels; dat is meer dan de "
                        "%(limit)d megapixel die aanvaard worden. Verklein ze en probeer het "
                        "opnieuw. Ze werd niet opgeslagen.",
                        code="te_veel_pixels",
                        params={
                            "width": width,
                            "height": height,
                            "limit": settings.MAX_IMAGE_PIXELS // 1_000_000,
                        },
                    )
                image.verify()
            # verify() leaves the image unusable; open it again and decode every pixel.
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ):
        raise refused from None
    finally:
        upload.seek(0)


def public_copy(upload: UploadedFile, *, checked: CheckedUpload) -> ContentFile | None:
    """A downscaled copy of an image that passed `check_upload`, or None when it is small enough.

    Only called after `check_upload`, so the pixel limit was checked from the header before this
    decodes anything. The copy keeps the picture's orientation and drops its metadata (EXIF,
    location); an animated GIF's copy is its first frame.
    """
    if not checked.is_afbeelding:
        return None
    limit = settings.PUBLIC_IMAGE_MAX_SIDE
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if max(image.size) <= limit:
                return None
            image_format = image.format
            copy = ImageOps.exif_transpose(image)
            copy.thumbnail((limit, limit), Image.Resampling.LANCZOS)
            if image_format == "JPEG" and copy.mode not in {"RGB", "L"}:
                copy = copy.convert("RGB")
            output = io.BytesIO()
            copy.save(
                output,
                format=image_format,
                **({"quality": 85} if image_format in {"JPEG", "WEBP"} else {}),
            )
    finally:
        upload.seek(0)
    return ContentFile(output.getvalue(), name=checked.bestandsnaam)
