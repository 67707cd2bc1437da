"""Design search (`circsim optimize`): on rule A (`pool`), whose share of promises honoured
is α/m (docs/MODEL.md §22.1) and which never runs out of cash, the Pareto front of
(honoured share ↑, energy multiple ↑) lies on the largest pool share α; an interrupted
search resumes to the very trials an uninterrupted one makes; the metrics and the Pareto
filter are what their definitions say."""

import math

import numpy as np
import optuna
import pytest

import sim
from sim.analysis.objectives import REPLICATE_METRICS, operator_margin, operator_margin_cents, replicate_metrics
from sim.experiments.executors import open_executor
from sim.experiments.optimize import INTERRUPTED_ATTR, non_dominated, plan_design, run_search
from sim.scenario.loading import load_scenario
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE, LEDGER, daily_frame

POOL_SHARE = "release.dividend_pool_share_of_sales"
MULTIPLE = "rewards.energy_multiple"
POOL_SHARE_HIGH = 0.2
"""The largest pool share the baseline's smallest concession (20 %) allows."""


@pytest.fixture(scope="module")
def pool():
    """One worker process for every search of this module (starting one costs seconds)."""
    with open_executor("local", 1) as executor:
        yield executor


def small_baseline(members=200, days=20):
    return resolve(load_scenario(BASELINE), days, members, 1, {})


def test_pool_rule_front_lies_on_the_largest_pool_share(tmp_path, pool):
    design = plan_design(small_baseline(), str(BASELINE),
                         [f"{POOL_SHARE}=0.05:{POOL_SHARE_HIGH}", f"{MULTIPLE}=1.2:5"],
                         ["promises_honoured_share:max", f"{MULTIPLE}:max"], ["ruin_probability<=0"],
                         replicates=1, sampler="tpe", population=12)
    report = run_search(design, tmp_path, 48, pool=pool)
    trials = report.table
    assert (trials["state"] == "COMPLETE").all() and trials["feasible"].all()  # rule A never collapses
    # honoured = alpha/m (MODEL.md §22.1: exact up to per-sale floors of cents)
    bound = trials[POOL_SHARE] / trials[MULTIPLE]
    assert ((trials["promises_honoured_share"] <= bound) & (trials["promises_honoured_share"] > 0.99 * bound)).all()
    # for every m, alpha = its upper bound dominates: the front found in 48 trials lies near it
    front = report.pareto[POOL_SHARE]
    assert len(front) >= 5
    assert front.min() >= POOL_SHARE_HIGH - 0.03 and front.median() >= POOL_SHARE_HIGH - 0.01
    assert report.pareto[MULTIPLE].max() - report.pareto[MULTIPLE].min() > 2  # it spans the multiples


def complete_params(study_table):
    done = study_table[study_table["state"] == "COMPLETE"].sort_values("trial")
    return [tuple(row) for row in done[[POOL_SHARE, MULTIPLE, "promises_honoured_share"]].to_numpy()]


def test_an_interrupted_search_resumes_to_the_uninterrupted_trials(tmp_path, pool):
    design = plan_design(small_baseline(days=15), str(BASELINE), [f"{POOL_SHARE}=0.05:0.2", f"{MULTIPLE}=1.2:5"],
                         ["promises_honoured_share:max", f"{MULTIPLE}:max"], replicates=1, population=4)
    whole = run_search(design, tmp_path / "whole", 8, pool=pool)

    def interrupt_after_six(finished, trials):
        if finished == 6:  # two trials of the second generation are still unfinished
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_search(design, tmp_path / "resumed", 8, pool=pool, on_trial=interrupt_after_six)
    resumed = run_search(design, tmp_path / "resumed", 8, pool=pool)

    assert resumed.trials_before == 6 and resumed.trials_now == 2 and resumed.runs_now == 2  # nothing re-run
    assert sorted(complete_params(resumed.table)) == sorted(complete_params(whole.table))
    study = optuna.load_study(study_name=design.scenario.name, storage=f"sqlite:///{resumed.folder / 'study.db'}")
    interrupted = [t for t in study.trials if t.user_attrs.get(INTERRUPTED_ATTR)]
    assert len(interrupted) == 2 and all(t.state == optuna.trial.TrialState.FAIL for t in interrupted)
    assert len(resumed.table) == 10 and (resumed.table["state"] == "COMPLETE").sum() == 8


def test_a_run_reports_every_search_metric():
    result = sim.run(small_baseline(), seed=2)
    metrics = replicate_metrics(result.summary, result.daily, result.ledger)
    assert list(metrics) == list(REPLICATE_METRICS)
    assert math.isclose(metrics["promises_honoured_share"], result.summary["promises_honoured_share"])


def test_operator_margin_counts_the_flows_into_the_operators_accounts():
    # tests.helpers.LEDGER: 900 of new money into the margin, a 50 referral reward out of it
    assert operator_margin_cents(LEDGER) == 900 - 50
    assert operator_margin(LEDGER, daily_frame()) == pytest.approx(850 / (1000 + 2000 + 500))


def test_non_dominated_keeps_exactly_the_pareto_optimal_rows():
    values = np.array([[1.0, 5.0], [2.0, 4.0], [1.5, 3.0], [2.0, 4.0], [0.5, 6.0]])
    # maximise both: (1.5, 3) is dominated by (2, 4); equal rows do not dominate each other
    assert non_dominated(values, [True, True]).tolist() == [True, True, False, True, True]
    # minimise the first, maximise the second: (0.5, 6) dominates every other row
    assert non_dominated(values, [False, True]).tolist() == [False, False, False, False, True]
