"""Running a sweep: every (point, replicate) run on an executor, its results written to the
sweep's dataset in batches as they come back, in order; runs already on disk are skipped.

Memory stays flat: at most a few tasks are in flight (``map_ordered``) and at most one
batch of results is held before it is written.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.engine.simulation import run
from sim.experiments.executors import map_ordered, open_executor
from sim.experiments.sweep_design import SweepPlan
from sim.experiments.sweep_store import SweepStore
from sim.scenario.params import Scenario

RUNS_PER_PART = 50
SECONDS_PER_PART = 60.0
"""A part is written once this many runs, or this many seconds of them, are held."""


@dataclass(frozen=True)
class RunTask:
    """One run of an experiment: the scenario of a point, the replicate's seed, and the
    swept values recorded beside its results."""

    point: int
    replicate: int
    seed: int
    scenario: Scenario
    values: dict[str, Any] = field(default_factory=dict)
    daily: bool = False


@dataclass(frozen=True)
class RunRecord:
    """What a run sends back: its summary row and, if asked, its daily rows."""

    summary: dict[str, Any]
    daily: pd.DataFrame | None


def simulate(task: RunTask) -> RunRecord:
    """Run one task on one numba thread (each worker process gets one core) and return
    its summary row — keys, seed, horizon, swept values, then ``RunResult.summary`` —
    and its daily rows with the keys in front."""
    result = run(task.scenario, seed=task.seed, threads=1)
    keys = {"point": task.point, "replicate": task.replicate}
    summary = {**keys, "seed": task.seed, "horizon_days": task.scenario.run.days, **task.values, **result.summary}
    daily = None
    if task.daily:
        daily = pd.concat([pd.DataFrame(keys, index=result.daily.index), result.daily], axis=1)
    return RunRecord(summary, daily)


def plan_tasks(plan: SweepPlan, done: np.ndarray) -> Iterator[RunTask]:
    """The runs of ``plan`` not yet ``done``, point by point, replicates in order."""
    for point, values in enumerate(plan.points):
        if done[point].all():
            continue
        scenario = plan.scenario(point)
        for replicate in range(plan.replicates):
            if not done[point, replicate]:
                yield RunTask(point, replicate, plan.seed(replicate), scenario, values, plan.sweep.daily)


@dataclass(frozen=True)
class SweepReport:
    """What ``run_sweep`` did."""

    folder: Path
    runs: int
    runs_done_before: int
    wall_seconds: float
    replicates: int

    @property
    def runs_now(self) -> int:
        """Runs made by this call (the others were on disk already)."""
        return self.runs - self.runs_done_before

    @property
    def points_per_second(self) -> float:
        """Points (all their replicates) finished per second of this call."""
        return self.runs_now / self.replicates / self.wall_seconds if self.wall_seconds > 0 else float("nan")


def run_sweep(plan: SweepPlan, out_dir: str | Path = "results/sweeps", *, executor: str = "local",
              workers: int | None = None, scheduler: str | None = None, progress: bool = False) -> SweepReport:
    """Run every point × replicate of ``plan`` not yet in ``out_dir/<name>/`` and write the
    results there (see ``sim.experiments.sweep_store``). ``executor``, ``workers`` and ``scheduler`` are
    those of ``sim.experiments.executors.open_executor``; the results do not depend on them. An
    interrupted sweep keeps its finished runs: call again to finish it. The report's wall
    time includes starting and stopping the executor."""
    started = time.perf_counter()
    with open_executor(executor, workers, scheduler) as pool:  # a bad scheduler fails before anything is written
        store = SweepStore.open(out_dir, plan)
        done = store.done(len(plan.points), plan.replicates)
        done_before = int(done.sum())
        summary_rows: list[dict] = []
        daily_frames: list[pd.DataFrame] = []
        last_written = time.perf_counter()
        try:
            with tqdm(total=plan.runs, initial=done_before, unit="run", disable=not progress) as bar:
                for record in map_ordered(pool, simulate, plan_tasks(plan, done)):
                    summary_rows.append(record.summary)
                    if record.daily is not None:
                        daily_frames.append(record.daily)
                    bar.update()
                    if len(summary_rows) >= RUNS_PER_PART or time.perf_counter() - last_written >= SECONDS_PER_PART:
                        batch, summary_rows, daily_frames = (summary_rows, daily_frames), [], []
                        store.write_part(*batch)  # emptied first: an interruption here cannot write it twice
                        last_written = time.perf_counter()
        finally:  # what finished before an interruption is kept
            if summary_rows:
                store.write_part(summary_rows, daily_frames)
    return SweepReport(store.folder, plan.runs, done_before, time.perf_counter() - started, plan.replicates)
