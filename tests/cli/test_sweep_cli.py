"""`circsim sweep | sensitivity | frontier` as a user runs them: bad input is one line per
problem with exit status 2 and nothing written; good input runs, resumes, and reports."""

import json

import pandas as pd
import pytest

from sim.experiments.sweep_store import load_summary
from tests.helpers import BASELINE, assert_rejected, run_cli

PARAMETER = '[[parameters]]\npath = "rewards.energy_multiple"\nvalues = [2.0, 4.0]\n'
GOOD = f'scenario = "{BASELINE}"\ndays = 10\nmembers = 300\nreplicates = 2\n' + PARAMETER

BAD_SWEEPS = {
    "unknown_field": (GOOD + "colour = 3\n", "colour: unknown field"),
    "bad_parameter_path": (GOOD.replace("rewards.energy_multiple", "rewards.energy_multiplier"),
                           "rewards.energy_multiplier: unknown field"),
    "bad_range": (GOOD.replace("values = [2.0, 4.0]", "start = 4.0\nstop = 2.0\nnum = 3"),
                  "parameters.0: start must be below stop"),
    "missing_base_scenario": (GOOD.replace(str(BASELINE), "no_such_scenario.toml"),
                              "scenario: file not found"),
    "broken_toml": (GOOD + "[[parameters]\n", "TOML: "),
}


@pytest.mark.parametrize("case", sorted(BAD_SWEEPS))
def test_bad_sweep_files_are_rejected(tmp_path, case):
    text, expected = BAD_SWEEPS[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    out = tmp_path / "out"
    completed = run_cli("sweep", path, "--out", out)
    assert_rejected(completed, f"{path}: ", expected)
    assert len(completed.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("address", ["nonsense", "tcp://localhost"])
def test_bad_scheduler_is_rejected_before_anything_is_written(tmp_path, address):
    path = tmp_path / "good.toml"
    path.write_text(GOOD)
    completed = run_cli("sweep", path, "--out", tmp_path / "out", "--scheduler", address)
    assert_rejected(completed, f"--scheduler {address}: cannot connect")
    assert not (tmp_path / "out").exists()


def test_bad_frontier_and_sensitivity_options(tmp_path):
    assert_rejected(run_cli("frontier", BASELINE, "--parameter", "rewards.nope", "--low", 1, "--high", 2),
                    "--parameter rewards.nope: not a scenario field")
    assert_rejected(run_cli("frontier", BASELINE, "--parameter", "rewards.energy_multiple", "--low", 1,
                            "--high", 2, "--target", 1.5), "--target: must be between 0 and 1")
    assert_rejected(run_cli("sensitivity", tmp_path), f"{tmp_path}: sweep.json: not found")


def test_sweep_runs_resumes_and_reports(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(GOOD)
    out = tmp_path / "out"
    first = run_cli("sweep", path, "--out", out, "--workers", 2)
    assert first.returncode == 0, first.stderr
    assert "sweep grid: 2 points x 2 replicates = 4 runs (4 new, 0 already on disk)" in first.stdout
    assert "points/s" in first.stdout and f"dataset  {out / 'grid'}" in first.stdout
    assert first.stderr == ""  # no progress bar when output is not a terminal
    summary = load_summary(out / "grid")
    assert summary["rewards.energy_multiple"].tolist() == [2.0, 2.0, 4.0, 4.0]
    assert pd.read_parquet(out / "grid" / "summary").shape[0] == 4  # a plain Parquet dataset too
    again = run_cli("sweep", path, "--out", out)
    assert again.returncode == 0 and "(0 new, 4 already on disk)" in again.stdout
    pd.testing.assert_frame_equal(load_summary(out / "grid"), summary)


def test_sobol_sweep_then_sensitivity_table_and_chart(tmp_path):
    path = tmp_path / "sobol.toml"
    path.write_text(f'scenario = "{BASELINE}"\ndays = 10\nmembers = 300\ndesign = "sobol"\nsamples = 4\n'
                    '[[parameters]]\npath = "rewards.energy_multiple"\nlow = 1.0\nhigh = 5.0\n'
                    '[[parameters]]\npath = "purchases.goods_value_ratio"\nlow = 0.2\nhigh = 1.0\n')
    out = tmp_path / "out"
    assert run_cli("sweep", path, "--out", out, "--workers", 2).returncode == 0
    completed = run_cli("sensitivity", out / "sobol", "--metric", "share_members_losing")
    assert completed.returncode == 0, completed.stderr
    assert "S1" in completed.stdout and "purchases.goods_value_ratio" in completed.stdout
    table = pd.read_csv(out / "sobol" / "sensitivity-share_members_losing.csv", index_col="parameter")
    assert table.columns.tolist() == ["S1", "S1_conf", "ST", "ST_conf"]
    assert (out / "sobol" / "sensitivity-share_members_losing.png").stat().st_size > 0


def test_frontier_prints_its_statement_and_writes_json(tmp_path):
    out = tmp_path / "frontier.json"
    completed = run_cli(
        "frontier", BASELINE, "--days", 30, "--members", 300, "--parameter", "rewards.energy_multiple",
        "--low", 1, "--high", 5, "--replicates", 2, "--tolerance", 2, "--workers", 2, "--out", out)
    assert completed.returncode == 0, completed.stderr
    assert "rewards.energy_multiple = 1: 0 of 2 collapsed" in completed.stdout
    assert "Every value tried meets the target" in completed.stdout  # rule A pays only what comes in
    assert "Clopper-Pearson" in completed.stdout
    result = json.loads(out.read_text())
    assert result["frontier_value"] == 5 and [e["value"] for e in result["evaluations"]] == [1, 5]
