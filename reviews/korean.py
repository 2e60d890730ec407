"""Finding a Korean term in running text, where particles are glued to the noun.

A simple matcher kept deliberately small: the term must start a word (nothing word-like
right before it) and may be followed only by Hangul particles (북한은, 북한의, 북한에서는)
before the word ends. So 북한 is found in "북한의 발표" but not in "남북한" or "북한산".
Plain functions, no Django import.
"""

import re

# Case particles, auxiliary particles and a few copula forms that follow nouns in news text.
# Longer forms first so the alternation tries 에서 before 에.
PARTICLES = sorted(
    {
        "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "에게서", "께",
        "께서", "한테", "와", "과", "도", "로", "으로", "로서", "으로서", "로써", "으로써",
        "만", "까지", "부터", "보다", "처럼", "같이", "마다", "조차", "마저", "밖에",
        "이나", "나", "이나마", "이든", "든", "이라도", "라도", "랑", "이랑", "하고",
        "이다", "였다", "이었다", "이며", "며", "이고", "이라는", "라는", "이라고", "라고",
        "인", "들",
    },
    key=lambda particle: (-len(particle), particle),
)  # fmt: skip

# Up to three particles in a row (북한 + 에서 + 는 + 도), then the word must end.
_PARTICLE_TAIL = re.compile(rf"(?:{'|'.join(PARTICLES)}){{0,3}}(?!\w)")


def _starts_word(text, start):
    return start == 0 or not text[start - 1].isalnum()


def find_term(text, term):
    """Spans (start, end) of `term` in `text`, each covering the term itself, not the
    particles after it."""
    spans = []
    if not term:
        return spans
    start = text.find(term)
    while start != -1:
        end = start + len(term)
        if _starts_word(text, start) and _PARTICLE_TAIL.match(text, end):
            spans.append((start, end))
            start = text.find(term, end)
        else:
            start = text.find(term, start + 1)
    return spans


def strip_particles(word):
    """The word without the particles at its end (북한에서는 -> 북한), for search keys. The
    stem keeps at least two syllables, so 사이가 stays 사이 and not 사 + 이가."""
    for cut in range(2, len(word)):
        if _PARTICLE_TAIL.fullmatch(word, cut):
            return word[:cut]
    return word
