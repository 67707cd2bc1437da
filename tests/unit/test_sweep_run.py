"""Running sweeps: results equal plain runs and do not depend on the executor, an
interrupted sweep resumed equals an uninterrupted one, replicate k sees the same draws at
every point (common random numbers), and tasks are streamed a few at a time."""

from concurrent.futures import Future

import pandas as pd
import pytest

import sim
from sim.core.rng import replicate_seed
from sim.experiments import sweep_runner as sweep_run
from sim.experiments.executors import Executor, map_ordered
from sim.experiments.sweep_design import SweepError, load_sweep
from sim.experiments.sweep_runner import run_sweep
from sim.experiments.sweep_store import DAILY, SUMMARY, SweepStore, load_daily, load_summary
from tests.helpers import BASELINE

SMALL_SWEEP = f"""
scenario = "{BASELINE}"
days = 20
members = 500
replicates = 2
seed = 7
daily = true

[[parameters]]
path = "rewards.energy_multiple"
values = [2.0, 5.0]

[[parameters]]
path = "population.churn_probability_per_day"
values = [0.0005, 0.02]
"""


@pytest.fixture
def small_plan(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_SWEEP)
    return load_sweep(path)


def assert_same_dataset(first, second):
    pd.testing.assert_frame_equal(load_summary(first), load_summary(second))
    pd.testing.assert_frame_equal(load_daily(first), load_daily(second))


def test_map_ordered_streams_a_bounded_window_in_order():
    submitted = []

    def submit(function, argument):
        submitted.append(argument)
        future = Future()
        future.set_result(function(argument))
        return future

    results = []
    for result in map_ordered(Executor(submit, slots=3), lambda x: x * x, range(100)):
        assert len(submitted) - len(results) <= 6  # two tasks per slot in flight, never all
        results.append(result)
    assert results == [x * x for x in range(100)]


def test_sweep_rows_are_the_plain_runs(small_plan, tmp_path):
    report = run_sweep(small_plan, tmp_path / "out", workers=2)
    assert (report.runs, report.runs_now, report.runs_done_before) == (8, 8, 0)
    summary = load_summary(report.folder)
    assert list(summary[["point", "replicate"]].itertuples(index=False, name=None)) == [
        (p, r) for p in range(4) for r in range(2)]
    assert summary["seed"].tolist() == [replicate_seed(7, r) for _ in range(4) for r in range(2)]
    assert summary["horizon_days"].eq(20).all()
    row = summary.iloc[5]  # point 2 (multiple 5.0, churn 0.0005), replicate 1
    assert (row["rewards.energy_multiple"], row["population.churn_probability_per_day"]) == (5.0, 0.0005)
    plain = sim.run(BASELINE, days=20, members=500, seed=replicate_seed(7, 1),
                    settings={"rewards.energy_multiple": 5.0, "population.churn_probability_per_day": 0.0005})
    for key, value in plain.summary.items():
        assert (pd.isna(row[key]) and value is None) or row[key] == value, key
    daily = load_daily(report.folder)
    run_daily = daily[(daily["point"] == 2) & (daily["replicate"] == 1)].drop(columns=["point", "replicate"])
    pd.testing.assert_frame_equal(run_daily.reset_index(drop=True), plain.daily)


def test_executors_agree(small_plan, tmp_path):
    folders = {}
    for label, options in {"local-1": dict(workers=1), "local-2": dict(workers=2),
                           "dask-local-cluster": dict(executor="dask", workers=2)}.items():
        folders[label] = run_sweep(small_plan, tmp_path / label, **options).folder
    assert_same_dataset(folders["local-1"], folders["local-2"])
    assert_same_dataset(folders["local-1"], folders["dask-local-cluster"])


class Crash(Exception):
    """Stands for the process being killed while it writes a part."""


def test_resumed_sweep_equals_an_uninterrupted_one(small_plan, tmp_path, monkeypatch):
    whole = run_sweep(small_plan, tmp_path / "whole", workers=2).folder

    monkeypatch.setattr(sweep_run, "RUNS_PER_PART", 2)
    real_write_part = SweepStore.write_part

    def killed_during_the_third_part(store, summary_rows, daily_frames):
        if store.next_part < 2:
            return real_write_part(store, summary_rows, daily_frames)
        name = f"part-{store.next_part:05d}.parquet"
        pd.concat(daily_frames).to_parquet(store.folder / DAILY / name)  # daily part written,
        (store.folder / SUMMARY / f".{name}.tmp").write_bytes(b"half a file")  # summary part not
        raise Crash

    monkeypatch.setattr(SweepStore, "write_part", killed_during_the_third_part)
    with pytest.raises(Crash):
        run_sweep(small_plan, tmp_path / "resumed", workers=2)
    folder = tmp_path / "resumed" / small_plan.name
    assert len(load_summary(folder)) == 4  # two parts of two runs made it
    monkeypatch.undo()

    report = run_sweep(small_plan, tmp_path / "resumed", workers=2)
    assert (report.runs_done_before, report.runs_now) == (4, 4)
    assert_same_dataset(whole, report.folder)
    assert not list(folder.glob("**/.*.tmp"))
    assert sorted(p.name for p in (folder / DAILY).iterdir()) == sorted(p.name for p in (folder / SUMMARY).iterdir())

    again = run_sweep(small_plan, tmp_path / "resumed", workers=1)  # finished: nothing to do
    assert again.runs_now == 0
    assert_same_dataset(whole, again.folder)


def test_common_random_numbers_same_replicate_same_draws_at_every_point(small_plan, tmp_path):
    daily = load_daily(run_sweep(small_plan, tmp_path, workers=2).folder)
    low, high = (daily[daily["point"] == point] for point in (0, 2))  # multiple 2 vs 5, same churn
    draws = ["arrivals", "purchases", "sales_cents", "churned"]
    for replicate in (0, 1):
        at_low = low[low["replicate"] == replicate].reset_index(drop=True)
        at_high = high[high["replicate"] == replicate].reset_index(drop=True)
        pd.testing.assert_frame_equal(at_low[draws], at_high[draws])  # same members buy the same baskets
        assert (at_high["energy_granted_cents"] > at_low["energy_granted_cents"]).any()  # the parameter acts
    replicates = [low[low["replicate"] == r].reset_index(drop=True) for r in (0, 1)]
    assert not replicates[0]["sales_cents"].equals(replicates[1]["sales_cents"])  # replicates differ


def test_a_folder_holding_another_sweep_is_refused(small_plan, tmp_path):
    run_sweep(small_plan, tmp_path, workers=1)
    changed = load_sweep(small_plan.source, {"days": 21})
    with pytest.raises(SweepError, match="holds a different sweep"):
        run_sweep(changed, tmp_path, workers=1)
    junk = tmp_path / "junk" / small_plan.name
    junk.mkdir(parents=True)
    (junk / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="exists and holds no sweep dataset"):
        run_sweep(small_plan, tmp_path / "junk", workers=1)


def test_parts_share_one_schema_when_a_part_never_collapses(small_plan, tmp_path):
    store = SweepStore.open(tmp_path, small_plan)
    row = {"horizon_days": 20, "share_members_losing": None}
    store.write_part([{"point": 0, "replicate": 0, "collapse_day": None, **row}], [])
    store.write_part([{"point": 0, "replicate": 1, "collapse_day": 12, **row, "share_members_losing": 0.5}], [])
    plain = pd.read_parquet(store.folder / SUMMARY)  # any Parquet reader takes the folder as one dataset
    assert len(plain) == 2
    summary = load_summary(store.folder)
    assert summary["collapse_day"].dtype == "Int64" and summary["collapse_day"].tolist() == [pd.NA, 12]
    assert summary["share_members_losing"].dtype == "float64"
