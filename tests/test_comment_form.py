"""A refused comment comes back with everything its author gave (issue 8, item 9)."""

import pytest
from django.urls import reverse

from reviews.models import Comment

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_refused_comment_keeps_its_quote_grade_and_words(client, people, document, headers):
    row = document.paragraphs.order_by("position")[1]
    client.force_login(people.editor)
    response = client.post(
        reverse("paragraph_comments", args=[document.pk, row.pk]),
        {
            "body": "The session was on the 14th.",
            "quote": "plenary session",
            "quote_side": "target",
            "severity": "critical",
        },
        **headers,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A severity needs a category." in html
    assert '<blockquote class="quote" lang="en">plenary session</blockquote>' in html
    assert '<input type="hidden" name="quote" value="plenary session">' in html
    assert '<input type="hidden" name="quote_side" value="target">' in html
    assert '<option value="critical" selected>Critical</option>' in html
    assert ">The session was on the 14th.</textarea>" in html
    assert not Comment.objects.exists()
