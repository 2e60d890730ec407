"""Time diff_words, render_diff and rebase on long paragraphs.

Run from the repository root:

    .venv/bin/python bench/diffing.py

Builds paragraphs of generated English and Korean news prose up to MAX_PARAGRAPH_CHARS
(10,000 characters), edits a share of their words (1 %, 10 %, 50 %, and an unrelated
rewrite) and prints, per case, the median and worst wall time of diff_words, render_diff
and rebase, the number of ops and the edit rate. diff_main is bounded by
DIFF_TIMEOUT_SECONDS, so the worst case is that plus linear work.
"""

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviews.diffing import (  # noqa: E402
    DIFF_TIMEOUT_SECONDS,
    MAX_PARAGRAPH_CHARS,
    diff_words,
    edit_rate,
    rebase,
    render_diff,
)

ENGLISH = [
    "the",
    "council",
    "passed",
    "next",
    "year's",
    "budget",
    "of",
    "12.3",
    "trillion",
    "won",
    "at",
    "a",
    "plenary",
    "session",
    "on",
    "Monday",
    "officials",
    "said",
    "welfare",
    "takes",
    "the",
    "largest",
    "share",
    "while",
    "the",
    "city",
    "set",
    "aside",
    "money",
    "for",
    "elderly",
    "care",
    "and",
    "public",
    "transport",
    "as",
    "growth",
    "slowed",
    "amid",
    "rising",
    "prices",
]
KOREAN = [
    "서울시의회는",
    "15일",
    "본회의를",
    "열고",
    "내년도",
    "예산안을",
    "통과시켰다",
    "이번",
    "예산은",
    "올해보다",
    "늘어난",
    "규모로",
    "복지",
    "분야가",
    "가장",
    "큰",
    "비중을",
    "차지한다",
    "시는",
    "노인",
    "돌봄",
    "사업에",
    "예산을",
    "배정했다고",
    "밝혔다",
]
REPEATS = 5


def paragraph(rng: random.Random, vocabulary: list[str], n_chars: int) -> list[str]:
    words: list[str] = []
    length = 0
    while length < n_chars - 20:
        word = rng.choice(vocabulary)
        if rng.random() < 0.08:
            word += rng.choice([",", "."])
        words.append(word)
        length += len(word) + 1
    return words


def edited(rng: random.Random, words: list[str], vocabulary: list[str], share: float) -> str:
    out = list(words)
    for _ in range(int(len(words) * share)):
        i = rng.randrange(len(out))
        action = rng.random()
        if action < 0.4:
            out[i] = rng.choice(vocabulary)
        elif action < 0.7:
            out.insert(i, rng.choice(vocabulary))
        elif len(out) > 1:
            del out[i]
    return " ".join(out)[:MAX_PARAGRAPH_CHARS]


def timed(fn, *args):
    times = []
    result = None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - started)
    return result, statistics.median(times), max(times)


def main() -> None:
    rng = random.Random(20241021)
    print(f"diff_main timeout {DIFF_TIMEOUT_SECONDS} s, {REPEATS} runs per cell")
    header = (
        f"{'text':8} {'case':10} {'chars':>6} {'ops':>5} {'rate':>5} "
        f"{'diff med/max ms':>16} {'render ms':>9} {'rebase med/max ms':>18} {'merge':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, vocabulary in (("English", ENGLISH), ("Korean", KOREAN)):
        words = paragraph(rng, vocabulary, MAX_PARAGRAPH_CHARS)
        old = " ".join(words)
        other = " ".join(paragraph(rng, vocabulary, MAX_PARAGRAPH_CHARS))
        cases = [(f"{int(s * 100)} %", edited(rng, words, vocabulary, s)) for s in (0.01, 0.1, 0.5)]
        cases.append(("unrelated", other))
        for case, new in cases:
            ops, diff_med, diff_max = timed(diff_words, old, new)
            _, render_med, _ = timed(render_diff, ops)
            theirs = edited(rng, words, vocabulary, 0.01)
            merged, rebase_med, rebase_max = timed(rebase, old, new, theirs)
            print(
                f"{name:8} {case:10} {len(new):6} {len(ops):5} {edit_rate([ops]).percent:6.1f} "
                f"{diff_med * 1000:7.0f} /{diff_max * 1000:7.0f} {render_med * 1000:9.1f} "
                f"{rebase_med * 1000:8.0f} /{rebase_max * 1000:8.0f} "
                f"{'yes' if merged is not None else 'no':>6}"
            )


if __name__ == "__main__":
    main()
