"""Generated desk data for the load benchmark: documents, rows, revisions and comments.

Everything is made up here from small phrase tables (Korean sentences and their English
translations, written for this file), so it reads like a news desk's archive: paragraphs of two
to four sentences, documents spread over the stages, several translators and editors, word
edits accepted and rejected, proposals open on some rows in review, threaded comments with
categories and severities, most resolved once a document is approved.

Rows go in with PostgreSQL's COPY (psycopg's `cursor.copy`) or, on SQLite, `executemany`;
ids are assigned here so revisions and comments can point at their rows without a round trip.
Audit events are written per document (upload and stage changes), not per revision: the
pages measured do not read them, and they would double the seeding time at scale L.

Rows carry the quality checks' findings as the app stores them (reviews.findings, the same
code the upload runs, over each document's final texts), so the document pages render
findings as they would on a real desk. Every document the harness drives is checked; of the
archive, whose findings no measured page reads, every document at S and every eighth at L
(Scale.checked_every, to keep its seeding within minutes); the others have none.

`seed(scale)` returns a `Seeded` with the ids the harness drives: the people, the 40- and
400-row pages, rows to save, proposals to accept, documents whose pairing is to be confirmed.
"""

import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction

from reviews import memory_index
from reviews.diffing import word_count
from reviews.findings import CheckedRow, all_row_findings, document_findings
from reviews.models import (
    Comment,
    Document,
    Event,
    MemoryUnit,
    Paragraph,
    Revision,
    Role,
    Stage,
)

PASSWORD = "bench-desk-password"  # noqa: S105 - generated people on a scratch database


@dataclass(frozen=True)
class Scale:
    name: str
    documents: int  # the archive, besides the documents the harness drives
    rows_per_document: tuple  # (low, high) rows of an archive document
    translators: int
    editors: int
    accept_documents: int  # 400-row documents with one open proposal on every row
    confirm_documents: int  # 1,500-row documents in the aligning stage
    confirm_rows: int = 1_500
    memory_units: int = 0  # imported translation memory (MemoryUnit), as from TMX files
    # Every how many archive documents one gets the checks' findings (see above).
    checked_every: int = 1


SCALES = {
    # Minutes in all: a small desk's first months.
    "S": Scale(
        "S", 400, (8, 32), 6, 3, accept_documents=10, confirm_documents=9, memory_units=2_000
    ),
    # 20,000 documents, about 400,000 rows, 1.5 million revisions, 200,000 comments.
    "L": Scale(
        "L",
        20_000,
        (8, 32),
        40,
        15,
        accept_documents=20,
        confirm_documents=9,
        memory_units=100_000,
        checked_every=8,
    ),
    # For the harness's own test: seconds.
    "XS": Scale(
        "XS",
        6,
        (3, 6),
        2,
        2,
        accept_documents=1,
        confirm_documents=3,
        confirm_rows=30,
        memory_units=20,
    ),
}

# Stages of the archive, by share of documents.
STAGE_SHARES = [
    (Stage.ALIGNING, 0.05),
    (Stage.TRANSLATING, 0.25),
    (Stage.REVIEWING, 0.30),
    (Stage.APPROVED, 0.15),
    (Stage.PUBLISHED, 0.25),
]
# How many accepted edits a row has after its uploaded translation (weights).
ACCEPTED_EDITS = [0, 1, 2, 3, 4, 5]
ACCEPTED_WEIGHTS = [15, 20, 25, 20, 12, 8]

# --- the phrase tables ---------------------------------------------------------------------

PLACES = [
    ("서울시", "Seoul"),
    ("부산시", "Busan"),
    ("인천시", "Incheon"),
    ("대구시", "Daegu"),
    ("광주시", "Gwangju"),
    ("대전시", "Daejeon"),
    ("울산시", "Ulsan"),
    ("세종시", "Sejong"),
    ("경기도", "Gyeonggi Province"),
    ("제주도", "Jeju Province"),
]
BODIES = [
    ("시의회", "the city council"),
    ("교육청", "the education office"),
    ("보건소", "the public health centre"),
    ("소방본부", "the fire department"),
    ("경찰청", "the police agency"),
    ("상공회의소", "the chamber of commerce"),
    ("환경단체", "an environmental group"),
    ("노동조합", "the labour union"),
]
TOPICS = [
    ("대중교통 요금", "public transport fares", "Fares"),
    ("노인 돌봄 사업", "elderly care programmes", "Elderly care"),
    ("청년 주거 지원", "housing support for young people", "Youth housing"),
    ("미세먼지 대책", "measures against fine dust", "Fine dust"),
    ("하천 정비 공사", "river restoration works", "River works"),
    ("공공 도서관 확충", "the expansion of public libraries", "Libraries"),
    ("전통시장 활성화", "the revival of traditional markets", "Markets"),
    ("야간 응급 진료", "night-time emergency care", "Emergency care"),
    ("학교 급식 예산", "the school meals budget", "School meals"),
    ("자전거 도로 확대", "more cycle lanes", "Cycle lanes"),
]
MONTHS = ["1월", "3월", "5월", "7월", "9월", "11월"]
MONTHS_EN = ["January", "March", "May", "July", "September", "November"]

# (Korean, English) sentence pairs; {p} place, {b} body, {t} topic, {n} a number,
# {m} a month, {d} a day.
SENTENCES = [
    (
        "{p}는 {d}일 {t}에 내년까지 {n}억원을 투입하겠다고 밝혔다.",
        "{P} said on the {d}th that it would put {n}00 million won into {T} by next year.",
    ),
    (
        "{b} 관계자는 이번 결정이 시민들의 요구를 반영한 것이라고 설명했다.",
        "An official from {B} explained that the decision reflected what residents had asked for.",
    ),
    (
        "{t}은 지난해보다 {r}% 늘어난 규모로, 역대 최대 수준이다.",
        "The spending on {T} is {r}% larger than last year's, the largest on record.",
    ),
    (
        "일부 전문가들은 재원 마련 방안이 구체적이지 않다고 지적했다.",
        "Some experts pointed out that the plan does not say clearly where the money will "
        "come from.",
    ),
    (
        "{p}는 {m} 중 공청회를 열어 주민 의견을 듣기로 했다.",
        "{P} will hold a public hearing in {M} to hear from residents.",
    ),
    (
        "{b}은 성명을 내고 충분한 논의 없이 추진됐다며 유감을 표했다.",
        "In a statement, {B} expressed regret that the plan had gone ahead without enough "
        "discussion.",
    ),
    (
        "시민 {n}명을 대상으로 한 설문에서 응답자의 절반 이상이 찬성했다.",
        "In a survey of {n} residents, more than half of those who answered were in favour.",
    ),
    (
        "{t} 관련 예산은 {m}부터 단계적으로 집행될 예정이다.",
        "The budget for {T} is to be spent in stages from {M}.",
    ),
    (
        "이 사업이 마무리되면 하루 평균 {n}만 명이 혜택을 볼 것으로 예상된다.",
        "Once the project is finished, an average of {n}0,000 people a day are expected "
        "to benefit.",
    ),
    (
        "{b} 측은 다음 달까지 세부 계획을 내놓겠다고 덧붙였다.",
        "{B} added that it would present a detailed plan by next month.",
    ),
    (
        "{p} 시장은 기자회견에서 “속도보다 안전이 먼저”라고 강조했다.",
        "At a press conference the mayor of {P} stressed that “safety comes before speed”.",
    ),
    (
        "지난 {m} 발표된 보고서에 따르면 관련 민원은 {n}건에 달했다.",
        "According to a report published in {M}, complaints on the matter reached {n}.",
    ),
]
# Words an editor puts in place of a translator's: the edits in the history.
EDIT_WORDS = [
    "announced",
    "stated",
    "intends",
    "residents",
    "citizens",
    "roughly",
    "nearly",
    "council",
    "officials",
    "proposal",
    "scheme",
    "funding",
    "criticised",
    "noted",
    "emphasised",
    "phased",
]
COMMENT_BODIES = [
    ("Is this figure in the original? I read {n} in the Korean.", "accuracy", "major"),
    ("‘{w}’ sounds odd here; our style guide prefers plainer words.", "style", "minor"),
    ("The second sentence of the Korean is missing.", "omission", "critical"),
    ("Please check the name of the body against last week's story.", "terminology", "major"),
    ("This reads a little stiff. Could we split it?", "fluency", "minor"),
    (
        "원문의 날짜와 다릅니다. 확인 부탁드립니다.",
        "accuracy",
        "major",
    ),
    ("We usually write the month out in full.", "style", "minor"),
    ("The quote should keep the speaker's hedging.", "mistranslation", "major"),
]
REPLIES = [
    "Good catch, fixed.",
    "I checked the original: the number is right as it stands.",
    "Agreed, I have proposed a change.",
    "확인했습니다. 수정했어요.",
    "Leaving it as is: it is how the agency words it.",
    "Could you look again after my edit?",
]


def sentence_pair(rng, place, body, topic):
    korean, english = rng.choice(SENTENCES)
    month = rng.randrange(len(MONTHS))
    slots = {
        "n": str(rng.randint(2, 980)),
        "r": str(rng.randint(2, 45)),
        "d": str(rng.randint(1, 28)),
        "m": MONTHS[month],
        "M": MONTHS_EN[month],
        "p": place[0],
        "P": place[1],
        "b": body[0],
        "B": body[1],
        "t": topic[0],
        "T": topic[1],
    }
    english = english.format(**slots)
    return korean.format(**slots), english[0].upper() + english[1:]


def paragraph_pair(rng, place, body, topic):
    pairs = [sentence_pair(rng, place, body, topic) for _ in range(rng.randint(2, 4))]
    return " ".join(k for k, _ in pairs), " ".join(e for _, e in pairs)


# --- word edits and their diffs --------------------------------------------------------------


def substitute(words, rng):
    """A copy of `words` with one word replaced by an editor's word."""
    changed = list(words)
    position = rng.randrange(len(changed))
    choices = [w for w in EDIT_WORDS if w != changed[position]]
    changed[position] = rng.choice(choices)
    return changed


def word_ops(old_words, new_words):
    """Diff ops [[op, text], ...] between two space-joined texts of equal word count, in the
    form `reviews.diffing.diff_words` stores (0 kept, -1 deleted, 1 inserted)."""
    ops = []

    def add(op, text):
        if not text:
            return
        if ops and ops[-1][0] == op:
            ops[-1][1] += text
        else:
            ops.append([op, text])

    for index, (old, new) in enumerate(zip(old_words, new_words, strict=True)):
        if index:
            add(0, " ")
        if old == new:
            add(0, old)
        else:
            add(-1, old)
            add(1, new)
    # Runs of kept text may now sit between two edits; merge is already done by add().
    return ops


# --- writing rows ----------------------------------------------------------------------------


def stamp(moment):
    """A datetime as the database column wants it: aware for PostgreSQL, UTC text for SQLite."""
    if connection.vendor == "postgresql":
        return moment
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def with_defaults(model, columns, rows):
    """Columns and rows completed with the model's defaults for the NOT NULL fields the seeder
    does not set, so a field added to a model later does not break the seeding."""
    extra = [
        field
        for field in model._meta.concrete_fields
        if field.column not in columns and not field.null and field.has_default()
    ]
    values = tuple(field.get_db_prep_save(field.get_default(), connection) for field in extra)
    if not extra:
        return columns, rows
    return [*columns, *(field.column for field in extra)], (tuple(row) + values for row in rows)


def write_rows(model, columns, rows):
    """COPY on PostgreSQL, executemany elsewhere; returns the number of rows written."""
    table = model._meta.db_table
    columns, rows = with_defaults(model, columns, rows)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from this module, never from input.
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == 5_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def next_id(model):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def reset_sequences(*models):
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows explicit ids by itself
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            highest = f"SELECT COALESCE(MAX(id), 1) FROM {table}"  # noqa: S608
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({highest}))")


# --- the seed --------------------------------------------------------------------------------


@dataclass
class Seeded:
    scale: str
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)  # role -> username the harness logs in as
    page_40: int = 0
    page_400: int = 0
    row_fragment: tuple = (0, 0)  # (document, paragraph)
    save_document: int = 0
    save_rows: list = field(default_factory=list)  # [(paragraph, version)]
    comment_document: int = 0
    comment_rows: list = field(default_factory=list)
    proposals: list = field(default_factory=list)  # [(document, revision)]
    confirm_documents: list = field(default_factory=list)
    memory_rows: list = field(default_factory=list)  # [(document, paragraph)] to look up


class Builder:
    """Accumulates rows for each table with ids assigned up front, then writes them."""

    def __init__(self, rng, now):
        self.rng = rng
        self.now = now
        self.ids = {model: next_id(model) for model in (Paragraph, Revision, Comment, Document)}
        self.documents, self.paragraphs, self.revisions = [], [], []
        self.comments, self.events = [], []

    def take(self, model):
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def document(self, *, title, stage, translator, editor, created):
        pk = self.take(Document)
        # Where this document and its rows start, for check() once its rows are in.
        self.document_index, self.document_start = len(self.documents), len(self.paragraphs)
        self.documents.append(
            (
                pk,
                title,
                "ko",
                "en",
                str(stage),
                translator,
                editor,
                translator or editor,
                "",
                "",
                "",
            )
            + (stamp(created), stamp(created + timedelta(days=self.rng.randint(0, 20))), "[]")
        )
        self.events.append((pk, translator or editor, "uploaded", None, "{}", stamp(created)))
        if stage != Stage.ALIGNING:
            moved = json.dumps({"action": "confirm_pairing", "from": "aligning"})
            self.events.append((pk, translator, "transition", None, moved, stamp(created)))
        return pk

    def row(
        self,
        document,
        position,
        source,
        text,
        *,
        stage,
        translator,
        editor,
        created,
        proposal_author=None,
        thread=False,
    ):
        """One paragraph with its history; returns (paragraph id, version, open proposal id)."""
        rng = self.rng
        pk = self.take(Paragraph)
        words = text.split(" ")
        original = words
        version = 1
        confidence = round(rng.uniform(0.45, 1.0), 3)
        if stage == Stage.ALIGNING:
            self.paragraphs.append(
                (
                    pk,
                    document,
                    position,
                    source,
                    word_count(source),
                    text,
                    "",
                    "[]",
                    "translated",
                    1,
                    confidence,
                    False,
                    "[]",
                )
            )
            return pk, 1, None
        moment = created
        self.revisions.append(
            self.revision(
                pk,
                translator,
                "translator",
                text,
                0,
                "",
                [[1, text]],
                "accepted",
                1,
                None,
                moment,
                "uploaded translation",
            )
        )
        for _ in range(rng.choices(ACCEPTED_EDITS, ACCEPTED_WEIGHTS)[0]):
            changed = substitute(words, rng)
            author, role = (editor, "editor") if rng.random() < 0.5 else (translator, "translator")
            moment += timedelta(minutes=rng.randint(3, 600))
            self.revisions.append(
                self.revision(
                    pk,
                    author,
                    role,
                    " ".join(changed),
                    version,
                    " ".join(words),
                    word_ops(words, changed),
                    "accepted",
                    version + 1,
                    author,
                    moment,
                )
            )
            words, version = changed, version + 1
        if rng.random() < 0.1:
            rejected = substitute(words, rng)
            moment += timedelta(minutes=rng.randint(3, 600))
            self.revisions.append(
                self.revision(
                    pk,
                    translator,
                    "translator",
                    " ".join(rejected),
                    version,
                    " ".join(words),
                    word_ops(words, rejected),
                    "rejected",
                    None,
                    editor,
                    moment,
                )
            )
        open_proposal = None
        if proposal_author is not None:
            proposed = substitute(words, rng)
            open_proposal = self.take(Revision)
            self.revisions.append(
                self.revision(
                    pk,
                    proposal_author,
                    "translator",
                    " ".join(proposed),
                    version,
                    " ".join(words),
                    word_ops(words, proposed),
                    "proposed",
                    None,
                    None,
                    moment + timedelta(minutes=5),
                    pk_=open_proposal,
                )
            )
        done = stage in (Stage.APPROVED, Stage.PUBLISHED)
        status = (
            "approved"
            if done or (stage == Stage.REVIEWING and rng.random() < 0.3)
            else ("translated")
        )
        self.paragraphs.append(
            (
                pk,
                document,
                position,
                source,
                word_count(source),
                " ".join(words),
                " ".join(original),
                json.dumps(word_ops(original, words) if version > 1 else [], ensure_ascii=False),
                status,
                version,
                confidence,
                False,
                "[]",
            )
        )
        if thread:
            self.thread(
                document,
                pk,
                editor,
                translator,
                moment,
                resolved=done or rng.random() < 0.5,
                words=words,
            )
        return pk, version, open_proposal

    def check(self, created):
        """Store the checks' findings on the rows of the document begun last and on the
        document, as the app does when a pairing or a text changes (reviews.findings); the
        glossary is empty, as the seeded desk's is."""
        start = self.document_start
        # Paragraph rows are (id, document, position, source, words, text, ..., version, ...).
        rows = [
            CheckedRow(row[0], row[2] + 1, row[9], row[3], row[5])
            for row in self.paragraphs[start:]
        ]
        document = SimpleNamespace(created_at=created, findings=[])
        found = all_row_findings(document, [(row.source, row.text) for row in rows], ())
        for index, findings in enumerate(found, start):
            if findings:
                text = json.dumps(findings, ensure_ascii=False)
                self.paragraphs[index] = (*self.paragraphs[index][:-1], text)
        whole = document_findings(document, rows)
        if whole:
            text = json.dumps(whole, ensure_ascii=False)
            self.documents[self.document_index] = (*self.documents[self.document_index][:-1], text)

    def revision(
        self,
        paragraph,
        author,
        role,
        text,
        base_version,
        base_text,
        diff,
        state,
        version,
        decided_by,
        moment,
        note="",
        pk_=None,
    ):
        pk = pk_ if pk_ is not None else self.take(Revision)
        decided_at = stamp(moment) if decided_by else None
        return (
            pk,
            paragraph,
            author,
            role,
            text,
            base_version,
            base_text,
            json.dumps(diff, ensure_ascii=False),
            state,
            version,
            decided_by,
            decided_at,
            note,
            stamp(moment),
        )

    def thread(self, document, paragraph, editor, translator, moment, *, resolved, words):
        rng = self.rng
        template, category, severity = rng.choice(COMMENT_BODIES)
        body = template.format(n=rng.randint(2, 980), w=rng.choice(words))
        root = self.take(Comment)
        moment += timedelta(minutes=rng.randint(1, 90))
        resolved_at = stamp(moment + timedelta(hours=3)) if resolved else None
        self.comments.append(
            (
                root,
                document,
                paragraph,
                None,
                editor,
                body,
                "",
                "",
                category,
                severity,
                editor if resolved else None,
                resolved_at,
                stamp(moment),
            )
        )
        # Mostly one or two replies, now and then a longer exchange: about 2.5 comments a thread.
        for number in range(rng.choices([0, 1, 2, 3, 4], [15, 35, 30, 12, 8])[0]):
            author = translator if number % 2 == 0 else editor
            moment += timedelta(minutes=rng.randint(1, 300))
            self.comments.append(
                (
                    self.take(Comment),
                    document,
                    paragraph,
                    root,
                    author,
                    rng.choice(REPLIES),
                    "",
                    "",
                    "",
                    "",
                    None,
                    None,
                    stamp(moment),
                )
            )

    def flush(self):
        """Write everything gathered so far, parents before children."""
        counts = {}
        counts["documents"] = write_rows(Document, DOCUMENT_COLUMNS, self.documents)
        counts["rows"] = write_rows(Paragraph, PARAGRAPH_COLUMNS, self.paragraphs)
        counts["revisions"] = write_rows(Revision, REVISION_COLUMNS, self.revisions)
        counts["comments"] = write_rows(Comment, COMMENT_COLUMNS, self.comments)
        counts["events"] = write_rows(Event, EVENT_COLUMNS, self.events)
        self.documents, self.paragraphs, self.revisions = [], [], []
        self.comments, self.events = [], []
        return counts


DOCUMENT_COLUMNS = [
    "id",
    "title",
    "source_lang",
    "target_lang",
    "stage",
    "translator_id",
    "editor_id",
    "created_by_id",
    "source_filename",
    "target_filename",
    "credit_override",
    "created_at",
    "updated_at",
    "findings",
]
PARAGRAPH_COLUMNS = [
    "id",
    "document_id",
    "position",
    "source",
    "source_words",  # COPY bypasses the field's pre_save: counted here, as it counts
    "text",
    "original_text",
    "changes",
    "status",
    "version",
    "alignment_confidence",
    "pinned",
    "findings",
]
REVISION_COLUMNS = [
    "id",
    "paragraph_id",
    "author_id",
    "author_role",
    "text",
    "base_version",
    "base_text",
    "diff",
    "state",
    "version",
    "decided_by_id",
    "decided_at",
    "note",
    "created_at",
]
COMMENT_COLUMNS = [
    "id",
    "document_id",
    "paragraph_id",
    "reply_to_id",
    "author_id",
    "body",
    "quote",
    "quote_side",
    "category",
    "severity",
    "resolved_by_id",
    "resolved_at",
    "created_at",
]
EVENT_COLUMNS = ["document_id", "actor_id", "verb", "paragraph_id", "payload", "created_at"]
MEMORY_UNIT_COLUMNS = [
    "source",
    "target",
    "source_lang",
    "target_lang",
    "creation_id",
    "change_id",
    "origin",
    "imported_by_id",
    "imported_at",
]


def memory_units(rng, count, imported_by, now, files=20):
    """Imported units as an earlier tool's TMX files hold them: the same desk's kind of
    paragraphs, spread over `files` files."""
    for number in range(count):
        place, body, topic = rng.choice(PLACES), rng.choice(BODIES), rng.choice(TOPICS)
        korean, english = paragraph_pair(rng, place, body, topic)
        origin = f"desk-memory-{number % files + 1:02d}.tmx"
        yield (korean, english, "ko-KR", "en-GB", "oldtool", "", origin, imported_by, stamp(now))


def make_people(scale):
    """Translators, editors and a manager, all with one password (hashed once)."""
    hashed = make_password(PASSWORD)
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    given = ["Mina", "Jiwon", "Daniel", "Seoyeon", "Hyun", "Claire", "Minjun", "Ruth", "Sora"]
    family = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Harris", "Moore"]
    people = {Role.TRANSLATOR: [], Role.EDITOR: [], Role.MANAGER: []}
    counts = {Role.TRANSLATOR: scale.translators, Role.EDITOR: scale.editors, Role.MANAGER: 1}
    for role, count in counts.items():
        for number in range(1, count + 1):
            user = User.objects.create(
                username=f"bench-{role}{number}",
                password=hashed,
                first_name=given[(number + len(role)) % len(given)],
                last_name=family[(number * 3 + len(role)) % len(family)],
            )
            user.groups.add(groups[role])
            people[role].append(user.pk)
    return people


def pick_stage(rng):
    return rng.choices([s for s, _ in STAGE_SHARES], [w for _, w in STAGE_SHARES])[0]


def bench_document(
    builder,
    *,
    title,
    rows,
    stage,
    translator,
    editor,
    created,
    proposal_every=None,
    thread_every=None,
    proposals_on_all=False,
):
    """A document the harness drives: every `proposal_every`-th row with an open proposal,
    every `thread_every`-th with a comment thread. Returns (pk, [(row, version, proposal)])."""
    rng = builder.rng
    place, body, topic = rng.choice(PLACES), rng.choice(BODIES), rng.choice(TOPICS)
    pk = builder.document(
        title=title, stage=stage, translator=translator, editor=editor, created=created
    )
    made = []
    for position in range(rows):
        source, text = paragraph_pair(rng, place, body, topic)
        propose = proposals_on_all or bool(proposal_every and position % proposal_every == 1)
        made.append(
            builder.row(
                pk,
                position,
                source,
                text,
                stage=stage,
                translator=translator,
                editor=editor,
                created=created,
                proposal_author=translator if propose else None,
                thread=bool(thread_every and position % thread_every == 3),
            )
        )
    builder.check(created)
    return pk, made


@transaction.atomic
def seed(scale_name="S", *, seed_value=12, progress=print):
    """Fill the (migrated, empty) database for `scale_name`; returns what the harness drives."""
    scale = SCALES[scale_name]
    started = time.perf_counter()
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    people = make_people(scale)
    translators, editors = people[Role.TRANSLATOR], people[Role.EDITOR]
    me_translator, me_editor = translators[0], editors[0]
    seeded = Seeded(scale=scale.name)
    seeded.people = {
        "translator": "bench-translator1",
        "editor": "bench-editor1",
        "manager": "bench-manager1",
    }
    builder = Builder(rng, now)
    totals = {}

    def flush():
        for key, value in builder.flush().items():
            totals[key] = totals.get(key, 0) + value

    # The archive, written in batches of about 200 documents to keep memory flat.
    for number in range(scale.documents):
        place, body, topic = rng.choice(PLACES), rng.choice(BODIES), rng.choice(TOPICS)
        stage = pick_stage(rng)
        translator, editor = rng.choice(translators), rng.choice(editors)
        created = now - timedelta(days=rng.uniform(1, 900))
        title = f"{place[1]}: {topic[2]} ({number + 1})"
        pk = builder.document(
            title=title, stage=stage, translator=translator, editor=editor, created=created
        )
        for position in range(rng.randint(*scale.rows_per_document)):
            source, text = paragraph_pair(rng, place, body, topic)
            in_review = stage == Stage.REVIEWING
            builder.row(
                pk,
                position,
                source,
                text,
                stage=stage,
                translator=translator,
                editor=editor,
                created=created,
                proposal_author=translator if in_review and rng.random() < 0.2 else None,
                thread=stage != Stage.ALIGNING and rng.random() < 0.2,
            )
        if number % scale.checked_every == 0:
            builder.check(created)
        if number % 200 == 199:
            flush()
            progress(f"  {number + 1:,} of {scale.documents:,} documents")

    # The documents the harness drives, all the bench people's.
    people_of = {"translator": me_translator, "editor": me_editor, "created": now}
    seeded.page_40, rows_40 = bench_document(
        builder,
        title="Bench: document page, 40 rows",
        rows=40,
        stage=Stage.REVIEWING,
        proposal_every=5,
        thread_every=10,
        **people_of,
    )
    seeded.page_400, rows_400 = bench_document(
        builder,
        title="Bench: document page, 400 rows",
        rows=400,
        stage=Stage.REVIEWING,
        proposal_every=5,
        thread_every=10,
        **people_of,
    )
    # A row with an open proposal and a comment thread.
    seeded.row_fragment = (seeded.page_400, rows_400[11][0])
    # The editor opens rows of the long document: each asks the memory for its Korean.
    seeded.memory_rows = [(seeded.page_400, row) for row, _, _ in rows_400]
    seeded.save_document, save_rows = bench_document(
        builder, title="Bench: saving edits", rows=400, stage=Stage.REVIEWING, **people_of
    )
    seeded.save_rows = [(row, version) for row, version, _ in save_rows]
    seeded.comment_document, comment_rows = bench_document(
        builder,
        title="Bench: adding comments",
        rows=400,
        stage=Stage.REVIEWING,
        thread_every=10,
        **people_of,
    )
    seeded.comment_rows = [row for row, _, _ in comment_rows]
    for number in range(scale.accept_documents):
        pk, made = bench_document(
            builder,
            title=f"Bench: accepting proposals {number + 1}",
            rows=400,
            stage=Stage.REVIEWING,
            proposals_on_all=True,
            **people_of,
        )
        seeded.proposals += [(pk, proposal) for _, _, proposal in made]
    for number in range(scale.confirm_documents):
        pk, _ = bench_document(
            builder,
            title=f"Bench: confirming a long pairing {number + 1}",
            rows=scale.confirm_rows,
            stage=Stage.ALIGNING,
            **people_of,
        )
        seeded.confirm_documents.append(pk)
    flush()
    if scale.memory_units:
        units = memory_units(rng, scale.memory_units, people[Role.MANAGER][0], now)
        totals["memory units"] = write_rows(MemoryUnit, MEMORY_UNIT_COLUMNS, units)
    reset_sequences(Document, Paragraph, Revision, Comment, MemoryUnit)
    # The memory's band keys of the approved rows and the units, as the app keeps them.
    index_started = time.perf_counter()
    row_keys, unit_keys = memory_index.rebuild()
    totals["memory index keys"] = row_keys + unit_keys
    progress(
        f"  memory index: {row_keys + unit_keys:,} keys in "
        f"{time.perf_counter() - index_started:.0f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seeded.counts = totals
    seeded.seconds = time.perf_counter() - started
    return seeded
