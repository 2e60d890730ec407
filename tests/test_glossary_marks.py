"""Glossary terms marked in the Korean of the document page."""

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import glossary, korean
from reviews.glossary_marks import build_matcher, term_matcher
from reviews.korean import find_term
from reviews.templatetags.marks import glossary_marks, render_marks
from tests.conftest import ENGLISH, new_document

SOURCE = [
    "북한은 15일 동해상으로 탄도미사일을 발사했다고 합동참모본부가 밝혔다.",
    "남북한 관계는 국회에서도 논의됐다. 북한의 발표는 없었다.",
    "통일부는 <북한>이라는 표현을 썼다 & 설명했다.",
    "북한군이 움직였다.",
]


def test_the_candidates_miss_no_term_that_find_term_finds():
    rng = random.Random(7)
    syllables = "가나다라북한국회의원정부은는의 -"
    words = {
        "".join(rng.choice(syllables) for _ in range(rng.randint(1, 5))).strip() for _ in range(400)
    }
    words = {w for w in words if w}
    matcher = build_matcher((1, None), [(w, "x") for w in words])
    for _ in range(300):
        text = "".join(rng.choice(syllables + "  .") for _ in range(50))
        expected = {w for w in words if korean.find_term(text, w)}
        assert expected <= matcher.candidates(text), (text, expected - matcher.candidates(text))
        assert {term for _, _, term in matcher.spans(text)} <= expected


def test_terms_are_marked_with_particles_and_not_inside_other_words():
    matcher = build_matcher((1, None), [("북한", "North Korea"), ("국회", "National Assembly")])
    spans = matcher.spans(SOURCE[1])
    assert [SOURCE[1][s:e] for s, e, _ in spans] == ["국회", "북한"]  # not 남북한
    assert matcher.spans(SOURCE[3]) == []  # 북한군 is another word


def test_the_longer_term_wins_where_two_overlap():
    matcher = build_matcher((1, None), [("북한", "North Korea"), ("북한군", "North Korean army")])
    assert [term for _, _, term in matcher.spans(SOURCE[3])] == ["북한군"]
    assert [term for _, _, term in matcher.spans(SOURCE[0])] == ["북한"]


def test_the_marks_agree_with_find_term_on_every_term():
    terms = [
        ("북한", "North Korea"),
        ("합동참모본부", "Joint Chiefs of Staff"),
        ("탄도미사일", "ballistic missile"),
        ("동해", "East Sea"),
    ]
    matcher = build_matcher((1, None), terms)
    found = {(s, e) for s, e, _ in matcher.spans(SOURCE[0])}
    expected = {span for korean, _ in terms for span in find_term(SOURCE[0], korean)}
    # 동해 is not marked in 동해상으로: 상 is no particle.
    assert found == expected and len(found) == 3


def test_rendering_escapes_the_text_the_term_and_its_english():
    matcher = build_matcher((1, None), [("북한", "<North> & Korea"), ("통일부", "Ministry")])
    out = render_marks(SOURCE[2], glossary_marks(matcher, SOURCE[2], "term-1-1"))
    assert "<북한>" not in out and "&lt;" in out and "&amp; 설명했다" in out
    assert "&lt;North&gt; &amp; Korea" in out
    assert 'tabindex="0" aria-describedby="term-1-1-0"' in out
    assert 'role="tooltip" id="term-1-1-1"' in out


@pytest.fixture
def marked_document(people):
    glossary.add_term(people.editor, korean="북한", english="North Korea")
    glossary.add_term(people.editor, korean="북한", english="the North")
    glossary.add_term(people.editor, korean="<b>국회</b>", english="<i>Assembly</i>")
    source = [*SOURCE[:3], "여야는 <b>국회</b>에서 만났다."]
    return new_document(people, source=source, target=ENGLISH)


def tip_texts(page):
    return re.findall(r'<span class="glossary-tip" role="tooltip" id="[^"]+">([^<]*)</span>', page)


def test_the_document_page_marks_terms_with_their_english(client, people, marked_document):
    client.force_login(people.translator)
    page = client.get(marked_document.get_absolute_url()).content.decode()
    # 북한은, 북한의, <북한>이라는; not 남북한
    assert tip_texts(page).count("North Korea; the North") == 3
    assert "&lt;i&gt;Assembly&lt;/i&gt;" in tip_texts(page)
    assert "<b>국회" not in page and "<i>Assembly" not in page


def test_a_changed_or_removed_term_changes_the_marks_at_once(client, people, marked_document):
    client.force_login(people.translator)
    term = glossary.add_term(people.editor, korean="탄도미사일", english="ballistic missile")
    url = marked_document.get_absolute_url()
    assert "ballistic missile" in tip_texts(client.get(url).content.decode())
    glossary.update_term(people.editor, term, korean="탄도미사일", english="ballistic missiles")
    assert "ballistic missiles" in tip_texts(client.get(url).content.decode())
    glossary.remove_term(people.editor, term)
    assert "ballistic missiles" not in client.get(url).content.decode()


def test_a_row_fragment_is_marked_too(client, people, marked_document):
    client.force_login(people.translator)
    row = marked_document.paragraphs.get(source__startswith="북한은")
    response = client.get(
        reverse("row", args=[marked_document.pk, row.pk]), headers={"HX-Request": "true"}
    )
    assert "North Korea; the North" in response.content.decode()


def test_the_page_costs_the_same_queries_however_large_the_glossary(client, people, document):
    client.force_login(people.translator)
    glossary.add_term(people.editor, korean="예산", english="budget")
    url = document.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(200):
        glossary.add_term(people.editor, korean=f"용어{number}", english=f"term {number}")
    client.get(url)  # the new version is compiled once
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_matcher_is_rebuilt_only_when_the_glossary_changes(people):
    glossary.add_term(people.editor, korean="예산", english="budget")
    first = term_matcher()
    assert term_matcher() is first
    glossary.add_term(people.editor, korean="복지", english="welfare")
    assert term_matcher() is not first and "복지" in term_matcher().english
