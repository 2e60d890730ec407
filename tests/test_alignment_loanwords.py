"""Unit tests of the aligner's loanword evidence (reviews/alignment/loanwords.py): Hangul
words spelt as transcriptions, heard in English words by their consonant skeletons, and
those no English word of the document sounds like against linking their paragraph. The
texts are written for these tests."""

import random

import pytest

import reviews.alignment as alignment
from reviews.alignment import align, loanwords
from reviews.alignment.costs import UNRENDERED_TERM, make_link_cost
from reviews.alignment.loanwords import (
    add_loanwords,
    english_sounds,
    heard_sounds,
    is_loanword,
    korean_loanword,
    korean_loanwords,
    loanword_sound,
    sounds_like_word,
    unheard_loanwords,
)
from reviews.alignment.paragraphs import english_paragraph, korean_paragraph


def pairs(links):
    return [(tuple(ko), tuple(en)) for ko, en, _ in links]


@pytest.mark.parametrize(
    "word", ["타이밍", "트럼프", "스포츠", "스트레스", "크리스마스", "네트워크", "튜브", "테러"]
)
def test_transcriptions_are_loanwords(word):
    assert is_loanword(word)


@pytest.mark.parametrize(
    "word",
    ["대통령", "정부", "그들", "그러나", "크게", "스스로", "자랑스러운", "시키", "지키", "슬프"],
)
def test_native_and_sino_korean_words_are_not(word):
    assert not is_loanword(word)


def test_a_loanword_is_found_on_its_stem_and_lexicon_words_are_left_to_the_lexicon():
    assert korean_loanword("타이밍은") == "타이밍"
    assert korean_loanword("에너지") == ""  # in lexicon.txt, weighed there
    found = korean_loanwords("선거 캠프는 트럼프의 타이밍을 걱정했다.")
    assert found == {"캠프", "트럼프", "타이밍"}


@pytest.mark.parametrize(
    ("hangul", "english"),
    [
        ("타이밍", "timing"),
        ("캠페인", "campaigns"),  # gn as n, and an English ending
        ("자이언츠", "giants"),  # g before i as j, ts as one sound
        ("마이클", "michael"),  # ch as k
        ("스타즈", "stars"),  # ㅈ for a voiced s
        ("토마스", "thomas"),  # th as t
    ],
)
def test_a_loanword_sounds_like_its_english_word(hangul, english):
    sound = loanword_sound(hangul)
    assert heard_sounds({sound}, english_sounds(english)) == {sound}
    assert any(sounds_like_word(sound, other) for other in english_sounds(english))


@pytest.mark.parametrize(("hangul", "english"), [("타이밍", "table"), ("트럼프", "tomorrow")])
def test_a_loanword_does_not_sound_like_an_unrelated_word(hangul, english):
    assert not heard_sounds({loanword_sound(hangul)}, english_sounds(english))


def test_the_index_hears_exactly_what_pairwise_comparison_hears():
    """heard_sounds avoids comparing every pair; it must agree with sounds_like_word."""
    rng = random.Random(7)
    letters = "KTPSLMNH"

    def skeleton():
        return "".join(rng.choice(letters) for _ in range(rng.randint(2, 8)))

    korean = {skeleton() for _ in range(300)}
    english = frozenset(skeleton() for _ in range(300))
    expected = {k for k in korean if any(sounds_like_word(k, e) for e in english)}
    assert expected  # the random skeletons do meet
    assert heard_sounds(korean, english) == expected


def test_unheard_loanwords_are_those_no_english_word_sounds_like():
    korean = frozenset({"타이밍", "텍사스산", "라이더컵", "리스크"})
    english = "Oil from Texas arrived in time for the Ryder Cup, and the timing was good."
    # 텍사스산 is heard in part (Texas), 라이더컵 in two capitalised words in a row.
    assert unheard_loanwords(korean, english) == {"리스크"}
    assert unheard_loanwords(korean, english.replace("Ryder Cup", "ryder cup")) == {
        "리스크",
        "라이더컵",
    }


KOREAN = [
    "시는 내년 예산을 3조 원으로 정했다고 밝혔다.",
    "시장은 복지 예산을 가장 많이 늘렸다.",
    "그들이 망설인 것은 모두 타이밍과 리스크 때문이다.",
    "시의회는 다음 달 예산안을 심의한다.",
]
ENGLISH = [
    "The city said it had set next year's budget at 3 trillion won.",
    "The mayor said welfare spending rose the most, and that transport and housing also gained.",
    "The council will review the proposal next month.",
]


def test_an_unheard_loanword_raises_the_cost_of_linking_its_paragraph_only():
    ko = [korean_paragraph(text) for text in KOREAN]
    en = [english_paragraph(text) for text in ENGLISH]
    with_loans, unheard = add_loanwords(KOREAN, ENGLISH, ko)
    assert unheard == {"타이밍", "리스크"}
    plain = make_link_cost(ko, en, 0.5)
    weighed = make_link_cost(with_loans, en, 0.5, unrendered=unheard)
    assert weighed(2, 3, 1, 2) == pytest.approx(plain(2, 3, 1, 2) + 2 * UNRENDERED_TERM)
    assert weighed(1, 3, 1, 2) == pytest.approx(plain(1, 3, 1, 2) + 2 * UNRENDERED_TERM)
    assert weighed(2, 3, 2, 2) == plain(2, 3, 2, 2)  # dropping it pays nothing for them
    assert weighed(1, 2, 1, 2) == plain(1, 2, 1, 2)


def test_a_dropped_paragraph_whose_loanwords_the_english_never_has_is_its_own_row(
    monkeypatch,
):
    """First pass only: the second pass weighs sentences, which here pull the short
    paragraph into its neighbour's row whatever the loanwords say."""
    monkeypatch.setattr(alignment, "SECOND_PASS", False)
    expected = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    assert pairs(align(KOREAN, ENGLISH)) == expected
    monkeypatch.setattr(loanwords, "UNHEARD", False)
    assert pairs(align(KOREAN, ENGLISH)) != expected


def test_a_loanword_the_english_renders_is_not_unheard():
    english = [*ENGLISH[:2], "Timing and risk were the worry.", ENGLISH[2]]
    ko = [korean_paragraph(text) for text in KOREAN]
    _, unheard = add_loanwords(KOREAN, english, ko)
    assert unheard == frozenset()
