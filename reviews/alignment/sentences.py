"""Sentence alignment: which sentences of a Korean text and of its English translation
translate each other, and which have no counterpart.

The same model as the paragraphs' (Gale-Church lengths plus numbers, Latin words, names and
quotes), over the sentences of `split_sentences`, with priors for sentences: a translator
keeps most sentences, sometimes splits or joins one, and now and then drops or adds one.
The paragraph aligner's second pass uses the same costs to judge its doubtful rows.
"""

import re

from reviews.alignment.costs import make_link_cost
from reviews.alignment.lengths import KO_PER_EN_CHARS
from reviews.alignment.lexicon import rendered_keys
from reviews.alignment.paragraphs import Paragraph, english_paragraph, korean_paragraph
from reviews.alignment.search import INFINITY, _add_costs, _search
from reviews.sentences import split_sentences

# Prior probability of each sentence link shape (Korean sentences, English sentences).
# Korean translators often make two sentences of one long English one, and the reverse.
SENTENCE_PRIORS = {
    (1, 1): 0.8,
    (2, 1): 0.07,
    (1, 2): 0.07,
    (1, 0): 0.02,
    (0, 1): 0.02,
    (2, 2): 0.01,
    (3, 1): 0.005,
    (1, 3): 0.005,
}

# A paragraph break inside one sentence link, on either side: a translator breaks
# paragraphs between sentences, and seldom splits one sentence (or joins two) across a
# break. About one break in twenty, a round figure (2 to 5 score alike on the dev sets).
PARAGRAPH_BREAK_INSIDE = 3.0


def sentence_units(text: str, lang: str, common_words: frozenset = frozenset()) -> list:
    """The features of each sentence of a paragraph, counted as no sentences, so that
    sentence links are judged by their lengths and anchors alone."""
    return [_features(text[a:b], lang, common_words) for a, b in split_sentences(text, lang)]


def _features(sentence: str, lang: str, common_words: frozenset) -> Paragraph:
    # The hand-written lexicon's concepts only, not the learned lexicon's: that one is
    # loaded per process, and the sentence marks and omission checks of a row must not
    # depend on which process computed them.
    if lang == "ko":
        features = korean_paragraph(sentence)
        concepts = features.terms
    else:
        features = english_paragraph(sentence, common_words)
        concepts = rendered_keys(features.terms)
    return features._replace(sentences=0, concepts=concepts)


def soft_cost(unit_cost, a: int, b: int, c: int, d: int, breaks=((), ())) -> float:
    """Minus the log of the summed probability of every alignment of sentences a..b-1
    with sentences c..d-1 (forward pass only), from a cost function over those indices.
    `breaks` holds, for each side, the sentences that open a paragraph inside the span; a
    sentence link that runs across one costs PARAGRAPH_BREAK_INSIDE more for each."""
    # The paragraph of each sentence, counted from the span's first: a link from sentence
    # p to sentence q - 1 runs across as many breaks as their numbers differ by.
    korean_part = _paragraph_numbers(a, b, breaks[0])
    english_part = _paragraph_numbers(c, d, breaks[1])
    width = d - c + 1
    forward = [[INFINITY] * width for _ in range(b - a + 1)]
    forward[0][0] = 0.0
    for i in range(a, b + 1):
        row = forward[i - a]
        for j in range(c, d + 1):
            if i == a and j == c:
                continue
            total = INFINITY
            for di, dj in SENTENCE_PRIORS:
                pi, pj = i - di, j - dj
                if pi < a or pj < c:
                    continue
                start = forward[pi - a][pj - c]
                if start < INFINITY:
                    cost = start + unit_cost(pi, i, pj, j)
                    if korean_part and di > 1:
                        crossed = korean_part[i - 1 - a] - korean_part[pi - a]
                        cost += PARAGRAPH_BREAK_INSIDE * crossed
                    if english_part and dj > 1:
                        crossed = english_part[j - 1 - c] - english_part[pj - c]
                        cost += PARAGRAPH_BREAK_INSIDE * crossed
                    total = _add_costs(total, cost)
            row[j - c] = total
    return forward[b - a][d - c]


def _paragraph_numbers(start: int, end: int, breaks) -> list[int]:
    """For each sentence start..end-1, how many of the breaks come at or before it; empty
    when there are no breaks, so that one-paragraph spans skip the check."""
    if not breaks:
        return []
    return [sum(k <= index for k in breaks) for index in range(start, end)]


def align_sentences(source: str, target: str) -> list[tuple[list[int], list[int]]]:
    """Align the sentences of a Korean text with those of its English translation.

    Sentences are numbered as `split_sentences(source, "ko")` and
    `split_sentences(target, "en")` number them. Returns links (source_sentence_indices,
    target_sentence_indices) in order, every sentence in exactly one link: a link with an
    empty side is a sentence with no counterpart (a Korean sentence the translation
    dropped, or an English one it added).
    """
    return _aligned(source, target)[2]


def unmatched_sentences(source: str, target: str) -> tuple[list[tuple], list[tuple]]:
    """The (start, end) spans of the Korean sentences the translation has nothing for, and
    of the English sentences with no Korean behind them, as `align_sentences` links them.
    The omission and addition checks judge and point with these."""
    korean, english, links = _aligned(source, target)
    dropped = [korean[i] for ko, en in links if not en for i in ko]
    added = [english[j] for ko, en in links if not ko for j in en]
    return dropped, added


def _aligned(source: str, target: str) -> tuple[list, list, list]:
    korean, english = split_sentences(source, "ko"), split_sentences(target, "en")
    common_words = frozenset(re.findall(r"\b[a-z]+\b", target))
    ko = [_features(source[a:b], "ko", common_words) for a, b in korean]
    en = [_features(target[a:b], "en", common_words) for a, b in english]
    links = [(list(range(i0, i1)), list(range(j0, j1))) for i0, j0, i1, j1 in _path(ko, en)]
    return korean, english, links


def _path(ko: list[Paragraph], en: list[Paragraph]) -> list[tuple[int, int, int, int]]:
    n, m = len(ko), len(en)
    if not n or not m:
        return [(i, 0, i + 1, 0) for i in range(n)] + [(n, j, n, j + 1) for j in range(m)]
    # The usual ratio, not the texts' own: a dropped sentence would pull that towards
    # itself and hide (on the dev sets' rows, F1 0.967 with the own ratio, 0.993 without).
    ratio = KO_PER_EN_CHARS
    unit_cost = make_link_cost(ko, en, ratio, SENTENCE_PRIORS)
    path, _, _, _ = _search(n, m, unit_cost, [(0, m)] * (n + 1), list(SENTENCE_PRIORS))
    return path
