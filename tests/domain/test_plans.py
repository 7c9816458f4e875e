"""Plans as settings: FRAMELOOM_PLANS as JSON or a file, the built-in plans from the older settings,
and the ages and dates ``--since`` takes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from frameloom.domain.errors import InvalidRequest, PlanForbids
from frameloom.domain.plans import PlanLimits
from frameloom.domain.usage import parse_since
from frameloom.settings import load_settings

NOW = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)


def test_the_built_in_plans_follow_the_older_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELOOM_FREE_PLAN_EXPORT", "false")
    monkeypatch.setenv("FRAMELOOM_ANONYMOUS_CREDITS", "20")
    plans = load_settings(_env_file=None).plan_table()
    assert plans["anonymous"] == PlanLimits("anonymous", signup_credits=20, export=False)
    assert plans["registered"] == PlanLimits("registered", signup_credits=100, export=True)


def test_plans_from_json_change_the_built_ins_and_add_the_operators(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMELOOM_FREE_PLAN_EXPORT", "false")
    monkeypatch.setenv("FRAMELOOM_PLANS", '{"anonymous": {"requests_per_minute": 30, "export": true},'
                                          ' "pro": {"signup_credits": 1000, "max_video_s": 120}}')
    plans = load_settings(_env_file=None).plan_table()
    assert plans["anonymous"] == PlanLimits("anonymous", 100, export=True, requests_per_minute=30)
    assert plans["pro"] == PlanLimits("pro", 1000, max_video_s=120)
    assert list(plans) == ["anonymous", "registered", "pro"]


def test_plans_from_a_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plans.toml"
    path.write_text('[team]\nsignup_credits = 300\nconcurrent_jobs = 4\nmax_long_side = 1920\n', encoding="utf-8")
    monkeypatch.setenv("FRAMELOOM_PLANS", str(path))
    assert load_settings(_env_file=None).plan_table()["team"] == PlanLimits(
        "team", 300, concurrent_jobs=4, max_long_side=1920)


@pytest.mark.parametrize(("value", "problem"), [
    ('{"Pro!": {}}', "plan name 'Pro!'"),
    ('{"pro": {"concurrent_jobs": 0}}', "greater than or equal to 1"),
    ('{"pro": {"max_pixels": 5}}', "Extra inputs are not permitted"),
    ("/nowhere/plans.toml", "neither JSON nor a file"),
    ("{not json", "Expecting property name"),
])
def test_a_bad_plans_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str, problem: str) -> None:
    monkeypatch.setenv("FRAMELOOM_PLANS", value)
    with pytest.raises(InvalidRequest) as caught:
        load_settings(_env_file=None)
    assert caught.value.problems[0].field.startswith("FRAMELOOM_PLANS")
    assert problem in str(caught.value)


def test_limits_raise_with_the_limit_and_its_value() -> None:
    plan = PlanLimits("small", max_long_side=640, max_video_s=5)
    plan.check_size(640, 360)
    plan.check_length(5)
    with pytest.raises(PlanForbids) as size:
        plan.check_size(360, 641)
    assert (size.value.limit, size.value.allowed) == ("resolution", 640)
    with pytest.raises(PlanForbids) as length:
        plan.check_length(5.5)
    assert (length.value.limit, length.value.allowed) == ("video_length", 5)
    PlanLimits("open").check_size(10_000, 10_000)  # no limit set: none applies


@pytest.mark.parametrize(("text", "expected"), [
    ("24h", datetime(2026, 12, 1, 15, 30, tzinfo=UTC)),
    ("7d", datetime(2026, 11, 25, 15, 30, tzinfo=UTC)),
    ("30m", datetime(2026, 12, 2, 15, 0, tzinfo=UTC)),
    ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
    ("2026-12-01T08:00:00+08:00", datetime(2026, 12, 1, tzinfo=UTC)),
    (None, None),
])
def test_since_takes_ages_dates_and_times(text: str | None, expected: datetime | None) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "24x", "2026-13-01", "-1d"])
def test_a_bad_since_is_400_on_since(text: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_since(text, NOW)
    assert caught.value.problems[0].field == "since"
