"""The workbench's Stress page without a browser: a tiny battery run on the scenario being
edited reports its progress cell by cell, saves its folder as `circsim stress` does
(OUT/<scenario>/stress/ with the tables and the report, nothing beside it), gives the same
cell table as ``sim.experiments.stress.run_battery`` for the same size and seeds, and reads
back the page's tables and charts; an uploaded battery's problems name the uploaded file."""

import pandas as pd
import pytest

from sim.dashboard.stress_page import load_uploaded_battery, run_stress
from sim.experiments.stress import run_battery
from sim.experiments.stress_battery import BatteryError
from sim.scenario.loading import load_scenario
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE

TINY_BATTERY = b'''
name = "tiny"
[[families]]
name = "growth_stop"
severities = [1.0]
changes = [{ path = "population.bass_imitation_per_day", mode = "scale", factor = -1.0 }]

[[families]]
name = "merchant_exodus"
severities = [1.0]
merchant_exodus = true
'''
MEMBERS, DAYS, REPLICATES = 300, 60, 2


def test_a_tiny_battery_runs_with_progress_saves_its_folder_and_matches_the_command(tmp_path):
    battery = load_uploaded_battery("tiny.toml", TINY_BATTERY)
    scenario = load_scenario(BASELINE)
    out = tmp_path / "out"
    progress = []
    outcome = run_stress(scenario, battery, "tiny.toml", REPLICATES, MEMBERS, DAYS, out,
                         on_progress=lambda done, total: progress.append((done, total)), workers=1)

    assert progress == [(1, 3), (2, 3), (3, 3)]  # the unshocked cell and one per family
    folder = out / "baseline" / "stress"
    assert outcome.folder == folder
    assert [p.name for p in out.iterdir()] == ["baseline"] and [p.name for p in folder.parent.iterdir()] == ["stress"]
    assert {"stress.parquet", "runs.parquet", "warnings.parquet", "packs.parquet", "scenario.toml", "battery.json",
            "stress.json", "stress.html", "stress.pdf", "charts"} <= {p.name for p in folder.iterdir()}
    assert all(path.is_file() for path in outcome.report_files)
    saved = load_scenario(folder / "scenario.toml")
    assert (saved.population.initial_members, saved.run.days) == (MEMBERS, DAYS)

    # the same runs as the command's: same seeds (common random numbers), same cell table
    expected = run_battery(resolve(scenario, days=DAYS, members=MEMBERS), battery, "tiny.toml", REPLICATES, workers=1)
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "runs.parquet"), expected.runs)
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "stress.parquet"), expected.cells)

    header, rows = outcome.tables["Ruin by shock and severity"]
    assert header[:3] == ["shock", "severity", "ruined"]
    assert [row[:3] for row in rows] == [[cell.shock, f"{cell.severity:g}", f"{cell.ruined} of {REPLICATES}"]
                                         for cell in expected.cells.itertuples()]
    assert [row[0] for row in rows] == ["none", "growth_stop", "merchant_exodus"]
    assert outcome.tables["Early warnings"][1]  # one row per indicator and threshold
    assert outcome.findings[0].startswith(f"without a shock: ruin within {DAYS} days")
    assert outcome.charts["heat_map"].axes[0].images and outcome.charts["collapse_day"].axes[0].lines


def test_an_uploaded_battery_with_a_problem_names_the_uploaded_file():
    with pytest.raises(BatteryError) as raised:
        load_uploaded_battery("mine.toml", b'[[families]]\nname = "x"\nseverities = [2.0]\nmerchant_exodus = true\n')
    assert raised.value.problems and all(problem.startswith("mine.toml") for problem in raised.value.problems)
    assert "severities must increase and lie in (0, 1]" in " ".join(raised.value.problems)
