"""`circsim calibrate` as a user runs it: a small calibration writes its folder (posterior,
calibration.json, scenario, observations, history, charts) and resumes from it; a bad
observed file, an unknown parameter or a bad range is one line, exit status 2, nothing
written."""

import json

import pandas as pd
import pytest

from sim.cli.main import main
from sim.engine.simulation import run
from tests.helpers import BASELINE, run_cli

PARAMETERS = ("--parameter", "population.bass_imitation_per_day=0.001:0.08:log",
              "--parameter", "purchases.purchase_probability_per_day=0.01:0.2")
SMALL = ("--predictive-draws", 4, "--members", 300, "--particles", 8, "--generations", 1, "--seed", 4)


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    """Members every 5 days and sales of two dates, at the scenario's 100 000 members (played
    at 3 000 and multiplied by 100 / 3, as published figures would be)."""
    folder = tmp_path_factory.mktemp("observed")
    daily = run(BASELINE, members=3000, days=30, seed=9, threads=1).daily
    factor = 100_000 / 3000
    figures = pd.DataFrame({"day": daily["day"], "members_total": (daily["members_total"] * factor).round(),
                            "cumulative_sales_cents": (daily["sales_cents"].cumsum() * factor).round()})
    path = folder / "observed.csv"
    figures[figures["day"] % 5 == 4].to_csv(path, index=False)
    return path


def test_calibration_writes_its_folder_and_resumes(tmp_path, observed):
    out = tmp_path / "calibration"
    completed = run_cli("calibrate", BASELINE, "--observed", observed, *PARAMETERS, *SMALL, "--out", out)
    assert completed.returncode == 0, completed.stderr
    assert "300 members = 0.003 x the scenario's 100,000" in completed.stdout
    folder = out / "baseline"
    assert sorted(path.name for path in out.iterdir()) == ["baseline"]  # the working history moved in
    posterior = pd.read_parquet(folder / "posterior.parquet")
    assert list(posterior.columns) == ["population.bass_imitation_per_day", "purchases.purchase_probability_per_day",
                                       "weight"]
    assert len(posterior) == 8 and abs(posterior["weight"].sum() - 1) < 1e-12
    summary = json.loads((folder / "calibration.json").read_text())
    assert summary["last_observed_day"] == 29 and summary["members"] == 300 and summary["days"] == 30
    assert summary["population_scale_factor"] == pytest.approx(0.003)
    assert summary["observed"]["file"] == "observed.csv" and len(summary["observed"]["sha256"]) == 64
    assert [item["prior"] for item in summary["parameters"]] == ["log-uniform", "uniform"]
    assert summary["generations"] == 1 and len(summary["acceptance_rates"]) == 1
    for name in ("scenario.toml", "observed.parquet", "history.db", "predictive.parquet", "marginals.png",
                 "pairs.png", "predictive.png"):
        assert (folder / name).is_file(), name
    assert "initial_members = 300" in (folder / "scenario.toml").read_text()

    again = run_cli("calibrate", BASELINE, "--observed", observed, *PARAMETERS, *SMALL[:-4], "--generations", 2,
                    "--seed", 4, "--out", out)
    assert again.returncode == 0, again.stderr
    resumed = json.loads((folder / "calibration.json").read_text())
    assert resumed["resumed"] and resumed["generations"] == 2
    assert resumed["epsilons"][0] == summary["epsilons"][0]


@pytest.mark.parametrize(("arguments", "expected"), [
    (("--parameter", "population.bass_imitation=0.001:0.05"),
     "--parameter population.bass_imitation=0.001:0.05: population.bass_imitation: not a field of the scenario"),
    (("--parameter", "platform.currency=1:2"), "platform.currency: not a number"),
    (("--parameter", "population.bass_imitation_per_day=0.05:0.001"), "need finite bounds with low < high"),
    (("--parameter", "population.bass_imitation_per_day=0:0.05:log"), "a log-uniform prior needs low > 0"),
    (("--parameter", "population.bass_imitation_per_day=0.001:2"),
     "population.bass_imitation_per_day = 2: Input should be less than or equal to 1"),
    (("--parameter", "population.bass_imitation_per_day"), "expected SECTION.FIELD=LOW:HIGH"),
    (("--parameter", "population.bass_imitation_per_day=0.01:0.02", "--parameter",
      "population.bass_imitation_per_day=0.01:0.03"), "population.bass_imitation_per_day: given more than once"),
    (("--parameter", "population.bass_imitation_per_day=0.01:0.02", "--days", 27), "row 6: column day: day 29 is outside the run (days 0 to 26)"),
])
def test_bad_parameters_are_one_line_and_nothing_is_written(tmp_path, capsys, observed, arguments, expected):
    out = tmp_path / "out"
    status = main(["calibrate", str(BASELINE), "--observed", str(observed), *map(str, arguments), "--out", str(out)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith("circsim: error: ") and expected in lines[0], lines
    assert not out.exists()


@pytest.mark.parametrize(("text", "expected"), [
    ("day,members\n1,3\n", "column members: unknown"),
    ("date,members_total\n2015-01-01,3\n", "dates need the scenario's run.start_date"),
    ("day,members_total\n1,-3\n", "row 1: column members_total: -3 is negative"),
])
def test_bad_observed_files_are_one_line_and_nothing_is_written(tmp_path, capsys, text, expected):
    path = tmp_path / "observed.csv"
    path.write_text(text)
    out = tmp_path / "out"
    status = main(["calibrate", str(BASELINE), "--observed", str(path), *PARAMETERS[:2], "--out", str(out)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(lines) == 1 and expected in lines[0], lines
    assert not out.exists()


def test_a_start_date_makes_dates_usable(tmp_path, capsys):
    """``--set run.start_date=...`` lets a dated file through to the parameter check."""
    path = tmp_path / "observed.csv"
    path.write_text("date,members_total\n2015-01-11,150000\n")
    status = main(["calibrate", str(BASELINE), "--observed", str(path), "--set", "run.start_date=2015-01-01",
                   "--parameter", "population.nothing=1:2", "--out", str(tmp_path / "out")])
    assert status == 2 and "population.nothing: not a field" in capsys.readouterr().err
