"""The review conversation in real Chromium: the editor rejects with a reason and the translator
reads it in her notifications; an accept is undone from the notice, which goes after a while."""

from playwright.sync_api import expect

from reviews import editing
from reviews.models import Event, Notification, Paragraph, Revision
from tests.browser.conftest import log_in, settled
from tests.conftest import new_document


def in_review_with_a_proposal(people, text):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    row = document.paragraphs.order_by("position").first()
    proposal = editing.save_edit(people.translator, row.pk, text, row.version)
    return document, row, proposal


def test_a_reason_for_a_rejection_reaches_the_translator(page, people, other_page):
    document, row, proposal = in_review_with_a_proposal(people, "The council passed it <fast>")
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    grid_row = page.locator(f"#row-{row.pk}")
    grid_row.get_by_label("Reason for rejecting").fill("Keep the figure from the Korean")
    grid_row.get_by_role("button", name="Reject").click()
    settled(page)
    expect(grid_row.locator(".notice")).to_have_text("Rejected: “Keep the figure from the Korean”.")
    proposal.refresh_from_db()
    assert proposal.note == "Keep the figure from the Korean"

    translator = other_page("mina")
    translator.goto("/notifications/")
    item = translator.locator(".notification.is-unread").filter(has_text="rejected an edit")
    expect(item).to_contain_text(f"row {row.number}")
    expect(item).to_contain_text("The council passed it <fast>")  # as text, escaped
    expect(item).to_contain_text("Keep the figure from the Korean")
    item.get_by_role("button", name=document.title).click()
    translator.wait_for_url(f"**{document.get_absolute_url()}#row-{row.pk}")
    assert translator.evaluate("() => location.hash") == f"#row-{row.pk}"
    notification = Notification.objects.get(recipient=people.translator, event__verb="rejected")
    assert notification.read_at is not None


def test_an_accept_is_undone_from_the_notice_which_then_goes(page, people):
    document, row, proposal = in_review_with_a_proposal(people, "The council passed the budget")
    before = row.text
    log_in(page, "daniel")
    page.clock.install()
    page.goto(document.get_absolute_url())
    grid_row = page.locator(f"#row-{row.pk}")
    grid_row.get_by_role("button", name="Accept").click()
    settled(page)
    expect(grid_row.locator(".cell-target")).to_contain_text("The council passed the budget")
    grid_row.get_by_role("button", name="Undo").click()
    settled(page)
    expect(grid_row.locator(".notice")).to_have_text("Undone: the acceptance is taken back.")
    expect(grid_row.locator(".cell-target")).to_contain_text(before)
    row.refresh_from_db()
    assert row.text == before
    assert Event.objects.filter(verb=Event.Verb.UNDONE, payload__undoes=proposal.pk).exists()
    assert Revision.objects.get(pk=proposal.pk).state == Revision.State.ACCEPTED

    # A second decision: its Undo leaves after ten seconds.
    again = editing.save_edit(people.translator, row.pk, "A later proposal", row.version)
    page.goto(document.get_absolute_url())
    grid_row.get_by_role("button", name="Reject").click()
    settled(page)
    expect(grid_row.get_by_role("button", name="Undo")).to_be_visible()
    page.clock.run_for(11_000)
    expect(grid_row.get_by_role("button", name="Undo")).to_have_count(0)
    assert Paragraph.objects.get(pk=row.pk).revisions.get(pk=again.pk).state == "rejected"
