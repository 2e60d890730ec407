"""The foundation flow in real Chromium: log in, upload two files, read side by side, export."""

import io

from docx import Document as WordDocument

from tests.browser.conftest import log_in, screenshot

KOREAN = (
    "항구 도시, 새 방파제 완공\n\n"
    "부산시는 3일 길이 1.2킬로미터의 새 방파제를 완공했다고 밝혔다.\n\n"
    "공사비는 모두 850억원이 들었다."
)
ENGLISH = (
    "Port city completes new breakwater\n\n"
    "Busan said on the 3rd that it had completed a new 1.2-kilometer breakwater.\n\n"
    "The construction cost a total of 85 billion won."
)


def test_upload_read_side_by_side_and_export_docx(page, people, tmp_path):
    source = tmp_path / "original.txt"
    source.write_bytes(KOREAN.encode("cp949"))
    target = tmp_path / "translation.docx"
    word = WordDocument()
    for paragraph in ENGLISH.split("\n\n"):
        word.add_paragraph(paragraph)
    word.save(target)

    log_in(page, "mina")
    page.get_by_role("link", name="Upload").first.click()
    page.get_by_label("Title").fill("Breakwater")
    page.locator("#id_source_file").set_input_files(str(source))
    page.locator("#id_target_file").set_input_files(str(target))
    page.get_by_label("Editor").select_option(label="Daniel Park")
    page.get_by_role("button", name="Upload and pair").click()

    page.wait_for_selector("h1:has-text('Breakwater')")
    rows = page.locator("[data-row]")
    assert rows.count() == 3
    second = rows.nth(1)
    assert "1.2킬로미터" in second.locator("[lang=ko]").inner_text()
    assert "1.2-kilometer" in second.locator("[lang=en]").inner_text()
    # Korean and English sit side by side: same row, source left of target.
    ko_box = second.locator(".cell-source").bounding_box()
    en_box = second.locator(".cell-target").bounding_box()
    assert ko_box["x"] < en_box["x"] and abs(ko_box["y"] - en_box["y"]) < 5
    screenshot(page, "document-page")

    # Not approved yet, so the export is a draft and says so; the credit line waits for approval.
    page.get_by_text("Export draft").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="docx").click()
    assert download_info.value.suggested_filename == "breakwater-draft.docx"
    data = download_info.value.path().read_bytes()
    exported = [p.text for p in WordDocument(io.BytesIO(data)).paragraphs if p.text]
    assert exported[:2] == ["Draft, not approved: aligning", "Breakwater"]
    assert exported[-1] == "The construction cost a total of 85 billion won."
    assert not any("Edited by" in text for text in exported)


def test_outsider_sees_nothing(page, page_errors, people, document):
    log_in(page, "tae")
    assert page.locator("text=Budget passed").count() == 0
    response = page.goto(document.get_absolute_url())
    assert response.status == 404
    assert len(page_errors) == 1 and "404 (Not Found)" in page_errors[0]
    page_errors.clear()
