"""Unit tests of each kind of evidence the aligner weighs, of its second pass and of the
sentence aligner. The texts are written for these tests."""

import pytest

from reviews.alignment import align, join_replaced
from reviews.alignment.costs import UNHEARD_NAME, make_link_cost
from reviews.alignment.lengths import KO_PER_EN_CHARS, length_cost
from reviews.alignment.names import unheard_names
from reviews.alignment.paragraphs import english_names, english_paragraph, korean_paragraph
from reviews.alignment.rescoring import doubtful_stretches
from reviews.alignment.sentences import (
    SENTENCE_PRIORS,
    align_sentences,
    sentence_units,
    soft_cost,
)
from reviews.sentences import split_sentences


def pairs(links):
    return [(tuple(ko), tuple(en)) for ko, en, _ in links]


def one_to_one_cost(korean: str, english: str) -> float:
    """The cost of linking one Korean paragraph with one English paragraph."""
    cost = make_link_cost([korean_paragraph(korean)], [english_paragraph(english)], 0.5)
    return cost(0, 1, 0, 1)


def test_length_cost_is_least_at_the_expected_ratio():
    english = 200
    expected = round(english * KO_PER_EN_CHARS)
    costs = [length_cost(korean, english, KO_PER_EN_CHARS) for korean in (40, 70, expected)]
    assert costs[0] > costs[1] > costs[2] >= 0
    # Far beyond erfc's range the asymptotic form keeps growing.
    assert length_cost(1, 100_000, KO_PER_EN_CHARS) > length_cost(1, 10_000, KO_PER_EN_CHARS)


def test_shared_figures_lower_the_cost_and_missing_ones_raise_it():
    korean = "정부는 올해 1200만 명이 방문했다고 밝혔다."
    same = "The government said 12 million people visited this year."
    other = "The government said 8 million people visited this year."
    assert one_to_one_cost(korean, same) < one_to_one_cost(korean, other)


def test_a_month_agrees_with_its_english_name():
    korean = "회의는 3월에 열린다."
    assert one_to_one_cost(korean, "The meeting is in March.") < one_to_one_cost(
        korean, "The meeting is in October."
    )


def test_latin_words_kept_in_korean_lower_the_cost():
    korean = "NATO는 회의를 열었다."
    assert one_to_one_cost(korean, "NATO held a meeting.") < one_to_one_cost(
        korean, "The alliance held a meeting."
    )


def test_hangul_names_that_sound_like_the_english_lower_the_cost():
    korean = "존슨 총리는 회의에 참석했다."
    assert one_to_one_cost(korean, "Prime Minister Johnson attended.") < one_to_one_cost(
        korean, "Prime Minister Lindsay attended."
    )


def test_sentence_counts_that_differ_raise_the_cost():
    korean = "비가 내렸다. 경기는 취소됐다."
    two = "It rained. The match was called off."
    one = "It rained; the match was called off."
    assert korean_paragraph(korean).sentences == 2
    assert one_to_one_cost(korean, two) < one_to_one_cost(korean, one)


def test_quotation_marks_on_one_side_only_raise_the_cost():
    korean = '그는 "끝까지 싸우겠다"고 말했다.'
    assert one_to_one_cost(korean, 'He said: "We will fight on."') < one_to_one_cost(
        korean, "He said they would fight on."
    )


def test_sentence_evidence_costs_more_for_an_unrelated_sentence_merged_in():
    """The second pass's evidence: aligning a paragraph's sentences with its translation
    costs less than with the translation plus an English sentence from elsewhere, after
    the per-sentence allowance the second pass gives."""
    from reviews.alignment.rescoring import SENTENCE_BASE

    korean = "시는 청년 주택 1만2000가구를 공급한다. 입주는 2026년에 시작된다."
    english = "The city will supply 12,000 homes for young people. Tenants move in from 2026."
    extra = "Separately, police arrested three men over a robbery in Busan on Friday."

    def sentence_cost(korean_text, english_text):
        ko = sentence_units(korean_text, "ko")
        en = sentence_units(english_text, "en")
        unit_cost = make_link_cost(ko, en, KO_PER_EN_CHARS, SENTENCE_PRIORS)
        raw = soft_cost(unit_cost, 0, len(ko), 0, len(en))
        return raw - SENTENCE_BASE * (len(ko) + len(en)) / 2

    assert sentence_cost(korean, english) < sentence_cost(korean, english + " " + extra)


def test_sentence_links_keep_to_their_paragraphs():
    """One Korean sentence rendered as two English sentences that end one paragraph and
    open the next: the alignment that runs across the break pays for it, so the pair
    costs more when the break is known."""
    korean = sentence_units("시는 내년 예산을 5% 늘리고 청년 주택 3000가구를 공급한다.", "ko")
    english = sentence_units(
        "The city will raise next year's budget by 5%. It will also supply 3,000 homes.", "en"
    )
    assert (len(korean), len(english)) == (1, 2)
    unit_cost = make_link_cost(korean, english, KO_PER_EN_CHARS, SENTENCE_PRIORS)
    whole = soft_cost(unit_cost, 0, 1, 0, 2)
    # The English paragraph break falls before sentence 1.
    kept = soft_cost(unit_cost, 0, 1, 0, 2, breaks=((), (1,)))
    assert kept > whole + 1.0
    # A break on the side with one sentence changes nothing.
    assert soft_cost(unit_cost, 0, 1, 0, 2, breaks=((0,), ())) == whole


def test_doubtful_stretches_take_a_link_of_context():
    links = [
        (0, 0, 1, 1, 0.99),
        (1, 1, 2, 2, 0.99),
        (2, 2, 3, 4, 0.95),  # 1-2: re-judged
        (3, 4, 4, 5, 0.99),
        (4, 5, 5, 6, 0.99),
        (5, 6, 6, 7, 0.99),
        (6, 7, 7, 8, 0.5),  # doubtful 1-1
    ]
    assert doubtful_stretches(links) == [(1, 4), (5, 7)]


def test_a_dropped_paragraph_next_to_an_added_one_is_one_row():
    links = [(0, 0, 1, 1, 0.99), (1, 1, 2, 1, 0.7), (2, 1, 2, 2, 0.8), (2, 2, 3, 3, 0.99)]
    assert join_replaced(links) == [(0, 0, 1, 1, 0.99), (1, 1, 2, 2, 0.7), (2, 2, 3, 3, 0.99)]
    # Two drops in a row stay as they are.
    drops = [(0, 0, 1, 0, 0.9), (1, 0, 2, 0, 0.9)]
    assert join_replaced(drops) == drops


def test_a_replaced_paragraph_is_one_flagged_row():
    """The translator put a long unrelated paragraph where a short one was: the search
    finds a drop and an addition side by side, which the row joins, below the 0.6 flag."""
    korean = [
        "서울시는 3월 5일 2025년 예산안을 45조 원 규모로 확정했다고 밝혔다.",
        "야당은 비판했다.",
        "시의회는 다음 달 예산안을 심의할 예정이다.",
    ]
    english = [
        "The Seoul city government said on March 5 that it had finalised a 2025 budget of "
        "45 trillion won.",
        "Weather forecasters expect heavy snow across Gangwon province over the weekend, with "
        "up to 30 centimetres in the mountains, and the transport ministry told drivers to "
        "carry chains and to avoid the highways where they can.",
        "The city council will review the budget proposal next month.",
    ]
    links = align(korean, english)
    assert [(ko, en) for ko, en, _ in links] == [([0], [0]), ([1], [1]), ([2], [2])]
    assert links[1][2] < 0.6


# A short Korean paragraph the translation dropped, before a paragraph whose English is a
# loose, much longer rendering: the whole-paragraph length gap invites merging the two.
LOOSE_KOREAN = [
    "서울시는 5일 내년 예산안을 발표했다.",
    "시장은 기자회견에서 복지 예산을 늘리겠다고 말했다.",
    "그 이유는 간단하다.",
    "내년 선거가 8개월 앞으로 다가왔다. 여당이 예상대로 고전한다면 시장의 재선 계획은 큰 "
    "타격을 입을 것이다.",
    "시의회는 다음 달 예산안을 심의한다.",
]
LOOSE_ENGLISH = [
    "Seoul city announced its budget for next year on the 5th.",
    "The mayor told a news conference that he would raise spending on welfare.",
    "The local elections are now only eight months away, and if, as most people in the city "
    "and the party itself have come to expect, the ruling party struggles badly at the "
    "polls, the mayor will find his carefully laid plans for a second term in office "
    "seriously damaged.",
    "The city council will debate the budget next month.",
]


def test_a_long_loose_translation_does_not_swallow_the_dropped_paragraph_before_it(
    monkeypatch,
):
    """In the second pass the long paragraph's sentences cannot take in the dropped one's
    without running a sentence link across its paragraph break: the dropped paragraph
    keeps its own row."""
    import reviews.alignment.sentences as sentences

    links = align(LOOSE_KOREAN, LOOSE_ENGLISH)
    assert [(ko, en) for ko, en, _ in links] == [
        ([0], [0]),
        ([1], [1]),
        ([2], []),
        ([3], [2]),
        ([4], [3]),
    ]
    # With sentence links free to run across the break, the drop hides in the next row.
    monkeypatch.setattr(sentences, "PARAGRAPH_BREAK_INSIDE", 0.0)
    assert ([2, 3], [2]) in [(ko, en) for ko, en, _ in align(LOOSE_KOREAN, LOOSE_ENGLISH)]


# ---------------------------------------------------------------------------------------
# Sentence alignment


KOREAN = (
    "서울시는 3월 5일 2025년 예산안을 45조 원 규모로 확정했다고 밝혔다. "
    "이는 올해보다 3.5% 늘어난 것이다. "
    "시는 청년 주택 1만2000가구를 새로 공급하기로 했다. "
    "시의회는 다음 달 예산안을 심의할 예정이다."
)
ENGLISH = (
    "The Seoul city government said on March 5 that it had finalised a 2025 budget of 45 "
    "trillion won. That is 3.5% more than this year. The city will supply 12,000 new homes "
    "for young people. The city council will review the budget proposal next month."
)


def english_without(index):
    spans = split_sentences(ENGLISH, "en")
    return " ".join(ENGLISH[start:end] for k, (start, end) in enumerate(spans) if k != index)


def test_sentences_of_a_faithful_translation_pair_one_to_one():
    assert align_sentences(KOREAN, ENGLISH) == [([k], [k]) for k in range(4)]


# A dropped sentence much shorter than its neighbour (sentence 1 here) can still hide in
# the neighbour's link: length and a figure missing from the English do not outweigh the
# prior for a 2-1 link, so it is not among these cases.
@pytest.mark.parametrize("dropped", [2, 3])
def test_a_sentence_the_translation_dropped_stands_alone(dropped):
    links = align_sentences(KOREAN, english_without(dropped))
    assert ([dropped], []) in links
    assert [k for ko, _ in links for k in ko] == [0, 1, 2, 3]
    assert [e for _, en in links for e in en] == [0, 1, 2]


def test_a_sentence_the_translation_added_stands_alone():
    english = ENGLISH.replace(
        "for young people.",
        "for young people. Critics said the city needs at least 50,000 homes to meet demand.",
    )
    links = align_sentences(KOREAN, english)
    assert ([], [3]) in links
    assert ([3], [4]) in links


def test_a_korean_sentence_split_in_english():
    korean = "시는 청년 주택 1만2000가구를 공급하고 입주는 2026년에 시작된다."
    english = "The city will supply 12,000 homes for young people. Tenants move in from 2026."
    assert align_sentences(korean, english) == [([0], [0, 1])]


def test_sentence_indices_follow_split_sentences_with_abbreviations():
    korean = "미국 정부는 회의를 열었다. 김 박사가 발표했다."
    english = "The U.S. government held a meeting. Dr. Kim presented."
    assert len(split_sentences(english, "en")) == 2
    assert align_sentences(korean, english) == [([0], [0]), ([1], [1])]


@pytest.mark.parametrize(
    ("korean", "english", "expected"),
    [
        ("", "", []),
        ("첫 문장이다. 둘째 문장이다.", "  ", [([0], []), ([1], [])]),
        ("", "One. Two.", [([], [0]), ([], [1])]),
    ],
)
def test_sentence_alignment_with_an_empty_side(korean, english, expected):
    assert align_sentences(korean, english) == expected


def test_second_pass_leaves_texts_that_do_not_correspond_alone():
    """Where the first pass is unsure of most links, rescore returns them unchanged (it
    would spend time re-judging a document that has nothing to find)."""
    from reviews.alignment.rescoring import rescore

    links = [(0, 0, 1, 0, 0.3), (1, 0, 1, 1, 0.2), (1, 1, 2, 2, 0.4)]

    def no_cost_may_be_asked(*_):
        raise AssertionError("the second pass ran")

    assert rescore(["가.", "나."], ["A.", "B."], links, no_cost_may_be_asked, 0.5, frozenset()) == (
        links
    )


def unheard(korean: str, english: str) -> set:
    """The English words of `english` whose names the Korean text never mentions."""
    names = english_names([english], frozenset())
    skeletons = unheard_names(korean, names)
    return {word for skeleton in skeletons for word in names[skeleton]}


def test_a_name_the_korean_never_mentions_is_unheard():
    korean = "존슨 총리는 회의에 참석했다. 한국 대표단도 함께했다."
    english = "Prime Minister Johnson attended, as did Korea's delegates and host Karen Hunter."
    # Heard: "Johnson" by sound (존슨), "Korea" by meaning (한국); "Prime" and "Minister"
    # open the sentence or are titles Korean writes by meaning.
    assert unheard(korean, english) == {"Karen", "Hunter"}


def test_a_name_kept_in_latin_letters_or_with_a_particle_is_heard():
    assert unheard("캔디스 터너(Candace Turner)는 글을 올렸다.", "It was Candace Turner.") == set()
    assert unheard("존슨의 가족은 신고했다.", "It was Johnson's family.") == set()


def test_days_months_and_sentence_openers_are_not_names():
    english = "Officials met on Monday. Pickpockets were busy in May 2020, they said."
    assert unheard("관계자들은 회의를 했다.", english) == set()


def test_an_unheard_name_raises_the_cost_of_linking_its_paragraph():
    korean = [korean_paragraph("시장은 예산안을 발표했다.")]
    english = [english_paragraph("The mayor presented the budget, Karen Hunter said.")]
    names = english_names(["The mayor presented the budget, Karen Hunter said."], frozenset())
    without = make_link_cost(korean, english, 0.5)(0, 1, 0, 1)
    with_names = make_link_cost(korean, english, 0.5, unheard=unheard_names("시장", names))
    assert UNHEARD_NAME > 0
    assert with_names(0, 1, 0, 1) == pytest.approx(without + 2 * UNHEARD_NAME)
    # A paragraph left with no counterpart pays nothing for its names.
    assert with_names(1, 1, 0, 1) == make_link_cost(korean, english, 0.5)(1, 1, 0, 1)


def test_an_added_paragraph_with_names_the_korean_lacks_is_its_own_row():
    """Sentence counts and lengths alone would merge the added remark into the row before
    (1-2); its names, which the Korean never mentions, make it a row of its own."""
    korean = [
        "시는 내년 예산을 3조 원으로 정했다고 밝혔다.",
        "시장은 복지 예산을 가장 많이 늘렸다고 설명했다. 교통 예산도 늘었다.",
        "시의회는 다음 달 예산안을 심의한다.",
    ]
    english = [
        "The city said it had set next year's budget at 3 trillion won.",
        "The mayor explained that welfare spending rose the most, and transport gained too.",
        "But analyst Margaret Whitfield of Brookings called it timid.",
        "The council will review the proposal next month.",
    ]
    assert pairs(align(korean, english)) == [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), (3,))]
