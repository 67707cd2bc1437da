"""Each metric of ``sim.metrics`` on a small case computed by hand (README.md,
"Sustainability analytics", states the formulas)."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis import metrics
from tests.helpers import LEDGER, daily_frame, ledger_frame


def test_payouts_count_every_credit_to_members_from_the_platform():
    """P per day: flows into member_balances, except from the withdrawal queue or outside."""
    assert metrics.payouts_by_day_cents(LEDGER, [0, 1, 2, 3]).tolist() == [100, 250, 300, 0]


def test_daily_series_by_hand():
    """equity = cash − hard; own means = equity + P; new-money funded = min(P, max(0, −equity));
    dependency = funded / P; release/inflow and promises honoured are cumulative ratios."""
    series = metrics.daily_metrics(daily_frame(), LEDGER)
    assert series["equity_cents"].tolist() == [600, -100, -700]
    assert series["payouts_cumulative_cents"].tolist() == [100, 350, 650]
    assert series["own_means_cents"].tolist() == [700, 250, -50]
    assert series["new_money_funded_cents"].tolist() == [0, 100, 650]
    assert series["new_money_dependency"].tolist() == pytest.approx([0.0, 100 / 350, 1.0])
    assert series["release_to_inflow"].tolist() == pytest.approx([1.0, 300 / 250, 600 / 400])
    assert series["promises_honoured"].tolist() == pytest.approx([100 / 3000, 300 / 3600, 600 / 3600])
    assert series["coverage_ratio"].tolist() == pytest.approx([2.5, 0.9, 500 / 1200])
    assert series["equity_cents"].dtype == np.int64 and series["new_money_funded_cents"].dtype == np.int64


def test_ratios_are_nan_before_anything_is_paid_or_promised():
    nothing = ledger_frame([])
    frame = daily_frame().assign(energy_granted_cents=0, pool_inflow_cents=0)
    series = metrics.daily_metrics(frame, nothing)
    assert series[["new_money_dependency", "release_to_inflow", "promises_honoured"]].isna().all().all()


def test_run_metrics_by_hand():
    figures = metrics.run_metrics(daily_frame(), LEDGER)
    assert figures["collapse_day"] == 1  # first insolvent day
    assert figures["first_day_under_covered"] == 1  # cash 900 < hard 1000
    assert figures["min_coverage_ratio"] == pytest.approx(500 / 1200)
    assert figures["final_coverage_ratio_all"] == pytest.approx(500 / 4000)
    assert (figures["final_cash_cents"], figures["final_hard_liabilities_cents"],
            figures["final_contingent_liabilities_cents"]) == (500, 1200, 2800)
    assert (figures["payouts_cents"], figures["released_cents"], figures["pool_inflow_cents"]) == (650, 600, 400)
    assert (figures["own_means_cents"], figures["new_money_funded_cents"]) == (-50, 650)
    assert figures["new_money_dependency"] == 1.0 and figures["new_money_dependency_peak"] == 1.0
    assert figures["promised_cents"] == 3600 and figures["promises_honoured"] == pytest.approx(600 / 3600)
    assert (figures["sales_cents"], figures["new_money_cents"], figures["withdrawn_cents"]) == (3500, 2900, 120)
    assert all(isinstance(figures[key], int) for key in figures if key.endswith("_cents"))


def test_no_collapse_and_never_under_covered():
    frame = daily_frame(cash=[5000, 5000, 5000], insolvent=(False, False, False))
    figures = metrics.run_metrics(frame, LEDGER)
    assert figures["collapse_day"] is None and figures["first_day_under_covered"] is None


@pytest.mark.parametrize("values, expected", [
    ([5, 5, 5, 5], 0.0),
    ([0, 0, 0, 10], 0.75),  # one has everything: (n − 1) / n
    ([1, 2, 3, 4], 0.25),  # Σ|xi − xj| = 20 over ordered pairs; 20 / (2 · 4² · 2.5)
    ([3], 0.0),
])
def test_gini_by_hand(values, expected):
    """G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄)."""
    assert metrics.gini(values) == pytest.approx(expected)


def test_gini_of_nothing_is_undefined_and_of_negative_amounts_refused():
    assert math.isnan(metrics.gini([])) and math.isnan(metrics.gini([0, 0]))
    with pytest.raises(ValueError):
        metrics.gini([-1, 2])


MEMBERS = pd.DataFrame({
    "join_day": [0, 5, 30, 31, 65],
    "new_money_cents": [100, 100, 50, 0, 10],  # member 3 never paid in: left out of outcomes
    "withdrawn_cents": [0, 150, 30, 40, 40],
    "net_cents": [-100, 50, -20, 40, 30],
})


def test_member_outcomes_by_hand():
    """Among the 4 paying members (nets −100, 50, −20, 30): 2 lose; the median is
    (−20 + 30) / 2; linear quantiles of the sorted nets (−100, −20, 30, 50)."""
    outcome = metrics.member_outcomes(MEMBERS)
    assert outcome["members"] == 4 and outcome["share_losing"] == 0.5
    assert outcome["median_net_cents"] == 5.0 and outcome["total_net_cents"] == -40
    assert outcome["q10_net_cents"] == pytest.approx(-76.0)  # −100 + 0.3 · 80
    assert outcome["q25_net_cents"] == pytest.approx(-40.0)  # −100 + 0.75 · 80
    assert outcome["q75_net_cents"] == pytest.approx(35.0)  # 30 + 0.25 · 20
    assert outcome["q90_net_cents"] == pytest.approx(44.0)  # 30 + 0.7 · 20
    assert outcome["gini_cash_received"] == pytest.approx(metrics.gini([0, 150, 30, 40]))


def test_cohorts_by_join_month():
    cohorts = metrics.cohort_outcomes(MEMBERS, cohort_days=30)
    assert cohorts["cohort"].tolist() == [0, 1, 2]
    assert cohorts["first_join_day"].tolist() == [0, 30, 60]
    assert cohorts["last_join_day"].tolist() == [5, 31, 65]
    assert cohorts["members_joined"].tolist() == [2, 2, 1]
    assert cohorts["members"].tolist() == [2, 1, 1]  # paying members
    assert cohorts["share_losing"].tolist() == [0.5, 1.0, 0.0]
    assert cohorts["median_net_cents"].tolist() == [-25.0, -20.0, 30.0]
    assert cohorts["total_net_cents"].sum() == metrics.member_outcomes(MEMBERS)["total_net_cents"]


def test_merchant_outcomes_by_hand():
    """Due = sales − concession = 3500 − 700; paid 2100; unpaid 700."""
    outcome = metrics.merchant_outcomes(daily_frame())
    assert outcome == {
        "merchants_first_day": 10, "merchants_last_day": 11, "merchants_peak": 12,
        "sales_cents": 3500, "concession_cents": 700, "due_cents": 2800, "paid_cents": 2100,
        "unpaid_cents": 700, "paid_share": 0.75,
    }


def test_wilson_interval_matches_the_textbook():
    """Wilson (1927) at 95 %: 3 of 10 gives [0.108, 0.603]; 0 of n gives [0, z²/(n + z²)]."""
    low, high = metrics.wilson_interval(3, 10)
    assert (low, high) == pytest.approx((0.1078, 0.6032), abs=1e-4)
    z2 = 1.959964**2
    assert metrics.wilson_interval(0, 10) == pytest.approx((0.0, z2 / (10 + z2)), abs=1e-6)
    assert metrics.wilson_interval(10, 10)[1] == pytest.approx(1.0)


def test_ruin_probability_by_day():
    """Share of replicates collapsed on or before day t: collapses on days 2, 2 and 5 of 4."""
    ruin = metrics.ruin_probability([None, 2, 5, 2], horizon_days=7)
    assert ruin["collapsed"].tolist() == [0, 0, 2, 2, 2, 3, 3]
    assert ruin["probability"].tolist() == [0, 0, 0.5, 0.5, 0.5, 0.75, 0.75]
    assert (ruin["low"] <= ruin["probability"]).all() and (ruin["probability"] <= ruin["high"]).all()
    assert (ruin["low"].iloc[-1], ruin["high"].iloc[-1]) == metrics.wilson_interval(3, 4)


def test_collapse_day_distribution():
    spread = metrics.collapse_day_distribution([None, 2, 5, 2])
    assert spread == {"replicates": 4, "collapsed": 3, "share_collapsed": 0.75, "min_day": 2.0,
                      "q25_day": 2.0, "median_day": 2.0, "q75_day": 3.5, "max_day": 5.0}
    assert metrics.collapse_day_distribution([None, None])["median_day"] is None
