"""Evidence from measures: Korean news gives distances, heights, weights, volumes and
temperatures in metric units, so a translator converts an English "40 miles" to "64km" and
"77 degrees" to "25도" (and a translator into English may convert the other way); the
figure does not survive translation, its converted value does.

Each English figure with an imperial unit adds the keys of its metric value, rounded the
ways a translator rounds (down, to the nearest whole number, to two or three significant
digits), as soft anchors: shared with the Korean they count like any shared figure, absent
they cost nothing. The English figure itself is made soft too, since the Korean may carry
only its conversion. Only the imperial side is converted, so a measure both sides give in
the same unit ("25 miles", "25마일") is one shared figure, not counted twice.
"""

import math
import re

from reviews.alignment.numbers import DIGITS, _number_key

# English unit -> the factor to its metric unit (km, m, cm, kg, litre; None: Fahrenheit).
ENGLISH_UNITS = {
    "mile": 1.609344,
    "mph": 1.609344,
    "foot": 0.3048,
    "inch": 2.54,
    "yard": 0.9144,
    "pound": 0.45359237,
    "gallon": 3.785411784,
    "fahrenheit": None,  # (F - 32) * 5 / 9
}
ENGLISH_UNIT_NAMES = {
    "miles": "mile",
    "mile": "mile",
    "mph": "mph",
    "feet": "foot",
    "foot": "foot",
    "ft": "foot",
    "inches": "inch",
    "inch": "inch",
    "yards": "yard",
    "yard": "yard",
    "pounds": "pound",
    "pound": "pound",
    "lbs": "pound",
    "lb": "pound",
    "gallons": "gallon",
    "gallon": "gallon",
    "degrees": "fahrenheit",
    "degree": "fahrenheit",
    "°f": "fahrenheit",
}
ENGLISH_MEASURE = re.compile(
    rf"({DIGITS})[\s-]?(" + "|".join(sorted(ENGLISH_UNIT_NAMES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def rounded_keys(value: float) -> set:
    """The number keys of a converted value, rounded the ways a translator rounds it."""
    if value <= 0:
        return set()
    keys = {_number_key(math.floor(value)), _number_key(round(value))}
    for digits in (2, 3):
        keys.add(_number_key(float(format(value, f".{digits}g"))))
    keys.discard(_number_key(0))
    return keys


def _plain(figure: str) -> float:
    return float(figure.replace(",", ""))


def english_measures(text: str) -> tuple[frozenset, frozenset]:
    """The metric keys of an English text's measures, and the keys of the figures that
    carried a unit."""
    converted, figures = set(), set()
    for match in ENGLISH_MEASURE.finditer(text):
        value = _plain(match.group(1))
        unit = ENGLISH_UNIT_NAMES[match.group(2).lower()]
        factor = ENGLISH_UNITS[unit]
        metric = (value - 32) * 5 / 9 if factor is None else value * factor
        converted |= rounded_keys(metric)
        figures.add(_number_key(value))
    return frozenset(converted), frozenset(figures)
