"""The quality score of a translation, from the editor's categorised comments.

In the spirit of MQM and of LQA in memoQ and Trados: each categorised thread is one error
with a severity; severities weigh penalty points (settings.WORKBENCH_QUALITY_PENALTIES); the
score is points per 1,000 source words, and a document passes at or below the threshold.
Resolved threads still count: the score judges the translation as delivered, not as fixed.
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import F, Sum

from reviews.diffing import EditRate, edit_rate, word_count
from reviews.models import Comment, Document, Paragraph
from reviews.reports import since_upload


def penalty(severity):
    return settings.WORKBENCH_QUALITY_PENALTIES.get(severity, 0)


def score_from(words, errors):
    """errors: Counter of severities. Returns the score dict shown to people."""
    points = sum(penalty(severity) * count for severity, count in errors.items())
    per_thousand = round(1000 * points / words, 2) if words else 0.0
    threshold = settings.WORKBENCH_QUALITY_THRESHOLD
    return {
        "words": words,
        "errors": sum(errors.values()),
        "by_severity": {severity: errors.get(severity, 0) for severity in Comment.Severity.values},
        "points": points,
        "per_thousand": per_thousand,
        "threshold": threshold,
        "passed": per_thousand <= threshold,
    }


def graded_threads(documents):
    return (
        Comment.objects.filter(document__in=documents, reply_to=None)
        .exclude(category="")
        .exclude(severity="")
        # Grades are the reviewers' (workflow "grade_comment"); one a translator gave her own
        # work before that rule is kept as history but never scored.
        .exclude(author_id=F("document__translator_id"))
    )


def document_score(document, words=None):
    """`words`: the Korean words of its rows, when the caller has the rows already (one query
    fewer). Rows keep their count (Paragraph.source_words, worked out from the Korean on every
    write), so a page view never tokenises the text."""
    if words is None:
        words = document.paragraphs.aggregate(words=Sum("source_words", default=0))["words"]
    # One query for the grades; the counts by severity and by category all come from it.
    grades = list(graded_threads([document]).values_list("category", "severity"))
    errors = Counter(severity for _, severity in grades)
    result = score_from(words, errors)
    result["by_category"] = dict(sorted(Counter(category for category, _ in grades).items()))
    result["by_grade"] = grade_table(grades)
    result["severities"] = [
        (label, penalty(severity)) for severity, label in Comment.Severity.choices
    ]
    result.update(what_would_change(result))
    return result


def grade_table(grades):
    """Rows of the score's make-up from (category, severity) pairs: per category, the count of
    each severity and the points."""
    counts = defaultdict(Counter)
    for category, severity in grades:
        counts[category][severity] += 1
    labels = dict(Comment.Category.choices)
    table = []
    for category in sorted(counts, key=lambda name: labels.get(name, name)):
        by_severity = counts[category]
        table.append(
            {
                "category": labels.get(category, category),
                "counts": [by_severity.get(severity, 0) for severity in Comment.Severity.values],
                "points": sum(penalty(s) * n for s, n in by_severity.items()),
            }
        )
    return table


def allowed_points(words, threshold):
    """The most penalty points a text of `words` Korean words may carry and still pass."""
    if not words:
        return 0
    points = int(threshold * words / 1000)
    # score_from rounds to two decimals; step to the boundary it actually draws.
    while round(1000 * (points + 1) / words, 2) <= threshold:
        points += 1
    while points > 0 and round(1000 * points / words, 2) > threshold:
        points -= 1
    return points


def what_would_change(score):
    """The margin people act on: how many more points fail a passing text, how many a failing
    one is over. Resolving threads never changes it (the score judges the text as delivered)."""
    allowed = allowed_points(score["words"], score["threshold"])
    if not score["words"]:
        return {"allowed_points": 0, "to_fail": None, "over": 0}
    if score["passed"]:
        return {"allowed_points": allowed, "to_fail": allowed - score["points"] + 1, "over": 0}
    return {"allowed_points": allowed, "to_fail": None, "over": score["points"] - allowed}


def translator_report(since=None, until=None):
    """Per translator, over the documents uploaded between `since` and `until` (dates, in the
    active time zone, both included): documents, source words, edit rate since upload and the
    score, with the same figures per document (the documents behind each figure)."""
    documents = Document.objects.filter(translator__isnull=False)
    if since:
        documents = documents.filter(created_at__date__gte=since)
    if until:
        documents = documents.filter(created_at__date__lte=until)
    per_document = {
        pk: {"pk": pk, "title": title, "translator_id": translator_id, "created_at": created_at,
             "words": 0, "target_words": 0, "changed": 0, "errors": Counter()}
        for pk, title, translator_id, created_at in documents.values_list(
            "pk", "title", "translator", "created_at"
        ).order_by("created_at", "pk")
    }  # fmt: skip
    paragraphs = Paragraph.objects.filter(document__in=documents).values_list(
        "document", "source", "text", "changes"
    )
    for document_id, source, text, changes in paragraphs.iterator():
        entry = per_document[document_id]
        entry["words"] += word_count(source)
        # Row by row, so the report streams; the counts add up as edit_rate's do.
        rate = edit_rate([since_upload(changes, text)])
        entry["target_words"] += rate.words
        entry["changed"] += rate.changed
    for document_id, severity in graded_threads(documents).values_list("document", "severity"):
        per_document[document_id]["errors"][severity] += 1
    by_translator = defaultdict(list)
    for entry in per_document.values():
        by_translator[entry["translator_id"]].append(entry)
    report = []
    for translator_id, entries in by_translator.items():
        errors = sum((entry["errors"] for entry in entries), Counter())
        row = score_from(sum(entry["words"] for entry in entries), errors)
        changed = sum(entry["changed"] for entry in entries)
        target_words = sum(entry["target_words"] for entry in entries)
        row.update(
            translator_id=translator_id,
            documents=len(entries),
            edit_rate=EditRate(changed, target_words).percent,
            document_rows=[document_row(entry) for entry in entries],
        )
        report.append(row)
    return report


def document_row(entry):
    row = score_from(entry["words"], entry["errors"])
    row.update(
        pk=entry["pk"],
        title=entry["title"],
        created_at=entry["created_at"],
        edit_rate=EditRate(entry["changed"], entry["target_words"]).percent,
    )
    return row
