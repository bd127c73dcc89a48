"""Settings come from the environment and fail loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

GENBA = [sys.executable, "-m", "genba.cli"]


def run_genba(args, tmp_path: Path, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        # The browser tests' async switch must not reach a deployment check either.
        if k not in ("SECRET_KEY", "GENBA_DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    base.update({"GENBA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "genba.settings"})
    base.update(env)
    return subprocess.run([*GENBA, *args], env=base, capture_output=True, text=True, timeout=120)


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = run_genba(["check"], tmp_path)
    assert result.returncode == 2
    # One line naming the setting, no traceback (issue 11).
    assert result.stderr == (
        "genba: SECRET_KEY is not set (set it in the environment; see docs/deploy.md)\n"
    )


def test_debug_generates_a_key_once_and_keeps_it(tmp_path):
    assert run_genba(["check"], tmp_path, GENBA_DEBUG="1").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert run_genba(["check"], tmp_path, GENBA_DEBUG="1").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GENBA_DEBUG": "maybe"}, "GENBA_DEBUG='maybe' is not a boolean"),
        (
            {"GENBA_DEBUG": "1", "DATABASE_URL": "mysql://x@localhost/db"},
            "DATABASE_URL must be sqlite:// or postgres://",
        ),
        ({"GENBA_DEBUG": "1", "DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        (
            {"GENBA_DEBUG": "1", "GENBA_ATTACHMENT_MAX_BYTES": "lots"},
            "GENBA_ATTACHMENT_MAX_BYTES='lots' is not an integer",
        ),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters"),
    ],
)
def test_bad_values_fail_loudly_naming_the_variable(tmp_path, env, message):
    result = run_genba(["check"], tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_default_database_is_sqlite_in_wal_mode_under_the_data_dir(tmp_path):
    script = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); print(connection.settings_dict['NAME'])"
    )
    result = run_genba(["shell", "-c", script], tmp_path, GENBA_DEBUG="1")
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.strip().splitlines()[-2:]
    assert mode == "wal"
    assert name == str(tmp_path / "genba.sqlite3")


def test_production_settings_pass_the_deploy_check(tmp_path):
    """The settings docs/deploy.md documents give a clean `genba check --deploy`."""
    result = run_genba(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY="a-production-secret-" + "k" * 40 + "-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="genba.example.com",
        CSRF_TRUSTED_ORIGINS="https://genba.example.com",
        GENBA_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_time_zone_is_tokyo_and_aware():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
