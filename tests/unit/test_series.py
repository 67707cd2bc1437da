"""Exogenous daily series (``sim.scenario.series``, docs/MODEL.md §5.1): a CSV file beside the
scenario becomes the values by day; counts are realised by carrying fractions; bad files
are refused with one line naming the file, the field and the reason."""

import pytest

import sim
from sim.core.errors import InputError
from sim.reference.model import Platform, first_difference
from sim.scenario.loading import load_scenario, to_toml
from sim.scenario.series import realised_counts
from tests.helpers import BASELINE, assert_rejected, run_cli


def write_scenario(folder, series_text: str, name: str = "series.csv"):
    (folder / name).write_text(series_text)
    scenario = folder / "s.toml"
    scenario.write_text(f'extends = "{BASELINE}"\n[population]\ninitial_members = 100\n'
                        f'market_size_members = 1000\narrivals_per_day = "{name}"\n')
    return scenario


def test_realised_counts_carry_fractions_and_keep_the_running_total():
    """count_d = ⌊C_(d+1)⌋ − ⌊C_d⌋: 0.5, 0.7, 0, 2.25 → 0, 1, 0, 2 (running totals 0.5, 1.2,
    1.2, 3.45); a steady 0.3 a day gives 3 in 10 days."""
    assert realised_counts([0.5, 0.7, 0.0, 2.25]) == [0, 1, 0, 2]
    assert sum(realised_counts([0.3] * 10)) == 3
    assert realised_counts([]) == []


def test_a_csv_beside_the_scenario_drives_arrivals_in_both_models(tmp_path):
    """Days listed in any order, gaps as 0, the market still caps them; the reference model
    agrees to the cent; the resolved scenario holds the values, not the file name."""
    path = write_scenario(tmp_path, "day,arrivals\n3,2.25\n0,0.5\n1,0.7\n5,5000\n")
    scenario = load_scenario(path)
    assert scenario.population.arrivals_per_day == (0.5, 0.7, 0.0, 2.25, 0.0, 5000.0)
    assert "series.csv" not in to_toml(scenario)
    daily = sim.run(scenario, days=7, validate=True).daily
    assert daily["arrivals"].tolist() == [0, 1, 0, 2, 0, 897, 0]  # 1 000 − 103 left in the market on day 5
    assert first_difference(daily, Platform(scenario.model_copy(update={"run": scenario.run.model_copy(
        update={"days": 7})})).run()) is None


@pytest.mark.parametrize(("text", "reason"), [
    ("day,count\n0,1\n", "has no column arrivals"),
    ("day,arrivals\n0,-1\n", "row 2: arrivals must be a number from 0"),
    ("day,arrivals\n0,nan\n", "row 2: arrivals must be a number from 0"),
    ("day,arrivals\n1.5,1\n", "row 2: day must be a whole number"),
    ("day,arrivals\n0,1\n0,2\n", "day 0 is listed twice"),
    ("day,arrivals\n99999,1\n", "row 2: day must be a whole number from 0 to 36500"),
])
def test_bad_series_files_are_refused_with_one_line(tmp_path, text, reason):
    path = write_scenario(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    (line,) = caught.value.problems
    assert line.startswith(f"{path}: population.arrivals_per_day: {tmp_path / 'series.csv'}") and reason in line


def test_the_cli_names_a_missing_series_file(tmp_path):
    path = write_scenario(tmp_path, "day,arrivals\n0,1\n")
    (tmp_path / "series.csv").unlink()
    completed = run_cli("run", str(path), "--out", str(tmp_path / "out"))
    assert_rejected(completed, f"population.arrivals_per_day: no file {tmp_path / 'series.csv'}")
    assert not (tmp_path / "out").exists()
