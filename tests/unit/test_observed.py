"""Observed figures (sim.results.observed): both layouts, CSV and Parquet, dates, cumulative
columns, the population scaling, and one line per problem for every kind of bad file."""

import datetime

import numpy as np
import pandas as pd
import pytest

from sim.core.errors import InputError
from sim.results.observed import INTENSIVE_COLUMNS, load_observed
from sim.scenario.loading import replace
from sim.scenario.params import Scenario

SCENARIO = replace(Scenario(), {"run.days": 100})
DATED = replace(SCENARIO, {"run.start_date": datetime.date(2015, 1, 1)})


def write(tmp_path, text: str, name: str = "observed.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(path, scenario=SCENARIO, **options) -> list[str]:
    with pytest.raises(InputError) as raised:
        load_observed(path, scenario, **options)
    return raised.value.problems


def test_wide_layout_with_gaps_and_cumulative_columns(tmp_path):
    path = write(tmp_path, "day,members_total,cumulative_sales_cents,coverage_ratio\n"
                           "0,100,,\n10,150,5000,0.5\n20,,9000,\n")
    observed = load_observed(path, SCENARIO)
    assert observed.layout == "wide"
    assert observed.keys == ["coverage_ratio@10", "cumulative_sales_cents@10", "cumulative_sales_cents@20",
                             "members_total@0", "members_total@10"]
    assert observed.last_day == 20
    assert observed.figures["relative_uncertainty"].isna().all()
    daily = pd.DataFrame({"day": np.arange(25), "members_total": np.arange(25) * 10,
                          "sales_cents": np.full(25, 7, dtype=np.int64), "coverage_ratio": np.linspace(0, 1, 25)})
    # cumulative_ sums the daily flow from day 0 to the day inclusive: 11 and 21 days of 7
    assert observed.simulated(daily).tolist() == [daily["coverage_ratio"][10], 77.0, 147.0, 0.0, 100.0]
    with pytest.raises(ValueError, match="observations reach day 20"):
        observed.simulated(daily.iloc[:20])


def test_scaling_multiplies_extensive_figures_only(tmp_path):
    path = write(tmp_path, "day,members_total,cumulative_sales_cents,coverage_ratio\n10,150,5000,0.5\n")
    observed = load_observed(path, SCENARIO)
    assert observed.scaled_values(0.1).tolist() == [0.5, 500.0, 15.0]
    assert "coverage_ratio" in INTENSIVE_COLUMNS


def test_long_layout_with_dates_uncertainty_and_source_from_parquet(tmp_path):
    path = tmp_path / "observed.parquet"
    pd.DataFrame({"date": ["2015-01-11", "2015-03-01"], "column": ["members_total", "withdrawn_cents"],
                  "value": [8960.0, 1e6], "relative_uncertainty": [0.05, None],
                  "source": ["http://example.org/a", None]}).to_parquet(path)
    observed = load_observed(path, DATED)
    assert observed.layout == "long"
    figures = observed.figures
    assert figures["day"].tolist() == [10, 59]
    assert figures["relative_uncertainty"].iloc[0] == 0.05 and np.isnan(figures["relative_uncertainty"].iloc[1])
    assert figures["source"].tolist() == ["http://example.org/a", ""]
    assert len(observed.sha256) == 64


def test_horizon_can_be_given(tmp_path):
    path = write(tmp_path, "day,members_total\n500,10\n")
    assert load_observed(path, SCENARIO, horizon_days=1000).last_day == 500
    assert problems(path) == [f"{path}: row 1: column day: day 500 is outside the run (days 0 to 99)"]


@pytest.mark.parametrize(("text", "expected"), [
    ("day,members_total,foo\n1,2,3\n", "column foo: unknown"),
    ("members_total\n3\n", "columns: need exactly one of day or date, found neither"),
    ("day,date,members_total\n1,2015-01-01,3\n", "need exactly one of day or date, found 2 (day, date)"),
    ("day,members_total\n1.5,3\n", "row 1: column day: not a whole number (got '1.5')"),
    ("day,members_total\n-1,3\n", "row 1: column day: day -1 is outside the run (days 0 to 99)"),
    ("day,members_total\n1,many\n", "row 1: column members_total: not a finite number (got 'many')"),
    ("day,members_total\n1,inf\n", "row 1: column members_total: not a finite number (got 'inf')"),
    ("day,members_total\n1,-3\n", "row 1: column members_total: -3 is negative; members_total cannot be"),
    ("day,members_total\n1,3\n1,4\n", "rows 1, 2: column members_total: day 1 given more than once"),
    ("day,members_total\n1,\n", "no observed figure (every cell is empty)"),
    ("date,members_total\n2015-01-01,3\n", "column date: dates need the scenario's run.start_date"),
    ("day,column,value\n1,members_total,3\n1,members_total,4\n", "day 1 given more than once"),
    ("day,column,value\n1,member_count,3\n", "row 1: column column: 'member_count' is not a daily"),
    ("day,column,value,relative_uncertainty\n1,members_total,3,-0.1\n",
     "row 1: column relative_uncertainty: expected a number above 0"),
    ("day,column\n1,members_total\n", "the long layout needs column value"),
    ("day,column,value,members_total\n1,members_total,3,4\n", "column members_total: not allowed in the long"),
    ("day,members_total,source\n1,3,x\n", "column source: only in the long layout"),
    ("day,column,value\n1,cumulative_members_total,3\n", "'cumulative_members_total' is not a daily"),
])
def test_each_bad_file_is_one_line(tmp_path, text, expected):
    path = write(tmp_path, text)
    lines = problems(path)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: ") and expected in lines[0], lines


def test_bad_dates_and_files(tmp_path):
    path = write(tmp_path, "date,members_total\n2015-02-30,3\n2014-12-31,4\n")
    assert problems(path, DATED) == [
        f"{path}: row 1: column date: not an ISO date (yyyy-mm-dd) (got '2015-02-30')",
        f"{path}: row 2: column date: day -1 is outside the run (days 0 to 99)"]
    assert problems(tmp_path / "missing.csv") == [f"{tmp_path / 'missing.csv'}: file: not found"]
    assert problems(write(tmp_path, "day\n", "observed.txt"))[0].endswith("file: expected a .csv or .parquet file")
    broken = write(tmp_path, "not parquet", "broken.parquet")
    assert problems(broken)[0].startswith(f"{broken}: file: cannot be read as PARQUET")


def test_signed_columns_may_be_negative(tmp_path):
    path = write(tmp_path, "day,platform_cash_cents\n3,-500\n")
    assert load_observed(path, SCENARIO).figures["value"].tolist() == [-500.0]
