"""Presence and @mentions in real Chromium: two people in two browsers see each other editing
a row, and a mention completed from the keyboard reaches the person mentioned."""

from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import EditingPresence, Event, Notification
from tests.browser.conftest import log_in, screenshot, settled
from tests.browser.test_accessibility import THEMES, axe_source, violations  # noqa: F401 (a fixture)
from tests.conftest import new_document


def in_review(people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    return document, list(document.paragraphs.order_by("position"))


def test_each_sees_the_other_editing_a_row_until_the_editor_closes(page, people, other_page):
    document, rows = in_review(people)
    row = rows[1]
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    her_row = page.locator(f"#row-{row.pk}")
    note = her_row.locator("[data-presence]")
    expect(note).to_be_hidden()

    editor = other_page("daniel")
    editor.goto(document.get_absolute_url())
    his_row = editor.locator(f"#row-{row.pk}")
    his_row.get_by_role("link", name="Edit").click()
    expect(his_row.locator("textarea")).to_be_focused()
    # Within a poll or two (5 s each), on her page, beside the row's Edit button.
    expect(note).to_have_text("Daniel Park is editing", timeout=12_000)
    expect(note).to_be_visible()
    expect(page.locator("[data-presence]:visible")).to_have_count(1)
    assert note.evaluate("n => n.previousElementSibling.textContent.trim()") == "Edit"

    # She opens the same row: her editor warns her, and he is told about her too.
    her_row.get_by_role("link", name="Edit").click()
    warning = her_row.get_by_role("status").filter(has_text="Daniel Park is editing")
    expect(warning).to_contain_text("this paragraph too")
    expect(his_row.locator("[data-presence-warning]")).to_contain_text(
        "Mina Seo is editing this paragraph too", timeout=12_000
    )
    her_row.get_by_role("link", name="Cancel").click()
    settled(page)
    expect(his_row.locator("[data-presence-warning]")).to_have_count(0, timeout=12_000)

    # He cancels: the note goes from her row, at the next poll.
    his_row.get_by_role("link", name="Cancel").click()
    settled(editor)
    expect(his_row.get_by_role("link", name="Edit")).to_be_visible()
    expect(note).to_be_hidden(timeout=12_000)
    assert not EditingPresence.objects.filter(person=people.editor).exists()


def test_a_mention_completed_by_keyboard_notifies_the_person(page, people):
    document, rows = in_review(people)
    row = rows[0]
    log_in(page, "daniel")
    page.goto(document.get_absolute_url())
    grid_row = page.locator(f"#row-{row.pk}")
    grid_row.get_by_role("link", name="Comments").click()
    settled(page)
    box = grid_row.get_by_label("Comment on paragraph 1")
    box.click()
    box.press_sequentially("Please check the figure, @")
    listbox = page.get_by_role("listbox", name="People to mention")
    expect(listbox.get_by_role("option")).to_have_count(2)  # Mina and Jiwon, not himself
    box.press_sequentially("m")
    option = listbox.get_by_role("option")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("Mina Seo")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    box.press("Enter")
    expect(listbox).to_have_count(0)
    expect(box).to_have_value("Please check the figure, @mina ")

    # Escape closes a list without picking; arrows move through it; Tab picks too.
    box.press_sequentially("and @")
    expect(listbox.get_by_role("option")).to_have_count(2)
    box.press("Escape")
    expect(listbox).to_have_count(0)
    box.press_sequentially("j")
    expect(listbox.get_by_role("option")).to_have_count(1)
    box.press("Backspace")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    box.press("Tab")
    expect(box).to_have_value("Please check the figure, @mina and @jiwon ")
    expect(box).to_be_focused()

    grid_row.get_by_role("button", name="Comment").click()
    thread = grid_row.locator("article.thread")
    expect(thread).to_have_count(1)
    expect(thread.locator(".mention")).to_have_text(["@mina", "@jiwon"])
    event = Event.objects.get(verb=Event.Verb.COMMENTED)
    assert sorted(event.payload["mentions"]) == ["jiwon", "mina"]
    told = Notification.objects.filter(event=event, reason=Notification.Reason.MENTION)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["jiwon", "mina"]


def test_a_mention_is_picked_with_the_mouse(page, people):
    document, rows = in_review(people)
    log_in(page, "mina")
    page.goto(document.get_absolute_url())
    box = page.get_by_label("Comment on the document")
    box.click()
    box.press_sequentially("Thanks @")
    page.get_by_role("option", name="Daniel Park").click()
    expect(box).to_have_value("Thanks @daniel ")
    expect(box).to_be_focused()


def test_the_notes_the_warning_and_the_list_pass_axe(page, people, axe_source):  # noqa: F811
    document, rows = in_review(people)
    first, second, third = rows[:3]
    log_in(page, "daniel")
    problems = []
    for theme in THEMES:
        for row in (first, second):
            # Fresh for each theme: a slow first round must not let them expire.
            EditingPresence.objects.update_or_create(
                document=document,
                paragraph=row,
                person=people.manager,
                defaults={"last_seen": timezone.now()},
            )
        page.emulate_media(color_scheme=theme)
        page.goto(document.get_absolute_url())
        expect(page.locator(f"#row-{first.pk} [data-presence]")).to_have_text(
            "Jiwon Han is editing"
        )
        editing_row = page.locator(f"#row-{second.pk}")
        editing_row.get_by_role("link", name="Edit").click()
        expect(editing_row.locator("[data-presence-warning]")).to_contain_text("Jiwon Han")
        commented = page.locator(f"#row-{third.pk}")
        commented.get_by_role("link", name="Comments").click()
        settled(page)
        box = commented.get_by_label("Comment on paragraph 3")
        box.click()
        box.press_sequentially("@")
        expect(page.get_by_role("listbox", name="People to mention")).to_be_visible()
        problems += [f"{theme}: {line}" for line in violations(page, axe_source)]
        screenshot(page, f"presence-and-mentions-{theme}")
    assert problems == [], "axe found:\n" + "\n".join(problems)
