"""The reverse stress test: for each shock family of a battery, the least severity at which
ruin within the horizon becomes more likely than not, and for two families at once the
boundary curve between surviving and breaking.

Each search is the bisection of ``sim.experiments.frontier`` on the severity in [0, 1]
(assuming ruin does not fall as the shock grows), with R replicates on common random
numbers at every severity tried and the same one-sided Clopper–Pearson bounds: the
answer is the bracket [largest severity with ruin ≤ 50 %, least severity with ruin > 50 %]
at most ``tolerance`` wide.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.experiments.executors import Executor, map_ordered, open_executor
from sim.experiments.frontier import Evaluation, Frontier, bisect, ruin_lower_bound, ruin_upper_bound
from sim.experiments.stress import BREAKING_RUIN_PROBABILITY, replicate_seeds, stress_run
from sim.experiments.stress_battery import (
    Battery,
    BatteryError,
    Family,
    battery_cells,
    shock_day,
    shocked_scenario,
)
from sim.experiments.sweep_runner import RunTask
from sim.results.files import write_atomic
from sim.scenario.loading import scenario_hash
from sim.scenario.params import Scenario

DEFAULT_TOLERANCE = 1 / 16
"""Width of the severity bracket at which a search stops: four halvings of [0, 1]."""
DEFAULT_PAIR_POINTS = 5
"""Severities of the first family of a pair (0, 0.25, ..., 1) at which the boundary is found."""


@dataclass(frozen=True)
class Shock:
    """One family at one severity."""

    family: Family
    severity: float


def combined_scenario(scenario: Scenario, shocks: list[Shock], day: int) -> Scenario:
    """``scenario`` with every shock of ``shocks`` landing on ``day``, in order."""
    for shock in shocks:
        scenario = shocked_scenario(scenario, shock.family, shock.severity, day)
    return scenario


def count_ruined(pool: Executor, scenario: Scenario, seeds: list[int]) -> int:
    """How many of the runs of ``scenario`` under ``seeds`` collapse within the horizon."""
    tasks = (RunTask(0, k, seed, scenario) for k, seed in enumerate(seeds))
    return sum(row["collapse_day"] is not None for row in map_ordered(pool, stress_run, tasks))


def search_severity(pool: Executor, scenario: Scenario, fixed: list[Shock], family: Family, day: int,
                    seeds: list[int], tolerance: float, confidence: float, label: str,
                    on_evaluation: Callable[[str, Evaluation], None] | None = None) -> Frontier:
    """Bisect the severity of ``family`` (on top of the ``fixed`` shocks) for the least one
    at which ruin is more likely than not; ``label`` names the search in progress output."""
    def evaluate(severity: float) -> Evaluation:
        shocked = combined_scenario(scenario, [*fixed, Shock(family, severity)], day)
        evaluation = Evaluation(severity, count_ruined(pool, shocked, seeds), len(seeds))
        if on_evaluation is not None:
            on_evaluation(label, evaluation)
        return evaluation

    evaluations = bisect(evaluate, 0.0, 1.0, BREAKING_RUIN_PROBABILITY, tolerance)
    return Frontier(f"{family.name} severity", BREAKING_RUIN_PROBABILITY, confidence, scenario.run.days,
                    tuple(evaluations))


def frontier_row(frontier: Frontier) -> dict:
    """What the tables keep of one search: the bracket and its one-sided Clopper–Pearson
    bounds (ruin at most ``ruin_upper_at_surviving`` at the largest surviving severity, at
    least ``ruin_lower_at_breaking`` at the least breaking one, each with the confidence)."""
    safe, unsafe = frontier.safe, frontier.unsafe
    return {
        "largest_surviving_severity": safe.value if safe else None,
        "ruin_at_surviving": safe.ruin_probability if safe else None,
        "ruin_upper_at_surviving": ruin_upper_bound(safe.ruined, safe.replicates, frontier.confidence) if safe else None,
        "least_breaking_severity": unsafe.value if unsafe else None,
        "ruin_at_breaking": unsafe.ruin_probability if unsafe else None,
        "ruin_lower_at_breaking": ruin_lower_bound(unsafe.ruined, unsafe.replicates, frontier.confidence)
        if unsafe else None,
        "evaluations": len(frontier.evaluations),
    }


REVERSE_FILE, BOUNDARY_FILE, REVERSE_MANIFEST_FILE = "reverse.parquet", "boundary.parquet", "reverse.json"


@dataclass(frozen=True)
class ReverseResult:
    """The reverse stress test: one row per family, the pair's boundary, the statements,
    and what was searched (for ``reverse.json``)."""

    families: pd.DataFrame
    boundary: pd.DataFrame
    statements: dict[str, str]
    settings: dict

    def write(self, folder: Path) -> None:
        """Write ``reverse.parquet`` (one row per family), ``boundary.parquet`` (the pair's
        curve) and ``reverse.json`` (the settings and each family's statement) into
        ``folder``, each file atomically."""
        for name, table in {REVERSE_FILE: self.families, BOUNDARY_FILE: self.boundary}.items():
            write_atomic(folder / name, lambda path, table=table: table.to_parquet(path, index=False))
        text = json.dumps({**self.settings, "statements": self.statements}, indent=2) + "\n"
        write_atomic(folder / REVERSE_MANIFEST_FILE, lambda path: path.write_text(text))


def reverse_stress(scenario: Scenario, battery: Battery, source: str, replicates: int, *,
                   pair: tuple[str, str] | None = None, pair_points: int = DEFAULT_PAIR_POINTS,
                   tolerance: float = DEFAULT_TOLERANCE, confidence: float = 0.95, seed: int | None = None,
                   executor: str = "local", workers: int | None = None, scheduler: str | None = None,
                   on_evaluation: Callable[[str, Evaluation], None] | None = None) -> ReverseResult:
    """Search every family of ``battery`` alone, then the boundary of ``pair`` (default: the
    first two families): at ``pair_points`` evenly spaced severities of the first, the least
    severity of the second at which ruin is more likely than not. Raises ``BatteryError``
    for a family name not in the battery or a shock out of a field's range at severity 1
    (checked before any run)."""
    names = [family.name for family in battery.families]
    pair = pair or tuple(names[:2])
    unknown = [name for name in pair if name not in names]
    if unknown or len(pair) != 2 or pair[0] == pair[1]:
        raise BatteryError([(f"--pair {','.join(pair)}: two different families of {source} "
                            f"({', '.join(names)})")])
    at_full_strength = tuple(family.model_copy(update={"severities": (1.0,)}) for family in battery.families)
    battery_cells(scenario, battery.model_copy(update={"families": at_full_strength}), source)  # checks, names source
    day = shock_day(battery, scenario.run.days)
    base_seed = scenario.run.seed if seed is None else seed
    seeds = replicate_seeds(base_seed, replicates)
    first, second = battery.family(pair[0]), battery.family(pair[1])
    with open_executor(executor, workers, scheduler) as pool:
        searches = {family.name: search_severity(pool, scenario, [], family, day, seeds, tolerance, confidence,
                                                 family.name, on_evaluation)
                    for family in battery.families}
        boundary = []
        for index in range(pair_points):
            severity = index / (pair_points - 1)
            label = f"{second.name} with {first.name} at {severity:g}"
            frontier = search_severity(pool, scenario, [Shock(first, severity)], second, day, seeds, tolerance,
                                       confidence, label, on_evaluation)
            boundary.append({"first_family": first.name, "first_severity": severity, "second_family": second.name,
                             **frontier_row(frontier)})
    families = pd.DataFrame([{"shock": name, "replicates": replicates, **frontier_row(frontier)}
                             for name, frontier in searches.items()])
    settings = {
        "scenario": scenario.name, "scenario_hash": scenario_hash(scenario), "battery": battery.name,
        "seed": base_seed, "replicates": replicates,
        "shock_day": day, "horizon_days": scenario.run.days, "pair": [first.name, second.name],
        "tolerance": tolerance, "confidence": confidence, "breaking_ruin_probability": BREAKING_RUIN_PROBABILITY,
    }
    return ReverseResult(families, pd.DataFrame(boundary),
                         {name: frontier.statement() for name, frontier in searches.items()}, settings)
