"""Pricing policies (rulebook §8): presets, server values, overrides; and pricing stays Django-free."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest

from genba.pricing.calendar import BusinessCalendar
from genba.pricing.policy import (
    PRESET_KEYS,
    PolicyError,
    PricingPolicy,
    load_preset,
    with_overrides,
)

PRESETS = Path(__file__).resolve().parents[2] / "src/genba/contracts/presets"


def test_the_pricing_package_imports_no_django() -> None:
    # A fresh interpreter: this test process has Django loaded by pytest-django already.
    code = (
        "import sys\n"
        "import genba.pricing, genba.pricing.calendar, genba.pricing.policy\n"
        "import genba.pricing.engine, genba.pricing.document\n"
        "genba.pricing.policy.load_preset('tokyo-its')\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert 'django' not in sys.modules, loaded\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_presets_load_with_the_rulebook_numbers() -> None:
    assert PRESET_KEYS == ("ecorpone", "tokyo-its")
    ecorpone, tokyo = load_preset("ecorpone"), load_preset("tokyo-its")
    assert (ecorpone.business_start, ecorpone.business_end) == (time(9), time(18))
    assert (tokyo.business_start, tokyo.business_end) == (time(10), time(18))
    assert ecorpone.minimum_hours == Decimal(2) and tokyo.minimum_hours == Decimal(3)
    assert ecorpone.grace_minutes == 30 and tokyo.grace_minutes == 0
    assert ecorpone.overtime_multiplier == Decimal("1.25")
    assert tokyo.overtime_multiplier == Decimal("1.0")
    assert ecorpone.after_hours_multiplier == tokyo.after_hours_multiplier == Decimal("1.5")
    assert ecorpone.business_days == (0, 1, 2, 3, 4)
    assert isinstance(ecorpone.minimum_hours, Decimal)
    assert ecorpone.default_skill_level == "entry" and ecorpone.default_engineers == 1


def test_from_dict_reads_server_values_and_ignores_other_keys() -> None:
    # What Policy.as_rules_dict() gives: time and Decimal objects (two decimals) and every field.
    raw = json.loads((PRESETS / "ecorpone.json").read_text())
    server = dict(raw)
    server.update(
        id=7,
        business_start=time(9),
        business_end=time(18),
        after_hours_multiplier=Decimal("1.50"),
        minimum_hours=Decimal("2.00"),
        default_reserved_hours=Decimal("2.00"),
        overtime_multiplier=Decimal("1.25"),
        business_days=[0, 1, 2, 3, 4],
    )
    policy = PricingPolicy.from_dict(server)
    assert policy == load_preset("ecorpone")
    assert hash(policy) == hash(load_preset("ecorpone"))


def test_from_dict_names_every_bad_or_missing_setting() -> None:
    raw = json.loads((PRESETS / "tokyo-its.json").read_text())
    raw["business_start"] = "ten"
    raw["after_hours_multiplier"] = "-1"
    del raw["grace_minutes"]
    with pytest.raises(PolicyError) as info:
        PricingPolicy.from_dict(raw)
    assert info.value.problems == [
        'business_start: must be a time of day such as "09:00"',
        "after_hours_multiplier: must be a positive number (at most 100)",
        "grace_minutes: required",
    ]


def test_an_unknown_preset_is_refused() -> None:
    with pytest.raises(PolicyError, match="unknown policy 'x'"):
        load_preset("x")


def test_with_overrides_returns_a_new_policy() -> None:
    base = load_preset("tokyo-its")
    changed = with_overrides(base, {"grace_minutes": 15, "after_hours_multiplier": "2"})
    assert changed.grace_minutes == 15 and changed.after_hours_multiplier == Decimal(2)
    assert base.grace_minutes == 0, "the preset is untouched"
    assert changed.key == "tokyo-its"


def test_with_overrides_reports_every_problem() -> None:
    with pytest.raises(PolicyError) as info:
        with_overrides(
            load_preset("ecorpone"),
            {
                "grace_mins": 10,
                "min_lead_hours": 12,
                "billing_increment_minutes": 0,
                "business_end": "08:00",
                "holidays_after_hours": "yes",
                "minimum_hours": Decimal("2.555"),
            },
        )
    assert info.value.problems == [
        "grace_mins: unknown setting",
        "min_lead_hours: not a pricing setting",
        "billing_increment_minutes: must be a whole number from 1 to 240",
        "holidays_after_hours: must be true or false",
        "minimum_hours: must have at most 2 decimal places",
        "business_end: must be after business_start",
    ]


def test_a_float_override_is_read_through_its_text() -> None:
    policy = with_overrides(load_preset("ecorpone"), {"overtime_multiplier": 1.1})
    assert policy.overtime_multiplier == Decimal("1.1")


def test_the_calendar_is_built_once_per_calendar_settings() -> None:
    base = load_preset("ecorpone")
    assert base.calendar is with_overrides(base, {"grace_minutes": 5}).calendar
    other = with_overrides(base, {"business_start": "10:00"})
    assert other.calendar is not base.calendar
    assert other.calendar.business_start == time(10)


def test_from_policy_shares_one_calendar_per_settings() -> None:
    policy = load_preset("tokyo-its")
    assert BusinessCalendar.from_policy(policy) is policy.calendar
    assert BusinessCalendar.from_policy(load_preset("ecorpone")) is not policy.calendar


def test_business_intervals_are_cached_per_day_and_none_on_a_holiday() -> None:
    calendar = load_preset("tokyo-its").calendar
    friday = calendar.business_interval(date(2026, 12, 4))
    assert friday == (datetime(2026, 12, 4, 1, tzinfo=UTC), datetime(2026, 12, 4, 9, tzinfo=UTC))
    assert calendar.business_interval(date(2026, 12, 4)) is friday
    assert calendar.business_interval(date(2027, 3, 22)) is None  # substitute holiday
    assert calendar.business_interval(date(2026, 12, 5)) is None  # Saturday
