"""Unit tests of the aligner's lexicon evidence (reviews/alignment/lexicon.py): shared news
words for a link, and words one side never renders against linking their paragraph. The
texts are written for these tests."""

import pytest

import reviews.alignment
from reviews.alignment import align, costs, sentences
from reviews.alignment.costs import LEXICON_MATCH, UNRENDERED_TERM, make_link_cost
from reviews.alignment.lexicon import (
    KOREAN_TO_ENGLISH,
    confined_terms,
    english_lemma,
    english_terms,
    korean_terms,
    read_lexicon,
    unrendered_terms,
)
from reviews.alignment.paragraphs import english_paragraph, korean_paragraph


def pairs(links):
    return [(tuple(ko), tuple(en)) for ko, en, _ in links]


def test_the_lexicon_file_reads_and_has_a_few_hundred_words():
    assert len(KOREAN_TO_ENGLISH) >= 400
    assert {"president", "presidential"} <= KOREAN_TO_ENGLISH["대통령"]
    assert all(len(key) >= 2 for key in KOREAN_TO_ENGLISH)


def test_a_lexicon_file_merges_repeated_keys_and_skips_comments(tmp_path):
    path = tmp_path / "lexicon.txt"
    path.write_text("# news words\n\n선거 election\n선거 Vote poll\n", encoding="utf-8")
    assert read_lexicon(path) == {"선거": frozenset({"election", "vote", "poll"})}


@pytest.mark.parametrize("line", ["선거", "선 election", "election 선거", "A1 election"])
def test_a_malformed_lexicon_line_is_refused_with_its_number(tmp_path, line):
    path = tmp_path / "lexicon.txt"
    path.write_text(f"# header\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_lexicon(path)


def test_korean_words_are_matched_on_their_stems_and_inside_compounds():
    # Particles off ("대통령은", "경찰관들이"), a 하다 verb's noun ("발표했다"), the head
    # of a compound ("중간선거") and its first noun ("정부청사").
    text = "대통령은 중간선거에서 경찰관들이 정부청사 앞에서 발표했다고 말했다."
    assert korean_terms(text) == {"대통령", "선거", "경찰관", "정부", "발표"}


def test_korean_words_not_in_the_lexicon_are_not_matched():
    assert korean_terms("그는 어제 집에 갔다.") == frozenset()


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("elections", "election"),
        ("Protesters", "protester"),
        ("voting", "vote"),
        ("babies", "baby"),
        ("meeting", "meeting"),  # a lexicon word of its own, not "meet"
        ("banned", "ban"),
        ("walrus", ""),
    ],
)
def test_english_words_are_matched_on_a_crude_lemma(word, lemma):
    assert english_lemma(word) == lemma


def test_unrendered_words_are_those_the_other_side_never_renders():
    korean = "대통령은 선거 결과를 발표했다. 치아 기록으로 신원을 확인했다."
    english = "The president announced the election results. The police left."
    # 결과 is rendered by "results", 발표 by "announced"; nothing in the English renders
    # 기록 (record); no Korean word renders "police".
    assert unrendered_terms(korean, english) == {"기록", "police"}
    assert english_terms(english) >= {"president", "election", "result", "police"}


def test_only_unrendered_words_confined_to_one_paragraph_of_their_side_count():
    korean = [korean_paragraph("치아 기록으로 신원을 확인했다."), korean_paragraph("경찰이 왔다.")]
    english = [
        english_paragraph("The rally drew a crowd."),
        english_paragraph("Police watched the rally. The police chief left."),
    ]
    unrendered = frozenset({"기록", "rally", "chief", "budget"})
    # "rally" is in both English paragraphs, "budget" in none: only 기록 and "chief" stay.
    assert confined_terms(unrendered, korean + english) == {"기록", "chief"}
    assert confined_terms(frozenset(), korean + english) == frozenset()


# An added-looking English paragraph (1) that is the first half of Korean paragraph 1:
# "rally", "protest", "raid" and "government" are words no Korean word renders (the
# Korean says 집회, 급습 and nothing for the government), but paragraph 0, which plainly
# translates, has them too.
RECURRING = (
    [
        "경찰은 토요일 집회를 앞두고 도심에 경찰관 500명을 배치했다고 밝혔다.",
        "이번 집회는 지난달 사원 급습으로 숨진 30명을 추모하려고 열린다. "
        "시장은 내년 예산안을 다음 달 시의회에 제출하겠다고 밝혔다.",
        "시의회는 이번 주 예산안 공청회를 연다.",
    ],
    [
        "Police said 500 officers were deployed downtown ahead of Saturday's rally, a protest"
        " over last month's government raid.",
        "The rally marks the 30 people killed in the government raid on the mosque, a"
        " protest the organisers say will be peaceful.",
        "The mayor said he would send next year's budget to the city council next month,"
        " calling it the leanest plan the city has seen in a decade.",
        "The council holds a hearing on the budget this week.",
    ],
)


def test_words_the_korean_never_renders_in_several_paragraphs_do_not_make_one_added(
    monkeypatch,
):
    korean, english = RECURRING
    expected = [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]
    assert pairs(align(korean, english)) == expected
    # Counted against every paragraph that has them, they push paragraph 1 out as added.
    monkeypatch.setattr(reviews.alignment, "CONFINED_TERMS", False)
    assert pairs(align(korean, english))[1] == ((), (1,))


def one_to_one_cost(korean: str, english: str, unrendered=frozenset()) -> float:
    cost = make_link_cost(
        [korean_paragraph(korean)], [english_paragraph(english)], 0.5, unrendered=unrendered
    )
    return cost(0, 1, 0, 1)


def test_a_shared_lexicon_word_lowers_the_cost_of_a_link(monkeypatch):
    korean, english = "경찰은 용의자를 체포했다.", "The police arrested the suspect."
    assert LEXICON_MATCH > 0
    weighed = one_to_one_cost(korean, english)
    monkeypatch.setattr(costs, "LEXICON_MATCH", 0.0)
    # "police", "suspect" and "arrested" render 경찰, 용의자 and 체포.
    assert weighed == pytest.approx(one_to_one_cost(korean, english) - 3 * LEXICON_MATCH)


def test_an_unrendered_word_raises_the_cost_of_linking_its_paragraph_only():
    korean = [korean_paragraph("경찰은 치아 기록을 확인했다.")]
    english = [english_paragraph("The police checked it.")]
    unrendered = frozenset({"기록"})
    plain = make_link_cost(korean, english, 0.5)
    weighed = make_link_cost(korean, english, 0.5, unrendered=unrendered)
    assert UNRENDERED_TERM > 0
    assert weighed(0, 1, 0, 1) == pytest.approx(plain(0, 1, 0, 1) + UNRENDERED_TERM)
    # Leaving the paragraph with no counterpart pays nothing for it.
    assert weighed(0, 1, 1, 1) == plain(0, 1, 1, 1)


DROPPED = (
    [
        "시는 내년 예산을 3조 원으로 정했다고 밝혔다.",
        "시장은 복지 예산을 가장 많이 늘렸다.",
        "야당은 세금 인상을 강하게 비판했다.",
        "시의회는 다음 달 예산안을 심의한다.",
    ],
    [
        "The city said it had set next year's budget at 3 trillion won.",
        "The mayor said welfare spending rose the most, and that transport and housing "
        "also gained.",
        "The council will review the proposal next month.",
    ],
)


def test_a_dropped_paragraph_of_words_the_english_never_renders_is_its_own_row(monkeypatch):
    """The dropped paragraph has no figure or name; its words (opposition, tax, criticism)
    are in no English paragraph, which keeps it out of its neighbours' rows."""
    korean, english = DROPPED
    expected = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    assert pairs(align(korean, english)) == expected
    monkeypatch.setattr(costs, "UNRENDERED_TERM", 0.0)
    monkeypatch.setattr(costs, "LEXICON_MATCH", 0.0)
    # The second pass's sentence evidence finds this drop too: without its paragraph-break
    # cost, only the lexicon does.
    monkeypatch.setattr(sentences, "PARAGRAPH_BREAK_INSIDE", 0.0)
    assert pairs(align(korean, english)) != expected
