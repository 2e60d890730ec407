"""False alarms on real news, and omissions and additions made from it.

Reads the real Korean-English news pairs in ../shared/data/alignment (never copied into the
repository): every gold 1-1 link is a clean row pair. Omissions are made by giving a row the
Korean of the next row too while keeping its English; additions by giving it the English of
the next row too. Prints, per kind, how many clean rows raise it (false alarms) and how many
of the made problems are found.

    .venv/bin/python bench/checks_real.py [DATA_DIR]
"""

import json
import os
import sys
from collections import Counter
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
django.setup()

from reviews.checks import check_document, check_pair, document_ratio  # noqa: E402

DATA = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/alignment")


def articles():
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            article = json.loads(line)
            pairs = [
                (
                    " ".join(article["ko_paragraphs"][i] for i in ko),
                    " ".join(article["en_paragraphs"][j] for j in en),
                )
                for ko, en in article["gold"]
                if len(ko) == 1 and len(en) == 1
            ]
            yield path.name, pairs


def main():
    clean_alarms, rows = Counter(), 0
    found = Counter()
    made = Counter()
    examples = []
    for name, pairs in articles():
        ratio = document_ratio(pairs)
        per_row, _ = check_document(pairs)
        for (source, target), findings in zip(pairs, per_row, strict=True):
            rows += 1
            for kind in {f.kind for f in findings}:
                clean_alarms[kind] += 1
                if kind in os.environ.get("SHOW", "").split(","):
                    examples.append((name, kind, source, target, findings))
        for (a_ko, a_en), (b_ko, b_en) in zip(pairs, pairs[1:], strict=False):
            omitted = check_pair(f"{a_ko} {b_ko}", a_en, ratio=ratio)
            added = check_pair(a_ko, f"{a_en} {b_en}", ratio=ratio)
            made["omission"] += 1
            made["addition"] += 1
            found["omission"] += any(f.kind == "omission" for f in omitted)
            found["addition"] += any(f.kind == "addition" for f in added)
    print(f"{rows} clean rows; rows with a false alarm, by kind:")
    for kind, count in clean_alarms.most_common():
        print(f"  {kind:<13} {count:>5}  {count / rows:.1%}")
    for kind in ("omission", "addition"):
        print(f"made {kind}s found: {found[kind]}/{made[kind]} = {found[kind] / made[kind]:.1%}")
    if "-v" in sys.argv:
        for name, kind, source, target, findings in examples:
            print("---", name, kind)
            print(source)
            print(target)
            for f in findings:
                print("   ", f.kind, f.message)


if __name__ == "__main__":
    main()
