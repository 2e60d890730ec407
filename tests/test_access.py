"""Every URL of a document as anonymous, outsider, translator, editor and manager."""

import pytest
from django.urls import reverse

from reviews.models import Event, Stage

DOCUMENT_URLS = [
    ("document", {}),
    ("export", {"fmt": "txt"}),
    ("export", {"fmt": "md"}),
    ("export", {"fmt": "docx"}),
    ("export", {"fmt": "html"}),
]


def url_of(name, document, extra):
    return reverse(name, kwargs={"pk": document.pk, **extra})


@pytest.mark.parametrize(("name", "extra"), DOCUMENT_URLS)
def test_anonymous_is_sent_to_login(client, document, name, extra):
    url = url_of(name, document, extra)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "extra"), DOCUMENT_URLS)
def test_outsider_gets_404_as_for_a_missing_document(client, people, document, name, extra):
    client.force_login(people.outsider)
    assert client.get(url_of(name, document, extra)).status_code == 404
    missing = reverse(name, kwargs={"pk": document.pk + 1000, **extra})
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("who", ["translator", "editor", "manager"])
@pytest.mark.parametrize(("name", "extra"), DOCUMENT_URLS)
def test_assigned_people_and_managers_see_it(client, people, document, who, name, extra):
    client.force_login(getattr(people, who))
    response = client.get(url_of(name, document, extra))
    assert response.status_code == 200


def test_a_superuser_without_a_group_sees_it(client, people, document, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert client.get(document.get_absolute_url()).status_code == 200


def test_outsider_cannot_move_the_document(client, people, document):
    client.force_login(people.outsider)
    url = reverse("transition", args=[document.pk, "submit_for_review"])
    assert client.post(url).status_code == 404
    document.refresh_from_db()
    assert document.stage == Stage.TRANSLATING


def test_transitions_need_post(client, people, document):
    client.force_login(people.translator)
    url = reverse("transition", args=[document.pk, "submit_for_review"])
    assert client.get(url).status_code == 405


def test_translator_submits_for_review(client, people, document):
    client.force_login(people.translator)
    response = client.post(reverse("transition", args=[document.pk, "submit_for_review"]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING
    event = Event.objects.filter(document=document, verb=Event.Verb.TRANSITION).last()
    assert event.payload == {
        "action": "submit_for_review",
        "from": "translating",
        "to": "reviewing",
    }


def test_a_refused_transition_says_why_and_changes_nothing(client, people, document):
    client.force_login(people.editor)
    url = reverse("transition", args=[document.pk, "publish"])
    response = client.post(url, follow=True)
    assert "(editor) cannot do this" in response.content.decode()
    document.refresh_from_db()
    assert document.stage == Stage.TRANSLATING


def test_dashboard_lists_only_visible_documents(client, people, document):
    client.force_login(people.outsider)
    response = client.get(reverse("dashboard") + "?show=all")
    assert response.status_code == 200
    assert document.title not in response.content.decode()
    client.force_login(people.editor)
    assert document.title in client.get(reverse("dashboard") + "?show=all").content.decode()


def test_dashboard_query_count_does_not_grow_with_documents(
    client, people, django_assert_max_num_queries
):
    from tests.conftest import new_document

    for _ in range(6):
        new_document(people)
    client.force_login(people.manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("dashboard") + "?show=all")
    assert response.content.decode().count("Budget passed") == 6


def test_unknown_export_format_is_404(client, people, document):
    client.force_login(people.editor)
    assert client.get(reverse("export", args=[document.pk, "pdf"])).status_code == 404


def test_login_page_is_public_and_has_a_strict_csp(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("fmt", "marker"), [("xliff", b"<xliff"), ("xliff12", b"<xliff"), ("tmx", b"<tmx")]
)
def test_bilingual_exports_carry_both_languages(client, people, document, fmt, marker):
    # TMX carries approved pairs only.
    document.paragraphs.update(status="approved")
    client.force_login(people.editor)
    response = client.get(reverse("export", args=[document.pk, fmt]))
    assert response.status_code == 200 and marker in response.content
    body = response.content.decode()
    assert "서울시의회는 15일 본회의를 열고" in body and "Seoul Metropolitan Council" in body
    assert Event.objects.filter(verb=Event.Verb.EXPORTED, payload__format=fmt).count() == 1


def test_ids_that_are_not_numbers_are_404_not_500(client, people, document):
    client.force_login(people.editor)
    row = document.paragraphs.first()
    comments = reverse("paragraph_comments", args=[document.pk, row.pk])
    assert client.post(comments, {"body": "x", "reply_to": "abc"}).status_code == 404
    assert client.get(reverse("decide_all", args=[document.pk]) + "?author=x").status_code == 404
    assert client.post(reverse("mark_read"), {"notification": "1 OR 1=1"}).status_code == 404


@pytest.mark.parametrize("bad", ["abc", "²", "9" * 5000, "-1"])
def test_malformed_ids_anywhere_are_404(client, people, document, bad):
    client.force_login(people.manager)
    assert client.get(reverse("dashboard") + f"?show=all&person={bad}").status_code == 404
    assert client.post(reverse("assign", args=[document.pk]), {"editor": bad}).status_code == 404
    assert client.post(reverse("mark_read"), {"notification": bad}).status_code == 404


def test_a_pairing_request_without_a_row_is_refused_not_500(client, people):
    from tests.conftest import new_document

    aligning = new_document(people, stage_actions=())
    client.force_login(people.translator)
    response = client.post(
        reverse("pairing", args=[aligning.pk]), {"action": "move_down", "side": "source"}
    )
    assert response.status_code == 302


def test_exports_are_logged_but_do_not_move_the_document_up_the_queue(client, people, document):
    before = document.updated_at
    client.force_login(people.editor)
    client.get(reverse("export", args=[document.pk, "txt"]))
    document.refresh_from_db()
    assert document.updated_at == before
    assert document.events.filter(verb=Event.Verb.EXPORTED).count() == 1
