"""The stage buttons sent out of band are kept under a hash of what they show
(reviews.views.stage.transitions_key): kept HTML is never another count's, another viewer's or
another request's CSRF token."""

import re
from unittest import mock

from django.core.cache import caches
from django.urls import reverse

from reviews.row_cache import TOKEN_PLACEHOLDER
from reviews.views import stage
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def progress(html):
    start = html.index('<div class="progress" id="progress" hx-swap-oob="true">')
    return html[start : html.index("</div>", start)]


def transitions(html):
    start = html.index('<div class="transitions" id="transitions" hx-swap-oob="true">')
    return html[start : html.index("</div>", start)]


def propose(client, document, row, words):
    row.refresh_from_db()
    url = reverse("edit", args=[document.pk, row.pk])
    response = client.post(url, {"text": f"{row.text} {words}", "version": row.version}, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_each_count_and_each_viewer_gets_its_own_buttons(client, people):
    caches["rows"].clear()
    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    first, second = document.paragraphs.order_by("position")[:2]
    client.force_login(people.editor)
    one = propose(client, document, first, "One.")
    assert "1 open proposal</label>" in progress(one)
    two = propose(client, document, second, "Two.")
    assert "2 open proposals</label>" in progress(two)
    # The translator's buttons (submit is not theirs in review: return is the editor's).
    client.force_login(people.translator)
    mine = propose(client, document, first, "Three.")
    assert "3 open proposals</label>" in progress(mine)
    assert transitions(mine) != transitions(two)
    assert "return_to_translator" in transitions(two)
    assert "return_to_translator" not in transitions(mine)


def test_kept_buttons_carry_each_request_s_own_token(rf, people):
    caches["rows"].clear()
    document = new_document(people, stage_actions=())  # aligning: "Confirm pairing" POSTs
    rendered = []
    real = stage.render_to_string

    def counting(name, *args, **kwargs):
        rendered.append(name)
        return real(name, *args, **kwargs)

    tokens = []
    with mock.patch.object(stage, "render_to_string", counting):
        for _ in range(2):
            request = rf.get("/")
            request.user = people.translator
            html = stage.stage_fragments(request, document)
            assert TOKEN_PLACEHOLDER not in html
            tokens.append(TOKEN.findall(html))
    # The progress bar each time; the buttons once, the second time from the cache.
    assert rendered.count("reviews/document.html#transitions") == 1
    assert rendered.count("reviews/document.html#progress") == 2
    assert all(len(found) == 1 for found in tokens)  # confirm pairing is a POST form
    assert tokens[0] != tokens[1]  # each request's own (masked) token
