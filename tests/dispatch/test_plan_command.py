"""`genba plan` end to end, as a user runs it: a subprocess, no database, exit status 2 when bad."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from genba.dispatch.planning.checker import check_plan
from genba.dispatch.planning.generate import generate_instance
from genba.dispatch.planning.instance import parse_instance, parse_text
from tests.dispatch.test_plan_instance import EXAMPLE_TEXT


def run_plan(tmp_path: Path, *args: str, instance: Any = None) -> subprocess.CompletedProcess[str]:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "SECRET_KEY": "plan-tests-" + "k" * 39,
        "GENBA_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "genba.settings",
    }
    argv = [sys.executable, "-m", "genba.cli", "plan", *args]
    if instance is not None:
        path = tmp_path / "instance.json"
        path.write_text(instance if isinstance(instance, str) else json.dumps(instance))
        argv += ["--instance", str(path)]
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False, timeout=120)
    assert not list(data_dir.glob("*.sqlite3*")), "genba plan --instance must not open the database"
    return result


def test_the_section_10_example(tmp_path: Path) -> None:
    result = run_plan(tmp_path, instance=EXAMPLE_TEXT)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    plan = json.loads(result.stdout)
    assert plan["assignments"] == [{"request": "r1", "engineers": ["e1"]}]
    assert plan["unassigned"] == []
    assert (plan["travel_minutes"], plan["status"], plan["bound"], plan["gap"]) == (
        56,
        "optimal",
        56,
        0,
    )
    assert 0 <= plan["solve_seconds"] < 10
    instance, _ = parse_text(EXAMPLE_TEXT)
    assert check_plan(instance, plan) == []


def test_a_generated_instance_with_a_time_limit(tmp_path: Path) -> None:
    document = generate_instance(40, 8, 5)
    result = run_plan(tmp_path, "--time-limit", "5", instance=document)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    instance, _ = parse_instance(document)
    assert check_plan(instance, plan) == []
    assert plan["solve_seconds"] <= 5 + 1.5


def test_a_bad_instance_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    document = json.loads(EXAMPLE_TEXT)
    document["engineers"][0]["shift"]["end"] = "2026-12-07T07:00:00+09:00"
    document["requests"][0]["languages"] = ["en", "fr"]
    document["requests"].append({**document["requests"][0], "languages": ["ja"], "engineers": 0})
    result = run_plan(tmp_path, instance=document)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "engineers[0].shift.end: must be after shift.start",
        "requests[0].languages[1]: must be one of en, ja",
        "requests[1].engineers: must be a whole number from 1 to 10",
    ]


def test_bad_options_and_unreadable_files_exit_2(tmp_path: Path) -> None:
    cases = [
        ((), "--instance or --date: give exactly one"),
        (
            ("--instance", "/nonexistent/i.json"),
            "--instance: cannot read /nonexistent/i.json (No such file or directory)",
        ),
        (
            ("--instance", "x.json", "--date", "2026-12-07"),
            "--instance or --date: give exactly one",
        ),
        (("--date", "07/12/2026"), "--date: '07/12/2026' is not a date, e.g. 2026-12-07"),
    ]
    for args, line in cases:
        result = run_plan(tmp_path, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        assert result.stderr.splitlines() == [line]
    result = run_plan(tmp_path, "--time-limit", "0", instance=EXAMPLE_TEXT)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == ["--time-limit: must be seconds above 0, at most 600"]
    result = run_plan(tmp_path, instance="{not json")
    assert result.returncode == 2
    assert result.stderr.startswith("instance: not valid JSON")
