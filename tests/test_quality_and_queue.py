"""The quality score and the translators' report; the desk's queue on the dashboard."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import editing, workflow
from reviews.comments import add_comment, set_resolved
from reviews.diffing import word_count
from reviews.importing import create_document, start_history
from reviews.models import Document, Role, Stage
from reviews.quality import document_score
from tests.conftest import make_user, new_document
from tests.test_desk_queue import queue_cells

# 700 Korean words in four paragraphs, 40 English words.
SOURCE = ["기사 " * 200, "기사 " * 200, "기사 " * 200, "기사 " * 100]
TARGET = [" ".join(f"word{i}" for i in range(10)) for _ in range(4)]


def graded_document(people):
    document = new_document(people, source=SOURCE, target=TARGET)
    assert sum(word_count(p.source) for p in document.paragraphs.all()) == 700
    row = document.paragraphs.order_by("position").first()
    for _ in range(3):
        add_comment(
            people.editor, document, "Comma", paragraph=row, category="style", severity="minor"
        )
    add_comment(
        people.editor,
        document,
        "Wrong term",
        paragraph=row,
        category="terminology",
        severity="major",
    )
    critical = add_comment(
        people.editor, document, "Wrong number", category="accuracy", severity="critical"
    )
    # Resolved threads still count: the score judges the translation as delivered.
    set_resolved(people.editor, critical, True)
    # None of these is an error: a reply, a note without category, a category without severity.
    add_comment(
        people.translator,
        document,
        "Fixed",
        reply_to=critical,
        category="accuracy",
        severity="critical",
    )
    add_comment(people.editor, document, "Why this headline?", paragraph=row)
    add_comment(people.editor, document, "Not sure", category="fluency")
    return document


def test_the_score_of_a_hand_counted_document(settings, people):
    settings.WORKBENCH_QUALITY_THRESHOLD = 25.71
    score = document_score(graded_document(people))
    assert score["words"] == 700
    assert score["errors"] == 5
    assert score["by_severity"] == {"minor": 3, "major": 1, "critical": 1}
    assert score["by_category"] == {"accuracy": 1, "style": 3, "terminology": 1}
    assert score["points"] == 3 * 1 + 5 + 10 == 18
    assert score["per_thousand"] == round(1000 * 18 / 700, 2) == 25.71
    assert score["passed"] is True


def test_one_hundredth_above_the_threshold_fails(settings, people):
    settings.WORKBENCH_QUALITY_THRESHOLD = 25.70
    score = document_score(graded_document(people))
    assert (score["per_thousand"], score["threshold"], score["passed"]) == (25.71, 25.70, False)


def test_a_document_without_graded_comments_scores_zero(settings, people, document):
    settings.WORKBENCH_QUALITY_THRESHOLD = 0
    add_comment(people.editor, document, "Just a question")
    score = document_score(document)
    assert (score["errors"], score["points"], score["per_thousand"]) == (0, 0, 0.0)
    assert score["passed"] is True


def test_the_document_page_shows_the_score(client, settings, people):
    settings.WORKBENCH_QUALITY_THRESHOLD = 20
    document = graded_document(people)
    client.force_login(people.editor)
    html = client.get(document.get_absolute_url()).content.decode()
    assert "25.71 points per 1,000 words, fail" in html
    assert "5 graded comments (3 minor, 1 major, 1 critical) = 18 penalty points" in html
    assert "on 700 Korean words" in html


@pytest.mark.parametrize("role", ["translator", "editor", "outsider"])
def test_the_translators_report_is_for_managers_only(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(reverse("translator_report")).status_code == 403


def test_the_translators_report(client, settings, people, django_user_model):
    settings.WORKBENCH_QUALITY_THRESHOLD = 20
    graded = graded_document(people)
    # A second document of Mina's: 300 more Korean words, no errors, two words edited.
    second = new_document(people, source=["기사 " * 300], target=[TARGET[0]])
    row = second.paragraphs.exclude(text="").get()
    editing.save_edit(people.translator, row.pk, row.text.replace("word1 word2", "a b"), 1)
    # Tae translates a document with one minor error.
    other = create_document(
        title="Other",
        source_paragraphs=["기사 " * 100],
        target_paragraphs=[TARGET[0]],
        created_by=people.manager,
        translator=people.outsider,
        editor=people.editor,
    )
    workflow.take_transition(people.manager, "confirm_pairing", other)
    add_comment(people.editor, other, "x", category="style", severity="minor")
    assert graded.translator == second.translator == people.translator

    client.force_login(people.manager)
    response = client.get(reverse("translator_report"))
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.context["rows"]}
    assert list(rows) == ["Mina Seo", "Tae Oh"]
    mina, tae = rows["Mina Seo"], rows["Tae Oh"]
    assert (mina["documents"], mina["words"], mina["errors"], mina["points"]) == (2, 1000, 5, 18)
    assert mina["per_thousand"] == 18.0 and mina["passed"] is True
    # 2 of the 50 uploaded English words changed.
    assert mina["edit_rate"] == 4.0
    assert (tae["documents"], tae["words"], tae["per_thousand"], tae["edit_rate"]) == (
        1,
        100,
        10.0,
        0.0,
    )
    html = response.content.decode()
    assert (
        '<th scope="row">Mina Seo</th><td class="num" data-label="Documents">2</td>'
        '<td class="num" data-label="Korean words">1000</td>'
    ) in html
    assert '<td class="num" data-label="Edit rate">4.0%</td>' in html


# --------------------------------------------------------------------------- the desk's queue


def make(people, title, stage, translator=None, editor=None):
    document = create_document(
        title=title,
        source_paragraphs=["기사 하나"],
        target_paragraphs=["One story"],
        created_by=people.manager,
        translator=translator or people.translator,
        editor=editor or people.editor,
    )
    if stage != Stage.ALIGNING:
        start_history(document, people.manager)
        Document.objects.filter(pk=document.pk).update(stage=stage)
    return document


@pytest.fixture
def desk(people):
    for title, stage in [
        ("Aligning story", Stage.ALIGNING),
        ("Translating story", Stage.TRANSLATING),
        ("Reviewing story", Stage.REVIEWING),
        ("Approved story", Stage.APPROVED),
        ("Published story", Stage.PUBLISHED),
    ]:
        make(people, title, stage)
    make(people, "Tae's story", Stage.TRANSLATING, translator=people.outsider)
    return people


def titles(client, query=""):
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    return sorted(document.title for document in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("who", "waiting"),
    [
        ("translator", ["Aligning story", "Translating story"]),
        ("editor", ["Reviewing story"]),
        ("manager", ["Approved story"]),
        ("outsider", ["Tae's story"]),
    ],
)
def test_waiting_for_me_per_role_and_stage(client, desk, who, waiting):
    client.force_login(getattr(desk, who))
    assert titles(client) == waiting
    assert titles(client, "?show=waiting") == waiting
    html = client.get(reverse("dashboard")).content.decode()
    assert f'Waiting for me <span class="count count-open">{len(waiting)}</span>' in html


def test_show_all(client, desk):
    client.force_login(desk.translator)
    mine = [
        "Aligning story",
        "Approved story",
        "Published story",
        "Reviewing story",
        "Translating story",
    ]
    assert titles(client, "?show=all") == mine
    client.force_login(desk.editor)
    assert titles(client, "?show=all") == sorted([*mine, "Tae's story"])
    client.force_login(desk.outsider)
    assert titles(client, "?show=all") == ["Tae's story"]


def test_filters(client, desk):
    client.force_login(desk.manager)
    assert titles(client, "?show=all&stage=reviewing") == ["Reviewing story"]
    assert titles(client, "?show=all&stage=translating") == ["Tae's story", "Translating story"]
    assert titles(client, "?show=all&stage=bogus") == titles(client, "?show=all")
    assert titles(client, f"?show=all&person={desk.outsider.pk}") == ["Tae's story"]
    assert len(titles(client, f"?show=all&person={desk.editor.pk}")) == 6
    assert titles(client, f"?show=all&person={desk.manager.pk}") == []
    assert titles(client, "?show=all&q=APPROVED") == ["Approved story"]
    assert titles(client, f"?show=all&q=story&stage=translating&person={desk.translator.pk}") == [
        "Translating story"
    ]
    assert titles(client, "?show=all&q=nothing") == []
    assert titles(client, "?stage=published") == []  # waiting tab: nothing published waits


def test_pagination_keeps_the_filters(client, people):
    for number in range(30):
        make(people, f"Story {number}", Stage.TRANSLATING)
    make(people, "Story in review", Stage.REVIEWING)
    make(people, "Notice", Stage.TRANSLATING)
    client.force_login(people.manager)
    query = "?show=all&stage=translating&q=Story"
    first = client.get(reverse("dashboard") + query)
    assert len(first.context["page"].object_list) == 25
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?show=all&amp;stage=translating&amp;q=Story&amp;page=2"' in html
    second = client.get(reverse("dashboard") + query + "&page=2")
    assert len(second.context["page"].object_list) == 5
    html = second.content.decode()
    assert "Page 2 of 2" in html
    assert 'href="?show=all&amp;stage=translating&amp;q=Story&amp;page=1"' in html
    seen = {d.title for d in first.context["page"].object_list} | {
        d.title for d in second.context["page"].object_list
    }
    assert seen == {f"Story {number}" for number in range(30)}


def test_the_counts_on_each_row(client, people):
    quiet = make(people, "Quiet", Stage.REVIEWING)
    busy = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    rows = list(busy.paragraphs.order_by("position"))
    editing.save_edit(people.translator, rows[0].pk, "Budget passed", rows[0].version)
    editing.save_edit(people.editor, rows[1].pk, "The council passed it.", rows[1].version)
    withdrawn = editing.save_edit(people.translator, rows[2].pk, "Gone", rows[2].version)
    editing.withdraw_proposal(people.translator, withdrawn.pk)
    editing.approve_paragraph(people.editor, rows[3].pk)
    first = add_comment(people.editor, busy, "One", paragraph=rows[0])
    add_comment(people.editor, busy, "Two", paragraph=rows[1])
    add_comment(people.editor, busy, "Three")
    add_comment(people.translator, busy, "A reply", reply_to=first)
    resolved = add_comment(people.editor, busy, "Four")
    set_resolved(people.editor, resolved, True)

    client.force_login(people.manager)
    page = client.get(reverse("dashboard") + "?show=all").context["page"]
    assert [entry.pk for entry in page.object_list] in ([busy.pk, quiet.pk], [quiet.pk, busy.pk])

    def counts(document):
        # The row as shown: approved/rows, open proposals, open comments.
        cells = queue_cells(client, document)
        approved, rows = cells["Approved"].split()[-1].split("/")
        return int(rows), int(approved), int(cells["Open proposals"]), int(cells["Open comments"])

    assert (counts(busy), counts(quiet)) == ((4, 1, 2, 3), (1, 0, 0, 0))


def test_the_queue_is_sorted_by_last_activity(client, people):
    older = make(people, "Older", Stage.TRANSLATING)
    make(people, "Newer", Stage.TRANSLATING)
    client.force_login(people.manager)

    def order():
        page = client.get(reverse("dashboard") + "?show=all").context["page"]
        return [document.title for document in page.object_list]

    assert order() == ["Newer", "Older"]
    add_comment(people.editor, older, "Still waiting on this one")
    assert order() == ["Older", "Newer"]


def test_the_dashboard_query_count_does_not_grow_with_documents(client, people):
    sora = make_user("sora", Role.TRANSLATOR, first_name="Sora")

    def add(count):
        for number in range(count):
            document = make(
                people,
                f"Doc {number}",
                Stage.REVIEWING,
                translator=sora if number % 2 else people.translator,
            )
            add_comment(people.editor, document, "Check")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("dashboard") + "?show=all")
        assert response.status_code == 200
        return len(response.context["page"].object_list), len(captured)

    client.force_login(people.manager)
    # The comments waiting for the manager are stored under a digest of their own documents
    # (reviews.queue.waiting_comments): they have none here, so after the first view (the
    # rows cache may hold it from an earlier test, with the same pk) it is the same for both.
    queries()
    add(3)
    few, few_queries = queries()
    add(22)
    many, many_queries = queries()
    assert (few, many) == (3, 25)
    assert many_queries == few_queries
