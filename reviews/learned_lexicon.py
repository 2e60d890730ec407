"""The learned lexicon in the database (LearnedTerm): building it from the desk's approved
1-1 rows, and loading it into the aligner (reviews.alignment.lexicon), which has no Django
import of its own.

Every process that aligns calls `refresh()` first: one query for the highest build, and
the rows of that build only when it differs from the one this process has loaded, so a
rebuild by `manage.py learn_lexicon` reaches every app server at its next alignment.
"""

from django.db import transaction
from django.db.models import Max

from reviews.alignment import lexicon
from reviews.alignment.learning import learn
from reviews.models import LearnedTerm, Paragraph

# Rows are read in chunks so a large desk's memory is not loaded at once.
CHUNK = 2_000


def current_build():
    return LearnedTerm.objects.aggregate(build=Max("build"))["build"]


def refresh() -> None:
    """Load the learned lexicon into the aligner if its build changed since this process
    last loaded it."""
    build = current_build()
    if build == lexicon.learned_version:
        return
    entries = {}
    for korean, english in LearnedTerm.objects.filter(build=build).values_list("korean", "english"):
        entries.setdefault(korean, []).append(english)
    lexicon.use_learned(entries, build)


def approved_pairs():
    """(Korean, English) of every approved row that holds one paragraph on each side."""
    rows = (
        Paragraph.objects.filter(status=Paragraph.Status.APPROVED)
        .exclude(source="")
        .exclude(text="")
        .values_list("source", "text")
    )
    for source, text in rows.iterator(chunk_size=CHUNK):
        sources = [p for p in source.split("\n\n") if p.strip()]
        targets = [p for p in text.split("\n\n") if p.strip()]
        if len(sources) == 1 and len(targets) == 1:
            yield sources[0], targets[0]


@transaction.atomic
def rebuild() -> tuple[int, int, int]:
    """Learn the lexicon again from the approved rows and store it as a new build in place
    of the old: (build, Korean words, associations)."""
    learned = learn(approved_pairs())
    build = (current_build() or 0) + 1
    LearnedTerm.objects.bulk_create(
        (
            LearnedTerm(build=build, korean=korean, english=english, score=score)
            for korean, words in learned.items()
            for english, score in words.items()
        ),
        batch_size=CHUNK,
    )
    LearnedTerm.objects.filter(build__lt=build).delete()
    return build, len(learned), sum(map(len, learned.values()))
