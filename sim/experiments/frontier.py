"""Frontier search: the largest value of one scenario parameter (a reward parameter such
as `rewards.energy_multiple`, or any numeric field) whose ruin probability within the
horizon stays at or below a target.

The ruin probability at a value is estimated from R replicated runs: the share whose
``collapse_day`` is not None. Replicate k has the seed ``replicate_seed(seed, k)`` at every
value (common random numbers), so two values are compared on the same draws. The search
is bisection on [low, high], assuming that ruin does not fall as the parameter grows: it
keeps the largest value found within the target and the smallest found above it, and
halves the gap until it is at most the tolerance (whole-number fields stop at a gap of 1).

The confidence statement uses exact one-sided Clopper–Pearson bounds (Clopper & Pearson
1934): with k ruined of R, the ruin probability is at most the ``confidence`` quantile of
Beta(k + 1, R − k) at the frontier value, and at least the ``1 − confidence`` quantile of
Beta(k, R − k + 1) just above it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from scipy.stats import beta

from sim.core.rng import replicate_seed
from sim.experiments.executors import map_ordered, open_executor
from sim.experiments.sweep_design import SweepError, field_value, relabel
from sim.experiments.sweep_runner import RunTask, simulate
from sim.scenario.loading import ScenarioError, replace
from sim.scenario.params import Scenario


@dataclass(frozen=True)
class Evaluation:
    """Ruin at one value: ``ruined`` of ``replicates`` runs collapsed within the horizon."""

    value: float
    ruined: int
    replicates: int

    @property
    def ruin_probability(self) -> float:
        """Share of the replicates that collapsed."""
        return self.ruined / self.replicates


def ruin_upper_bound(ruined: int, replicates: int, confidence: float) -> float:
    """One-sided Clopper–Pearson upper bound on a ruin probability seen as ``ruined`` of
    ``replicates``: the true value is below it with probability ``confidence``."""
    return 1.0 if ruined == replicates else float(beta.ppf(confidence, ruined + 1, replicates - ruined))


def ruin_lower_bound(ruined: int, replicates: int, confidence: float) -> float:
    """One-sided Clopper–Pearson lower bound: the true value is above it with probability
    ``confidence``."""
    return 0.0 if ruined == 0 else float(beta.ppf(1.0 - confidence, ruined, replicates - ruined + 1))


def replicates_for_zero_ruin(target: float, confidence: float) -> int:
    """Replicates needed so that, when none collapses, the upper bound is at most ``target``."""
    return math.ceil(math.log(1.0 - confidence) / math.log(1.0 - target))


def bisect(evaluate: Callable[[float], Evaluation], low: float, high: float, target: float,
           tolerance: float, whole_numbers: bool = False) -> list[Evaluation]:
    """Evaluations in the order made: ``low``; ``high`` if ``low`` is within the target;
    then midpoints of [largest value within target, smallest above] until the gap is at
    most ``tolerance``. Stops early when ``low`` is above the target or ``high`` within it."""
    evaluations = [evaluate(low)]
    if evaluations[0].ruin_probability > target:
        return evaluations
    evaluations.append(evaluate(high))
    if evaluations[-1].ruin_probability <= target:
        return evaluations
    safe, unsafe = low, high
    while unsafe - safe > max(tolerance, 1 if whole_numbers else 0):
        middle = (safe + unsafe) // 2 if whole_numbers else (safe + unsafe) / 2
        evaluations.append(evaluate(middle))
        if evaluations[-1].ruin_probability <= target:
            safe = middle
        else:
            unsafe = middle
    return evaluations


@dataclass(frozen=True)
class Frontier:
    """The result of a frontier search and how sure it is."""

    parameter: str
    target: float
    confidence: float
    horizon_days: int
    evaluations: tuple[Evaluation, ...]

    @property
    def safe(self) -> Evaluation | None:
        """The largest value evaluated whose ruin probability is within the target."""
        within = [e for e in self.evaluations if e.ruin_probability <= self.target]
        return max(within, key=lambda e: e.value) if within else None

    @property
    def unsafe(self) -> Evaluation | None:
        """The smallest value evaluated whose ruin probability is above the target."""
        above = [e for e in self.evaluations if e.ruin_probability > self.target]
        return min(above, key=lambda e: e.value) if above else None

    def statement(self) -> str:
        """The answer in words, with its confidence."""
        safe, unsafe = self.safe, self.unsafe
        within = f"ruin within {self.horizon_days} days"
        if safe is None:
            return (f"No value meets the target: at {self.parameter} = {unsafe.value:g}, the lowest tried, "
                    f"{_seen(unsafe)}, and {_at_least(unsafe, self.confidence)}.")
        upper = ruin_upper_bound(safe.ruined, safe.replicates, self.confidence)
        lines = [f"Largest {self.parameter} with {within} <= {self.target:.1%}: {safe.value:g}; there {_seen(safe)}."]
        if unsafe is None:
            lines.append("Every value tried meets the target: the frontier lies above the highest value tried.")
        else:
            lines.append(f"At {unsafe.value:g}: {_seen(unsafe)}; {_at_least(unsafe, self.confidence)}.")
        lines.append(f"With {self.confidence:.0%} confidence (one-sided Clopper-Pearson) the ruin probability "
                     f"at {safe.value:g} is at most {upper:.1%}: the target is "
                     + ("met." if upper <= self.target else
                        f"not established at that confidence ({replicates_for_zero_ruin(self.target, self.confidence)} "
                        "replicates without a collapse would establish it)."))
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The search as plain data (for JSON)."""
        safe, unsafe = self.safe, self.unsafe
        return {
            "parameter": self.parameter, "target": self.target, "confidence": self.confidence,
            "horizon_days": self.horizon_days,
            "frontier_value": safe.value if safe else None,
            "ruin_upper_bound": ruin_upper_bound(safe.ruined, safe.replicates, self.confidence) if safe else None,
            "first_value_above_target": unsafe.value if unsafe else None,
            "evaluations": [{"value": e.value, "ruined": e.ruined, "replicates": e.replicates}
                            for e in self.evaluations],
            "statement": self.statement(),
        }


def _seen(evaluation: Evaluation) -> str:
    return (f"{evaluation.ruined} of {evaluation.replicates} replicates collapsed "
            f"({evaluation.ruin_probability:.1%})")


def _at_least(evaluation: Evaluation, confidence: float) -> str:
    lower = ruin_lower_bound(evaluation.ruined, evaluation.replicates, confidence)
    return f"with {confidence:.0%} confidence the ruin probability there is at least {lower:.1%}"


def find_frontier(scenario: Scenario, parameter: str, low: float, high: float, *, target: float = 0.05,
                  replicates: int = 32, tolerance: float | None = None, confidence: float = 0.95,
                  seed: int | None = None, executor: str = "local", workers: int | None = None,
                  scheduler: str | None = None,
                  on_evaluation: Callable[[Evaluation], None] | None = None) -> Frontier:
    """Search ``parameter`` of ``scenario`` between ``low`` and ``high`` (see the module
    docstring). ``tolerance`` defaults to 1 % of the range; ``seed`` to the scenario's.
    ``executor``, ``workers`` and ``scheduler`` are those of ``open_executor``.
    ``on_evaluation`` is called after each evaluation (for progress output). Raises
    ``SweepError`` for a parameter that is not a numeric scenario field or a bad range,
    before any run starts."""
    try:
        current = field_value(scenario.model_dump(mode="json"), parameter)
    except (KeyError, TypeError):
        raise SweepError([f"--parameter {parameter}: not a scenario field"]) from None
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise SweepError([f"--parameter {parameter}: not a numeric field (it holds {current!r})"])
    whole_numbers = isinstance(current, int)
    if whole_numbers:
        low, high = math.ceil(low), math.floor(high)
    if not low < high:
        raise SweepError([f"--low {low:g}: must be below --high {high:g}"])
    try:
        for value in (low, high):
            replace(scenario, {parameter: value})
    except ScenarioError as err:
        raise SweepError(relabel(err, "--parameter")) from None
    seed = scenario.run.seed if seed is None else seed
    tolerance = (high - low) / 100 if tolerance is None else tolerance

    with open_executor(executor, workers, scheduler) as pool:
        def evaluate(value: float) -> Evaluation:
            point = replace(scenario, {parameter: value})
            tasks = (RunTask(0, k, replicate_seed(seed, k), point) for k in range(replicates))
            records = map_ordered(pool, simulate, tasks)
            evaluation = Evaluation(value, sum(r.summary["collapse_day"] is not None for r in records), replicates)
            if on_evaluation is not None:
                on_evaluation(evaluation)
            return evaluation

        evaluations = bisect(evaluate, low, high, target, tolerance, whole_numbers)
    return Frontier(parameter, target, confidence, scenario.run.days, tuple(evaluations))
