"""Score the paragraph aligner on a JSON-lines file of articles with gold alignments.

Each line: {"id", "ko_paragraphs", "en_paragraphs", "gold": [[ko_indices, en_indices], ...]}.
A link counts as right only if both its index lists match a gold link exactly; null links
(one side empty) count like any other.

With --sentences, the sentence aligner is scored too, where the file carries sentence links:
"ko_par_lines" and "en_par_lines" give, for each paragraph, the ids of the corpus lines it
was made of, and lines with the same id translate each other. Each gold row (a link with
both sides, and any dropped or added paragraph next to it, as if it had been left in the
row) is split into sentences; a paragraph's sentences are mapped to its lines when it has
one line or as many sentences as lines, and rows where that fails are counted and left out.
"""

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.alignment import align
from reviews.alignment.learning import learn
from reviews.alignment.lexicon import use_learned
from reviews.alignment.sentences import align_sentences
from reviews.sentences import split_sentences


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


def sentence_rows(article: dict) -> list[tuple[list[int], list[int]]]:
    """The gold rows of an article for sentence scoring: each link with both sides, with
    the null links next to it joined in (to the row before, or to the first row)."""
    rows = []
    pending_ko, pending_en = [], []
    for ko, en in article["gold"]:
        if ko and en:
            rows.append((pending_ko + list(ko), pending_en + list(en)))
            pending_ko, pending_en = [], []
        elif rows:
            rows[-1][0].extend(ko)
            rows[-1][1].extend(en)
        else:
            pending_ko.extend(ko)
            pending_en.extend(en)
    if rows:
        rows[0][0][:0], rows[0][1][:0] = [], []
    return rows


def _sentence_lines(paragraphs, lines, indices, lang) -> tuple[str, list] | None:
    """The row's text on one side (paragraphs joined by line breaks) and the line id of
    each of its sentences; None if a paragraph's sentences cannot be mapped to lines."""
    texts, sentence_lines = [], []
    for index in indices:
        count = len(split_sentences(paragraphs[index], lang))
        paragraph_lines = lines[index]
        if len(paragraph_lines) == 1:
            sentence_lines.extend(paragraph_lines * count)
        elif len(paragraph_lines) == count:
            sentence_lines.extend(paragraph_lines)
        else:
            return None
        texts.append(paragraphs[index])
    text = "\n".join(texts)
    if len(split_sentences(text, lang)) != len(sentence_lines):
        return None
    return text, sentence_lines


def _gold_sentence_links(ko_lines: list, en_lines: list) -> set:
    """Sentences of the same line form one link; a sentence whose line has no counterpart
    on the other side is a link of its own."""
    links = set()
    for line in dict.fromkeys(ko_lines + en_lines):
        ko = tuple(k for k, value in enumerate(ko_lines) if value == line)
        en = tuple(e for e, value in enumerate(en_lines) if value == line)
        if ko and en:
            links.add((ko, en))
        else:
            links.update(((k,), ()) for k in ko)
            links.update(((), (e,)) for e in en)
    return links


def score_sentences(articles) -> dict | None:
    """Exact-link precision, recall and F1 of align_sentences over the gold rows of the
    articles that carry line ids, rows entirely right, and recall by gold link type; None
    if no article carries them."""
    true_positives = predicted_total = gold_total = rows_right = rows_total = skipped = 0
    gold_by_type, right_by_type = Counter(), Counter()
    carried = False
    for article in articles:
        if "ko_par_lines" not in article or "en_par_lines" not in article:
            continue
        carried = True
        for ko_indices, en_indices in sentence_rows(article):
            ko_side = _sentence_lines(
                article["ko_paragraphs"], article["ko_par_lines"], ko_indices, "ko"
            )
            en_side = _sentence_lines(
                article["en_paragraphs"], article["en_par_lines"], en_indices, "en"
            )
            if ko_side is None or en_side is None:
                skipped += 1
                continue
            gold = _gold_sentence_links(ko_side[1], en_side[1])
            predicted = {
                (tuple(ko), tuple(en)) for ko, en in align_sentences(ko_side[0], en_side[0])
            }
            hits = gold & predicted
            true_positives += len(hits)
            predicted_total += len(predicted)
            gold_total += len(gold)
            rows_total += 1
            rows_right += gold == predicted
            gold_by_type.update(link_type(link) for link in gold)
            right_by_type.update(link_type(link) for link in hits)
    if not carried:
        return None
    precision = true_positives / predicted_total if predicted_total else 0.0
    recall = true_positives / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "rows_right": rows_right,
        "rows": rows_total,
        "rows_skipped": skipped,
        "recall_by_type": {
            kind: (right_by_type[kind], gold_by_type[kind]) for kind in sorted(gold_by_type)
        },
    }


def gold_pairs(articles) -> list[tuple[str, str]]:
    """The (Korean, English) texts of the gold 1-1 links: what the desk would have approved."""
    return [
        (article["ko_paragraphs"][ko[0]], article["en_paragraphs"][en[0]])
        for article in articles
        for ko, en in article["gold"]
        if len(ko) == 1 and len(en) == 1
    ]


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
        parser.add_argument(
            "--sentences",
            action="store_true",
            help="also score the sentence aligner where the file carries line ids",
        )
        parser.add_argument(
            "--learn-from",
            type=Path,
            metavar="OTHER_FILE",
            help="learn a lexicon from this other file's gold 1-1 links (in memory, as if the"
            " desk had approved them) and align with it; never the file being scored",
        )

    def handle(self, *args, **options):
        articles = read_articles(options["file"])
        write = self.stdout.write
        learn_from = options["learn_from"]
        if learn_from is not None:
            if learn_from.resolve() == options["file"].resolve():
                raise CommandError("--learn-from must name another file than the one scored")
            lexicon = learn(gold_pairs(read_articles(learn_from)))
            entries = sum(map(len, lexicon.values()))
            words = len(lexicon)
            write(f"learned {entries} associations of {words} Korean words from {learn_from}")
            use_learned(lexicon, version="align_eval")
        try:
            result = score(articles)
            self._report(result, articles, options)
        finally:
            if learn_from is not None:
                use_learned({})

    def _report(self, result, articles, options):
        write = self.stdout.write
        write(f"precision {result['precision']:.3f}")
        write(f"recall    {result['recall']:.3f}")
        write(f"articles entirely right {result['articles_right']}/{result['articles']}")
        write("recall by gold link type:")
        for kind, (right, total) in result["recall_by_type"].items():
            write(f"  {kind:<4} {right / total:.3f}  ({right}/{total})")
        write(f"F1 {result['f1']:.3f} articles {result['articles_right']}/{result['articles']}")
        if options["sentences"]:
            sentences = score_sentences(articles)
            if sentences is None:
                write("sentences: the file carries no sentence links (ko_par_lines, en_par_lines)")
                return
            write(f"sentences: precision {sentences['precision']:.3f}")
            write(f"sentences: recall    {sentences['recall']:.3f}")
            write(
                f"sentences: rows entirely right {sentences['rows_right']}/{sentences['rows']}"
                f" ({sentences['rows_skipped']} rows left out: sentences not mappable to lines)"
            )
            write("sentences: recall by gold link type:")
            for kind, (right, total) in sentences["recall_by_type"].items():
                write(f"  {kind:<4} {right / total:.3f}  ({right}/{total})")
            rows = f"{sentences['rows_right']}/{sentences['rows']}"
            write(f"sentences: F1 {sentences['f1']:.3f} rows {rows}")
