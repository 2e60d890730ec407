"""The HTML exports of a document full of hostile text, opened in Chromium with JavaScript on:
nothing in them runs. Each payload of tests/hostile.py would set window.__pwned or call alert
if the writer let it through as markup; a control file that does hold a script shows the check
can see it."""

import pytest

from reviews import workflow
from reviews.comments import add_comment
from reviews.exporting import export_document
from reviews.importing import create_document
from tests.hostile import PAYLOADS

KO = "서울시의회는 예산안을 통과시켰다."
EN = "The council passed the budget."

# Every inline handler a payload could have planted gets its event; focus for autofocus ones.
PROVOKE = """() => {
  for (const element of document.querySelectorAll('*')) {
    for (const type of ['mouseover', 'mouseenter', 'click', 'focus', 'load', 'error']) {
      element.dispatchEvent(new Event(type, {bubbles: true}));
    }
    if (element.focus) element.focus();
  }
}"""


def hostile_document(people):
    payloads = [payload.replace("\x00", "") for payload in PAYLOADS.values()]
    document = create_document(
        title=PAYLOADS["title-breakout"] + PAYLOADS["script"],
        source_paragraphs=[f"{KO} {payload}" for payload in payloads],
        target_paragraphs=[f"{EN} {payload}" for payload in payloads],
        created_by=people.translator,
        translator=people.translator,
        editor=people.editor,
    )
    workflow.take_transition(people.manager, "confirm_pairing", document)
    document.refresh_from_db()
    workflow.set_credit_line(people.manager, document, PAYLOADS["img-onerror"])
    rows = list(document.paragraphs.order_by("position"))
    for row, payload in zip(rows, payloads, strict=True):
        add_comment(people.editor, document, payload, paragraph=row)
    return document


def opened(browser, tmp_path, name, data):
    """What happened when Chromium opened the file: dialogs, window.__pwned, script errors."""
    path = tmp_path / name
    path.write_bytes(data)
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    page.evaluate(PROVOKE)
    page.wait_for_timeout(200)  # a timer or an image error handler would have fired by now
    pwned = page.evaluate("() => window.__pwned ?? null")
    text = page.inner_text("body")
    context.close()
    return {"dialogs": dialogs, "pwned": pwned, "errors": errors, "text": text}


def test_the_check_sees_a_script_that_runs(browser, tmp_path):
    seen = opened(
        browser,
        tmp_path,
        "control.html",
        b"<!doctype html><p onmouseover='window.__pwned=2'>x</p><script>alert(1)</script>",
    )
    assert seen["dialogs"] == ["1"] and seen["pwned"] == 2


@pytest.mark.parametrize("fmt", ["html", "bilingual-html"])
def test_nothing_in_the_html_export_runs(browser, tmp_path, people, fmt):
    document = hostile_document(people)
    data, content_type, filename = export_document(document, fmt, user=people.editor)
    assert content_type.startswith("text/html")

    seen = opened(browser, tmp_path, filename, data)

    assert seen["dialogs"] == [] and seen["pwned"] is None and seen["errors"] == [], seen
    # The payloads are on the page as text, so the file was not simply empty.
    assert "<script>window.__pwned=1;alert(1)</script>" in seen["text"]
    assert "javascript:window.__pwned=1" in seen["text"]
