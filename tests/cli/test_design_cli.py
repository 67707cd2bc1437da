"""`circsim optimize` and `circsim discover` as a user runs them: a small search writes
the folder the workbench reads and answers in words (resuming is checked in
tests/science/test_optimize.py); discover finds the failing region of
it; bad ranges, unknown objectives and unknown metrics are one line each, exit status 2,
and nothing is written (an unknown
`discover --metric` is checked in tests/unit/test_prim.py)."""

import json

import pandas as pd
import pytest

from tests.helpers import BASELINE, assert_rejected, run_cli

SEARCH = ["--members", "200", "--days", "15", "--replicates", "2", "--trials", "4", "--population", "2",
          "--workers", "1",
          "--parameter", "release.dividend_pool_share_of_sales=0.05:0.2",
          "--parameter", "rewards.energy_multiple=1.2:5",
          "--objective", "promises_honoured_share:max", "--objective", "operator_margin:max",
          "--constraint", "ruin_probability<=0"]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("optimize")
    completed = run_cli("optimize", BASELINE, *SEARCH, "--out", out)
    assert completed.returncode == 0, completed.stderr
    return out / "baseline", completed.stdout


def test_optimize_writes_the_study_folder(study):
    folder, stdout = study
    assert {p.name for p in folder.iterdir()} == {"study.db", "optimize.json", "scenario.toml", "trials.parquet",
                                                 "pareto.parquet", "pareto.png", "answer.txt"}
    settings = json.loads((folder / "optimize.json").read_text())
    assert settings["parameters"]["rewards.energy_multiple"] == {"low": 1.2, "high": 5.0, "log": False}
    assert settings["objectives"][1] == {"name": "operator_margin", "direction": "maximize"}
    assert (settings["replicates"], settings["members"], settings["days"], settings["sampler"]) == (2, 200, 15, "nsga2")
    trials = pd.read_parquet(folder / "trials.parquet")
    assert list(trials.columns) == ["trial", "release.dividend_pool_share_of_sales", "rewards.energy_multiple",
                                    "promises_honoured_share", "operator_margin", "replicates", "state", "feasible"]
    assert len(trials) == 4 and (trials["replicates"] == 2).all() and trials["feasible"].all()
    pareto = pd.read_parquet(folder / "pareto.parquet")
    assert list(pareto.columns) == list(trials.columns) and 1 <= len(pareto) <= 4
    answer = (folder / "answer.txt").read_text()
    assert "highest promises_honoured_share" in answer and answer.splitlines()[0] in stdout


def test_discover_on_the_study(study, tmp_path):
    folder, _ = study
    completed = run_cli("discover", folder, "--metric", "promises_honoured_share", "--threshold", "0.02",
                        "--failing", "below", "--out", tmp_path)
    assert completed.returncode == 0, completed.stderr
    boxes = json.loads((tmp_path / "boxes.json").read_text())
    assert boxes["metric"] == "promises_honoured_share" and boxes["points"] == 4
    assert boxes["answer"][0] in completed.stdout


def test_bad_search_is_one_line_per_problem_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    completed = run_cli("optimize", BASELINE, "--out", out,
                        "--parameter", "rewards.energy_multiple=5:1.2",
                        "--parameter", "withdrawals.fee_share=0:3",
                        "--objective", "happiness:max", "--constraint", "ruin_upper<0.01",
                        "--constraint", "luck>=0.5")
    assert_rejected(completed, "--parameter rewards.energy_multiple=5:1.2: LOW must be below HIGH",
                    "--parameter withdrawals.fee_share=0:3:", "--objective happiness:max: happiness: unknown metric",
                    "--constraint ruin_upper<0.01: expected NAME<=BOUND or NAME>=BOUND",
                    "--constraint luck>=0.5: luck: unknown metric")
    assert len(completed.stderr.strip().splitlines()) == 5
    assert not out.exists()

