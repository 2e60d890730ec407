"""Comment threads: quotes, replies, resolution, validation, escaping, mentions and the views."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from reviews import editing
from reviews.comments import MAX_COMMENT_CHARS, CommentRefused, add_comment, set_resolved
from reviews.models import Comment, Event, Notification
from tests.conftest import new_document

HTMX = {"HTTP_HX_REQUEST": "true"}


def first_row(document):
    return document.paragraphs.order_by("position").first()


def thread_url(document, row=None):
    if row is None:
        return reverse("document_comments", args=[document.pk])
    return reverse("paragraph_comments", args=[document.pk, row.pk])


def notifications_of(user):
    """The reasons `user` was told about comments (the stage moves of the fixture aside)."""
    told = Notification.objects.filter(recipient=user, event__verb=Event.Verb.COMMENTED)
    return sorted(told.values_list("reason", flat=True))


def test_a_comment_on_a_paragraph_and_one_on_the_document(people, document):
    row = first_row(document)
    on_row = add_comment(people.editor, document, "Check the figure", paragraph=row)
    on_document = add_comment(people.editor, document, "Headline style throughout")
    assert (on_row.paragraph, on_row.document) == (row, document)
    assert on_document.paragraph is None and on_document.document == document
    events = Event.objects.filter(document=document, verb=Event.Verb.COMMENTED)
    assert [(e.paragraph_id, e.payload["comment"]) for e in events] == [
        (row.pk, on_row.pk),
        (None, on_document.pk),
    ]


def test_quotes_from_either_side_are_kept_after_the_text_changes(client, people, document):
    row = first_row(document)
    korean = add_comment(
        people.editor,
        document,
        "Is this 12 or 12.3?",
        paragraph=row,
        quote="예산 12조원",
        quote_side="source",
    )
    english = add_comment(
        people.editor,
        document,
        "Say 'passes'",
        paragraph=row,
        quote=" 12   trillion  won ",
        quote_side="target",
    )
    assert (korean.quote, korean.quote_side) == ("예산 12조원", "source")
    assert (english.quote, english.quote_side) == ("12 trillion won", "target")

    editing.save_edit(people.translator, row.pk, "Council passes budget", row.version)
    row.refresh_from_db()
    assert "12 trillion won" not in row.text
    english.refresh_from_db()
    assert english.quote == "12 trillion won"

    client.force_login(people.editor)
    html = client.get(thread_url(document, row), **HTMX).content.decode()
    assert '<blockquote class="quote" lang="en">12 trillion won</blockquote>' in html
    assert '<blockquote class="quote" lang="ko">예산 12조원</blockquote>' in html


@pytest.mark.parametrize(
    ("quote", "side"),
    [("tax cut", "target"), ("세금", "source"), ("City council", "source"), ("x", "left")],
)
def test_a_quote_that_is_not_in_the_paragraph_is_refused(people, document, quote, side):
    row = first_row(document)
    with pytest.raises(CommentRefused):
        add_comment(people.editor, document, "Hm", paragraph=row, quote=quote, quote_side=side)
    assert not Comment.objects.exists()


def test_a_quote_needs_a_paragraph(people, document):
    with pytest.raises(CommentRefused, match="one side of a paragraph"):
        add_comment(people.editor, document, "Hm", quote="City", quote_side="target")


def test_a_reply_to_a_reply_joins_the_thread_without_a_grade(people, document):
    row = first_row(document)
    thread = add_comment(
        people.editor,
        document,
        "Wrong figure",
        paragraph=row,
        category="accuracy",
        severity="major",
    )
    reply = add_comment(people.translator, document, "Fixed", reply_to=thread)
    deeper = add_comment(
        people.editor,
        document,
        "Thanks",
        reply_to=reply,
        category="style",
        severity="critical",
        quote="City",
        quote_side="target",
    )
    assert reply.reply_to == thread and deeper.reply_to == thread
    assert deeper.paragraph == row
    assert (deeper.category, deeper.severity, deeper.quote, deeper.quote_side) == ("", "", "", "")
    assert list(thread.replies.order_by("pk")) == [reply, deeper]


def test_a_reply_lands_on_the_threads_paragraph_whatever_was_posted(people, document):
    rows = list(document.paragraphs.order_by("position"))
    thread = add_comment(people.editor, document, "On row one", paragraph=rows[0])
    reply = add_comment(people.translator, document, "Answer", paragraph=rows[2], reply_to=thread)
    assert reply.paragraph == rows[0]


def test_a_reply_to_another_documents_comment_is_refused(people, document):
    other = new_document(people)
    thread = add_comment(people.editor, other, "Elsewhere")
    with pytest.raises(CommentRefused):
        add_comment(people.editor, document, "Answer", reply_to=thread)


@pytest.mark.parametrize("who", ["editor", "manager", "author"])
def test_resolve_and_reopen_by_editor_manager_or_author(people, document, who):
    thread = add_comment(people.translator, document, "Is 'plenary' right?")
    user = people.translator if who == "author" else getattr(people, who)
    set_resolved(user, thread, True)
    thread.refresh_from_db()
    assert thread.resolved_by == user and thread.resolved_at is not None
    set_resolved(user, thread, False)
    thread.refresh_from_db()
    assert thread.resolved_by is None and thread.resolved_at is None
    verbs = list(
        Event.objects.filter(document=document, payload__comment=thread.pk).values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["commented", "resolved", "reopened_comment"]


def test_a_translator_who_is_not_the_author_cannot_resolve(people, document):
    thread = add_comment(people.editor, document, "Wrong figure")
    with pytest.raises(PermissionDenied):
        set_resolved(people.translator, thread, True)
    thread.refresh_from_db()
    assert thread.resolved_at is None
    set_resolved(people.editor, thread, True)
    with pytest.raises(PermissionDenied):
        set_resolved(people.translator, thread, False)
    thread.refresh_from_db()
    assert thread.resolved_at is not None


def test_the_resolve_view_refuses_the_translator_and_lets_the_editor(client, people, document):
    thread = add_comment(people.editor, document, "Wrong figure", paragraph=first_row(document))
    url = reverse("resolve_comment", args=[document.pk, thread.pk, "resolve"])
    client.force_login(people.translator)
    response = client.post(url, **HTMX)
    assert "Only the editor, a manager or the comment" in response.content.decode()
    thread.refresh_from_db()
    assert thread.resolved_at is None
    client.force_login(people.editor)
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    thread.refresh_from_db()
    assert thread.resolved_by == people.editor
    assert "Resolved by Daniel Park" in response.content.decode()


def test_a_reply_cannot_be_resolved_on_its_own(people, document):
    thread = add_comment(people.editor, document, "Wrong figure")
    reply = add_comment(people.translator, document, "Fixed", reply_to=thread)
    with pytest.raises(CommentRefused):
        set_resolved(people.editor, reply, True)


@pytest.mark.parametrize(
    ("category", "severity", "message"),
    [
        ("grammar", "", "Choose a category from the list."),
        ("accuracy", "fatal", "Choose a severity from the list."),
        ("", "major", "A severity needs a category."),
    ],
)
def test_categories_and_severities_are_checked(people, document, category, severity, message):
    with pytest.raises(CommentRefused, match=message):
        add_comment(people.editor, document, "Hm", category=category, severity=severity)
    assert not Comment.objects.exists()


def test_every_listed_category_and_severity_is_accepted(people, document):
    for category in Comment.Category.values:
        for severity in Comment.Severity.values:
            add_comment(people.editor, document, "x", category=category, severity=severity)
    assert Comment.objects.count() == len(Comment.Category.values) * 3


@pytest.mark.parametrize("body", ["", "   \r\n\t "])
def test_an_empty_comment_is_refused(people, document, body):
    with pytest.raises(CommentRefused, match="Write something first."):
        add_comment(people.editor, document, body)
    assert not Comment.objects.exists()


def test_a_comment_may_be_long_but_not_too_long(people, document):
    add_comment(people.editor, document, "a" * MAX_COMMENT_CHARS)
    with pytest.raises(CommentRefused):
        add_comment(people.editor, document, "a" * (MAX_COMMENT_CHARS + 1))
    assert Comment.objects.count() == 1


def test_paragraph_comments_wait_for_the_pairing(people):
    aligning = new_document(people, stage_actions=())
    with pytest.raises(CommentRefused):
        add_comment(people.editor, aligning, "x", paragraph=first_row(aligning))
    assert add_comment(people.editor, aligning, "On the whole document").paragraph is None


def test_an_outsider_cannot_comment(people, document):
    with pytest.raises(PermissionDenied):
        add_comment(people.outsider, document, "Hello")
    assert not Comment.objects.exists()


HOSTILE = "<script>alert(1)</script> Tom & Jerry said \"hi\" and 'bye'\nsecond line"


def assert_escaped(html):
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry said &quot;hi&quot; and &#x27;bye&#x27;<br>second line" in html


def test_a_hostile_body_is_escaped_in_the_thread_fragment(client, people, document):
    row = first_row(document)
    add_comment(people.editor, document, HOSTILE, paragraph=row)
    client.force_login(people.translator)
    response = client.get(thread_url(document, row), **HTMX)
    assert response.status_code == 200
    assert_escaped(response.content.decode())


def test_a_hostile_body_is_escaped_on_the_document_page(client, people, document):
    add_comment(people.editor, document, HOSTILE)
    thread = Comment.objects.get()
    add_comment(people.translator, document, HOSTILE, reply_to=thread)
    client.force_login(people.manager)
    html = client.get(document.get_absolute_url()).content.decode()
    assert_escaped(html)
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


def test_a_mention_of_someone_on_the_document_notifies_them(people, document):
    add_comment(people.translator, document, "@daniel and @jiwon, please look. Mail a@mina.kr")
    assert notifications_of(people.editor) == ["mention"]
    assert notifications_of(people.manager) == ["mention"]
    assert notifications_of(people.translator) == []  # the email address is no mention
    event = Event.objects.get(verb=Event.Verb.COMMENTED)
    assert sorted(event.payload["mentions"]) == ["daniel", "jiwon"]


def test_a_mention_of_an_outsider_tells_and_reveals_nothing(client, people, document):
    add_comment(people.editor, document, "@tae, do you know this source?")
    assert notifications_of(people.outsider) == []
    assert Event.objects.get(verb=Event.Verb.COMMENTED).payload["mentions"] == []
    client.force_login(people.outsider)
    assert "Budget passed" not in client.get(reverse("notifications")).content.decode()
    assert "Budget passed" not in client.get(reverse("dashboard") + "?show=all").content.decode()
    assert client.get(document.get_absolute_url()).status_code == 404


def test_a_reply_notifies_the_threads_author_not_the_replier(people, document):
    thread = add_comment(people.editor, document, "Wrong figure", paragraph=first_row(document))
    add_comment(people.translator, document, "Fixed it", reply_to=thread)
    assert notifications_of(people.editor) == ["reply"]
    # The translator heard of the editor's comment on her document, not of her own reply.
    assert notifications_of(people.translator) == ["comment"]
    assert notifications_of(people.manager) == []


def test_a_reply_that_mentions_the_author_notifies_once(people, document):
    thread = add_comment(people.editor, document, "Wrong figure")
    add_comment(people.translator, document, "@daniel fixed it", reply_to=thread)
    assert notifications_of(people.editor) == ["mention"]


def test_nobody_is_notified_about_their_own_action(people, document):
    before = people.editor.notifications.count()
    thread = add_comment(people.editor, document, "Note to self, @daniel")
    add_comment(people.editor, document, "And another", reply_to=thread)
    set_resolved(people.editor, thread, True)
    assert people.editor.notifications.count() == before
    # The translator works on the document: she hears of both, once each.
    assert notifications_of(people.translator) == ["comment", "comment"]


def test_the_htmx_post_returns_the_thread_and_the_count_out_of_band(client, people, document):
    row = first_row(document)
    client.force_login(people.editor)
    response = client.post(
        thread_url(document, row),
        {"body": "Check the figure", "category": "accuracy", "severity": "major"},
        **HTMX,
        HTTP_HX_CURRENT_URL=f"http://testserver{document.get_absolute_url()}#row-{row.pk}",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="threads-{row.pk}"' in html
    assert "Check the figure" in html
    assert f'<span id="comment-count-{row.pk}" hx-swap-oob="true">' in html
    assert '<span class="count count-open">1 open comment</span>' in html
    comment = Comment.objects.get()
    assert (comment.paragraph, comment.category, comment.severity) == (row, "accuracy", "major")
    # A thread quoting nothing marks nothing: the row's texts are not sent again; nor are the
    # stage buttons and the progress, which count only critical threads.
    texts = [
        f'<div class="cell-text" id="{side}-text-{row.pk}" hx-swap-oob="true">'
        for side in ("target", "source")
    ]
    assert not any(text in html for text in texts)
    assert 'id="transitions"' not in html and 'id="progress"' not in html
    # A quoting one: the texts come along, so its quote's mark appears with its thread.
    response = client.post(
        thread_url(document, row),
        {"body": "This word", "quote": row.text.split()[0], "quote_side": "target"},
        **HTMX,
        HTTP_HX_CURRENT_URL=f"http://testserver{document.get_absolute_url()}#row-{row.pk}",
    )
    html = response.content.decode()
    assert all(text in html for text in texts)
    assert 'class="quote-mark"' in html


def test_a_refused_htmx_post_keeps_the_draft_and_says_why(client, people, document):
    row = first_row(document)
    client.force_login(people.editor)
    response = client.post(
        thread_url(document, row), {"body": "My draft", "severity": "major"}, **HTMX
    )
    html = response.content.decode()
    assert "A severity needs a category." in html
    assert ">My draft</textarea>" in html
    assert not Comment.objects.exists()


def test_a_plain_post_redirects_to_the_row(client, people, document):
    row = first_row(document)
    client.force_login(people.translator)
    response = client.post(thread_url(document, row), {"body": "A question"})
    assert response.status_code == 302
    assert response["Location"] == f"{document.get_absolute_url()}#row-{row.pk}"
    assert Comment.objects.get().author == people.translator


def test_the_outsider_gets_404_on_every_comment_url(client, people, document):
    row = first_row(document)
    thread = add_comment(people.editor, document, "Wrong figure", paragraph=row)
    client.force_login(people.outsider)
    for url in (thread_url(document), thread_url(document, row)):
        assert client.get(url).status_code == 404
        assert client.get(url, **HTMX).status_code == 404
        assert client.post(url, {"body": "hi"}, **HTMX).status_code == 404
    for state in ("resolve", "reopen"):
        url = reverse("resolve_comment", args=[document.pk, thread.pk, state])
        assert client.post(url).status_code == 404
    assert Comment.objects.count() == 1
    thread.refresh_from_db()
    assert thread.resolved_at is None


def test_the_unresolved_count_shows_on_the_row(client, people, document):
    row = first_row(document)
    first = add_comment(people.editor, document, "One", paragraph=row)
    add_comment(people.editor, document, "Two", paragraph=row)
    add_comment(people.translator, document, "A reply is not a thread", reply_to=first)
    set_resolved(people.editor, first, True)
    client.force_login(people.translator)
    html = client.get(document.get_absolute_url()).content.decode()
    expected = (
        f'<span id="comment-count-{row.pk}">Comments '
        '<span class="count count-open">1 open comment, 1 resolved</span>'
    )
    assert expected in html
    fragment = client.get(reverse("row", args=[document.pk, row.pk]), **HTMX).content.decode()
    assert expected in fragment
