"""Running a stress battery (``sim.experiments.stress_battery``): the unshocked scenario and
every shock family × severity, each with R replicates on common random numbers (replicate k
has the seed ``replicate_seed(seed, k)`` in every cell, so cells differ by the shock, not
by noise), on the executors of ``sim.experiments.executors`` (local processes or Dask).
Every run is a pure function of its scenario and seed, so the results are the same on
any executor.

Each run sends back its summary figures, its lowest coverage ratio and the first day each
early-warning indicator warned (``sim.analysis.early_warning``). The cell table gives per
cell the ruin probability within the horizon with its two-sided Clopper–Pearson interval
(Clopper & Pearson 1934: the ``(1 − c) / 2`` and ``(1 + c) / 2`` quantiles of the Beta
distributions, the one-sided bounds of ``sim.experiments.frontier`` at level
``(1 + c) / 2``).
"""

import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from sim.analysis.early_warning import first_warnings, indicator_series, warning_table
from sim.analysis.indicator_packs import RunTables, measure_packs
from sim.core.rng import replicate_seed
from sim.engine.simulation import run
from sim.experiments.executors import map_ordered, open_executor
from sim.experiments.frontier import ruin_lower_bound, ruin_upper_bound
from sim.experiments.stress_battery import Battery, Cell, battery_cells, shock_day
from sim.experiments.sweep_runner import RunTask
from sim.results.files import write_atomic
from sim.results.provenance import package_version
from sim.scenario.loading import scenario_hash, to_toml
from sim.scenario.params import Scenario

CONFIDENCE = 0.95
"""Level of the two-sided Clopper–Pearson interval of each cell's ruin probability."""
STRESS_FILE, RUNS_FILE, WARNINGS_FILE, PACKS_FILE = "stress.parquet", "runs.parquet", "warnings.parquet", "packs.parquet"
MANIFEST_FILE = "stress.json"
BREAKING_RUIN_PROBABILITY = 0.5
"""Ruin "more likely than not": the level the reverse stress test searches for and the report marks."""
WARNING_PREFIX = "first_warning:"
"""Columns of ``runs.parquet`` holding the first day an indicator warned at a threshold."""


def stress_run(task: RunTask) -> dict:
    """One run of a battery (in a worker, on one numba thread): its cell, seed, collapse day,
    promises honoured, share of members losing, lowest coverage ratio (cash / hard
    liabilities of any day), what the operator took out (cents) and the first day each
    early warning went off."""
    result = run(task.scenario, seed=task.seed, threads=1)
    warnings = first_warnings(indicator_series(result.daily, result.ledger))
    return {
        "cell": task.point, **task.values, "replicate": task.replicate, "seed": task.seed,
        "collapse_day": result.summary["collapse_day"],
        "promises_honoured_share": result.summary["promises_honoured_share"],
        "share_members_losing": result.summary["share_members_losing"],
        "coverage_min": float(result.daily["coverage_ratio"].min()),
        "extracted_cents": result.summary["total_extracted_cents"],
        **{WARNING_PREFIX + key: day for key, day in warnings.items()},
    }


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """The seeds of the replicates, the same in every cell (common random numbers)."""
    return [replicate_seed(seed, k) for k in range(replicates)]


def run_cells(cells: list[Cell], seeds: list[int], *, executor: str = "local", workers: int | None = None,
              scheduler: str | None = None, progress: bool = False,
              on_cell_done: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Every cell × seed, run on the executor; one row per run (``stress_run``), in cell
    then replicate order. ``on_cell_done(cells_done, cells_total)`` is called as each
    cell's last replicate comes back (results come back in order, so the cell is complete)."""
    tasks = (RunTask(index, k, seed, cell.scenario, {"shock": cell.shock, "severity": cell.severity})
             for index, cell in enumerate(cells) for k, seed in enumerate(seeds))
    with open_executor(executor, workers, scheduler) as pool, \
            tqdm(total=len(cells) * len(seeds), unit="run", disable=not progress) as bar:
        rows = []
        for row in map_ordered(pool, stress_run, tasks):
            rows.append(row)
            bar.update()
            if on_cell_done is not None and len(rows) % len(seeds) == 0:
                on_cell_done(len(rows) // len(seeds), len(cells))
    warning_columns = {column: "Int64" for column in rows[0] if column.startswith(WARNING_PREFIX)}
    return pd.DataFrame(rows).astype({"collapse_day": "Int64", **warning_columns})


def cell_table(runs: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per cell of ``runs`` (from ``run_cells``), in cell order: ``shock``,
    ``severity``, ``replicates``, ``ruined`` (collapsed within the horizon),
    ``ruin_probability`` with ``ruin_lower`` / ``ruin_upper`` (two-sided Clopper–Pearson
    at ``confidence``), ``collapse_day_median`` (over the replicates that collapsed, NaN if
    none did), the means over replicates of ``promises_honoured_share`` and
    ``share_members_losing``, ``coverage_min``, the lowest coverage ratio of any day of
    any replicate, and ``operator_extracted_median_cents``, the median over replicates of
    what the operator took out (skimming and absconding, docs/MODEL.md §14)."""
    one_sided = (1 + confidence) / 2
    rows = []
    for _, group in runs.groupby("cell", sort=True):
        collapsed = group["collapse_day"].dropna().to_numpy(dtype=np.int64)
        ruined, replicates = int(collapsed.size), len(group)
        rows.append({
            "shock": group["shock"].iloc[0], "severity": float(group["severity"].iloc[0]),
            "replicates": replicates, "ruined": ruined, "ruin_probability": ruined / replicates,
            "ruin_lower": ruin_lower_bound(ruined, replicates, one_sided),
            "ruin_upper": ruin_upper_bound(ruined, replicates, one_sided),
            "collapse_day_median": float(np.median(collapsed)) if ruined else np.nan,
            "promises_honoured_share": float(group["promises_honoured_share"].astype(float).mean()),
            "share_members_losing": float(group["share_members_losing"].astype(float).mean()),
            "coverage_min": float(group["coverage_min"].min()),
            "operator_extracted_median_cents": int(np.median(group["extracted_cents"].to_numpy(dtype=np.int64))),
        })
    return pd.DataFrame(rows)


def warnings_from_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """``sim.analysis.early_warning.warning_table`` over every run of the battery."""
    columns = [c for c in runs.columns if c.startswith(WARNING_PREFIX)]
    pairs = []
    for row in runs[["collapse_day", *columns]].itertuples(index=False):
        collapse, *firsts = (None if pd.isna(value) else int(value) for value in row)
        pairs.append((collapse, {column.removeprefix(WARNING_PREFIX): day for column, day in zip(columns, firsts)}))
    return warning_table(pairs)


@dataclass(frozen=True)
class BatteryResult:
    """A finished battery: the scenario and battery it ran, the runs, the cell table, the
    early-warning table and the indicator packs measured on the unshocked run."""

    scenario: Scenario
    battery: Battery
    seed: int
    shock_day: int
    runs: pd.DataFrame
    cells: pd.DataFrame
    warnings: pd.DataFrame
    packs: pd.DataFrame
    wall_seconds: float

    @property
    def runs_per_second(self) -> float:
        """Runs finished per second of wall time (including starting the executor)."""
        return len(self.runs) / self.wall_seconds if self.wall_seconds > 0 else float("nan")

    def write(self, folder: Path) -> None:
        """Write ``stress.parquet``, ``runs.parquet``, ``warnings.parquet``, ``packs.parquet``, ``scenario.toml``
        (the resolved unshocked scenario), ``battery.json`` and ``stress.json`` (seed,
        replicates, shock day, speed, version) into ``folder``, each file atomically."""
        tables = {STRESS_FILE: self.cells, RUNS_FILE: self.runs, WARNINGS_FILE: self.warnings, PACKS_FILE: self.packs}
        for name, table in tables.items():
            write_atomic(folder / name, lambda path, table=table: table.to_parquet(path, index=False))
        texts = {
            "scenario.toml": to_toml(self.scenario),
            "battery.json": json.dumps(self.battery.model_dump(mode="json"), indent=2) + "\n",
            MANIFEST_FILE: json.dumps({
                "scenario": self.scenario.name, "scenario_hash": scenario_hash(self.scenario),
                "currency": self.scenario.platform.currency,
                "battery": self.battery.name, "seed": self.seed, "replicates": int(self.cells["replicates"].iloc[0]),
                "shock_day": self.shock_day, "horizon_days": self.scenario.run.days, "runs": len(self.runs),
                "wall_seconds": round(self.wall_seconds, 3), "runs_per_second": round(self.runs_per_second, 3),
                "breaking_ruin_probability": BREAKING_RUIN_PROBABILITY, "confidence": CONFIDENCE,
                "package_version": package_version(),
            }, indent=2) + "\n",
        }
        for name, text in texts.items():
            write_atomic(folder / name, lambda path, text=text: path.write_text(text))


def run_battery(scenario: Scenario, battery: Battery, source: str, replicates: int, *, seed: int | None = None,
                executor: str = "local", workers: int | None = None, scheduler: str | None = None,
                progress: bool = False, on_cell_done: Callable[[int, int], None] | None = None,
                engine_lock: AbstractContextManager = nullcontext()) -> BatteryResult:
    """Run ``battery`` (read from ``source``, named in errors) on ``scenario`` with
    ``replicates`` seeds per cell derived from ``seed`` (default: the scenario's), and
    measure the indicator packs on the unshocked run of replicate 0 (whose seed is ``seed``
    itself), in this process under ``engine_lock`` (a caller running other simulations in
    threads passes its lock). Every shocked scenario is checked before any run starts
    (``BatteryError``); ``on_cell_done`` as in ``run_cells``."""
    cells = battery_cells(scenario, battery, source)
    seed = scenario.run.seed if seed is None else seed
    started = time.perf_counter()
    runs = run_cells(cells, replicate_seeds(seed, replicates), executor=executor, workers=workers,
                     scheduler=scheduler, progress=progress, on_cell_done=on_cell_done)
    wall_seconds = time.perf_counter() - started
    with engine_lock:
        unshocked = run(scenario, seed=seed)
    packs = measure_packs(RunTables(unshocked.daily, unshocked.ledger, unshocked.members))
    return BatteryResult(scenario, battery, seed, shock_day(battery, scenario.run.days), runs, cell_table(runs),
                         warnings_from_runs(runs), packs, wall_seconds)

