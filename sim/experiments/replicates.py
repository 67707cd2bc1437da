"""Replicates: the same scenario under R seeds derived from the base seed
(``sim.core.rng.replicate_seed``; replicate 0 is the base seed itself), run in parallel
processes. The full result of replicate 0 is saved as an ordinary run folder, and one
row per replicate goes next to it in ``replicates.parquet``; ruin probability and the
collapse-day distribution are computed from that table (``sim.analysis.metrics``).
"""

import functools
import os
import shutil
from pathlib import Path

import numba
import pandas as pd

from sim.analysis.metrics import collapse_day_distribution, member_outcomes, ruin_probability, run_metrics
from sim.core.rng import replicate_seed
from sim.engine.simulation import run
from sim.experiments.executors import map_ordered, open_executor
from sim.results.files import write_atomic
from sim.results.replicates import REPLICATES_FILE, collapse_days
from sim.results.run_result import RunResult
from sim.scenario.loading import replace
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve


def replicate_row(replicate: int, result: RunResult) -> dict:
    """What the replicates table keeps of one replicate."""
    metrics = run_metrics(result.daily, result.ledger)
    return {
        "replicate": replicate,
        "seed": result.scenario.run.seed,
        "days": metrics["days"],
        "collapse_day": metrics["collapse_day"],
        "new_money_dependency": metrics["new_money_dependency"],
        "promises_honoured": metrics["promises_honoured"],
        "min_coverage_ratio": metrics["min_coverage_ratio"],
        "final_coverage_ratio": metrics["final_coverage_ratio"],
        "share_members_losing": member_outcomes(result.members)["share_losing"],
        "members_final": int(result.daily["members_total"].iloc[-1]),
    }


def run_one(scenario: Scenario, replicate: int, threads: int, validate: bool) -> tuple[dict, RunResult | None]:
    """Run one replicate (in a worker process); the full result comes back for replicate 0 only."""
    result = run(scenario, threads=threads, validate=validate)
    return replicate_row(replicate, result), (result if replicate == 0 else None)


def _run_replicate(numbered: tuple[int, Scenario], threads: int, validate: bool) -> tuple[dict, RunResult | None]:
    replicate, scenario = numbered
    return run_one(scenario, replicate, threads, validate)


def run_replicates(scenario: Scenario | str | Path, replicates: int, *, days: int | None = None,
                   members: int | None = None, seed: int | None = None, settings=None,
                   threads: int | None = None, validate: bool = False,
                   processes: int | None = None) -> tuple[RunResult, pd.DataFrame]:
    """Run ``replicates`` seeds of a scenario in ``processes`` worker processes (default:
    one per core, at most one per replicate), each with ``threads`` numba threads (default:
    the cores shared among the processes). Returns the full result of replicate 0 and
    the replicates table, one row per replicate in replicate order."""
    base = resolve(scenario, days, members, seed, settings)
    scenarios = [replace(base, {"run.seed": replicate_seed(base.run.seed, k)}) for k in range(replicates)]
    processes = processes or min(replicates, os.cpu_count() or 1)
    threads = threads or max(1, numba.config.NUMBA_NUM_THREADS // processes)
    with open_executor("local", processes) as executor:
        outcomes = list(map_ordered(executor, functools.partial(_run_replicate, threads=threads, validate=validate),
                                    enumerate(scenarios)))
    table = pd.DataFrame([row for row, _ in outcomes]).astype({"collapse_day": "Int64"})
    return outcomes[0][1], table


def save_replicates(result: RunResult, table: pd.DataFrame, out_dir: str | Path = "results") -> Path:
    """Save replicate 0 as a run folder (``RunResult.save``) with ``replicates.parquet``
    in it; on any failure the run folder is removed, so it is complete or absent."""
    run_dir = result.save(out_dir)
    try:
        write_atomic(run_dir / REPLICATES_FILE, lambda path: table.to_parquet(path, index=False))
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    return run_dir


def replicate_lines(table: pd.DataFrame, horizon_days: int) -> list[str]:
    """The lines `circsim run --replicates` prints: ruin probability by the last day with
    its 95 % band, and the collapse-day distribution."""
    days = collapse_days(table)
    last = ruin_probability(days, horizon_days).iloc[-1]
    spread = collapse_day_distribution(days)
    lines = [
        f"replicates: {len(days)} seeds derived from seed {int(table['seed'].iloc[0])}",
        f"  ruin probability by day {int(last['day'])}   {last['probability']:.1%} "
        f"(95% interval {last['low']:.1%} - {last['high']:.1%}; {spread['collapsed']} collapsed)",
    ]
    if spread["collapsed"]:
        lines.append(f"  collapse day          median {spread['median_day']:g}, quartiles "
                     f"{spread['q25_day']:g} - {spread['q75_day']:g}, "
                     f"range {spread['min_day']:g} - {spread['max_day']:g}")
    return lines
