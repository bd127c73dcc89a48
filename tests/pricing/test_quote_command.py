"""`genba quote` end to end, as a user runs it: a subprocess, no database, exit status 2 when bad."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.pricing.test_document import EXAMPLE_OUTPUT, EXAMPLE_TEXT


def run_quote(
    tmp_path: Path, *args: str, document: Any = None, stdin: str | bytes | None = None
) -> subprocess.CompletedProcess[str]:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "SECRET_KEY": "quote-tests-" + "k" * 38,
        "GENBA_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "genba.settings",
    }
    argv = [sys.executable, "-m", "genba.cli", "quote", *args]
    if document is not None:
        path = tmp_path / "quote.json"
        path.write_text(document if isinstance(document, str) else json.dumps(document))
        argv += ["--file", str(path)]
    result = subprocess.run(
        argv,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert not list(data_dir.glob("*.sqlite3*")), "genba quote must not open the database"
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def visit(**fields: Any) -> dict[str, Any]:
    return {"outcome": "planned", **fields}


def test_worked_example_tokyo_its(tmp_path: Path) -> None:
    document = {
        "policy": "tokyo-its",
        "rates": {"senior": 12000},
        "visits": [
            visit(
                skill_level="senior", scheduled_start="2026-12-04T16:00:00+09:00", reserved_hours=2
            )
        ],
    }
    result = run_quote(tmp_path, document=document)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert [
        (line["start"], line["end"], line["after_hours"], line["amount"]) for line in out["lines"]
    ] == [
        ("2026-12-04T16:00:00+09:00", "2026-12-04T18:00:00+09:00", False, 24000),
        ("2026-12-04T18:00:00+09:00", "2026-12-04T19:00:00+09:00", True, 18000),
    ]
    assert (out["subtotal"], out["taxes"], out["total"]) == (
        42000, [{"rate": 0.1, "base": 42000, "amount": 4200}], 46200
    )  # fmt: skip


@pytest.mark.parametrize(
    ("signed_off", "subtotal", "total"), [("12:45", 26000, 28600), ("12:25", 16000, 17600)]
)
def test_worked_example_ecorpone(
    tmp_path: Path, signed_off: str, subtotal: int, total: int
) -> None:
    document = {
        "policy": "ecorpone",
        "rates": {"entry": 8000},
        "visits": [
            {
                "scheduled_start": "2026-12-01T10:00:00+09:00",
                "outcome": "completed",
                "completed_at": f"2026-12-01T{signed_off}:00+09:00",
            }
        ],
    }
    result = run_quote(tmp_path, document=document)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["subtotal"], out["total"]) == (subtotal, total)
    if signed_off == "12:45":
        overtime = out["lines"][1]
        assert (overtime["kind"], overtime["hours"], overtime["multiplier"], overtime["amount"]) == (
            "overtime", 1, 1.25, 10000
        )  # fmt: skip


def test_the_section_9_example_from_stdin(tmp_path: Path) -> None:
    result = run_quote(tmp_path, stdin=EXAMPLE_TEXT)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # Hours and multipliers are literal JSON numbers: compared exactly, as Decimal.
    assert json.loads(result.stdout, parse_float=Decimal) == EXAMPLE_OUTPUT


def test_the_table_format(tmp_path: Path) -> None:
    result = run_quote(tmp_path, "--format", "table", document=EXAMPLE_TEXT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["visit", "kind"]
    assert "2026-12-04 Fri 18:00–19:00" in result.stdout
    assert lines[-1].split()[-1] == "¥72,292"


def test_a_bad_document_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    document = {
        "policy": "x",
        "rates": {"senior": 12000},
        "visits": [
            {"outcome": "completed", "scheduled_start": "2026-12-04T16:00:00+09:00"},
            {"outcome": "planned", "scheduled_start": "2026-12-04T16:00:00"},
        ],
    }
    result = run_quote(tmp_path, document=document)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "policy: unknown policy 'x' (use ecorpone or tokyo-its)",
        "visits[0].completed_at: required when outcome is completed",
        "visits[1].scheduled_start: needs a UTC offset, e.g. 2026-12-04T16:00:00+09:00",
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "problem"),
    [
        (
            (),
            "{not json",
            "document: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        ),
        (
            ("--file", "/nonexistent/quote.json"),
            None,
            "--file: cannot read /nonexistent/quote.json (No such file or directory)",
        ),
        ((), '{"visits": []}', None),
    ],
)
def test_unreadable_input_exits_2(
    tmp_path: Path, args: tuple, stdin: str | None, problem: str | None
) -> None:
    result = run_quote(tmp_path, *args, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    if problem:
        assert result.stderr.splitlines() == [problem]
    else:
        assert "visits: at least one visit" in result.stderr.splitlines()


def test_call_command_reads_a_stdin_stream() -> None:
    # In-process (the test settings), for the speed of the other modules' tests that may need it.
    out = io.StringIO()
    call_command("quote", stdin=io.StringIO(EXAMPLE_TEXT), stdout=out)
    assert json.loads(out.getvalue())["total"] == 72292
    err = io.StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("quote", stdin=io.StringIO("[]"), stdout=io.StringIO(), stderr=err)
    assert info.value.code == 2
    assert err.getvalue().splitlines() == ["document: must be a JSON object"]
