"""Confidence: each chosen link's posterior probability, the share of all alignments
(weighted by their probability) that contain it, from the forward and backward costs."""

import math


def link_confidences(path, forward, backward, total: float, band, link_cost) -> list[tuple]:
    """(i0, j0, i1, j1, confidence) for each link (i0, j0, i1, j1) of the path."""
    links = []
    for i0, j0, i1, j1 in path:
        through = (
            forward[i0][j0 - band[i0][0]]
            + link_cost(i0, i1, j0, j1)
            + backward[i1][j1 - band[i1][0]]
        )
        links.append((i0, j0, i1, j1, min(1.0, math.exp(total - through))))
    return links
