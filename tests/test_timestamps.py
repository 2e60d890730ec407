"""Every time a page shows names its time zone, settings.TIME_ZONE (issue 8, item 16)."""

import re

import pytest
from django.urls import reverse

from reviews import editing, workflow
from reviews.comments import add_comment

TIME = re.compile(r'<time datetime="[^"]+">([^<]*)</time>')


def shown_times(client, url):
    html = client.get(url).content.decode()
    return TIME.findall(html)


@pytest.mark.parametrize(("zone", "name"), [("Asia/Seoul", "KST"), ("UTC", "UTC")])
def test_every_timestamp_names_its_time_zone(client, settings, people, document, zone, name):
    settings.TIME_ZONE = zone
    row = document.paragraphs.order_by("position").first()
    editing.save_edit(people.translator, row.pk, "A new headline", 1)
    add_comment(people.editor, document, "Good", paragraph=row)
    reply_to = add_comment(people.editor, document, "On the whole")
    add_comment(people.translator, document, "Thanks", reply_to=reply_to)
    workflow.take_transition(people.translator, "submit_for_review", document)
    editing.save_edit(people.editor, row.pk, "A newer headline", 2)  # an open proposal
    client.force_login(people.editor)
    urls = [
        reverse("dashboard") + "?show=all",
        document.get_absolute_url(),
        reverse("document_comments", args=[document.pk]),
        reverse("paragraph_comments", args=[document.pk, row.pk]),
        reverse("notifications"),
        reverse("history", args=[document.pk, row.pk]),
        reverse("activity", args=[document.pk]),
    ]
    for url in urls:
        times = shown_times(client, url)
        assert times, url
        for shown in times:
            assert shown.endswith(f" {name}"), (url, shown)
