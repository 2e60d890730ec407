"""What marking the glossary's terms costs: 2,000 terms against a 400-row document.

Compares the way the page does it (terms looked up word by word in dicts built once per
glossary version, then find_term on the few candidates) with the naive way (find_term for
every term on every row), then times the whole document page with and without the
glossary, in a scratch SQLite database (or DATABASE_URL).

    .venv/bin/python bench/glossary.py
"""

import random
import statistics
import time

import _setup  # noqa: F401 (sets Django up on import, before anything of Django's)
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reviews import glossary, workflow
from reviews.glossary_marks import build_matcher, term_matcher
from reviews.importing import create_document
from reviews.korean import find_term
from reviews.models import GlossaryChange, GlossaryTerm
from reviews.templatetags.marks import glossary_marks, render_marks
from tests.korean_corpus import SUBJECTS, TOPICS, paragraph

TERMS, ROWS, RUNS = 2_000, 400, 9
SYLLABLES = [chr(code) for code in range(0xAC00, 0xAC00 + 11172, 37)]


def glossary_terms(rng, size=TERMS):
    """The corpus's own nouns (so terms are found) plus made-up words up to 2,000."""
    nouns = {word.split()[0].rstrip("은는을를") for word in SUBJECTS + TOPICS}
    terms = {(noun, f"term {noun}") for noun in nouns}
    while len(terms) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5)))
        terms.add((word, f"made-up {len(terms)}"))
    return sorted(terms)


def person(username, group):
    user, _ = User.objects.get_or_create(
        username=username, defaults={"password": make_password(None)}
    )
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def median_ms(action, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    rng = random.Random(5)
    call_command("migrate", verbosity=0)
    terms = glossary_terms(rng)
    texts = [paragraph(rng) for _ in range(ROWS)]

    build = median_ms(lambda: build_matcher((1, None), terms))
    matcher = build_matcher((1, None), terms)
    trie = median_ms(
        lambda: [render_marks(text, glossary_marks(matcher, text, "t")) for text in texts]
    )
    marks = sum(len(matcher.spans(text)) for text in texts)

    def naive():
        return [[find_term(text, korean) for korean, _ in terms] for text in texts]

    plain = median_ms(naive, runs=1)
    # The same rows against ten times the glossary: the cost should not move.
    big = glossary_terms(rng, 20_000)
    big_matcher = build_matcher((2, None), big)
    tenfold = median_ms(
        lambda: [render_marks(text, glossary_marks(big_matcher, text, "t")) for text in texts]
    )
    print(f"{len(terms):,} terms x {ROWS} rows ({sum(map(len, texts)):,} Korean characters)")
    print(f"  compile the matcher (once per glossary version): {build:8.1f} ms")
    print(f"  mark all rows, word lookups + find_term:        {trie:8.1f} ms ({marks} marks)")
    print(f"  naive, find_term for every term on every row:    {plain:8.1f} ms")
    print(f"  mark all rows against {len(big):,} terms:            {tenfold:8.1f} ms")

    translator, editor = person("bench-mina", "translator"), person("bench-daniel", "editor")
    manager = person("bench-jiwon", "manager")
    GlossaryTerm.objects.all().delete()
    GlossaryChange.objects.all().delete()
    document = create_document(
        title="Glossary bench",
        source_paragraphs=texts,
        target_paragraphs=[f"Paragraph {n}." for n in range(ROWS)],
        created_by=translator,
        translator=translator,
        editor=editor,
    )
    workflow.take_transition(manager, "confirm_pairing", document)
    client = Client()
    client.force_login(translator)
    url = document.get_absolute_url()

    def page():
        assert client.get(url).status_code == 200

    page()
    empty = median_ms(page)
    for korean, english in terms[:-1]:
        GlossaryTerm.objects.create(korean=korean, english=english)
    glossary.add_term(editor, korean=terms[-1][0], english=terms[-1][1])  # one logged change
    start = time.perf_counter()
    term_matcher()
    first = (time.perf_counter() - start) * 1000
    full = median_ms(page)
    with CaptureQueriesContext(connection) as queries:
        page()
    rows = document.paragraphs.count()
    print(f"document page, {rows} rows ({connection.vendor}), median of {RUNS}:")
    print(f"  no glossary:        {empty:8.1f} ms")
    print(f"  {len(terms):,} terms:        {full:8.1f} ms ({len(queries)} queries)")
    print(f"  first view after a glossary change also loads and compiles: {first:.1f} ms")


if __name__ == "__main__":
    main()
