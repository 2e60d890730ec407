"""The read API: tokens, visibility by role, 401 and 404, the OpenAPI schema and the responses."""

import hashlib
import io
import json
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec

from reviews import editing, workflow
from reviews.api.tokens import create_token
from reviews.models import ApiToken, Document, Event, Stage
from tests.conftest import ENGLISH, KOREAN, new_document

FIELDS = {
    "id",
    "title",
    "stage",
    "translator",
    "editor",
    "credit_line",
    "paragraphs",
    "source_paragraphs",
    "updated_at",
    "approved_at",
}


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def api():
    # CSRF checks on, as for a browser: token requests must not need a CSRF token.
    return Client(enforce_csrf_checks=True)


def approve(people, document):
    workflow.take_transition(people.translator, "submit_for_review", document)
    for row in document.paragraphs.all():
        editing.approve_paragraph(people.editor, row.pk)
    workflow.take_transition(people.editor, "approve", document)
    document.refresh_from_db()
    return document


# -- tokens ----------------------------------------------------------------------------------


def test_the_command_prints_a_token_that_is_stored_only_as_a_hash(people, api, document):
    out = io.StringIO()

    call_command("api_token", "mina", stdout=out)

    token = out.getvalue().strip()
    record = ApiToken.objects.get()
    assert record.user == people.translator
    assert record.key_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert token not in stored and token[10:] not in stored
    assert api.get(f"/api/documents/{document.pk}/", **bearer(token)).status_code == 200


def test_the_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token", "nobody")


def test_the_settings_page_shows_a_new_token_once_and_revokes_it(client, people, api, document):
    client.force_login(people.translator)

    made = client.post(reverse("api_tokens"), {"name": "CMS"})

    page = made.content.decode()
    token = page.split('class="token-value">', 1)[1].split("<", 1)[0]
    assert token.startswith("wb_") and made["Cache-Control"] == "no-store"
    assert api.get(f"/api/documents/{document.pk}/", **bearer(token)).status_code == 200
    assert token not in client.get(reverse("api_tokens")).content.decode()

    record = ApiToken.objects.get(user=people.translator)
    assert record.last_used_at is not None and record.name == "CMS"
    client.post(reverse("revoke_api_token", args=[record.pk]))

    assert api.get(f"/api/documents/{document.pk}/", **bearer(token)).status_code == 401
    assert "revoked" in client.get(reverse("api_tokens")).content.decode()


def test_nobody_revokes_another_persons_token(client, people, api, document):
    token, record = create_token(people.translator)
    client.force_login(people.manager)

    client.post(reverse("revoke_api_token", args=[record.pk]))

    record.refresh_from_db()
    assert record.revoked_at is None
    assert api.get(f"/api/documents/{document.pk}/", **bearer(token)).status_code == 200


# -- 401 and 404, never a hint ----------------------------------------------------------------


def test_without_a_good_token_every_answer_is_the_same_401(people, api, document):
    revoked, record = create_token(people.translator)
    record.revoked_at = record.created_at
    record.save()
    disabled, _ = create_token(people.editor)
    people.editor.is_active = False
    people.editor.save()
    url = f"/api/documents/{document.pk}/"
    # A logged-in browser's session is not a token either.
    session = Client()
    session.force_login(people.manager)

    answers = [
        api.get(url),
        api.get(url, HTTP_AUTHORIZATION="Bearer"),
        api.get(url, HTTP_AUTHORIZATION="Bearer wb_not-a-real-token"),
        api.get(url, HTTP_AUTHORIZATION="Token " + revoked),
        api.get(url, **bearer(revoked)),
        api.get(url, **bearer(disabled)),
        api.get("/api/documents/", **bearer(revoked)),
        session.get(url),
    ]

    assert [(a.status_code, a.json()) for a in answers] == [(401, {"detail": "Unauthorized"})] * 8


def test_a_document_the_person_may_not_see_is_the_same_404_as_none(people, api, document):
    token, _ = create_token(people.outsider)

    hidden = api.get(f"/api/documents/{document.pk}/", **bearer(token))
    missing = api.get(f"/api/documents/{document.pk + 1000}/", **bearer(token))

    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)
    assert hidden.status_code == 404 and hidden.json() == {"detail": "Not Found"}
    assert api.get("/api/documents/", **bearer(token)).json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("role", "sees"),
    [("translator", True), ("editor", True), ("manager", True), ("outsider", False)],
)
def test_visibility_is_the_pages_rule_for_every_role(people, api, document, role, sees):
    token, _ = create_token(getattr(people, role))

    listed = api.get("/api/documents/", **bearer(token)).json()
    one = api.get(f"/api/documents/{document.pk}/", **bearer(token))

    assert ([item["id"] for item in listed["items"]] == [document.pk]) is sees
    assert one.status_code == (200 if sees else 404)


def test_a_token_request_needs_no_csrf_token_and_makes_no_session(people, api, document):
    token, _ = create_token(people.translator)

    response = api.get(f"/api/documents/{document.pk}/", **bearer(token))

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "sessionid" not in api.cookies


# -- what the API returns ---------------------------------------------------------------------


def test_a_document_has_exactly_the_named_fields(people, api):
    document = new_document(people, ("confirm_pairing",))
    rows = list(document.paragraphs.order_by("position"))
    # A row holding two paragraphs gives two.
    document.paragraphs.filter(pk=rows[0].pk).update(
        text="First paragraph.\n\nSecond paragraph.", source="첫 문단.\n\n둘째 문단."
    )
    document = approve(people, document)
    token, _ = create_token(people.editor)

    body = api.get(f"/api/documents/{document.pk}/", **bearer(token)).json()

    assert set(body) == FIELDS
    assert body["paragraphs"] == ["First paragraph.", "Second paragraph.", *ENGLISH[1:]]
    assert body["source_paragraphs"] == ["첫 문단.", "둘째 문단.", *KOREAN[1:]]
    assert (body["id"], body["title"], body["stage"]) == (document.pk, "Budget passed", "approved")
    assert (body["translator"], body["editor"]) == ("Mina Seo", "Daniel Park")
    assert body["credit_line"] == "Translated by Mina Seo. Edited by Daniel Park."
    approval = document.events.get(verb=Event.Verb.TRANSITION, payload__to=Stage.APPROVED)
    # ISO 8601 with the zone, to the millisecond.
    for field, moment in (
        ("approved_at", approval.created_at),
        ("updated_at", document.updated_at),
    ):
        sent = datetime.fromisoformat(body[field])
        assert sent.tzinfo is not None and abs((sent - moment).total_seconds()) < 0.001


def test_the_list_filters_by_stage_and_pages(people, api):
    approved = approve(people, new_document(people))
    others = [new_document(people) for _ in range(3)]
    token, _ = create_token(people.manager)

    only_approved = api.get("/api/documents/?stage=approved", **bearer(token)).json()
    first_page = api.get("/api/documents/?page_size=2", **bearer(token)).json()
    second_page = api.get("/api/documents/?page_size=2&page=2", **bearer(token)).json()

    assert [item["id"] for item in only_approved["items"]] == [approved.pk]
    assert only_approved["items"][0]["approved_at"] is not None
    assert first_page["count"] == second_page["count"] == 4
    listed = [item["id"] for item in first_page["items"] + second_page["items"]]
    assert sorted(listed) == sorted([approved.pk, *(d.pk for d in others)])
    assert {
        item["approved_at"] for item in second_page["items"] if item["stage"] != "approved"
    } <= {None}
    bad = api.get("/api/documents/?stage=lost", **bearer(token))
    assert bad.status_code == 422


def test_a_reopened_document_has_no_approval_time(people, api):
    document = approve(people, new_document(people))
    workflow.take_transition(people.manager, "reopen", document)
    token, _ = create_token(people.editor)

    body = api.get(f"/api/documents/{document.pk}/", **bearer(token)).json()

    assert (body["stage"], body["approved_at"]) == ("reviewing", None)


def test_every_read_is_an_event_with_who_read(people, api, document):
    second = new_document(people)
    token, _ = create_token(people.editor)

    api.get(f"/api/documents/{document.pk}/", **bearer(token))
    api.get("/api/documents/", **bearer(token))

    reads = Event.objects.filter(verb=Event.Verb.READ_BY_API).order_by("pk")
    assert [(e.document_id, e.actor) for e in reads] == [
        (document.pk, people.editor),
        (second.pk, people.editor),
        (document.pk, people.editor),
    ]
    assert reads[0].payload == {"path": f"/api/documents/{document.pk}/", "token": token[:10]}


def test_the_list_costs_the_same_queries_for_one_document_or_many(people, api):
    token, _ = create_token(people.manager)
    new_document(people)
    api.get("/api/documents/", **bearer(token))  # warm the token's last-used write

    with CaptureQueriesContext(connection) as one:
        api.get("/api/documents/", **bearer(token))
    for _ in range(4):
        new_document(people)
    with CaptureQueriesContext(connection) as five:
        assert len(api.get("/api/documents/", **bearer(token)).json()["items"]) == 5

    assert len(five) == len(one)


# -- the OpenAPI description -----------------------------------------------------------------


def test_the_schema_is_valid_openapi_3_and_describes_the_answers(people, api):
    response = api.get("/api/schema/")

    spec = response.json()
    validate_spec(spec)
    assert spec["openapi"].startswith("3.")
    detail = spec["paths"]["/api/documents/{document_id}/"]["get"]
    assert set(detail["responses"]) == {"200", "401", "404"}
    assert spec["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    out = spec["components"]["schemas"]["DocumentOut"]
    assert set(out["properties"]) == set(out["required"]) == FIELDS


def response_validator(spec, path, status):
    """A JSON Schema validator for one documented response, resolving the spec's $refs."""
    schema = spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]
    wrapped = {**schema["schema"], "components": spec["components"]}
    return Draft202012Validator(wrapped, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_real_responses_match_the_schema(people, api):
    approve(people, new_document(people))
    new_document(people, ("confirm_pairing",))
    unassigned = new_document(people)
    Document.objects.filter(pk=unassigned.pk).update(editor=None)
    spec = api.get("/api/schema/").json()
    token, _ = create_token(people.manager)

    answers = [
        ("/api/documents/", "200", api.get("/api/documents/", **bearer(token))),
        (
            "/api/documents/{document_id}/",
            "200",
            api.get(f"/api/documents/{unassigned.pk}/", **bearer(token)),
        ),
        ("/api/documents/{document_id}/", "404", api.get("/api/documents/0/", **bearer(token))),
        ("/api/documents/{document_id}/", "401", api.get("/api/documents/1/")),
    ]

    for path, status, response in answers:
        assert str(response.status_code) == status
        errors = list(response_validator(spec, path, status).iter_errors(response.json()))
        assert errors == [], (path, status, errors)
    assert answers[1][2].json()["editor"] is None
    # And a response that breaks the schema is caught, so the check above can fail.
    broken = {**answers[1][2].json(), "paragraphs": "not a list"}
    assert list(
        response_validator(spec, "/api/documents/{document_id}/", "200").iter_errors(broken)
    )
