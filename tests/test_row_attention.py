"""Each row of the grid says why it needs a look (data-attention), for the n / p keys: an open
proposal, an unresolved comment, a check finding nobody dismissed, no approval yet."""

import re

from django.test import Client

from reviews import editing, findings
from reviews.comments import add_comment, set_resolved
from reviews.models import Paragraph
from tests.conftest import ENGLISH, new_document

IN_REVIEW = ("confirm_pairing", "submit_for_review")
WRONG = [*ENGLISH[:2], ENGLISH[2].replace("4.5%", "45%"), ENGLISH[3]]


def attention_by_row(client, document):
    page = client.get(document.get_absolute_url()).content.decode()
    return dict(re.findall(r'id="row-(\d+)"[^>]*data-attention="([^"]*)"', page))


def test_rows_say_why_they_need_a_look(people):
    document = new_document(people, stage_actions=IN_REVIEW, target=WRONG)
    first, second, third, fourth = Paragraph.objects.filter(document=document).order_by("position")
    comment = add_comment(people.editor, document, "Check the date.", paragraph=first)
    editing.save_edit(people.translator, second.pk, "A proposal.", second.version)
    editing.approve_paragraph(people.editor, fourth.pk)
    client = Client()
    client.force_login(people.editor)

    rows = attention_by_row(client, document)
    assert rows == {
        str(first.pk): "comment unapproved",
        str(second.pk): "proposal unapproved",
        str(third.pk): "finding unapproved",
        str(fourth.pk): "",
    }

    # A resolved comment and a dismissed finding no longer call for a look.
    set_resolved(people.editor, comment, True)
    third.refresh_from_db()
    for finding in third.findings:
        findings.dismiss(people.editor, document, third.pk, finding["key"], "House style.")
    rows = attention_by_row(client, document)
    assert rows[str(first.pk)] == "unapproved"
    assert rows[str(third.pk)] == "unapproved"
