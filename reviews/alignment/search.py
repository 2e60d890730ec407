"""The banded search: Viterbi and forward-backward over the matrix of (Korean paragraphs
used, English paragraphs used), restricted to a band around a guide path that anchors
shared by exactly one paragraph of each side pin down, widened while the best path runs
along the band's edge."""

import bisect
import itertools
import math

from reviews.alignment.paragraphs import Paragraph

# Half-width of the search band around the guide path, in cells, before any widening:
# MIN_BAND when anchors pin the guide down every few paragraphs, up to INITIAL_BAND when
# they are far apart or missing.
INITIAL_BAND = 10
MIN_BAND = 4
# Largest band searched after widening: the full matrix of a 220 x 220 document, or a
# half-width of about 20 around the path of a 1,000 x 1,000 one (about a second).
MAX_BAND_CELLS = 50_000
# Share of a path's links with an empty side above which the texts are taken not to
# correspond, and the band is not widened: about 0.8 on unrelated texts, at most 0.31 on
# any dev article and 0.16 on the synthetic 1000 x 900 document.
UNRELATED_NULLS = 0.5

INFINITY = float("inf")


def _add_costs(a: float, b: float) -> float:
    """-log(exp(-a) + exp(-b)): combine the costs of two alternative paths."""
    if a > b:
        a, b = b, a
    if b == INFINITY:
        return a
    return a - math.log1p(math.exp(a - b))


def _anchor_guide(ko: list[Paragraph], en: list[Paragraph]) -> tuple[list[tuple[int, int]], int]:
    """A first guess at the path, for placing the search band. It runs through the
    paragraph pairs that share an anchor found in exactly one paragraph of each side
    (a figure, a Latin word), keeping the longest run of such pairs that is in order on
    both sides, and follows the paragraph lengths in between. Returns, for each row i,
    the first and last column of the guide in it, and the longest stretch of rows between
    two guide points."""
    n, m = len(ko), len(en)
    korean_places, english_places = {}, {}
    for i, paragraph in enumerate(ko):
        for key in paragraph.anchors | {"latin:" + word for word in paragraph.words}:
            korean_places.setdefault(key, []).append(i)
    for j, paragraph in enumerate(en):
        keys = paragraph.anchors | {
            "latin:" + word for word in paragraph.words if "latin:" + word in korean_places
        }
        for key in keys:
            english_places.setdefault(key, []).append(j)
    pairs = [
        (places[0], english_places[key][0])
        for key, places in korean_places.items()
        if len(places) == 1 and len(english_places.get(key, ())) == 1
    ]
    points = [(0, 0), *_longest_increasing_chain(pairs), (n, m)]
    # Between guide points, follow the text rather than a straight line: paragraph i
    # is placed where the English has reached the same share of the stretch's characters
    # as the Korean has, which already allows for merges and splits.
    korean_ends = list(itertools.accumulate((p.length for p in ko), initial=0))
    english_ends = list(itertools.accumulate((p.length for p in en), initial=0))
    rows = []
    for (i_start, j_start), (i_end, j_end) in zip(points, points[1:], strict=False):
        korean_span = korean_ends[i_end] - korean_ends[i_start]
        english_span = english_ends[j_end] - english_ends[j_start]
        for i in range(i_start, i_end):
            share = (korean_ends[i] - korean_ends[i_start]) / korean_span
            reached = english_ends[j_start] + share * english_span
            j = bisect.bisect_right(english_ends, reached, j_start, j_end + 1) - 1
            column = j
            if j < j_end:
                column += (reached - english_ends[j]) / (english_ends[j + 1] - english_ends[j])
            rows.append((math.floor(column), math.ceil(column)))
    rows.append((m, m))
    longest = max(
        i_end - i_start for (i_start, _), (i_end, _) in zip(points, points[1:], strict=False)
    )
    return rows, longest


def _longest_increasing_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of (i, j) pairs in which both i and j strictly increase
    (patience sorting, n log n)."""
    # With equal rows ordered by falling column, a strictly rising run of columns can
    # hold at most one pair of each row.
    pairs = sorted(pairs, key=lambda pair: (pair[0], -pair[1]))
    tails, tail_index, previous = [], [], [None] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        position = bisect.bisect_left(tails, j)
        previous[index] = tail_index[position - 1] if position else None
        if position == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[position] = j
            tail_index[position] = index
    chain = []
    index = tail_index[-1] if tail_index else None
    while index is not None:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _band_around(guide: list[tuple[int, int]], n: int, m: int, width: int) -> list[tuple]:
    """For each row i (Korean paragraphs used), the range of j (English paragraphs used)
    to search: the guide's cells in that row, `width` more on each side. Each row also
    reaches back to where the guide left the row before and on to where it enters the
    next, so the band stays connected even where the guide is steep."""
    rows = []
    for i in range(n + 1):
        low = min(guide[i][0], guide[i - 1][1] if i else 0) - width
        high = max(guide[i][1], guide[i + 1][0] if i < n else m) + width
        rows.append((max(0, low), min(m, high)))
    return rows


def _search(n: int, m: int, link_cost, band: list[tuple[int, int]], shapes: list[tuple]):
    """Viterbi and forward-backward over the band. Returns the best path as a list of
    (i0, j0, i1, j1) links, the soft (all-paths) forward and backward costs, and the soft
    total."""

    lows = [low for low, _ in band]
    highs = [high for _, high in band]
    best = [[INFINITY] * (high - low + 1) for low, high in band]
    forward = [[INFINITY] * (high - low + 1) for low, high in band]
    back = [[None] * (high - low + 1) for low, high in band]
    best[0][0 - lows[0]] = 0.0
    forward[0][0 - lows[0]] = 0.0
    # The inner loops run tens of thousands of times on a short article: the rows a cell's
    # links come from are looked up once per row rather than once per cell and shape, and
    # _add_costs is written out in place (the same operations in the same order, so the
    # same floats). Bands never start before column 0, so a column inside the previous
    # row's band is never negative.
    log1p, exp = math.log1p, math.exp

    # The forward pass keeps each reached cell's link costs, in the order it asked for them,
    # for the backward pass, which asks for the same links in the same order: the second
    # pass's costs align sentences and are not kept by the cost function, so asking again
    # would align them again; a list per cell is a fraction of what the kept costs take.
    link_costs = [[None] * (high - low + 1) for low, high in band]
    for i in range(n + 1):
        low = lows[i]
        best_row, forward_row, back_row = best[i], forward[i], back[i]
        costs_row = link_costs[i]
        sources = [
            (shape, shape[1], i - shape[0], lows[i - shape[0]], highs[i - shape[0]])
            for shape in shapes
            if i - shape[0] >= 0
        ]
        sources = [
            (shape, dj, pi, plow, phigh, best[pi], forward[pi])
            for shape, dj, pi, plow, phigh in sources
        ]
        for j in range(low, highs[i] + 1):
            best_cost, best_shape, soft_cost = INFINITY, None, INFINITY
            cell_costs = []
            for shape, dj, pi, plow, phigh, pbest, pforward in sources:
                pj = j - dj
                if pj < plow or pj > phigh:
                    continue
                start = pbest[pj - plow]
                if start == INFINITY:
                    continue
                cost = link_cost(pi, i, pj, j)
                cell_costs.append(cost)
                if start + cost < best_cost:
                    best_cost, best_shape = start + cost, shape
                a, b = soft_cost, pforward[pj - plow] + cost
                if a > b:
                    a, b = b, a
                soft_cost = a if b == INFINITY else a - log1p(exp(a - b))
            if best_shape is not None:
                best_row[j - low] = best_cost
                back_row[j - low] = best_shape
                forward_row[j - low] = soft_cost
                costs_row[j - low] = cell_costs
    del best

    # Backward pass: the soft cost of finishing from (i, j). The links into each cell are
    # those the forward pass reached it by (a cell before is reached forward exactly when
    # its best cost is finite, so the same links pass both filters), their costs the ones
    # it kept.
    backward = [[INFINITY] * (high - low + 1) for low, high in band]
    backward[n][m - lows[n]] = 0.0
    for i in range(n, -1, -1):
        low = lows[i]
        backward_row, back_row = backward[i], back[i]
        sources = [
            (shape[1], i - shape[0], lows[i - shape[0]], highs[i - shape[0]])
            for shape in shapes
            if i - shape[0] >= 0
        ]
        sources = [(dj, plow, phigh, forward[pi], backward[pi]) for dj, pi, plow, phigh in sources]
        costs_row = link_costs[i]
        for j in range(highs[i], low - 1, -1):
            remaining = backward_row[j - low]
            if remaining == INFINITY or back_row[j - low] is None:
                continue
            cell_costs = iter(costs_row[j - low])
            for dj, plow, phigh, pforward, pbackward in sources:
                pj = j - dj
                if pj < plow or pj > phigh:
                    continue
                index = pj - plow
                if pforward[index] == INFINITY:
                    continue
                a, b = pbackward[index], remaining + next(cell_costs)
                if a > b:
                    a, b = b, a
                pbackward[index] = a if b == INFINITY else a - log1p(exp(a - b))

    path = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j - lows[i]]
        path.append((i - di, j - dj, i, j))
        i, j = i - di, j - dj
    path.reverse()
    return path, forward, backward, forward[n][m - lows[n]]


def _touches_edge(path, band, m: int) -> bool:
    """Whether the best path comes within a cell of an edge of the band that is not the
    matrix edge, so that a wider band might hold a better one."""
    for i0, j0, _, _ in path:
        low, high = band[i0]
        if (j0 - low <= 1 and low > 0) or (high - j0 <= 1 and high < m):
            return True
    return False


def _path_rows(path, n: int) -> list[tuple[int, int]]:
    """For each row, the first and last column the path passes through in it; a link that
    spans several rows passes through all its columns in each of them."""
    lows, highs = [None] * (n + 1), [None] * (n + 1)
    for i0, j0, i1, j1 in path:
        for i in range(i0, i1 + 1):
            lows[i] = j0 if lows[i] is None else min(lows[i], j0)
            highs[i] = j1 if highs[i] is None else max(highs[i], j1)
    return list(zip(lows, highs, strict=True))


def best_path(ko: list[Paragraph], en: list[Paragraph], link_cost, shapes):
    """Search a band around the guide. While the best path runs along the band's edge,
    search again around that path with twice the width; link costs are kept between
    rounds. Texts that do not correspond at all would widen the band without end, so
    stop once it would exceed MAX_BAND_CELLS, or once most of the path is paragraphs
    with no counterpart, and keep the path found so far.
    Returns the path, the forward and backward costs, the total and the band."""
    n, m = len(ko), len(en)
    guide, longest_stretch = _anchor_guide(ko, en)
    # Between two guide points the true path wanders about as far as a random walk of that
    # many steps, roughly its square root.
    width = min(INITIAL_BAND, max(MIN_BAND, math.ceil(math.sqrt(longest_stretch))))
    band = _band_around(guide, n, m, width)
    while True:
        path, forward, backward, total = _search(n, m, link_cost, band, shapes)
        if all(row == (0, m) for row in band) or not _touches_edge(path, band, m):
            break
        if sum(i0 == i1 or j0 == j1 for i0, j0, i1, j1 in path) > UNRELATED_NULLS * len(path):
            break  # the texts hardly correspond: a wider band would find nothing better
        guide, width = _path_rows(path, n), width * 2
        wider = _band_around(guide, n, m, width)
        if sum(high - low + 1 for low, high in wider) > MAX_BAND_CELLS:
            break
        band = wider
        del forward, backward  # before the wider search builds its own
    return path, forward, backward, total, band
