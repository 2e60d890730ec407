"""The second pass: re-judge the doubtful stretches of the first path with sentence evidence.

A paragraph dropped or added next to a well-matched one can hide in its neighbour's link:
the lengths and anchors of whole paragraphs may fit either way. Sentence by sentence they
often do not: each sentence of the merged side must find its counterpart. So each stretch
of links that the first pass was unsure of (or that is not 1-1), with a link of context on
each side, is searched again with every link's cost raised by the cost of aligning its
sentences (summed over all their alignments), and the confidences there are the new
search's posteriors. Stretches are small, so this costs little beside the first pass.
"""

from reviews.alignment.confidence import link_confidences
from reviews.alignment.costs import LINK_PRIORS, make_link_cost
from reviews.alignment.search import _band_around, _path_rows, _search
from reviews.alignment.sentences import SENTENCE_PRIORS, sentence_units, soft_cost

# First-pass confidence under which a 1-1 link is re-judged.
DOUBTFUL = 0.9
# Links of context on each side of a doubtful stretch.
CONTEXT = 1
# Mean first-pass confidence under which the texts are taken not to correspond and the
# second pass is not tried: 0.3 for unrelated texts, at least 0.81 on every dev article.
UNRELATED_CONFIDENCE = 0.5
# Half-width, in cells, of the band searched around the first path.
BAND = 1
# The sentence evidence of a link is the cost of aligning its sentences less this much per
# sentence (the mean of the two sides' counts). Every path through a stretch covers the
# same sentences, so this is the same as charging half of it for each sentence of a
# paragraph left without counterpart: a long paragraph is less likely dropped or added
# whole than a short one. Chosen on each half of the dev sets and checked on the other.
SENTENCE_BASE = 2.5


def doubtful_stretches(links: list[tuple]) -> list[tuple[int, int]]:
    """(first, last + 1) link indices of each stretch to re-judge, with context."""
    marked = [
        confidence < DOUBTFUL or (i1 - i0, j1 - j0) != (1, 1)
        for i0, j0, i1, j1, confidence in links
    ]
    stretches = []
    for index, doubtful in enumerate(marked):
        if not doubtful:
            continue
        start, end = max(0, index - CONTEXT), min(len(links), index + CONTEXT + 1)
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return stretches


def rescore(ko_texts, en_texts, links, link_cost, ratio, common_words) -> list[tuple]:
    """The links (i0, j0, i1, j1, confidence) with their doubtful stretches re-judged.
    Where the first pass is unsure of most links the texts hardly correspond, and
    sentences cannot place what paragraphs could not: the links are left as they are."""
    if sum(link[4] for link in links) < UNRELATED_CONFIDENCE * len(links):
        return links
    stretches = doubtful_stretches(links)
    result = []
    done = 0
    for first, last in stretches:
        result.extend(links[done:first])
        result.extend(
            _rejudge(ko_texts, en_texts, link_cost, ratio, common_words, links[first:last])
        )
        done = last
    result.extend(links[done:])
    return result


def _rejudge(ko_texts, en_texts, link_cost, ratio, common_words, stretch):
    i_start, j_start = stretch[0][0], stretch[0][1]
    i_end, j_end = stretch[-1][2], stretch[-1][3]
    # Sentences of the stretch's paragraphs, and where each paragraph's sentences start.
    ko_units, ko_starts = [], [0]
    for text in ko_texts[i_start:i_end]:
        ko_units.extend(sentence_units(text, "ko"))
        ko_starts.append(len(ko_units))
    en_units, en_starts = [], [0]
    for text in en_texts[j_start:j_end]:
        en_units.extend(sentence_units(text, "en", common_words))
        en_starts.append(len(en_units))
    unit_cost = make_link_cost(ko_units, en_units, ratio, SENTENCE_PRIORS)

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        paragraphs = link_cost(i0 + i_start, i1 + i_start, j0 + j_start, j1 + j_start)
        if i0 == i1 or j0 == j1:
            return paragraphs
        a, b, c, d = ko_starts[i0], ko_starts[i1], en_starts[j0], en_starts[j1]
        # Where a side has several paragraphs, sentence links should keep to them.
        breaks = ko_starts[i0 + 1 : i1], en_starts[j0 + 1 : j1]
        sentences = soft_cost(unit_cost, a, b, c, d, breaks) - SENTENCE_BASE * (b - a + d - c) / 2
        return paragraphs + sentences

    n, m = i_end - i_start, j_end - j_start
    # Search near the first path: the second pass corrects its local decisions.
    first_path = [
        (i0 - i_start, j0 - j_start, i1 - i_start, j1 - j_start) for i0, j0, i1, j1, _ in stretch
    ]
    band = _band_around(_path_rows(first_path, n), n, m, BAND)
    path, forward, backward, total = _search(n, m, cost, band, list(LINK_PRIORS))
    return [
        (i0 + i_start, j0 + j_start, i1 + i_start, j1 + j_start, confidence)
        for i0, j0, i1, j1, confidence in link_confidences(
            path, forward, backward, total, band, cost
        )
    ]
