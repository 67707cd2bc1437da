"""Replicates: seeds derived from the base seed, run in parallel processes with the same
results as one by one, saved next to replicate 0's run folder, all or nothing."""

import pandas as pd
import pytest

import sim
from sim.analysis import metrics
from sim.core.rng import replicate_seed
from sim.experiments.replicates import run_replicates, save_replicates
from sim.results.replicates import REPLICATES_FILE, collapse_days, load_replicates
from sim.results.run_result import load_result
from tests.helpers import BASELINE, SHRINKING_RUN


@pytest.fixture(scope="module")
def replicated():
    return run_replicates(BASELINE, 6, processes=2, **SHRINKING_RUN)


def test_seeds_derive_from_the_base_seed(replicated):
    _, table = replicated
    assert table["replicate"].tolist() == list(range(6))
    assert table["seed"].tolist() == [replicate_seed(1, k) for k in range(6)]
    assert table["seed"].iloc[0] == 1  # replicate 0 is the run the base seed alone gives


def test_parallel_replicates_equal_runs_one_by_one(replicated):
    base, table = replicated
    for seed, collapse in zip(table["seed"], collapse_days(table)):
        alone = sim.run(BASELINE, seed=int(seed), **SHRINKING_RUN)
        assert metrics.collapse_day(alone.daily) == collapse
    pd.testing.assert_frame_equal(base.daily, sim.run(BASELINE, seed=1, **SHRINKING_RUN).daily)
    assert 0 < sum(day is not None for day in collapse_days(table)) < 6  # some collapse, some not


def test_saved_with_the_run_of_replicate_zero(replicated, tmp_path):
    base, table = replicated
    run_dir = save_replicates(base, table, tmp_path)
    pd.testing.assert_frame_equal(load_replicates(run_dir), table)
    assert load_result(run_dir).summary["collapse_day"] == collapse_days(table)[0]
    assert not [p for p in run_dir.iterdir() if p.name.startswith(".")]


def test_a_failed_save_leaves_no_run_folder(replicated, tmp_path, monkeypatch):
    """The run folder of replicate 0 is written first; if the replicates table then
    cannot be written, the folder goes too."""
    base, table = replicated
    write = pd.DataFrame.to_parquet

    def disk_full_for_replicates(frame, path, *args, **kwargs):
        if REPLICATES_FILE in str(path):
            raise OSError(28, "No space left on device")
        return write(frame, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full_for_replicates)
    with pytest.raises(OSError):
        save_replicates(base, table, tmp_path)
    assert list((tmp_path / base.scenario.name).iterdir()) == []


def test_a_run_without_replicates_has_none(tmp_path):
    run_dir = sim.run(BASELINE, members=200, days=5).save(tmp_path)
    assert load_replicates(run_dir) is None and not (run_dir / REPLICATES_FILE).exists()
