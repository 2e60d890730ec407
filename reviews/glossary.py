"""The desk's glossary: add, change and remove terms (each change logged), CSV in and out.

Every write goes through these functions, so the change log (GlossaryChange) is complete and
the term marks in the document page (reviews/glossary_marks.py) see every new version.
"""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from reviews import findings, workflow
from reviews.models import GlossaryChange, GlossaryTerm

# Forbidden variants are kept as a list; in forms and CSV files they are written with this
# between them ("|" rather than ";" or ",", which occur inside English renderings).
VARIANT_SEPARATOR = "|"
CSV_COLUMNS = ["korean", "english", "forbidden", "note"]
MAX_IMPORT_ROWS = 20_000
# Excel runs a cell starting with these as a formula; exported cells get a leading "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIELDS = ("korean", "english", "forbidden", "note")


class ImportRefused(ValueError):
    """A CSV file that cannot be imported; the message is meant for a person."""


def split_variants(value):
    return [v for v in (" ".join(part.split()) for part in value.split(VARIANT_SEPARATOR)) if v]


def join_variants(variants):
    return f" {VARIANT_SEPARATOR} ".join(variants)


def _require(user):
    reason = workflow.refusal(user, "edit_glossary", None)
    if reason:
        raise PermissionDenied(reason)


def _changes(before, after):
    """[[field, before, after], ...] in the form's order (a list: PostgreSQL's jsonb would
    reorder the keys of a dict)."""
    return [[f, before[f], after[f]] for f in FIELDS if before[f] != after[f]]


def _values(term):
    return {f: getattr(term, f) for f in FIELDS}


def _log(user, term, action, *, korean_before=None, **payload):
    # Rows holding the term are checked again once the change is committed (an import does
    # that once, for all its terms).
    if payload.get("via") != "import":
        koreans = {term.korean, korean_before or term.korean}
        transaction.on_commit(lambda: findings.refresh_after_glossary_change(koreans))
    GlossaryChange.objects.create(
        term_pk=term.pk,
        actor=user,
        action=action,
        korean=term.korean,
        english=term.english,
        payload=payload,
    )


@transaction.atomic
def add_term(user, *, korean, english, forbidden=(), note="", via="form"):
    _require(user)
    term = GlossaryTerm(
        korean=korean, english=english, forbidden=list(forbidden), note=note, created_by=user
    )
    term.full_clean()
    term.save()
    _log(user, term, GlossaryChange.Action.ADDED, via=via)
    return term


@transaction.atomic
def update_term(user, term, *, korean, english, forbidden=(), note="", via="form"):
    """Change a term; a change that changes nothing is not logged."""
    _require(user)
    term = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
    before = _values(term)
    term.korean, term.english, term.forbidden, term.note = korean, english, list(forbidden), note
    changes = _changes(before, _values(term))
    if not changes:
        return term
    term.full_clean()
    term.save()
    _log(
        user,
        term,
        GlossaryChange.Action.CHANGED,
        korean_before=before["korean"],
        via=via,
        changes=changes,
    )
    return term


@transaction.atomic
def remove_term(user, term):
    """Remove a term. The log keeps what it said, so the desk can see who removed what."""
    _require(user)
    term = GlossaryTerm.objects.select_for_update().get(pk=term.pk)
    _log(user, term, GlossaryChange.Action.REMOVED, removed=_values(term))
    term.delete()


# --------------------------------------------------------------------------- CSV


def export_csv(terms):
    """UTF-8 with a byte order mark, so Excel opens the Korean as Korean."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for term in terms:
        row = [term.korean, term.english, join_variants(term.forbidden), term.note]
        writer.writerow([f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _decode(data):
    """UTF-8 (with or without the BOM Excel writes) or, failing that, CP949, which Excel on a
    Korean Windows uses for "CSV" files."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("The file is neither UTF-8 nor CP949 text; save it as CSV UTF-8.")


def _cell(value):
    # Undo the export's formula guard: "'=x" was written for "=x".
    value = " ".join(value.split())
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS[:4]):
        return value[1:]
    return value


@dataclass
class ImportResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def _parse(text):
    """[(line number, {column: value})]; raises ImportRefused naming the line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused("The file is empty.") from None
    except csv.Error as error:
        raise ImportRefused(f"Line 1: {error}.") from None
    columns = [name.strip().lower() for name in header]
    missing = [name for name in ("korean", "english") if name not in columns]
    unknown = [name for name in columns if name not in CSV_COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        raise ImportRefused(
            "Line 1 must name the columns korean, english, forbidden, note (forbidden and note "
            f"may be left out); it reads: {', '.join(header)[:200]}."
        )
    rows = []
    line = 1
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                raise ImportRefused(
                    f"Line {start}: {len(record)} cells, but the header names {len(columns)}."
                )
            values = dict(zip(columns, [_cell(cell) for cell in record], strict=False))
            rows.append((start, values))
            if len(rows) > MAX_IMPORT_ROWS:
                raise ImportRefused(f"The file has more than {MAX_IMPORT_ROWS:,} terms.")
    except csv.Error as error:
        raise ImportRefused(f"Line {line + 1}: {error}.") from None
    return rows


def _message(error):
    if hasattr(error, "message_dict"):
        return " ".join(
            f"{'' if field == '__all__' else field + ': '}{' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


@transaction.atomic
def import_csv(user, data):
    """Add the file's terms, or update the note and forbidden variants of a term already
    there (same Korean and English). One bad row and nothing is imported: ImportRefused
    names its line."""
    _require(user)
    rows = _parse(_decode(data))
    if not rows:
        raise ImportRefused("The file has a header but no terms.")
    existing = {
        (term.korean, term.english.lower()): term
        for term in GlossaryTerm.objects.select_for_update()
    }
    seen = {}
    result = ImportResult()
    for line, values in rows:
        new = {
            "korean": values.get("korean", ""),
            "english": values.get("english", ""),
            "forbidden": split_variants(values.get("forbidden", "")),
            "note": values.get("note", ""),
        }
        key = (new["korean"], new["english"].lower())
        if key in seen:
            duplicate = f"{new['korean']} = {new['english']} is already on line {seen[key]}"
            raise ImportRefused(f"Line {line}: {duplicate}.")
        seen[key] = line
        term = existing.get(key)
        try:
            if term is None:
                add_term(user, **new, via="import")
                result.added += 1
            elif _changes(_values(term), new):
                update_term(user, term, **new, via="import")
                result.changed += 1
            else:
                result.unchanged += 1
        except ValidationError as error:
            raise ImportRefused(f"Line {line}: {_message(error)}") from None
    koreans = {korean for korean, _ in seen}
    transaction.on_commit(lambda: findings.refresh_after_glossary_change(koreans))
    return result
