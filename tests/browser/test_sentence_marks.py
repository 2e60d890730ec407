"""In real Chromium: an upload whose translation dropped one sentence inside a paragraph shows
that sentence marked in the Korean cell, and nothing else marked. The texts are written for
this test."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

DROPPED = "김민수 시장은 개관식에서 독서의 중요성을 강조하는 긴 연설을 했다."
KOREAN = (
    "시립 도서관 새로 문 열어\n\n"
    "시청은 오늘 새 도서관을 열었다. 도서관에는 책 3만 권이 있다. "
    f"{DROPPED} 주민 500명이 참석했다.\n\n"
    "도서관은 매일 오전 9시부터 오후 6시까지 문을 연다."
)
ENGLISH = (
    "City library opens its doors\n\n"
    "City hall opened a new library today. The library holds 30,000 books. "
    "About 500 residents attended.\n\n"
    "The library is open every day from 9 a.m. to 6 p.m."
)


def test_a_dropped_sentence_is_marked_on_that_sentence_only(page, people, tmp_path):
    source, target = tmp_path / "original.txt", tmp_path / "translation.txt"
    source.write_text(KOREAN, encoding="utf-8")
    target.write_text(ENGLISH, encoding="utf-8")
    log_in(page, "mina")
    page.get_by_role("link", name="Upload").first.click()
    page.get_by_label("Title").fill("Library")
    page.locator("#id_source_file").set_input_files(str(source))
    page.locator("#id_target_file").set_input_files(str(target))
    page.get_by_label("Editor").select_option(label="Daniel Park")
    page.get_by_role("button", name="Upload and pair").click()
    page.wait_for_selector("h1:has-text('Library')")
    page.get_by_role("button", name="Confirm pairing").click()
    expect(page.locator(".stage-translating")).to_be_visible()

    rows = page.locator("[data-row]")
    expect(rows).to_have_count(3)
    marks = page.locator("mark.unmatched-sentence")
    expect(marks).to_have_count(1)
    mark = rows.nth(1).locator(".cell-source mark.unmatched-sentence")
    # The visible text is the sentence; the words that say why are there for a screen reader.
    expect(mark).to_have_text(f"No English for this sentence: {DROPPED}")
    expect(mark).to_have_attribute("title", "No English for this sentence")
    assert mark.evaluate("m => getComputedStyle(m).textDecorationStyle") == "dotted"
    hidden = mark.locator(".visually-hidden")
    assert hidden.bounding_box()["width"] <= 1
    # Not the whole cell: the kept sentences are outside the mark.
    cell = rows.nth(1).locator(".cell-source")
    assert "시청은 오늘 새 도서관을 열었다." in cell.inner_text()
    assert "시청은" not in mark.inner_text()
    expect(rows.nth(1).locator(".cell-target mark.unmatched-sentence")).to_have_count(0)
    screenshot(page, "sentence-mark")
    page.emulate_media(color_scheme="dark")
    dark = mark.evaluate("m => getComputedStyle(m).textDecorationColor")
    page.emulate_media(color_scheme="light")
    light = mark.evaluate("m => getComputedStyle(m).textDecorationColor")
    assert dark != light
