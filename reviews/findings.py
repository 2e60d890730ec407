"""The quality checks' findings, stored with the rows they are about.

Findings are a JSON list on each Paragraph (that row's checks) and on the Document (the
document-wide consistency check), written in the same transaction as the text they judge, so
a page view never runs a check. They are a cache of what the checks say about the current
text, not history: a new text replaces them. History is the Event written when a person
dismisses one. A dismissed finding stays dismissed while its row's text (for a
document-wide one, the texts of all its rows) stays the same.

Each stored finding: {"kind", "severity", "message", "target_span", "source_span", "key",
"dismissed": null | {"by", "reason", "at"}} and, document-wide, "rows": [[id, number], ...]
and "versions" (the row versions it was found on).
"""

import hashlib
import json
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reviews import checks
from reviews.glossary_marks import glossary_version
from reviews.models import Document, Event, GlossaryTerm, Paragraph, display_name


class DismissRefused(Exception):
    """A dismissal that cannot be made, with a message for the person."""


# The glossary as the checks read it, kept per process with the glossary version it was read
# at; a version read in the same request decides whether it is still the glossary's.
_glossary = {"version": None, "entries": ()}


def glossary_entries(version=None):
    """The desk's glossary as (korean, english, forbidden variants) for the checks: one small
    query (the glossary's version) when the glossary did not change since the last call.
    `version`: glossary_version() as read by the caller in this request."""
    if version is None:
        version = glossary_version()
    if _glossary["version"] != version:
        terms = GlossaryTerm.objects.order_by().values_list("korean", "english", "forbidden")
        _glossary.update(version=version, entries=tuple(terms))
    return _glossary["entries"]


def finding_key(finding: dict) -> str:
    """Which finding a dismissal is about: stable while the text and the check stay the same."""
    text = f"{finding['kind']}|{finding['message']}|{finding.get('target_span')}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stored(finding: checks.Finding) -> dict:
    data = finding.as_dict()
    data.pop("places")
    data["key"] = finding_key(data)
    data["dismissed"] = None
    return data


def carry_dismissals(new: list[dict], old: list[dict]) -> list[dict]:
    dismissed = {f["key"]: f["dismissed"] for f in old if f.get("dismissed")}
    for finding in new:
        finding["dismissed"] = dismissed.get(finding["key"])
    return new


def row_findings(document, rows, index, glossary, ratio=None) -> list[dict]:
    """Findings for rows[index]; rows are (source, text) of the whole document in order.
    `ratio` is checks.document_ratio(rows), computed here when not given."""
    source, target = rows[index]
    found = checks.check_pair(
        source,
        target,
        glossary=glossary,
        ratio=checks.document_ratio(rows) if ratio is None else ratio,
        reference_date=timezone.localdate(document.created_at) if document.created_at else None,
        next_target=rows[index + 1][1] if index + 1 < len(rows) else "",
    )
    return [stored(finding) for finding in found]


def all_row_findings(document, rows, glossary) -> list[list[dict]]:
    """Findings for every row: the document's ratio is computed once, not once a row (which
    made checking a 1,500-row document quadratic)."""
    ratio = checks.document_ratio(rows)
    return [row_findings(document, rows, index, glossary, ratio) for index in range(len(rows))]


def document_findings(document, paragraphs) -> list[dict]:
    """The document-wide findings over `paragraphs` (in order), keeping dismissals of the
    same finding on the same row versions."""
    rows = [(p.source, p.text) for p in paragraphs]
    result = []
    for finding in checks.check_consistency(rows):
        data = stored(finding)
        data["rows"] = [[paragraphs[i].pk, paragraphs[i].number] for i in finding.places]
        data["versions"] = [paragraphs[i].version for i in finding.places]
        result.append(data)
    return keep_dismissals(result, document.findings)


def keep_dismissals(result, old):
    """`result` with the dismissals of `old` kept where the same finding is on the same row
    versions."""
    kept = {
        (f["key"], tuple(f.get("versions", ()))): f["dismissed"] for f in old if f.get("dismissed")
    }
    for data in result:
        data["dismissed"] = kept.get((data["key"], tuple(data["versions"])))
    return result


def refresh_document(document, *, texts_changed=True):
    """Check every row of the document and the document as a whole, after an upload or a
    change of pairing (texts_changed) or of the glossary (texts the same: dismissals stay)."""
    paragraphs = list(document.paragraphs.order_by("position"))
    rows = [(p.source, p.text) for p in paragraphs]
    glossary = glossary_entries()
    if texts_changed:
        found = all_row_findings(document, rows, glossary)
    else:
        found = findings_for_glossary(document, paragraphs, rows, glossary)
    changed = []
    for paragraph, new in zip(paragraphs, found, strict=True):
        if not texts_changed:
            new = carry_dismissals(new, paragraph.findings)
        # Only rows whose findings differ are written: confirming a pairing checks every row
        # again, and most come out the same.
        if new != paragraph.findings:
            paragraph.findings = new
            changed.append(paragraph)
    Paragraph.objects.bulk_update(changed, ["findings"], batch_size=500)
    document.findings = document_findings(document, paragraphs)
    Document.objects.filter(pk=document.pk).update(findings=document.findings)


def undismissed(findings: list[dict]) -> list[dict]:
    return [{k: v for k, v in f.items() if k != "dismissed"} for f in findings]


def findings_for_glossary(document, paragraphs, rows, glossary) -> list[list[dict]]:
    """Every row's findings when its text is the one its stored findings were made from
    (they are written with the text) and the glossary may have changed. Of the checks only
    the glossary's reads the glossary, so a row whose glossary findings come out as stored
    keeps its findings; the others are checked again in full. Checking all 1,500 rows of a
    confirmed pairing in full took a second and a half."""
    ratio = checks.document_ratio(rows)
    found = []
    for index, paragraph in enumerate(paragraphs):
        source, target = rows[index]
        now = [stored(f) for f in checks.check_glossary(source or "", target or "", glossary)]
        before = [f for f in paragraph.findings if f["kind"] == "glossary"]
        if undismissed(now) == undismissed(before):
            found.append([dict(f) for f in paragraph.findings])
        else:
            found.append(row_findings(document, rows, index, glossary, ratio))
    return found


def check_new_rows(document, paragraphs):
    """Set the findings of an upload's rows before they are inserted, so they go in with
    their rows rather than by reading them back and updating each. `paragraphs` are unsaved,
    in order; call check_new_document once they are saved."""
    rows = [(p.source, p.text) for p in paragraphs]
    found = all_row_findings(document, rows, glossary_entries())
    for paragraph, findings in zip(paragraphs, found, strict=True):
        paragraph.findings = findings


def check_new_document(document, paragraphs):
    """The document-wide findings of a new document whose rows were just inserted."""
    document.findings = document_findings(document, paragraphs)
    if document.findings:
        Document.objects.filter(pk=document.pk).update(findings=document.findings)


def compared(document, findings):
    """(findings as stored, whether they differ from the document's): JSON has no tuples, so
    an unchanged list compares equal to what was read."""
    findings = json.loads(json.dumps(findings))
    return findings, findings != document.findings


# What the checks read of a document's rows, as plain tuples: model instances with their JSON
# (changes, findings) decoded would cost more than the checks on a long document.
class CheckedRow(NamedTuple):
    pk: int
    number: int
    version: int
    source: str
    text: str


def open_findings(findings: list[dict]) -> list[dict]:
    return [f for f in findings if not f.get("dismissed")]


def undismissed_errors(document) -> int:
    """Errors nobody fixed or dismissed, on the rows and on the document."""
    lists = list(document.paragraphs.values_list("findings", flat=True))
    lists.append(Document.objects.values_list("findings", flat=True).get(pk=document.pk))
    return sum(
        1
        for findings in lists
        for f in findings or ()
        if f["severity"] == checks.ERROR and not f.get("dismissed")
    )


@transaction.atomic
def dismiss(user, document, paragraph_id, key, reason):
    """Dismiss one finding (of a row, or of the document when paragraph_id is None) with a
    reason; recorded as an Event."""
    from reviews import workflow  # workflow asks this module about approval

    document = Document.objects.select_for_update(no_key=True).get(pk=document.pk)
    refusal = workflow.refusal(user, "dismiss_finding", document)
    if refusal:
        raise PermissionDenied(refusal)
    reason = " ".join((reason or "").split())[:500]
    if not reason:
        raise DismissRefused("Give a reason for dismissing the finding.")
    paragraph = None
    if paragraph_id is None:
        findings = document.findings
    else:
        paragraph = (
            Paragraph.objects.select_for_update().filter(document=document, pk=paragraph_id).first()
        )
        if paragraph is None:
            raise DismissRefused("That row no longer exists; the page was out of date.")
        findings = paragraph.findings
    finding = next((f for f in findings if f["key"] == key), None)
    if finding is None:
        raise DismissRefused("That finding is gone: the text changed since the page was loaded.")
    if finding.get("dismissed"):
        raise DismissRefused("That finding was already dismissed.")
    finding["dismissed"] = {
        "by": display_name(user),
        "reason": reason,
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    if paragraph is None:
        Document.objects.filter(pk=document.pk).update(findings=findings)
    else:
        Paragraph.objects.filter(pk=paragraph.pk).update(findings=findings)
    Event.record(
        document,
        user,
        Event.Verb.DISMISSED_FINDING,
        paragraph,
        kind=finding["kind"],
        message=finding["message"],
        reason=reason,
    )
    return finding


def refresh_after_glossary_change(koreans):
    """Check again the documents still being worked on whose Korean holds one of the changed
    terms (`koreans`); the texts are the same, so dismissals stay."""
    from reviews.models import Stage

    contains = Q()
    for korean in set(koreans):
        contains |= Q(paragraphs__source__contains=korean)
    if not contains:
        return
    working = (Stage.ALIGNING, Stage.TRANSLATING, Stage.REVIEWING)
    affected = Document.objects.filter(contains, stage__in=working).values_list("pk", flat=True)
    for pk in sorted(set(affected)):
        with transaction.atomic():
            locked = Document.objects.select_for_update(no_key=True).get(pk=pk)
            refresh_document(locked, texts_changed=False)
