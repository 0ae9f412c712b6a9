"""A large image keeps its original for coaches; public pages get a downscaled copy."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import make_coach, make_traject, make_workshop, publish_report
from workshops.services import bijlage_add
from workshops.uploads import check_upload
from workshops.views import serve_bijlage


def _image(width: int, height: int, image_format: str, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 60)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue())


def _size(response) -> tuple[int, int]:
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        return image.size


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("width", "height", "image_format", "name", "public_size"),
    [
        (3000, 1200, "PNG", "breed.png", (2000, 800)),
        (900, 2400, "JPEG", "hoog.jpg", (750, 2000)),
        (2000, 1500, "WEBP", "precies.webp", (2000, 1500)),  # at the limit: no copy
        (640, 480, "PNG", "klein.png", (640, 480)),
    ],
)
def test_public_pages_get_a_downscaled_copy_and_coaches_the_original(
    settings, client, width, height, image_format, name, public_size
):
    settings.PUBLIC_IMAGE_MAX_SIDE = 2000
    traject = make_traject()
    coach = make_coach("coach-foto", traject)
    workshop = make_workshop(traject)
    publish_report(workshop, "Een verslag met foto.")
    upload = _image(width, height, image_format, name)
    bijlage = bijlage_add(
        moment=workshop,
        upload=upload,
        checked=check_upload(upload),
        titel="Foto",
        is_publiek=True,
        by=coach,
    )

    assert bool(bijlage.publieke_kopie) == (public_size != (width, height))
    public = client.get(bijlage.get_absolute_url())
    assert public.status_code == 200
    assert public["Content-Type"] == f"image/{image_format.lower()}"
    assert _size(public) == public_size
    assert _size(serve_bijlage(bijlage)) == (width, height)  # the coach's download
    page = client.get(workshop.get_absolute_url())
    assert bijlage.get_absolute_url() in page.content.decode()
