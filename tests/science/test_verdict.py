"""The verdict on real runs: schemes whose promises outrun their income are unsustainable,
a cash-back whose promise stays inside the platform's margin is not (README.md,
"Sustainability analytics", states the thresholds)."""

import pytest

import sim
from sim.analysis import metrics
from sim.analysis.verdict import PROMISE_COVERAGE_THRESHOLD, SUSTAINABLE, UNSUSTAINABLE, assess
from tests.helpers import BASELINE, SCENARIOS

SMALL = dict(members=2_000, days=200, settings={"population.market_size_members": 20_000})
FIXED_RATE = SCENARIOS / "fixed_rate.toml"
QUEUE = SCENARIOS / "queue_n2.toml"


def verdict_of(scenario, **overrides):
    """The verdict and run metrics of a small run of ``scenario``."""
    settings = {**SMALL["settings"], **overrides}
    result = sim.run(scenario, members=SMALL["members"], days=SMALL["days"], settings=settings)
    figures = metrics.run_metrics(result.daily, result.ledger)
    return assess(figures), figures


def tripped(verdict):
    return {criterion.name for criterion in verdict.criteria if criterion.tripped}


@pytest.mark.skipif(not FIXED_RATE.exists(), reason="scenarios/fixed_rate.toml is not written yet")
def test_fixed_rate_is_unsustainable():
    """Rule C promises L = 116 % of each sale against an income of f = 16 % (MODEL.md): the
    promises outrun the cash long before the payouts overtake the income (day 609). Paying
    ρ = 0.05 % of the remaining promise a day honours at most 1 − (1 − ρ)^t of it by day t."""
    verdict, figures = verdict_of(FIXED_RATE)
    assert verdict.label == UNSUSTAINABLE
    assert "Promise coverage at the end" in tripped(verdict)
    assert figures["promises_honoured"] <= 1 - (1 - 0.0005) ** SMALL["days"]


@pytest.mark.skipif(not QUEUE.exists(), reason="scenarios/queue_n2.toml is not written yet")
def test_queue_is_unsustainable():
    """Rule F with pool share p = 0.5 and payout N = 2 × price honours at most p/N = 25 % of
    its promises (MODEL.md): the queue of unpaid entrants can only be paid by new entrants."""
    verdict, figures = verdict_of(QUEUE)
    assert verdict.label == UNSUSTAINABLE
    assert tripped(verdict) == {"Promise coverage at the end"}
    assert figures["promises_honoured"] <= 0.5 / 2.0
    # the pool pays only what it holds: it fails its promises, never a withdrawal
    assert figures["collapse_day"] is None


def test_cash_back_inside_the_margin_is_sustainable():
    """Promise m = 0.1 of each price against a pool share α = 0.1: rule A can honour up to
    α/m = 100 % of it, from the concession alone, so nothing rests on new money."""
    verdict, figures = verdict_of(BASELINE, **{"rewards.energy_multiple": 0.1})
    assert verdict.label == SUSTAINABLE and not tripped(verdict)
    assert figures["promises_honoured"] > 0.95
    assert figures["new_money_dependency"] == 0.0
    assert figures["final_coverage_ratio_all"] > 1.0


def test_baseline_pays_within_its_margin_but_cannot_keep_its_promise():
    """The baseline (rule A, α = 0.1, m = 3) releases only its pool inflow: it never
    collapses and no payout rests on new money, but it can honour at most α/m = 3.3 % of
    what it promises, so its cash covers far less than half of what it owes and promised."""
    verdict, figures = verdict_of(BASELINE)
    assert verdict.label == UNSUSTAINABLE and tripped(verdict) == {"Promise coverage at the end"}
    assert figures["collapse_day"] is None and figures["new_money_dependency"] == 0.0
    assert figures["promises_honoured"] <= 0.1 / 3.0
    assert figures["final_coverage_ratio_all"] < PROMISE_COVERAGE_THRESHOLD


def test_small_pool_share_without_costs_still_promises_too_much():
    """Payouts inside the margin (α = 0.05, no operating costs) do not make a 3× promise
    keepable: at most α/m = 1.7 % of it can ever be paid."""
    verdict, figures = verdict_of(BASELINE, **{
        "release.dividend_pool_share_of_sales": 0.05,
        "platform.fixed_cost_cents_per_day": 0,
        "platform.variable_cost_share_of_sales": 0.0,
    })
    assert figures["new_money_dependency"] == 0.0 and figures["collapse_day"] is None
    assert verdict.label == UNSUSTAINABLE and tripped(verdict) == {"Promise coverage at the end"}
