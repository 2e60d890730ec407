"""The length model: Gale and Church's, with the Korean length of a link expected to be a
fixed share of the English length and normally distributed around it."""

import math

# Korean characters per English character, spaces counted on both sides. Fitted on the 1-1
# links of the development sets (0.54 and 0.49); each document then moves it towards its own
# overall ratio, since translators and genres differ.
KO_PER_EN_CHARS = 0.51
# Weight, in paragraphs, of KO_PER_EN_CHARS against the document's own ratio.
RATIO_PRIOR_WEIGHT = 8.0
# Variance of the Korean length around its expectation, per English character. Gale and
# Church used 6.8 for European languages; the dev sets measure 1.8 and 3.0 on right links,
# but a wider spread leaves room for the other evidence to decide.
LENGTH_VARIANCE = 3.5

SQRT2 = math.sqrt(2)


def document_ratio(korean_lengths: list[int], english_lengths: list[int]) -> float:
    """The document's own length ratio, pulled towards the usual one for short documents."""
    own_ratio = sum(korean_lengths) / max(1, sum(english_lengths))
    weight = min(len(korean_lengths), len(english_lengths))
    return (KO_PER_EN_CHARS * RATIO_PRIOR_WEIGHT + own_ratio * weight) / (
        RATIO_PRIOR_WEIGHT + weight
    )


def length_cost(korean_length: int, english_length: int, ratio: float) -> float:
    """Gale-Church: minus the log of the two-sided tail probability of the length gap."""
    expected = english_length * ratio
    # The variance grows with the size of the pair, counted in English characters.
    spread = math.sqrt(LENGTH_VARIANCE * max((korean_length / ratio + english_length) / 2, 1.0))
    delta = abs(korean_length - expected) / spread
    tail = math.erfc(delta / SQRT2)
    if tail > 1e-300:
        return -math.log(tail)
    # Asymptotic form of the Gaussian tail, for gaps too large for erfc.
    return delta * delta / 2 + math.log(delta * math.sqrt(math.pi / 2))
