"""Django for the in-process benchmarks (checks, glossary, interchange, session_idle,
document_page, uploads): this repository on the path, a scratch SQLite database unless
DATABASE_URL names one, the project's settings, and django.setup(), all on import. Import it
before anything of Django's.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()


def person(username, group):
    """A person in `group` who cannot log in with a password (the client forces the login)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(
        username=username, defaults={"password": make_password(None)}
    )
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user
