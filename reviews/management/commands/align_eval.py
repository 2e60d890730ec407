"""Score the paragraph aligner on a JSON-lines file of articles with gold alignments.

Each line: {"id", "ko_paragraphs", "en_paragraphs", "gold": [[ko_indices, en_indices], ...]}.
A link counts as right only if both its index lists match a gold link exactly; null links
(one side empty) count like any other.
"""

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.alignment import align


def link_type(link) -> str:
    source_indices, target_indices = link
    return f"{len(source_indices)}-{len(target_indices)}"


def score_article(article: dict) -> tuple[set, set]:
    """The gold links and the predicted links of one article, as sets of index tuples."""
    gold = {(tuple(ko), tuple(en)) for ko, en in article["gold"]}
    predicted = {
        (tuple(ko), tuple(en))
        for ko, en, _ in align(article["ko_paragraphs"], article["en_paragraphs"])
    }
    return gold, predicted


def score(articles) -> dict:
    """Exact-link precision, recall and F1 over all articles, articles aligned entirely
    right, and recall by gold link type."""
    true_positives = predicted_total = gold_total = articles_right = articles_total = 0
    gold_by_type, right_by_type = Counter(), Counter()
    wrong_articles = []
    for article in articles:
        gold, predicted = score_article(article)
        hits = gold & predicted
        true_positives += len(hits)
        predicted_total += len(predicted)
        gold_total += len(gold)
        articles_total += 1
        if gold == predicted:
            articles_right += 1
        else:
            wrong_articles.append(article.get("id", str(articles_total)))
        gold_by_type.update(link_type(link) for link in gold)
        right_by_type.update(link_type(link) for link in hits)
    precision = true_positives / predicted_total if predicted_total else 0.0
    recall = true_positives / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "articles_right": articles_right,
        "articles": articles_total,
        "recall_by_type": {
            kind: (right_by_type[kind], gold_by_type[kind]) for kind in sorted(gold_by_type)
        },
        "wrong_articles": wrong_articles,
    }


def read_articles(path: Path) -> list[dict]:
    """The articles of a JSON-lines file; CommandError if it is missing or malformed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as error:
        raise CommandError(f"No such file: {path}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from error
    articles = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = json.loads(line)
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}, line {number}: not JSON ({error.msg})") from error
        problem = _check_article(article)
        if problem:
            raise CommandError(f"{path}, line {number}: {problem}")
        articles.append(article)
    if not articles:
        raise CommandError(f"{path} has no articles")
    return articles


def _check_article(article) -> str:
    if not isinstance(article, dict):
        return "expected a JSON object"
    for key in ("ko_paragraphs", "en_paragraphs", "gold"):
        if key not in article:
            return f'missing "{key}"'
    for key in ("ko_paragraphs", "en_paragraphs"):
        paragraphs = article[key]
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            return f'"{key}" must be a list of strings'
    gold = article["gold"]
    if not isinstance(gold, list) or not all(
        isinstance(link, list)
        and len(link) == 2
        and all(isinstance(side, list) and all(isinstance(i, int) for i in side) for side in link)
        for link in gold
    ):
        return '"gold" must be a list of [ko_indices, en_indices] pairs'
    return ""


class Command(BaseCommand):
    help = "Score the paragraph aligner against gold alignments in a JSON-lines file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="JSON-lines file of articles")

    def handle(self, *args, **options):
        result = score(read_articles(options["file"]))
        write = self.stdout.write
        write(f"precision {result['precision']:.3f}")
        write(f"recall    {result['recall']:.3f}")
        write(f"articles entirely right {result['articles_right']}/{result['articles']}")
        write("recall by gold link type:")
        for kind, (right, total) in result["recall_by_type"].items():
            write(f"  {kind:<4} {right / total:.3f}  ({right}/{total})")
        write(f"F1 {result['f1']:.3f} articles {result['articles_right']}/{result['articles']}")
