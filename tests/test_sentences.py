"""Tests of the sentence splitter (reviews.sentences). The texts are written for these tests."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.sentences import split_sentences


def sentences(text, lang):
    return [text[start:end] for start, end in split_sentences(text, lang)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "정부는 오늘 대책을 발표했다. 시민들은 반겼어요. 효과가 있을까? 두고 볼 일이다!",
            [
                "정부는 오늘 대책을 발표했다.",
                "시민들은 반겼어요.",
                "효과가 있을까?",
                "두고 볼 일이다!",
            ],
        ),
        # The quotation closes after the period; the next sentence starts after it.
        (
            '김 장관은 "협상은 끝나지 않았다." 그는 이렇게 덧붙였다.',
            ['김 장관은 "협상은 끝나지 않았다."', "그는 이렇게 덧붙였다."],
        ),
        # A quotation followed by a quoting particle is inside the sentence.
        (
            '그는 "좋다." 라고 말했다. 회의는 끝났다.',
            ['그는 "좋다." 라고 말했다.', "회의는 끝났다."],
        ),
        ('그는 "좋다."라고 말했다.', ['그는 "좋다."라고 말했다.']),
        # Decimals, dates written with periods and an English abbreviation inside Korean.
        (
            "성장률은 2.5%였다. 발표는 2019. 12. 1. 있었다. U.S. 정부도 환영했다.",
            ["성장률은 2.5%였다.", "발표는 2019. 12. 1. 있었다.", "U.S. 정부도 환영했다."],
        ),
        # An ellipsis that trails off inside a sentence, and one after an ending.
        (
            "그런데... 그는 말을 멈췄다. 끝이었다… 모두 떠났다.",
            ["그런데... 그는 말을 멈췄다.", "끝이었다…", "모두 떠났다."],
        ),
        ("제목만 있는 문단", ["제목만 있는 문단"]),
        # Run together without a space after the ending, as pasted copy often is.
        (
            "회의는 오후 3시에 열린다.이후 기자회견이 있다.",
            ["회의는 오후 3시에 열린다.", "이후 기자회견이 있다."],
        ),
        ("물가는 3.5% 올랐다. 금리는 2.25%다.", ["물가는 3.5% 올랐다.", "금리는 2.25%다."]),
        ("발표는 2019.12.1 있었다.", ["발표는 2019.12.1 있었다."]),
    ],
)
def test_korean(text, expected):
    assert sentences(text, "ko") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr. Kim met Mr. Lee at noon. They talked for an hour.",
            ["Dr. Kim met Mr. Lee at noon.", "They talked for an hour."],
        ),
        # "U.S." before a name is inside the sentence, before "The" it ends one.
        (
            "The U.S. Army left. Talks with the U.S. The deal is off.",
            ["The U.S. Army left.", "Talks with the U.S.", "The deal is off."],
        ),
        (
            "It opened on Jan. 5 at No. 10 Main St. in Seoul. Prices rose 3.5 percent.",
            ["It opened on Jan. 5 at No. 10 Main St. in Seoul.", "Prices rose 3.5 percent."],
        ),
        # Initials, and a question inside a quotation that the sentence goes on after.
        (
            'J. K. Rowling spoke. "Why?" she asked. "Because." He left.',
            ["J. K. Rowling spoke.", '"Why?" she asked.', '"Because."', "He left."],
        ),
        (
            "Wait... and see. It ended at 5 p.m. The crowd left.",
            ["Wait... and see.", "It ended at 5 p.m.", "The crowd left."],
        ),
        ('He said: "We will win." Then he left!', ['He said: "We will win."', "Then he left!"]),
        ("A headline\nA second line.", ["A headline", "A second line."]),
        ("She works at Acme Inc. in Busan.", ["She works at Acme Inc. in Busan."]),
        # A closing quote set off by a space stays with its sentence.
        ('"We are ready. ” He nodded.', ['"We are ready. ”', "He nodded."]),
        # A figure with a decimal point before the stop is no abbreviation like "U.S.".
        (
            "Prices rose 3.5%. Wages rose 2.1 percent.",
            ["Prices rose 3.5%.", "Wages rose 2.1 percent."],
        ),
        # "No." is short for "number" only before a figure.
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        (
            "He said no. Kim left. It ranked No. 1 in Asia.",
            ["He said no.", "Kim left.", "It ranked No. 1 in Asia."],
        ),
        (
            "They met in Washington, D.C. Then they flew home. Dr. Park said so.",
            ["They met in Washington, D.C.", "Then they flew home.", "Dr. Park said so."],
        ),
        ("He paused... Then he left.", ["He paused...", "Then he left."]),
    ],
)
def test_english(text, expected):
    assert sentences(text, "en") == expected


def test_spans_are_offsets_into_the_text():
    text = "  첫 문장이다.   둘째 문장이다.  "
    assert split_sentences(text, "ko") == [(2, 9), (12, 20)]


def test_blank_text_has_no_sentences():
    assert split_sentences("", "en") == []
    assert split_sentences(" \n ", "ko") == []


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        split_sentences("Hello.", "ja")


@given(st.text(alphabet=st.sampled_from("가다요 .?!\"”'\nAbc.U3"), max_size=60))
def test_spans_are_ordered_non_blank_and_cover_the_text(text):
    for lang in ("ko", "en"):
        spans = split_sentences(text, lang)
        previous_end = 0
        for start, end in spans:
            assert previous_end <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]
            assert not text[previous_end:start].strip()
            previous_end = end
        assert not text[previous_end:].strip()
