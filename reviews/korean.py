"""Finding a term in Korean text, where particles and endings are glued to the noun.

"북한은", "북한의", "북한에서는" all contain the term "북한"; "남북한" and "북한산" (a
mountain) should not count for a two-syllable term. A substring test gets both wrong, so a
match must start at a word boundary (for short terms) and end where the rest of the word is
a run of particles and copula endings.

Measured against the Kiwi morphological analyser (kiwipiepy 0.24.1 with kiwipiepy-model
0.24.0) on tests/data/korean_terms.jsonl, 53 labelled occurrences (bench/korean_terms.py,
figures in bench/korean_terms.md): this stripper has precision 0.97 and recall 1.00 at 8 µs a
call; Kiwi 0.85 and 0.97 at 540 µs, after an 8 s load, about 500 MB of memory and some 220 MB
installed (its model, its library and numpy). Kiwi's errors are compounds it keeps whole or
splits where a glossary should not ("국회의원", "중국산", "가나는"), so the stripper stays.

Standard library only, no Django import: the checks and the glossary marks both call it.
"""

import re

HANGUL = re.compile(r"[가-힣]")

# Case particles, auxiliary particles, the copula's common endings and a few bound nouns
# that follow names ("측", "씨"). A word is the term followed by up to three of these. Not
# the copula "인": after a country it is "-n" ("미국인", an American), not a particle.
PARTICLES = frozenset(
    """
    은 는 이 가 을 를 의 에 에서 에게 에게서 께 께서 한테 로 으로 로서 으로서 로써 으로써
    와 과 랑 이랑 하고 도 만 까지 부터 조차 마저 보다 처럼 같이 마다 밖에 뿐 대로 나 이나
    든지 이든지 야 이야 요 이요 며 이며 고 이고 다 이다 라 이라 라고 이라고 라는 이라는
    란 이란 라면 이라면 였다 이었다 였던 이었던 에선 에겐 엔 에도 로는 으로는 과의 와의
    들 측 쪽 씨 님 내 간 등 및 만큼 에서의 으로의 로의 에의 께선 이랑은 인데 이지만 지만
    """.split()  # noqa: SIM905 (the particles read better as text)
)
# A noun made a verb or adjective with 하다 or 되다 ("기소했다", "발표된"): whatever follows
# these syllables is the verb's ending.
VERB_STARTS = frozenset("하했해한할합함되됐된될돼됨")
MAX_PARTICLE = max(len(p) for p in PARTICLES)
MAX_PARTICLES = 3
# Terms this long are distinctive enough to be found inside a compound ("한미정상회담").
COMPOUND_TERM_LENGTH = 3


def is_particle_run(rest: str, depth: int = 0) -> bool:
    """True when `rest` (the Hangul after a term, up to the end of the word) is empty or a
    run of at most MAX_PARTICLES particles."""
    if not rest:
        return True
    if depth == 0 and rest[0] in VERB_STARTS:
        return True
    if depth == MAX_PARTICLES:
        return False
    for size in range(min(MAX_PARTICLE, len(rest)), 0, -1):
        if rest[:size] in PARTICLES and is_particle_run(rest[size:], depth + 1):
            return True
    return False


def find_term(text: str, term: str) -> list[tuple[int, int]]:
    """Spans (start, end) of `term` in Korean `text`, particles allowed after it; the span
    covers the term only, not its particles."""
    term = term.strip()
    if not term:
        return []
    spans = []
    start = text.find(term)
    needs_left_boundary = sum(1 for ch in term if HANGUL.match(ch)) < COMPOUND_TERM_LENGTH
    while start != -1:
        end = start + len(term)
        before = text[start - 1] if start else ""
        if HANGUL.match(term[0]):
            left_ok = not (needs_left_boundary and HANGUL.match(before))
        else:
            left_ok = not before.isalnum()
        after = text[end] if end < len(text) else ""
        word_end = end
        while word_end < len(text) and HANGUL.match(text[word_end]):
            word_end += 1
        if after and not HANGUL.match(after) and after.isalnum():
            right_ok = False
        else:
            right_ok = is_particle_run(text[end:word_end])
        if left_ok and right_ok:
            spans.append((start, end))
        start = text.find(term, start + 1)
    return spans


def stem(word: str, min_length: int = 2) -> str:
    """The noun of a Hangul word with its particles taken off ("북한에서는" -> "북한"); the
    word itself when no particle run ends it."""
    for size in range(min_length, len(word)):
        if is_particle_run(word[size:]):
            return word[:size]
    return word
