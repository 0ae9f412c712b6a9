"""A full disk while a coach uploads: a Dutch form error, no partial file, nothing else saved."""

import errno

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_coach, make_traject, make_workshop
from workshops.models import Bijlage, Workshop
from workshops.services import NewAttachment, moment_save
from workshops.uploads import CheckedUpload, UploadNotStored

PDF = b"%PDF-1.4\n" + b"x" * 4000


class _DiskRefuses(SimpleUploadedFile):
    """Writes its first chunk, then the disk refuses with `error_number`."""

    error_number = errno.ENOSPC

    def chunks(self, chunk_size=None):
        yield PDF[:1000]
        raise OSError(self.error_number, "disk refused")


def _upload(error_number: int) -> _DiskRefuses:
    upload = _DiskRefuses("verslag.pdf", PDF, content_type="application/pdf")
    upload.error_number = error_number
    return upload


def _files(settings):
    return sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error_number", "refused_as"),
    [
        (errno.ENOSPC, UploadNotStored),
        (errno.EDQUOT, UploadNotStored),
        (errno.EACCES, PermissionError),  # not a full disk: the general error page's business
    ],
    ids=["disk-full", "quota-full", "other-disk-error"],
)
def test_a_full_disk_refuses_the_upload_with_a_dutch_message_and_saves_nothing(
    settings, error_number, refused_as
):
    traject = make_traject()
    coach = make_coach("coach-schijf", traject)
    workshop = make_workshop(traject, verslag="Het oude verslag.")
    edited = Workshop.objects.get(pk=workshop.pk)
    edited.verslag = "Het nieuwe verslag."
    attachment = NewAttachment(
        upload=_upload(error_number),
        checked=CheckedUpload(
            bestandsnaam="verslag.pdf",
            mime_type="application/pdf",
            grootte=len(PDF),
            is_afbeelding=False,
        ),
        titel="Verslag",
        is_publiek=True,
    )

    with pytest.raises(refused_as) as refused:
        moment_save(
            moment=edited,
            base_versie=workshop.versie,
            fields=["verslag"],
            by=coach,
            attachments=[attachment],
        )

    if refused_as is UploadNotStored:
        assert isinstance(refused.value, ValidationError)
        assert refused.value.code == "schijf_vol"
        assert "de schijf van de server is vol" in refused.value.messages[0]
    stored = Workshop.objects.get(pk=workshop.pk)
    assert (stored.verslag, stored.versie) == ("Het oude verslag.", workshop.versie)
    assert Bijlage.objects.count() == 0
    assert _files(settings) == []
