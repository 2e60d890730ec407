"""Fixing the pairing by hand while a document is in the aligning stage.

The pairing is a list of rows; each row holds zero or more Korean and zero or more English
paragraphs. Every action rewrites the rows in one transaction and records an Event whose
payload keeps the rows as they were, so any action can be undone (the undo is an event too).
Rows a person touched are pinned: "re-align the rest" keeps them and runs the aligner only
between them. No revision exists before the pairing is confirmed, so nothing of the
translation's history is rewritten here.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from reviews import workflow
from reviews.alignment import align
from reviews.diffing import check_length
from reviews.findings import refresh_document
from reviews.learned_lexicon import refresh as refresh_learned_lexicon
from reviews.models import Document, Event, Paragraph

SIDES = ("source", "target")
BREAK = "\n\n"


class PairingRefused(Exception):
    """An action that does not fit the rows, with a message for the person."""


class StalePairing(PairingRefused):
    """The rows changed since the author loaded them: a row position no longer means the
    paragraphs they saw there."""

    def __init__(self):
        super().__init__(
            "The pairing changed since you loaded it. Here are the rows as they are now."
        )


@dataclass
class Row:
    source: list = field(default_factory=list)
    target: list = field(default_factory=list)
    confidence: float = 1.0
    pinned: bool = False

    def side(self, name):
        return self.source if name == "source" else self.target

    def is_empty(self):
        return not self.source and not self.target


def split_cell(text):
    return [part for part in text.split(BREAK) if part]


def load(document):
    return [
        Row(split_cell(p.source), split_cell(p.text), p.alignment_confidence, p.pinned)
        for p in document.paragraphs.order_by("position")
    ]


def snapshot(rows):
    return [[list(row.source), list(row.target), row.confidence, row.pinned] for row in rows]


def from_snapshot(data):
    return [
        Row(list(source), list(target), confidence, pinned)
        for source, target, confidence, pinned in data
    ]


def save(document, rows):
    rows = [row for row in rows if not row.is_empty()]
    for row in rows:
        check_length(BREAK.join(row.target))
    document.paragraphs.all().delete()
    Paragraph.objects.bulk_create(
        Paragraph(
            document=document,
            position=position,
            source=BREAK.join(row.source),
            text=BREAK.join(row.target),
            alignment_confidence=row.confidence,
            pinned=row.pinned,
        )
        for position, row in enumerate(rows)
    )
    refresh_document(document)


def row_at(rows, index):
    if not isinstance(index, int) or not 0 <= index < len(rows):
        raise PairingRefused("That row no longer exists; the page was out of date.")
    return rows[index]


def pin(*rows):
    for row in rows:
        row.pinned, row.confidence = True, 1.0


# Each action takes the rows, a row index, a side and maybe a paragraph index, and changes the
# rows in place.


def merge_next(rows, index, side, at=None):
    """Bring the next row's paragraphs of one side up into this row."""
    row, below = row_at(rows, index), row_at(rows, index + 1)
    if not below.side(side):
        raise PairingRefused("The next row has nothing on that side to merge.")
    row.side(side).extend(below.side(side))
    below.side(side).clear()
    pin(row, below)


def split(rows, index, side, at):
    """Cut one side of a row at a paragraph break: the rest starts a new row below."""
    row = row_at(rows, index)
    paragraphs = row.side(side)
    if at is None or not 0 < at < len(paragraphs):
        raise PairingRefused("Split at a break between two paragraphs.")
    new = Row()
    new.side(side).extend(paragraphs[at:])
    del paragraphs[at:]
    rows.insert(index + 1, new)
    pin(row, new)


def move_up(rows, index, side, at=None):
    """The first paragraph of this side moves to the end of the row above."""
    row, above = row_at(rows, index), row_at(rows, index - 1) if index > 0 else None
    if above is None or not row.side(side):
        raise PairingRefused("There is nothing to move up.")
    above.side(side).append(row.side(side).pop(0))
    pin(row, above)


def move_down(rows, index, side, at=None):
    """The last paragraph of this side moves to the start of the row below (a new row at the
    end if there is none)."""
    row = row_at(rows, index)
    if not row.side(side):
        raise PairingRefused("There is nothing to move down.")
    if index + 1 == len(rows):
        rows.append(Row())
    below = rows[index + 1]
    below.side(side).insert(0, row.side(side).pop())
    pin(row, below)


def insert_empty(rows, index, side, at=None):
    """An empty cell on one side here: that side's cells from this row on move down a row."""
    row_at(rows, index)
    cells = [row.side(side)[:] for row in rows[index:]] + [[]]
    rows.append(Row())
    for offset, row in enumerate(rows[index:]):
        row.side(side)[:] = [] if offset == 0 else cells[offset - 1]
    pin(*rows[index : index + 2])


def move_to(rows, index, side, at, to):
    """Drag and drop: paragraph `at` of this cell goes to row `to`. A side's order never
    changes, so the paragraphs lying between it and that row go along: moving down, those after
    it (in its row and the rows between) start row `to` with it; moving up, those before it end
    row `to` with it. Rows outside the two are left as they are."""
    row = row_at(rows, index)
    if not isinstance(to, int) or not 0 <= to < len(rows):
        raise PairingRefused("That row no longer exists; the page was out of date.")
    paragraphs = row.side(side)
    if not isinstance(at, int) or not 0 <= at < len(paragraphs):
        raise PairingRefused("That paragraph is no longer there; the page was out of date.")
    if to == index:
        raise PairingRefused("The paragraph is already in that row.")
    target, changed = rows[to], [row, rows[to]]
    if to > index:
        carried = paragraphs[at:]
        del paragraphs[at:]
        between = rows[index + 1 : to]
    else:
        carried = []
        between = rows[to + 1 : index]
    for passed in between:
        if passed.side(side):
            changed.append(passed)
            carried.extend(passed.side(side))
            passed.side(side).clear()
    if to > index:
        target.side(side)[:0] = carried
    else:
        carried.extend(paragraphs[: at + 1])
        del paragraphs[: at + 1]
        target.side(side).extend(carried)
    pin(*changed)


ACTIONS = {
    "merge_next": merge_next,
    "split": split,
    "move_up": move_up,
    "move_down": move_down,
    "insert_empty": insert_empty,
    "move_to": move_to,
}


def realign_unpinned(rows):
    """Run the aligner over each stretch of rows that nobody pinned."""
    result, stretch = [], []

    def flush():
        source = [p for row in stretch for p in row.source]
        target = [p for row in stretch for p in row.target]
        for source_indices, target_indices, confidence in align(source, target):
            result.append(
                Row(
                    [source[i] for i in source_indices],
                    [target[i] for i in target_indices],
                    confidence,
                )
            )
        stretch.clear()

    for row in rows:
        if row.pinned:
            flush()
            result.append(row)
        else:
            stretch.append(row)
    flush()
    return result


def locked_document(user, document, seen_version):
    """The document, locked, if the user may align it and the pairing is still the one they
    saw (`seen_version`)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    reason = workflow.refusal(user, "align", document)
    if reason:
        raise PermissionDenied(reason)
    if seen_version != document.pairing_version:
        raise StalePairing()
    return document


def bump_version(document):
    document.pairing_version += 1
    document.save(update_fields=["pairing_version", "updated_at"])


@transaction.atomic
def change_pairing(
    user, document, action, index=None, side=None, at=None, *, seen_version, to=None
):
    """Apply one action ("realign" for the rest, or one of ACTIONS) and record it. `to` is
    the row a paragraph is dragged to ("move_to" only)."""
    document = locked_document(user, document, seen_version)
    rows = load(document)
    before = snapshot(rows)
    if action == "realign":
        refresh_learned_lexicon()
        rows = realign_unpinned(rows)
    elif action in ACTIONS:
        if side not in SIDES:
            raise PairingRefused("Choose the Korean or the English side.")
        extra = (to,) if action == "move_to" else ()
        ACTIONS[action](rows, index, side, at, *extra)
    else:
        raise PairingRefused("Unknown action.")
    save(document, rows)
    bump_version(document)
    Event.record(
        document,
        user,
        Event.Verb.REALIGNED,
        action=action,
        row=index,
        side=side,
        at=at,
        **({"to": to} if action == "move_to" else {}),
        before=before,
    )
    return document


def undo_stack(document):
    """The pairing events not yet undone, newest last."""
    stack = []
    events = document.events.filter(verb=Event.Verb.REALIGNED).order_by("pk")
    # Only the ids and actions: each payload holds a whole snapshot of the rows.
    for pk, action in events.values_list("pk", "payload__action"):
        if action == "undo":
            if stack:
                stack.pop()
        else:
            stack.append(pk)
    return stack


@transaction.atomic
def undo(user, document, *, seen_version):
    document = locked_document(user, document, seen_version)
    stack = undo_stack(document)
    if not stack:
        raise PairingRefused("There is nothing to undo.")
    last = Event.objects.get(pk=stack[-1])
    before = snapshot(load(document))
    save(document, from_snapshot(last.payload["before"]))
    bump_version(document)
    Event.record(document, user, Event.Verb.REALIGNED, action="undo", undoes=last.pk, before=before)
    return last


SIDE_NAMES = {"source": "Korean", "target": "English"}


def describe_change(payload):
    """A pairing event in words for the activity page ("merged rows 3 and 4 on the English
    side", "moved English paragraph 5 up"), from the action, row and side it recorded and the
    rows as they were before (paragraphs are numbered along their side of the document)."""
    action, index, side = payload.get("action"), payload.get("row"), payload.get("side")
    if action == "realign":
        return "re-aligned the rows nobody fixed by hand"
    if action == "undo":
        return "undid the last pairing change"
    before, language = payload.get("before") or [], SIDE_NAMES.get(side)
    if not isinstance(index, int) or not 0 <= index < len(before) or language is None:
        return ""
    column = SIDES.index(side)
    earlier = sum(len(row[column]) for row in before[:index])
    row_number = index + 1
    if action == "merge_next":
        return f"merged rows {row_number} and {row_number + 1} on the {language} side"
    if action == "move_up":
        return f"moved {language} paragraph {earlier + 1} up to row {row_number - 1}"
    if action == "move_down":
        last = earlier + len(before[index][column])
        return f"moved {language} paragraph {last} down to row {row_number + 1}"
    if action == "move_to":
        return describe_move(payload, before, column, language)
    if action == "insert_empty":
        return f"inserted an empty {language} cell at row {row_number}"
    if action == "split":
        at = payload.get("at")
        if isinstance(at, int):
            return f"split row {row_number} before {language} paragraph {earlier + at + 1}"
        return f"split row {row_number} on the {language} side"
    return ""


def describe_move(payload, before, column, language):
    """ "moved English paragraph 5 from row 3 to row 7", and which paragraphs went along."""
    index, at, to = payload.get("row"), payload.get("at"), payload.get("to")
    if not isinstance(at, int) or not isinstance(to, int) or not 0 <= to < len(before):
        return ""
    number = sum(len(row[column]) for row in before[:index]) + at + 1
    line = f"moved {language} paragraph {number} from row {index + 1} to row {to + 1}"
    if to > index:
        along = len(before[index][column]) - at - 1
        along += sum(len(row[column]) for row in before[index + 1 : to])
        first, last = number + 1, number + along
    else:
        along = at + sum(len(row[column]) for row in before[to + 1 : index])
        first, last = number - along, number - 1
    if along == 1:
        line += f", taking paragraph {first} along to keep the order"
    elif along > 1:
        joined = "and" if along == 2 else "to"
        line += f", taking paragraphs {first} {joined} {last} along to keep the order"
    return line
