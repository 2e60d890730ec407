"""Every route of reviews/urls.py as anonymous, outsider, translator, editor, manager and
superuser, with GET and POST; and the rules of access around them."""

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

import reviews.urls
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


def test_a_transition_is_a_page_first_and_a_post_second(client, people, document):
    client.force_login(people.translator)
    url = reverse("transition", args=[document.pk, "submit_for_review"])
    response = client.get(url)
    assert response.status_code == 200 and "Submit for review?" in response.content.decode()
    document.refresh_from_db()
    assert document.stage == Stage.TRANSLATING


def test_translator_submits_for_review(client, people, document):
    client.force_login(people.translator)
    url = reverse("transition", args=[document.pk, "submit_for_review"])
    response = client.post(url, {"confirmed": "1", "note": "  Ready, but check row 3.  "})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.stage == Stage.REVIEWING
    event = Event.objects.filter(document=document, verb=Event.Verb.TRANSITION).last()
    assert event.payload == {
        "action": "submit_for_review",
        "from": "translating",
        "to": "reviewing",
        "note": "Ready, but check row 3.",
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
    # 10 on this first view: the session, the person (with their profile and groups,
    # reviews.backends), the page with the desk's small reads in one statement
    # (reviews.queue.desk_summary_sql); then the rows' counts and words to review (one
    # query), the open proposals and the open threads (one each), and their translators and
    # editors (one each), over the page's documents alone (reviews.queue.count_rows; none
    # once the rows are stored, reviews.queue.queue_rows); the comments waiting for the
    # person's answer while their digest has none stored (reviews.queue.waiting_comments),
    # and the filter's people while theirs has none (reviews.queue.person_options).
    with django_assert_max_num_queries(10):
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


# --------------------------------------------------------------------------- every route


PEOPLE = ["anonymous", "outsider", "translator", "editor", "manager", "superuser"]
INSIDERS = ["translator", "editor", "manager", "superuser"]
NO = 405  # the method is not allowed, whoever asks and whatever the document


def answers(get, post, **by_person):
    """{method: {person: status}} for the people who see the document: `get` and `post` for
    all of them unless `by_person` says otherwise, e.g. translator=(403, 403)."""
    table = {"GET": dict.fromkeys(INSIDERS, get), "POST": dict.fromkeys(INSIDERS, post)}
    for who, (get_status, post_status) in by_person.items():
        table["GET"][who], table["POST"][who] = get_status, post_status
    return table


# Written by hand for a document in review (a proposal by the translator, a comment by the
# editor). Anonymous people are sent to the login page, outsiders get 404 as for a document
# that does not exist (see the test). A POST carries no fields: refusals and incomplete
# forms must answer without changing anything.
DOCUMENT_ROUTES = {
    "document": answers(200, NO),
    "export": answers(200, NO),
    # The confirmation page for everyone (it says why when they may not); a bare POST is sent
    # back to it.
    "transition": answers(200, 302),
    "changes": answers(200, NO),
    "activity": answers(200, NO),
    "pairing": answers(NO, 403),
    "assign": answers(NO, 302, translator=(NO, 403), editor=(NO, 403)),
    # Refused with a message on the page, as a refused stage move is.
    "credit": answers(NO, 302),
    # An empty comment comes back on the form with its message (and its quote, if any).
    "document_comments": answers(200, 200),
    "resolve_comment": answers(NO, 302),
    "paragraph_comments": answers(200, 200),
    "decide_all": answers(200, 302, translator=(403, 403)),
    "row": answers(302, NO),
    "edit": answers(200, 400),
    "approve_paragraph": answers(NO, 302, translator=(NO, 403)),
    "history": answers(200, NO),
    "restore": answers(NO, 400),
    "decide": answers(NO, 302, translator=(NO, 403)),
    # The Undo after a decision: for those who decide; a POST without the version seen is 400.
    "undo_decision": answers(NO, 400, translator=(NO, 403)),
    # The checks' findings: everyone on the document reads them; dismissing is refused with a
    # message to translators, as other refused moves are.
    "findings": answers(200, NO),
    "dismiss_finding": answers(NO, 302),
    # Who opened the document, for managers (the desk's audit).
    "readers": answers(403, NO, manager=(200, NO), superuser=(200, NO)),
    # Translation memory suggestions for a row's editor: whoever may edit the row.
    "memory": answers(200, NO),
    # Who else is editing which row: everyone on the document reads it, and a POST (the
    # heartbeat) with no rows in it only reads.
    "presence": answers(200, 200),
    # The people a comment may @mention: everyone on the document.
    "mention_candidates": answers(200, NO),
}

SIGNED_IN = ["outsider", *INSIDERS]
DESK_ROUTES = {
    # Signed-in people are sent on from the login page.
    "login": {"GET": {"anonymous": 200} | dict.fromkeys(SIGNED_IN, 302),
              "POST": {"anonymous": 200} | dict.fromkeys(SIGNED_IN, 302)},
    "logout": {"GET": {"anonymous": 302} | dict.fromkeys(SIGNED_IN, NO),
               "POST": dict.fromkeys(PEOPLE, 302)},
    "dashboard": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, NO)},
    "upload": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, 200)},
    "upload_preview": {"GET": dict.fromkeys(SIGNED_IN, NO), "POST": dict.fromkeys(SIGNED_IN, 200)},
    "notifications": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, NO)},
    "mark_read": {"GET": dict.fromkeys(SIGNED_IN, NO), "POST": dict.fromkeys(SIGNED_IN, 302)},
    "translator_report": {
        "GET": {"outsider": 403, "translator": 403, "editor": 403, "manager": 200,
                "superuser": 200},
        "POST": dict.fromkeys(SIGNED_IN, NO),
    },
    # Everyone signed in reads the desk's glossary; editors and managers change it.
    "glossary": {"GET": dict.fromkeys(SIGNED_IN, 200),
                 "POST": dict.fromkeys(["outsider", "translator"], 403)
                 | dict.fromkeys(["editor", "manager", "superuser"], 200)},
    "glossary_export": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, NO)},
    "glossary_import": {"GET": dict.fromkeys(SIGNED_IN, NO),
                        "POST": dict.fromkeys(["outsider", "translator"], 403)
                        | dict.fromkeys(["editor", "manager", "superuser"], 302)},
    "glossary_term": {method: dict.fromkeys(["outsider", "translator"], 403)
                      | dict.fromkeys(["editor", "manager", "superuser"], 200)
                      for method in ("GET", "POST")},
    "glossary_remove": {"GET": dict.fromkeys(["outsider", "translator"], 403)
                        | dict.fromkeys(["editor", "manager", "superuser"], 200),
                        "POST": dict.fromkeys(["outsider", "translator"], 403)
                        | dict.fromkeys(["editor", "manager", "superuser"], 302)},
    # For load balancers: answers everyone, reads no session.
    "healthz": {"GET": dict.fromkeys(PEOPLE, 200), "POST": dict.fromkeys(PEOPLE, NO)},
    # One XLIFF file instead of two: the upload page's second form (POST only).
    "upload_xliff": {"GET": dict.fromkeys(SIGNED_IN, NO), "POST": dict.fromkeys(SIGNED_IN, 200)},
    # TMX of the approved pairs of the documents each person may see (none for the outsider).
    "export_memory": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, NO)},
    # Everyone's own tokens; revoking someone else's token finds nothing (tests/test_api.py).
    "api_tokens": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, 200)},
    "revoke_api_token": {"GET": dict.fromkeys(SIGNED_IN, NO),
                         "POST": dict.fromkeys(SIGNED_IN, 302)},
    # Without a password step before it, the code step sends everyone back to the login.
    "login_code": {"GET": dict.fromkeys(PEOPLE, 302), "POST": dict.fromkeys(PEOPLE, 302)},
    "account": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, NO)},
    # Nothing being set up: back to the account page.
    "two_factor_setup": {"GET": dict.fromkeys(SIGNED_IN, 302),
                         "POST": dict.fromkeys(SIGNED_IN, 302)},
    "two_factor_confirm": {"GET": dict.fromkeys(SIGNED_IN, NO),
                           "POST": dict.fromkeys(SIGNED_IN, 302)},
    "two_factor_recovery_codes": {"GET": dict.fromkeys(SIGNED_IN, NO),
                                  "POST": dict.fromkeys(SIGNED_IN, 302)},
    "two_factor_off": {"GET": dict.fromkeys(SIGNED_IN, NO), "POST": dict.fromkeys(SIGNED_IN, 302)},
    "end_other_sessions": {"GET": dict.fromkeys(SIGNED_IN, NO),
                           "POST": dict.fromkeys(SIGNED_IN, 302)},
    "lockouts": {
        "GET": {"outsider": 403, "translator": 403, "editor": 403, "manager": 200,
                "superuser": 200},
        "POST": dict.fromkeys(SIGNED_IN, NO),
    },
    "lift_lockout": {
        "GET": dict.fromkeys(SIGNED_IN, NO),
        "POST": {"outsider": 403, "translator": 403, "editor": 403, "manager": 302,
                 "superuser": 302},
    },
    # A POST with no zone chosen goes back to the desk's zone.
    "preferences": {"GET": dict.fromkeys(SIGNED_IN, 200), "POST": dict.fromkeys(SIGNED_IN, 302)},
    # Help says nothing about any document: open before logging in too.
    "help": {"GET": dict.fromkeys(PEOPLE, 200), "POST": dict.fromkeys(PEOPLE, NO)},
}  # fmt: skip


def route_names(patterns, namespace=""):
    """Every named route, include()d ones too, as the URLconf resolves them (namespaced ones
    as "namespace:name")."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from route_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}"


# The read API answers to a token, not a session: every route of it is walked for every role
# in tests/test_api.py.
API_ROUTES = {"api:api-root", "api:documents", "api:document", "api:openapi-json"}


def test_every_route_has_an_expectation():
    """A new route without a line in the tables above fails here."""
    names = list(route_names(get_resolver("reviews.urls").url_patterns))
    assert len(names) == len(set(names))
    assert set(names) == set(DOCUMENT_ROUTES) | set(DESK_ROUTES) | API_ROUTES
    document_routes = set(route_names(reviews.urls.document_urls))
    assert document_routes == set(DOCUMENT_ROUTES)


@pytest.fixture
def in_review(people, django_user_model):
    from reviews import editing
    from reviews.comments import add_comment
    from tests.conftest import new_document

    document = new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))
    row = document.paragraphs.order_by("position").first()
    proposal = editing.save_edit(people.translator, row.pk, "City council approves budget", 1)
    comment = add_comment(people.editor, document, "Check the figure.", paragraph=row)
    people.superuser = django_user_model.objects.create_superuser("root", password="pw")
    people.anonymous = None
    arguments = {
        "export": {"fmt": "txt"},
        "transition": {"action": "return_to_translator"},
        "resolve_comment": {"comment_pk": comment.pk, "state": "resolve"},
        "decide": {"revision_pk": proposal.pk, "decision": "accept"},
        "restore": {"revision_pk": row.revisions.order_by("pk").first().pk},
        "undo_decision": {"revision_pk": proposal.pk},
    }
    for name in ("paragraph_comments", "row", "edit", "approve_paragraph", "history", "memory"):
        arguments[name] = {"paragraph_pk": row.pk}
    queries = {"decide_all": f"?author={people.translator.pk}&decision=accept"}
    return document, arguments, queries


def answer(client, method, url, person):
    """The status `person` gets, with everything the request did rolled back."""
    client.logout()
    if person is not None:
        client.force_login(person)
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("name", sorted(DOCUMENT_ROUTES))
def test_every_document_route_for_everyone(client, people, in_review, name):
    document, arguments, queries = in_review
    kwargs = arguments.get(name, {})
    url = reverse(name, kwargs={"pk": document.pk, **kwargs}) + queries.get(name, "")
    missing = reverse(name, kwargs={"pk": document.pk + 1000, **kwargs}) + queries.get(name, "")
    for method, expected in DOCUMENT_ROUTES[name].items():
        anonymous = answer(client, method, url, None)
        assert anonymous.status_code == 302, (name, method)
        assert anonymous["Location"].startswith(reverse("login"))
        # An outsider learns nothing: the answer for the real document is the one for a
        # document that does not exist, and where the method is allowed that is 404.
        real = answer(client, method, url, people.outsider).status_code
        assert real == answer(client, method, missing, people.outsider).status_code
        assert real == (NO if set(expected.values()) == {NO} else 404), (name, method)
        seen = {who: answer(client, method, url, getattr(people, who)).status_code
                for who in INSIDERS}  # fmt: skip
        assert seen == expected, (name, method)


@pytest.mark.parametrize("name", sorted(DESK_ROUTES))
def test_every_desk_route_for_everyone(client, people, in_review, name):
    from reviews.glossary import add_term

    term = add_term(people.manager, korean="예산안", english="budget bill")
    arguments = {"glossary_term": [term.pk], "glossary_remove": [term.pk]}
    from reviews.api.tokens import create_token

    _, token = create_token(people.editor, "cms")
    arguments["revoke_api_token"] = [token.pk]
    url = reverse(name, args=arguments.get(name, []))
    for method, expected in DESK_ROUTES[name].items():
        seen = {who: answer(client, method, url, getattr(people, who)).status_code
                for who in expected}  # fmt: skip
        assert seen == expected, (name, method)
        if "anonymous" not in expected:
            anonymous = answer(client, method, url, None)
            assert anonymous.status_code == 302, (name, method)
            assert anonymous["Location"].startswith(reverse("login"))
