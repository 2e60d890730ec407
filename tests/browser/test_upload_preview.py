"""The upload page in Chromium: drop a file on each side, see both previewed, fix one side
without losing the other, and upload."""

from playwright.sync_api import expect

from reviews.models import Document
from tests.browser.conftest import log_in, settled
from tests.test_upload import EN, KO


def drop_file(page, zone, name, data, mime="text/plain"):
    """Drop a real file on a drop zone, as a person dragging it from their desktop does."""
    transfer = page.evaluate_handle(
        """([name, bytes, mime]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, {type: mime}));
            return transfer;
        }""",
        [name, list(data), mime],
    )
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def test_drop_both_files_preview_them_fix_one_and_upload(page, people):
    log_in(page, "mina")
    page.goto("/documents/new/")
    expect(page.locator("#upload-limits")).to_contain_text("MB per file")
    page.get_by_label("Title").fill("Library hours")
    source_zone, target_zone = page.locator("[data-drop-zone]").all()
    expect(source_zone.get_by_text("or drop the file here")).to_be_visible()

    drop_file(page, source_zone, "기사.txt", "\r\n\r\n".join(KO).encode("cp949"))
    settled(page)
    preview = page.locator("#upload-preview")
    expect(preview.locator(".preview-source")).to_contain_text(
        "기사.txt: CP949 (EUC-KR), 4 paragraphs"
    )
    expect(preview.locator(".preview-target")).to_contain_text("Add the English translation")

    # A wrong file on the other side: the Korean file stays chosen, nothing is written.
    drop_file(page, target_zone, "story.pdf", b"%PDF-1.4", "application/pdf")
    settled(page)
    expect(preview.locator(".preview-target")).to_contain_text("story.pdf is not a file type")
    expect(preview.locator(".preview-source")).to_contain_text("4 paragraphs")
    assert Document.objects.count() == 0

    drop_file(page, target_zone, "story.txt", "\n\n".join(EN).encode("utf-8"))
    settled(page)
    expect(preview.locator(".preview-target")).to_contain_text("story.txt: UTF-8, 4 paragraphs")
    assert page.evaluate("document.getElementById('id_source_file').files[0].name") == "기사.txt"

    page.get_by_role("button", name="Upload and pair").click()
    page.wait_for_url(lambda url: "/documents/new/" not in url)
    document = Document.objects.get()
    assert (document.source_filename, document.target_filename) == ("기사.txt", "story.txt")
    assert document.paragraphs.count() == 4
