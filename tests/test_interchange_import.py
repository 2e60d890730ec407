"""Documents out to XLIFF, TMX and review files and back in: commands, the upload page, the
memory store; Korean and special characters through every format; hostile XML refused."""

import io
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree

from reviews import editing, workflow
from reviews.cleaning import clean_text
from reviews.comments import add_comment
from reviews.exporting import ALL_FORMATS, export_document
from reviews.formats import EXPORT_FORMATS, read_tmx, read_upload, read_xliff
from reviews.models import Comment, Document, Event, MemoryUnit, Paragraph, Revision, Stage
from tests.conftest import ENGLISH, KOREAN, new_document, shared_file
from tests.test_commands import Cli

REPO = Path(__file__).resolve().parent.parent
TRICKY = 'Cafe\u0301 & <b>bold</b> "quoted" \'single\' 😀 — 서울 "따옴표" & <태그>'
FILES = Path(__file__).parent / "files" / "interchange"


def approved_document(people, *, target=ENGLISH):
    """Every row approved by the editor, one comment on a row and one on the document, then
    the document approved."""
    document = new_document(people, ("confirm_pairing", "submit_for_review"), target=target)
    rows = list(document.paragraphs.order_by("position"))
    question = add_comment(
        people.editor,
        document,
        "Say 'plenary session' & keep <the> date.",
        paragraph=rows[1],
        category="terminology",
        severity="minor",
    )
    add_comment(people.translator, document, "Done, thanks.", reply_to=question)
    add_comment(people.editor, document, "기사 전체에 대한 메모 😀", category="style")
    for row in rows:
        editing.approve_paragraph(people.editor, row.pk)
    workflow.take_transition(people.editor, "approve", document)
    document.refresh_from_db()
    return document


def table_counts():
    return tuple(
        model.objects.count()
        for model in (Document, Paragraph, Revision, Comment, Event, MemoryUnit)
    )


def comments_of(document):
    return sorted(
        (
            c.paragraph.position if c.paragraph else -1,
            c.author.username,
            c.body,
            c.category,
            c.severity,
        )
        for c in document.comments.select_related("paragraph", "author")
    )


def export_to(tmp_path, document, fmt, user=None):
    data, _, filename = export_document(document, fmt, user)
    path = tmp_path / filename
    path.write_bytes(data)
    return path


# -- schema validation of real documents' exports -------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "schema"), [("xliff12", "xliff-core-1.2-strict.xsd"), ("xliff", "xliff_core_2.0.xsd")]
)
def test_a_documents_xliff_is_valid(people, fmt, schema):
    document = approved_document(people)
    xsd = etree.XMLSchema(etree.parse(str(shared_file("schemas", schema))))

    data, content_type, filename = export_document(document, fmt, people.editor)

    assert xsd.validate(etree.fromstring(data)), xsd.error_log
    assert filename.endswith(".xlf") and content_type.startswith("application/xliff+xml")


def test_a_documents_tmx_is_valid_with_translator_editor_dates_and_title(people):
    document = approved_document(people)
    with shared_file("schemas", "tmx14.dtd").open("rb") as file:
        dtd = etree.DTD(file)

    data, _, _ = export_document(document, "tmx", people.editor)

    root = etree.fromstring(data)
    assert dtd.validate(root), dtd.error_log
    units = root.findall("body/tu")
    assert len(units) == len(KOREAN)
    assert {(tu.get("creationid"), tu.get("changeid")) for tu in units} == {("mina", "daniel")}
    assert all(len(tu.get("creationdate")) == 16 and tu.get("changedate") for tu in units)
    assert {tu.findtext("prop[@type='x-document-title']") for tu in units} == {"Budget passed"}


def test_tmx_of_one_document_carries_only_approved_pairs(people, document):
    rows = list(document.paragraphs.order_by("position"))
    workflow.take_transition(people.translator, "submit_for_review", document)
    editing.approve_paragraph(people.editor, rows[2].pk)

    pairs = read_tmx(export_document(document, "tmx")[0], "one.tmx")

    assert [(p.source, p.target) for p in pairs] == [(KOREAN[2], ENGLISH[2])]


# -- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xliff12", "xliff"])
def test_our_xliff_comes_back_as_the_same_document(people, tmp_path, fmt):
    document = approved_document(people)
    path = export_to(tmp_path, document, fmt)
    out = io.StringIO()

    call_command(
        "import_xliff", str(path), "--title", "Returned", "--translator", "mina",
        "--editor", "daniel", stdout=out,
    )  # fmt: skip

    copy = Document.objects.get(pk=int(out.getvalue()))
    assert copy.pk != document.pk and copy.title == "Returned"
    assert copy.stage == Stage.TRANSLATING
    fields = ("source", "text", "status")
    assert list(copy.paragraphs.order_by("position").values_list(*fields)) == list(
        document.paragraphs.order_by("position").values_list(*fields)
    )
    assert comments_of(copy) == comments_of(document)
    replies = list(
        copy.comments.filter(reply_to__isnull=False).values_list("body", "reply_to__body")
    )
    if fmt == "xliff":
        assert replies == [("Done, thanks.", "Say 'plenary session' & keep <the> date.")]
    else:
        assert replies == []  # XLIFF 1.2 notes have no ids: a reply comes back as a comment
    # The file's text is each row's first revision, as with an upload.
    assert Revision.objects.filter(paragraph__document=copy).count() == len(KOREAN)


def test_tmx_comes_back_into_the_memory_with_ids_and_dates(people, tmp_path):
    document = approved_document(people)
    path = tmp_path / "memory.tmx"
    call_command("export_tmx", "-o", str(path))
    out = io.StringIO()

    call_command("import_tmx", str(path), "--user", "jiwon", stdout=out)

    assert out.getvalue().strip() == f"Imported {len(KOREAN)} pairs (0 already in the memory)."
    units = list(MemoryUnit.objects.order_by("pk"))
    assert [(u.source, u.target) for u in units] == list(zip(KOREAN, ENGLISH, strict=True))
    first = units[0]
    assert (first.source_lang, first.target_lang) == ("ko", "en")
    assert (first.creation_id, first.change_id) == ("mina", "daniel")
    assert first.creation_date is not None and first.change_date is not None
    assert abs((first.creation_date - document.created_at).total_seconds()) < 5
    assert (first.origin, first.imported_by.username) == ("memory.tmx", "jiwon")

    call_command("import_tmx", str(path), stdout=out)
    assert MemoryUnit.objects.count() == len(KOREAN)  # the same pairs are not added twice


def test_export_tmx_for_a_user_holds_only_what_they_may_see(people, tmp_path):
    approved_document(people)

    for username, expected in (("mina", len(KOREAN)), ("tae", 0), ("jiwon", len(KOREAN))):
        path = tmp_path / f"{username}.tmx"
        call_command("export_tmx", "--user", username, "-o", str(path))
        assert len(etree.parse(str(path)).findall("body/tu")) == expected


def test_export_tmx_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("export_tmx", "--user", "nobody")


# -- other tools' files -----------------------------------------------------------------------


def test_a_memoq_file_becomes_a_document_with_placeholders_and_its_note(people):
    out = io.StringIO()

    call_command(
        "import_xliff", str(FILES / "memoq-1.2.mqxliff"), "--title", "From memoQ",
        "--translator", "mina", stdout=out,
    )  # fmt: skip

    document = Document.objects.get(pk=int(out.getvalue()))
    rows = list(document.paragraphs.order_by("position").values_list("source", "text", "status"))
    assert rows == [
        ("예산은 {1}12조 원{/1}이다.", "The budget is {1}12 trillion won{/1}.", "translated"),
        ("시장{2/}발표", "Mayor{2/}statement", "approved"),
        ("아직 번역하지 않았다.", "", "translated"),
    ]
    assert (document.source_lang, document.target_lang) == ("ko-KR", "en-US")
    # The note's author is nobody here: the importer is the author, the name stays in the text.
    assert comments_of(document) == [(0, "mina", "(from editor kim) Is the unit right?", "", "")]


def test_notes_that_answer_each_other_keep_every_note_as_a_comment(people, tmp_path):
    path = tmp_path / "threads.xlf"
    path.write_text(
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0"'
        ' xmlns:wb="urn:x-workbench:interchange:1"'
        ' version="2.1" srcLang="ko" trgLang="en"><file id="f"><unit id="u"><notes>'
        '<note id="a">Start</note>'
        '<note id="b" wb:replyTo="a">Reply</note>'
        '<note id="c" wb:replyTo="b">Reply to the reply</note>'
        '<note id="d" wb:replyTo="e">Circle one</note>'
        '<note id="e" wb:replyTo="d">Circle two</note>'
        "</notes><segment><source>원문</source><target>Text</target></segment></unit></file></xliff>"
    )
    out = io.StringIO()

    call_command("import_xliff", str(path), "--title", "Threads", "--editor", "daniel", stdout=out)

    document = Document.objects.get(pk=int(out.getvalue()))
    thread = {c.body: (c.reply_to.body if c.reply_to else None) for c in document.comments.all()}
    assert thread == {
        "Start": None,
        "Reply": "Start",
        "Reply to the reply": "Start",
        "Circle one": None,
        "Circle two": None,
    }


def test_an_omegat_note_with_a_category_we_do_not_have_keeps_it_in_the_text(people):
    out = io.StringIO()
    call_command(
        "import_xliff", str(FILES / "omegat-2.0.xlf"), "--title", "OmegaT", "--editor", "daniel",
        stdout=out,
    )  # fmt: skip

    document = Document.objects.get(pk=int(out.getvalue()))
    assert document.paragraphs.count() == 7
    assert comments_of(document) == [(1, "daniel", "[memoQ] Translator's query.", "", "")]


# -- Korean and special characters through every format -----------------------------------


@pytest.mark.parametrize("fmt", list(ALL_FORMATS))
def test_korean_and_special_characters_survive_every_format(people, fmt):
    document = new_document(people, source=[*KOREAN[:2], TRICKY], target=[*ENGLISH[:2], TRICKY])
    document.paragraphs.update(status=Paragraph.Status.APPROVED)

    data, _, filename = export_document(document, fmt)

    if fmt in ("xliff", "xliff12"):
        units = read_xliff(data, filename).units
        texts = [unit.source for unit in units] + [unit.target for unit in units]
    elif fmt == "tmx":
        pairs = read_tmx(data, filename)
        texts = [pair.source for pair in pairs] + [pair.target for pair in pairs]
    elif fmt == "bilingual-docx":
        table = docx.Document(io.BytesIO(data)).tables[0]
        texts = [cell.text for row in table.rows for cell in row.cells]
    elif fmt == "bilingual-html":
        root = etree.fromstring(data, etree.HTMLParser())
        texts = ["".join(cell.itertext()) for cell in root.iter("td")]
    elif fmt == "docx":
        texts = [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]
    elif fmt == "html":
        texts = [
            "".join(p.itertext()) for p in etree.fromstring(data, etree.HTMLParser()).iter("p")
        ]
    elif fmt == "txt":
        texts = data.decode("utf-8").strip().split("\n\n")
    else:
        # Markdown escapes its own characters; its reader undoes that.
        texts = read_upload(data, filename, max_bytes=len(data))
    # The final-English exports clean what they write (reviews.cleaning: NFC), so there the
    # accent comes out composed; the bilingual files carry the stored text as it is.
    assert (clean_text(TRICKY) if fmt in EXPORT_FORMATS else TRICKY) in texts
    if fmt in ("xliff", "xliff12", "tmx", "bilingual-docx", "bilingual-html"):
        assert texts.count(TRICKY) == 2 and KOREAN[1] in texts


# -- review files --------------------------------------------------------------------------


def test_review_docx_is_a_table_with_status_comments_credit_and_a_draft_mark(people, document):
    rows = list(document.paragraphs.order_by("position"))
    add_comment(
        people.editor, document, "Check the date.", paragraph=rows[1], category="accuracy",
        severity="major",
    )  # fmt: skip

    data, _, filename = export_document(document, "bilingual-docx")

    word = docx.Document(io.BytesIO(data))
    table = [[cell.text for cell in row.cells] for row in word.tables[0].rows]
    assert table[0] == ["#", "Korean", "English", "Status", "Comments"]
    assert table[2] == [
        "2",
        KOREAN[1],
        ENGLISH[1],
        "Translated",
        "Daniel Park (accuracy, major): Check the date.",
    ]
    lines = [paragraph.text for paragraph in word.paragraphs]
    assert "Draft, not approved: translating" in lines
    assert lines[-1] == document.credit_line
    assert filename.endswith(".docx")


def test_review_html_has_the_same_table_and_no_draft_mark_once_approved(people):
    document = approved_document(people)

    data, content_type, _ = export_document(document, "bilingual-html")

    root = etree.fromstring(data, etree.HTMLParser())
    cells = [[("".join(td.itertext())) for td in tr.iter("td")] for tr in root.iter("tr")][1:]
    assert [row[:4] for row in cells] == [
        [str(n), ko, en, "Approved"]
        for n, (ko, en) in enumerate(zip(KOREAN, ENGLISH, strict=True), start=1)
    ]
    assert "Daniel Park (terminology, minor)" in cells[1][4]
    assert root.find(".//*[@class='draft']") is None
    assert root.findtext(".//p[@class='credit']") == document.credit_line
    assert content_type.startswith("text/html")


def test_export_document_command_writes_every_format(people, tmp_path):
    document = approved_document(people)

    for fmt in ALL_FORMATS:
        path = tmp_path / f"out-{fmt}"
        call_command("export_document", str(document.pk), "--format", fmt, "-o", str(path))
        assert path.stat().st_size > 0
    exported = Event.objects.filter(document=document, verb=Event.Verb.EXPORTED)
    assert sorted(exported.values_list("payload__format", flat=True)) == sorted(ALL_FORMATS)


# -- hostile XML ------------------------------------------------------------------------------

SECRET = "the-secret-in-a-local-file"


def hostile_files(folder: Path, with_big_file=False):
    secret = folder / "secret.txt"
    secret.write_text(SECRET)
    x2 = 'xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="ko" trgLang="en"'
    unit = '<file id="f"><unit id="u"><segment><source>{}</source></segment></unit></file>'
    laughs = "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n else "lol"}">' for n in range(10)
    )
    files = {
        "billion-laughs.xlf": (
            f"<!DOCTYPE xliff [{laughs}]><xliff {x2}>{unit.format('&lol9;')}</xliff>"
        ),
        "external-entity.xlf": (
            f'<!DOCTYPE xliff [<!ENTITY leak SYSTEM "file://{secret}">]>'
            f"<xliff {x2}>{unit.format('&leak;')}</xliff>"
        ),
        "with-a-dtd.xlf": (
            f"<!DOCTYPE xliff [<!ELEMENT xliff ANY>]><xliff {x2}>{unit.format('text')}</xliff>"
        ),
        "parameter-entity.tmx": (
            f'<!DOCTYPE tmx [<!ENTITY % remote SYSTEM "file://{secret}"> %remote;]>'
            '<tmx version="1.4"><header srclang="ko"/><body/></tmx>'
        ),
    }
    paths = {}
    for name, text in files.items():
        paths[name] = folder / name
        paths[name].write_text(text, encoding="utf-8")
    if not with_big_file:
        return paths
    big = folder / "fifty-megabytes.xlf"
    with big.open("wb") as file:
        file.write(f"<xliff {x2}><file id='f'><unit id='u'><segment><source>".encode())
        file.write(b"a" * (50 * 1024 * 1024))
        file.write(b"</source></segment></unit></file></xliff>")
    paths[big.name] = big
    return paths


DTD_REFUSED = (
    "contains a document type declaration (DTD), which is not allowed, so it was not opened."
)
ENTITIES_REFUSED = "declares or uses entities, which are not allowed, so it was not opened."
REFUSALS = {
    "billion-laughs.xlf": ENTITIES_REFUSED,
    "external-entity.xlf": DTD_REFUSED,
    "with-a-dtd.xlf": DTD_REFUSED,
    # Its parameter entities stop the parser before anything is read.
    "parameter-entity.tmx": "is not well-formed XML (line 1).",
    "fifty-megabytes.xlf": "is larger than the 20 MB limit.",
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_hostile_files_are_refused_by_both_import_commands_and_nothing_is_written(
    people, tmp_path, name
):
    path = hostile_files(tmp_path, with_big_file=name == "fifty-megabytes.xlf")[name]
    before = table_counts()

    for command in ("import_xliff", "import_tmx"):
        arguments = [str(path), "--title", "Hostile"] if command == "import_xliff" else [str(path)]
        with pytest.raises(CommandError) as refused:
            call_command(
                command,
                *arguments,
                "--" + ("translator" if command == "import_xliff" else "user"),
                "mina",
            )
        assert str(refused.value) == f"{name} {REFUSALS[name]}"

    assert table_counts() == before


def test_hostile_xliff_on_the_upload_page_is_refused_with_nothing_written(client, people, tmp_path):
    paths = hostile_files(tmp_path)
    client.force_login(people.translator)
    before = table_counts()

    for name in ("billion-laughs.xlf", "external-entity.xlf", "with-a-dtd.xlf"):
        with paths[name].open("rb") as upload:
            response = client.post(
                reverse("upload_xliff"), {"xliff-title": "Hostile", "xliff-xliff_file": upload}
            )
        assert response.status_code == 200
        assert f"{name} {REFUSALS[name]}" in response.content.decode()
        assert SECRET not in response.content.decode()

    assert table_counts() == before


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("cli"))
    for command in (["migrate", "--noinput"], ["demo"]):
        result = cli.run(*command)
        assert result.returncode == 0, result.stderr.decode()
    return cli


def test_import_xliff_prints_the_id_or_one_line_on_stderr_and_exits_non_zero(cli, tmp_path):
    paths = hostile_files(tmp_path)
    good = FILES / "omegat-2.0.xlf"
    before = cli.counts()

    refused = cli.run(
        "import_xliff", paths["external-entity.xlf"], "--title", "X", "--translator", "translator"
    )
    made = cli.run("import_xliff", good, "--title", "OmegaT file", "--translator", "translator")

    assert refused.returncode != 0 and refused.stdout == b""
    assert refused.stderr.decode().splitlines() == [
        f"CommandError: external-entity.xlf {REFUSALS['external-entity.xlf']}"
    ]
    assert made.returncode == 0, made.stderr.decode()
    new_id = int(made.stdout.decode())
    assert cli.query("SELECT title FROM reviews_document WHERE id = ?", new_id) == [
        ("OmegaT file",)
    ]
    assert cli.counts()["reviews_document"] == before["reviews_document"] + 1


# -- the pages ------------------------------------------------------------------------------


def test_the_document_page_offers_every_export(client, people, document):
    client.force_login(people.translator)

    page = client.get(document.get_absolute_url()).content.decode()

    for fmt in ALL_FORMATS:
        assert f'href="{reverse("export", args=[document.pk, fmt])}"' in page


def test_the_upload_page_turns_an_xliff_file_into_a_document(client, people):
    client.force_login(people.translator)
    assert 'action="/documents/new/xliff/"' in client.get(reverse("upload")).content.decode()

    with (FILES / "trados-studio-1.2.sdlxliff").open("rb") as upload:
        response = client.post(
            reverse("upload_xliff"),
            {
                "xliff-title": "From Trados",
                "xliff-xliff_file": upload,
                "xliff-editor": people.editor.pk,
            },
        )

    document = Document.objects.get(title="From Trados")
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert (document.translator, document.editor) == (people.translator, people.editor)
    assert list(document.paragraphs.values_list("status", flat=True)) == [
        "approved",
        "translated",
        "approved",
    ]
    assert document.events.get(verb=Event.Verb.UPLOADED).payload["format"] == "xliff"


def test_an_outsider_cannot_export_a_bilingual_file(client, people, document):
    client.force_login(people.outsider)

    for fmt in ("xliff12", "bilingual-docx", "bilingual-html"):
        assert client.get(reverse("export", args=[document.pk, fmt])).status_code == 404


def test_an_xliff_upload_over_the_size_cap_is_refused_before_it_is_read(client, people, settings):
    settings.WORKBENCH_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(people.translator)
    # Not even XML: the size alone refuses it.
    upload = SimpleUploadedFile("big.xlf", b"<" * (1024 * 1024 + 1))
    before = table_counts()

    response = client.post(
        reverse("upload_xliff"), {"xliff-title": "Big", "xliff-xliff_file": upload}
    )

    assert response.status_code == 200
    assert "big.xlf is larger than the 1 MB limit." in response.content.decode()
    assert table_counts() == before


def test_the_desk_page_offers_every_approved_pair_the_person_may_see(client, people):
    approved_document(people)

    for person, expected in ((people.editor, len(KOREAN)), (people.outsider, 0)):
        client.force_login(person)
        assert reverse("export_memory") in client.get(reverse("dashboard")).content.decode()
        response = client.get(reverse("export_memory"))
        assert response["Content-Disposition"] == 'attachment; filename="approved-pairs.tmx"'
        units = etree.fromstring(response.content).findall("body/tu")
        assert len(units) == expected
