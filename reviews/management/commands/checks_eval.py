"""Score the quality checks on a JSON-lines file of row pairs with the problems really there.

Each line: {"source": "...", "target": "...", "glossary": [["Korean", "English"], ...],
"expect": ["number", ...]}. A kind counts as found when a check reports it on that line as
an error or a warning. Prints precision and recall per kind and overall, ending with the
line "precision 0.xx recall 0.xx". With --predict, `expect` is ignored and one line
{"kinds": [...]} is printed per input line, in order.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.checks import check_pair
from reviews.checks.findings import KINDS

# Every kind but "consistency", which looks across a whole document and never fires on one pair.
EVALUATED_KINDS = tuple(kind for kind in KINDS if kind != "consistency")


def read_pairs(path: Path, *, need_expect: bool) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from error
    pairs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            pair = json.loads(line)
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}:{number}: not JSON ({error.msg}).") from error
        if not isinstance(pair, dict) or not isinstance(pair.get("source", ""), str):
            raise CommandError(f'{path}:{number}: expected an object with "source" text.')
        if not isinstance(pair.get("target", ""), str):
            raise CommandError(f'{path}:{number}: "target" must be text.')
        glossary = pair.get("glossary") or []
        if not isinstance(glossary, list) or not all(
            isinstance(entry, list)
            and len(entry) >= 2
            and all(isinstance(x, str) for x in entry[:2])
            for entry in glossary
        ):
            raise CommandError(f'{path}:{number}: "glossary" must be [["Korean", "English"], ...].')
        expect = pair.get("expect")
        if need_expect:
            if not isinstance(expect, list):
                raise CommandError(f'{path}:{number}: "expect" must be a list of kinds.')
            unknown = sorted(set(expect) - set(EVALUATED_KINDS))
            if unknown:
                raise CommandError(f"{path}:{number}: unknown kind {', '.join(unknown)}.")
        pairs.append(pair)
    return pairs


def predicted_kinds(pair: dict) -> list[str]:
    findings = check_pair(
        pair.get("source") or "", pair.get("target") or "", glossary=pair.get("glossary") or []
    )
    found = {finding.kind for finding in findings}
    return [kind for kind in EVALUATED_KINDS if kind in found]


def score(pairs: list[dict]) -> dict:
    """Per kind and overall: true positives, false positives, false negatives."""
    counts = {kind: [0, 0, 0] for kind in EVALUATED_KINDS}
    for pair in pairs:
        predicted, expected = set(predicted_kinds(pair)), set(pair["expect"])
        for kind in EVALUATED_KINDS:
            if kind in predicted and kind in expected:
                counts[kind][0] += 1
            elif kind in predicted:
                counts[kind][1] += 1
            elif kind in expected:
                counts[kind][2] += 1
    overall = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {"kinds": counts, "overall": overall}


def ratio(numerator: int, denominator: int) -> float:
    # Nothing predicted (or nothing expected) is neither a false alarm nor a miss.
    return numerator / denominator if denominator else 1.0


class Command(BaseCommand):
    help = "Precision and recall of the quality checks on a JSON-lines file of row pairs."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--predict",
            action="store_true",
            help='print {"kinds": [...]} for each line instead of scoring',
        )

    def handle(self, *args, **options):
        pairs = read_pairs(options["file"], need_expect=not options["predict"])
        if options["predict"]:
            for pair in pairs:
                self.stdout.write(json.dumps({"kinds": predicted_kinds(pair)}))
            return
        result = score(pairs)
        self.stdout.write(
            f"{'kind':<13} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}"
        )
        for kind, (tp, fp, fn) in result["kinds"].items():
            self.stdout.write(
                f"{kind:<13} {tp:>4} {fp:>4} {fn:>4} {ratio(tp, tp + fp):>9.2f} "
                f"{ratio(tp, tp + fn):>7.2f}"
            )
        tp, fp, fn = result["overall"]
        self.stdout.write(f"{len(pairs)} pairs")
        self.stdout.write(f"precision {ratio(tp, tp + fp):.2f} recall {ratio(tp, tp + fn):.2f}")
