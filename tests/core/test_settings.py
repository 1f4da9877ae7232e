"""Settings come from the environment and a bad value stops start-up with one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]


def run_check(tmp_path, **overrides):
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    environment.update({"VAR_DIR": str(tmp_path), "SECRET_KEY": "x" * 50})
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL cannot be parsed"),
        ({"DATABASE_URL": "mysql://root@localhost/desk"}, "only sqlite:// and postgres:// are supported"),
        ({"DATABASE_URL": "postgres://postgres:secret@localhost"}, "DATABASE_URL names no database"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must start with redis://"),
        ({"SECRET_KEY": None, "DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is off"),
        ({"DB_CONN_MAX_AGE": "soon"}, "DB_CONN_MAX_AGE='soon' is not a whole number"),
        ({"SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE=/nonexistent/secret: cannot read the file"),
    ],
)
def test_bad_setting_stops_start_up_with_one_line(tmp_path, overrides, message):
    result = run_check(tmp_path, **overrides)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert message in lines[0]


def test_password_in_database_url_is_not_printed(tmp_path):
    result = run_check(tmp_path, DATABASE_URL="postgres://desk:hunter2@db.example")
    assert result.returncode == 2
    assert "hunter2" not in result.stderr
    assert "desk:***@db.example" in result.stderr


def test_good_settings_start(tmp_path):
    result = run_check(tmp_path, DEBUG="true", SECRET_KEY=None)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_secret_read_from_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("SECRET_KEY", "from-the-variable")
    assert env.env_str("SECRET_KEY") == "from-a-file"


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("ON", True), ("1", True), ("no", False), ("0", False)])
def test_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG", not expected) is expected


def test_empty_value_means_default(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "  ")
    assert env.env_bool("SOME_FLAG", True) is True


def test_below_minimum_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env.env_int("SOME_NUMBER", 5, minimum=0)


def test_database_defaults_to_sqlite_under_var(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.env_database("DATABASE_URL", "sqlite:////srv/desk/var/desk.sqlite3", conn_max_age=0)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/srv/desk/var/desk.sqlite3"


def test_postgres_url_is_understood(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desk")
    config = env.env_database("DATABASE_URL", "sqlite:///x", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("desk", "127.0.0.1", 5432)
    assert config["CONN_HEALTH_CHECKS"] is True


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
