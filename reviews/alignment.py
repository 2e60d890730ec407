"""Pair the paragraphs of a Korean news article with the paragraphs of its English translation.

The aligner is Gale-Church dynamic programming over paragraph lengths, with extra evidence
that survives translation: numbers and dates (read the Korean way and the English way),
weekdays, Latin-script words kept in the Korean (names, acronyms), names written in Hangul
that sound like an English name, double quotation marks and sentence counts. Each link's
cost is a negative log-probability (up to a constant), so the same costs give both the best
alignment (Viterbi) and each chosen link's posterior probability (forward-backward), which
is reported as its confidence.

Standard library only, and no Django import: the importer and the evaluation command both
call `align`.
"""

import bisect
import itertools
import math
import re
from typing import NamedTuple

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
# Per sentence of difference between the two sides.
SENTENCE_MISMATCH = 1.5
# When exactly one side has double quotation marks.
QUOTE_MISMATCH = 0.7

# Half-width of the search band around the guide path, in cells, before any widening:
# MIN_BAND when anchors pin the guide down every few paragraphs, up to INITIAL_BAND when
# they are far apart or missing.
INITIAL_BAND = 10
MIN_BAND = 4
# Largest band searched after widening: the full matrix of a 220 x 220 document, or a
# half-width of about 20 around the path of a 1,000 x 1,000 one (about a second).
MAX_BAND_CELLS = 50_000

INFINITY = float("inf")
SQRT2 = math.sqrt(2)


class Paragraph(NamedTuple):
    length: int
    sentences: int
    anchors: frozenset  # numbers, months and weekdays, as "n:5", "m:3", "w:mon"
    firm: frozenset  # the anchors a translation nearly always keeps
    words: frozenset  # Latin-script words, lower case
    quoted: bool
    sounds: frozenset  # consonant skeletons: of Hangul words, or of English names


# ---------------------------------------------------------------------------------------
# Numbers and dates

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
        if lower in ENGLISH_NUMBER_WORDS:
            soft.add(_number_key(ENGLISH_NUMBER_WORDS[lower]))
        elif lower in ENGLISH_WEEKDAYS:
            soft.add("w:" + ENGLISH_WEEKDAYS[lower])
        elif lower in ENGLISH_MONTHS and word[0].isupper() and lower != "may":
            keys.add("m:" + str(ENGLISH_MONTHS[lower]))
    # "May" is a month only next to a day or year ("May 5", "5 May", "May 2019"); otherwise
    # it is as likely a name or a verb.
    if ENGLISH_MAY.search(text):
        keys.add("m:5")
    return frozenset(keys | soft), frozenset(keys - soft)


# ---------------------------------------------------------------------------------------
# Sentences, quotes and Latin words

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
DOUBLE_QUOTES = re.compile(r"[\"“”«»「」『』]")
# A Korean sentence ends at ".", "!" or "?" (usually after 다 or 요), perhaps followed by a
# closing quote, then a space or the end.
KOREAN_SENTENCE_END = re.compile(r"[.!?。]+[\"”’')\]]*(?=\s|$)")
# An English sentence ends the same way, and the next one starts with a capital or digit;
# abbreviations ("Mr.", "U.S.") and initials do not end sentences.
ENGLISH_SENTENCE_END = re.compile(r"([.!?]+)[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
ENGLISH_ABBREVIATIONS = frozenset(
    ("mr", "mrs", "ms", "dr", "st", "jr", "sr", "sen", "rep", "gov", "gen", "lt", "col", "sgt",
     "capt", "prof", "no", "vs", "inc", "co", "corp", "ltd", "jan", "feb", "mar", "apr", "jun",
     "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "ave")
)  # fmt: skip


def count_korean_sentences(text: str) -> int:
    return max(1, len(KOREAN_SENTENCE_END.findall(text)))


def count_english_sentences(text: str) -> int:
    count = 1
    for match in ENGLISH_SENTENCE_END.finditer(text):
        before = text[: match.start()].rsplit(None, 1)
        word = before[-1].lower().lstrip('"“‘([') if before else ""
        abbreviation = word in ENGLISH_ABBREVIATIONS or len(word) == 1 or "." in word
        if match.group(1) == "." and abbreviation:
            continue
        count += 1
    return count


# ---------------------------------------------------------------------------------------
# How names sound. Foreign names are written in Hangul by sound, so "존슨" and "Johnson"
# share a consonant skeleton (JNSN). Both sides are reduced to coarse consonant classes:
# K (k, g, c, q), T (t, d), P (p, b, f, v), S (s, sh, th), J (j, ch, z), L (l, r), M, N, H.

HANGUL_WORD = re.compile(r"[가-힣]+")
CAPITALISED_WORD = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")
# Initial consonants of a Hangul syllable, in Unicode order; "" is the silent ㅇ.
HANGUL_INITIALS = ("K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "J", "J", "J",
                   "K", "T", "P", "H")  # fmt: skip
# Final consonants; in loanwords a final ㅅ stands for t, and ㅇ for ng.
HANGUL_FINALS = ("", "K", "K", "K", "N", "N", "N", "T", "L", "L", "L", "L", "L", "L", "L", "L",
                 "M", "P", "P", "T", "T", "N", "J", "J", "K", "T", "P", "H")  # fmt: skip
ENGLISH_DIGRAPHS = {"ph": "P", "th": "S", "sh": "S", "ch": "J", "ck": "K", "gh": "", "ng": "N",
                    "qu": "K", "wh": ""}  # fmt: skip
ENGLISH_LETTERS = {"b": "P", "p": "P", "f": "P", "v": "P", "d": "T", "t": "T", "k": "K",
                   "q": "K", "l": "L", "m": "M", "n": "N", "s": "S", "j": "J", "z": "J",
                   "x": "KS"}  # fmt: skip
VOWELS = frozenset("aeiouy")
# Skeletons shorter than this match too many Korean words by chance.
MIN_NAME_SKELETON = 3


def _squeeze(classes) -> str:
    """Join consonant classes, dropping immediate repeats ("밀라노" and "Milan": MLN)."""
    out = []
    for symbol in classes:
        if symbol and (not out or out[-1] != symbol):
            out.append(symbol)
    return "".join(out)


def hangul_skeleton(word: str) -> str:
    classes = []
    for char in word:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            classes.append(HANGUL_INITIALS[code // 588])
            classes.append(HANGUL_FINALS[code % 28])
    return _squeeze(classes)


def english_skeleton(word: str) -> str:
    word = word.lower()
    classes = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        letter = word[i]
        following = word[i + 1] if i + 1 < len(word) else ""
        if pair in ENGLISH_DIGRAPHS:
            classes.append(ENGLISH_DIGRAPHS[pair])
            i += 2
            continue
        if letter in ENGLISH_LETTERS:
            classes.append(ENGLISH_LETTERS[letter])
        elif letter == "c":
            classes.append("S" if following in ("e", "i", "y") else "K")
        elif letter == "g":
            classes.append("J" if following in ("e", "y") else "K")
        elif letter == "r":
            # Korean drops an r that closes a syllable: "Ford" is 포드.
            if not (i and word[i - 1] in VOWELS and following not in VOWELS):
                classes.append("L")
        elif letter == "h" and i == 0:
            classes.append("H")
        i += 1
    return _squeeze(classes)


def _prefix_distances(a: str, b: str) -> list[int]:
    """Edit distances from `a` to each prefix of `b`: b[:0], b[:1], ... b[:len(b)]."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous


def sounds_alike(english: str, hangul: str) -> bool:
    """Whether a Hangul word (perhaps with a particle after it, as in "존슨의") starts with
    the sound of an English name. Both are skeletons; the first consonant must agree, and
    a few differences are allowed in longer names."""
    if hangul[:1] != english[:1]:
        return False
    size = len(english)
    allowed = 0 if size <= 3 else 1 if size <= 6 else 2
    # The Hangul word's first size-1, size or size+1 consonants, as far as it has them.
    distances = _prefix_distances(english, hangul[: size + 1])
    return min(distances[min(size - 1, len(distances) - 1) :]) <= allowed


# ---------------------------------------------------------------------------------------
# Paragraph features


def korean_paragraph(text: str) -> Paragraph:
    anchors, firm = _korean_keys(text)
    return Paragraph(
        length=len(text.strip()),
        sentences=count_korean_sentences(text),
        anchors=anchors,
        firm=firm,
        words=frozenset(w.lower() for w in LATIN_WORD.findall(text) if len(w) > 1),
        quoted=bool(DOUBLE_QUOTES.search(text)),
        sounds=frozenset(
            skeleton
            for skeleton in map(hangul_skeleton, HANGUL_WORD.findall(text))
            if len(skeleton) >= MIN_NAME_SKELETON - 1
        ),
    )


def english_paragraph(text: str, common_words: frozenset = frozenset()) -> Paragraph:
    """Features of an English paragraph. A capitalised word counts as a name unless it also
    appears in lower case in `common_words` (the document's), as "The" and "But" do."""
    anchors, firm = _english_keys(text)
    return Paragraph(
        length=len(text.strip()),
        sentences=count_english_sentences(text),
        anchors=anchors,
        firm=firm,
        words=frozenset(w.lower() for w in LATIN_WORD.findall(text)),
        quoted=bool(DOUBLE_QUOTES.search(text)),
        sounds=frozenset(
            skeleton
            for word in CAPITALISED_WORD.findall(text)
            if word.lower() not in common_words
            and len(skeleton := english_skeleton(word)) >= MIN_NAME_SKELETON
        ),
    )


# ---------------------------------------------------------------------------------------
# Link costs


def _length_cost(korean_length: int, english_length: int, ratio: float) -> float:
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


def _merge(paragraphs: list[Paragraph]) -> Paragraph:
    if len(paragraphs) == 1:
        return paragraphs[0]
    return Paragraph(
        length=sum(p.length for p in paragraphs),
        sentences=sum(p.sentences for p in paragraphs),
        anchors=frozenset().union(*(p.anchors for p in paragraphs)),
        firm=frozenset().union(*(p.firm for p in paragraphs)),
        words=frozenset().union(*(p.words for p in paragraphs)),
        quoted=any(p.quoted for p in paragraphs),
        sounds=frozenset().union(*(p.sounds for p in paragraphs)),
    )


def make_link_cost(ko: list[Paragraph], en: list[Paragraph], ratio: float):
    """A function cost(i0, i1, j0, j1): minus the log-probability (nats, up to a constant)
    that Korean paragraphs i0..i1-1 and English paragraphs j0..j1-1 form one link.
    Results are kept, since the search asks for the same links several times."""
    shape_costs = {shape: -math.log(prior) for shape, prior in LINK_PRIORS.items()}
    korean_spans, english_spans = {}, {}
    names_by_pair, name_in_paragraph, korean_sounds_by_initial = {}, {}, {}
    costs = {}

    def span(paragraphs, spans, start, end) -> Paragraph:
        key = (start, end)
        merged = spans.get(key)
        if merged is None:
            merged = spans[key] = _merge(paragraphs[start:end])
        return merged

    def names_heard(i: int, j: int) -> frozenset:
        """English names of paragraph j that sound like a word of Korean paragraph i."""
        key = (i, j)
        heard = names_by_pair.get(key)
        if heard is None:
            heard = names_by_pair[key] = frozenset(
                name for name in en[j].sounds if name_in_korean(name, i)
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
                sounds_alike(name, hangul)
                for hangul in korean_sounds_by_initial[i].get(name[0], ())
            )
        return found

    def evidence(i0: int, i1: int, j0: int, j1: int) -> float:
        korean = ko[i0] if i1 - i0 == 1 else span(ko, korean_spans, i0, i1)
        english = en[j0] if j1 - j0 == 1 else span(en, english_spans, j0, j1)
        total = _length_cost(korean.length, english.length, ratio)
        if korean.sentences != english.sentences:
            total += SENTENCE_MISMATCH * abs(korean.sentences - english.sentences)
        if korean.quoted != english.quoted:
            total += QUOTE_MISMATCH
        if korean.anchors or english.anchors or korean.words:
            shared_anchors = korean.anchors & english.anchors
            shared_words = len(korean.words & english.words)
            korean_missing = len(korean.firm - shared_anchors) + len(korean.words) - shared_words
            english_missing = len(english.firm - shared_anchors)
            total += (
                KOREAN_ANCHOR_MISS * korean_missing
                + ENGLISH_ANCHOR_MISS * english_missing
                - ANCHOR_MATCH_BONUS * (len(shared_anchors) + shared_words)
            )
        if english.sounds and korean.sounds:
            if i1 - i0 == 1 and j1 - j0 == 1:
                total -= NAME_MATCH_BONUS * len(names_heard(i0, j0))
            else:
                heard = set()
                for i in range(i0, i1):
                    for j in range(j0, j1):
                        heard |= names_heard(i, j)
                total -= NAME_MATCH_BONUS * len(heard)
        return total

    def cost(i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        total = costs.get(key)
        if total is None:
            total = shape_costs[(i1 - i0, j1 - j0)]
            if i0 < i1 and j0 < j1:
                total += evidence(i0, i1, j0, j1)
            costs[key] = total
        return total

    return cost


# ---------------------------------------------------------------------------------------
# Dynamic programming


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


def _search(n: int, m: int, link_cost, band: list[tuple[int, int]]):
    """Viterbi and forward-backward over the band. Returns the best path as a list of
    (i0, j0, i1, j1) links, the soft (all-paths) forward and backward costs, and the soft
    total."""
    shapes = list(LINK_PRIORS)
    lows = [low for low, _ in band]
    highs = [high for _, high in band]
    best = [[INFINITY] * (high - low + 1) for low, high in band]
    forward = [[INFINITY] * (high - low + 1) for low, high in band]
    back = [[None] * (high - low + 1) for low, high in band]
    # incoming[i][j - low]: (di, dj, cost) of each link that ends at (i, j).
    incoming = [[()] * (high - low + 1) for low, high in band]
    best[0][0 - lows[0]] = 0.0
    forward[0][0 - lows[0]] = 0.0

    for i in range(n + 1):
        low = lows[i]
        best_row, forward_row, back_row, incoming_row = best[i], forward[i], back[i], incoming[i]
        for j in range(low, highs[i] + 1):
            best_cost, best_shape, soft_cost = INFINITY, None, INFINITY
            links = []
            for di, dj in shapes:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or pj < lows[pi] or pj > highs[pi]:
                    continue
                start = best[pi][pj - lows[pi]]
                if start == INFINITY:
                    continue
                cost = link_cost(pi, i, pj, j)
                links.append((di, dj, cost))
                if start + cost < best_cost:
                    best_cost, best_shape = start + cost, (di, dj)
                soft_cost = _add_costs(soft_cost, forward[pi][pj - lows[pi]] + cost)
            if links:
                best_row[j - low] = best_cost
                back_row[j - low] = best_shape
                forward_row[j - low] = soft_cost
                incoming_row[j - low] = links

    # Backward pass: the soft cost of finishing from (i, j).
    backward = [[INFINITY] * (high - low + 1) for low, high in band]
    backward[n][m - lows[n]] = 0.0
    for i in range(n, -1, -1):
        low = lows[i]
        backward_row, incoming_row = backward[i], incoming[i]
        for j in range(highs[i], low - 1, -1):
            remaining = backward_row[j - low]
            if remaining == INFINITY:
                continue
            for di, dj, cost in incoming_row[j - low]:
                row, index = backward[i - di], j - dj - lows[i - di]
                row[index] = _add_costs(row[index], remaining + cost)

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


def _align_texts(ko_texts: list[str], en_texts: list[str]) -> list[tuple]:
    """Align two non-empty lists of non-blank paragraphs: (i0, j0, i1, j1, confidence)."""
    common_words = frozenset(re.findall(r"\b[a-z]+\b", " ".join(en_texts)))
    ko = [korean_paragraph(text) for text in ko_texts]
    en = [english_paragraph(text, common_words) for text in en_texts]
    n, m = len(ko), len(en)
    # The document's own length ratio, pulled towards the usual one for short documents.
    own_ratio = sum(p.length for p in ko) / max(1, sum(p.length for p in en))
    weight = min(n, m)
    ratio = (KO_PER_EN_CHARS * RATIO_PRIOR_WEIGHT + own_ratio * weight) / (
        RATIO_PRIOR_WEIGHT + weight
    )
    link_cost = make_link_cost(ko, en, ratio)

    # Search a band around the guide. While the best path runs along the band's edge,
    # search again around that path with twice the width; link costs are kept between
    # rounds. Texts that do not correspond at all would widen the band without end, so
    # stop once it would exceed MAX_BAND_CELLS and keep the path found so far.
    guide, longest_stretch = _anchor_guide(ko, en)
    # Between two guide points the true path wanders about as far as a random walk of that
    # many steps, roughly its square root.
    width = min(INITIAL_BAND, max(MIN_BAND, math.ceil(math.sqrt(longest_stretch))))
    band = _band_around(guide, n, m, width)
    while True:
        path, forward, backward, total = _search(n, m, link_cost, band)
        if all(row == (0, m) for row in band) or not _touches_edge(path, band, m):
            break
        guide, width = _path_rows(path, n), width * 2
        wider = _band_around(guide, n, m, width)
        if sum(high - low + 1 for low, high in wider) > MAX_BAND_CELLS:
            break
        band = wider

    links = []
    for i0, j0, i1, j1 in path:
        # Posterior probability that the alignment contains this link.
        through = (
            forward[i0][j0 - band[i0][0]]
            + link_cost(i0, i1, j0, j1)
            + backward[i1][j1 - band[i1][0]]
        )
        links.append((i0, j0, i1, j1, min(1.0, math.exp(total - through))))
    return links


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
