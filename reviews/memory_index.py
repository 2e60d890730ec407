"""The translation memory's candidate index: MinHash band keys of each approved row's Korean and
of each imported unit's, in two tables of (key, owner) that one btree each serves, on
PostgreSQL and on SQLite alike.

Why not trigrams or words: the desk's Korean (and the bench's, which is templated) shares its
trigrams and its words with a tenth to a quarter of all rows, so any index on them reads long
posting lists for every look-up (bench/memory.md). A band key is a hash of two MinHash
values together, so two paragraphs share it with a probability of about J**2, J being the
Jaccard similarity of their sets of 5-character shingles: a near-duplicate (J about 0.7)
shares half of its 16 keys, a looser match (difflib 0.8, J about 0.4) two or three; an
unrelated paragraph of the same boilerplate (J 0.1) rarely one. Three values a band missed
the demo's 0.79 match (no key shared; tests/test_commands.py).

The signature is one-permutation MinHash (each shingle hashed once into one of BINS bins, the
smallest per bin kept; an empty bin borrows the next filled bin's value and its distance), so a
paragraph costs one hash per shingle, not one per shingle and bin: rebuilding 200,000 rows and
units takes a minute instead of six.

What keeps it right: `index_rows` is called wherever a row becomes approved, `forget_rows`
wherever it stops being approved or its Korean changes, `index_units` when units are imported,
`rebuild` after an archive is loaded and from `manage.py rebuild_memory_index`. Deleting a row,
a document or a unit deletes its keys (the foreign keys cascade). Stop keys (MemoryStopKey,
keys CAP owners of a source share) are added by index_rows and index_units when a key reaches
CAP and recomputed by rebuild; taking owners out leaves them. A stale key can cost a
suggestion, never show one: the look-up reads the candidates back with the conditions of
memory.approved_rows and memory.memory_units (the same statement, memory.ranked_rows_sql and
ranked_units_sql), visibility being Document.objects.visible_to's own subquery.
"""

import hashlib
from functools import lru_cache

from django.db import connection, transaction

from reviews.models import MemoryRowKey, MemoryStopKey, MemoryUnit, MemoryUnitKey, Paragraph

APPROVED = Paragraph.Status.APPROVED.value  # a plain string, as historical models store it

SHINGLE = 5  # characters: a Korean word and its particle, about
BINS = 32
ROWS_PER_BAND = 2
BANDS = BINS // ROWS_PER_BAND
# A band key shared by more owners than this tells little (it is boilerplate): the look-up
# reads only its newest CAP owners, so no key costs more than CAP index entries.
CAP = 2_000
BATCH = 2_000
# A key with at least CAP owners in a source is a stop key of that source (MemoryStopKey), the
# classic rule of information retrieval: it is in so many paragraphs that sharing it says
# almost nothing, yet counting its CAP entries is most of a look-up's cost (bench/memory.md).
# The look-up counts only the text's other keys, as long as at least this many are left;
# with fewer (a text made mostly of boilerplate) it counts them all, capped, as before.
MIN_RARE_KEYS = 4
STOP_ROW = MemoryStopKey.Source.ROW.value
STOP_UNIT = MemoryStopKey.Source.UNIT.value


def _hash(text):
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())


def shingles(text):
    normal = " ".join(text.lower().split())
    if len(normal) <= SHINGLE:
        return {normal} if normal else set()
    return {normal[i : i + SHINGLE] for i in range(len(normal) - SHINGLE + 1)}


@lru_cache(maxsize=256)  # a look-up asks for the same text's keys once per source
def band_keys(text):
    """The text's BANDS keys (signed 64-bit, as the columns hold them); none for empty text."""
    signature = [None] * BINS
    for shingle in shingles(text):
        value = _hash(shingle)
        slot, rest = value % BINS, value // BINS
        if signature[slot] is None or rest < signature[slot]:
            signature[slot] = rest
    filled = [slot for slot in range(BINS) if signature[slot] is not None]
    if not filled:
        return []
    dense = []
    for slot in range(BINS):
        if signature[slot] is not None:
            dense.append(str(signature[slot]))
        else:
            # Densified: the next filled bin (cyclically) and how far it is, so that two texts
            # agree on an empty bin only when they agree on the bin it borrows.
            donor = next((f for f in filled if f > slot), filled[0])
            dense.append(f"{signature[donor]}+{(donor - slot) % BINS}")
    keys = set()
    for band in range(BANDS):
        values = ",".join(dense[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND])
        digest = hashlib.blake2b(f"{band}:{values}".encode(), digest_size=8).digest()
        keys.add(int.from_bytes(digest, signed=True))
    return tuple(sorted(keys))


def _write(model, columns, rows):
    """Bulk insert of plain tuples: COPY on PostgreSQL, executemany elsewhere."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        # Table and column names come from the models, never from input.
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _row_keys(rows):
    for pk, document_id, source in rows:
        for key in band_keys(source):
            yield key, document_id, pk


def _unit_keys(units):
    for pk, source in units:
        for key in band_keys(source):
            yield key, pk


def _crowded(model, keys):
    """Those of `keys` that at least CAP owners in `model`'s table share: each probe walks at
    most CAP entries of the primary key, however common the key."""
    table = model._meta.db_table
    crowded = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 200):
            part = keys[start : start + 200]
            if connection.vendor == "postgresql":
                wanted, arguments = "unnest(%s::bigint[]) AS wanted(key)", [part]
            else:
                arms = " UNION ALL ".join(["SELECT %s AS key"] * len(part))
                wanted, arguments = f"({arms}) AS wanted", part
            cursor.execute(
                f"SELECT wanted.key FROM {wanted} WHERE EXISTS (SELECT 1 FROM {table} "  # noqa: S608
                f"WHERE {table}.key = wanted.key LIMIT 1 OFFSET {CAP - 1})",
                arguments,
            )
            crowded.update(key for (key,) in cursor.fetchall())
    return crowded


def _stop_keys(keys, source=None):
    """{source: those of `keys` that are its stop keys}, of `source` alone or of every source,
    in plain SQL: a first look-up asks for its 16 keys (the ORM's form cost more than the
    read)."""
    found = {}
    only = "source = %s AND " if source is not None else ""
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 500):  # SQLite caps the parameters of one query
            part = keys[start : start + 500]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT source, key FROM {MemoryStopKey._meta.db_table} "  # noqa: S608
                f"WHERE {only}key IN ({marks})",
                [source, *part] if source is not None else part,
            )
            for stop_source, key in cursor.fetchall():
                found.setdefault(stop_source, set()).add(key)
    return found


def _stop_keys_among(source, keys):
    """Those of `keys` that are stop keys of `source`."""
    return _stop_keys(keys, source).get(source, set())


def _add_stop_keys(source, model, keys):
    """After `keys` gained owners: those that reached CAP become stop keys of `source`. Only
    the keys not stop keys already are probed. A key whose owners fall under CAP again (rows
    taken out) stays a stop key until the next rebuild: what was boilerplate still is, and a
    save on an approved row costs no count. Two approvals at once may both miss the crossing;
    the key is then counted, capped, as every key was before stop keys, until the next write
    to it or a rebuild."""
    keys = sorted(set(keys))
    if not keys:
        return
    probed = sorted(set(keys) - _stop_keys_among(source, keys))
    crowded = _crowded(model, probed) if probed else set()
    MemoryStopKey.objects.bulk_create(
        [MemoryStopKey(key=key, source=source) for key in sorted(crowded)], ignore_conflicts=True
    )


def _searched(keys, stop):
    rare = tuple(key for key in keys if key not in stop)
    return rare if len(rare) >= MIN_RARE_KEYS else keys


def searched_keys(source, keys):
    """The keys a look-up counts for `source`: the text's keys without the source's stop keys,
    when at least MIN_RARE_KEYS are left; else all of them (each read up to CAP, as always)."""
    if not keys:
        return keys
    return _searched(keys, _stop_keys_among(source, list(keys)))


def searched_keys_by_source(keys):
    """{source: searched_keys(source, keys)} for the rows and the units, from one query."""
    stop = _stop_keys(list(keys)) if keys else {}
    return {source: _searched(keys, stop.get(source, ())) for source in (STOP_ROW, STOP_UNIT)}


@transaction.atomic
def forget_rows(pks):
    """Take rows out of the index (they stopped being approved, or their Korean changed)."""
    MemoryRowKey.objects.filter(paragraph_id__in=list(pks)).delete()


@transaction.atomic
def index_rows(pks):
    """(Re)index these rows: the approved ones get their keys, the others lose them."""
    pks = list(pks)
    for start in range(0, len(pks), 500):  # SQLite caps the parameters of one query
        part = pks[start : start + 500]
        forget_rows(part)
        rows = Paragraph.objects.filter(pk__in=part, status=APPROVED)
        written = list(
            _row_keys(rows.exclude(source="").values_list("pk", "document_id", "source"))
        )
        _write(MemoryRowKey, ["key", "document_id", "paragraph_id"], written)
        _add_stop_keys(STOP_ROW, MemoryRowKey, [key for key, _, _ in written])


@transaction.atomic
def index_units(pks):
    pks = list(pks)
    for start in range(0, len(pks), 500):
        part = pks[start : start + 500]
        MemoryUnitKey.objects.filter(unit_id__in=part).delete()
        units = MemoryUnit.objects.filter(pk__in=part).exclude(source="")
        keys = list(_unit_keys(units.values_list("pk", "source")))
        _write(MemoryUnitKey, ["key", "unit_id"], keys)
        _add_stop_keys(STOP_UNIT, MemoryUnitKey, [key for key, _ in keys])


def _batches(queryset):
    """values_list rows in pk order, a list at a time: read before each COPY, since one
    connection cannot fetch from a cursor while a COPY is open."""
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        batch = list(page.order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


@transaction.atomic
def rebuild(apps=None):
    """The whole index from scratch; returns (row keys, unit keys) written. A migration passes
    its `apps`, so it reads the tables as they are at that migration, not as the code is now."""
    if apps is None:
        row_key, unit_key, paragraph, unit = MemoryRowKey, MemoryUnitKey, Paragraph, MemoryUnit
    else:
        row_key, unit_key, paragraph, unit = (
            apps.get_model("reviews", name)
            for name in ("MemoryRowKey", "MemoryUnitKey", "Paragraph", "MemoryUnit")
        )
    row_key.objects.all().delete()
    unit_key.objects.all().delete()
    rows = (
        paragraph.objects.filter(status=APPROVED)
        .exclude(source="")
        .values_list("pk", "document_id", "source")
    )
    for batch in _batches(rows):
        _write(row_key, ["key", "document_id", "paragraph_id"], list(_row_keys(batch)))
    units = unit.objects.exclude(source="").values_list("pk", "source")
    for batch in _batches(units):
        _write(unit_key, ["key", "unit_id"], list(_unit_keys(batch)))
    if connection.vendor == "postgresql":
        # Fresh statistics: without them the planner takes a key for thousands of rows.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {row_key._meta.db_table}")
            cursor.execute(f"ANALYZE {unit_key._meta.db_table}")
    rebuild_stop_keys(apps)
    return row_key.objects.count(), unit_key.objects.count()


@transaction.atomic
def rebuild_stop_keys(apps=None):
    """Every stop key from the key tables as they are: one count per key, in one pass each."""
    models = (MemoryRowKey, MemoryUnitKey, MemoryStopKey)
    if apps is not None:
        try:
            models = [apps.get_model("reviews", model.__name__) for model in models]
        except LookupError:  # migration 0019's rebuild, before 0022 made the table
            return
    row_key, unit_key, stop_key = models
    stop_key.objects.all().delete()
    stop = stop_key._meta.db_table
    with connection.cursor() as cursor:
        for source, model in ((STOP_ROW, row_key), (STOP_UNIT, unit_key)):
            cursor.execute(
                f"INSERT INTO {stop} (key, source) SELECT key, %s FROM "  # noqa: S608
                f"{model._meta.db_table} GROUP BY key HAVING COUNT(*) >= %s",
                [source, CAP],
            )
