"""Findings stored with the rows: written when a row's text changes, shown on the row and in the
document's list, dismissed with a reason, and respected by approval."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reviews import editing, findings, glossary, pairing, workflow
from reviews.models import Event, Paragraph, Stage
from tests.conftest import ENGLISH, KOREAN, new_document

# The third row says 45% where the Korean says 4.5%.
WRONG = [*ENGLISH[:2], ENGLISH[2].replace("4.5%", "45%"), ENGLISH[3]]


def row(document, position):
    return Paragraph.objects.get(document=document, position=position)


def kinds(paragraph):
    return [f["kind"] for f in paragraph.findings]


@pytest.fixture
def wrong(people):
    """A document in review whose third row has a number error; every row approved."""
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), target=WRONG
    )
    Paragraph.objects.filter(document=document).update(status=Paragraph.Status.APPROVED)
    return document


def test_an_upload_checks_every_row_and_stores_the_findings(people):
    document = new_document(people, stage_actions=(), target=WRONG)
    assert [kinds(row(document, i)) for i in range(4)] == [[], [], ["number", "number"], []]
    (korean, english) = row(document, 2).findings
    assert "4.5%" in korean["message"] and korean["source_span"] is not None
    assert english["target_span"] is not None and english["dismissed"] is None


def test_a_page_view_never_runs_the_checks(client, people, wrong, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a check ran during a page view")

    monkeypatch.setattr("reviews.checks.check_pair", fail)
    monkeypatch.setattr("reviews.checks.check_consistency", fail)
    client.force_login(people.editor)
    html = client.get(wrong.get_absolute_url()).content.decode()
    assert "2 checks: 2 errors" in html
    assert '<mark class="finding-mark">45%</mark>' in html
    assert client.get(reverse("findings", args=[wrong.pk])).status_code == 200


def test_an_accepted_change_checks_the_row_again(people, wrong):
    paragraph = row(wrong, 2)
    proposal = editing.save_edit(people.translator, paragraph.pk, ENGLISH[2], paragraph.version)
    assert kinds(row(wrong, 2)) == ["number", "number"]  # a proposal changes nothing yet
    editing.accept_proposal(people.editor, proposal.pk)
    assert row(wrong, 2).findings == []


def test_a_restore_checks_the_row_again(people, wrong):
    paragraph = row(wrong, 2)
    editing.save_edit(people.editor, paragraph.pk, ENGLISH[2], paragraph.version, accept=True)
    assert row(wrong, 2).findings == []
    uploaded = paragraph.revisions.order_by("pk").first()
    editing.restore_revision(people.editor, uploaded, row(wrong, 2).version, accept=True)
    assert kinds(row(wrong, 2)) == ["number", "number"]


def test_a_change_of_pairing_checks_the_rows_again(people):
    document = new_document(people, stage_actions=(), target=WRONG)
    pairing.change_pairing(
        people.translator,
        document,
        "merge_next",
        index=1,
        side="target",
        seen_version=document.pairing_version,
    )
    # Row 2 now holds the English of rows 2 and 3 beside the Korean of row 2 only.
    assert "addition" in kinds(row(document, 1))


def dismiss_first(people, document, user=None, reason="House style keeps the figure."):
    finding = row(document, 2).findings[0]
    return findings.dismiss(
        user or people.editor, document, row(document, 2).pk, finding["key"], reason
    )


def test_a_dismissal_needs_a_reason_and_is_an_event(people, wrong):
    with pytest.raises(findings.DismissRefused, match="reason"):
        dismiss_first(people, wrong, reason="   ")
    assert not Event.objects.filter(verb=Event.Verb.DISMISSED_FINDING).exists()
    dismiss_first(people, wrong)
    first, second = row(wrong, 2).findings
    assert first["dismissed"]["reason"] == "House style keeps the figure."
    assert first["dismissed"]["by"] == "Daniel Park"
    assert second["dismissed"] is None
    event = Event.objects.get(verb=Event.Verb.DISMISSED_FINDING)
    assert event.actor == people.editor and event.paragraph == row(wrong, 2)
    assert event.payload["reason"] == "House style keeps the figure."
    assert event.payload["kind"] == "number"


def test_only_editors_and_managers_dismiss(people, wrong):
    with pytest.raises(PermissionDenied):
        dismiss_first(people, wrong, user=people.translator)
    with pytest.raises(PermissionDenied):
        dismiss_first(people, wrong, user=people.outsider)
    dismiss_first(people, wrong, user=people.manager)
    assert workflow.can(people.editor, "dismiss_finding", wrong)


def test_a_dismissed_finding_stays_dismissed_until_the_text_changes(people, wrong):
    dismiss_first(people, wrong)
    # Another row changes: the document is checked again, this row's dismissal stays.
    other = row(wrong, 0)
    editing.save_edit(
        people.editor, other.pk, "Council approves budget", other.version, accept=True
    )
    assert row(wrong, 2).findings[0]["dismissed"] is not None
    # The checks run again over unchanged text (a new glossary, a confirmed pairing): it stays.
    findings.refresh_document(wrong, texts_changed=False)
    assert row(wrong, 2).findings[0]["dismissed"] is not None
    # This row's text changes and the problem is still there: the finding is back.
    paragraph = row(wrong, 2)
    still_wrong = paragraph.text.replace("larger", "bigger")
    editing.save_edit(people.editor, paragraph.pk, still_wrong, paragraph.version, accept=True)
    assert kinds(row(wrong, 2)) == ["number", "number"]
    assert all(f["dismissed"] is None for f in row(wrong, 2).findings)


def test_approval_is_refused_while_an_undismissed_error_remains(client, people, wrong):
    reason = "2 check errors to fix or dismiss."
    assert workflow.refusal(people.editor, "approve", wrong) == reason
    with pytest.raises(PermissionDenied, match=reason):
        workflow.take_transition(people.editor, "approve", wrong)
    client.force_login(people.editor)
    html = client.get(wrong.get_absolute_url()).content.decode()
    assert 'disabled aria-describedby="why-approve"' in html and reason in html
    dismiss_first(people, wrong)
    assert workflow.refusal(people.editor, "approve", wrong) == "1 check error to fix or dismiss."
    second = row(wrong, 2).findings[1]
    findings.dismiss(people.editor, wrong, row(wrong, 2).pk, second["key"], "Checked: right.")
    assert workflow.refusal(people.editor, "approve", wrong) is None
    workflow.take_transition(people.editor, "approve", wrong)
    wrong.refresh_from_db()
    assert wrong.stage == Stage.APPROVED


def test_a_fixed_error_no_longer_blocks_approval(people, wrong):
    paragraph = row(wrong, 2)
    editing.save_edit(people.editor, paragraph.pk, ENGLISH[2], paragraph.version, accept=True)
    Paragraph.objects.filter(document=wrong).update(status=Paragraph.Status.APPROVED)
    assert workflow.refusal(people.editor, "approve", wrong) is None


def test_the_findings_page_lists_findings_with_links_to_the_rows(client, people, wrong):
    client.force_login(people.editor)
    url = reverse("findings", args=[wrong.pk])
    html = client.get(url).content.decode()
    paragraph = row(wrong, 2)
    assert f'href="{wrong.get_absolute_url()}#row-{paragraph.pk}"' in html
    assert "2 open findings" in html
    assert html.count('name="reason"') == 2
    response = client.post(
        reverse("dismiss_finding", args=[wrong.pk]),
        {"from": "list", "paragraph": paragraph.pk, "key": paragraph.findings[0]["key"],
         "reason": "Checked against the wire copy."},
    )  # fmt: skip
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "1 open finding." in html
    assert "Dismissed by Daniel Park: “Checked against the wire copy.”" in html


def test_the_translator_sees_findings_but_no_dismiss_form(client, people, wrong):
    client.force_login(people.translator)
    html = client.get(reverse("findings", args=[wrong.pk])).content.decode()
    assert "2 open findings" in html and 'name="reason"' not in html
    paragraph = row(wrong, 2)
    response = client.post(
        reverse("dismiss_finding", args=[wrong.pk]),
        {"from": "list", "paragraph": paragraph.pk, "key": paragraph.findings[0]["key"],
         "reason": "no"},
    )  # fmt: skip
    assert response.status_code == 302
    assert row(wrong, 2).findings[0]["dismissed"] is None


def test_an_outsider_gets_404_for_the_findings(client, people, wrong):
    client.force_login(people.outsider)
    assert client.get(reverse("findings", args=[wrong.pk])).status_code == 404
    response = client.post(reverse("dismiss_finding", args=[wrong.pk]), {"key": "x", "reason": "y"})
    assert response.status_code == 404


def test_dismissing_from_the_row_rerenders_the_row(client, people, wrong):
    client.force_login(people.editor)
    paragraph = row(wrong, 2)
    response = client.post(
        reverse("dismiss_finding", args=[wrong.pk]),
        {"paragraph": paragraph.pk, "key": paragraph.findings[0]["key"], "reason": "Fine."},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert f'id="row-{paragraph.pk}"' in html
    assert "1 check: 1 error" in html and "Dismissed by Daniel Park" in html


def test_user_text_in_findings_is_escaped(client, people):
    target = [*ENGLISH[:3], "The city set aside <b>900</b> billion won for elderly care."]
    document = new_document(people, target=target)
    client.force_login(people.editor)
    html = client.get(document.get_absolute_url()).content.decode()
    assert "<b>900</b>" not in html
    assert "&lt;b&gt;" in html


def test_a_clean_document_has_no_findings(people):
    document = new_document(people, source=KOREAN, target=ENGLISH)
    assert all(p.findings == [] for p in document.paragraphs.all())
    assert document.findings == []


NAMES_KO = ["이재명 대표는 기자들과 만났다.", "정부는 대책을 발표했다.", "이재명 대표는 반대했다."]
NAMES_EN = [
    "Lee Jae-myung met reporters.",
    "The government announced measures.",
    "Lee Jae-myeong objected.",
]


def test_a_document_wide_finding_is_listed_once_and_dismissed_until_its_rows_change(client, people):
    document = new_document(people, source=NAMES_KO, target=NAMES_EN)
    (finding,) = document.findings
    assert finding["kind"] == "consistency"
    first, third = row(document, 0), row(document, 2)
    assert finding["rows"] == [[first.pk, 1], [third.pk, 3]]
    client.force_login(people.editor)
    html = client.get(reverse("findings", args=[document.pk])).content.decode()
    assert html.count("is written two ways") == 1
    assert f'#row-{third.pk}">3</a>' in html

    findings.dismiss(people.editor, document, None, finding["key"], "Both spellings are used.")
    document.refresh_from_db()
    assert document.findings[0]["dismissed"]["reason"] == "Both spellings are used."
    # A row it does not concern changes: still dismissed.
    middle = row(document, 1)
    editing.save_edit(
        people.translator, middle.pk, "The government announced steps.", middle.version
    )
    document.refresh_from_db()
    assert document.findings[0]["dismissed"] is not None
    # One of its rows changes and the names still differ: it is back.
    editing.save_edit(people.translator, third.pk, "Lee Jae-myeong objected again.", third.version)
    document.refresh_from_db()
    (again,) = document.findings
    assert again["dismissed"] is None
    # The spelling is made consistent: the finding is gone.
    third = row(document, 2)
    editing.save_edit(people.translator, third.pk, "Lee Jae-myung objected again.", third.version)
    document.refresh_from_db()
    assert document.findings == []


def test_a_glossary_change_checks_open_documents_again(
    people, wrong, django_capture_on_commit_callbacks
):
    from reviews import glossary

    dismiss_first(people, wrong)
    paragraph = row(wrong, 1)
    Paragraph.objects.filter(pk=paragraph.pk).update(
        text=paragraph.text.replace("session", "meeting")
    )
    with django_capture_on_commit_callbacks(execute=True):
        glossary.add_term(
            people.manager,
            korean="본회의",
            english="plenary session",
            forbidden=["plenary meeting"],
        )
    assert "glossary" in kinds(row(wrong, 1))
    # Texts unchanged elsewhere: the dismissal made before stays.
    assert row(wrong, 2).findings[0]["dismissed"] is not None


def test_a_glossary_change_leaves_documents_without_the_term_alone(
    people, wrong, django_capture_on_commit_callbacks
):
    from reviews import glossary

    before = [p.findings for p in wrong.paragraphs.order_by("position")]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        glossary.add_term(people.manager, korean="통일부", english="Unification Ministry")
    assert len(callbacks) == 1
    assert [p.findings for p in wrong.paragraphs.order_by("position")] == before


def stored_findings(document):
    document.refresh_from_db()
    return [p.findings for p in document.paragraphs.order_by("position")], document.findings


def test_an_upload_stores_what_checking_the_written_rows_finds(people):
    """The upload checks its rows before inserting them: the same findings, row and
    document-wide, as checking the rows read back from the database."""
    source, target = [*NAMES_KO, KOREAN[2]], [*NAMES_EN, WRONG[2]]
    document = new_document(people, stage_actions=(), source=source, target=target)
    uploaded = stored_findings(document)
    assert uploaded[1] and "number" in kinds(row(document, 3))
    findings.refresh_document(document)
    assert stored_findings(document) == uploaded


def paragraph_writes(queries):
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "reviews_paragraph"')]


def test_checking_again_writes_only_the_rows_whose_findings_changed(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    document = new_document(people, stage_actions=(), target=WRONG)
    before = stored_findings(document)
    with CaptureQueriesContext(connection) as unchanged:
        findings.refresh_document(document, texts_changed=False)
    assert paragraph_writes(unchanged.captured_queries) == []
    assert stored_findings(document) == before
    # A term the second row breaks, added without the glossary's own re-check.
    glossary.add_term(
        people.manager, korean="본회의", english="plenary session", forbidden=["plenary meeting"]
    )
    Paragraph.objects.filter(pk=row(document, 1).pk).update(
        text=row(document, 1).text.replace("session", "meeting")
    )
    with CaptureQueriesContext(connection) as changed:
        findings.refresh_document(document, texts_changed=False)
    (write,) = paragraph_writes(changed.captured_queries)
    assert write.count(" WHEN ") == 1  # one row of the four
    assert "glossary" in kinds(row(document, 1))
    assert kinds(row(document, 2)) == ["number", "number"]


def test_checking_again_for_the_glossary_finds_what_checking_in_full_finds(people):
    """With the texts unchanged, only rows whose glossary findings differ are checked again
    in full; the result is what checking every row in full gives, dismissals kept."""

    document = new_document(people, stage_actions=("confirm_pairing",), target=WRONG)
    dismiss_first(people, document)

    def full_check():
        paragraphs = list(document.paragraphs.order_by("position"))
        rows = [(p.source, p.text) for p in paragraphs]
        found = findings.all_row_findings(document, rows, findings.glossary_entries())
        return [
            findings.carry_dismissals(new, p.findings)
            for p, new in zip(paragraphs, found, strict=True)
        ]

    # Added without the glossary's own re-check: the second row's English lacks the term.
    term = glossary.add_term(people.manager, korean="본회의", english="full session")
    expected = full_check()
    findings.refresh_document(document, texts_changed=False)
    assert stored_findings(document)[0] == expected
    assert "glossary" in kinds(row(document, 1))
    assert row(document, 2).findings[0]["dismissed"] is not None
    glossary.remove_term(people.manager, term)
    expected = full_check()
    findings.refresh_document(document, texts_changed=False)
    assert stored_findings(document)[0] == expected
    assert "glossary" not in kinds(row(document, 1))
