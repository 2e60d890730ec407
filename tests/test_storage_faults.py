"""A disk that refuses a file: the temporary folder unwritable or full for an upload, the disk
full for an export. A clear message, and nothing written (no document, no half file, no export
event). The failures are simulated where the file is written (OSError with the errno the
kernel gives), since a test cannot fill the machine's disk."""

import errno
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from reviews.management.commands import export_document as export_command
from reviews.models import Document, Event
from tests.conftest import ENGLISH, KOREAN

NO_SPACE = OSError(errno.ENOSPC, "No space left on device")
NO_ACCESS = PermissionError(errno.EACCES, "Permission denied")


@pytest.fixture
def uploader(client, people, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(people.translator)
    client.raise_request_exception = False
    return client


def upload(client):
    return client.post(
        reverse("upload"),
        {
            "title": "Budget passed",
            "source_file": SimpleUploadedFile("ko.txt", "\n\n".join(KOREAN).encode("cp949")),
            "target_file": SimpleUploadedFile("en.txt", "\n\n".join(ENGLISH).encode()),
        },
    )


def assert_storage_page(response):
    assert response.status_code == 507
    html = response.content.decode()
    assert "The server cannot write files right now" in html
    assert "nothing was saved" in html and "Traceback" not in html


def test_an_upload_needs_no_temporary_folder(uploader):
    """Uploads are held in memory within their cap (reviews.uploads), so an unwritable or full
    temporary folder cannot stop one."""
    with mock.patch(
        "django.core.files.uploadedfile.tempfile.NamedTemporaryFile", side_effect=NO_ACCESS
    ) as temporary:
        response = upload(uploader)
    assert response.status_code == 302 and not temporary.called
    assert Document.objects.count() == 1


@pytest.mark.parametrize("error", [NO_ACCESS, NO_SPACE], ids=["unwritable", "full"])
def test_a_write_the_disk_refuses_is_a_clear_page_and_writes_nothing(uploader, error):
    with mock.patch("reviews.views.documents.create_document", side_effect=error):
        response = upload(uploader)
    assert_storage_page(response)
    assert not Document.objects.exists() and not Event.objects.exists()


class HalfWriter:
    """A file on a disk that fills up half way through the write."""

    def __init__(self, file):
        self.file = file

    def write(self, data):
        self.file.write(data[: len(data) // 2])
        self.file.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()


def half_full_open(*args, **kwargs):
    return HalfWriter(open(*args, **kwargs))  # noqa: SIM115 - HalfWriter closes it


def test_an_export_onto_a_full_disk_writes_nothing(document, tmp_path, monkeypatch):
    output = tmp_path / "article.docx"
    output.write_bytes(b"yesterday's export")
    monkeypatch.setattr(export_command, "open", half_full_open, raising=False)
    with pytest.raises(CommandError, match=r"No space left on device\. Nothing was written\.$"):
        call_command("export_document", document.pk, "--format", "docx", "-o", str(output))
    assert output.read_bytes() == b"yesterday's export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.docx"]
    assert not Event.objects.filter(verb=Event.Verb.EXPORTED).exists()


def test_an_export_that_fits_replaces_the_old_file(document, tmp_path):
    output = tmp_path / "article.txt"
    output.write_bytes(b"yesterday's export")
    call_command("export_document", document.pk, "--format", "txt", "-o", str(output))
    # A draft (the document is not approved): its mark first, then the headline.
    assert output.read_text().startswith("Draft, not approved: translating\n\nBudget passed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]
    assert Event.objects.filter(verb=Event.Verb.EXPORTED).count() == 1
