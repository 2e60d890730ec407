"""The cost of a link: minus the log-probability (nats, up to a constant) that some Korean
paragraphs and some English paragraphs translate each other, from the link's shape, the
length model and the evidence of numbers, Latin words, names, sentences and quotes."""

import itertools
import math

from reviews.alignment.lengths import length_cost
from reviews.alignment.names import sounds_alike
from reviews.alignment.paragraphs import Paragraph, merge

# Prior probability of each link shape (Korean paragraphs, English paragraphs), fitted on
# the development sets (which have about 74% 1-1, 11% 2-1, 7% 1-2, 4% 1-0, 4% 0-1). The
# rare three-way merges are allowed so that real documents can use them, at a high price.
LINK_PRIORS = {
    (1, 1): 0.8,
    (2, 1): 0.07,
    (1, 2): 0.07,
    (1, 0): 0.025,
    (0, 1): 0.025,
    (3, 1): 0.002,
    (1, 3): 0.002,
}

# Evidence, in nats. A shared anchor (number, month, weekday, Latin word) is strong
# evidence for a link. A firm anchor (a figure or month) or a Latin word on one side only
# is evidence against it: weakly for the Korean side, which often carries figures the
# English leaves out, and more strongly for the English side. Fitted on the dev sets.
ANCHOR_MATCH_BONUS = 2.0
KOREAN_ANCHOR_MISS = 0.5
ENGLISH_ANCHOR_MISS = 2.0
# A Hangul word that sounds like an English name in the link ("존슨" for "Johnson").
NAME_MATCH_BONUS = 1.5
# An English name that no word of the whole Korean document sounds like (names.unheard_names),
# against linking its paragraph: a translator keeps names, so it was likely added. A round
# figure, not fitted (1.0 and 1.5 score the same on the dev sets).
UNHEARD_NAME = 1.0
# A lexicon word (lexicon.py) on both sides of a link, and a lexicon word of one side of
# the document that the other side never renders, against linking its paragraph (only
# where the word is in one paragraph of its side: lexicon.confined_terms): round figures,
# not fitted. Switches for measuring what each adds.
LEXICON_MATCH = 1.0
UNRENDERED_TERM = 1.0
# Per sentence of difference between the two sides.
SENTENCE_MISMATCH = 1.5
# When exactly one side has double quotation marks.
QUOTE_MISMATCH = 0.7

# The one empty set of names, shared by every pair of paragraphs that hear none.
NO_NAMES = frozenset()


def make_link_cost(
    ko: list[Paragraph],
    en: list[Paragraph],
    ratio: float,
    priors=LINK_PRIORS,
    unheard: frozenset = NO_NAMES,
    unrendered: frozenset = NO_NAMES,
):
    """A function cost(i0, i1, j0, j1): minus the log-probability (nats, up to a constant)
    that Korean paragraphs i0..i1-1 and English paragraphs j0..j1-1 form one link.
    `unheard` holds the skeletons of the document's English names that its Korean never
    mentions, `unrendered` the lexicon words one side has and the other never renders
    (lexicon.unrendered_terms). Results are kept, since the search asks for the same links
    several times."""
    shape_costs = {shape: -math.log(prior) for shape, prior in priors.items()}
    korean_spans, english_spans = {}, {}
    names_by_pair, name_in_paragraph, korean_sounds_by_initial = {}, {}, {}
    # The same few names meet the same Hangul words in many paragraphs: each pair is
    # compared once (about 470 comparisons of 50 pairs on a 40-paragraph article).
    alike = {}
    costs = {}
    # Unrendered words counted per paragraph, as running totals: a link's count is the
    # difference of two of them.
    korean_unrendered = list(
        itertools.accumulate((len(p.terms & unrendered) for p in ko), initial=0)
    )
    english_unrendered = list(
        itertools.accumulate((len(p.terms & unrendered) for p in en), initial=0)
    )

    def span(paragraphs, spans, start, end) -> Paragraph:
        key = (start, end)
        merged = spans.get(key)
        if merged is None:
            merged = spans[key] = merge(paragraphs[start:end])
        return merged

    def names_heard(i: int, j: int) -> frozenset:
        """English names of paragraph j that sound like a word of Korean paragraph i."""
        key = (i, j)
        heard = names_by_pair.get(key)
        if heard is None:
            heard = names_by_pair[key] = (
                frozenset(name for name in en[j].sounds if name_in_korean(name, i)) or NO_NAMES
            )
        return heard

    def name_in_korean(name: str, i: int) -> bool:
        key = (name, i)
        found = name_in_paragraph.get(key)
        if found is None:
            if i not in korean_sounds_by_initial:
                grouped = {}
                for hangul in ko[i].sounds:
                    grouped.setdefault(hangul[0], []).append(hangul)
                korean_sounds_by_initial[i] = grouped
            found = name_in_paragraph[key] = any(
                sounds_like(name, hangul) for hangul in korean_sounds_by_initial[i].get(name[0], ())
            )
        return found

    def sounds_like(name: str, hangul: str) -> bool:
        key = (name, hangul)
        same = alike.get(key)
        if same is None:
            same = alike[key] = sounds_alike(name, hangul)
        return same

    def evidence(i0: int, i1: int, j0: int, j1: int) -> float:
        korean = ko[i0] if i1 - i0 == 1 else span(ko, korean_spans, i0, i1)
        english = en[j0] if j1 - j0 == 1 else span(en, english_spans, j0, j1)
        total = length_cost(korean.length, english.length, ratio)
        if korean.sentences != english.sentences:
            total += SENTENCE_MISMATCH * abs(korean.sentences - english.sentences)
        if korean.quoted != english.quoted:
            total += QUOTE_MISMATCH
        if korean.anchors or english.anchors or korean.words:
            shared_anchors = korean.anchors & english.anchors
            shared_words = len(korean.words & english.words)
            korean_missing = len(korean.firm - shared_anchors) + len(korean.words) - shared_words
            english_missing = len(english.firm - shared_anchors)
            total += (
                KOREAN_ANCHOR_MISS * korean_missing
                + ENGLISH_ANCHOR_MISS * english_missing
                - ANCHOR_MATCH_BONUS * (len(shared_anchors) + shared_words)
            )
        if unheard and english.sounds:
            total += UNHEARD_NAME * len(english.sounds & unheard)
        if LEXICON_MATCH and korean.concepts and english.concepts:
            total -= LEXICON_MATCH * len(korean.concepts & english.concepts)
        if unrendered:
            total += UNRENDERED_TERM * (
                korean_unrendered[i1]
                - korean_unrendered[i0]
                + english_unrendered[j1]
                - english_unrendered[j0]
            )
        if english.sounds and korean.sounds:
            if i1 - i0 == 1 and j1 - j0 == 1:
                total -= NAME_MATCH_BONUS * len(names_heard(i0, j0))
            else:
                heard = set()
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        heard |= names_heard(i, j)
                total -= NAME_MATCH_BONUS * len(heard)
        return total

    # A link is keyed by one integer, its end cell and shape: a tuple key would take
    # three times the memory on the largest documents.
    columns = len(en) + 1

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        key = ((i1 * columns + j1) * 4 + i1 - i0) * 4 + j1 - j0
        total = costs.get(key)
        if total is None:
            total = shape_costs[(i1 - i0, j1 - j0)]
            if i0 < i1 and j0 < j1:
                total += evidence(i0, i1, j0, j1)
            costs[key] = total
        return total

    return cost
