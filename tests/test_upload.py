"""The upload page through Django's test client: pasted text, real files, people, refusals."""

import codecs
import io
import random
import re
import struct
import zipfile

import docx
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.diffing import MAX_PARAGRAPH_CHARS
from reviews.models import Document, Event, Paragraph, Revision, Stage

KO = [
    "부산 시립도서관, 평일 밤 10시까지 문 연다",
    "부산시립도서관은 다음 달 1일부터 평일 운영 시간을 오후 10시까지 늘린다고 3일 밝혔다.",
    "도서관 측은 직장인과 학생들의 요청이 꾸준히 이어져 운영 시간을 조정했다고 설명했다.",
    "주말 운영 시간은 지금과 같이 오후 6시까지 유지된다.",
]
EN = [
    "Busan city library to stay open until 10 p.m. on weekdays",
    "Busan Metropolitan Library said on the 3rd that it will extend its weekday hours "
    "to 10 p.m. from the 1st of next month.",
    "The library said it adjusted its hours after steady requests from office workers "
    "and students.",
    "Weekend hours stay as they are, with the doors closing at 6 p.m.",
]
TITLE = "Library extends weekday hours"


def url():
    return reverse("upload")


def counts():
    return {
        "documents": Document.objects.count(),
        "paragraphs": Paragraph.objects.count(),
        "revisions": Revision.objects.count(),
        "events": Event.objects.count(),
    }


def sides(document):
    """Every paragraph of each side in row order, whatever the pairing merged."""
    rows = list(document.paragraphs.order_by("position"))
    source = [p for row in rows for p in row.source_paragraphs]
    target = [p for row in rows for p in row.target_paragraphs]
    return source, target


def post(client, **fields):
    data = {"title": TITLE}
    data.update({key: value for key, value in fields.items() if value is not None})
    return client.post(url(), data)


def english_docx(title, paragraphs) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.add_paragraph("")  # an empty paragraph is not a paragraph of the article
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


# -- Pasted text ---------------------------------------------------------------------------


def test_pasted_text_creates_a_document_in_aligning(client, people):
    client.force_login(people.translator)
    response = post(
        client,
        source_text="\n\n".join(KO),
        target_text="\n\n".join(EN),
        translator=people.translator.pk,
        editor=people.editor.pk,
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    assert document.title == TITLE
    assert document.stage == Stage.ALIGNING
    assert document.created_by == people.translator
    assert (document.source_filename, document.target_filename) == ("", "")
    rows = list(document.paragraphs.order_by("position"))
    assert [(row.source, row.text) for row in rows] == list(zip(KO, EN, strict=True))
    # History starts when the pairing is confirmed, not at upload.
    assert Revision.objects.count() == 0
    event = Event.objects.get(document=document)
    assert event.verb == Event.Verb.UPLOADED
    assert event.actor == people.translator
    assert event.payload["source_paragraphs"] == 4
    assert event.payload["target_paragraphs"] == 4
    assert event.payload["rows"] == 4
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        "Uploaded 4 Korean and 4 English paragraphs. Check the pairing, then confirm it."
    ]


def test_the_message_counts_paragraphs_not_rows(client, people):
    client.force_login(people.translator)
    # One line per paragraph when there is no blank line; the English has one more paragraph.
    english = [*EN, "The library also plans to open a reading room for children next year."]
    response = post(client, source_text="\n".join(KO), target_text="\n".join(english))
    assert response.status_code == 302
    document = Document.objects.get()
    assert sides(document) == (KO, english)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts[0].startswith("Uploaded 4 Korean and 5 English paragraphs.")


def test_the_message_is_shown_on_the_document_page(client, people):
    client.force_login(people.translator)
    response = client.post(
        url(),
        {
            "title": TITLE,
            "source_text": "\n\n".join(KO),
            "target_text": "\n\n".join(EN),
            "translator": people.translator.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == Document.objects.get().get_absolute_url()
    assert "Uploaded 4 Korean and 4 English paragraphs." in response.content.decode()


@pytest.mark.parametrize("who", ["translator", "editor"])
def test_an_uploader_who_assigns_nobody_is_not_sent_to_a_404(client, people, who):
    client.force_login(getattr(people, who))
    response = client.post(
        url(),
        {"title": TITLE, "source_text": "\n\n".join(KO), "target_text": "\n\n".join(EN)},
        follow=True,
    )
    assert response.status_code == 200
    # Either the form asks for the people, or the uploader can open what they uploaded.
    for document in Document.objects.all():
        assert Document.objects.visible_to(getattr(people, who)).filter(pk=document.pk).exists()


# -- Files ---------------------------------------------------------------------------------


def test_docx_english_and_cp949_korean(client, people):
    client.force_login(people.translator)
    response = post(
        client,
        source_file=upload("기사.txt", "\r\n\r\n".join(KO).encode("cp949")),
        target_file=upload("story.docx", english_docx(EN[0], EN[1:])),
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert sides(document) == (KO, EN)
    assert document.source_filename == "기사.txt"
    assert document.target_filename == "story.docx"
    event = Event.objects.get(document=document, verb=Event.Verb.UPLOADED)
    assert event.payload["source_filename"] == "기사.txt"
    assert event.payload["target_filename"] == "story.docx"


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda text: text.encode("utf-16"), id="utf-16-bom"),
        pytest.param(lambda text: text.encode("utf-16-le"), id="utf-16-le-no-bom"),
    ],
)
def test_korean_text_files_in_unicode_encodings(client, people, encode):
    client.force_login(people.translator)
    response = post(
        client,
        source_file=upload("original.txt", encode("\n\n".join(KO) + "\n")),
        target_text="\n\n".join(EN),
    )
    assert response.status_code == 302
    source, target = sides(Document.objects.get())
    # No byte-order mark survives at the start of the first paragraph.
    assert source == KO
    assert target == EN


def test_markdown_file(client, people):
    client.force_login(people.translator)
    cut = EN[1].index(" ", 40)
    markdown = (
        f"# {EN[0]}\n\n"
        f"{EN[1][:cut]}\n{EN[1][cut + 1 :]}\n\n"  # a hard-wrapped paragraph
        "The library said it adjusted its hours after **steady requests** from office "
        "workers and students.\n\n"
        "---\n\n"
        f"- {EN[3]}\n"
    )
    response = post(
        client, source_text="\n\n".join(KO), target_file=upload("story.md", markdown.encode())
    )
    assert response.status_code == 302
    assert sides(Document.objects.get()) == (KO, EN)


def test_html_file(client, people):
    client.force_login(people.translator)
    page = (
        "<!DOCTYPE html><html><head><title>Not article text</title>"
        "<script>document.write('nor this')</script><style>p{color:red}</style></head>"
        "<body><nav><a href='/'>Home</a></nav><article>"
        f"<h1>{KO[0]}</h1>"
        f"<p>{KO[1]}</p>"
        f"<p>{KO[2][:10]}<b>{KO[2][10:20]}</b>{KO[2][20:]}</p>"
        f"<div><p>{KO[3]}</p></div>"
        "</article></body></html>"
    )
    response = post(
        client,
        source_file=upload("기사.html", page.encode("utf-8")),
        target_text="\n\n".join(EN),
    )
    assert response.status_code == 302
    assert sides(Document.objects.get()) == (KO, EN)


# -- People --------------------------------------------------------------------------------


def test_a_translator_uploading_is_preselected_as_translator(client, people):
    client.force_login(people.translator)
    response = client.get(url())
    assert response.status_code == 200
    assert response.context["form"]["translator"].value() == people.translator.pk
    assert response.context["form"]["editor"].value() is None
    html = response.content.decode()
    assert f'<option value="{people.translator.pk}" selected>' in html


def test_an_editor_uploading_is_not_preselected(client, people):
    client.force_login(people.editor)
    response = client.get(url())
    assert response.status_code == 200
    assert response.context["form"]["translator"].value() is None
    select = re.search(
        r'<select name="translator".*?</select>', response.content.decode(), re.DOTALL
    ).group(0)
    assert re.findall(r'<option value="(\d*)" selected>', select) == [""]


def test_chosen_translator_and_editor_are_stored(client, people):
    client.force_login(people.manager)
    response = post(
        client,
        source_text="\n\n".join(KO),
        target_text="\n\n".join(EN),
        translator=people.outsider.pk,
        editor=people.editor.pk,
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.translator == people.outsider
    assert document.editor == people.editor
    assert document.created_by == people.manager


def test_a_person_outside_the_role_cannot_be_chosen(client, people):
    client.force_login(people.manager)
    before = counts()
    response = post(
        client,
        source_text="\n\n".join(KO),
        target_text="\n\n".join(EN),
        translator=people.editor.pk,  # an editor, not a translator
    )
    assert response.status_code == 200
    assert "translator" in response.context["form"].errors
    assert counts() == before


# -- Refusals ------------------------------------------------------------------------------


def zip_bomb_declared_size() -> bytes:
    """A real .docx whose central directory claims word/document.xml is 200 MB."""
    data = bytearray(english_docx(EN[0], EN[1:]))
    target = b"word/document.xml"
    huge = 200 * 1024 * 1024
    patched = 0
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if bytes(data[offset + 46 : offset + 46 + name_length]) == target:
            struct.pack_into("<I", data, offset + 24, huge)  # uncompressed size
            patched += 1
        offset = data.find(b"PK\x01\x02", offset + 4)
    offset = data.find(b"PK\x03\x04")
    while offset != -1:
        name_length = struct.unpack_from("<H", data, offset + 26)[0]
        if bytes(data[offset + 30 : offset + 30 + name_length]) == target:
            struct.pack_into("<I", data, offset + 22, huge)
            patched += 1
        offset = data.find(b"PK\x03\x04", offset + 4)
    assert patched == 2
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(target.decode()).file_size == huge
    return bytes(data)


def zip_bomb_real_ratio() -> bytes:
    """A real .docx carrying a 20 MB part of zeros that compresses to a few kilobytes."""
    source = zipfile.ZipFile(io.BytesIO(english_docx(EN[0], EN[1:])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr("word/media/padding.bin", bytes(20 * 1024 * 1024))
    assert len(out.getvalue()) < 200 * 1024
    return out.getvalue()


def random_bytes(seed, size):
    return random.Random(seed).randbytes(size)


REFUSED_FILES = [
    pytest.param(
        "target",
        "story.docx",
        lambda: random_bytes(1, 4096),
        "is not a valid Word document",
        id="docx-random-bytes",
    ),
    pytest.param(
        "target",
        "bomb.docx",
        zip_bomb_declared_size,
        "expands to more than 50 MB",
        id="docx-zip-bomb-declared-size",
    ),
    pytest.param(
        "target",
        "bomb.docx",
        zip_bomb_real_ratio,
        "compressed suspiciously well",
        id="docx-zip-bomb-ratio",
    ),
    pytest.param(
        "source",
        "original.txt",
        lambda: random_bytes(2, 4096),
        "looks like a binary file",
        id="binary-txt",
    ),
    pytest.param(
        "source",
        "article.pdf",
        lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "is not a file type we can read",
        id="pdf",
    ),
    pytest.param("target", "blank.txt", lambda: b"\r\n \t\r\n\r\n", "has no text", id="blank-txt"),
]


@pytest.mark.parametrize(("side", "name", "build", "message"), REFUSED_FILES)
def test_unreadable_files_get_a_message_and_write_nothing(
    client, people, side, name, build, message
):
    client.force_login(people.translator)
    other = "target" if side == "source" else "source"
    before = counts()
    response = client.post(
        url(),
        {
            "title": TITLE,
            f"{side}_file": upload(name, build()),
            f"{other}_text": "\n\n".join(KO if other == "source" else EN),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[f"{side}_file"]
    assert len(errors) == 1
    assert errors[0].startswith(name)
    assert message in errors[0]
    assert message in response.content.decode()
    assert counts() == before


def test_an_empty_file_is_refused(client, people):
    client.force_login(people.translator)
    before = counts()
    response = post(client, source_file=upload("empty.txt", b""), target_text="\n\n".join(EN))
    assert response.status_code == 200
    assert response.context["form"].errors["source_file"] == ["The submitted file is empty."]
    assert counts() == before


def test_file_and_pasted_text_on_one_side_is_refused(client, people):
    client.force_login(people.translator)
    before = counts()
    response = client.post(
        url(),
        {
            "title": TITLE,
            "source_file": upload("original.txt", "\n\n".join(KO).encode()),
            "source_text": "\n\n".join(KO),
            "target_text": "\n\n".join(EN),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["source_file"] == [
        "Give the Korean original as a file or as pasted text, not both."
    ]
    assert "not both" in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (
            {"source_text": "\n\n".join(KO)},
            "target_text",
            "Add the English translation: upload a file or paste the text.",
        ),
        (
            {"target_text": "\n\n".join(EN)},
            "source_text",
            "Add the Korean original: upload a file or paste the text.",
        ),
        (
            {"source_text": "  \n\n \t ", "target_text": "\n\n".join(EN)},
            "source_text",
            "Add the Korean original: upload a file or paste the text.",
        ),
    ],
)
def test_a_missing_side_is_refused(client, people, given, field, message):
    client.force_login(people.translator)
    before = counts()
    response = client.post(url(), {"title": TITLE, **given})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused(client, people, title):
    client.force_login(people.translator)
    before = counts()
    response = client.post(
        url(), {"title": title, "source_text": "\n\n".join(KO), "target_text": "\n\n".join(EN)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert "This field is required." in response.content.decode()
    assert counts() == before


def test_an_oversize_file_is_refused(client, people, settings):
    settings.WORKBENCH_MAX_UPLOAD_BYTES = 64 * 1024
    client.force_login(people.translator)
    line = "도서관은 시민 누구나 이용할 수 있는 공공시설이다.\n\n"
    data = (line * 2000).encode("utf-8")
    assert len(data) > 64 * 1024
    before = counts()
    response = client.post(
        url(),
        {
            "title": TITLE,
            "source_file": upload("long.txt", data),
            "target_text": "\n\n".join(EN),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["source_file"]
    assert errors == ["long.txt is larger than the 0.0625 MB limit."]
    assert counts() == before


def test_a_file_at_the_limit_is_accepted(client, people, settings):
    data = ("\n\n".join(KO) + "\n").encode("utf-8")
    settings.WORKBENCH_MAX_UPLOAD_BYTES = len(data)
    client.force_login(people.translator)
    response = post(client, source_file=upload("exact.txt", data), target_text="\n\n".join(EN))
    assert response.status_code == 302
    assert sides(Document.objects.get())[0] == KO


LONG_ENGLISH = ("The reading room will stay quiet. " * 300).strip()
LONG_KOREAN = ("열람실은 조용하게 운영된다. " * 700).strip()
assert len(LONG_ENGLISH) > MAX_PARAGRAPH_CHARS and len(LONG_KOREAN) > MAX_PARAGRAPH_CHARS

TOO_LONG = [
    pytest.param(
        {"source_text": "\n\n".join(KO), "target_text": "\n\n".join([*EN[:3], LONG_ENGLISH])},
        "target_text",
        id="english",
    ),
    pytest.param(
        {"source_text": "\n\n".join([*KO[:3], LONG_KOREAN]), "target_text": "\n\n".join(EN)},
        "source_text",
        id="korean",
    ),
]


@pytest.mark.parametrize(("given", "field"), TOO_LONG)
def test_a_paragraph_over_the_cap_gets_a_form_message(client, people, given, field):
    client.force_login(people.translator)
    before = counts()
    response = client.post(url(), {"title": TITLE, **given})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any("10,000" in message for message in errors.get(field, []) + errors.get("__all__", []))
    assert "10,000" in response.content.decode()
    assert counts() == before


def test_an_english_paragraph_over_the_cap_is_refused_on_the_form_and_writes_nothing(
    client, people
):
    client.force_login(people.translator)
    before = counts()
    response = client.post(
        url(),
        {
            "title": TITLE,
            "source_text": "\n\n".join(KO),
            "target_text": "\n\n".join([*EN[:3], LONG_ENGLISH]),
        },
    )
    assert response.status_code == 200
    message = (
        f"Paragraph 4 of the English translation is {len(LONG_ENGLISH):,} characters long; "
        "the limit is 10,000."
    )
    assert response.context["form"].errors == {"target_text": [message]}
    assert message in response.content.decode()
    assert counts() == before


# -- Access and headers --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, db, method):
    before = counts()
    response = getattr(client, method)(
        url(), {"title": TITLE, "source_text": KO[1], "target_text": EN[1]}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]
    assert counts() == before


def test_the_form_renders_with_a_strict_csp(client, people):
    client.force_login(people.translator)
    response = client.get(url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for name in ("title", "source_file", "source_text", "target_file", "target_text"):
        assert f'name="{name}"' in html
    assert 'accept=".txt,.md,.markdown,.docx,.html,.htm"' in html
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_too_many_paragraphs_are_refused_and_write_nothing(client, people):
    client.force_login(people.translator)
    before = counts()
    many = "\n\n".join(f"Paragraph {i}." for i in range(2_001))
    response = post(client, source_text="\n\n".join(KO), target_text=many)
    assert response.status_code == 200
    assert "has 2,001 paragraphs; the limit is 2,000" in response.content.decode()
    assert counts() == before


# -- Size caps while the request arrives ----------------------------------------------------


def bytes_read(response):
    """How much of the request body the app read: the test client's payload counts down."""
    payload = response.wsgi_request.environ["wsgi.input"]
    return int(response.wsgi_request.environ["CONTENT_LENGTH"]) - len(payload)


def test_a_30_mb_upload_is_refused_without_being_read(client, people):
    client.force_login(people.translator)
    before = counts()
    huge = upload("huge.txt", b"a" * (30 * 1024 * 1024))
    response = client.post(
        url(), {"title": TITLE, "source_file": huge, "target_text": "\n\n".join(EN)}
    )
    assert response.status_code == 200
    message = "This upload is 30 MB; the limit is 5 MB per file and 11 MB in all."
    assert response.context["form"].errors == {"__all__": [message]}
    assert message in response.content.decode()
    # The title, sent before the file, is shown again.
    assert response.context["form"]["title"].value() == TITLE
    assert int(response.wsgi_request.environ["CONTENT_LENGTH"]) > 30 * 1024 * 1024
    read = bytes_read(response)
    assert read <= 256 * 1024, f"read {read / 1024:.0f} KB"
    assert not response.wsgi_request.FILES
    assert counts() == before


def test_a_file_over_the_cap_in_a_request_under_the_total_is_cut_off_at_the_cap(client, people):
    client.force_login(people.translator)
    before = counts()
    response = client.post(
        url(),
        {
            "title": TITLE,
            "source_file": upload("long.txt", b"a" * (8 * 1024 * 1024)),
            "target_text": "\n\n".join(EN),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "source_file": ["long.txt is larger than the 5 MB limit."]
    }
    read = bytes_read(response)
    assert 5 * 1024 * 1024 < read <= 5 * 1024 * 1024 + 256 * 1024, f"read {read} bytes"
    assert not response.wsgi_request.FILES
    assert counts() == before


def test_a_request_over_the_total_cap_is_refused_before_its_files_are_read(
    client, people, settings
):
    settings.WORKBENCH_MAX_REQUEST_BYTES = 256 * 1024
    client.force_login(people.translator)
    before = counts()
    response = client.post(
        url(),
        {
            "title": TITLE,
            "source_file": upload("ko.txt", ("가나다 " * 40_000).encode()),
            "target_file": upload("en.txt", b"word " * 40_000),
        },
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["__all__"]
    assert message == "This upload is 0.573 MB; the limit is 5 MB per file and 0.25 MB in all."
    assert bytes_read(response) <= 256 * 1024
    assert counts() == before


def test_two_files_under_both_caps_are_read_in_memory(client, people, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(people.translator)
    response = post(
        client,
        source_file=upload("ko.txt", "\n\n".join(KO).encode()),
        target_file=upload("en.txt", "\n\n".join(EN).encode()),
    )
    assert response.status_code == 302
    assert sides(Document.objects.get()) == (KO, EN)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_file_sent_before_every_other_field_still_gets_its_message(client, people):
    client.force_login(people.translator)
    before = counts()
    huge = upload("huge.txt", b"a" * (12 * 1024 * 1024))
    response = client.post(url(), {"source_file": huge, "title": TITLE})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["__all__"] == [
        "This upload is 12 MB; the limit is 5 MB per file and 11 MB in all."
    ]
    assert counts() == before
