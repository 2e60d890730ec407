"""The simple Korean term matcher: a term starts a word and only particles may follow it."""

import pytest

from reviews.korean import find_term, stem


@pytest.mark.parametrize(
    "text",
    [
        "북한은 15일 발표했다.",
        "북한의 발표",
        "정부는 북한에서는 볼 수 없다고 했다.",
        "북한.",
        "(북한)",
    ],
)
def test_it_finds_the_term_with_particles_after_it(text):
    spans = find_term(text, "북한")
    assert spans
    assert all(text[start:end] == "북한" for start, end in spans)


@pytest.mark.parametrize("text", ["남북한 정상회담", "북한산에 올랐다", "북한군이 움직였다", ""])
def test_it_does_not_find_the_term_inside_another_word(text):
    assert find_term(text, "북한") == []


def test_it_finds_every_place_and_covers_only_the_term():
    text = "북한은 북한의 입장을 밝혔다. 남북한이 아니라 북한."
    assert find_term(text, "북한") == [(0, 2), (4, 6), (26, 28)]


def test_it_finds_terms_with_spaces_and_latin_terms():
    assert find_term("한미 동맹을 강화한다", "한미 동맹") == [(0, 5)]
    assert find_term("IAEA는 사찰을 요구했다", "IAEA") == [(0, 4)]
    assert find_term("XIAEA는", "IAEA") == []


def test_an_empty_term_is_found_nowhere():
    assert find_term("북한은", "") == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("북한에서는", "북한"),
        ("정부는", "정부"),
        ("대통령이", "대통령"),
        ("사이가", "사이"),
        ("서울", "서울"),
    ],
)
def test_stem_takes_the_particles_off(word, expected):
    assert stem(word) == expected
