"""Finding a glossary term in Korean: the particle stripper (reviews/korean.py) against Kiwi.

Scores both on tests/data/korean_terms.jsonl (each substring occurrence of the term labelled
a real occurrence or not), and times them. Kiwi is not a dependency of the project: run this
with a Python that has `kiwipiepy` and `kiwipiepy-model` installed to measure it too.

    .venv/bin/python bench/korean_terms.py
    /path/to/venv-with-kiwi/bin/python bench/korean_terms.py
"""

import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviews.korean import find_term  # noqa: E402

CASES = [
    json.loads(line)
    for line in (ROOT / "tests/data/korean_terms.jsonl").read_text(encoding="utf-8").splitlines()
]


def occurrences(text, term):
    start, found = text.find(term), []
    while start != -1:
        found.append(start)
        start = text.find(term, start + 1)
    return found


def score(matcher):
    tp = fp = fn = 0
    wrong = []
    for case in CASES:
        spans = {start for start, _ in matcher(case["text"], case["term"])}
        for start, real in zip(occurrences(case["text"], case["term"]), case["real"], strict=True):
            found = start in spans
            tp += found and real
            fp += found and not real
            fn += real and not found
            if found != real:
                wrong.append(f"{case['term']} in {case['text']}")
    return tp / max(1, tp + fp), tp / max(1, tp + fn), wrong


def timed(matcher, rounds):
    started = time.perf_counter()
    for _ in range(rounds):
        for case in CASES:
            matcher(case["text"], case["term"])
    return (time.perf_counter() - started) / (rounds * len(CASES)) * 1e6


def kiwi_matcher():
    from kiwipiepy import Kiwi

    kiwi = Kiwi()

    def find(text, term):
        tokens = kiwi.tokenize(text)
        wanted = [token.form for token in kiwi.tokenize(term)]
        spans = []
        for i in range(len(tokens) - len(wanted) + 1):
            window = tokens[i : i + len(wanted)]
            if [token.form for token in window] == wanted:
                spans.append((window[0].start, window[-1].start + window[-1].len))
        return spans

    return find


def report(name, matcher, rounds):
    precision, recall, wrong = score(matcher)
    micro = timed(matcher, rounds)
    print(f"{name}: precision {precision:.3f} recall {recall:.3f}, {micro:.1f} µs per call")
    for miss in wrong:
        print(f"   wrong: {miss}")


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


print(f"{len(CASES)} cases, {sum(len(c['real']) for c in CASES)} occurrences")
before = rss_mb()
report("particle stripper", find_term, 200)
try:
    started = time.perf_counter()
    kiwi = kiwi_matcher()
    kiwi("북한은", "북한")
    loaded = time.perf_counter() - started
    print(
        f"Kiwi loaded in {loaded:.2f} s; peak memory {rss_mb() - before:.0f} MB above the stripper"
    )
    report("Kiwi", kiwi, 5)
except ImportError:
    print("Kiwi: not installed in this Python (pip install kiwipiepy kiwipiepy-model)")
