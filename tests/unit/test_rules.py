"""The scenario's integer form and the basket price table."""

import numpy as np

from sim.core.units import share_to_ppm
from sim.scenario.compiled import PRICE_TABLE_SIZE, compile_rules, price_table
from sim.scenario.params import ReferralParams, Scenario, generation_shares


def test_price_table_is_a_lognormal_inverse_cdf():
    table = price_table("lognormal", 10_000, 0.6, 1, 10_000_000)
    assert table.dtype == np.int64 and len(table) == PRICE_TABLE_SIZE
    assert (np.diff(table) >= 0).all()
    # the middle of the table is the median: exp(0) × median
    assert abs(int(table[PRICE_TABLE_SIZE // 2]) - 10_000) <= 2
    # mean of a log-normal is median × exp(σ²/2) (Johnson, Kotz & Balakrishnan 1994, ch. 14)
    assert abs(table.mean() / (10_000 * np.exp(0.6**2 / 2)) - 1) < 0.01


def test_price_table_is_clipped_and_flat_without_spread():
    assert (price_table("lognormal", 500, 0.0, 1, 1_000) == 500).all()
    assert price_table("lognormal", 500, 3.0, 1, 1_000).max() == 1_000
    assert price_table("lognormal", 1, 3.0, 1, 1_000).min() == 1
    assert price_table("lognormal", 500, 3.0, 200, 1_000).min() == 200


def test_uniform_and_fixed_baskets():
    """`uniform`: the midpoints of [min, max], mean (min + max)/2 and every bin equally
    likely; `fixed`: every basket is the median (docs/MODEL.md §6.2)."""
    table = price_table("uniform", 0, 0.6, 1_000, 9_000)
    assert table.min() == 1_001 and table.max() == 8_999 and table.mean() == 5_000
    assert (np.diff(table) >= 0).all()
    assert (price_table("fixed", 2_500, 3.0, 1, 10_000) == 2_500).all()


def test_shares_become_parts_per_million():
    assert share_to_ppm(0.05) == 50_000
    assert share_to_ppm(3.33) == 3_330_000
    assert share_to_ppm(1.0) == 1_000_000


def test_each_referral_generation_gets_the_decayed_share():
    assert generation_shares(0.2, 0.5, 0) == []
    assert generation_shares(0.2, 0.5, 4) == [0.2, 0.1, 0.05, 0.025]
    assert generation_shares(0.3, 0.0, 3) == [0.3, 0.0, 0.0]


def test_referral_tables_are_the_generation_shares_in_ppm():
    """compile_rules rounds each generation's share to ppm once (docs/MODEL.md §7)."""
    referrals = ReferralParams(generations=3, contribution_share=0.3, cash_reward_share_of_sales=0.01,
                               decay_per_generation=0.7)
    rules = compile_rules(Scenario(referrals=referrals, merchants={"concession_share": 0.5}))
    assert rules.referral_contribution_ppm.tolist() == [300_000, 210_000, 147_000]
    assert rules.referral_cash_ppm.tolist() == [10_000, 7_000, 4_900]
    assert rules.referral_contribution_ppm.tolist() == [share_to_ppm(s) for s in generation_shares(0.3, 0.7, 3)]
