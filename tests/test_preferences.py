"""Each person's own time zone: set on /preferences/, active on every page, named in every time."""

from datetime import UTC, datetime

from django.urls import reverse

from reviews.models import Profile
from reviews.preferences import set_time_zone
from reviews.timestamps import moment


def test_times_are_shown_in_the_persons_own_zone_and_say_which(client, people, document):
    stamp = datetime(2026, 3, 5, 5, 7, tzinfo=UTC)
    type(document).objects.filter(pk=document.pk).update(updated_at=stamp)
    client.force_login(people.editor)
    page = client.get(reverse("dashboard") + "?show=all").content.decode()
    assert "Mar 5, 14:07 KST" in page  # the desk's zone, Asia/Seoul, by default

    response = client.post(reverse("preferences"), {"time_zone": "America/New_York"})
    assert response.status_code == 302
    page = client.get(reverse("dashboard") + "?show=all").content.decode()
    assert "Mar 5, 00:07 EST" in page
    # Another person's pages are untouched.
    client.force_login(people.translator)
    assert "Mar 5, 14:07 KST" in client.get(reverse("dashboard") + "?show=all").content.decode()


def test_an_unknown_zone_is_refused_and_nothing_is_saved(client, people):
    client.force_login(people.editor)
    response = client.post(reverse("preferences"), {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert "is not a time zone this server knows" in response.content.decode()
    assert not Profile.objects.filter(user=people.editor).exists()


def test_blank_goes_back_to_the_desks_zone(client, people):
    set_time_zone(people.editor, "Europe/Berlin")
    client.force_login(people.editor)
    page = client.get(reverse("preferences")).content.decode()
    assert '<option value="Europe/Berlin" selected>' in page
    client.post(reverse("preferences"), {"time_zone": ""})
    assert Profile.objects.get(user=people.editor).time_zone == ""
    assert (
        "The desk's time zone (Asia/Seoul)" in client.get(reverse("preferences")).content.decode()
    )


def test_the_zone_is_not_left_active_after_the_request(client, people):
    set_time_zone(people.editor, "Europe/London")
    client.force_login(people.editor)
    client.get(reverse("preferences"))
    assert moment(datetime(2026, 3, 5, 5, 7, tzinfo=UTC)) == "Mar 5, 14:07 KST"
