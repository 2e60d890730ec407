"""Grading a comment (category and severity) is the reviewer's act: editors and managers grade,
a translator's comment is a question or a note, and the quality score counts only reviewers'
grades (issue 8, item 5)."""

import pytest
from django.urls import reverse

from reviews import workflow
from reviews.comments import CommentRefused, add_comment
from reviews.models import Comment
from reviews.quality import document_score

HTMX = {"HTTP_HX_REQUEST": "true"}


def first_row(document):
    return document.paragraphs.order_by("position").first()


@pytest.mark.parametrize(
    ("category", "severity"),
    [("accuracy", "critical"), ("accuracy", ""), ("", "critical")],
)
def test_a_translator_cannot_grade_her_own_work(people, document, category, severity):
    with pytest.raises(CommentRefused, match="Only the editor or a manager grades"):
        add_comment(
            people.translator,
            document,
            "Wrong number",
            paragraph=first_row(document),
            category=category,
            severity=severity,
        )
    assert not Comment.objects.exists()
    assert document_score(document)["points"] == 0


def test_a_translators_question_is_a_comment_without_a_grade(people, document):
    comment = add_comment(
        people.translator, document, "Is 12.3 right?", paragraph=first_row(document)
    )
    assert (comment.category, comment.severity) == ("", "")


@pytest.mark.parametrize("who", ["editor", "manager"])
def test_editors_and_managers_grade(people, document, who):
    add_comment(
        getattr(people, who), document, "Wrong number", category="accuracy", severity="critical"
    )
    assert document_score(document)["points"] == 10


def test_the_workflow_table_answers_who_grades(people, document):
    assert workflow.can(people.editor, "grade_comment", document)
    assert workflow.can(people.manager, "grade_comment", document)
    assert not workflow.can(people.translator, "grade_comment", document)
    assert not workflow.can(people.outsider, "grade_comment", document)


def test_a_grade_the_translator_gave_herself_before_does_not_count(people, document):
    # Written before grading was the reviewer's act: the row is history and stays, unscored.
    Comment.objects.create(
        document=document,
        author=people.translator,
        body="Wrong number",
        category="accuracy",
        severity="critical",
    )
    add_comment(people.editor, document, "Comma", category="style", severity="minor")
    score = document_score(document)
    assert (score["errors"], score["points"]) == (1, 1)
    assert score["by_category"] == {"style": 1}


def test_a_graded_post_from_the_translator_is_refused_in_the_page(client, people, document):
    row = first_row(document)
    client.force_login(people.translator)
    url = reverse("paragraph_comments", args=[document.pk, row.pk])
    response = client.post(
        url, {"body": "Wrong number", "category": "accuracy", "severity": "critical"}, **HTMX
    )
    html = response.content.decode()
    assert "Only the editor or a manager grades a comment" in html
    assert ">Wrong number</textarea>" in html
    assert not Comment.objects.exists()


def test_the_form_offers_grades_to_reviewers_only_and_says_so(client, people, document):
    row = first_row(document)
    url = reverse("paragraph_comments", args=[document.pk, row.pk])
    client.force_login(people.translator)
    html = client.get(url, **HTMX).content.decode()
    assert 'name="severity"' not in html and 'name="category"' not in html
    assert "Your comment is a question or a note" in html
    client.force_login(people.editor)
    html = client.get(url, **HTMX).content.decode()
    assert 'name="severity"' in html and 'name="category"' in html
    assert "Your comment is a question or a note" not in html
