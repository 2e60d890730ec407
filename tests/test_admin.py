"""The admin looks and never changes: every change goes through the app, which logs it."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from reviews.comments import add_comment
from reviews.models import Comment, Document, Event, Paragraph, Revision
from tests.conftest import make_user, new_document

MODELS = [Document, Paragraph, Revision, Comment, Event]


def admin_url(model, view, *args):
    return reverse(f"admin:reviews_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def root(db, django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw")


@pytest.fixture
def one_of_each(people, document):
    add_comment(people.editor, document, "Check the figure.", paragraph=document.paragraphs.first())
    return {
        Document: document,
        Paragraph: document.paragraphs.first(),
        Revision: Revision.objects.filter(paragraph__document=document).first(),
        Comment: document.comments.first(),
        Event: document.events.first(),
    }


def test_adding_a_document_in_the_admin_is_refused_not_a_500(client, root, people):
    client.force_login(root)
    before = Document.objects.count()

    form = client.get(admin_url(Document, "add"))
    posted = client.post(
        admin_url(Document, "add"), {"title": "Made in the admin", "stage": "translating"}
    )

    assert form.status_code == 403
    assert posted.status_code == 403
    assert Document.objects.count() == before


def test_changing_a_title_or_credit_line_in_the_admin_is_refused(client, root, document):
    client.force_login(root)
    events = Event.objects.count()
    url = admin_url(Document, "change", document.pk)

    page = client.get(url)
    posted = client.post(url, {"title": "Changed behind the app's back", "credit_override": "X"})

    assert page.status_code == 200  # a read-only view
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    document.refresh_from_db()
    assert (document.title, document.credit_override) == ("Budget passed", "")
    assert Event.objects.count() == events


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_domain_model_is_view_only(client, root, one_of_each, model):
    client.force_login(root)
    record = one_of_each[model]

    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", record.pk)).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "change", record.pk), {}).status_code == 403
    assert client.get(admin_url(model, "delete", record.pk)).status_code == 403
    assert client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


def test_a_staff_member_sees_only_their_own_documents_in_the_admin(client, people, document):
    other = new_document(people)
    other.title = "Someone else's story"
    other.translator = people.outsider
    other.editor = None
    other.save()
    staff = make_user("staffer", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_document", "view_paragraph", "view_event"])
    )
    document.editor = staff
    document.save()
    client.force_login(staff)

    documents = client.get(admin_url(Document, "changelist"))
    paragraphs = client.get(admin_url(Paragraph, "changelist"))
    hidden = client.get(admin_url(Document, "change", other.pk), follow=True)

    assert documents.status_code == 200
    assert list(documents.context["cl"].result_list) == [document]
    assert "Someone else&#x27;s story" not in documents.content.decode()
    assert {p.document_id for p in paragraphs.context["cl"].result_list} == {document.pk}
    assert "Someone else" not in hidden.content.decode()
    assert Document.objects.visible_to(staff).get() == document


def test_a_superuser_sees_every_document(client, root, people, document):
    other = new_document(people)
    client.force_login(root)

    response = client.get(admin_url(Document, "changelist"))

    assert set(response.context["cl"].result_list) == {document, other}
