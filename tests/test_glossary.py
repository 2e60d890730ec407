"""The glossary pages: everyone signed in reads, editors and managers change; CSV in and out."""

import csv
import io

import pytest
from django.urls import reverse

from reviews import glossary, workflow
from reviews.models import GlossaryChange, GlossaryTerm


@pytest.fixture
def term(people):
    return glossary.add_term(
        people.editor,
        korean="북한",
        english="North Korea",
        forbidden=["N. Korea", "DPRK"],
        note="Spell out in headlines too.",
    )


def log_in(client, user):
    client.force_login(user)
    return client


def csv_file(text, encoding="utf-8-sig"):
    upload = io.BytesIO(text.encode(encoding))
    upload.name = "terms.csv"
    return upload


def test_everyone_signed_in_reads_but_only_editors_and_managers_edit(people):
    for person in (people.translator, people.outsider, people.editor, people.manager):
        assert workflow.can(person, "read_glossary")
    assert workflow.can(people.editor, "edit_glossary")
    assert workflow.can(people.manager, "edit_glossary")
    assert not workflow.can(people.translator, "edit_glossary")
    assert not workflow.can(people.outsider, "edit_glossary")


def test_it_lists_and_searches_terms(client, people, term):
    glossary.add_term(people.editor, korean="국회", english="National Assembly")
    log_in(client, people.translator)
    page = client.get(reverse("glossary")).content.decode()
    assert "North Korea" in page and "National Assembly" in page
    assert "Add a term" not in page  # a translator reads only
    found = client.get(reverse("glossary"), {"q": "assembly"}).content.decode()
    table = found[found.index("<tbody>") : found.index("</tbody>")]
    assert "National Assembly" in table and "North Korea" not in table


def test_the_header_links_to_the_glossary(client, people):
    log_in(client, people.translator)
    assert f'href="{reverse("glossary")}"' in client.get(reverse("dashboard")).content.decode()


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(reverse("glossary"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_editor_adds_a_term_and_the_change_is_logged(client, people):
    log_in(client, people.editor)
    response = client.post(
        reverse("glossary"),
        {
            "korean": "통일부",
            "english": "Ministry of Unification",
            "forbidden": "Unification Ministry | MOU",
            "note": "",
        },
    )
    assert response.status_code == 302
    term = GlossaryTerm.objects.get(korean="통일부")
    assert term.forbidden == ["Unification Ministry", "MOU"]
    assert term.created_by == people.editor
    change = GlossaryChange.objects.get()
    assert (change.actor, change.action, change.term_pk) == (people.editor, "added", term.pk)


def test_a_translator_cannot_add_change_or_remove(client, people, term):
    log_in(client, people.translator)
    data = {"korean": "통일부", "english": "Ministry of Unification"}
    assert client.post(reverse("glossary"), data).status_code == 403
    assert client.post(reverse("glossary_term", args=[term.pk]), data).status_code == 403
    assert client.post(reverse("glossary_remove", args=[term.pk])).status_code == 403
    upload = csv_file("korean,english\n통일부,Ministry of Unification\n")
    assert client.post(reverse("glossary_import"), {"file": upload}).status_code == 403
    assert list(GlossaryTerm.objects.values_list("korean", flat=True)) == ["북한"]


def test_a_term_is_unique_per_korean_and_english_whatever_the_case(client, people, term):
    log_in(client, people.editor)
    response = client.post(reverse("glossary"), {"korean": "북한", "english": "north korea"})
    assert response.status_code == 200
    assert "already in the glossary" in response.content.decode()
    assert GlossaryTerm.objects.count() == 1
    # The same Korean with another English is another term.
    client.post(reverse("glossary"), {"korean": "북한", "english": "the North"})
    assert GlossaryTerm.objects.count() == 2


def test_the_english_cannot_also_be_forbidden(client, people):
    log_in(client, people.editor)
    response = client.post(
        reverse("glossary"),
        {"korean": "국회", "english": "National Assembly", "forbidden": "national assembly"},
    )
    assert "cannot also be forbidden" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_an_editor_changes_a_term_and_the_log_says_what_changed(client, people, term):
    log_in(client, people.manager)
    response = client.post(
        reverse("glossary_term", args=[term.pk]),
        {"korean": "북한", "english": "North Korea", "forbidden": "N. Korea", "note": "Always."},
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.forbidden == ["N. Korea"] and term.note == "Always."
    change = GlossaryChange.objects.filter(action="changed").get()
    assert change.actor == people.manager
    assert [field for field, _, _ in change.payload["changes"]] == ["forbidden", "note"]
    page = client.get(reverse("glossary_term", args=[term.pk])).content.decode()
    assert "Jiwon Han" in page and "forbidden, note" in page


def test_removing_a_term_asks_first_and_the_log_keeps_it(client, people, term):
    log_in(client, people.editor)
    confirm = client.get(reverse("glossary_remove", args=[term.pk]))
    assert confirm.status_code == 200 and GlossaryTerm.objects.exists()
    client.post(reverse("glossary_remove", args=[term.pk]))
    assert not GlossaryTerm.objects.exists()
    removed = GlossaryChange.objects.get(action="removed")
    assert (removed.korean, removed.english, removed.actor) == (
        "북한",
        "North Korea",
        people.editor,
    )
    assert removed.payload["removed"]["note"] == "Spell out in headlines too."
    page = client.get(reverse("glossary")).content.decode()
    assert "removed" in page and "Daniel Park" in page


def test_terms_are_escaped_in_the_list(client, people):
    glossary.add_term(people.editor, korean="<b>북한</b>", english="<script>x</script>")
    log_in(client, people.translator)
    page = client.get(reverse("glossary")).content.decode()
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


# --------------------------------------------------------------------------- CSV


def test_csv_export_has_a_bom_and_round_trips_korean(client, people, term):
    glossary.add_term(
        people.editor,
        korean="국민의힘",
        english="People Power Party",
        note='Say "PPP" once, then spell out; or not.',
    )
    glossary.add_term(people.editor, korean="마이너스 성장", english="-0.2% growth")
    log_in(client, people.translator)
    response = client.get(reverse("glossary_export"))
    assert response["Content-Type"].startswith("text/csv")
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["korean", "english", "forbidden", "note"]
    assert ["북한", "North Korea", "N. Korea | DPRK", "Spell out in headlines too."] in rows
    # A cell Excel would run as a formula is guarded with a leading apostrophe.
    assert ["마이너스 성장", "'-0.2% growth", "", ""] in rows

    before = sorted(GlossaryTerm.objects.values_list("korean", "english", "forbidden", "note"))
    GlossaryTerm.objects.all().delete()
    result = glossary.import_csv(people.editor, data)
    assert result.added == 3
    after = sorted(GlossaryTerm.objects.values_list("korean", "english", "forbidden", "note"))
    assert after == before


def test_import_updates_existing_terms_and_counts(client, people, term):
    log_in(client, people.editor)
    upload = csv_file(
        "korean,english,forbidden,note\n"
        "북한,North Korea,N. Korea,New note\n"
        "국회,National Assembly,,\n"
    )
    response = client.post(reverse("glossary_import"), {"file": upload}, follow=True)
    assert "1 term added, 1 changed, 0 already the same" in response.content.decode()
    term.refresh_from_db()
    assert term.note == "New note" and term.forbidden == ["N. Korea"]
    assert GlossaryChange.objects.filter(payload__via="import").count() == 2


def test_import_reads_cp949_from_excel_on_korean_windows(people):
    data = "korean,english\n외교부,Ministry of Foreign Affairs\n".encode("cp949")
    glossary.import_csv(people.editor, data)
    assert GlossaryTerm.objects.get().korean == "외교부"


GOOD = "통일부,Ministry of Unification\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("korean,english\n" + GOOD + ",Blue House\n", "Line 3: korean"),
        ("korean,english\n" + GOOD + "국회\n", "Line 3: english"),
        (
            "korean,english\n" + GOOD + "\n국회,National Assembly\n국회,national assembly\n",
            "Line 5: 국회 = national assembly is already on line 4",
        ),
        ("korean,english,note\n" + GOOD + "국회,National Assembly,x,extra\n", "Line 3: 4 cells"),
        ("korean,english,forbidden\n" + GOOD + "국회,Assembly,assembly\n", "Line 3: forbidden"),
        # A quoted note over two lines: the next record starts on line 5, and never ends.
        ('korean,english,note\n국회,Assembly,"two\nlines"\n' + GOOD + '북한,"North\n', "Line 5"),
        ("hangul,english\n" + GOOD, "Line 1 must name the columns"),
        ("korean,english\n", "no terms"),
        ("", "empty"),
    ],
)
def test_a_bad_row_is_named_by_its_line_and_nothing_is_imported(
    client, people, term, text, message
):
    log_in(client, people.editor)
    changes = GlossaryChange.objects.count()
    response = client.post(reverse("glossary_import"), {"file": csv_file(text)}, follow=True)
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert message in page
    assert list(GlossaryTerm.objects.values_list("korean", flat=True)) == ["북한"]
    assert GlossaryChange.objects.count() == changes


def test_a_file_that_is_not_text_is_refused(people):
    with pytest.raises(glossary.ImportRefused, match="neither UTF-8 nor CP949"):
        glossary.import_csv(people.editor, b"\x89PNG\r\n\x1a\n\xff\xfe\xfd")
