"""Each release rule on a small case computed by hand, to the cent (MODEL.md, "One
simulated day", step 5). Two or three members buy one basket each on day 0 (an event
stops purchases from day 1), nobody joins, leaves or withdraws, and there are no costs."""

import sim

TINY = {
    "population.initial_members": 2,
    "population.market_size_members": 2,
    "population.bass_innovation_per_day": 0.0,
    "population.bass_imitation_per_day": 0.0,
    "population.churn_probability_per_day": 0.0,
    "merchants.initial_merchants": 1,
    "merchants.concession_share": 0.6,
    "purchases.purchase_probability_per_day": 1.0,
    "purchases.basket_median_cents": 10_000,
    "purchases.basket_sigma": 0.0,
    "purchases.repurchase_max_share_of_price": 0.0,
    "withdrawals.withdrawal_probability_per_day": 0.0,
    "platform.fixed_cost_cents_per_day": 0,
    "platform.variable_cost_share_of_sales": 0.0,
    "rewards.contribution_unit_price_cents": 100,
    "events": [{"day": 1, "set": {"purchases.purchase_probability_per_day": 0.0}}],
}


def tiny_run(baseline_path, days, **settings):
    return sim.run(baseline_path, days=days, validate=True, settings={**TINY, **settings})


def test_pool_rule_by_hand(baseline_path):
    """Day 0: 2 × 10 000 of sales put α = 10 % = 2 000 in the pool; each member holds
    10 000 × 1000 / 100 = 100 000 milli-units, half of all. Half the pool is released each
    day: budget 1 000 → 500 each; then 500 → 250 each; 250 → 125 each; 125 → 62 each (62.5
    floored), 1 cent stays in the pool; 63 → 31 each (31.5 floored)."""
    result = tiny_run(baseline_path, 5, **{"release.rule": "pool", "release.dividend_pool_share_of_sales": 0.1,
                                           "release.pool_release_share_per_day": 0.5})
    assert result.daily["released_cents"].tolist() == [1_000, 500, 250, 124, 62]
    assert result.daily["pool_balance_cents"].tolist() == [1_000, 500, 250, 126, 64]
    assert result.members["balance_cents"].tolist() == [968, 968]


def test_emission_rule_by_hand(baseline_path):
    """A fixed 700 a day split by contribution (350 each); the pool's 2 000 pays days 0 and 1
    and 600 of day 2, the platform's own money tops up 100 on day 2 and 700 after."""
    result = tiny_run(baseline_path, 5, **{"release.rule": "emission", "release.dividend_pool_share_of_sales": 0.1,
                                           "release.emission_cents_per_day": 700})
    assert result.daily["released_cents"].tolist() == [700] * 5
    assert result.daily["platform_top_up_cents"].tolist() == [0, 0, 100, 700, 700]
    assert result.daily["platform_own_funds_cents"].iloc[-1] == 2 * 10_000 * 60 // 100 - 2_000 - 1_500


def test_fixed_rate_rule_by_hand(baseline_path):
    """ρ = 0.05 %/day of 1.16 × 1 000 000 = 1 160 000 each: 580, then 579 (of 1 159 420),
    579 (of 1 158 841), 579 (of 1 158 262), 578 (of 1 157 683) per member."""
    result = tiny_run(baseline_path, 5, **{"release.rule": "fixed_rate", "release.fixed_rate_per_day": 0.0005,
                                           "rewards.energy_multiple": 1.16, "purchases.basket_median_cents": 1_000_000,
                                           "release.dividend_pool_share_of_sales": 0.16})
    assert result.daily["released_cents"].tolist() == [1_160, 1_158, 1_158, 1_158, 1_156]
    assert result.members["energy_cents"].tolist() == [1_160_000 - 2_895] * 2


def test_linear_rule_by_hand(baseline_path):
    """A 100 000 basket buys 2 rights of 50 000 paying 100 a day each: 200 a day per member
    until the 100 000 promised (multiple 1.0) are paid on day 499; then both exit."""
    result = tiny_run(baseline_path, 505, **{"release.rule": "linear", "rewards.energy_multiple": 1.0,
                                             "purchases.basket_median_cents": 100_000,
                                             "release.right_price_cents": 50_000,
                                             "release.right_payment_cents_per_day": 100})
    released = result.daily["released_cents"].tolist()
    assert released[:500] == [400] * 500 and released[500:] == [0] * 5
    assert result.daily["exits"].tolist()[499] == 2
    assert result.summary["paid_cents"] == result.summary["promised_cents"] == 200_000


def test_queue_rule_by_hand(baseline_path):
    """Three entrants of 10 000 promised N = 2 × 10 000 each; α = 50 % puts 15 000 in the
    pool, which pays the first in line (member 0) 15 000 and nobody else; later the pool is
    empty, so members 1 and 2 wait."""
    result = tiny_run(baseline_path, 3, **{"release.rule": "queue", "rewards.energy_multiple": 2.0,
                                           "release.dividend_pool_share_of_sales": 0.5,
                                           "population.initial_members": 3, "population.market_size_members": 3})
    assert result.daily["released_cents"].tolist() == [15_000, 0, 0]
    assert result.members["balance_cents"].tolist() == [15_000, 0, 0]
    assert result.members["energy_cents"].tolist() == [5_000, 20_000, 20_000]
