"""Images are checked against a pixel limit from their header, before any decoding."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from workshops.uploads import check_upload


def _png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def no_decoding(monkeypatch):
    def refuse(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize(
    ("width", "height"),
    [(9400, 9400), (40_001, 1000), (1000, 1001)],
)
def test_an_image_over_the_pixel_limit_is_refused_from_its_header(
    settings, no_decoding, width, height
):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    upload = _png(width, height)
    assert upload.size < 400_000  # small file, huge picture
    with pytest.raises(ValidationError) as refused:
        check_upload(upload)
    assert refused.value.code == "te_veel_pixels"
    message = refused.value.messages[0]
    assert f"{width} × {height} pixels" in message and "1 megapixel" in message


def test_an_image_within_the_limit_is_accepted(settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    checked = check_upload(_png(1000, 1000))
    assert checked.is_afbeelding and checked.mime_type == "image/png"
