"""The CLI as a user runs it, and the Python API, end to end."""

import json
import re

import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.results.run_result import RESULT_FILES, load_result
from sim.results.tables import DAILY_COLUMNS
from tests.helpers import BASELINE, SHIPPED_SCENARIOS, only_run_dir, run_cli

REQUIRED_DAILY = (
    "day", "members_total", "members_active", "merchants_active", "sales_cents", "new_money_cents",
    "pool_inflow_cents", "released_cents", "withdrawn_cents", "repurchased_cents", "platform_cash_cents",
    "hard_liabilities_cents", "contingent_liabilities_cents", "coverage_ratio", "unit_value", "insolvent",
)
REQUIRED_SUMMARY = (
    "collapse_day", "days", "members_final", "total_sales_cents", "total_withdrawn_cents",
    "promised_cents", "paid_cents", "share_members_losing", "ledger_balanced",
)


def check_run_dir(run_dir, days):
    assert sorted(p.name for p in run_dir.iterdir()) == sorted(RESULT_FILES)
    daily = pd.read_parquet(run_dir / "daily.parquet")
    assert set(REQUIRED_DAILY) <= set(daily.columns) and list(daily.columns) == list(DAILY_COLUMNS)
    assert daily["day"].tolist() == list(range(days))
    summary = json.loads((run_dir / "summary.json").read_text())
    assert set(REQUIRED_SUMMARY) <= set(summary)
    assert summary["ledger_balanced"] is True
    manifest = json.loads((run_dir / "manifest.json").read_text())
    for key in ("package_version", "git_commit", "scenario_hash", "seed", "threads", "wall_seconds",
                "member_days_per_second", "run_id"):
        assert key in manifest
    assert manifest["run_id"] == run_dir.name
    return daily, summary


def test_demo_run_of_the_baseline(tmp_path):
    """What `make demo` runs: the full baseline (100 000 members, 365 days) through the CLI."""
    out = tmp_path / "results"
    completed = run_cli("run", BASELINE, "--out", out)
    assert completed.returncode == 0, completed.stderr
    run_dir = only_run_dir(out)
    daily, summary = check_run_dir(run_dir, 365)
    assert summary["members_final"] > 100_000
    assert summary["collapse_day"] is None  # rule A pays only what comes in
    assert "baseline: 365 days" in completed.stdout and str(run_dir) in completed.stdout
    assert re.search(r"ledger balanced\s+yes", completed.stdout)
    assert completed.stderr == ""  # no progress bar when output is not a terminal


def test_run_with_options_and_validate_mode(tmp_path):
    out = tmp_path / "out"
    completed = run_cli("run", BASELINE, "--members", 1_500, "--days", 30, "--seed", 9, "--validate",
                        "--set", "rewards.energy_multiple=2.0", "--out", out)
    assert completed.returncode == 0, completed.stderr
    run_dir = only_run_dir(out)
    check_run_dir(run_dir, 30)
    resolved = sim.load_scenario(run_dir / "scenario.toml")
    assert (resolved.run.seed, resolved.rewards.energy_multiple, resolved.population.initial_members) == (9, 2.0, 1_500)
    assert json.loads((run_dir / "manifest.json").read_text())["validated"] is True


def test_check_command_accepts_the_baseline():
    completed = run_cli("check", BASELINE)
    assert completed.returncode == 0 and "ok (baseline, hash " in completed.stdout


def test_old_validate_spelling_still_checks_and_says_the_new_name():
    completed = run_cli("validate", BASELINE)
    assert completed.returncode == 0 and "ok (baseline, hash " in completed.stdout
    assert "`circsim validate` is now `circsim check`" in completed.stderr


def test_console_script_and_module_agree(tmp_path):
    completed = run_cli("--help")
    assert completed.returncode == 0 and "run" in completed.stdout and "check" in completed.stdout


def test_bench_command_reports_speed_memory_and_phases():
    completed = run_cli("bench", "--members", 20_000, "--days", 5)
    assert completed.returncode == 0, completed.stderr
    for label in ("member-days/s", "state bytes/member", "peak bytes/member", "purchases", "release"):
        assert label in completed.stdout
    figures = {line.rsplit(maxsplit=1)[0].strip(): line.split()[-1] for line in completed.stdout.splitlines()}
    # the traced run must see at least the member table it allocated
    assert int(figures["peak bytes/member"]) >= int(figures["state bytes/member"])


def test_python_api_saves_and_loads(tmp_path):
    result = sim.run(sim.load_scenario(BASELINE), days=20, members=1_000)
    run_dir = result.save(tmp_path)
    again = load_result(run_dir)
    pd.testing.assert_frame_equal(again.daily, result.daily)
    assert again.summary == json.loads(json.dumps(result.summary))
    assert again.scenario == result.scenario
    assert not [p for p in run_dir.parent.iterdir() if p.name.startswith(".")]  # no temporary left


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_validates_and_runs(tmp_path, path, capsys):
    # `check` in this process, as the console script calls `main` (the run below is a real process)
    assert main(["check", str(path)]) == 0 and ": ok (" in capsys.readouterr().out
    completed = run_cli("run", path, "--members", 1_000, "--days", 60, "--out", tmp_path)
    assert completed.returncode == 0, completed.stderr
    check_run_dir(only_run_dir(tmp_path), 60)
