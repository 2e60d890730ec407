"""Management commands: demo, import_document and export_document, in process and as a CLI."""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import docx
import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from reviews import editing, memory, workflow
from reviews.management.commands.demo import DEMO_PASSWORD, DEMO_TITLE, EARLIER_TITLE, TERMS
from reviews.models import (
    Comment,
    Document,
    Event,
    GlossaryChange,
    GlossaryTerm,
    Paragraph,
    Revision,
    Role,
    Stage,
)
from tests.conftest import new_document

REPO = Path(__file__).resolve().parent.parent

KO = [
    "대전 유성구, 하천 산책로 야간 조명 교체",
    "대전 유성구는 갑천 산책로의 가로등 120개를 발광다이오드 조명으로 바꾼다고 7일 밝혔다.",
    "구는 이번 교체로 전기 요금이 해마다 약 30% 줄어들 것으로 내다봤다.",
]
EN = [
    "Yuseong district replaces night lighting on riverside trail",
    "Yuseong District in Daejeon said on the 7th that it will replace 120 streetlights "
    "along the Gapcheon trail with LED lamps.",
    "The district expects the change to cut its electricity bill by about 30% a year.",
]
CREDIT = "Translated by Mina Seo. Edited by Daniel Park."


def counts():
    return (
        get_user_model().objects.count(),
        Group.objects.count(),
        Document.objects.count(),
        Paragraph.objects.count(),
        Revision.objects.count(),
        Comment.objects.count(),
        Event.objects.count(),
        GlossaryTerm.objects.count(),
        GlossaryChange.objects.count(),
    )


def write(path: Path, paragraphs, encoding="utf-8") -> Path:
    path.write_bytes("\n\n".join(paragraphs).encode(encoding))
    return path


# -- A separate database for the command line ----------------------------------------------


class Cli:
    """manage.py in a subprocess, on its own migrated SQLite file with the demo people."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.database = folder / "cli.sqlite3"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DATABASE_POOL"}
        }
        self.env["DATABASE_URL"] = f"sqlite:///{self.database}"
        self.env["DJANGO_SETTINGS_MODULE"] = "workbench.settings"

    def run(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *map(str, args)],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            timeout=120,
            check=False,
        )

    def counts(self):
        with sqlite3.connect(self.database) as connection:
            return {
                table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in (
                    "reviews_document",
                    "reviews_paragraph",
                    "reviews_revision",
                    "reviews_event",
                )
            }

    def query(self, sql, *params):
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("cli"))
    assert str(cli.database).startswith("/")  # so the URL reads sqlite:////abs/path
    for command in (["migrate", "--noinput"], ["demo"]):
        result = cli.run(*command)
        assert result.returncode == 0, result.stderr.decode()
    return cli


def one_line_error(result) -> str:
    assert result.returncode != 0
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, result.stderr.decode()
    return lines[0]


# -- demo ----------------------------------------------------------------------------------


def test_demo_creates_people_in_their_groups_and_the_demo_document(db):
    out = io.StringIO()
    call_command("demo", stdout=out)
    users = get_user_model().objects
    expected = {
        "translator": [Role.TRANSLATOR],
        "editor": [Role.EDITOR],
        "manager": [Role.MANAGER],
        "outsider": [Role.TRANSLATOR],
    }
    for username, groups in expected.items():
        user = users.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == groups
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_active and not user.is_superuser
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(Role.values)
    document = Document.objects.get(title=DEMO_TITLE)
    assert document.translator.username == "translator"
    assert document.editor.username == "editor"
    assert document.paragraphs.count() > 3
    assert Event.objects.filter(document=document, verb=Event.Verb.UPLOADED).count() == 1
    text = out.getvalue()
    assert f"Created the demo document #{document.pk}." in text
    assert f"password for all: {DEMO_PASSWORD}" in text
    for username in expected:
        assert f"  {username} " in text
    assert "Mina Seo, translator" in text
    assert "Tae Oh, translator (sees no documents)" in text
    assert Document.objects.visible_to(users.get(username="outsider")).count() == 0


def test_demo_seeds_the_articles_terms_and_an_approved_story_the_memory_suggests(client, db):
    call_command("demo", stdout=io.StringIO())
    article = Document.objects.get(title=DEMO_TITLE)
    korean = "\n".join(article.paragraphs.values_list("source", flat=True))
    terms = set(GlossaryTerm.objects.values_list("korean", "english"))
    assert terms == {(korean, english) for korean, english, *_ in TERMS}
    assert all(term in korean for term, _ in terms)
    # Through the glossary's functions: each addition is in its log, by the editor.
    assert set(GlossaryChange.objects.values_list("korean", "actor__username")) == {
        (term, "editor") for term, _ in terms
    }
    earlier = Document.objects.get(title=EARLIER_TITLE)
    assert earlier.stage == Stage.APPROVED
    assert not earlier.paragraphs.exclude(status=Paragraph.Status.APPROVED).exists()

    translator = get_user_model().objects.get(username="translator")
    suggested = {
        row.pk: memory.suggestions(translator, row.source, exclude_document=article)
        for row in article.paragraphs.all()
    }
    assert sum(bool(found) for found in suggested.values()) >= 3
    assert {s.origin for found in suggested.values() for s in found} == {EARLIER_TITLE}

    # What `make run` shows: the terms marked in the article, a suggestion beside a row.
    client.force_login(translator)
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('class="glossary-term"') >= len(TERMS)
    row = next(pk for pk, found in suggested.items() if found)
    view = client.get(reverse("memory", args=[article.pk, row])).content.decode()
    assert EARLIER_TITLE in view and earlier.get_absolute_url() in view
    # The outsider still sees nothing.
    outsider = get_user_model().objects.get(username="outsider")
    assert Document.objects.visible_to(outsider).count() == 0


def test_demo_twice_changes_nothing(db):
    call_command("demo", stdout=io.StringIO())
    before = counts()
    texts = list(Paragraph.objects.order_by("pk").values_list("text", flat=True))
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert counts() == before
    assert list(Paragraph.objects.order_by("pk").values_list("text", flat=True)) == texts
    # The second run still prints the logins but creates no document.
    assert "Created the demo document" not in out.getvalue()
    assert "Demo logins" in out.getvalue()


def test_demo_keeps_a_changed_password(db):
    call_command("demo", stdout=io.StringIO())
    user = get_user_model().objects.get(username="manager")
    user.set_password("a-new-password-of-my-own")
    user.save()
    call_command("demo", stdout=io.StringIO())
    user.refresh_from_db()
    assert user.check_password("a-new-password-of-my-own")


# -- import_document -----------------------------------------------------------------------


def test_import_prints_only_the_new_id(people, tmp_path):
    source = write(tmp_path / "기사.txt", KO, encoding="cp949")
    target = write(tmp_path / "story.txt", EN)
    out = io.StringIO()
    call_command(
        "import_document",
        str(source),
        str(target),
        "--title",
        "  Riverside lights  ",
        "--translator",
        "mina",
        "--editor",
        "daniel",
        stdout=out,
    )
    document = Document.objects.get()
    assert out.getvalue() == f"{document.pk}\n"
    assert document.title == "Riverside lights"
    assert document.translator == people.translator
    assert document.editor == people.editor
    assert document.created_by == people.translator
    assert (document.source_filename, document.target_filename) == ("기사.txt", "story.txt")
    rows = list(document.paragraphs.order_by("position").values_list("source", "text"))
    assert rows == list(zip(KO, EN, strict=True))
    event = Event.objects.get(document=document)
    assert event.verb == Event.Verb.UPLOADED
    assert event.payload["rows"] == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--translator", "nobody"], "No user named 'nobody'."),
        (["--editor", "nobody"], "No user named 'nobody'."),
        (["--translator", "mina", "--title", "   "], "The title is empty."),
    ],
)
def test_import_refusals_in_process_write_nothing(people, tmp_path, args, message):
    source = write(tmp_path / "ko.txt", KO)
    target = write(tmp_path / "en.txt", EN)
    before = counts()
    options = ["--title", "Riverside lights", *args]
    with pytest.raises(CommandError) as error:
        call_command("import_document", str(source), str(target), *options, stdout=io.StringIO())
    assert str(error.value) == message
    assert counts() == before


def test_cli_import_prints_only_the_id(cli, tmp_path):
    source = write(tmp_path / "ko.txt", KO)
    target = write(tmp_path / "en.txt", EN)
    before = cli.counts()
    result = cli.run(
        "import_document", source, target, "--title", "Riverside lights",
        "--translator", "translator", "--editor", "editor",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    printed = result.stdout.decode()
    assert printed.strip().isdigit() and printed == printed.strip() + "\n"
    new_id = int(printed)
    assert cli.query("SELECT title, stage FROM reviews_document WHERE id = ?", new_id) == [
        ("Riverside lights", "aligning")
    ]
    after = cli.counts()
    assert after["reviews_document"] == before["reviews_document"] + 1
    assert after["reviews_paragraph"] == before["reviews_paragraph"] + 3


def cli_refusals(tmp_path):
    source = write(tmp_path / "ko.txt", KO)
    target = write(tmp_path / "en.txt", EN)
    folder = tmp_path / "a-folder.txt"
    folder.mkdir()
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 16)
    people = ["--translator", "translator", "--editor", "editor"]
    return {
        "missing-file": (
            [tmp_path / "missing.txt", target, *people],
            f"CommandError: Cannot read {tmp_path / 'missing.txt'}: No such file or directory.",
        ),
        "a-directory": (
            [source, folder, *people],
            f"CommandError: Cannot read {folder}: Is a directory.",
        ),
        "binary-contents": (
            [binary, target, *people],
            "CommandError: scan.txt looks like a binary file, not text.",
        ),
        "unknown-translator": (
            [source, target, "--translator", "nobody", "--editor", "editor"],
            "CommandError: No user named 'nobody'.",
        ),
        "unknown-editor": (
            [source, target, "--translator", "translator", "--editor", "ghost"],
            "CommandError: No user named 'ghost'.",
        ),
    }


@pytest.mark.parametrize(
    "case",
    ["missing-file", "a-directory", "binary-contents", "unknown-translator", "unknown-editor"],
)
def test_cli_import_refusals_exit_non_zero_with_one_line(cli, tmp_path, case):
    args, message = cli_refusals(tmp_path)[case]
    before = cli.counts()
    result = cli.run("import_document", *args, "--title", "Riverside lights")
    assert result.returncode == 1
    assert result.stdout == b""
    assert one_line_error(result) == message
    assert cli.counts() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_cli_import_of_a_file_without_read_permission(cli, tmp_path):
    source = write(tmp_path / "ko.txt", KO)
    target = write(tmp_path / "en.txt", EN)
    source.chmod(0)
    before = cli.counts()
    result = cli.run("import_document", source, target, "--title", "T", "--translator", "editor")
    assert one_line_error(result) == f"CommandError: Cannot read {source}: Permission denied."
    assert cli.counts() == before


# -- export_document -----------------------------------------------------------------------


@pytest.fixture
def lights(people):
    """Approved through the app, so its exports are the final text with the credit line."""
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"), source=KO, target=EN
    )
    for paragraph in document.paragraphs.all():
        editing.approve_paragraph(people.editor, paragraph.pk)
    workflow.take_transition(people.editor, "approve", document)
    document.refresh_from_db()
    return document


def exported_events(document, fmt):
    return Event.objects.filter(document=document, verb=Event.Verb.EXPORTED, payload__format=fmt)


def export_to_file(document, fmt, path) -> bytes:
    before = exported_events(document, fmt).count()
    out = io.StringIO()
    call_command("export_document", document.pk, "--format", fmt, "-o", str(path), stdout=out)
    assert out.getvalue() == ""
    assert exported_events(document, fmt).count() == before + 1
    event = exported_events(document, fmt).last()
    assert event.actor is None
    assert event.payload == {"format": fmt, "bytes": path.stat().st_size}
    return path.read_bytes()


def test_export_docx_has_the_english_and_the_credit_last(lights, tmp_path):
    path = tmp_path / "out.docx"
    export_to_file(lights, "docx", path)
    paragraphs = [p for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    assert [p.text for p in paragraphs] == [lights.title, *EN, CREDIT]
    assert paragraphs[-1].text == CREDIT
    assert all(run.italic for run in paragraphs[-1].runs)
    assert not any("대전" in p.text for p in paragraphs)


def test_export_txt_to_a_file(lights, tmp_path):
    data = export_to_file(lights, "txt", tmp_path / "out.txt")
    assert data.decode("utf-8") == "\n\n".join([lights.title, *EN, CREDIT]) + "\n"


def test_export_md_to_a_file(lights, tmp_path):
    data = export_to_file(lights, "md", tmp_path / "out.md").decode("utf-8")
    blocks = data.strip().split("\n\n")
    assert blocks[0] == f"# {lights.title}"
    assert blocks[1:-1] == EN
    assert blocks[-1] == f"*{CREDIT}*"


def test_export_html_to_a_file(lights, tmp_path):
    data = export_to_file(lights, "html", tmp_path / "out.html")
    root = lxml.html.document_fromstring(data)
    assert root.findtext(".//h1") == lights.title
    paragraphs = root.findall(".//p")
    assert [p.text for p in paragraphs] == [*EN, CREDIT]
    assert paragraphs[-1].get("class") == "credit"


def test_export_uses_the_credit_override(lights, tmp_path):
    lights.credit_override = "Translated and edited by the Daejeon desk."
    lights.save()
    data = export_to_file(lights, "txt", tmp_path / "out.txt").decode()
    assert data.rstrip("\n").splitlines()[-1] == "Translated and edited by the Daejeon desk."
    assert "Translated by Mina Seo" not in data


def test_export_of_an_unknown_id_in_process(people):
    with pytest.raises(CommandError, match=r"^No document with id 987654\.$"):
        call_command("export_document", 987654, "--format", "txt")
    assert Event.objects.filter(verb=Event.Verb.EXPORTED).count() == 0


def test_export_to_an_unwritable_path(lights, tmp_path):
    with pytest.raises(
        CommandError, match="^Cannot write .*: No such file or directory\\. Nothing was written\\.$"
    ):
        call_command(
            "export_document", lights.pk, "--format", "txt", "-o", str(tmp_path / "no" / "x.txt")
        )


def test_cli_export_txt_to_standard_output(cli, tmp_path):
    source = write(tmp_path / "ko.txt", KO)
    target = write(tmp_path / "en.txt", EN)
    imported = cli.run(
        "import_document", source, target, "--title", "Riverside lights",
        "--translator", "translator", "--editor", "editor",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr.decode()
    new_id = int(imported.stdout)
    result = cli.run("export_document", new_id, "--format", "txt")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    # Just imported, so a draft: marked at the top, without the credit line.
    draft = "Draft, not approved: aligning"
    assert result.stdout.decode("utf-8") == "\n\n".join([draft, "Riverside lights", *EN]) + "\n"
    events = cli.query(
        "SELECT verb, payload FROM reviews_event WHERE document_id = ? ORDER BY id", new_id
    )
    assert [verb for verb, _ in events] == ["uploaded", "exported"]
    assert '"txt"' in events[-1][1]


def test_cli_export_of_an_unknown_id_exits_non_zero(cli):
    before = cli.counts()
    result = cli.run("export_document", 987654, "--format", "txt")
    assert result.returncode == 1
    assert result.stdout == b""
    assert one_line_error(result) == "CommandError: No document with id 987654."
    assert cli.counts() == before


def test_cli_export_of_an_unknown_format_exits_non_zero(cli):
    result = cli.run("export_document", 1, "--format", "pdf")
    assert result.returncode != 0
    assert result.stdout == b""
    assert "invalid choice: 'pdf'" in result.stderr.decode()
