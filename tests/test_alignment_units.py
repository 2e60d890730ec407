"""Measures converted by the translator (reviews/alignment/units.py): "40 miles" and "64km"
are the same distance. The texts are written for these tests."""

import pytest

from reviews.alignment import paragraphs
from reviews.alignment.costs import make_link_cost
from reviews.alignment.lengths import document_ratio
from reviews.alignment.paragraphs import english_paragraph, korean_paragraph
from reviews.alignment.units import english_measures, rounded_keys


@pytest.mark.parametrize(
    ("english", "metric"),
    [
        ("40 miles", "n:64"),
        ("25 miles", "n:40"),
        ("77 degrees", "n:25"),
        ("78 degrees", "n:25"),  # 25.6, rounded down
        ("9,500 feet", "n:2900"),  # two significant digits
        ("5.03 pounds", "n:2.28"),
        ("8 gallons", "n:30"),
        ("a 100-foot wall", "n:30"),
    ],
)
def test_english_measures_give_their_metric_values(english, metric):
    converted, figures = english_measures(english)
    assert metric in converted
    assert len(figures) == 1


def test_words_that_only_look_like_units_are_not_measures():
    assert english_measures("In 2019 they found 3 Mileses and 4 pounded drums") == (
        frozenset(),
        frozenset(),
    )


def test_rounding_never_gives_zero():
    assert "n:0" not in rounded_keys(0.3)
    assert rounded_keys(-1) == set()


def test_a_converted_measure_is_shared_evidence_and_its_figure_is_not_missed():
    korean = [korean_paragraph("서울에서 64km 떨어진 곳에서 지진이 났다.")]
    english = [english_paragraph("An earthquake struck 40 miles from Seoul.")]
    assert "n:40" not in english[0].firm and "n:64" in english[0].anchors
    ratio = document_ratio([p.length for p in korean], [p.length for p in english])
    with_units = make_link_cost(korean, english, ratio)(0, 1, 0, 1)
    paragraphs.UNITS = False
    try:
        korean = [korean_paragraph("서울에서 64km 떨어진 곳에서 지진이 났다.")]
        english = [english_paragraph("An earthquake struck 40 miles from Seoul.")]
        without = make_link_cost(korean, english, ratio)(0, 1, 0, 1)
    finally:
        paragraphs.UNITS = True
    # One shared figure (2 nats) where both figures were missed: the English (2) and the
    # Korean (0.5).
    assert without - with_units == pytest.approx(2.0 + 2.0 + 0.5)
