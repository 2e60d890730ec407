"""Every payload of tests/hostile.py through every text a person can enter, then every place the
text is shown: never a 500, refused with a message where it cannot be stored (and nothing
written), and inert wherever it appears (pages and fragments parsed with lxml, the API's JSON,
every export format parsed with its own reader).

One document per payload: a single test uploads it and walks it through the inputs, so the
database work is done once per payload.
"""

import io
import json
import zipfile

import docx
import lxml.etree
import lxml.html
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews import workflow
from reviews.api.tokens import create_token
from reviews.cleaning import clean_line, clean_text
from reviews.diffing import MAX_PARAGRAPH_CHARS
from reviews.exporting import ALL_FORMATS
from reviews.models import (
    ApiToken,
    Comment,
    Document,
    Event,
    GlossaryTerm,
    Notification,
    Paragraph,
    Revision,
)
from tests.hostile import LONG_PARAGRAPH, PAYLOADS, assert_inert

HTMX = {"HTTP_HX_REQUEST": "true"}
KO = "서울시의회는 15일 본회의를 열고 내년도 예산안을 통과시켰다."
EN = "The Seoul council passed next year's budget on the 15th."

MODELS = (Document, Paragraph, Revision, Comment, Event, Notification, GlossaryTerm, ApiToken)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def ok(response, where):
    assert response.status_code < 500, (where, response.status_code)
    return response


def flat(text):
    return " ".join(text.split())


def page_text(html):
    return flat(lxml.html.document_fromstring(html).text_content()) if html.strip() else ""


def shown(payload, html, where):
    """The page is inert and the payload is in it as text, so the check is not vacuous."""
    assert_inert(html, where)
    assert flat(clean_line(payload)) in page_text(html), where


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def upload_data(people, payload):
    """The payload as the title, the Korean as a file named after it, the English pasted. In
    the file, control characters would make the .txt binary (refused: tests/test_hostile_files.py),
    so the file holds the payload as the text cleaning would store it."""
    korean = f"{KO}\n\n{clean_text(payload)} {KO}"
    english = f"{EN}\n\n{payload} {EN}"
    return {
        "title": payload,
        "source_file": SimpleUploadedFile(f"{payload}.txt", korean.encode()),
        "target_text": english,
        "translator": people.translator.pk,
        "editor": people.editor.pk,
    }


def upload_document(client, people, payload):
    before = counts()
    if "\x00" in payload:
        # Django's form fields refuse a NUL outright, with a message; nothing is written.
        response = ok(client.post(reverse("upload"), upload_data(people, payload)), "upload")
        errors = response.context["form"].errors
        assert errors["title"] == ["Null characters are not allowed."], errors
        assert counts() == before
        payload = payload.replace("\x00", "")
    response = ok(client.post(reverse("upload"), upload_data(people, payload)), "upload")
    assert response.status_code == 302, response.context["form"].errors
    assert counts()["Document"] == before["Document"] + 1
    return Document.objects.latest("pk")


def exports_of(client, document, payload):
    wanted = flat(clean_line(payload))
    for fmt in ALL_FORMATS:
        response = ok(client.get(reverse("export", args=[document.pk, fmt])), fmt)
        assert response.status_code == 200, fmt
        data = response.content
        if fmt in ("html", "bilingual-html"):
            shown(payload, data.decode(), fmt)
        elif fmt in ("docx", "bilingual-docx"):
            # Word has no script; the text is there as text and nothing else is in the archive.
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            assert not [n for n in names if "vbaProject" in n or n.endswith(".bin")], names
            word = docx.Document(io.BytesIO(data))
            text = [p.text for p in word.paragraphs]
            text += [c.text for t in word.tables for r in t.rows for c in r.cells]
            assert wanted in flat(" ".join(text)), fmt
        elif fmt in ("xliff", "xliff12", "tmx"):
            # Well-formed, no DTD, the payload is character data and never markup.
            parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = lxml.etree.fromstring(data, parser)
            assert "[" not in root.getroottree().docinfo.doctype and b"<!ENTITY" not in data
            tags = {lxml.etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)}
            assert not tags & {"script", "img", "a", "svg", "iframe", "textarea"}, (fmt, tags)
            if fmt != "tmx":  # TMX holds approved pairs only; this document is a draft
                assert wanted in flat(" ".join(root.itertext())), fmt
        else:  # txt, md: plain text, shown as text by any viewer
            text = data.decode("utf-8")
            assert "\x00" not in text and "\ufeff" not in text[1:], fmt


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_a_payload_through_every_input_and_every_view(client, people, name):
    payload = PAYLOADS[name]
    client.force_login(people.manager)
    document = upload_document(client, people, payload)
    workflow.take_transition(people.manager, "confirm_pairing", document)
    row = document.paragraphs.order_by("position")[1]
    assert clean_line(payload) in flat(row.text)

    # Inputs, each by the person who may.
    client.force_login(people.translator)
    edited = f"{row.text} {payload}"
    ok(
        client.post(reverse("edit", args=[document.pk, row.pk]), {"text": edited, "version": 1}),
        "edit",
    )
    row.refresh_from_db()
    assert row.text == clean_text(edited).strip() or row.version == 2

    client.force_login(people.editor)
    ok(
        client.post(
            reverse("paragraph_comments", args=[document.pk, row.pk]),
            {"body": payload, "quote": clean_text(payload).strip(), "quote_side": "target"},
            **HTMX,
        ),
        "comment",
    )
    thread = Comment.objects.get(document=document)
    assert thread.quote, "the quote was refused"
    client.force_login(people.translator)
    ok(
        client.post(
            reverse("paragraph_comments", args=[document.pk, row.pk]),
            {"body": f"@daniel {payload}", "reply_to": thread.pk},
            **HTMX,
        ),
        "reply",
    )
    ok(
        client.post(
            reverse("transition", args=[document.pk, "submit_for_review"]),
            {"confirmed": "1", "note": payload},
        ),
        "stage note",
    )
    client.force_login(people.manager)
    ok(client.post(reverse("credit", args=[document.pk]), {"credit": payload}), "credit")
    glossary_page = ok(
        client.post(
            reverse("glossary"),
            {
                "korean": payload,
                "english": payload,
                "forbidden": f"not {payload.replace('|', ' ')}",
                "note": payload,
            },
        ),
        "glossary",
    )
    tokens_page = ok(client.post(reverse("api_tokens"), {"name": payload}), "token")
    # What does not fit (a 290-character word as a 200-character term or a 100-character token
    # name) or holds a NUL (refused by the form) is refused with a message and not stored.
    fits_glossary = len(clean_line(payload)) <= 200 and "\x00" not in payload
    fits_token = len(clean_line(payload)) <= 100
    assert GlossaryTerm.objects.count() == int(fits_glossary)
    assert ApiToken.objects.filter(user=people.manager).count() == int(fits_token)
    if not fits_glossary:
        assert 'class="errorlist' in glossary_page.content.decode()
    if not fits_token:
        assert "the limit is 100" in " ".join(message_texts(tokens_page))

    document.refresh_from_db()
    assert Comment.objects.filter(document=document).count() == 2
    assert document.credit_override == clean_line(payload)

    # Every view that shows the text.
    views = {
        "document": reverse("document", args=[document.pk]),
        "row": reverse("row", args=[document.pk, row.pk]),
        "edit form": reverse("edit", args=[document.pk, row.pk]),
        "history": reverse("history", args=[document.pk, row.pk]),
        "changes": reverse("changes", args=[document.pk]),
        "activity": reverse("activity", args=[document.pk]),
        "comments": reverse("paragraph_comments", args=[document.pk, row.pk]),
        "dashboard": reverse("dashboard") + "?show=all",
        "glossary": reverse("glossary"),
        "tokens": reverse("api_tokens"),
    }
    for where, url in views.items():
        htmx = HTMX if where in ("row", "edit form", "history", "comments") else {}
        response = ok(client.get(url, **htmx), where)
        assert response.status_code == 200, where
        html = response.content.decode()
        assert_inert(html, where)
        stored = {"glossary": fits_glossary, "tokens": fits_token}.get(where, True)
        if stored and where != "edit form":  # the form holds the text in a textarea, see below
            assert flat(clean_line(payload)) in page_text(html), where
    edit_form = lxml.html.fragment_fromstring(
        client.get(views["edit form"], **HTMX).content.decode(), create_parent="div"
    )
    (textarea,) = edit_form.xpath("//textarea[@name='text']")
    assert textarea.text.strip() == row.text.strip()

    client.force_login(people.editor)
    inbox = ok(client.get(reverse("notifications")), "notifications").content.decode()
    assert Notification.objects.filter(recipient=people.editor).exists()
    assert_inert(inbox, "notifications")

    token, _ = create_token(people.editor, "reader")
    answer = ok(
        client.get(f"/api/documents/{document.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}"), "api"
    )
    assert answer["Content-Type"].startswith("application/json")
    assert answer["X-Content-Type-Options"] == "nosniff"
    body = json.loads(answer.content)
    assert body["title"] == clean_line(payload)
    assert clean_line(payload) in flat(" ".join(body["paragraphs"]))

    exports_of(client, document, payload)


# -- what cannot be stored ---------------------------------------------------------------------


def refused(response, before, *, field_error=None, message=None):
    assert response.status_code < 500
    assert counts() == before
    if field_error is not None:
        errors = response.context["form"].errors
        assert field_error in errors, errors
        assert all("\n" not in e for e in errors[field_error])
    if message is not None:
        assert any(message in m for m in message_texts(response)), message_texts(response)


def test_a_100000_character_pasted_paragraph_is_refused_with_the_cap(client, people):
    client.force_login(people.manager)
    before = counts()
    response = client.post(
        reverse("upload"),
        {"title": "Long", "source_text": LONG_PARAGRAPH, "target_text": EN},
    )
    refused(response, before, field_error="source_text")
    assert f"{MAX_PARAGRAPH_CHARS:,}" in response.context["form"].errors["source_text"][0]


def test_a_100000_character_paragraph_in_a_file_is_refused(client, people):
    client.force_login(people.manager)
    before = counts()
    upload = SimpleUploadedFile("long.txt", LONG_PARAGRAPH.encode())
    response = client.post(
        reverse("upload"), {"title": "Long", "source_file": upload, "target_text": EN}
    )
    refused(response, before, field_error="source_file")


def test_a_100000_character_edit_is_refused_and_nothing_changes(client, people, document):
    row = document.paragraphs.order_by("position")[0]
    client.force_login(people.translator)
    before = counts()
    response = client.post(
        reverse("edit", args=[document.pk, row.pk]),
        {"text": LONG_PARAGRAPH, "version": 1},
        **HTMX,
    )
    refused(response, before)
    assert f"{MAX_PARAGRAPH_CHARS:,}" in response.content.decode()
    row.refresh_from_db()
    assert row.version == 1 and row.text != LONG_PARAGRAPH


@pytest.mark.parametrize(
    "field, data",
    [
        ("body", {"body": LONG_PARAGRAPH}),
        ("quote", {"body": "Look", "quote": LONG_PARAGRAPH, "quote_side": "target"}),
    ],
)
def test_an_oversize_comment_is_refused_and_the_draft_kept(client, people, document, field, data):
    row = document.paragraphs.order_by("position")[0]
    client.force_login(people.editor)
    before = counts()
    response = client.post(reverse("paragraph_comments", args=[document.pk, row.pk]), data, **HTMX)
    refused(response, before)
    assert_inert(response.content.decode(), "refused comment")


def test_an_oversize_title_is_refused(client, people):
    client.force_login(people.manager)
    before = counts()
    response = client.post(
        reverse("upload"), {"title": "가" * 301, "source_text": KO, "target_text": EN}
    )
    refused(response, before, field_error="title")


def test_an_oversize_stage_note_is_refused(client, people, document):
    client.force_login(people.translator)
    before = counts()
    response = client.post(
        reverse("transition", args=[document.pk, "submit_for_review"]),
        {"confirmed": "1", "note": "가" * (workflow.MAX_NOTE_CHARS + 1)},
    )
    assert response.status_code < 500
    assert counts() == before
    document.refresh_from_db()
    assert document.stage == "translating"


def test_an_oversize_credit_line_is_refused_with_a_message(client, people, document):
    client.force_login(people.manager)
    before = counts()
    response = client.post(
        reverse("credit", args=[document.pk]), {"credit": "Translated by " + "가" * 300}
    )
    refused(response, before, message="the limit is 300")
    document.refresh_from_db()
    assert document.credit_override == ""


@pytest.mark.parametrize(
    "field, limit", [("korean", 200), ("english", 300), ("forbidden", 2000), ("note", 2000)]
)
def test_an_oversize_glossary_field_is_refused(client, people, field, limit):
    client.force_login(people.manager)
    data = {"korean": "북한", "english": "North Korea", field: "가" * (limit + 1)}
    before = counts()
    response = client.post(reverse("glossary"), data)
    assert response.status_code < 500
    assert counts() == before
    assert f"{limit}" in response.content.decode()


def test_an_oversize_token_name_is_refused_with_a_message(client, people):
    client.force_login(people.manager)
    before = counts()
    response = client.post(reverse("api_tokens"), {"name": "가" * 101})
    refused(response, before, message="the limit is 100")
    assert "token-value" not in response.content.decode()


def test_an_oversize_file_name_is_kept_short_not_a_500(client, people):
    client.force_login(people.manager)
    name = "가" * 300 + ".txt"
    response = client.post(
        reverse("upload"),
        {
            "title": "Long name",
            "source_file": SimpleUploadedFile(name, KO.encode()),
            "target_text": EN,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert len(document.source_filename) <= 255 and document.source_filename.endswith(".txt")
