"""Frontier search: bisection finds a known threshold, the Clopper–Pearson bounds match
their closed forms, and on simulated runs the frontier brackets the change from a
platform that survives the horizon to one that collapses."""

import math

import pytest

import sim
from sim.core.rng import replicate_seed
from sim.experiments.frontier import (
    Evaluation,
    Frontier,
    bisect,
    find_frontier,
    replicates_for_zero_ruin,
    ruin_lower_bound,
    ruin_upper_bound,
)
from sim.experiments.sweep_design import SweepError
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE, SHORTFALL

REPLICATES = 8


def step_at(threshold, replicates=REPLICATES):
    """A synthetic ruin curve: every replicate collapses above ``threshold``, none below."""
    calls = []

    def evaluate(value):
        calls.append(value)
        return Evaluation(value, replicates if value > threshold else 0, replicates)

    return evaluate, calls


def test_bisection_brackets_a_known_threshold():
    evaluate, calls = step_at(3.7)
    evaluations = bisect(evaluate, 0.0, 10.0, target=0.1, tolerance=0.01)
    frontier = Frontier("x", 0.1, 0.95, 90, tuple(evaluations))
    assert frontier.safe.value <= 3.7 < frontier.unsafe.value
    assert frontier.unsafe.value - frontier.safe.value <= 0.01
    assert calls[:2] == [0.0, 10.0] and len(calls) == 2 + math.ceil(math.log2(10.0 / 0.01))


def test_bisection_on_whole_numbers_stops_at_neighbours():
    evaluate, _ = step_at(37)
    evaluations = bisect(evaluate, 0, 100, target=0.1, tolerance=0.5, whole_numbers=True)
    frontier = Frontier("x", 0.1, 0.95, 90, tuple(evaluations))
    assert (frontier.safe.value, frontier.unsafe.value) == (37, 38)
    assert all(isinstance(e.value, int) for e in evaluations)


def test_ranges_entirely_above_or_within_the_target():
    evaluate, calls = step_at(-1.0)
    above = Frontier("x", 0.1, 0.95, 90, tuple(bisect(evaluate, 0.0, 10.0, 0.1, 0.1)))
    assert calls == [0.0] and above.safe is None
    assert above.statement().startswith("No value meets the target: at x = 0, the lowest tried, 8 of 8")
    evaluate, calls = step_at(99.0)
    within = Frontier("x", 0.1, 0.95, 90, tuple(bisect(evaluate, 0.0, 10.0, 0.1, 0.1)))
    assert calls == [0.0, 10.0] and within.unsafe is None and within.safe.value == 10.0
    assert "the frontier lies above the highest value tried" in within.statement()


def test_clopper_pearson_bounds_match_closed_forms():
    # no failure in n: upper = 1 - (1 - c)^(1/n); all failures: lower = (1 - c)^(1/n)
    assert ruin_upper_bound(0, 32, 0.95) == pytest.approx(1 - 0.05 ** (1 / 32))
    assert ruin_lower_bound(32, 32, 0.95) == pytest.approx(0.05 ** (1 / 32))
    assert (ruin_lower_bound(0, 32, 0.95), ruin_upper_bound(32, 32, 0.95)) == (0.0, 1.0)
    assert ruin_upper_bound(3, 20, 0.9) == pytest.approx(1 - ruin_lower_bound(17, 20, 0.9))
    assert ruin_lower_bound(3, 20, 0.9) < 3 / 20 < ruin_upper_bound(3, 20, 0.9)
    assert replicates_for_zero_ruin(0.05, 0.95) == 59  # the "rule of three": about 3 / 0.05
    assert ruin_upper_bound(0, 59, 0.95) <= 0.05 < ruin_upper_bound(0, 58, 0.95)


def test_statement_says_whether_the_target_is_established():
    met = Frontier("x", 0.05, 0.95, 90, (Evaluation(1.0, 0, 59), Evaluation(2.0, 30, 59)))
    assert "at most 5.0%: the target is met." in met.statement()
    unproven = Frontier("x", 0.05, 0.95, 90, (Evaluation(1.0, 0, 8), Evaluation(2.0, 8, 8)))
    assert "not established at that confidence (59 replicates without a collapse" in unproven.statement()
    assert unproven.to_dict()["frontier_value"] == 1.0


def test_frontier_of_fixed_costs_on_simulated_runs():
    """A platform that stops recruiting and loses 2 % of its members a day (SHORTFALL): its
    fixed costs decide whether it can pay its leavers within 90 days."""
    scenario = resolve(BASELINE, days=90, members=1_000, settings=SHORTFALL)
    parameter = "platform.fixed_cost_cents_per_day"
    frontier = find_frontier(scenario, parameter, 0, 60_000, target=0.25, replicates=4, tolerance=4_000, seed=3,
                             workers=2)
    safe, unsafe = frontier.safe, frontier.unsafe
    assert 0 < safe.value < unsafe.value <= safe.value + 4_000
    assert safe.ruin_probability <= 0.25 < unsafe.ruin_probability
    # the same replicates run one by one agree (common random numbers: seed k at every value)
    for evaluation in (safe, unsafe):
        collapsed = [sim.run(scenario, seed=replicate_seed(3, k), settings={parameter: evaluation.value})
                     .summary["collapse_day"] is not None for k in range(4)]
        assert sum(collapsed) == evaluation.ruined


def test_frontier_refuses_a_bad_parameter_or_range():
    scenario = sim.load_scenario(BASELINE)
    with pytest.raises(SweepError, match=r"--parameter rewards.energy_multiplier: not a scenario field"):
        find_frontier(scenario, "rewards.energy_multiplier", 1, 5)
    with pytest.raises(SweepError, match=r"--parameter withdrawals.payment_order: not a numeric field"):
        find_frontier(scenario, "withdrawals.payment_order", 1, 5)
    with pytest.raises(SweepError, match=r"--parameter: rewards.energy_multiple: Input should be less than"):
        find_frontier(scenario, "rewards.energy_multiple", 1, 500)
    with pytest.raises(SweepError, match=r"--low 5: must be below --high 1"):
        find_frontier(scenario, "rewards.energy_multiple", 5, 1)
    with pytest.raises(SweepError, match=r"--low 2: must be below --high 1"):  # whole cents: [1.5, 1.9] holds none
        find_frontier(scenario, "platform.fixed_cost_cents_per_day", 1.5, 1.9)
