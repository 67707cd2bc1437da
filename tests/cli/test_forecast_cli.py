"""`circsim run --checkpoint-day`, `circsim resume` and `circsim forecast`, as a user runs them."""

import json

import pandas as pd
import pytest

import sim
from sim.cli.main import main
from sim.scenario.loading import to_toml
from sim.scenario.scaling import resolve
from tests.helpers import SCENARIOS, only_run_dir, run_cli

PARAMETER = "population.bass_imitation_per_day"


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    """A calibration folder as `circsim calibrate` writes it: the scenario at the calibration's
    population, a weighted posterior of one parameter, the last observed day."""
    folder = tmp_path_factory.mktemp("calibration") / "linear_rights"
    folder.mkdir()
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=500, days=150)
    (folder / "scenario.toml").write_text(to_toml(scenario))
    pd.DataFrame({PARAMETER: [0.01, 0.02, 0.04], "weight": [0.2, 0.5, 0.3]}).to_parquet(folder / "posterior.parquet")
    (folder / "calibration.json").write_text(json.dumps({"last_observed_day": 99, "population_scale_factor": 0.05}))
    return folder


def test_forecast_writes_survival_per_order_and_its_report(calibration, tmp_path):
    out = tmp_path / "forecast"
    completed = run_cli("forecast", calibration, "--days", "200", "--draws", "4", "--workers", "1",
                        "--intervention", "none", "--intervention", "stop_new_members", "--out", out)
    assert completed.returncode == 0, completed.stderr
    folder = out / "linear_rights"
    survival = pd.read_parquet(folder / "survival.parquet")
    assert list(survival.columns) == ["intervention", "day", "p_paying", "lower", "upper"]
    assert set(survival["intervention"]) == {"none", "stop_new_members"}
    assert survival["day"].min() == 100 and survival["day"].max() == 299
    assert ((survival["lower"] <= survival["p_paying"]) & (survival["p_paying"] <= survival["upper"])).all()
    assert survival.groupby("intervention")["p_paying"].apply(lambda p: p.is_monotonic_decreasing).all()
    manifest = json.loads((folder / "forecast.json").read_text())
    assert manifest["draws"] == 4 and manifest["first_forecast_day"] == 100
    draws = pd.read_parquet(folder / "draws.parquet")
    assert set(draws[PARAMETER]) <= {0.01, 0.02, 0.04} and len(draws) == 8
    for name in ("forecast.html", "forecast.pdf", "bands.parquet", "trajectories.parquet", "charts/survival.png"):
        assert (folder / name).is_file(), name
    assert "stop_new_members" in completed.stdout


def assert_refused(capsys, args, fragment) -> None:
    """``circsim ARGS`` (in this process, as the console script calls ``main``) exits 2 with
    one ``circsim: error:`` line holding ``fragment``."""
    assert main([str(arg) for arg in args]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("circsim: error: ") and fragment in lines[0], lines


@pytest.mark.parametrize("args, fragment", [
    (["--intervention", "shut_down"], "--intervention shut_down: unknown intervention"),
    (["--intervention", "cut_release:2"], "--intervention cut_release:2: SHARE must be between 0 and 1"),
    (["--intervention", "none", "--intervention", "none"], "--intervention none: given twice"),
])
def test_bad_orders_are_refused_with_nothing_written(calibration, tmp_path, capsys, args, fragment):
    assert_refused(capsys, ["forecast", calibration, "--draws", "2", "--out", tmp_path / "f", *args], fragment)
    assert not (tmp_path / "f").exists()


def test_a_folder_that_is_not_a_calibration_is_refused(tmp_path, capsys):
    assert main(["forecast", str(tmp_path), "--out", str(tmp_path / "f")]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert [line for line in errors if "posterior.parquet: missing" in line] and "Traceback" not in "".join(errors)
    assert not (tmp_path / "f").exists()


def test_checkpoint_then_resume_is_the_uninterrupted_run_and_forks(tmp_path):
    """`run --checkpoint-day 60` saves the state in the run folder; `resume` continues it to
    the same run; `resume --intervention` forks it."""
    scenario = SCENARIOS / "linear_rights.toml"
    assert main(["run", str(scenario), "--members", "400", "--days", "150", "--checkpoint-day", "60",
                 "--threads", "1", "--out", str(tmp_path / "a")]) == 0
    run_dir = only_run_dir(tmp_path / "a")
    checkpoint = run_dir / "checkpoint_day60.ckpt"
    assert checkpoint.is_file()
    resumed = run_cli("resume", checkpoint, "--threads", "1", "--out", tmp_path / "b")
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(run_dir / "daily.parquet"),
                                  pd.read_parquet(only_run_dir(tmp_path / "b") / "daily.parquet"))
    assert main(["resume", str(checkpoint), "--intervention", "sales_only", "--out", str(tmp_path / "c")]) == 0
    daily = pd.read_parquet(only_run_dir(tmp_path / "c") / "daily.parquet")
    assert (daily["energy_granted_cents"].iloc[61:] == 0).all() and daily["energy_granted_cents"].iloc[:60].sum() > 0


@pytest.fixture(scope="module")
def small_checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=200, days=30)
    sim.run(scenario, threads=1, checkpoint=(10, out / "day10.ckpt"))
    return out / "day10.ckpt"


@pytest.mark.parametrize("args, fragment", [
    (["--set", "run.seed=3"], "run.seed: cannot change during a run"),
    (["--set", "withdrawals.fee_share=7"], "withdrawals.fee_share"),
    (["--intervention", "fee:-1"], "--intervention fee:-1"),
    (["--days", "5"], "--days 5: the checkpoint is already at day 10"),
])
def test_bad_changes_on_resume_are_refused(small_checkpoint, tmp_path, capsys, args, fragment):
    assert_refused(capsys, ["resume", small_checkpoint, "--out", tmp_path / "b", *args], fragment)
    assert not (tmp_path / "b").exists()


def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path, capsys):
    (tmp_path / "x.ckpt").write_text("hello")
    assert_refused(capsys, ["resume", tmp_path / "x.ckpt", "--out", tmp_path / "b"], "not a circsim checkpoint")
    assert not (tmp_path / "b").exists()


def test_a_checkpoint_day_past_the_run_is_refused(tmp_path, capsys):
    assert_refused(capsys, ["run", SCENARIOS / "linear_rights.toml", "--members", "200", "--days", "30",
                            "--checkpoint-day", "30", "--out", tmp_path / "a"], "--checkpoint-day 30: the run has 30 days")
    assert not (tmp_path / "a").exists()
