"""The translators' report over a range of dates, with the documents behind each figure; and
the quality panel that explains a document's score."""

from datetime import UTC, datetime

from django.urls import reverse

from reviews.comments import add_comment
from reviews.models import Document
from reviews.quality import allowed_points, document_score
from tests.conftest import new_document


def uploaded_on(document, day):
    Document.objects.filter(pk=document.pk).update(
        created_at=datetime(2026, 11, day, 3, 0, tzinfo=UTC)
    )


def test_the_report_takes_a_date_range_and_lists_the_documents(client, people):
    early, late = new_document(people), new_document(people)
    Document.objects.filter(pk=early.pk).update(title="Early piece")
    Document.objects.filter(pk=late.pk).update(title="Late piece")
    uploaded_on(early, 2)
    uploaded_on(late, 20)
    add_comment(people.editor, late, "Wrong figure", category="accuracy", severity="major")
    client.force_login(people.manager)

    everything = client.get(reverse("translator_report"))
    (row,) = everything.context["rows"]
    assert row["documents"] == 2 and row["errors"] == 1
    assert [d["title"] for d in row["document_rows"]] == ["Early piece", "Late piece"]

    response = client.get(reverse("translator_report"), {"since": "2026-11-10", "until": ""})
    (row,) = response.context["rows"]
    assert row["documents"] == 1 and row["errors"] == 1
    (behind,) = row["document_rows"]
    assert behind["title"] == "Late piece" and behind["errors"] == 1
    html = response.content.decode()
    assert f'href="{late.get_absolute_url()}">Late piece</a>' in html
    assert "Early piece" not in html

    empty = client.get(reverse("translator_report"), {"until": "2026-11-01"})
    assert empty.context["rows"] == []
    assert "No document with a translator was uploaded in these dates" in empty.content.decode()


def test_a_range_backwards_or_unreadable_is_refused_plainly(client, people, document):
    client.force_login(people.manager)
    backwards = client.get(
        reverse("translator_report"), {"since": "2026-11-20", "until": "2026-11-01"}
    )
    assert backwards.status_code == 400
    assert "“From” must be on or before “To”." in backwards.content.decode()
    assert backwards.context["rows"] == []
    garbled = client.get(reverse("translator_report"), {"since": "yesterday"})
    assert garbled.status_code == 400
    assert "From: Enter a valid date." in garbled.content.decode()


def test_the_days_of_the_range_are_the_persons_own(client, people, document):
    # 03:00 UTC on Nov 2 is still Nov 1 in New York.
    uploaded_on(document, 2)
    client.force_login(people.manager)
    one_day = {"since": "2026-11-01", "until": "2026-11-01"}
    assert client.get(reverse("translator_report"), one_day).context["rows"] == []
    client.post(reverse("preferences"), {"time_zone": "America/New_York"})
    assert len(client.get(reverse("translator_report"), one_day).context["rows"]) == 1


def test_allowed_points_is_the_boundary_the_score_draws():
    # 700 words at 15 per 1,000: 10.5 points; 10 pass, 11 fail.
    assert allowed_points(700, 15) == 10
    assert allowed_points(1000, 15) == 15
    assert allowed_points(0, 15) == 0


def test_the_panel_explains_the_score_and_what_would_change_it(client, settings, people):
    settings.WORKBENCH_QUALITY_THRESHOLD = 15
    # 600 Korean words may carry 9 points.
    document = new_document(people, source=["기사 " * 600], target=["An article."])
    add_comment(people.editor, document, "Wrong figure", category="accuracy", severity="minor")
    score = document_score(document)
    words = score["words"]
    allowed = allowed_points(words, 15)
    assert allowed == 9
    assert score["passed"] and score["to_fail"] == 9
    assert score["by_grade"] == [{"category": "Accuracy", "counts": [1, 0, 0], "points": 1}]
    client.force_login(people.editor)
    html = client.get(document.get_absolute_url()).content.decode()
    assert f"{score['to_fail']} more penalty point" in html
    assert "Resolving a comment does not change the score" in html
    assert '<th scope="row">Accuracy</th>' in html

    add_comment(people.editor, document, "Invented quote", category="addition",
                severity="critical")  # fmt: skip
    add_comment(people.editor, document, "Name wrong", category="accuracy", severity="critical")
    score = document_score(document)
    assert not score["passed"] and score["over"] == 21 - 9
    html = client.get(document.get_absolute_url()).content.decode()
    assert f"{score['over']} point{'s' if score['over'] != 1 else ''} over" in html
