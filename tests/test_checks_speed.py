"""The faster checks and aligner give exactly what the plain versions gave.

Each shortcut (a case-sensitive pattern on lowered text, a prefilter, brackets visited
directly, the search's inner loops written out) is compared with the straightforward code it
replaced, kept here as the reference: on the demo article and on random rows built to hit
every shortcut's edge (tabs, double spaces, brackets, odd capitals, the characters
IGNORECASE folds to ASCII)."""

import math
import random
import re
from pathlib import Path

import pytest

from reviews import checks, sentences
from reviews.alignment import align, costs
from reviews.alignment.costs import LINK_PRIORS, make_link_cost
from reviews.alignment.lengths import document_ratio, length_cost
from reviews.alignment.lexicon import confined_terms, unrendered_terms
from reviews.alignment.loanwords import add_loanwords
from reviews.alignment.names import sounds_alike, unheard_names
from reviews.alignment.paragraphs import (
    Paragraph,
    english_names,
    english_paragraph,
    korean_paragraph,
)
from reviews.alignment.search import INFINITY, _add_costs, _band_around, _search
from reviews.checks import caseless, content, form, numbers
from reviews.sentences import split_sentences

DEMO = Path(__file__).resolve().parents[1] / "reviews" / "demo"


def demo_paragraphs():
    korean = [p.strip() for p in (DEMO / "ko.txt").read_text().split("\n\n") if p.strip()]
    english = [p.strip() for p in (DEMO / "en.txt").read_text().split("\n\n") if p.strip()]
    return korean, english


# The plain versions, as they were before the shortcuts.


def plain_hangul_share(text):
    letters = form.LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if not ch.isascii()) / len(letters)


def plain_unbalanced(text):
    stack, straight_open = [], None
    for index, ch in enumerate(text):
        if ch in form.PAIRS:
            stack.append((ch, index))
        elif ch in form.CLOSERS:
            if stack and stack[-1][0] == form.CLOSERS[ch]:
                stack.pop()
            elif ch == "”" and straight_open is not None:
                straight_open = None
            else:
                return ch, index
        elif ch == '"':
            if stack and stack[-1][0] == "“":
                stack.pop()
            elif straight_open is None:
                straight_open = index
            else:
                straight_open = None
    if straight_open is not None:
        return '"', straight_open
    if stack:
        return stack[0]
    openings = text.count("‘")
    if openings and openings > len(re.findall(r"’(?![A-Za-z])", text)):
        return "‘", text.index("‘")
    return None


def plain_weekdays(text):
    return [(m.group(1), m.span()) for m in numbers.ENGLISH_WEEKDAY.finditer(text)]


@pytest.fixture
def plain(monkeypatch):
    """Switch every shortcut off; the quantities' cache is emptied on the way in and out."""

    def use():
        monkeypatch.setattr(
            caseless,
            "finditer",
            lambda lower, text: re.compile(lower.pattern, re.IGNORECASE).finditer(text),
        )
        monkeypatch.setattr(form, "hangul_share", plain_hangul_share)
        monkeypatch.setattr(form, "unbalanced", plain_unbalanced)
        for name in (
            "may_double_space",
            "may_space_before_punctuation",
            "may_space_inside_brackets",
        ):
            monkeypatch.setattr(form, name, lambda text: True)
        monkeypatch.setattr(numbers, "english_weekdays", plain_weekdays)
        monkeypatch.setattr(numbers, "month_matches", lambda pattern, text: pattern.finditer(text))
        monkeypatch.setattr(numbers, "may_hold_date", lambda lone_months: True)
        monkeypatch.setattr(content, "english_weekdays", plain_weekdays)
        clear()

    def clear():
        numbers._english_quantities.cache_clear()
        numbers._korean_quantities.cache_clear()

    clear()
    yield use
    monkeypatch.undo()
    clear()


ODD_BITS = [
    "  ", "\t", " ,", " .", " ?", "( ", " )", "[ ", " ]", "(", ")", "[", "]", "“", "”", '"',
    "‘", "’", "「", "」", "ſ", "\u212a", "İ", "ı", "TWO", "Twenty-One", "a Hundred",
    "A dozen", "tHREE-fold", "the the", "The the", "is is", "Tens Of Thousands", "DOZENS",
    "Monday", "on Friday", "12일", "오후 3시", "다섯 명", "3 p.m.", "5.69 million", "May 5",
    "Jan. 19", "March", "Sept. 3", "5 December", "SEOUL, Dec. 1 (Yonhap) -- ", "수십억", " 50%",
    "1조 2천억", "Kim Jong-un", "Kim Jong-eun", "한국", "? ", "! ",
]  # fmt: skip


def random_rows(rng, korean, english, count):
    def spoil(text):
        for _ in range(rng.randrange(6)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(ODD_BITS) + text[at:]
        return text

    rows = []
    for _ in range(count):
        source = " ".join(rng.sample(korean, rng.randint(0, 2)))
        target = " ".join(rng.sample(english, rng.randint(0, 2)))
        rows.append((spoil(source) if rng.random() < 0.5 else source, spoil(target)))
    return rows


def findings_of(rows):
    per_row, whole = checks.check_document(rows, glossary=[("정부", "government", "regime")])
    extra = [checks.check_pair(s, t, ratio=None) for s, t in rows]
    return per_row, whole, extra


def test_the_checks_find_the_same_on_the_demo_and_on_random_rows(plain):
    korean, english = demo_paragraphs()
    demo = [
        ("\n\n".join(korean[i] for i in ko), "\n\n".join(english[j] for j in en))
        for ko, en, _ in align(korean, english)
    ]
    rows = demo + random_rows(random.Random(12), korean, english, 600)
    fast = findings_of(rows)
    plain()
    slow = findings_of(rows)
    assert fast == slow
    # The random rows reach every shortcut's other branch.
    kinds = {finding.kind for row in slow[0] for finding in row}
    assert {"spacing", "repeat", "brackets", "number", "hangul"} <= kinds


def test_a_date_is_found_only_where_a_lone_month_is():
    # What may_hold_date relies on, on the random rows and the dates of ODD_BITS.
    korean, english = demo_paragraphs()
    texts = [target for _, target in random_rows(random.Random(5), korean, english, 800)]
    with_dates = [text for text in texts if numbers.ENGLISH_DATE.search(text)]
    assert len(with_dates) > 40
    assert all(numbers.ENGLISH_LONE_MONTH.search(text) for text in with_dates)
    assert not numbers.ENGLISH_LONE_MONTH.search("The Mayor's Decision, 5 Mayday")


def test_lowered_text_keeps_lengths_ascii_and_word_characters():
    word = re.compile(r"\w")
    odd = []
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        char_lower = caseless.lowered(char)
        if (
            len(char_lower) != 1
            or char_lower.isascii() != char.isascii()
            and char not in "\u0130\u0131\u017f\u212a"
            or bool(word.match(char)) != bool(word.match(char_lower))
        ):
            odd.append(char)
    assert odd == []
    # The four IGNORECASE folds to an ASCII letter become that letter.
    for char, letter in zip("\u0130\u0131\u017f\u212a", "iisk", strict=True):
        assert re.fullmatch(letter, char, re.IGNORECASE)
        assert caseless.lowered(char) == letter


def test_a_number_word_with_a_folded_letter_is_read():
    # "ſix" (a long s) matches "six" under IGNORECASE; its value was looked up by the matched
    # word itself and was missing (a TypeError, a failed upload).
    found = numbers.english_figures("He had \u017fix cats, one dog and a \u212aing.")
    assert [quantity.values for quantity in found] == [(6.0,), (1.0,)]


@pytest.mark.parametrize(
    ("pattern", "lower"),
    [
        (numbers.ENGLISH_WORD_NUMBER, numbers.LOWER_WORD_NUMBER),
        (numbers.ENGLISH_VAGUE, numbers.LOWER_VAGUE),
        (form.REPEATED_WORD, form.LOWER_REPEATED_WORD),
    ],
)
def test_a_lowered_pattern_finds_the_same_spans(pattern, lower):
    rng = random.Random(3)
    korean, english = demo_paragraphs()
    for source, target in random_rows(rng, korean, english, 400):
        odd = target.replace("s", "\u017f").replace("k", "\u212a").replace("i", "\u0131")
        for text in (target, source + target, target.upper(), odd, odd.replace("\u0131", "\u0130")):
            expected = [
                (m.span(), [m.span(g) for g in range(1, pattern.groups + 1)])
                for m in pattern.finditer(text)
            ]
            found = [
                (m.span(), [m.span(g) for g in range(1, pattern.groups + 1)])
                for m in caseless.finditer(lower, text)
            ]
            assert found == expected, text


def spans(matches):
    return [[match.span(group) for group in range(match.re.groups + 1)] for match in matches]


def test_split_sentences_hands_out_its_own_list():
    first = split_sentences("One. Two.", "en")
    first.append((0, 0))
    assert split_sentences("One. Two.", "en") == [(0, 4), (5, 9)]


def plain_merge(paragraphs):
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
        terms=frozenset().union(*(p.terms for p in paragraphs)),
        concepts=frozenset().union(*(p.concepts for p in paragraphs)),
    )


def plain_link_cost(ko, en, ratio, unheard=frozenset(), unrendered=frozenset()):
    """The link cost with the features as sets, merged by plain_merge, nothing kept."""
    shape_costs = {shape: -math.log(prior) for shape, prior in LINK_PRIORS.items()}

    def heard(i, j):
        return {n for n in en[j].sounds if any(sounds_alike(n, h) for h in ko[i].sounds)}

    def cost(i0, i1, j0, j1):
        total = shape_costs[(i1 - i0, j1 - j0)]
        if i0 == i1 or j0 == j1:
            return total
        korean, english = plain_merge(ko[i0:i1]), plain_merge(en[j0:j1])
        evidence = length_cost(korean.length, english.length, ratio)
        if korean.sentences != english.sentences:
            evidence += costs.SENTENCE_MISMATCH * abs(korean.sentences - english.sentences)
        if korean.quoted != english.quoted:
            evidence += costs.QUOTE_MISMATCH
        if korean.anchors or english.anchors or korean.words:
            shared_anchors = korean.anchors & english.anchors
            shared_words = len(korean.words & english.words)
            korean_missing = len(korean.firm - shared_anchors) + len(korean.words) - shared_words
            english_missing = len(english.firm - shared_anchors)
            evidence += (
                costs.KOREAN_ANCHOR_MISS * korean_missing
                + costs.ENGLISH_ANCHOR_MISS * english_missing
                - costs.ANCHOR_MATCH_BONUS * (len(shared_anchors) + shared_words)
            )
        if unheard and english.sounds:
            evidence += costs.UNHEARD_NAME * len(english.sounds & unheard)
        if korean.concepts and english.concepts:
            evidence -= costs.LEXICON_MATCH * len(korean.concepts & english.concepts)
        if unrendered:
            evidence += costs.UNRENDERED_TERM * sum(
                len(p.terms & unrendered) for p in ko[i0:i1] + en[j0:j1]
            )
        if english.sounds and korean.sounds:
            names = set().union(*(heard(i, j) for i in range(i0, i1) for j in range(j0, j1)))
            evidence -= costs.NAME_MATCH_BONUS * len(names)
        return total + evidence

    return cost


def document_features(ko_texts, en_texts):
    """The features, ratio and document-wide evidence, as reviews.alignment._align_texts
    makes them."""
    common = frozenset(re.findall(r"\b[a-z]+\b", " ".join(en_texts)))
    ko = [korean_paragraph(text) for text in ko_texts]
    en = [english_paragraph(text, common) for text in en_texts]
    ratio = document_ratio([p.length for p in ko], [p.length for p in en])
    unheard = unheard_names("\n".join(ko_texts), english_names(en_texts, common))
    unrendered = unrendered_terms("\n".join(ko_texts), "\n".join(en_texts))
    ko, unheard_loans = add_loanwords(ko_texts, en_texts, ko)
    unrendered = confined_terms(unrendered | unheard_loans, ko + en)
    return ko, en, ratio, unheard, unrendered


def every_link(n, m):
    for i1 in range(n + 1):
        for j1 in range(m + 1):
            for di, dj in LINK_PRIORS:
                if i1 - di >= 0 and j1 - dj >= 0:
                    yield i1 - di, i1, j1 - dj, j1


def test_the_link_costs_on_bits_give_the_same_floats_as_on_sets():
    """make_link_cost holds each paragraph's sets as bits: every link of the demo, and of
    pieces of it with paragraphs dropped, doubled and swapped (names, figures, lexicon words
    and unrendered words on one side), costs exactly what the set-based cost gives."""
    korean, english = demo_paragraphs()
    rng = random.Random(11)
    for trial in range(8):
        ko_texts = [p for p in korean if trial == 0 or rng.random() > 0.2]
        en_texts = [p for p in english if trial == 0 or rng.random() > 0.2]
        if trial:
            en_texts = en_texts + rng.sample(en_texts, 2)
            ko_texts.insert(rng.randrange(len(ko_texts)), rng.choice(korean))
        ko, en, ratio, unheard, unrendered = document_features(ko_texts, en_texts)
        if trial == 0:
            # The demo exercises every term of the cost.
            assert unrendered and any(p.sounds for p in en) and any(p.concepts for p in ko)
        for extra in ((frozenset(), frozenset()), (unheard, unrendered)):
            fast = make_link_cost(ko, en, ratio, unheard=extra[0], unrendered=extra[1])
            plain = plain_link_cost(ko, en, ratio, unheard=extra[0], unrendered=extra[1])
            for link in every_link(len(ko), len(en)):
                assert fast(*link) == plain(*link), link


def plain_search(n, m, link_cost, band, shapes):
    lows = [low for low, _ in band]
    highs = [high for _, high in band]
    best = [[INFINITY] * (high - low + 1) for low, high in band]
    forward = [[INFINITY] * (high - low + 1) for low, high in band]
    back = [[None] * (high - low + 1) for low, high in band]
    best[0][0 - lows[0]] = 0.0
    forward[0][0 - lows[0]] = 0.0
    for i in range(n + 1):
        low = lows[i]
        for j in range(low, highs[i] + 1):
            best_cost, best_shape, soft_cost = INFINITY, None, INFINITY
            for di, dj in shapes:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or pj < lows[pi] or pj > highs[pi]:
                    continue
                start = best[pi][pj - lows[pi]]
                if start == INFINITY:
                    continue
                cost = link_cost(pi, i, pj, j)
                if start + cost < best_cost:
                    best_cost, best_shape = start + cost, (di, dj)
                soft_cost = _add_costs(soft_cost, forward[pi][pj - lows[pi]] + cost)
            if best_shape is not None:
                best[i][j - low] = best_cost
                back[i][j - low] = best_shape
                forward[i][j - low] = soft_cost
    backward = [[INFINITY] * (high - low + 1) for low, high in band]
    backward[n][m - lows[n]] = 0.0
    for i in range(n, -1, -1):
        low = lows[i]
        for j in range(highs[i], low - 1, -1):
            remaining = backward[i][j - low]
            if remaining == INFINITY or back[i][j - low] is None:
                continue
            for di, dj in shapes:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or pj < lows[pi] or pj > highs[pi]:
                    continue
                if forward[pi][pj - lows[pi]] == INFINITY:
                    continue
                row, index = backward[pi], pj - lows[pi]
                row[index] = _add_costs(row[index], remaining + link_cost(pi, i, pj, j))
    path = []
    i, j = n, m
    while i or j:
        di, dj = back[i][j - lows[i]]
        path.append((i - di, j - dj, i, j))
        i, j = i - di, j - dj
    path.reverse()
    return path, forward, backward, forward[n][m - lows[n]]


def test_the_search_gives_the_same_floats():
    korean, english = demo_paragraphs()
    rng = random.Random(7)
    for trial in range(12):
        # The demo, then pieces of it with paragraphs dropped, doubled and shuffled nearby.
        ko = [p for p in korean if trial == 0 or rng.random() > 0.15]
        en = [p for p in english if trial == 0 or rng.random() > 0.15]
        if trial:
            en = en + rng.sample(en, 2)
        ko_features = [korean_paragraph(text) for text in ko]
        en_features = [english_paragraph(text) for text in en]
        ratio = document_ratio([p.length for p in ko_features], [p.length for p in en_features])
        cost = make_link_cost(ko_features, en_features, ratio)
        n, m = len(ko), len(en)
        guide = [(round(i * m / n), round(i * m / n)) for i in range(n + 1)]
        for width in (1, 3, m):
            band = _band_around(guide, n, m, width)
            fast = _search(n, m, cost, band, list(LINK_PRIORS))
            slow = plain_search(n, m, cost, band, list(LINK_PRIORS))
            assert repr(fast) == repr(slow)
            assert not math.isinf(fast[3])


def match_list(pattern, text):
    return [(match.span(), match.groups()) for match in pattern.finditer(text)]


def test_the_patterns_that_open_with_their_first_character_match_as_before():
    """SENTENCE_END and ENGLISH_FIGURE were written to open with a character class (re then
    skips to the characters that can start a match): each finds the same spans and groups as
    the pattern it replaced, on the demo and on random text of the characters they read."""
    plain_end = re.compile(r"(?:\.{2,}|[.!?…。]+)(?:[\"'”’»」』)\]]|\s+[”’»」』])*(?=\s|$)")
    plain_figure = re.compile(
        rf"(?<![\d.,])({numbers.DIGITS})(?:st|nd|rd|th|s)?(?:\s?-?(hundred|thousand|million|"
        rf"billion|trillion|mn|bn|tn)\b)?"
    )
    korean, english = demo_paragraphs()
    rng = random.Random(5)
    pieces = [*".!?…。,'\"”’»」』)] \n\t0123456789", "a", "B", "가", "٣", " million", "th", "..."]
    texts = korean + english
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    for text in texts:
        assert match_list(sentences.SENTENCE_END, text) == match_list(plain_end, text), text
        assert match_list(numbers.ENGLISH_FIGURE, text) == match_list(plain_figure, text), text


def test_number_words_grouped_by_first_letter_match_as_the_plain_alternation():
    plain = re.compile(
        numbers.ENGLISH_WORD_NUMBER.pattern.replace(
            numbers.SPELLED, "|".join(numbers.SPELLED_WORDS), 1
        ),
        re.IGNORECASE,
    )
    assert plain.pattern != numbers.ENGLISH_WORD_NUMBER.pattern
    rng = random.Random(9)
    korean, english = demo_paragraphs()
    words = [*numbers.SPELLED_WORDS, "a", "hundred", "dozen", "fold", "-", " ", "the", "s"]
    texts = [target for _, target in random_rows(rng, korean, english, 400)]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    for text in texts:
        for candidate in (text, text.upper(), text.lower()):
            assert match_list(numbers.ENGLISH_WORD_NUMBER, candidate) == match_list(
                plain, candidate
            ), candidate
            lowered = caseless.lowered(candidate)
            assert match_list(numbers.LOWER_WORD_NUMBER, lowered) == match_list(plain, lowered)


def test_month_names_grouped_by_first_letter_match_as_the_plain_alternation():
    plain_names = "|".join(numbers.MONTH_WORDS)
    assert plain_names != numbers.MONTH_NAMES
    patterns = [
        (pattern, re.compile(pattern.pattern.replace(numbers.MONTH_NAMES, plain_names)))
        for pattern in (numbers.ENGLISH_DATE, numbers.ENGLISH_LONE_MONTH, numbers.ENGLISH_DATELINE)
    ]
    rng = random.Random(13)
    korean, english = demo_paragraphs()
    words = [*numbers.MONTH_WORDS, "May", "Mayor", "Sept.", "5", "12th", "of", "2019", ",", "."]
    words += ["SEOUL,", "(Yonhap)", "--", "the"]
    texts = [target for _, target in random_rows(rng, korean, english, 400)]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    for text in texts:
        for grouped, plain in patterns:
            assert match_list(grouped, text) == match_list(plain, text), text
