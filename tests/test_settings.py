"""Settings from the environment: DATABASE_URL, the deployment check, the secret key, CSP."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from workbench.settings import BASE_DIR, database_from_url

REPO = Path(__file__).resolve().parent.parent
SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"


# -- database_from_url ---------------------------------------------------------------------


def test_no_url_is_the_sqlite_file_in_the_project():
    config = database_from_url("")
    assert config["ENGINE"] == SQLITE
    assert config["NAME"] == BASE_DIR / "workbench.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_relative_path():
    config = database_from_url("sqlite:///relative.db")
    assert config["ENGINE"] == SQLITE
    assert str(config["NAME"]) in ("relative.db", str(BASE_DIR / "relative.db"))


def test_sqlite_absolute_path():
    config = database_from_url("sqlite:////abs/path.db")
    assert config["ENGINE"] == SQLITE
    assert config["NAME"] == "/abs/path.db"


def test_sqlite_in_memory():
    assert database_from_url("sqlite://:memory:")["NAME"] == ":memory:"


def test_postgres_with_everything(monkeypatch):
    monkeypatch.delenv("DATABASE_POOL", raising=False)
    monkeypatch.delenv("DATABASE_POOL_TIMEOUT", raising=False)
    config = database_from_url("postgres://u:p%40ss@host:5433/name?sslmode=require")
    assert config == {
        "ENGINE": POSTGRES,
        "NAME": "name",
        "USER": "u",
        "PASSWORD": "p@ss",
        "HOST": "host",
        "PORT": "5433",
        "OPTIONS": {"pool": {"timeout": 10.0}, "sslmode": "require"},
        "CONN_HEALTH_CHECKS": True,
    }


def test_postgresql_scheme_with_only_host_and_name(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL", "false")
    config = database_from_url("postgresql://host/db")
    assert config == {
        "ENGINE": POSTGRES,
        "NAME": "db",
        "USER": "",
        "PASSWORD": "",
        "HOST": "host",
        "PORT": "",
        "OPTIONS": {"pool": False},
        "CONN_HEALTH_CHECKS": True,
    }


@pytest.mark.parametrize("url", ["mysql://u:p@host/db", "redis://host:6379/0", "db.sqlite3"])
def test_unsupported_scheme(url):
    with pytest.raises(ValueError, match="is not supported"):
        database_from_url(url)


# -- Running with production settings -------------------------------------------------------


def production_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' (for Playwright beside the ORM).
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "EMAIL_BACKEND",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env["DJANGO_SETTINGS_MODULE"] = "workbench.settings"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env.update(extra)
    return env


def run(args, env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean(tmp_path):
    env = production_env(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
    )
    result = run(["manage.py", "check", "--deploy"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output and "ERRORS" not in output


@pytest.mark.parametrize("secret", [None, ""])
def test_production_without_a_secret_key_refuses_to_start(tmp_path, secret):
    extra = {"DEBUG": "false"}
    if secret is not None:
        extra["SECRET_KEY"] = secret
    result = run(["-c", "import workbench.settings"], production_env(tmp_path, **extra))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "RuntimeError: SECRET_KEY must be set when DEBUG is off"
    )


def test_development_without_a_secret_key_starts(tmp_path):
    result = run(
        ["-c", "import workbench.settings as s; print(s.DEBUG, len(s.SECRET_KEY) >= 50)"],
        production_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


# -- Content Security Policy ---------------------------------------------------------------


def directives(policy):
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_dashboard_csp_is_strict(client, people):
    client.force_login(people.editor)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    parsed = directives(policy)
    assert parsed["default-src"] == ["'self'"]
    assert parsed["frame-ancestors"] == ["'none'"]
    assert parsed["script-src"] == ["'self'"]
    assert parsed["style-src"] == ["'self'"]
    assert parsed["object-src"] == ["'none'"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
