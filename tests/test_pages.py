"""The pages around the work: the header, the help page, the error pages and empty states."""

from django.test import Client
from django.urls import reverse

from tests.conftest import new_document


def test_the_header_links_help_and_preferences_and_marks_the_current_page(client, people):
    client.force_login(people.editor)
    html = client.get(reverse("help")).content.decode()
    assert f'<a href="{reverse("help")}" aria-current="page">Help</a>' in html
    assert f'<a href="{reverse("preferences")}">Preferences</a>' in html
    assert '<a class="skip-link" href="#main">Skip to the content</a>' in html


def test_help_is_open_before_logging_in_and_states_the_limits(client, settings):
    settings.WORKBENCH_QUALITY_THRESHOLD = 12.5
    html = client.get(reverse("help")).content.decode()
    for heading in ("The workflow", "Who does what", "Keys on the document page", "Exports"):
        assert heading in html
    assert "passes at 12.5 or fewer" in html
    assert "up to 5 MB and 2000 paragraphs each" in html


def test_the_404_page_is_styled_and_says_what_to_do(client, people):
    client.force_login(people.outsider)
    document = new_document(people)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 404
    html = response.content.decode()
    assert "Error 404" in html and "ask them to assign you" in html
    assert "css/tokens.css" in html


def test_the_403_page_gives_the_reason(client, people):
    client.force_login(people.editor)
    response = client.get(reverse("translator_report"))
    assert response.status_code == 403
    assert "Only managers see the translators&#x27; report." in response.content.decode()
    assert "Error 403" in response.content.decode()


def test_the_500_page_renders_without_a_database_or_a_context(settings):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Error 500" in html and "css/tokens.css" in html


def test_empty_notifications_and_report_say_what_comes_next(client, people):
    client.force_login(people.manager)
    assert "You are told here when a document is assigned to you" in (
        client.get(reverse("notifications")).content.decode()
    )
    assert "The report fills in once a document has a translator" in (
        client.get(reverse("translator_report")).content.decode()
    )


def test_pages_answer_without_a_session_only_where_they_should():
    anonymous = Client()
    assert anonymous.get(reverse("help")).status_code == 200
    assert anonymous.get(reverse("preferences")).status_code == 302
