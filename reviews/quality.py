"""The quality score of a translation, from the editor's categorised comments.

In the spirit of MQM and of LQA in memoQ and Trados: each categorised thread is one error
with a severity; severities weigh penalty points (settings.WORKBENCH_QUALITY_PENALTIES); the
score is points per 1,000 source words, and a document passes at or below the threshold.
Resolved threads still count: the score judges the translation as delivered, not as fixed.
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Count, F

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


def document_score(document):
    words = sum(
        word_count(source) for source in document.paragraphs.values_list("source", flat=True)
    )
    threads = graded_threads([document])
    errors = Counter(threads.values_list("severity", flat=True))
    result = score_from(words, errors)
    result["by_category"] = dict(
        threads.values_list("category").annotate(n=Count("pk")).order_by("category")
    )
    return result


def translator_report():
    """Per translator: documents, source words, edit rate since upload, and the score."""
    paragraphs = Paragraph.objects.filter(document__translator__isnull=False).values_list(
        "document__translator", "source", "text", "changes"
    )
    totals = defaultdict(lambda: {"words": 0, "target_words": 0, "changed": 0})
    for translator_id, source, text, changes in paragraphs.iterator():
        entry = totals[translator_id]
        entry["words"] += word_count(source)
        # Row by row, so the report streams; the counts add up as edit_rate's do.
        rate = edit_rate([since_upload(changes, text)])
        entry["target_words"] += rate.words
        entry["changed"] += rate.changed
    errors = defaultdict(Counter)
    for translator_id, severity in graded_threads(Document.objects.all()).values_list(
        "document__translator", "severity"
    ):
        errors[translator_id][severity] += 1
    documents = dict(
        Document.objects.filter(translator__isnull=False)
        .values_list("translator")
        .annotate(n=Count("pk"))
        .order_by()
    )
    report = []
    for translator_id, count in documents.items():
        entry = totals[translator_id]
        row = score_from(entry["words"], errors[translator_id])
        row.update(
            translator_id=translator_id,
            documents=count,
            edit_rate=EditRate(entry["changed"], entry["target_words"]).percent,
        )
        report.append(row)
    return report
