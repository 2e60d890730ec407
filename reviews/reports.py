"""What the desk reads about a document's editing: track changes since upload and edit rates.

Everything here works from diffs stored when changes were made; nothing is diffed here.
"""

from collections import defaultdict

from reviews.diffing import edit_rate
from reviews.models import Revision, display_name


def since_upload(changes, text):
    """A row's word diff from the uploaded translation; an unchanged row is one equal run, so
    its words count in the document's rate."""
    return changes or [[0, text]]


def document_changes(document):
    """Per paragraph, for the document and per author: words changed since the upload."""
    rows = []
    diffs = []
    for paragraph in document.paragraphs.order_by("position"):
        diff = since_upload(paragraph.changes, paragraph.text)
        diffs.append(diff)
        rate = edit_rate([diff])
        rows.append({"paragraph": paragraph, "changed": rate.changed, "percent": rate.percent})
    by_author = defaultdict(list)
    accepted = Revision.objects.filter(
        paragraph__document=document, state=Revision.State.ACCEPTED, base_version__gt=0
    ).select_related("author")
    for revision in accepted:
        by_author[revision.author].append(revision.diff)
    authors = []
    for author, revisions in by_author.items():
        rate = edit_rate(revisions)
        authors.append(
            {
                "name": display_name(author),
                "role": entry_role(document, author),
                "revisions": len(revisions),
                "changed": rate.changed,
                "percent": rate.percent,
            }
        )
    authors.sort(key=lambda author: -author["changed"])
    total = edit_rate(diffs)
    return {
        "rows": rows,
        "words": total.words,
        "changed": total.changed,
        "percent": total.percent,
        "authors": authors,
    }


def entry_role(document, user):
    role = document.role_of(user)
    return role.label if role else ""
