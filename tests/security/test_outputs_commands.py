"""Issue 11: `genba quote` and `genba plan --instance`, which touch no database, ended in an
ImproperlyConfigured traceback without SECRET_KEY (unless GENBA_DEBUG=1). They now run without it;
a command that needs a missing or bad setting says which in one line on standard error, exit 2.

Run as an operator runs them: the installed `genba` script, in a clean environment (no SECRET_KEY,
no GENBA_DEBUG, no DATABASE_URL, no DJANGO_SETTINGS_MODULE), in an empty directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.dispatch.test_plan_instance import EXAMPLE_TEXT as PLAN_INSTANCE
from tests.pricing.test_document import EXAMPLE_TEXT as QUOTE_DOCUMENT

GENBA = str(Path(sys.executable).parent / "genba")
MISSING_KEY = "genba: SECRET_KEY is not set (set it in the environment; see docs/deploy.md)\n"


def genba(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **env}
    return subprocess.run(
        [GENBA, *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def nothing_kept(tmp_path: Path) -> None:
    """No database opened, and the throwaway key was not written anywhere."""
    data = tmp_path / "var"  # GENBA_DATA_DIR's default, under the working directory
    assert not list(data.glob("*.sqlite3*"))
    assert not (data / "secret_key").exists()


def test_quote_runs_without_secret_key(tmp_path):
    document = tmp_path / "quote.json"
    document.write_text(QUOTE_DOCUMENT)
    result = genba(tmp_path, "quote", "--file", str(document))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    quote = json.loads(result.stdout)
    assert quote["lines"] and isinstance(quote["total"], int)
    nothing_kept(tmp_path)


def test_quote_from_standard_input_and_its_help_run_without_secret_key(tmp_path):
    result = subprocess.run(
        [GENBA, "quote"],
        input=QUOTE_DOCUMENT,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["lines"]
    assert genba(tmp_path, "quote", "--help").returncode == 0


def test_a_bad_quote_document_still_exits_2_with_its_own_problems(tmp_path):
    document = tmp_path / "quote.json"
    document.write_text("{not json")
    result = genba(tmp_path, "quote", "--file", str(document))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "SECRET_KEY" not in result.stderr and "Traceback" not in result.stderr


def test_plan_instance_runs_without_secret_key(tmp_path):
    instance = tmp_path / "instance.json"
    instance.write_text(PLAN_INSTANCE)
    result = genba(tmp_path, "plan", "--instance", str(instance))
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["assignments"] == [{"request": "r1", "engineers": ["e1"]}]
    nothing_kept(tmp_path)


def test_a_command_that_needs_the_key_says_so_in_one_line(tmp_path):
    result = genba(tmp_path, "migrate")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == MISSING_KEY
    nothing_kept(tmp_path)


def test_plan_from_the_database_needs_the_key(tmp_path):
    result = genba(tmp_path, "plan", "--date", "2026-12-07")
    assert (result.returncode, result.stderr) == (2, MISSING_KEY)
    result = genba(tmp_path, "plan", "--instance=x.json", "--date", "2026-12-07")
    assert (result.returncode, result.stderr) == (2, MISSING_KEY)


def test_any_bad_setting_is_one_line_naming_it(tmp_path):
    key = {"SECRET_KEY": "outputs-tests-" + "k" * 40}
    cases = [
        ({"SECRET_KEY": "short"}, "genba: SECRET_KEY must be at least 32 characters long\n"),
        (
            {**key, "DATABASE_URL": "mysql://x@localhost/db"},
            "genba: DATABASE_URL must be sqlite:// or postgres://, not django.db.backends.mysql\n",
        ),
        (
            {**key, "GENBA_DEBUG": "maybe"},
            "genba: GENBA_DEBUG='maybe' is not a boolean (use 1/0, true/false, yes/no, on/off)\n",
        ),
    ]
    for env, line in cases:
        result = genba(tmp_path, "check", **env)
        assert (result.returncode, result.stderr) == (2, line), env


def test_with_the_key_set_the_commands_run_as_before(tmp_path):
    result = genba(tmp_path, "check", SECRET_KEY="outputs-tests-" + "k" * 40)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
