"""Pair the paragraphs of a Korean news article with the paragraphs of its English translation.

The aligner is Gale-Church dynamic programming over paragraph lengths, with extra evidence
that survives translation: numbers and dates (read the Korean way and the English way),
measures converted to metric ("40 miles" and "64km"), weekdays, Latin-script words kept
in the Korean (names, acronyms), names written in Hangul that sound like an English name,
English names the whole Korean never mentions (evidence that their paragraph was added),
Hangul loanwords no English word of the document sounds like (evidence of a drop),
common news words of a hand-written lexicon (shared by a link, or never rendered by the
other side and confined to one paragraph) and, when one is loaded, of the lexicon learned
from the desk's approved rows (shared by a link), double quotation marks and sentence
counts. Each link's cost is a negative log-probability (up to a constant), so the same
costs give both the best alignment (Viterbi) and each chosen link's posterior probability
(forward-backward), which is reported as its confidence.

The package's modules, one job each: `lengths` (the length model), `numbers`, `units`,
`names`, `loanwords` and `lexicon` (evidence that survives translation), `learning` (the learned
lexicon's associations), `paragraphs` (the features compared), `costs` (a link's cost),
`search` (the banded search), `confidence` (posterior probabilities).

Standard library only, and no Django import: the importer and the evaluation command both
call `align`.
"""

import re

from reviews.alignment.confidence import link_confidences
from reviews.alignment.costs import LINK_PRIORS, make_link_cost
from reviews.alignment.lengths import document_ratio
from reviews.alignment.lexicon import confined_terms, unrendered_terms
from reviews.alignment.loanwords import add_loanwords
from reviews.alignment.names import (
    english_skeleton,
    hangul_skeleton,
    sounds_alike,
    unheard_names,
)
from reviews.alignment.numbers import english_anchors, korean_anchors
from reviews.alignment.paragraphs import english_names, english_paragraph, korean_paragraph
from reviews.alignment.rescoring import rescore
from reviews.alignment.search import best_path
from reviews.alignment.sentences import align_sentences

# Switches for measuring what each step adds (bench and align_eval --without).
SECOND_PASS = True
JOIN_REPLACED = True
LOANWORDS = True
# Unrendered words only where confined to one paragraph (lexicon.confined_terms).
CONFINED_TERMS = True

__all__ = [
    "align",
    "align_sentences",
    "join_replaced",
    "english_anchors",
    "english_skeleton",
    "hangul_skeleton",
    "korean_anchors",
    "sounds_alike",
]


def _align_texts(ko_texts: list[str], en_texts: list[str]) -> list[tuple]:
    """Align two non-empty lists of non-blank paragraphs: (i0, j0, i1, j1, confidence)."""
    common_words = frozenset(re.findall(r"\b[a-z]+\b", " ".join(en_texts)))
    ko = [korean_paragraph(text) for text in ko_texts]
    en = [english_paragraph(text, common_words) for text in en_texts]
    ratio = document_ratio([p.length for p in ko], [p.length for p in en])
    unheard = unheard_names("\n".join(ko_texts), english_names(en_texts, common_words))
    unrendered = unrendered_terms("\n".join(ko_texts), "\n".join(en_texts))
    if LOANWORDS:
        ko, unheard_loans = add_loanwords(ko_texts, en_texts, ko)
        unrendered |= unheard_loans
    if CONFINED_TERMS:
        unrendered = confined_terms(unrendered, ko + en)
    link_cost = make_link_cost(ko, en, ratio, unheard=unheard, unrendered=unrendered)
    path, forward, backward, total, band = best_path(ko, en, link_cost, list(LINK_PRIORS))
    links = link_confidences(path, forward, backward, total, band, link_cost)
    del path, forward, backward, band  # the second pass needs the memory more
    if SECOND_PASS:
        links = rescore(ko_texts, en_texts, links, link_cost, ratio, common_words)
    if JOIN_REPLACED:
        links = join_replaced(links)
    return links


def join_replaced(links: list[tuple]) -> list[tuple]:
    """A Korean paragraph with no English next to an English one with no Korean is one
    paragraph replaced by another: one row, as doubtful as the less certain of the two."""
    joined = []
    for link in links:
        if joined:
            i0, j0, i1, j1, confidence = joined[-1]
            shapes = {(i1 - i0, j1 - j0), (link[2] - link[0], link[3] - link[1])}
            if shapes == {(1, 0), (0, 1)}:
                joined[-1] = (i0, j0, link[2], link[3], min(confidence, link[4]))
                continue
        joined.append(link)
    return joined


def align(
    source_paragraphs: list[str], target_paragraphs: list[str]
) -> list[tuple[list[int], list[int], float]]:
    """Align Korean source paragraphs with English target paragraphs.

    Returns links (source_indices, target_indices, confidence) in document order: every
    paragraph index of both sides appears in exactly one link, and reading the links in
    order reads each side in order. A link has 0-3 paragraphs on a side (1-1, 2-1, 1-2,
    1-0, 0-1, 3-1, 1-3). Confidence is the link's posterior probability, in [0, 1].
    Blank paragraphs are linked to nothing with confidence 1, or joined to a merged link
    that surrounds them.
    """
    ko_kept = [i for i, text in enumerate(source_paragraphs) if text.strip()]
    en_kept = [j for j, text in enumerate(target_paragraphs) if text.strip()]
    if ko_kept and en_kept:
        kept_links = _align_texts(
            [source_paragraphs[i] for i in ko_kept], [target_paragraphs[j] for j in en_kept]
        )
    else:
        # Nothing to pair with: every paragraph stands alone, and that is certain.
        kept_links = [(i, 0, i + 1, 0, 1.0) for i in range(len(ko_kept))] + [
            (len(ko_kept), j, len(ko_kept), j + 1, 1.0) for j in range(len(en_kept))
        ]

    # Back to the original numbering, putting the blank paragraphs back.
    links = []
    next_ko = next_en = 0
    for i0, j0, i1, j1, confidence in kept_links:
        ko_end = ko_kept[i1 - 1] + 1 if i1 > i0 else next_ko
        en_end = en_kept[j1 - 1] + 1 if j1 > j0 else next_en
        ko_start = ko_kept[i0] if i1 > i0 else ko_end
        en_start = en_kept[j0] if j1 > j0 else en_end
        links.extend(([blank], [], 1.0) for blank in range(next_ko, ko_start))
        links.extend(([], [blank], 1.0) for blank in range(next_en, en_start))
        links.append((list(range(ko_start, ko_end)), list(range(en_start, en_end)), confidence))
        next_ko, next_en = ko_end, en_end
    links.extend(([blank], [], 1.0) for blank in range(next_ko, len(source_paragraphs)))
    links.extend(([], [blank], 1.0) for blank in range(next_en, len(target_paragraphs)))
    return links
