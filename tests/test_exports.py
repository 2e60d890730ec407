"""Exports through the page: drafts before approval, the final text after, Word properties."""

import io
import re
import zipfile

import docx
import lxml.html
import pytest
from django.urls import reverse
from lxml import etree

from reviews import editing, workflow
from reviews.comments import add_comment, set_resolved
from reviews.exporting import export_document
from reviews.formats import read_upload
from tests.conftest import ENGLISH, new_document

CREDIT = "Translated by Mina Seo. Edited by Daniel Park."
DRAFT = "Draft, not approved: reviewing"


@pytest.fixture
def reviewing(people):
    """In review, with an open critical comment: anything but final."""
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    add_comment(
        people.editor,
        document,
        "The figure is wrong.",
        paragraph=document.paragraphs.get(position=1),
        category="accuracy",
        severity="critical",
    )
    return document


def approve(people, document):
    for comment in document.comments.filter(resolved_at=None):
        set_resolved(people.editor, comment, True)
    for paragraph in document.paragraphs.all():
        editing.approve_paragraph(people.editor, paragraph.pk)
    workflow.take_transition(people.editor, "approve", document)
    document.refresh_from_db()
    return document


def export(client, document, fmt):
    response = client.get(reverse("export", args=[document.pk, fmt]))
    assert response.status_code == 200
    filename = re.fullmatch(r'attachment; filename="(.+)"', response["Content-Disposition"]).group(
        1
    )
    return response.content, filename


def text_of(fmt, data):
    if fmt in ("txt", "md"):
        return data.decode("utf-8")
    if fmt == "html":
        return lxml.html.document_fromstring(data).text_content()
    if fmt == "docx":
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    return "".join(etree.fromstring(data).itertext())


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx", "xliff", "tmx"])
def test_an_export_before_approval_is_marked_as_a_draft(client, people, reviewing, fmt):
    client.force_login(people.editor)

    data, filename = export(client, reviewing, fmt)

    assert filename.startswith("budget-passed-draft.")
    text = text_of(fmt, data)
    assert DRAFT in text
    assert "Edited by" not in text
    if fmt in ("txt", "md", "html", "docx"):
        first = read_upload(data, f"a.{fmt}", max_bytes=len(data))[0]
        assert first == DRAFT


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx", "xliff", "tmx"])
def test_the_approved_export_is_the_final_text_with_its_credit_line(client, people, reviewing, fmt):
    approve(people, reviewing)
    client.force_login(people.editor)

    data, filename = export(client, reviewing, fmt)

    assert filename == f"budget-passed.{'xlf' if fmt == 'xliff' else fmt}"
    text = text_of(fmt, data)
    assert "Draft" not in text
    if fmt in ("txt", "md", "html", "docx"):
        assert read_upload(data, f"a.{fmt}", max_bytes=len(data)) == [
            "Budget passed",
            *ENGLISH,
            CREDIT,
        ]


def test_every_stage_before_approval_is_a_draft(people):
    document = new_document(people, stage_actions=())
    for stage in ["aligning", "translating"]:
        data, _, filename = export_document(document, "txt")
        assert data.decode().startswith(f"Draft, not approved: {stage}\n\n")
        assert filename == "budget-passed-draft.txt"
        if stage == "aligning":
            workflow.take_transition(people.manager, "confirm_pairing", document)
            document.refresh_from_db()


def test_word_properties_name_the_title_the_translator_and_workbench(client, people, reviewing):
    client.force_login(people.editor)
    draft, _ = export(client, reviewing, "docx")
    final, _ = export(client, approve(people, reviewing), "docx")

    for data, status in [(draft, "Draft"), (final, "Final")]:
        properties = docx.Document(io.BytesIO(data)).core_properties
        assert properties.title == "Budget passed"
        assert properties.author == "Mina Seo"
        assert properties.last_modified_by == "Workbench"
        assert properties.content_status == status
        archive = zipfile.ZipFile(io.BytesIO(data))
        application = etree.fromstring(archive.read("docProps/app.xml"))
        assert application.findtext("{*}Application") == "Workbench"
        for name in archive.namelist():
            if name.startswith("docProps/") and name.endswith(".xml"):
                content = archive.read(name)
                assert b"python-docx" not in content and b"Microsoft" not in content, name
    assert docx.Document(io.BytesIO(draft)).core_properties.comments == DRAFT


def test_the_page_offers_a_draft_export_until_approval(client, people, reviewing):
    client.force_login(people.editor)
    url = reverse("document", args=[reviewing.pk])

    before = client.get(url).content.decode()
    approve(people, reviewing)
    after = client.get(url).content.decode()

    assert '<summary class="button">Export draft</summary>' in before
    assert '<summary class="button">Export</summary>' in after


def test_a_document_whose_first_row_is_its_headline_exports_the_title_once(client, people):
    document = new_document(people)
    document.title = ENGLISH[0]
    document.save(update_fields=["title"])
    client.force_login(people.editor)

    data, _ = export(client, document, "txt")

    assert data.decode().count(ENGLISH[0]) == 1
    assert data.decode().split("\n\n")[:3] == [
        "Draft, not approved: translating",
        ENGLISH[0],
        ENGLISH[1],
    ]
