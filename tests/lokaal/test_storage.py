"""A full disk during an upload leaves no half-written file."""

import errno

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


class _FillsTheDisk(ContentFile):
    def chunks(self, chunk_size=None):
        yield b"x" * 1000
        raise OSError(errno.ENOSPC, "No space left on device")


def _files(settings):
    return sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def test_a_full_disk_leaves_no_half_written_file(settings):
    with pytest.raises(OSError) as full:
        default_storage.save("bijlagen/foto.png", _FillsTheDisk(b""))
    assert full.value.errno == errno.ENOSPC
    assert _files(settings) == []


def test_a_complete_file_is_stored_under_its_name_and_names_stay_unique(settings):
    first = default_storage.save("bijlagen/verslag.pdf", ContentFile(b"%PDF-1.4 een"))
    second = default_storage.save("bijlagen/verslag.pdf", ContentFile(b"%PDF-1.4 twee"))
    assert first == "bijlagen/verslag.pdf" and second != first
    assert default_storage.open(first).read() == b"%PDF-1.4 een"
    assert default_storage.open(second).read() == b"%PDF-1.4 twee"
    assert _files(settings) == sorted([first.split("/")[-1], second.split("/")[-1]])
