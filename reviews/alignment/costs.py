"""The cost of a link: minus the log-probability (nats, up to a constant) that some Korean
paragraphs and some English paragraphs translate each other, from the link's shape, the
length model and the evidence of numbers, Latin words, names, sentences and quotes."""

import itertools
import math

from reviews.alignment.lengths import length_cost
from reviews.alignment.names import sounds_alike
from reviews.alignment.paragraphs import Paragraph

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
    # Shapes have at most 3 paragraphs a side, so a shape is one number, 4 * di + dj.
    shape_costs = [0.0] * 16
    for (di, dj), prior in priors.items():
        shape_costs[di * 4 + dj] = -math.log(prior)
    # The sets a link compares (anchors, Latin words, concepts, English names) as integers
    # with one bit per distinct member in the document: the link costs take an AND and a
    # bit count where they took a set intersection and its length, several times cheaper,
    # and a link of several paragraphs ORs its paragraphs' bits where it took a union of
    # sets. The counts are the same, so the costs are the same floats.
    anchor_bits, word_bits, concept_bits, name_bits = {}, {}, {}, {}

    def bits(members, index) -> int:
        mask = 0
        for member in members:
            bit = index.get(member)
            if bit is None:
                bit = index[member] = 1 << len(index)
            mask |= bit
        return mask

    def features(p, names, unheard_names):
        """(length, sentences, anchors, firm anchors, Latin words, quoted, names, unheard
        names, concepts) with the sets as bits."""
        return (
            p.length,
            p.sentences,
            bits(p.anchors, anchor_bits),
            bits(p.firm, anchor_bits),
            bits(p.words, word_bits),
            p.quoted,
            names,
            unheard_names,
            bits(p.concepts, concept_bits),
        )

    # Names are the English names' bits on the English side, and on the Korean side only
    # whether the paragraph has any sounds at all (names_heard compares them).
    korean_features = [features(p, bool(p.sounds), 0) for p in ko]
    english_features = [
        features(
            p, bits(p.sounds, name_bits), bits(p.sounds & unheard, name_bits) if unheard else 0
        )
        for p in en
    ]
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

    def span(features, spans, start, end) -> tuple:
        """The features of paragraphs start..end-1 read as one: lengths and sentence counts
        added, sets joined, quoted if any of them is."""
        key = (start, end)
        merged = spans.get(key)
        if merged is None:
            parts = features[start:end]
            length, sentences, anchors, firm, words, quoted, names, unheard, concepts = parts[0]
            for part in parts[1:]:
                length += part[0]
                sentences += part[1]
                anchors |= part[2]
                firm |= part[3]
                words |= part[4]
                quoted = quoted or part[5]
                names |= part[6]
                unheard |= part[7]
                concepts |= part[8]
            merged = spans[key] = (
                length, sentences, anchors, firm, words, quoted, names, unheard, concepts
            )  # fmt: skip
        return merged

    def names_heard(i: int, j: int) -> int:
        """The bits of the English names of paragraph j that sound like a word of Korean
        paragraph i."""
        key = (i, j)
        heard = names_by_pair.get(key)
        if heard is None:
            heard = names_by_pair[key] = bits(
                [name for name in en[j].sounds if name_in_korean(name, i)], name_bits
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
        korean = (
            korean_features[i0] if i1 - i0 == 1 else span(korean_features, korean_spans, i0, i1)
        )
        english = (
            english_features[j0] if j1 - j0 == 1 else span(english_features, english_spans, j0, j1)
        )
        k_length, k_sentences, k_anchors, k_firm, k_words, k_quoted, k_sounds, _, k_concepts = (
            korean
        )
        (e_length, e_sentences, e_anchors, e_firm, e_words, e_quoted, e_names, e_unheard,
         e_concepts) = english  # fmt: skip
        # The terms are added one at a time in this order, so the floats are the same
        # whatever holds the sets.
        total = length_cost(k_length, e_length, ratio)
        if k_sentences != e_sentences:
            total += SENTENCE_MISMATCH * abs(k_sentences - e_sentences)
        if k_quoted != e_quoted:
            total += QUOTE_MISMATCH
        if k_anchors or e_anchors or k_words:
            shared_anchors = k_anchors & e_anchors
            shared_words = (k_words & e_words).bit_count()
            korean_missing = (
                (k_firm & ~shared_anchors).bit_count() + k_words.bit_count() - shared_words
            )
            english_missing = (e_firm & ~shared_anchors).bit_count()
            total += (
                KOREAN_ANCHOR_MISS * korean_missing
                + ENGLISH_ANCHOR_MISS * english_missing
                - ANCHOR_MATCH_BONUS * (shared_anchors.bit_count() + shared_words)
            )
        if unheard and e_names:
            total += UNHEARD_NAME * e_unheard.bit_count()
        if LEXICON_MATCH and k_concepts and e_concepts:
            total -= LEXICON_MATCH * (k_concepts & e_concepts).bit_count()
        if unrendered:
            total += UNRENDERED_TERM * (
                korean_unrendered[i1]
                - korean_unrendered[i0]
                + english_unrendered[j1]
                - english_unrendered[j0]
            )
        if e_names and k_sounds:
            if i1 - i0 == 1 and j1 - j0 == 1:
                total -= NAME_MATCH_BONUS * names_heard(i0, j0).bit_count()
            else:
                heard = 0
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        heard |= names_heard(i, j)
                total -= NAME_MATCH_BONUS * heard.bit_count()
        return total

    # A link is keyed by one integer, its end cell and shape: a tuple key would take
    # three times the memory on the largest documents.
    columns = len(en) + 1

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        shape = (i1 - i0) * 4 + j1 - j0
        key = (i1 * columns + j1) * 16 + shape
        total = costs.get(key)
        if total is None:
            total = shape_costs[shape]
            if i0 < i1 and j0 < j1:
                total += evidence(i0, i1, j0, j1)
            costs[key] = total
        return total

    return cost
