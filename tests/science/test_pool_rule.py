"""Known results of MODEL.md for release rule A (`pool`)."""

import pytest

import sim


@pytest.mark.parametrize("multiple, pool_share", [(3.0, 0.1), (2.0, 0.15), (5.0, 0.2)])
def test_pool_rule_never_honours_more_than_alpha_over_m(baseline_path, multiple, pool_share):
    """MODEL.md, "Known results": each unit of sales adds m units of promise and α units of
    pool, so rule A can never pay more than α/m of what it promises."""
    result = sim.run(baseline_path, members=3_000, days=200, settings={
        "rewards.energy_multiple": multiple, "release.dividend_pool_share_of_sales": pool_share})
    summary, daily = result.summary, result.daily
    assert summary["paid_cents"] <= daily["pool_inflow_cents"].sum()
    assert summary["promises_honoured_share"] <= pool_share / multiple
    # with the whole pool released daily, the bound is nearly reached (floors stay in the pool)
    assert summary["promises_honoured_share"] > 0.95 * pool_share / multiple


def test_release_is_capped_by_energy_and_exits_members(baseline_path):
    """A pool share above the multiple's reach pays members out in full: they exit."""
    result = sim.run(baseline_path, members=2_000, days=60, settings={
        "rewards.energy_multiple": 0.05, "release.dividend_pool_share_of_sales": 0.2})
    assert result.daily["exits"].sum() > 0
    assert result.summary["paid_cents"] <= result.summary["promised_cents"]
    assert result.daily["pool_balance_cents"].iloc[-1] > 0  # what the cap held back stays in the pool
