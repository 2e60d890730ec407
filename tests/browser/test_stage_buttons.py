"""The stage buttons follow comment actions without a reload, in real Chromium."""

from playwright.sync_api import expect

from reviews import editing
from reviews.comments import add_comment
from reviews.models import Document, Stage
from tests.browser.conftest import log_in, settled, take_stage_move
from tests.conftest import new_document


def test_resolving_the_last_critical_comment_enables_approve_document(page, people):
    """The issue's scenario: every paragraph approved, the last critical comment resolved from
    the row's Comments: "Approve document" must come alive at once."""
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    rows = list(document.paragraphs.order_by("position"))
    for row in rows:
        editing.approve_paragraph(people.editor, row.pk)
    add_comment(
        people.editor,
        document,
        "The budget figure is wrong.",
        paragraph=rows[1],
        category="accuracy",
        severity="critical",
    )

    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    approve = page.get_by_role("button", name="Approve document")
    expect(approve).to_be_disabled()
    expect(page.locator("#why-approve")).to_have_text("1 unresolved critical comment.")

    row = page.locator(f"#row-{rows[1].pk}")
    row.get_by_role("link", name="Comments").click()
    thread = row.locator(".thread")
    settled(page)
    thread.get_by_role("button", name="Resolve").click()
    expect(thread.locator(".tag-resolved")).to_have_text("Resolved by Daniel Park")
    expect(approve).to_be_enabled()
    expect(page.locator("#why-approve")).to_have_count(0)
    expect(row.locator(f"#comment-count-{rows[1].pk}")).to_contain_text("1 resolved comment")

    # Resolved, the critical comment still counts in the score: approval asks for the tick.
    take_stage_move(page, "Approve document", despite_quality=True)
    expect(page.locator(".doc-meta .stage")).to_have_text("Approved")
    assert Document.objects.get(pk=document.pk).stage == Stage.APPROVED
