"""Every state-changing request needs the CSRF token: without it an edit, a decision, a comment
and a stage change are refused with 403 and change nothing; with it they go through."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import Comment, Revision
from tests.conftest import new_document


@pytest.fixture
def strict(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.editor)
    return client


def token_of(client, document):
    client.get(reverse("document", args=[document.pk]))
    return client.cookies["csrftoken"].value


def test_posts_without_the_token_are_refused_and_change_nothing(strict, people):
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    row = document.paragraphs.order_by("position").first()
    revisions = Revision.objects.count()
    posts = [
        (reverse("edit", args=[document.pk, row.pk]), {"text": "Forged.", "version": "1"}),
        (reverse("document_comments", args=[document.pk]), {"body": "Forged."}),
        (reverse("approve_paragraph", args=[document.pk, row.pk]), {}),
        (reverse("transition", args=[document.pk, "return_to_translator"]), {}),
    ]
    for url, fields in posts:
        assert strict.post(url, fields).status_code == 403, url
    document.refresh_from_db()
    row.refresh_from_db()
    assert document.stage == "reviewing" and row.status == "translated" and row.version == 1
    assert Revision.objects.count() == revisions and not Comment.objects.exists()

    token = token_of(strict, document)
    answer = strict.post(
        reverse("edit", args=[document.pk, row.pk]),
        {"text": row.text + " Really.", "version": "1", "accept": "1"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert answer.status_code in (200, 302)
    row.refresh_from_db()
    assert row.version == 2
