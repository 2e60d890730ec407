"""What the desk reads about a document's editing: track changes since upload and edit rates.

Everything here works from diffs stored when changes were made; nothing is diffed here.
"""

from collections import defaultdict

from reviews.diffing import edit_distance_words, word_count
from reviews.models import Revision, display_name


def rate(changed, total):
    return changed / total if total else 0.0


def percent(changed, total):
    return round(100 * rate(changed, total), 1)


def document_changes(document):
    """Per paragraph, for the document and per author: words changed since the upload."""
    rows = []
    total_words = total_changed = 0
    for paragraph in document.paragraphs.order_by("position"):
        words = word_count(paragraph.original_text)
        changed = edit_distance_words(paragraph.changes) if paragraph.changes else 0
        total_words += words
        total_changed += changed
        rows.append(
            {
                "paragraph": paragraph,
                "changed": changed,
                "percent": percent(changed, words),
            }
        )
    by_author = defaultdict(lambda: {"revisions": 0, "changed": 0})
    accepted = Revision.objects.filter(
        paragraph__document=document, state=Revision.State.ACCEPTED, base_version__gt=0
    ).select_related("author")
    for revision in accepted:
        entry = by_author[revision.author]
        entry["revisions"] += 1
        entry["changed"] += edit_distance_words(revision.diff)
    authors = [
        {
            "name": display_name(author),
            "role": entry_role(document, author),
            "revisions": entry["revisions"],
            "changed": entry["changed"],
            "percent": percent(entry["changed"], total_words),
        }
        for author, entry in sorted(by_author.items(), key=lambda item: -item[1]["changed"])
    ]
    return {
        "rows": rows,
        "words": total_words,
        "changed": total_changed,
        "percent": percent(total_changed, total_words),
        "authors": authors,
    }


def entry_role(document, user):
    role = document.role_of(user)
    return role.label if role else ""
