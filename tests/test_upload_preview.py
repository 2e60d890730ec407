"""The upload's preview (both sides read as the upload will read them, nothing written), the
limits stated on the page, and a page come back after an error saying which files to choose
again."""

from django.urls import reverse

from tests.test_upload import EN, KO, TITLE, counts, english_docx, upload


def preview(client, htmx=True, **fields):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("upload_preview"), {"title": TITLE, **fields}, headers=headers)


def test_the_preview_names_the_encoding_and_counts_paragraphs_writing_nothing(client, people):
    client.force_login(people.translator)
    before = counts()
    response = preview(
        client,
        source_file=upload("기사.txt", "\r\n\r\n".join(KO).encode("cp949")),
        target_file=upload("story.docx", english_docx(EN[0], EN[1:])),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div id="upload-preview"' in html and "<form" not in html  # the fragment only
    assert "기사.txt: CP949 (EUC-KR), <strong>4 paragraphs</strong>; the first 3:" in html
    assert "story.docx: Word document (XML inside), <strong>4 paragraphs</strong>" in html
    assert f"<li>{KO[0]}</li>" in html and KO[3] not in html
    assert '<ol lang="ko">' in html and '<ol lang="en">' in html
    assert counts() == before


def test_the_preview_of_pasted_text_and_utf8(client, people):
    client.force_login(people.translator)
    html = preview(
        client,
        source_text="\n\n".join(KO[:2]),
        target_file=upload("en.txt", "\n\n".join(EN).encode("utf-8")),
    ).content.decode()
    assert "pasted text, <strong>2 paragraphs</strong>" in html
    assert "en.txt: UTF-8, <strong>4 paragraphs</strong>; the first 3:" in html


def test_an_error_on_one_side_leaves_the_other_sides_preview(client, people):
    client.force_login(people.translator)
    before = counts()
    html = preview(
        client,
        source_file=upload("기사.txt", "\n\n".join(KO).encode("utf-8")),
        target_file=upload("story.pdf", b"%PDF-1.4"),
    ).content.decode()
    assert "기사.txt: UTF-8, <strong>4 paragraphs</strong>" in html
    assert "story.pdf is not a file type we can read" in html
    assert counts() == before


def test_without_javascript_the_preview_comes_back_whole_and_says_to_choose_again(client, people):
    client.force_login(people.translator)
    html = preview(
        client,
        htmx=False,
        source_file=upload("기사.txt", "\n\n".join(KO).encode("utf-8")),
        target_text="Pasted English.",
    ).content.decode()
    assert "<form" in html and "기사.txt: UTF-8" in html
    assert "Choose the file again (기사.txt)" in html
    assert "Pasted English.</textarea>" in html


def test_a_failed_upload_says_which_file_must_be_chosen_again(client, people):
    client.force_login(people.translator)
    response = client.post(
        reverse("upload"),
        {
            "title": TITLE,
            "source_file": upload("기사.txt", "\n\n".join(KO).encode("utf-8")),
            "target_file": upload("story.pdf", b"%PDF-1.4"),
        },
    )
    html = response.content.decode()
    assert "story.pdf is not a file type we can read" in html
    assert "Choose the files again (기사.txt, story.pdf)" in html


def test_the_page_states_the_limits_from_the_settings(client, people, settings):
    settings.WORKBENCH_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    client.force_login(people.translator)
    html = client.get(reverse("upload")).content.decode()
    assert "Files: .txt, .md, .docx or .html, in UTF-8, UTF-16 or CP949/EUC-KR" in html
    assert "Up to 2 MB per file" in html
    assert "2,000 paragraphs per side" in html
    assert "Choose the file" not in html


def test_the_preview_is_for_people_who_may_upload(client):
    response = client.post(reverse("upload_preview"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
