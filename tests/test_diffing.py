"""reviews.diffing: word diffs, track-changes HTML, edit rates, three-way merge."""

import html
import re
import time
from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from reviews import diffing
from reviews.diffing import (
    MAX_PARAGRAPH_CHARS,
    TextTooLong,
    check_length,
    diff_words,
    edit_distance_words,
    edit_rate,
    rebase,
    render_diff,
    tokenize,
    word_count,
)

ENGLISH_WORDS = ["the", "overall", "key", "plan", "budget", "city", "council", "won", "don't"]
KOREAN_WORDS = ["정부는", "예산을", "크게", "늘렸다", "서울시", "의회", "내년", "복지"]
PUNCTUATION = [",", ".", "!", "?", "%", "'", '"', "&", "<", ">", "(", ")"]
SPACES = [" ", "  ", "\n", "\t"]


def texts(words):
    piece = st.one_of(
        st.sampled_from(words),
        st.sampled_from(words),
        st.sampled_from(PUNCTUATION),
        st.sampled_from(SPACES),
    )
    return st.lists(piece, max_size=40).map("".join)


english = texts(ENGLISH_WORDS)
korean = texts(KOREAN_WORDS)
mixed = texts(ENGLISH_WORDS + KOREAN_WORDS)
anything = st.text(max_size=80)
any_text = st.one_of(english, korean, mixed, anything)


def rebuild(ops):
    old = "".join(text for op, text in ops if op != 1)
    new = "".join(text for op, text in ops if op != -1)
    return old, new


class DiffHTMLParser(HTMLParser):
    """Collects text by kind (equal / deleted / inserted), dropping the hidden labels."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.tags = []
        self.old = []
        self.new = []
        self.labels = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self.stack.append((tag, dict(attrs).get("class")))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag
        self.stack.pop()

    def handle_data(self, data):
        classes = [cls for _, cls in self.stack]
        if "visually-hidden" in classes:
            self.labels.append(data)
            return
        kinds = [tag for tag, _ in self.stack if tag in ("del", "ins")]
        if "del" not in kinds:
            self.new.append(data)
        if "ins" not in kinds:
            self.old.append(data)


def parse(markup):
    parser = DiffHTMLParser()
    parser.feed(markup)
    parser.close()
    assert parser.stack == []
    return parser


def token_ops_are_whole_tokens(old, new, ops):
    """Every boundary between ops is a token boundary in the text it belongs to."""
    old_bounds = {0}
    new_bounds = {0}
    for tokens, bounds in ((tokenize(old), old_bounds), (tokenize(new), new_bounds)):
        pos = 0
        for token in tokens:
            pos += len(token)
            bounds.add(pos)
    old_pos = new_pos = 0
    for op, text in ops:
        if op != 1:
            old_pos += len(text)
            if old_pos not in old_bounds:
                return False
        if op != -1:
            new_pos += len(text)
            if new_pos not in new_bounds:
                return False
    return True


# --------------------------------------------------------------------------- length


def test_check_length_allows_the_limit():
    check_length("가" * MAX_PARAGRAPH_CHARS)


def test_check_length_rejects_one_more_with_a_readable_message():
    with pytest.raises(TextTooLong) as excinfo:
        check_length("a" * (MAX_PARAGRAPH_CHARS + 1))
    assert str(excinfo.value) == "This paragraph is 10,001 characters long; the limit is 10,000."
    assert isinstance(excinfo.value, ValueError)
    assert str(TextTooLong(12_345)) == (
        "This paragraph is 12,345 characters long; the limit is 10,000."
    )


def long_paragraph(seed_words, n_chars, shift):
    words = []
    length = 0
    i = 0
    while length < n_chars:
        word = seed_words[(i * 7 + shift * (i % 5)) % len(seed_words)] + str(i % 97)
        words.append(word)
        length += len(word) + 1
        i += 1
    return " ".join(words)[:n_chars]


@pytest.mark.parametrize("vocabulary", [ENGLISH_WORDS, KOREAN_WORDS])
def test_diff_of_two_different_10000_char_paragraphs_completes(vocabulary):
    old = long_paragraph(vocabulary, MAX_PARAGRAPH_CHARS, 0)
    new = long_paragraph(vocabulary, MAX_PARAGRAPH_CHARS, 3)
    check_length(old)
    check_length(new)
    started = time.perf_counter()
    ops = diff_words(old, new)
    elapsed = time.perf_counter() - started
    assert rebuild(ops) == (old, new)
    # diff_main stops refining after DIFF_TIMEOUT_SECONDS; the rest is linear work.
    assert elapsed < diffing.DIFF_TIMEOUT_SECONDS + 3
    render_diff(ops)
    edit_rate([ops])


def test_long_unrelated_texts_and_rebase_complete():
    old = long_paragraph(ENGLISH_WORDS, MAX_PARAGRAPH_CHARS, 0)
    new = long_paragraph(KOREAN_WORDS, MAX_PARAGRAPH_CHARS, 1)
    assert rebuild(diff_words(old, new)) == (old, new)
    mine = old.replace("plan", "scheme", 1)
    theirs = old[:-200] + " appended"
    started = time.perf_counter()
    merged = rebase(old, mine, theirs)
    assert time.perf_counter() - started < 5
    assert merged == mine[:-200] + " appended"


def test_too_many_distinct_tokens_falls_back_to_a_character_diff(monkeypatch):
    monkeypatch.setattr(diffing, "MAX_DISTINCT_TOKENS", 3)
    old, new = "alpha beta gamma delta", "alpha beta gamma epsilon"
    ops = diff_words(old, new)
    assert rebuild(ops) == (old, new)


# --------------------------------------------------------------------------- diff_words


def test_word_level_replacement():
    assert diff_words("The overall plan", "The key plan") == [
        (0, "The "),
        (-1, "overall"),
        (1, "key"),
        (0, " plan"),
    ]


def test_no_partial_words_even_when_they_share_letters():
    assert diff_words("a cat sat", "a category sat") == [
        (0, "a "),
        (-1, "cat"),
        (1, "category"),
        (0, " sat"),
    ]


def test_korean_insertion_is_one_whole_word_and_its_space():
    assert diff_words("정부는 예산을 늘렸다", "정부는 예산을 크게 늘렸다") == [
        (0, "정부는 예산을 "),
        (1, "크게 "),
        (0, "늘렸다"),
    ]


def test_korean_particle_change_replaces_the_whole_eojeol():
    assert diff_words("정부는 예산을 늘렸다", "정부가 예산을 늘렸다") == [
        (-1, "정부는"),
        (1, "정부가"),
        (0, " 예산을 늘렸다"),
    ]


def test_semantic_cleanup_groups_neighbouring_word_changes():
    assert diff_words("The quick brown fox jumps", "A slow red fox jumps") == [
        (-1, "The quick brown"),
        (1, "A slow red"),
        (0, " fox jumps"),
    ]


def test_identical_and_empty():
    assert diff_words("", "") == []
    assert diff_words("same", "same") == [(0, "same")]
    assert diff_words("", "new words") == [(1, "new words")]
    assert diff_words("old words", "") == [(-1, "old words")]


def test_tokenizer_keeps_contractions_numbers_and_combining_marks_together():
    assert tokenize("Korea's 1,000.5 won, don't cafe\u0301!") == [
        "Korea's",
        " ",
        "1,000.5",
        " ",
        "won",
        ",",
        " ",
        "don't",
        " ",
        "cafe\u0301",
        "!",
    ]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(old=any_text, new=any_text)
def test_diff_words_rebuilds_both_texts(old, new):
    ops = diff_words(old, new)
    assert rebuild(ops) == (old, new)
    assert all(op in (-1, 0, 1) and text for op, text in ops)
    # normalised: no two neighbouring ops of the same kind, deletion before insertion
    for (op1, _), (op2, _) in zip(ops, ops[1:], strict=False):
        assert op1 != op2
        assert (op1, op2) != (1, -1)
    assert token_ops_are_whole_tokens(old, new, ops)


@settings(max_examples=200)
@given(old=st.one_of(english, korean, mixed), new=st.one_of(english, korean, mixed))
def test_diff_words_same_text_in_same_vocabulary(old, new):
    ops = diff_words(old, new)
    assert rebuild(ops) == (old, new)
    assert token_ops_are_whole_tokens(old, new, ops)


# --------------------------------------------------------------------------- render_diff

NASTY = "<script>alert(1)</script> & \"quoted\" 'single'"


def test_render_escapes_equal_deleted_and_inserted_text():
    ops = [(0, NASTY), (-1, NASTY + " old"), (1, NASTY + " new"), (0, "&amp;")]
    markup = render_diff(ops)
    assert "<script" not in markup
    assert "</script" not in markup
    assert '"quoted"' not in markup
    assert "'single'" not in markup
    assert "&amp;amp;" in markup  # equal text that looks like an entity is escaped too
    assert re.search(r"&(?!(amp|lt|gt|quot|#x27);)", markup) is None
    tags = re.findall(r"<(/?)([a-zA-Z]+)([^>]*)>", markup)
    assert tags
    for closing, name, attrs in tags:
        assert name in ("del", "ins", "span")
        if closing:
            assert attrs == ""
        else:
            assert re.fullmatch(r' class="[a-z-]+"', attrs), attrs
    assert "style" not in markup


def test_render_shape():
    markup = render_diff(diff_words("The overall plan", "The key plan"))
    assert markup == (
        "The "
        '<del class="diff-del"><span class="visually-hidden">deleted: </span>overall'
        '<span class="visually-hidden"> (end deleted)</span></del>'
        '<ins class="diff-ins"><span class="visually-hidden">inserted: </span>key'
        '<span class="visually-hidden"> (end inserted)</span></ins>'
        " plan"
    )


def test_render_rejects_unknown_ops():
    with pytest.raises(ValueError):
        render_diff([(2, "x")])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(old=any_text, new=any_text)
def test_rendered_html_rebuilds_both_texts(old, new):
    ops = diff_words(old, new)
    markup = render_diff(ops)
    parser = parse(markup)
    assert "".join(parser.old) == old
    assert "".join(parser.new) == new
    assert {tag for tag, _ in parser.tags} <= {"del", "ins", "span"}
    for _, attrs in parser.tags:
        assert [name for name, _ in attrs] == ["class"]
    changes = sum(1 for op, _ in ops if op != 0)
    assert len(parser.labels) == 2 * changes


@given(text=anything)
def test_render_equal_text_is_just_escaped(text):
    assert render_diff([(0, text)]) == html.escape(text, quote=True)


# --------------------------------------------------------------------------- edit rates


def test_word_count():
    assert word_count("") == 0
    assert word_count("  , . !") == 0
    assert word_count("The key plan.") == 3
    assert word_count("Korea's budget: 1,000.5 won") == 4
    assert word_count("정부는 예산을 크게 늘렸다.") == 4
    # A token of combining marks alone is no word; one decorating letters is part of them.
    assert word_count("cafe\u0301 \u0301\u0300 ok") == 2


@given(st.text(alphabet=st.sampled_from(list("ab 가1\n\t.,'’!_-é") + ["\u0301", "\u1ab0"])))
@example("1.5 \u0301 don’t")
def test_word_count_counts_the_word_tokens_of_tokenize(text):
    # word_count scans for words only; tokenising everything is the definition it keeps.
    assert word_count(text) == sum(1 for token in tokenize(text) if diffing._is_word(token))


@pytest.mark.parametrize(
    ("old", "new", "distance", "rate"),
    [
        ("The overall plan", "The key plan", 1, 1 / 3),
        ("The overall plan", "The overall plan", 0, 0.0),
        ("The quick brown fox jumps", "A slow red fox jumps", 3, 3 / 5),
        # one word deleted, one inserted elsewhere: two runs of one word each
        ("one two three four", "one three four five", 2, 2 / 4),
        # punctuation and spacing only: no words changed
        ("The plan, said Kim.", "The plan said Kim!", 0, 0.0),
        ("정부는 예산을 늘렸다", "정부는 예산을 크게 늘렸다", 1, 1 / 4),
        ("정부는 예산을 늘렸다", "정부가 예산을 줄였다", 2, 2 / 3),
        # replacing 2 words by 4 counts 4, of the 10 words of the larger text
        ("a b c d e f g h", "a x y z w d e f g h", 4, 4 / 10),
        # more inserted than there was: over the larger text's words, never past 1.0
        ("Yes.", "Yes, the council approved it today.", 5, 5 / 6),
        ("One two three.", "The council approved a larger budget for the city next year.", 11, 1.0),
        ("", "brand new text", 3, 1.0),
        ("all gone", "", 2, 1.0),
    ],
)
def test_edit_distance_and_rate(old, new, distance, rate):
    ops = diff_words(old, new)
    assert edit_distance_words(ops) == distance
    result = edit_rate([ops])
    assert result.changed / result.words == pytest.approx(rate)


def test_edit_rate_adds_paragraphs_up_by_size():
    unchanged = [(0, "Four words stay here.")]
    rewritten = diff_words("One two three.", "Six new words in this one.")
    assert edit_rate([unchanged, rewritten]) == (6, 10)
    assert edit_rate([unchanged, rewritten]).percent == 60.0
    assert edit_rate([]).percent == 0.0


@given(old=any_text, new=any_text)
def test_edit_rate_bounds(old, new):
    result = edit_rate([diff_words(old, new)])
    assert 0 <= result.changed <= result.words
    assert 0.0 <= result.percent <= 100.0
    if old == new:
        assert result.changed == 0


# --------------------------------------------------------------------------- rebase

BASE = "The council passed the overall budget on Monday, officials said."


def test_rebase_trivial_cases():
    mine = BASE.replace("Monday", "Tuesday")
    assert rebase(BASE, mine, mine) == mine
    assert rebase(BASE, BASE, mine) == mine
    assert rebase(BASE, mine, BASE) == mine
    assert rebase(BASE, BASE, BASE) == BASE


def test_rebase_merges_disjoint_edits():
    mine = "The council passed the key budget on Monday, officials said."
    theirs = "The council passed the overall budget on Tuesday, officials said."
    assert rebase(BASE, mine, theirs) == (
        "The council passed the key budget on Tuesday, officials said."
    )
    assert rebase(BASE, theirs, mine) == rebase(BASE, mine, theirs)


def test_rebase_merges_disjoint_korean_edits():
    base = "정부는 내년 예산을 늘렸다고 밝혔다"
    mine = "정부는 내년 예산을 크게 늘렸다고 밝혔다"
    theirs = "정부가 내년 예산을 늘렸다고 밝혔다"
    assert rebase(base, mine, theirs) == "정부가 내년 예산을 크게 늘렸다고 밝혔다"


def test_rebase_merges_a_deletion_and_an_insertion_far_apart():
    mine = "The council passed the budget on Monday, officials said."
    theirs = "The council passed the overall budget on Monday, officials said on Tuesday."
    assert rebase(BASE, mine, theirs) == (
        "The council passed the budget on Monday, officials said on Tuesday."
    )


def test_rebase_same_word_edited_differently_conflicts():
    mine = BASE.replace("overall", "key")
    theirs = BASE.replace("overall", "total")
    assert rebase(BASE, mine, theirs) is None
    # the garbling that patch_apply produced in this project must be impossible
    assert rebase("The overall plan", "The key plan", "The ovarall plan") is None


def test_rebase_same_word_edited_identically_plus_other_edits_merges():
    mine = BASE.replace("overall", "key").replace("Monday", "Tuesday")
    theirs = BASE.replace("overall", "key").replace("officials", "aides")
    assert rebase(BASE, mine, theirs) == (
        "The council passed the key budget on Tuesday, aides said."
    )


def test_rebase_insertions_at_the_same_spot_conflict():
    mine = BASE.replace("the overall", "the new overall")
    theirs = BASE.replace("the overall", "the big overall")
    assert rebase(BASE, mine, theirs) is None


def test_rebase_insertion_at_the_edge_of_a_replacement_conflicts():
    # "annual " is inserted right where theirs' replaced range "budget" starts
    mine = BASE.replace("overall budget", "overall annual budget")
    theirs = BASE.replace("budget", "plan")
    assert rebase(BASE, mine, theirs) is None
    # "," is inserted right where theirs' replaced range "overall" ends
    mine = BASE.replace("overall budget", "overall, budget")
    theirs = BASE.replace("overall", "total")
    assert rebase(BASE, mine, theirs) is None


def test_rebase_edits_separated_by_one_unchanged_space_merge():
    # the insertion lands before "budget"; theirs' "overall" -> "total" ends before the space
    mine = BASE.replace("overall budget", "overall annual budget")
    theirs = BASE.replace("overall", "total")
    assert rebase(BASE, mine, theirs) == BASE.replace("overall budget", "total annual budget")


def test_rebase_deletion_overlapping_replacement_conflicts():
    mine = BASE.replace("the overall budget ", "")
    theirs = BASE.replace("budget", "plan")
    assert rebase(BASE, mine, theirs) is None


# Constructed edits. Base words are unique ("w0", "w1", ...); mine's new words come from
# one pool and theirs' from another, so no diff can align a new word with an old one.


@st.composite
def base_words(draw):
    n = draw(st.integers(min_value=3, max_value=14))
    words = [f"w{i}" for i in range(n)]
    separators = draw(
        st.lists(st.sampled_from([" ", ", ", ". ", " - ", "  "]), min_size=n - 1, max_size=n - 1)
    )
    return words, separators


def join(words, separators):
    out = [words[0]] if words else []
    for word, sep in zip(words[1:], separators, strict=False):
        out.append(sep + word)
    return "".join(out)


def edit(words, separators, start, end, replacement):
    """Replace words[start:end] (and the separators between them) by ``replacement``
    (new words joined by single spaces), keeping the separators around the region."""
    left = join(words[:start], separators[: max(start - 1, 0)])
    right = join(words[end:], separators[end:])
    middle = " ".join(replacement)

    def sep(i):
        return separators[i] if 0 <= i < len(separators) else " "

    if not left:
        return middle + (sep(end - 1) if middle and right else "") + right
    if not right:
        return left + (sep(start - 1) if middle else "") + middle
    if not middle:
        return left + sep(start - 1) + right
    return left + sep(start - 1) + middle + sep(max(end - 1, start - 1)) + right


mine_pool = st.lists(st.sampled_from(["m0", "m1", "m2", "중요한", "key"]), max_size=3)
theirs_pool = st.lists(st.sampled_from(["t0", "t1", "t2", "새로운", "total"]), max_size=3)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), base=base_words(), mine_new=mine_pool, theirs_new=theirs_pool)
def test_rebase_separated_edits_merge_exactly(data, base, mine_new, theirs_new):
    words, seps = base
    n = len(words)
    # mine edits words [a, b), theirs edits [c, d), with at least one untouched word
    # between the regions (b < c): the edits are separated by construction.
    a = data.draw(st.integers(0, n - 2))
    b = data.draw(st.integers(a, n - 2))
    c = data.draw(st.integers(b + 1, n - 1))
    d = data.draw(st.integers(c, n))
    assume(a < b or mine_new)
    assume(c < d or theirs_new)
    base_text = join(words, seps)
    mine = edit(words, seps, a, b, mine_new)
    theirs = edit(words, seps, c, d, theirs_new)
    assume(mine != base_text and theirs != base_text)
    # expected: both regions replaced; build it by editing the right-hand region first
    both_words = words[:a] + mine_new + words[b:c] + theirs_new + words[d:]
    merged = rebase(base_text, mine, theirs)
    assert merged is not None
    assert [t for t in tokenize(merged) if diffing._is_word(t)] == both_words
    # the exact text: the left part from mine, the right part from theirs, split at the
    # untouched word w{b} which both keep
    pivot = words[b]
    mine_left = mine[: re.search(rf"\b{pivot}\b", mine).start()]
    theirs_right = theirs[re.search(rf"\b{pivot}\b", theirs).start() :]
    assert merged == mine_left + theirs_right
    assert rebase(base_text, theirs, mine) == merged


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), base=base_words(), mine_new=mine_pool, theirs_new=theirs_pool)
def test_rebase_overlapping_edits_conflict(data, base, mine_new, theirs_new):
    words, seps = base
    n = len(words)
    # both regions contain word k: both sides replace or delete it
    k = data.draw(st.integers(0, n - 1))
    a = data.draw(st.integers(0, k))
    b = data.draw(st.integers(k + 1, n))
    c = data.draw(st.integers(0, k))
    d = data.draw(st.integers(k + 1, n))
    assume(mine_new or theirs_new)  # two pure deletions of the same words may be identical
    base_text = join(words, seps)
    mine = edit(words, seps, a, b, mine_new)
    theirs = edit(words, seps, c, d, theirs_new)
    assert mine != theirs
    assert rebase(base_text, mine, theirs) is None
    assert rebase(base_text, theirs, mine) is None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), base=base_words(), mine_new=mine_pool, theirs_new=theirs_pool)
def test_rebase_insertions_at_the_same_word_boundary_conflict(data, base, mine_new, theirs_new):
    words, seps = base
    k = data.draw(st.integers(1, len(words) - 1))
    assume(mine_new and theirs_new)
    base_text = join(words, seps)
    mine = edit(words, seps, k, k, mine_new)
    theirs = edit(words, seps, k, k, theirs_new)
    assert rebase(base_text, mine, theirs) is None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(base=mixed, mine=mixed, theirs=mixed)
@example(base="!", mine="the!!", theirs="!the")
@example(base="!", mine="the!", theirs="!!")
def test_rebase_random_texts_merge_or_refuse_consistently(base, mine, theirs):
    merged = rebase(base, mine, theirs)
    assert rebase(base, theirs, mine) == merged
    if mine in (theirs, base):
        assert merged == theirs
    elif theirs == base:
        assert merged == mine
    # Merging a side into the result again is not asked for: the diff may read the side's
    # change at another place of the result and apply it twice ("overall" -> "total" merged
    # with "overall annual budget" gives "total annual budget", and merging "overall annual
    # budget" into that again gives "total annual annual budget"; hypothesis found the same
    # with "!" -> "!!" and "the!" in 2026-12). A save meets that only when it was sent twice
    # and someone else changed the row in between: a known limit, not what this tests.


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    base=st.lists(st.sampled_from(ENGLISH_WORDS + KOREAN_WORDS), min_size=2, max_size=20),
)
def test_rebase_random_token_edits_merge_to_the_union_of_changes(data, base):
    """For random edits of a base, a merge contains each side's changes: the merged text
    with their changes undone is mine, and with mine undone is theirs."""
    seps = [" "] * (len(base) - 1)

    def random_edit(pool):
        i = data.draw(st.integers(0, len(base)))
        j = data.draw(st.integers(i, len(base)))
        new = data.draw(st.lists(st.sampled_from(pool), max_size=3))
        return i, j, new

    i1, j1, new1 = random_edit(["m0", "m1"])
    i2, j2, new2 = random_edit(["t0", "t1"])
    base_text = join(base, seps)
    mine = edit(base, seps, i1, j1, new1)
    theirs = edit(base, seps, i2, j2, new2)
    # Identical texts are one change by rule (tested above); with repeated words, two
    # different edits can produce the same text, and then there is no union to check.
    assume(mine != theirs)
    merged = rebase(base_text, mine, theirs)
    assert rebase(base_text, theirs, mine) == merged
    if merged is None:
        return  # repeated words make alignments ambiguous: refusing is always allowed
    merged_words = Counter(t for t in tokenize(merged) if diffing._is_word(t))
    # each side's new words (from pools disjoint from the base and from each other)
    # are in the merge exactly as often as that side wrote them
    for token in {"m0", "m1"}:
        assert merged_words[token] == new1.count(token)
    for token in {"t0", "t1"}:
        assert merged_words[token] == new2.count(token)
    if i1 < j1 and i2 < j2 and (j1 < i2 or j2 < i1):
        # both replaced something, in separate regions: base words add up
        for word in set(base):
            expected = base.count(word) - base[i1:j1].count(word) - base[i2:j2].count(word)
            assert merged_words[word] == expected
