"""Shared people and documents: a translator, an editor, a manager and an outsider; and the
files in ../shared that some tests read."""

import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from reviews import workflow
from reviews.importing import create_document
from reviews.models import Role

KOREAN = [
    "시의회, 내년 예산 12조원 확정",
    "서울시의회는 15일 본회의를 열고 내년도 예산안 12조3000억원을 통과시켰다.",
    "이번 예산은 올해보다 4.5% 늘어난 규모로, 복지 분야가 가장 큰 비중을 차지한다.",
    "시는 노인 돌봄 사업에 8000억원을 배정했다고 밝혔다.",
]
ENGLISH = [
    "City council approves 12 trillion won budget",
    "The Seoul Metropolitan Council passed next year's budget of 12.3 trillion won "
    "at a plenary session on the 15th.",
    "The budget is 4.5% larger than this year's, with welfare taking the largest share.",
    "The city said it had set aside 800 billion won for elderly care.",
]


# The project's neighbour, outside the repository (WORKBENCH_SHARED points elsewhere, e.g. from
# a git worktree).
SHARED = Path(os.environ.get("WORKBENCH_SHARED") or Path(__file__).resolve().parents[2] / "shared")


def shared_file(*parts):
    """A file from ../shared. Missing, the test is skipped, or fails with REQUIRE_SHARED=1 (as
    in CI), so a test that checks against shared data can never pass by not running."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: the shared data and schemas live in ../shared"
        if os.environ.get("REQUIRE_SHARED") == "1":
            pytest.fail(f"{message}, and REQUIRE_SHARED=1")
        pytest.skip(message)
    return path


# Property tests judge results, not speed: on a loaded machine (CI beside other work) one
# example can take longer than hypothesis's 200 ms deadline without anything being wrong.
hypothesis_settings.register_profile("workbench", deadline=None)
hypothesis_settings.load_profile("workbench")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow by design; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username, role=None, **fields):
    user = get_user_model().objects.create_user(username=username, password="pw", **fields)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def people(db):
    return SimpleNamespace(
        translator=make_user("mina", Role.TRANSLATOR, first_name="Mina", last_name="Seo"),
        editor=make_user("daniel", Role.EDITOR, first_name="Daniel", last_name="Park"),
        manager=make_user("jiwon", Role.MANAGER, first_name="Jiwon", last_name="Han"),
        outsider=make_user("tae", Role.TRANSLATOR, first_name="Tae", last_name="Oh"),
    )


def new_document(people, stage_actions=("confirm_pairing",), source=KOREAN, target=ENGLISH):
    document = create_document(
        title="Budget passed",
        source_paragraphs=list(source),
        target_paragraphs=list(target),
        created_by=people.translator,
        translator=people.translator,
        editor=people.editor,
    )
    for action in stage_actions:
        workflow.take_transition(people.manager, action, document)
    document.refresh_from_db()
    return document


@pytest.fixture
def document(people):
    """A four-row document in the translating stage."""
    return new_document(people)


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_tokens(html):
    """The CSRF tokens of a page's forms, as sent (masked); a page with none fails the test."""
    found = CSRF_INPUT.findall(html)
    assert found
    return found
