"""The desk queue's page in plain SQL (reviews/queue_page.py) against desk_queue, the ORM's form:
the same documents in the same order, and the same count, for every shape of the request."""

import itertools
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.models import Document, Priority, Stage
from reviews.queue import desk_queue
from reviews.queue_page import ROW_COLUMNS, QueueDocuments, queue_paginator
from tests.conftest import new_document


def a_desk(people, django_user_model):
    """Documents in every stage and assignment, with titles a search can trip on (case, % and
    _), due dates and priorities that tie, and undated ones."""
    assignments = [
        (people.translator, people.editor),
        (people.outsider, people.editor),
        (people.translator, people.outsider),
        (people.editor, people.translator),
        (None, None),
    ]
    titles = ["Budget passed", "BUDGET cut 50%", "budget_2026", "Storm", "50 percent"]
    now = timezone.now().replace(microsecond=0)
    dues = [None, now + timedelta(days=1), now + timedelta(days=1), now - timedelta(days=2)]
    for number, (stage, (translator, editor)) in enumerate(
        itertools.product(Stage.values, assignments)
    ):
        document = new_document(people)
        Document.objects.filter(pk=document.pk).update(
            stage=stage,
            translator=translator,
            editor=editor,
            title=titles[number % len(titles)],
            due_at=dues[number % len(dues)],
            priority=[Priority.NORMAL, Priority.URGENT, Priority.NORMAL][number % 3],
            # Some share a last activity, so the pk decides.
            updated_at=now - timedelta(minutes=number // 2),
        )
    return django_user_model.objects.create_superuser("root", password="pw")


def test_the_plain_page_and_count_agree_with_desk_queue_for_every_shape(people, django_user_model):
    admin = a_desk(people, django_user_model)
    viewers = (people.translator, people.editor, people.manager, people.outsider, admin)
    shapes = itertools.product(
        viewers,
        (False, True),
        ("", *Stage.values),
        (None, people.translator, people.editor),
        ("", "budget", "50%", "_", "zzz"),
        ("due", "activity"),
    )
    seen = set()
    for user, waiting, stage, person, search, order in shapes:
        filters = dict(waiting=waiting, stage=stage, person=person, search=search, order=order)
        expected = list(desk_queue(user, **filters).values_list("pk", flat=True))
        plain = QueueDocuments(user, **filters)
        assert [document.pk for document in plain[0:1000]] == expected, (user, filters)
        assert plain.count() == len(expected), (user, filters)
        seen.add(len(expected))
    assert len(seen) > 5  # the shapes select different documents, not all or none alike
    # A search's % and _ are the letters themselves, as in the ORM's icontains.
    assert [d.title for d in QueueDocuments(admin, search="50%")[0:100]] == ["BUDGET cut 50%"] * 5


def test_the_page_is_a_window_of_the_order_and_reads_the_row_columns_alone(people):
    for _ in range(7):
        new_document(people)
    everything = list(desk_queue(people.editor, order="activity").values_list("pk", flat=True))
    paginator = queue_paginator(people.editor, 3, order="activity")
    assert paginator.count == 7 and paginator.num_pages == 3
    pages = [[d.pk for d in paginator.page(number).object_list] for number in (1, 2, 3)]
    assert pages == [everything[0:3], everything[3:6], everything[6:7]]
    [entry] = paginator.page(3).object_list
    # The page is its columns; the document, made only for a row to render, defers the rest.
    assert entry.is_overdue is False and entry.pk == everything[6]
    document = entry.document()
    assert document.get_deferred_fields() == {
        field.attname for field in Document._meta.concrete_fields
    } - set(ROW_COLUMNS)
    assert "findings" in document.get_deferred_fields()
    with CaptureQueriesContext(connection) as captured:
        shown = (document.is_overdue, document.get_absolute_url(), document.get_priority_display())
        keyed = (document.created_at, document.state_version, document.translator_id)
    assert len(captured) == 0 and shown[1] and keyed[0]
    # The same values as the ORM's instance.
    full = Document.objects.get(pk=document.pk)
    assert [getattr(document, name) for name in ROW_COLUMNS] == [
        getattr(full, name) for name in ROW_COLUMNS
    ]
    assert list(entry) == [getattr(full, name) for name in entry._fields]


def test_the_stage_filter_marks_the_chosen_stage_alone(client, people):
    import re

    from django.urls import reverse

    client.force_login(people.editor)

    def stage_select(query):
        html = client.get(reverse("dashboard") + query).content.decode()
        return re.search(r'<select name="stage">(.*?)</select>', html, re.S).group(1)

    chosen = stage_select("?show=all&stage=reviewing")
    assert re.findall(r"<option[^>]*>", chosen) == [
        '<option value="">',
        '<option value="aligning">',
        '<option value="translating">',
        '<option value="reviewing" selected>',
        '<option value="approved">',
        '<option value="published">',
    ]
    assert '<option value="reviewing" selected>Reviewing</option>' in chosen
    assert " selected" not in stage_select("?show=all&stage=bogus")
    assert " selected" not in stage_select("?show=all")


def test_url_of_is_url_and_follows_the_script_prefix():
    from django.template import engines
    from django.urls import clear_script_prefix, reverse, set_script_prefix

    template = engines["django"].from_string("{% load workbench %}{% url_of 'upload' %}")
    plain = reverse("upload")
    assert template.render() == plain
    set_script_prefix("/desk/")
    try:
        assert template.render() == reverse("upload") == "/desk" + plain
    finally:
        clear_script_prefix()
    assert template.render() == plain
