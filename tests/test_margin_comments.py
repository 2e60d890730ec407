"""Comments beside their row: the margin's cards, the quoted words marked in the text, counts in
words, and marks of several kinds merged into escaped, well-nested HTML."""

import html.parser
import re

import pytest
from django.urls import reverse

from reviews import editing, glossary
from reviews.comments import add_comment, set_resolved
from reviews.models import Paragraph
from reviews.templatetags.marks import (
    FINDING_RANK,
    GLOSSARY_RANK,
    QUOTE_RANK,
    Mark,
    comment_count,
    quote_span,
    render_marks,
)
from tests.conftest import new_document
from tests.hostile import PAYLOADS, assert_inert

HTMX = {"HTTP_HX_REQUEST": "true"}


class Nesting(html.parser.HTMLParser):
    """Fails on a closing tag that does not close the innermost open element; keeps the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parsed(markup):
    checker = Nesting()
    checker.feed(markup)
    checker.close()
    assert checker.open == []
    return "".join(checker.text)


def mark(start, end, rank, name):
    return Mark(start, end, rank, f'<b class="{name}">', "</b>")


def test_marks_that_nest_nest_and_marks_that_overlap_are_split_around_the_outer_one():
    text = "abcdefghij"
    marks = [mark(2, 6, GLOSSARY_RANK, "term"), mark(4, 9, QUOTE_RANK, "quote")]
    out = render_marks(text, marks)
    # The quote (rank 0) stays whole; the term is split where the quote begins.
    assert out == ('ab<b class="term">cd</b><b class="quote"><b class="term">ef</b>ghi</b>j')
    assert parsed(out) == text
    nested = render_marks(text, [mark(1, 9, QUOTE_RANK, "q"), mark(3, 5, FINDING_RANK, "f")])
    assert nested == 'a<b class="q">bc<b class="f">de</b>fghi</b>j'


def test_any_overlap_of_three_kinds_stays_well_nested_and_keeps_every_character():
    import random

    rng = random.Random(14)
    text = "서울시의회 <b>&amp;</b> \"budget\" 'x' 12.3조"
    for _ in range(300):
        marks = []
        for rank in (QUOTE_RANK, QUOTE_RANK, FINDING_RANK, GLOSSARY_RANK):
            start = rng.randrange(-2, len(text))
            marks.append(mark(start, start + rng.randrange(0, 12), rank, f"r{rank}"))
        out = render_marks(text, marks)
        assert parsed(out) == text
        assert "<b>" not in out  # the text's own tags come out as text


def test_a_tooltip_stays_in_the_first_piece_and_a_link_in_the_last():
    term = Mark(0, 4, GLOSSARY_RANK, '<i tabindex="0">', "</i>", again="<i>", first_inside="T")
    quote = Mark(2, 6, QUOTE_RANK, "<q>", "</q>", last_inside="L")
    out = render_marks("abcdef", [term, quote])
    assert out == '<i tabindex="0">abT</i><q><i>cd</i>efL</q>'


def test_a_quote_is_found_across_any_whitespace():
    assert quote_span("passed the\n\nbudget  today", "the budget") == (7, 18)
    assert quote_span("passed", "missing words") is None
    assert quote_span("a (b)+ c", "(b)+") == (2, 6)


@pytest.mark.parametrize(
    ("unresolved", "total", "words"),
    [
        (0, 0, "no comments"),
        (1, 1, "1 open comment"),
        (2, 2, "2 open comments"),
        (1, 4, "1 open comment, 3 resolved"),
        (0, 3, "3 resolved comments"),
        (0, 1, "1 resolved comment"),
    ],
)
def test_counts_say_what_they_count(unresolved, total, words):
    assert comment_count(unresolved, total) == words


@pytest.fixture
def reviewing(people):
    return new_document(people, stage_actions=("confirm_pairing", "submit_for_review"))


def second_row(document):
    return Paragraph.objects.get(document=document, position=1)


def row_html(client, document, row):
    page = client.get(document.get_absolute_url()).content.decode()
    start = page.index(f'id="row-{row.pk}"')
    end = page.find('class="grid-row', start)
    return page[start : end if end != -1 else page.index('id="document-comments"')]


def test_the_margin_shows_open_threads_and_the_text_marks_their_quotes(client, people, reviewing):
    row = second_row(reviewing)
    english = add_comment(
        people.editor, reviewing, "Which session?", paragraph=row,
        quote="plenary session", quote_side="target",
    )  # fmt: skip
    korean = add_comment(
        people.editor, reviewing, "본회의 날짜 확인", paragraph=row,
        quote="본회의를", quote_side="source",
    )  # fmt: skip
    add_comment(people.translator, reviewing, "The 15th.", reply_to=english)
    done = add_comment(people.editor, reviewing, "Old one", paragraph=row, quote="budget",
                       quote_side="target")  # fmt: skip
    set_resolved(people.editor, done, True)
    client.force_login(people.translator)
    page = client.get(reviewing.get_absolute_url()).content.decode()
    assert_inert(page)
    # Button and card count in words.
    assert (
        f'<span id="comment-count-{row.pk}">Comments '
        '<span class="count count-open">2 open comments, 1 resolved</span>'
    ) in page
    assert '<p class="margin-count">2 open comments, 1 resolved</p>' in page
    cards = re.findall(r'<article class="margin-card" id="card-(\d+)"', page)
    assert cards == [str(english.pk), str(korean.pk)]  # the resolved one has no card
    assert "Which session?" in page and "1 reply" in page
    # Each open quote is marked on its side, with a link to its thread; the resolved one is not.
    assert (
        f'<mark class="quote-mark" data-thread="{english.pk}">plenary session'
        f'<a class="quote-link" href="{reverse("paragraph_comments", args=[reviewing.pk, row.pk])}'
        f'#comment-{english.pk}"'
    ) in page
    assert f'<mark class="quote-mark" data-thread="{korean.pk}">본회의를' in page
    assert f'data-thread="{done.pk}"' not in page
    assert "quoted text no longer in the paragraph" not in page


def test_a_quote_the_english_lost_is_said_on_the_card(client, people, reviewing):
    row = second_row(reviewing)
    thread = add_comment(
        people.editor, reviewing, "Check", paragraph=row,
        quote="plenary session", quote_side="target",
    )  # fmt: skip
    text = row.text.replace("plenary session", "full sitting")
    editing.accept_proposal(
        people.editor, editing.save_edit(people.translator, row.pk, text, row.version).pk
    )
    client.force_login(people.editor)
    html = row_html(client, reviewing, row)
    assert "quoted text no longer in the paragraph" in html
    assert f'<mark class="quote-mark" data-thread="{thread.pk}"' not in html


def test_rows_without_comments_say_so_and_have_no_cards(client, people, reviewing):
    client.force_login(people.editor)
    page = client.get(reviewing.get_absolute_url()).content.decode()
    assert page.count('<span class="count visually-hidden">no comments</span>') == 4
    assert 'class="margin-card"' not in page


def test_quotes_glossary_terms_and_findings_overlap_in_well_nested_html(client, people):
    english = ["City council approves 12 trillion won budget",
               "Spending rises 45% on welfare."]  # fmt: skip
    korean = ["시의회, 내년 예산 12조원 확정", "복지 예산은 4.5% 늘어난다."]
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"),
        source=korean, target=english,
    )  # fmt: skip
    glossary.add_term(people.editor, korean="예산", english="budget")
    row = Paragraph.objects.get(document=document, position=1)
    assert any(f.get("target_span") for f in row.findings)  # 45% against 4.5%
    # The quote starts inside the finding's 45% and runs on; on the Korean it cuts the term.
    add_comment(people.editor, document, "Check the figure", paragraph=row,
                quote="5% on", quote_side="target")  # fmt: skip
    add_comment(people.editor, document, "용어", paragraph=row, quote="지 예",
                quote_side="source")  # fmt: skip
    client.force_login(people.editor)
    html = row_html(client, document, row)
    target = re.search(r'<div class="cell-text" id="target-text-\d+">(.*?)</div>', html).group(1)
    assert parsed(target) == english[1]
    assert '<mark class="finding-mark">4</mark><mark class="quote-mark"' in target
    assert '<mark class="finding-mark">5%</mark> on' in target
    source = re.search(r'<div class="cell-text" id="source-text-\d+">(.*?)</div>', html).group(1)
    # The term is cut where the quote ends: its first piece (inside the quote) keeps the focus
    # stop and the tooltip, its second piece is a plain continuation.
    first_piece = r'<mark class="quote-mark"[^>]*>지 <span class="glossary-term" tabindex="0"'
    assert re.search(first_piece, source)
    assert '</mark><span class="glossary-term">산</span>은' in source
    assert source.count('role="tooltip"') == 1
    assert "budget" in source


@pytest.mark.parametrize("name", ["script", "attribute", "img-onerror", "entities"])
def test_hostile_text_in_the_text_the_quote_and_the_comment_stays_text(client, people, name):
    payload = PAYLOADS[name]
    document = new_document(
        people, stage_actions=("confirm_pairing", "submit_for_review"),
        source=[f"{payload} 서울시의회"], target=[f"Before {payload} after"],
    )  # fmt: skip
    row = Paragraph.objects.get(document=document, position=0)
    quoted = " ".join(payload.split())[:40].strip()
    people.editor.first_name = payload[:30]
    people.editor.save()
    add_comment(people.editor, document, payload, paragraph=row, quote=quoted, quote_side="target")
    add_comment(people.editor, document, payload, paragraph=row, quote=quoted, quote_side="source")
    client.force_login(people.translator)
    page = client.get(document.get_absolute_url()).content.decode()
    assert_inert(page, name)
    assert page.count('class="quote-mark"') == 2
    assert page.count('class="margin-card"') == 2
    fragment = client.post(
        reverse("paragraph_comments", args=[document.pk, row.pk]),
        {"body": payload, "quote": quoted, "quote_side": "target"},
        **HTMX,
        HTTP_HX_CURRENT_URL=f"http://testserver{document.get_absolute_url()}",
    ).content.decode()
    assert_inert(fragment, name)
    # Out of band: the English marks both threads that quote it, the Korean its one.
    assert fragment.count('class="quote-mark"') == 3


def test_resolving_from_the_page_takes_the_mark_away_out_of_band(client, people, reviewing):
    row = second_row(reviewing)
    thread = add_comment(people.editor, reviewing, "Which?", paragraph=row,
                         quote="plenary session", quote_side="target")  # fmt: skip
    client.force_login(people.editor)
    response = client.post(
        reverse("resolve_comment", args=[reviewing.pk, thread.pk, "resolve"]),
        **HTMX,
        HTTP_HX_CURRENT_URL=f"http://testserver{reviewing.get_absolute_url()}",
    )
    html = response.content.decode()
    assert f'<div class="cell-text" id="target-text-{row.pk}" hx-swap-oob="true">' in html
    assert 'class="quote-mark"' not in html
    assert '<span class="count">1 resolved comment</span>' in html
    # From the comments page nothing goes out of band.
    set_resolved(people.editor, thread, False)
    response = client.post(
        reverse("resolve_comment", args=[reviewing.pk, thread.pk, "resolve"]), **HTMX
    )
    assert "hx-swap-oob" not in response.content.decode()
