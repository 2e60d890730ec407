"""Time the paragraph aligner and measure its accuracy.

Run from the repository root:

    .venv/bin/python bench/alignment.py

Times align() on synthetic documents (1,000 x 1,000, 100 x 100, and 1,000 x 900
paragraphs, and 1,000 x 1,000 paragraphs of two unrelated documents) built from generated
news sentences, with the peak memory that tracemalloc sees, then scores the aligner on the
evaluation sets in ../shared/data/alignment when they are there (WORKBENCH_SHARED overrides
../shared). Prints one table.
"""

import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviews.alignment import align, align_sentences  # noqa: E402
from reviews.management.commands.align_eval import score  # noqa: E402

DATA = Path(os.environ.get("WORKBENCH_SHARED") or ROOT.parent / "shared") / "data" / "alignment"

CITIES = [("서울시", "Seoul"), ("부산시", "Busan"), ("인천시", "Incheon"), ("대구시", "Daegu")]
PEOPLE = [("김민수", "Kim Min-su"), ("존슨", "Johnson"), ("마리아 로페스", "Maria Lopez")]
GROUPS = [("NATO", "NATO"), ("IMF", "IMF"), ("유엔", "the UN"), ("WHO", "WHO")]


def sentence_pair(rng: random.Random) -> tuple[str, str]:
    """One generated Korean sentence and its English version."""
    city_ko, city_en = rng.choice(CITIES)
    person_ko, person_en = rng.choice(PEOPLE)
    group_ko, group_en = rng.choice(GROUPS)
    year = rng.randint(1990, 2030)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    amount = rng.randint(2, 999)
    percent = rng.randint(1, 99) / 10
    kind = rng.randrange(4)
    if kind == 0:
        return (
            f"{city_ko}는 {year}년 예산을 {amount}억 원 늘리기로 했다고 밝혔다.",
            f"{city_en} said it would raise its {year} budget by {amount * 100} million won.",
        )
    if kind == 1:
        return (
            f"{person_ko} 대변인은 {month}월 {day}일 기자회견에서 {group_ko}의 결정을 환영했다.",
            f"Spokesperson {person_en} welcomed the {group_en} decision at a news conference "
            f"on {MONTHS[month - 1]} {day}.",
        )
    if kind == 2:
        return (
            f"태풍으로 {amount}명이 대피했으며 피해액은 전년보다 {percent}% 늘었다.",
            f"The typhoon forced {amount} people from their homes, and damage rose "
            f"{percent}% on the previous year.",
        )
    return (
        "선거 관리위원회는 투표율이 지난 선거보다 다소 높았다고 전했다.",
        "The election commission said turnout was somewhat higher than at the last vote.",
    )


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def synthetic_document(rng: random.Random, korean_count: int, english_count: int):
    """Korean and English paragraph lists of the given sizes. Each Korean paragraph is 1-3
    generated sentences; its translation is mostly one English paragraph, but sometimes it
    is merged with the next (2-1), split (1-2), dropped (1-0), or joined by an English
    paragraph with no source (0-1), as in the evaluation sets. Random merges or splits of
    English paragraphs then bring the English side to english_count, spread through the
    document, so the true path wanders around the diagonal as real documents do."""
    korean, english = [], []  # English paragraphs as lists of sentences until the end
    for _ in range(korean_count):
        pairs = [sentence_pair(rng) for _ in range(rng.randint(1, 3))]
        korean.append(" ".join(ko for ko, _ in pairs))
        sentences = [en for _, en in pairs]
        draw = rng.random()
        if draw < 0.04:
            continue  # dropped
        if draw < 0.08:
            english.append([sentence_pair(rng)[1]])  # added, with no source
        if draw < 0.20 and len(sentences) > 1:
            english.extend([sentences[:1], sentences[1:]])  # split
        elif draw < 0.32 and english:
            english[-1] = english[-1] + sentences  # merged with the one before
        else:
            english.append(sentences)
    while len(english) > english_count:
        index = rng.randrange(len(english) - 1)
        english[index : index + 2] = [english[index] + english[index + 1]]
    while len(english) < english_count:
        index = rng.randrange(len(english))
        if len(english[index]) > 1:
            english[index : index + 1] = [english[index][:1], english[index][1:]]
    return korean, [" ".join(sentences) for sentences in english]


def unequal_document(rng: random.Random, korean_count: int, english_count: int):
    """Like synthetic_document, then English paragraphs dropped at random places until
    only english_count are left."""
    korean, english = synthetic_document(rng, korean_count, korean_count)
    dropped = set(rng.sample(range(len(english)), len(english) - english_count))
    return korean, [text for index, text in enumerate(english) if index not in dropped]


def unrelated_document(rng: random.Random, count: int):
    """Korean paragraphs of one synthetic document against the English paragraphs of
    another, shuffled: texts with no true alignment, the search's worst case."""
    korean, _ = synthetic_document(rng, count, count)
    _, english = synthetic_document(rng, count, count)
    rng.shuffle(english)
    return korean, english


def time_align(korean, english, repeats):
    """Best wall-clock and CPU seconds over `repeats` runs (the best run is the one least
    disturbed by other work on the machine), then peak traced memory in one more run,
    since tracemalloc slows allocation down."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        links = align(korean, english)
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    tracemalloc.start()
    align(korean, english)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best_wall, best_cpu, peak, len(links)


def main():
    rng = random.Random(20260101)
    print(f"{'input':<22} {'wall':>9} {'cpu':>9} {'peak memory':>12} {'result':>11}")
    for label, (korean, english), repeats in [
        ("1000 x 1000", synthetic_document(rng, 1000, 1000), 3),
        ("100 x 100", synthetic_document(rng, 100, 100), 10),
        ("1000 x 900", unequal_document(rng, 1000, 900), 3),
        ("1000 x 1000 unrelated", unrelated_document(random.Random(20260101), 1000), 3),
    ]:
        wall, cpu, peak, links = time_align(korean, english, repeats)
        print(f"{label:<22} {wall:>7.3f} s {cpu:>7.3f} s {peak / 2**20:>8.1f} MiB {links:>5} links")

    # Sentence alignment of one long row: 40 Korean sentences against 38 English ones.
    pairs = [sentence_pair(rng) for _ in range(40)]
    korean = " ".join(ko for ko, _ in pairs)
    english = " ".join(en for index, (_, en) in enumerate(pairs) if index not in (7, 23))
    wall, cpu = time.perf_counter(), time.process_time()
    links = align_sentences(korean, english)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{'sentences 40 x 38':<22} {wall:>7.3f} s {cpu:>7.3f} s {'':>12} {len(links):>5} links")

    for name in ("ntrex-dev.jsonl", "newsv1-noisy.jsonl"):
        path = DATA / name
        if not path.exists():
            print(f"{name:<22} missing: {path}")
            continue
        articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        started = time.perf_counter()
        result = score(articles)
        seconds = time.perf_counter() - started
        print(
            f"{name:<22} {seconds:>7.3f} s {'':>9} {'F1 ' + format(result['f1'], '.3f'):>12} "
            f"{result['articles_right']:>3}/{result['articles']} right"
        )


if __name__ == "__main__":
    main()
