"""Two real app servers, one PostgreSQL database, many people editing the same paragraphs at once.

Two gunicorn processes serve the test database; client threads (stdlib http.client, one
session each, requests spread over both servers) edit the same paragraphs at the same moment
and race to accept rival proposals. Afterwards the database must tell one consistent story:
nothing a server reported as saved is missing, every accepted change moved the paragraph's
version by exactly one, the paragraph's text is its latest accepted revision, and every
conflict handed the author's text back intact. Only PostgreSQL runs this: SQLite has no
row locks to race on.
"""

import html
import os
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import connection

from reviews import workflow
from reviews.importing import create_document
from reviews.models import Revision, Stage
from tests.servers import (
    Client,
    collect_static,
    database_url,
    log_in_all,
    make_desk,
    run_threads,
    server_env,
    server_errors,
    start_server,
    stop_server,
    wait_until_answering,
)

PHASE_SECONDS = 20  # every client loop stops here even if it has edits left

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two app servers racing on row locks need PostgreSQL "
        f"(this run uses {connection.vendor}; set DATABASE_URL=postgres://...)",
    ),
]

# The row fragment's parts: the hidden version, the textarea and the messages.
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
TEXTAREA_RE = re.compile(r"<textarea[^>]*>(.*?)</textarea>", re.S)
CONFLICT_MARK = 'class="conflict"'
ERROR_RE = re.compile(r'<p class="form-error"[^>]*>(.*?)</p>', re.S)
NOTICE_RE = re.compile(r'<p class="notice"[^>]*>(.*?)</p>', re.S)
OVERLAP_MESSAGE = "overlaps a change accepted since"

KOREAN = [
    "서울시의회는 15일 본회의를 열고 내년도 예산안 12조3000억원을 통과시켰다.",
    "이번 예산은 올해보다 4.5% 늘어난 규모로, 복지 분야가 가장 큰 비중을 차지한다.",
    "시는 노인 돌봄 사업에 8000억원을 배정했다고 밝혔다.",
    "교통 분야 예산은 지하철 노후 시설 교체에 집중된다.",
]
ENGLISH = [
    "The Seoul Metropolitan Council passed next year's budget of 12.3 trillion won "
    "at a plenary session on the 15th of the month.",
    "The budget is 4.5% larger than this year's, with welfare taking the largest share "
    "of the total spending.",
    "The city said it had set aside 800 billion won for elderly care programmes across "
    "all of its districts this year.",
    "Transport spending will focus on replacing ageing subway facilities in the older "
    "lines of the network.",
]


# --- servers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Two gunicorn processes on the test database, stopped whatever happens."""
    db_url = database_url(connection.settings_dict)
    workdir = tmp_path_factory.mktemp("concurrency")
    env = server_env(db_url, workdir / "static")
    collect_static(env)
    started = []
    try:
        for name in ("server-a", "server-b"):
            started.append(start_server(env, workdir, name))
        for server in started:
            wait_until_answering(server)
        yield started
    finally:
        for server in started:
            stop_server(server)


# --- clients ---------------------------------------------------------------------------------


def edit_url(document, paragraph):
    return f"/documents/{document.pk}/rows/{paragraph.pk}/edit/"


def read_form(response):
    """(version, text) of the edit form in a row fragment."""
    version = VERSION_RE.search(response.text)
    area = TEXTAREA_RE.search(response.text)
    assert version and area, f"no edit form in {response.status} answer: {response.text[:800]}"
    return int(version.group(1)), html.unescape(area.group(1))


@dataclass
class Attempt:
    """One POST of an edit: what the client sent and what came back."""

    client: str
    username: str
    paragraph_id: int
    token: str
    sent_version: int
    text: str
    accept: bool
    status: int
    outcome: str = ""  # saved, conflict, refused
    message: str = ""
    returned_text: str = ""
    returned_version: int | None = None


@dataclass
class Storm:
    attempts: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def classify(attempt, response):
    attempt.status = response.status
    if response.status != 200:
        attempt.outcome = f"http {response.status}"
        attempt.message = response.text[:300]
        return
    if CONFLICT_MARK in response.text:
        attempt.outcome = "conflict"
        attempt.returned_version, attempt.returned_text = read_form(response)
    elif "<textarea" in response.text:
        error = ERROR_RE.search(response.text)
        attempt.outcome = "refused"
        attempt.message = html.unescape(error.group(1)) if error else "(form without message)"
    else:
        attempt.outcome = "saved"


def edit_storm(document, plans, *, edits, positions, seed):
    """Every client, at the same moment, edits its paragraph `edits` times: read the form,
    change one word among the first `positions` to a token nobody else uses, post it with the
    version it read. Returns the Storm with every attempt."""
    storm = Storm()
    barrier = threading.Barrier(len(plans))
    deadline = [0.0]

    def run(index, client, username, paragraph, accept):
        rng = random.Random(seed * 1000 + index)
        url = edit_url(document, paragraph)
        try:
            barrier.wait(timeout=30)
            deadline[0] = deadline[0] or time.monotonic() + PHASE_SECONDS
            for number in range(edits):
                if time.monotonic() > deadline[0]:
                    break
                version, text = read_form(client.request("GET", url, htmx=True))
                words = text.split(" ")
                token = f"c{index}e{number}x{seed}"
                words[rng.randrange(min(positions, len(words)))] = token
                mine = " ".join(words)
                time.sleep(rng.uniform(0, 0.02))  # typing
                fields = {"text": mine, "version": str(version)}
                if accept:
                    fields["accept"] = "1"
                attempt = Attempt(
                    client.name, username, paragraph.pk, token, version, mine, accept, 0
                )
                classify(attempt, client.request("POST", url, fields, htmx=True))
                with storm.lock:
                    storm.attempts.append(attempt)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            with storm.lock:
                storm.failures.append(f"{client.name}: {error!r}")

    run_threads(
        [
            lambda i=i, plan=plan: run(i, *plan)
            for i, plan in enumerate(plans)  # plan: client, username, paragraph, accept
        ]
    )
    return storm


# --- the database's story --------------------------------------------------------------------


def check_history(paragraph):
    """Accepted revisions with a version are exactly 1..N, each based on the one before, and
    the paragraph's text is the last of them."""
    paragraph.refresh_from_db()
    accepted = list(
        Revision.objects.filter(paragraph=paragraph, state=Revision.State.ACCEPTED)
        .exclude(version=None)
        .order_by("version")
    )
    versions = [revision.version for revision in accepted]
    assert versions == list(range(1, paragraph.version + 1)), (
        f"paragraph {paragraph.pk} is at version {paragraph.version} but its accepted "
        f"revisions carry versions {versions}"
    )
    assert paragraph.text == accepted[-1].text, (
        f"paragraph {paragraph.pk}'s text is not its latest accepted revision's"
    )
    for before, after in zip(accepted, accepted[1:], strict=False):
        assert after.base_version == before.version and after.base_text == before.text, (
            f"revision {after.pk} (version {after.version}) was not based on version "
            f"{before.version}: a lost update"
        )
    # A proposal accepted by merging keeps its own text and gets no version; its merge does.
    merged = Revision.objects.filter(
        paragraph=paragraph, state=Revision.State.ACCEPTED, version=None
    )
    for proposal in merged:
        assert Revision.objects.filter(
            paragraph=paragraph,
            state=Revision.State.ACCEPTED,
            note__startswith=f"proposal #{proposal.pk} merged",
        ).exists(), f"accepted proposal {proposal.pk} has neither a version nor a merge"
    return accepted


def check_storm(storm, paragraphs, users, stage):
    """Every saved attempt is in the database, nothing else was written, conflicts kept the
    author's text. Returns counts for the report."""
    assert not storm.failures, "client threads failed:\n" + "\n".join(storm.failures)
    statuses = Counter(attempt.status for attempt in storm.attempts)
    server_side = [a for a in storm.attempts if a.status >= 500]
    assert not server_side, f"{len(server_side)} answers were 5xx: {server_side[:3]}"
    assert set(statuses) == {200}, f"unexpected statuses {statuses}"
    outcomes = Counter(attempt.outcome for attempt in storm.attempts)
    refused = [a for a in storm.attempts if a.outcome == "refused"]
    assert not refused, f"edits refused: {[(a.token, a.message) for a in refused[:5]]}"

    rebased = 0
    for attempt in storm.attempts:
        if attempt.outcome == "conflict":
            assert attempt.returned_text == attempt.text, (
                f"{attempt.token}: the conflict view lost the author's text:\n"
                f"sent     {attempt.text!r}\nreturned {attempt.returned_text!r}"
            )
            assert attempt.returned_version > attempt.sent_version, attempt
            continue
        matches = Revision.objects.filter(
            paragraph_id=attempt.paragraph_id,
            author=users[attempt.username],
            text__contains=attempt.token,
        )
        # The token is unique to this attempt, but a later edit could carry it on.
        revision = matches.order_by("pk").first()
        assert revision is not None, f"{attempt.token} was reported saved but is not stored"
        assert revision.base_version >= attempt.sent_version
        rebased += revision.base_version != attempt.sent_version
        expected = (
            Revision.State.ACCEPTED
            if attempt.accept or stage == Stage.TRANSLATING
            else Revision.State.PROPOSED
        )
        assert revision.state == expected, f"{attempt.token}: {revision.state} != {expected}"

    for paragraph in paragraphs:
        saved_here = [
            a for a in storm.attempts if a.paragraph_id == paragraph.pk and a.outcome == "saved"
        ]
        written = Revision.objects.filter(paragraph=paragraph).exclude(base_version=0)
        assert written.count() == len(saved_here), (
            f"paragraph {paragraph.pk}: {len(saved_here)} saves reported, "
            f"{written.count()} revisions stored"
        )
        accepted = check_history(paragraph)
        direct = [a for a in saved_here if a.accept or stage == Stage.TRANSLATING]
        # Each accepted save bumped the version by exactly one, from 1 for the upload.
        assert paragraph.version == 1 + len(direct) == len(accepted), (
            f"paragraph {paragraph.pk}: version {paragraph.version}, {len(direct)} accepted "
            f"saves, {len(accepted)} accepted revisions"
        )
    return {"statuses": dict(statuses), "outcomes": dict(outcomes), "rebased": rebased}


# --- people and documents ----------------------------------------------------------------------


@pytest.fixture
def desk(transactional_db):
    return make_desk()


def new_document(desk, *actions):
    document = create_document(
        title="Budget passed",
        source_paragraphs=KOREAN,
        target_paragraphs=ENGLISH,
        created_by=desk["mina"],
        translator=desk["mina"],
        editor=desk["daniel"],
    )
    for action in actions:
        workflow.take_transition(desk["mina"], action, document)
    document.refresh_from_db()
    paragraphs = list(document.paragraphs.order_by("position"))
    assert len(paragraphs) == len(ENGLISH) and all(p.version == 1 for p in paragraphs)
    return document, paragraphs


def check_every_answer(clients):
    """No answer at all, GETs and logins included, was a server error; the rest as designed."""
    statuses = Counter(r.status for client in clients for r in client.responses)
    broken = [
        (client.name, r.method, r.path, r.status, r.text[:300])
        for client in clients
        for r in client.responses
        if r.status >= 500
    ]
    assert not broken, f"{len(broken)} server errors: {broken[:3]}"
    assert set(statuses) <= {200, 302}, f"unexpected statuses {statuses}"
    return dict(statuses)


def report(title, numbers, started, clients=()):
    print(f"\n{title}: {numbers} in {time.monotonic() - started:.1f}s")
    if os.environ.get("CONCURRENCY_TIMINGS"):
        by_kind = {}
        for client in clients:
            for r in client.responses:
                kind = f"{r.method} {'login' if 'login' in r.path else r.path.split('/')[-2]}"
                by_kind.setdefault(kind, []).append(r.seconds)
        for kind, seconds in sorted(by_kind.items()):
            seconds.sort()
            median, worst = seconds[len(seconds) // 2], seconds[-1]
            print(f"  {kind}: n={len(seconds)} median={median:.3f}s max={worst:.3f}s")


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_accepted_saves_racing_on_two_servers(servers, desk):
    """Translating: the translator's saves are accepted at once and the editor edits and
    accepts, 8 clients x 15 edits on 2 paragraphs across both servers."""
    started = time.monotonic()
    document, paragraphs = new_document(desk, "confirm_pairing")
    assert document.stage == Stage.TRANSLATING
    ports = [server.port for server in servers]
    plans = []
    for index in range(8):
        username, accept = ("daniel", True) if index % 3 == 2 else ("mina", False)
        client = Client(ports[index % 2 :] + ports[: index % 2], f"client-{index}")
        plans.append((client, username, paragraphs[index % 2], accept))
    log_in_all([(client, username) for client, username, _, _ in plans])

    storm = edit_storm(document, plans, edits=15, positions=8, seed=1)

    numbers = check_storm(storm, paragraphs[:2], desk, document.stage)
    assert numbers["outcomes"].get("saved", 0) > 0
    assert numbers["outcomes"].get("conflict", 0) > 0, f"no conflict happened: {numbers}"
    assert numbers["rebased"] > 0, f"no stale save was rebased: {numbers}"
    for untouched in paragraphs[2:]:
        untouched.refresh_from_db()
        assert untouched.version == 1
    numbers["all answers"] = check_every_answer([plan[0] for plan in plans])
    assert not server_errors(servers), server_errors(servers)
    report("accepted saves", numbers, started, [plan[0] for plan in plans])


@pytest.mark.django_db(transaction=True)
def test_proposals_and_rival_accepts_on_two_servers(servers, desk):
    """Reviewing: the translator's saves are proposals while the editor edits and accepts; then
    editors and managers race to accept a dozen rival proposals on one paragraph."""
    started = time.monotonic()
    document, paragraphs = new_document(desk, "confirm_pairing", "submit_for_review")
    assert document.stage == Stage.REVIEWING
    ports = [server.port for server in servers]
    plans = []
    for index in range(8):
        username, accept = ("daniel", True) if index % 3 == 2 else ("mina", False)
        client = Client(ports[index % 2 :] + ports[: index % 2], f"client-{index}")
        plans.append((client, username, paragraphs[index % 2], accept))
    deciders = [
        (Client(ports[i % 2 :] + ports[: i % 2], f"decider-{i}"), name)
        for i, name in enumerate(["daniel", "daniel", "jiwon", "jiwon"])
    ]
    log_in_all([(client, username) for client, username, _, _ in plans] + deciders)

    # 1. Proposals and edit-and-accept on the same paragraphs at the same moment.
    storm = edit_storm(document, plans, edits=10, positions=8, seed=2)
    numbers = check_storm(storm, paragraphs[:2], desk, document.stage)
    assert numbers["outcomes"].get("saved", 0) > 0
    proposals = Revision.objects.filter(paragraph__in=paragraphs[:2], state=Revision.State.PROPOSED)
    assert proposals.count() == sum(
        1 for a in storm.attempts if a.outcome == "saved" and not a.accept
    )

    # 2. Rival proposals on paragraph 3, all made on version 1: three per word, four words
    # far apart. Proposals on the same word overlap; proposals on different words do not.
    target = paragraphs[2]
    groups = [0, 4, 8, 12]
    url = edit_url(document, target)
    proposers = [client for client, username, _, _ in plans if username == "mina"]
    made = []

    def propose(client, group, copy):
        words = target.text.split(" ")
        token = f"g{group}p{copy}"
        words[group] = token
        answer = client.request("POST", url, {"text": " ".join(words), "version": "1"}, htmx=True)
        made.append((group, token, answer.status, "<textarea" in answer.text))

    jobs = [(g, c) for g in groups for c in range(3)]
    run_threads(
        [
            lambda g=g, c=c, n=n: propose(proposers[n % len(proposers)], g, c)
            for n, (g, c) in enumerate(jobs)
        ]
    )
    assert sorted(made) == sorted((g, f"g{g}p{c}", 200, False) for g, c in jobs), made
    rivals = {
        revision.pk: int(re.search(r"\bg(\d+)p\d", revision.text).group(1))
        for revision in Revision.objects.filter(paragraph=target, state=Revision.State.PROPOSED)
    }
    assert len(rivals) == len(jobs)

    barrier = threading.Barrier(len(deciders))
    decisions = []  # (revision id, client, status, outcome)
    failures = []

    def decide(index, client):
        order = list(rivals)
        random.Random(index).shuffle(order)
        try:
            barrier.wait(timeout=30)
            for revision_id in order:
                path = f"/documents/{document.pk}/revisions/{revision_id}/accept/"
                answer = client.request("POST", path, {}, htmx=True)
                notice = NOTICE_RE.search(answer.text)
                error = ERROR_RE.search(answer.text)
                if answer.status != 200:
                    outcome = f"http {answer.status}"
                elif notice and notice.group(1) == "Accepted.":
                    outcome = "won"
                elif error and OVERLAP_MESSAGE in error.group(1):
                    outcome = "overlap"
                elif error and "already accepted" in error.group(1):
                    outcome = "already"
                else:
                    outcome = f"unexpected: {answer.text[:300]}"
                decisions.append((revision_id, client.name, answer.status, outcome))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(f"{client.name}: {error!r}")

    run_threads([lambda i=i, c=c: decide(i, c) for i, (c, _) in enumerate(deciders)])
    assert not failures, failures
    outcomes = Counter(outcome for *_, outcome in decisions)
    assert set(outcomes) <= {"won", "overlap", "already"}, outcomes
    assert len(decisions) == len(deciders) * len(rivals)

    target.refresh_from_db()
    states = dict(Revision.objects.filter(pk__in=rivals).values_list("pk", "state"))
    winners = [pk for pk, state in states.items() if state == Revision.State.ACCEPTED]
    # Exactly one proposal per overlapping set wins; the rest stay open for a person.
    assert sorted(rivals[pk] for pk in winners) == groups, (states, decisions)
    assert all(states[pk] == Revision.State.PROPOSED for pk in rivals if pk not in winners), states
    won = Counter(pk for pk, _, _, outcome in decisions if outcome == "won")
    assert won == Counter(winners), f"accept answers {won} != accepted proposals {winners}"
    for pk, _, _, outcome in decisions:
        if pk in winners:
            assert outcome in ("won", "already"), (pk, outcome)
        else:
            assert outcome == "overlap", (pk, outcome)
    check_history(target)
    assert target.version == 1 + len(groups)
    for pk in winners:
        token = re.search(r"\bg\d+p\d\b", Revision.objects.get(pk=pk).text).group(0)
        assert token in target.text.split(" "), (token, target.text)
    numbers["all answers"] = check_every_answer(
        [plan[0] for plan in plans] + [client for client, _ in deciders]
    )
    assert not server_errors(servers), server_errors(servers)
    numbers["accepts"] = dict(outcomes)
    numbers["merged accepts"] = Revision.objects.filter(
        paragraph=target, note__contains="merged onto version"
    ).count()
    report(
        "proposals and rival accepts",
        numbers,
        started,
        [plan[0] for plan in plans] + [client for client, _ in deciders],
    )


@pytest.mark.django_db(transaction=True)
def test_presence_written_on_one_server_is_read_on_the_other(servers, desk):
    """The "is editing" note lives in the database, not in a server's memory."""
    import json

    a, b = (server.port for server in servers)
    document, paragraphs = new_document(desk, "confirm_pairing")
    row = paragraphs[1]
    url = f"/documents/{document.pk}/presence/"
    editor, translator = Client([a], "editor"), Client([b], "translator")
    log_in_all([(editor, "daniel"), (translator, "mina")])

    assert editor.request("POST", url, {"editing": row.pk}, port=a).status == 200
    seen = translator.request("GET", url, port=b)
    assert json.loads(seen.text)["rows"] == {str(row.pk): ["daniel"]}
    assert editor.request("POST", url, {"stopped": row.pk}, port=b).status == 200
    assert json.loads(translator.request("GET", url, port=a).text)["rows"] == {}
    assert not server_errors(servers), server_errors(servers)
