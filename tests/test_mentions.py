"""@mentions: whom the completion offers, and how a mention shows in the comment."""

from django.urls import reverse

from reviews.comments import add_comment, mentioned_people
from reviews.glossary_marks import term_matcher
from reviews.templatetags.mentions import mentions
from tests.conftest import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


def candidates(client, person, document):
    client.force_login(person)
    response = client.get(reverse("mention_candidates", args=[document.pk]))
    assert response.status_code == 200
    return response.json()["people"]


def test_the_people_on_the_document_are_offered_assigned_first(client, people, document):
    make_user("bora", "manager", first_name="Bora", last_name="Kang")
    make_user("gone", "manager", is_active=False)
    assert candidates(client, people.translator, document) == [
        {"username": "daniel", "name": "Daniel Park", "role": "Editor"},
        {"username": "bora", "name": "Bora Kang", "role": "Manager"},
        {"username": "jiwon", "name": "Jiwon Han", "role": "Manager"},
    ]
    offered = [person["username"] for person in candidates(client, people.manager, document)]
    assert offered == ["mina", "daniel", "bora"]


def test_a_superuser_is_offered_as_a_manager_is(client, people, document, django_user_model):
    django_user_model.objects.create_superuser("root", password="pw")
    offered = candidates(client, people.editor, document)
    assert {"username": "root", "name": "root", "role": "Manager"} in offered
    assert "tae" not in [person["username"] for person in offered]


def test_the_offer_is_who_a_mention_notifies(client, people, document):
    offered = {person["username"] for person in candidates(client, people.editor, document)}
    body = " ".join(f"@{name}" for name in ["mina", "daniel", "jiwon", "tae", "nobody"])
    told = {person.username for person in mentioned_people(document, body)}
    assert told - {"daniel"} == offered  # the editor is not offered to himself


def test_an_outsider_is_listed_nobody(client, people, document):
    client.force_login(people.outsider)
    response = client.get(reverse("mention_candidates", args=[document.pk]))
    assert response.status_code == 404
    assert "Daniel" not in response.content.decode()


def test_mentions_of_people_on_the_document_are_highlighted_and_escaped():
    mentionable = {"daniel", "jiwon"}
    body = "<b>@daniel</b>, ask @jiwon. Not @tae, not mail@daniel.kr & @daniel."
    html = mentions(body, mentionable)
    assert html == (
        '&lt;b&gt;<span class="mention">@daniel</span>&lt;/b&gt;, ask '
        '<span class="mention">@jiwon</span>. Not @tae, not mail@daniel.kr &amp; '
        '<span class="mention">@daniel</span>.'
    )


def test_a_body_without_a_mention_never_asks_who_is_on_the_document():
    class Untouchable:
        def __contains__(self, item):
            raise AssertionError("asked")

    assert mentions("No one to name, write to desk@example.kr", Untouchable()) == (
        "No one to name, write to desk@example.kr"
    )


def test_the_thread_highlights_real_mentions(client, people, document):
    row = document.paragraphs.first()
    thread = add_comment(people.editor, document, "@mina check <this>\n@tae too", paragraph=row)
    add_comment(people.translator, document, "Done, @daniel. Wrote to x@daniel.kr", reply_to=thread)
    client.force_login(people.manager)
    html = client.get(reverse("paragraph_comments", args=[document.pk, row.pk]), **HTMX)
    html = html.content.decode()
    assert '<span class="mention">@mina</span> check &lt;this&gt;<br>@tae too' in html
    assert 'Done, <span class="mention">@daniel</span>. Wrote to x@daniel.kr' in html
    mentions_url = reverse("mention_candidates", args=[document.pk])
    assert html.count(f'data-mentions="{mentions_url}"') == 2  # the new comment and the reply


def test_a_mention_on_the_document_page_costs_one_query_at_most(client, people, document):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_comment(people.editor, document, "A plain note")
    client.force_login(people.translator)
    # Built once per process, as a running server has it: run alone, the first view would
    # build the glossary's matcher and count its query.
    term_matcher()
    with CaptureQueriesContext(connection) as plain:
        client.get(document.get_absolute_url())
    add_comment(people.editor, document, "@mina look, and @jiwon")
    add_comment(people.editor, document, "@mina again")
    with CaptureQueriesContext(connection) as mentioned:
        html = client.get(document.get_absolute_url()).content.decode()
    assert html.count('<span class="mention">') == 3
    assert len(mentioned) == len(plain) + 1
