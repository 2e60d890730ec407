"""A sentence with no counterpart on the other side: found by the one shared function
(reviews.alignment.sentences.unmatched_sentences), stored by the omission and addition checks,
and drawn in the row from the stored findings. The texts are written for these tests."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import checks, glossary
from reviews.alignment.sentences import align_sentences, unmatched_sentences
from reviews.glossary_marks import build_matcher
from reviews.models import Paragraph
from reviews.sentence_marks import NO_ENGLISH, NO_KOREAN, unmatched_spans
from reviews.templatetags.marks import glossary_marks, render_marks, sentence_marks
from tests.conftest import ENGLISH, KOREAN, new_document

DROPPED = "김민수 시장은 개관식에서 독서의 중요성을 강조하는 긴 연설을 했다."
LIBRARY_KO = (
    f"시청은 오늘 새 도서관을 열었다. 도서관에는 책 3만 권이 있다. {DROPPED} 주민 500명이 참석했다."
)
LIBRARY_EN = (
    "City hall opened a new library today. The library holds 30,000 books. "
    "About 500 residents attended."
)
SHORT_KO = "시청은 오늘 새 도서관을 열었다. 도서관에는 책 3만 권이 있다."
ADDED = "Critics called the project a waste of 12 million dollars, and the mayor did not respond."
LONG_EN = f"City hall opened a new library today. The library holds 30,000 books. {ADDED}"

KO_SENTENCE = re.compile(r'<mark class="unmatched-sentence[^"]*" title="([^"]+)">(.*?)</mark>')


def marks(html):
    """(title, text without the hidden words) of every sentence mark in the html."""
    return [
        (title, re.sub(r'<span class="visually-hidden">[^<]*</span>', "", inner))
        for title, inner in KO_SENTENCE.findall(html)
    ]


# The shared function.


def test_a_dropped_korean_sentence_is_unmatched():
    dropped, added = unmatched_sentences(LIBRARY_KO, LIBRARY_EN)
    assert [LIBRARY_KO[a:b] for a, b in dropped] == [DROPPED]
    assert added == []


def test_an_added_english_sentence_is_unmatched():
    dropped, added = unmatched_sentences(SHORT_KO, LONG_EN)
    assert dropped == []
    assert [LONG_EN[a:b] for a, b in added] == [ADDED]


def test_a_faithful_translation_leaves_nothing_unmatched():
    english = LIBRARY_EN.replace("About 500", "Kim Min-su gave a long speech. About 500")
    assert unmatched_sentences(LIBRARY_KO, english) == ([], [])


def test_unmatched_sentences_are_align_sentences_links_with_an_empty_side():
    links = align_sentences(LIBRARY_KO, LIBRARY_EN)
    assert ([2], []) in links
    assert unmatched_sentences("", "One sentence. Two.") == ([], [(0, 13), (14, 18)])
    assert unmatched_sentences("한 문장이다.", "") == ([(0, 7)], [])


def test_the_omission_check_points_at_the_unmatched_sentence():
    rows = [*zip(KOREAN, ENGLISH, strict=True), ("  " + LIBRARY_KO, LIBRARY_EN)]
    per_row, _ = checks.check_document(rows)
    (omission,) = [f for f in per_row[-1] if f.kind == "omission"]
    # Given in the text as it was, leading spaces and all.
    assert rows[-1][0][slice(*omission.source_span)] == DROPPED
    assert DROPPED in omission.message


def test_the_addition_check_points_at_the_unmatched_sentence():
    rows = [*zip(KOREAN, ENGLISH, strict=True), (SHORT_KO, LONG_EN)]
    per_row, _ = checks.check_document(rows)
    (addition,) = [f for f in per_row[-1] if f.kind == "addition"]
    assert LONG_EN[slice(*addition.target_span)] == ADDED


# Drawing the mark.


def test_a_term_cut_by_a_sentence_mark_is_split_and_the_mark_says_once_what_it_means():
    text = "앞 문장이다. 도서관 개관식이 열렸다."
    matcher = build_matcher((1, None), [("문장", "sentence")])
    # The unmatched span starts inside the term "문장" and runs to the end.
    marks = glossary_marks(matcher, text, "t") + sentence_marks([(3, len(text))], "source")
    html = render_marks(text, marks)
    # The sentence's mark stays whole; the term it cuts is split around its edge.
    assert html.count("<mark") == 1
    assert html.count('<span class="glossary-term"') == 2
    assert html.count(NO_ENGLISH + ": ") == 1
    assert '<span class="glossary-term"' in html
    shown = re.sub(r'<span class="glossary-tip".*?</span>|<[^>]+>', "", html)
    assert shown.replace(NO_ENGLISH + ": ", "") == text
    # Every tag opened is closed in order (well nested).
    stack = []
    for closing, name in re.findall(r"<(/?)(mark|span)\b", html):
        if closing:
            assert stack.pop() == name
        else:
            stack.append(name)
    assert stack == []


def test_a_mark_escapes_the_text():
    html = render_marks("<b>x</b> & y", sentence_marks([(0, 8)], "target"))
    assert "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;</mark> &amp; y" in html


def test_a_finding_about_the_whole_text_or_dismissed_draws_no_sentence_mark():
    paragraph = Paragraph(source=" 한 문장이다. ", text="One.")
    paragraph.findings = [{"kind": "omission", "source_span": [1, 8], "dismissed": None}]
    assert unmatched_spans(paragraph, "source") == []
    paragraph.source = " 한 문장이다. 둘째다."
    assert unmatched_spans(paragraph, "source") == [(1, 8)]
    paragraph.findings[0]["dismissed"] = {"by": "x", "reason": "y", "at": "z"}
    assert unmatched_spans(paragraph, "source") == []


# The document page.


@pytest.fixture
def dropped(people):
    """A document whose last row's English dropped a sentence, and whose row before it
    carries an addition."""
    return new_document(
        people,
        source=[*KOREAN, SHORT_KO, LIBRARY_KO],
        target=[*ENGLISH, LONG_EN, LIBRARY_EN],
    )


def row_html(html, paragraph):
    start = html.index(f'id="row-{paragraph.pk}"')
    following = html.find('id="row-', start + 1)
    return html[start : following if following != -1 else len(html)]


def cells(html, paragraph):
    row = row_html(html, paragraph)
    source = row[row.index('class="cell-source"') : row.index('class="cell-target"')]
    return source, row[row.index('class="cell-target"') :]


def test_the_dropped_sentence_is_marked_in_the_korean_cell_only(client, people, dropped):
    client.force_login(people.editor)
    html = client.get(dropped.get_absolute_url()).content.decode()
    rows = list(dropped.paragraphs.order_by("position"))
    korean, english = cells(html, rows[5])
    assert marks(korean) == [(NO_ENGLISH, DROPPED)]
    assert f'<span class="visually-hidden">{NO_ENGLISH}: </span>' in korean
    assert marks(english) == []
    korean, english = cells(html, rows[4])
    assert marks(korean) == []
    assert marks(english) == [(NO_KOREAN, ADDED)]
    for clean in rows[:4]:
        assert marks(row_html(html, clean)) == []


def test_the_mark_survives_a_glossary_term_inside_the_sentence(client, people, dropped):
    glossary.add_term(people.editor, korean="개관식", english="opening ceremony")
    client.force_login(people.editor)
    html = client.get(dropped.get_absolute_url()).content.decode()
    korean, _ = cells(html, dropped.paragraphs.get(position=5))
    assert 'class="glossary-term"' in korean
    # The sentence's mark stays whole, the term's span nested inside it.
    (mark,) = re.findall(r'<mark class="unmatched-sentence[^"]*"[^>]*>(.*?)</mark>', korean)
    assert '<span class="glossary-term"' in mark
    shown = re.sub(
        r'<span class="(visually-hidden|glossary-tip)"[^>]*>[^<]*</span>|<[^>]+>', "", mark
    )
    assert shown == DROPPED
    assert korean.count(NO_ENGLISH + ": ") == 1


def test_hostile_text_in_a_dropped_sentence_stays_escaped(client, people):
    hostile = (
        '<img src=x onerror="alert(1)"> 시장은 개관식에서 '
        "<b>독서</b>의 중요성을 강조하는 긴 연설을 했다."
    )
    korean = LIBRARY_KO.replace(DROPPED, hostile)
    document = new_document(people, source=[*KOREAN, korean], target=[*ENGLISH, LIBRARY_EN])
    paragraph = document.paragraphs.get(position=4)
    assert any(f["kind"] == "omission" for f in paragraph.findings)
    client.force_login(people.editor)
    html = client.get(document.get_absolute_url()).content.decode()
    source, _ = cells(html, paragraph)
    assert "<img" not in source and "<b>" not in source
    assert marks(source) == [
        (
            NO_ENGLISH,
            hostile.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;"),
        )
    ]


def test_the_page_draws_the_marks_without_aligning_or_more_queries(
    client, people, dropped, monkeypatch
):
    client.force_login(people.editor)
    clean = new_document(people)
    with CaptureQueriesContext(connection) as clean_queries:
        client.get(clean.get_absolute_url())

    def fail(*args, **kwargs):
        raise AssertionError("sentences were aligned during a page view")

    monkeypatch.setattr("reviews.alignment.sentences._aligned", fail)
    with CaptureQueriesContext(connection) as marked_queries:
        html = client.get(dropped.get_absolute_url()).content.decode()
    assert NO_ENGLISH in html
    assert len(marked_queries) == len(clean_queries)
