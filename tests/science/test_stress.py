"""The stress battery and the reverse stress test on simulated runs: a shock of severity zero
is exactly the unshocked run, ruin never falls as a shock grows (same seeds), a cell's ruin
interval is the exact Clopper–Pearson one, and the reverse test finds a threshold known by
hand."""

from concurrent.futures import Future

import pandas as pd
import pytest
from scipy.stats import beta

import sim
from sim.experiments.executors import Executor
from sim.experiments.reverse_stress import frontier_row, search_severity
from sim.experiments.stress import cell_table, replicate_seeds, stress_run
from sim.experiments.stress_battery import (
    STANDARD_BATTERY,
    Battery,
    Family,
    battery_cells,
    read_battery,
    shocked_scenario,
)
from sim.experiments.sweep_runner import RunTask
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE, SHORTFALL

REPLICATES = 8


def without_costs() -> Scenario:
    """The shortfall platform of tests.helpers.SHORTFALL (no newcomers, leavers ask for their
    whole balance) without its fixed costs: it survives 60 days in every replicate."""
    return resolve(BASELINE, 60, 600, None, {**SHORTFALL, "platform.fixed_cost_cents_per_day": 0})


def cost_battery() -> Battery:
    """One family bringing fixed costs of up to 200 000 cents a day from day 20."""
    return Battery.model_validate({"name": "costs", "shock_day": 20, "families": [{
        "name": "costs", "severities": [0.1, 0.2, 0.3, 1.0],
        "changes": [{"path": "platform.fixed_cost_cents_per_day", "mode": "toward", "to": 200_000}]}]})


@pytest.mark.parametrize("family", [f.name for f in read_battery(STANDARD_BATTERY).families])
def test_severity_zero_is_exactly_the_unshocked_run(family):
    base = resolve(BASELINE, 40, 500, 5, None)
    shocked = shocked_scenario(base, read_battery(STANDARD_BATTERY).family(family), 0.0, 13)
    assert len(shocked.events) >= 1  # the shock is scheduled, at no strength
    pd.testing.assert_frame_equal(sim.run(shocked).daily, sim.run(base).daily)


def in_process() -> Executor:
    """An executor that runs each task at once in this process: the science here is the
    same on any executor (tests/cli/test_stress_cli.py runs the worker processes)."""
    def submit(function, argument) -> Future:
        future = Future()
        future.set_result(function(argument))
        return future

    return Executor(submit, 1)


@pytest.fixture(scope="module")
def cost_cells():
    """The cost battery on the platform without costs, 8 replicates per cell."""
    battery = cost_battery()
    cells = battery_cells(without_costs(), battery, "costs")
    seeds = replicate_seeds(1, REPLICATES)
    runs = [stress_run(RunTask(index, k, seed, cell.scenario, {"shock": cell.shock, "severity": cell.severity}))
            for index, cell in enumerate(cells) for k, seed in enumerate(seeds)]
    return cell_table(pd.DataFrame(runs))


def test_ruin_never_falls_as_the_shock_grows(cost_cells):
    # more fixed costs from day 20 leave less cash on every path with the same draws, so
    # with the same seeds in every cell ruin can only rise with the severity
    ruin = cost_cells["ruin_probability"].tolist()
    assert ruin == sorted(ruin)
    assert ruin[0] == 0.0 and ruin[-1] > 0.0  # the shock matters: the check can fail


def test_cell_interval_is_the_two_sided_clopper_pearson_interval(cost_cells):
    # Clopper & Pearson (1934): with k of n, [B(0.025; k, n-k+1), B(0.975; k+1, n-k)]
    for row in cost_cells.itertuples(index=False):
        k, n = row.ruined, row.replicates
        lower = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
        upper = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
        assert row.ruin_lower == pytest.approx(lower) and row.ruin_upper == pytest.approx(upper)
        assert row.ruin_lower <= row.ruin_probability <= row.ruin_upper


def test_reverse_stress_finds_a_threshold_known_by_hand():
    # Without fixed costs the platform survives 90 days in every replicate; with fixed
    # costs of 100 000 000 cents a day from day 10 it spends all its cash at once, and every
    # replicate collapses within the 90 days (a leaver's request waits its 3 grace days).
    # A `set` shock is the full shock at any severity above 0, so ruin steps from 0 % at
    # severity 0 to 100 % above it: bisection on [0, 1] tries 0, 1, 1/2, 1/4, 1/8, 1/16
    # and must report 1/16 (the tolerance) as the least breaking severity and 0 as the
    # largest surviving one.
    scenario = resolve(BASELINE, 90, 600, None, {**SHORTFALL, "platform.fixed_cost_cents_per_day": 0})
    family = Family.model_validate({"name": "costs_jump", "severities": [1.0], "changes": [
        {"path": "platform.fixed_cost_cents_per_day", "mode": "set", "to": 100_000_000}]})
    frontier = search_severity(in_process(), scenario, [], family, 10, replicate_seeds(1, 4), 1 / 16, 0.95,
                               "costs_jump")
    assert [e.value for e in frontier.evaluations] == [0.0, 1.0, 0.5, 0.25, 0.125, 0.0625]
    row = frontier_row(frontier)
    assert (row["largest_surviving_severity"], row["least_breaking_severity"]) == (0.0, 1 / 16)
    assert (row["ruin_at_surviving"], row["ruin_at_breaking"]) == (0.0, 1.0)
    # one-sided 95 % Clopper-Pearson bounds with 4 replicates: 1 - 0.05^(1/4) either way
    assert row["ruin_upper_at_surviving"] == pytest.approx(1 - 0.05 ** 0.25)
    assert row["ruin_lower_at_breaking"] == pytest.approx(0.05 ** 0.25)



def test_the_skimming_family_takes_from_the_shock_day_on(cost_cells):
    """The standard battery's `operator_skimming` at severity 1 turns on docs/MODEL.md §14's
    skimming on the shock day: nothing is taken before it, half of each day's new money
    (while the cash allows) and half of the surplus from it on; the cell table reports the
    median taken."""
    base = resolve(BASELINE, 40, 500, 5, None)
    shocked = shocked_scenario(base, read_battery(STANDARD_BATTERY).family("operator_skimming"), 1.0, 13)
    daily = sim.run(shocked).daily
    assert (daily["extracted_cents"][:13] == 0).all()
    after = daily[13:]
    assert (after["extracted_cents"] >= after["new_money_cents"] // 2).all() and after["extracted_cents"].sum() > 0
    assert "operator_extracted_median_cents" in cost_cells.columns
