"""Numbers, amounts, dates and percentages, read the Korean way and the English way.

Each side becomes a list of quantities: the values a figure may stand for (오후 3시 is 3 or
15; 15억 is 1,500,000,000), its span, and whether it is firm. Digits, Korean units (만, 억,
조), months with a day or year and native Korean numbers of three or more before a counter
are firm; spelled-out English numbers, ordinals, vague amounts ("dozens", 수십) and a bare
1 are not: they may satisfy the other side's figures but never raise a finding on their
own, because "one of the", "first" or "a person" carry no figure a translator must keep.
"""

import calendar
import functools
import math
import re
from dataclasses import dataclass, replace

from reviews.checks import caseless
from reviews.checks.findings import ERROR, WARNING, Finding
from reviews.korean import stem

DIGITS = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def by_first_letter(words: list[str]) -> str:
    """The alternation of `words`, grouped by first letter ("t(?:hirteen|welve|en)|..."), each
    group's words in their order. It matches what the plain alternation matches (only words
    of one first letter can match at a place, tried in the same order), but re skips a group
    on its letter where it tried each word at every word of a paragraph: about three times
    faster for the 60 number words (tests/test_checks_speed.py compares the two)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items())


KOREAN_BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12}
KOREAN_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
# One figure with its units: "15억", "1조", "2천억", "3만5천", "1.5".
KOREAN_PART = re.compile(rf"({DIGITS})\s?([천백십])?\s?([조억만](?![가-힣]*요일))?")
KOREAN_NATIVE = {
    "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
    "아홉": 9, "열": 10, "스무": 20, "열한": 11, "열두": 12, "열세": 13, "열네": 14,
}  # fmt: skip
KOREAN_COUNTERS = (
    "명|개국|개|척|채|건|대|곳|마리|가지|차례|번|살|권|장|발|사람|나라|시간|달|주|해|배|군데"
)
KOREAN_NATIVE_NUMBER = re.compile(
    rf"(?<![가-힣])({'|'.join(sorted(KOREAN_NATIVE, key=len, reverse=True))})\s"
    rf"(?:{KOREAN_COUNTERS})(?![가-힣]*요일)"
)
# 수십, 수백억, 수천 명: "tens", "tens of billions", "thousands".
KOREAN_VAGUE = re.compile(r"(?<![가-힣])수\s?([십백천])?\s?([만억조])?")
KOREAN_AFTERNOON = re.compile(r"(오후|저녁|밤)\s?$")
KOREAN_MONTH_AFTER = re.compile(r"^\s?월(?!요일)")
KOREAN_DAY_AFTER = re.compile(r"^\s?일(?!요일|본|대|부|반|단|제|어|으|이|을|까지의)")

ENGLISH_SCALES = {
    "hundred": 100, "thousand": 10**3, "million": 10**6, "mn": 10**6, "billion": 10**9,
    "bn": 10**9, "trillion": 10**12, "tn": 10**12,
}  # fmt: skip
ENGLISH_ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
ENGLISH_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ENGLISH_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "twentieth": 20,
    "thirds": 3, "quarters": 4, "fifths": 5, "tenths": 10,
}  # fmt: skip
ENGLISH_MULTIPLES = {
    "once": 1, "twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3,
    "quadruple": 4, "quadrupled": 4, "dozen": 12, "half": 0.5, "decade": 10, "decades": 10,
    "century": 100, "teens": 10, "teenagers": 10, "teenager": 10, "teen": 10,
}  # fmt: skip
# Spelled out here rather than taken from `calendar`, whose names follow the server's locale.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ENGLISH_MONTHS = {
    name: number
    for number, month in enumerate(MONTHS, 1)
    for name in (month, month[:3], "Sept" if number == 9 else month[:3])
}
MONTH_WORDS = sorted(ENGLISH_MONTHS, key=len, reverse=True)
MONTH_NAMES = by_first_letter(MONTH_WORDS)
ENGLISH_WEEKDAYS = {name: day for day, name in enumerate(WEEKDAYS)}
ENGLISH_WEEKDAY = re.compile(r"\b(" + "|".join(ENGLISH_WEEKDAYS) + r")\b")

# A figure not inside another: DIGITS not after a digit, point or comma. Written to open with
# its first digit, the look-behind after it, so that re looks for digits rather than trying
# the pattern at every position (twice as fast); the same matches and groups as
# (?<![\d.,])(DIGITS) (tests/test_checks_speed.py).
FIGURE_DIGITS = r"\d(?<![\d.,]\d)(?:\d*(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"
ENGLISH_FIGURE = re.compile(
    rf"({FIGURE_DIGITS})(?:st|nd|rd|th|s)?(?:\s?-?(hundred|thousand|million|billion|"
    rf"trillion|mn|bn|tn)\b)?"
)
SPELLED_WORDS = sorted(
    [*ENGLISH_ONES, *ENGLISH_TENS, *ENGLISH_ORDINALS, *ENGLISH_MULTIPLES], key=len
)[::-1]


SPELLED = by_first_letter(SPELLED_WORDS)
ENGLISH_WORD_NUMBER = re.compile(
    rf"\b(?:({SPELLED})(?:[- ]({'|'.join(ENGLISH_ONES)}))?|(a))(?:[- ](hundred|thousand|"
    rf"million|billion|trillion|dozen))?(?:-?fold)?\b",
    re.IGNORECASE,
)
ENGLISH_VAGUE = re.compile(
    r"\b(dozens|tens|hundreds|thousands|millions|billions|trillions)"
    r"(?: of (thousands|millions|billions|trillions))?\b",
    re.IGNORECASE,
)
# The same two, case-sensitive, for reviews.checks.caseless (their words are lower case).
LOWER_WORD_NUMBER = re.compile(ENGLISH_WORD_NUMBER.pattern)
LOWER_VAGUE = re.compile(ENGLISH_VAGUE.pattern)
ENGLISH_DATE = re.compile(
    rf"\b({MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_NAMES})\b\.?"
)
ENGLISH_LONE_MONTH = re.compile(rf"\b({MONTH_NAMES})\b\.?")
# Every month's name starts with its first three letters: text without any of them has no
# date for ENGLISH_DATE or ENGLISH_LONE_MONTH to find (most paragraphs), and is not scanned.
MONTH_STARTS = tuple(month[:3] for month in MONTHS)


def month_matches(pattern: re.Pattern, text: str):
    if not any(start in text for start in MONTH_STARTS):
        return ()
    return pattern.finditer(text)


def may_hold_date(lone_months) -> bool:
    """A date's month is a whole word, as a lone month is (ENGLISH_LONE_MONTH's matches):
    text without one (most text, "Mayor" and "Decision" included) has no date to look for."""
    return bool(lone_months)


ENGLISH_DATELINE = re.compile(
    rf"^[A-Z][A-Za-z .'-]*, (?:{MONTH_NAMES})\.? \d{{1,2}} \([A-Za-z ]+\) ?(?:--|—|–)"
)
# Events Korean names by their date ("6·25 전쟁", "5·18"), which English names otherwise
# ("the 1950-53 Korean War"): the date is no figure to keep, and the event's years may appear.
KOREAN_DATE_NAMES = {
    "6·25": (1950, 1953, 53), "5·18": (1980,), "3·1": (1919,), "8·15": (1945,),
    "4·19": (1960,), "4·3": (1948,), "9·11": (2001,), "12·12": (1979,), "6·15": (2000,),
}  # fmt: skip
KOREAN_DATE_NAME = re.compile(
    r"(\d{1,2})\s?[·.ㆍ]\s?(\d{1,2})(?=\s?(?:전쟁|민주화|운동|절|혁명|사태|테러|선언|공동|사건|항쟁|쿠데타|남북))"
)
KOREAN_FRACTION = re.compile(rf"({DIGITS})\s?분의\s?({DIGITS})")
# "2박 3일": nights and days of a trip, which English gives as days only.
KOREAN_NIGHTS = re.compile(r"^\s?박")

# What may follow a figure, compiled once (re.match with a pattern string looks it up in re's
# cache on every call, which costs more than the match): a Korean percentage, an hour, the
# word the figure counts; an English percentage.
KOREAN_PERCENT = re.compile(r"\s?(?:%|％|퍼센트)(?:\s?포인트|p)?")
KOREAN_HOUR = re.compile(r"\s?시(?!간)")
KOREAN_COUNTED_WORD = re.compile(r"\s?[가-힣]+")
ENGLISH_PERCENT = re.compile(r"%| percent(?:age points?)?\b")

# "May" is a month after these words, otherwise probably the verb.
ENGLISH_MONTH_MAY = re.compile(
    r"\b(?:in|since|until|by|last|next|this|early|late|mid|of|from|through|to)[\s-]$", re.I
)
ENGLISH_PM = re.compile(r"^\s?(?::\d\d)?\s?(p\.m\.|pm\b)", re.IGNORECASE)
# A figure in brackets right after an amount is usually the translator's currency
# conversion ("1.2 trillion won ($900 million)"), which the Korean need not carry.
ENGLISH_CONVERSION = re.compile(r"\(\s?(?:about |around |roughly )?(?:US)?\$\s?$")


@dataclass(frozen=True)
class Quantity:
    values: tuple  # the numbers this figure may stand for
    span: tuple[int, int]
    firm: bool
    text: str
    # (low, high) for vague amounts such as "dozens" or 수십; values is empty then.
    interval: tuple | None = None
    # Tolerance when the English rounds an amount ("1.23 trillion" for 1조2345억).
    tolerance: float = 0.0
    day_of_month: bool = False


def to_number(digits: str) -> float:
    return float(digits.replace(",", ""))


# check_numbers and check_content both read the figures of the same row: each text is read
# once. Quantities are frozen and the lists are copied out, so nobody shares a mutable list.
READ_TEXTS = 16


def korean_quantities(text: str) -> list[Quantity]:
    return list(_korean_quantities(text))


def english_quantities(text: str) -> list[Quantity]:
    return list(_english_quantities(text))


@functools.lru_cache(maxsize=READ_TEXTS)
def _korean_quantities(text: str) -> tuple[Quantity, ...]:
    found: list[Quantity] = []
    taken = [False] * (len(text) + 1)
    # The pattern's digits at every position cost more than looking for its word first.
    for match in KOREAN_FRACTION.finditer(text) if "분의" in text else ():
        # "10분의 1" is a tenth: English says "one-tenth", "a tenth" or "10 percent".
        denominator, numerator = to_number(match.group(1)), to_number(match.group(2))
        values = (numerator / denominator, denominator, numerator) if denominator else ()
        found.append(Quantity(values, match.span(), True, match.group(0)))
        for i in range(*match.span()):
            taken[i] = True
    position = 0
    while True:
        match = KOREAN_PART.search(text, position)
        if match is None:
            break
        start = match.start()
        if taken[start]:
            position = match.end()
            continue
        total, pending, end = 0.0, 0.0, match.end()
        current = match
        while current is not None:
            number = to_number(current.group(1))
            if current.group(2):
                number *= KOREAN_SMALL_UNITS[current.group(2)]
            if current.group(3):
                total += (pending + number) * KOREAN_BIG_UNITS[current.group(3)]
                pending = 0.0
            else:
                pending += number
            end = current.end()
            # "1조 2천억", "3억 5천만", "2천500억": a smaller figure continues the amount.
            if not (current.group(2) or current.group(3)):
                break
            following = KOREAN_PART.match(text, end + (1 if text[end : end + 1] == " " else 0))
            if following is None or not (following.group(2) or following.group(3)):
                # "1만2천" and "3억5000만" continue without a unit on the last part.
                following = KOREAN_PART.match(text, end)
                if following is None or following.start() != end:
                    break
            current = following
        total += pending
        # Trailing spaces belong to the next word.
        while end > start and text[end - 1] == " ":
            end -= 1
        percent = KOREAN_PERCENT.match(text[end:])
        if percent:
            end += percent.end()
        span = (start, end)
        figure = text[start:end]
        after = text[end:]
        values = {total}
        day = False
        # A bare 1 is "a year", "an hour", "per person" as often as a figure.
        firm = total != 1 or bool(match.group(2) or match.group(3))
        if KOREAN_MONTH_AFTER.match(after):
            firm = True
        elif KOREAN_DAY_AFTER.match(after) and total == int(total) and 1 <= total <= 31:
            day, firm = True, True
        elif (
            KOREAN_HOUR.match(after)
            and total <= 12
            and KOREAN_AFTERNOON.search(text[max(0, start - 4) : start])
        ):
            values = {total + 12, total}
        if KOREAN_NIGHTS.match(after):
            firm = False
        word = KOREAN_COUNTED_WORD.match(after)
        if word:
            figure += word.group(0)[: len(word.group(0)) - len(word.group(0).strip())]
            figure += stem(word.group(0).strip(), 1)[:3]
        found.append(Quantity(tuple(values), span, firm, figure, day_of_month=day))
        for i in range(start, end):
            taken[i] = True
        position = max(end, start + 1)
    for match in KOREAN_DATE_NAME.finditer(text):
        name = f"{int(match.group(1))}·{int(match.group(2))}"
        inside = [q for q in found if match.start() <= q.span[0] < match.end()]
        for quantity in inside:
            found.remove(quantity)
        years = KOREAN_DATE_NAMES.get(name, ())
        found.append(Quantity(tuple(years), match.span(), False, match.group(0)))
    for match in KOREAN_NATIVE_NUMBER.finditer(text):
        if taken[match.start()]:
            continue
        value = KOREAN_NATIVE[match.group(1)]
        found.append(Quantity((value,), match.span(1), value >= 3, match.group(0)))
    for match in KOREAN_VAGUE.finditer(text):
        small, big = match.group(1), match.group(2)
        if not small and not big:
            continue
        unit = KOREAN_SMALL_UNITS.get(small, 1) * KOREAN_BIG_UNITS.get(big, 1)
        found.append(Quantity((), match.span(), False, match.group(0), (2 * unit, 10 * unit)))
    return tuple(found)


@functools.lru_cache(maxsize=READ_TEXTS)
def _english_quantities(text: str) -> tuple[Quantity, ...]:
    quantities = english_figures(text)
    # A wire dateline ("SEOUL, Jan. 19 (Yonhap) -- ") dates the story; the Korean keeps its
    # date elsewhere or not at all.
    dateline = ENGLISH_DATELINE.match(text)
    if dateline:
        quantities = [
            replace(q, firm=False) if q.span[1] <= dateline.end() else q for q in quantities
        ]
    return tuple(quantities)


def english_figures(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    taken = [False] * (len(text) + 1)

    def add(quantity):
        found.append(quantity)
        for i in range(*quantity.span):
            taken[i] = True

    lone_months = list(month_matches(ENGLISH_LONE_MONTH, text))
    for match in ENGLISH_DATE.finditer(text) if may_hold_date(lone_months) else ():
        month = match.group(1) or match.group(5)
        day = int(match.group(2) or match.group(4))
        if not 1 <= day <= 31:
            continue
        month_span = match.span(1) if match.group(1) else match.span(5)
        day_span = match.span(2) if match.group(2) else match.span(4)
        # The month is the translator's to add ("12일" often becomes "Nov. 12").
        add(Quantity((ENGLISH_MONTHS[month],), month_span, False, month))
        add(Quantity((day,), day_span, True, str(day), day_of_month=True))
        if match.group(3):
            add(Quantity((int(match.group(3)),), match.span(3), True, match.group(3)))
    for match in ENGLISH_FIGURE.finditer(text):
        if taken[match.start(1)]:
            continue
        digits, scale = match.group(1), match.group(2)
        value = to_number(digits)
        tolerance = 0.0
        if scale:
            multiplier = ENGLISH_SCALES[scale.lower()]
            decimals = len(digits.split(".")[1]) if "." in digits else 0
            tolerance = 0.5 * multiplier * 10**-decimals
            value *= multiplier
        values = {value}
        if ENGLISH_PM.match(text[match.end() :]) and value <= 12:
            values.add(value + 12)
        # "five-year", "54-year-old": the figure still counts; "1990s" counts as 1990.
        firm = not (value == 1 and not scale)
        if ENGLISH_CONVERSION.search(text[max(0, match.start() - 16) : match.start()]):
            firm = False
        end = match.end()
        percent = ENGLISH_PERCENT.match(text[end:])
        if percent:
            end += percent.end()
        span = (match.start(), end)
        add(Quantity(tuple(values), span, firm, text[slice(*span)], tolerance=tolerance))
    for match in caseless.finditer(LOWER_WORD_NUMBER, text):
        if taken[match.start()]:
            continue
        if match.group(3):  # "a hundred", "a million", "a dozen"
            if not match.group(4):
                continue
            value = 1.0
        else:
            word = match.group(1).lower()
            value = float(
                ENGLISH_ONES.get(word)
                or ENGLISH_TENS.get(word)
                or ENGLISH_ORDINALS.get(word)
                or ENGLISH_MULTIPLES.get(word)
            )
        if match.group(2):
            value += ENGLISH_ONES[match.group(2).lower()]
        if match.group(4):
            value *= ENGLISH_SCALES.get(match.group(4).lower(), 12)
        add(Quantity((value,), match.span(), False, text[match.start() : match.end()]))
    for match in caseless.finditer(LOWER_VAGUE, text):
        if taken[match.start()]:
            continue
        first = match.group(1).lower()
        unit = {"dozens": 12, "tens": 10}.get(first) or ENGLISH_SCALES[first[:-1]]
        if match.group(2):
            unit *= ENGLISH_SCALES[match.group(2).lower()[:-1]]
        low, high = (2 * unit, 10 * unit) if first != "dozens" else (24, 100)
        add(Quantity((), match.span(), False, text[match.start() : match.end()], (low, high)))
    for match in lone_months:
        if taken[match.start()]:
            continue
        if match.group(1) == "May" and not ENGLISH_MONTH_MAY.search(text[: match.start()]):
            continue
        # A month without a day: firm only when spelled out in full and capitalised.
        add(Quantity((ENGLISH_MONTHS[match.group(1)],), match.span(1), False, match.group(1)))
    return found


def same_value(a: Quantity, b: Quantity) -> bool:
    tolerance = max(a.tolerance, b.tolerance)
    for x in a.values:
        for y in b.values:
            if math.isclose(x, y, rel_tol=1e-9) or abs(x - y) <= tolerance:
                return True
    for vague, exact in ((a, b), (b, a)):
        if vague.interval:
            low, high = vague.interval
            if exact.interval:
                other_low, other_high = exact.interval
                if low < other_high and other_low < high:
                    return True
            elif any(low <= y < high for y in exact.values):
                return True
    return False


def english_weekdays(text: str) -> list[tuple[str, tuple[int, int]]]:
    if "day" not in text:
        return []  # every weekday's name ends in it
    return [(m.group(1), m.span()) for m in ENGLISH_WEEKDAY.finditer(text)]


def weekday_note(day: int, weekday: str, reference) -> str | None:
    """When the article's date is known, whether `weekday` can be the `day` of the month
    just before it; None when it can or nothing is known."""
    if reference is None:
        return None
    year, month = reference.year, reference.month
    if day > reference.day:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    if day > calendar.monthrange(year, month)[1]:
        return None
    actual = WEEKDAYS[calendar.weekday(year, month, day)]
    if actual == weekday:
        return None
    return (
        f"The Korean gives the {ordinal(day)} (a {actual} if it is "
        f"{MONTHS[month - 1]} {day}, {year}); the English says {weekday}."
    )


def ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def check_numbers(source: str, target: str, reference_date=None) -> list[Finding]:
    korean = korean_quantities(source)
    english = english_quantities(target)
    weekdays = english_weekdays(target)
    findings = []
    for quantity in korean:
        if not quantity.firm or any(same_value(quantity, other) for other in english):
            continue
        if quantity.day_of_month and weekdays:
            # News style: "12일" becomes "Thursday". Not an error; a note when the date
            # it must match is known and does not fit.
            weekday, span = weekdays[0]
            note = weekday_note(int(quantity.values[0]), weekday, reference_date)
            if note:
                findings.append(Finding("number", WARNING, note, span, quantity.span))
            continue
        findings.append(
            Finding(
                "number",
                ERROR,
                f"The Korean has {quantity.text}{described(quantity)}, "
                "which the English does not have.",
                None,
                quantity.span,
            )
        )
    for quantity in english:
        if not quantity.firm or any(same_value(quantity, other) for other in korean):
            continue
        findings.append(
            Finding(
                "number",
                ERROR,
                f"The English has {quantity.text}{described(quantity)}, "
                "which the Korean does not have.",
                quantity.span,
                None,
            )
        )
    return findings


def described(quantity: Quantity) -> str:
    """ ", that is 1,500,000,000" when the figure's value is not obvious from its text."""
    if not quantity.values or "분의" in quantity.text:
        return ""
    value = min(quantity.values)
    shown = f"{value:,.0f}" if value == int(value) else f"{value:,}"
    return "" if shown.replace(",", "") in quantity.text.replace(",", "") else f" ({shown})"
