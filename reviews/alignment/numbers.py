"""Evidence from numbers and dates: figures read the Korean way ("1만2000", "3억 5000만",
"3월") and the English way ("12,000", "5.69 million", "March"), weekdays, as comparable keys
("n:12000", "m:3", "w:fri"). A translation nearly always carries its figures over."""

import re

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")

KOREAN_UNITS = {"백": 100, "천": 1000, "만": 10_000, "억": 100_000_000, "조": 1_000_000_000_000}
ENGLISH_SCALES = {
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "bn": 1_000_000_000,
}
# "One" is left out: "one of", "no one" are rarely written with a figure in Korean.
ENGLISH_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen", "twenty"),
        start=2,
    )
}  # fmt: skip
ENGLISH_NUMBER_WORDS.update(
    thirty=30, forty=40, fifty=50, sixty=60, seventy=70, eighty=80, ninety=90, dozen=12,
    decade=10, second=2, third=3, fourth=4, fifth=5, sixth=6, seventh=7, eighth=8, ninth=9,
    tenth=10,
)  # fmt: skip
# Native Korean numerals, trusted only before a counter word ("두 명", "세 가지").
KOREAN_NATIVE_NUMBERS = dict(
    zip(
        ("한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열"),
        range(1, 11),
        strict=True,
    )
)
KOREAN_COUNTERS = "명|개|번|가지|건|차례|살|시간|곳|척|대|마리|권|달|주"
ENGLISH_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
ENGLISH_WEEKDAYS = {
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
    "saturday": "sat", "sunday": "sun",
}  # fmt: skip
KOREAN_WEEKDAYS = {
    "월요일": "mon", "화요일": "tue", "수요일": "wed", "목요일": "thu", "금요일": "fri",
    "토요일": "sat", "일요일": "sun",
}  # fmt: skip

DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
# "1만2000", "3억 5000만", "569만", "2천", "1,034", "3.5%": figures with Korean units. A
# figure followed by 월 is a month, not a number; one followed by 일 is a day.
KOREAN_NUMBER = re.compile(rf"({DIGITS})\s?(?:([조억만천백])|(월(?!요일))|(일(?!요일)))?")
KOREAN_NATIVE = re.compile(
    r"(?<![가-힣])(" + "|".join(KOREAN_NATIVE_NUMBERS) + r")\s?(?:" + KOREAN_COUNTERS + ")"
)
KOREAN_WEEKDAY = re.compile("|".join(KOREAN_WEEKDAYS))
ENGLISH_MAY = re.compile(r"\bMay\s+\d|\d\s+May\b")
# The words _english_keys reads as numbers, weekdays or months.
WORD_KEYS = frozenset((*ENGLISH_NUMBER_WORDS, *ENGLISH_WEEKDAYS, *ENGLISH_MONTHS))
ENGLISH_NUMBER = re.compile(rf"({DIGITS})(?:\s?(hundred|thousand|million|billion|trillion|bn)\b)?")


def _number_key(value: float) -> str:
    # Six significant digits, so "5.69 million" and "569만" meet at the same key.
    return "n:" + format(value, ".6g")


def _plain_number(text: str) -> float:
    return float(text.replace(",", ""))


def korean_anchors(text: str) -> frozenset:
    """Numbers, months and weekdays in a Korean paragraph, as comparable keys."""
    return _korean_keys(text)[0]


def english_anchors(text: str) -> frozenset:
    """Numbers (figures and words), months and weekdays in an English paragraph."""
    return _english_keys(text)[0]


def _korean_keys(text: str) -> tuple[frozenset, frozenset]:
    """All anchor keys of a Korean paragraph, and the firm ones among them: those a
    translation nearly always keeps. Days of the month ("14일") and native numerals
    ("두 명") are not firm, since English often gives a weekday or a word instead."""
    keys, soft = set(), set()
    # "3억 5000만" is one value: each part uses a smaller unit than the one before it.
    total, last_unit, last_end = 0.0, None, -10
    for match in KOREAN_NUMBER.finditer(text):
        figure, unit_name, month, day = match.groups()
        if month:
            keys.add("m:" + format(_plain_number(figure), "g"))
            continue
        value = _plain_number(figure)
        if day:
            soft.add(_number_key(value))
        unit = KOREAN_UNITS.get(unit_name or "", 1)
        if last_unit is not None and last_unit > unit and match.start() - last_end <= 1:
            total += value * unit
        else:
            if last_unit is not None:
                keys.add(_number_key(total))
            total = value * unit
        last_unit, last_end = unit, match.end()
    if last_unit is not None:
        keys.add(_number_key(total))
    for match in KOREAN_NATIVE.finditer(text):
        soft.add(_number_key(KOREAN_NATIVE_NUMBERS[match.group(1)]))
    for match in KOREAN_WEEKDAY.finditer(text):
        keys.add("w:" + KOREAN_WEEKDAYS[match.group(0)])
    return frozenset(keys | soft), frozenset(keys - soft)


def _english_keys(text: str) -> tuple[frozenset, frozenset]:
    """All anchor keys of an English paragraph, and the firm ones: figures and months.
    Numbers written as words and weekdays are not firm, since Korean often gives a
    native numeral or the date instead."""
    keys, soft = set(), set()
    for match in ENGLISH_NUMBER.finditer(text):
        value = _plain_number(match.group(1))
        scale = match.group(2)
        keys.add(_number_key(value * ENGLISH_SCALES[scale] if scale else value))
    for word in LATIN_WORD.findall(text):
        lower = word.lower()
        if lower not in WORD_KEYS:
            continue  # most words: one look-up rather than three
        if lower in ENGLISH_NUMBER_WORDS:
            soft.add(_number_key(ENGLISH_NUMBER_WORDS[lower]))
        elif lower in ENGLISH_WEEKDAYS:
            soft.add("w:" + ENGLISH_WEEKDAYS[lower])
        elif lower in ENGLISH_MONTHS and word[0].isupper() and lower != "may":
            keys.add("m:" + str(ENGLISH_MONTHS[lower]))
    # "May" is a month only next to a day or year ("May 5", "5 May", "May 2019"); otherwise
    # it is as likely a name or a verb.
    if "May" in text and ENGLISH_MAY.search(text):
        keys.add("m:5")
    return frozenset(keys | soft), frozenset(keys - soft)
