"""The plain Mesa reference model (``sim/reference.py``) and the fast engine compute the
same thing: on 1 000 members × 200 days of every shipped scenario, and of the paths those
scenarios do not reach (pro-rata payment, stopping at the collapse, merchants leaving when
unpaid), the two ``daily`` tables are identical in every column on every day, and so are
the members' final states."""

import pandas as pd
import pytest

import sim
from sim.reference.model import Platform, first_difference
from sim.scenario.scaling import resolve
from tests.helpers import BASELINE, SCENARIOS, SHIPPED_SCENARIOS, SHORTFALL, members_for

SIZE = dict(members=1_000, days=200)


def anything_sold(daily) -> bool:
    return daily["purchases"].sum() > 0


UNSHIPPED_PATHS = {  # name: (scenario, settings, whether the run reached the path it exists for)
    "shortfall_pro_rata": (BASELINE, {**SHORTFALL, "withdrawals.payment_order": "pro_rata"},
                           lambda daily: daily["failed_withdrawals"].max() > 0 and daily["withdrawn_cents"].sum() > 0),
    "shortfall_fifo_stop_on_collapse": (BASELINE, {**SHORTFALL, "run.stop_on_collapse": True},
                                        lambda daily: len(daily) < SIZE["days"]),
    # balances large enough that purchases bring little new money: merchants go unpaid
    "unpaid_merchants_leave": (SCENARIOS / "emission_shared_purchase.toml", {
        "purchases.repurchase_max_share_of_price": 1.0,
        "platform.fixed_cost_cents_per_day": 100_000_000,
        "release.emission_cents_per_day": 5_000_000,
        "withdrawals.withdrawal_probability_per_day": 0.0,
        "merchants.min_sales_cents_per_day": 0,
        "merchants.unpaid_patience_days": 3,
        "merchants.unpaid_exit_probability_per_day": 0.05,
    }, lambda daily: daily["merchants_left"].sum() > 0),
}
CASES = {path.stem: (path, {}, anything_sold) for path in SHIPPED_SCENARIOS} | UNSHIPPED_PATHS


def assert_same_history(scenario):
    fast = sim.run(scenario)
    reference = Platform(scenario)
    daily = reference.run()
    difference = first_difference(fast.daily, daily)
    assert difference is None, f"{scenario.name}: reference differs from the engine on {difference}"
    engine_members = fast.members[list(reference.members_frame().columns)]
    pd.testing.assert_frame_equal(engine_members, reference.members_frame(), check_dtype=False)
    return fast.daily


@pytest.mark.parametrize("case", sorted(CASES))
def test_reference_reproduces_the_engine_exactly(case):
    path, settings, reached = CASES[case]
    size = {**SIZE, "members": members_for(path, SIZE["members"])}
    daily = assert_same_history(resolve(path, settings=settings, **size))
    assert reached(daily), f"{case} no longer reaches the path it exists for"


def test_first_difference_names_the_day_column_and_values():
    daily = sim.run(BASELINE, members=200, days=5).daily
    changed = daily.copy()
    changed.loc[3, "released_cents"] += 1
    changed.loc[4, "coverage_ratio"] = 0.5
    expected = int(daily.loc[3, "released_cents"])
    assert first_difference(daily, changed) == (
        f"day 3, column released_cents: expected {expected!r}, got {expected + 1!r}")
    assert first_difference(daily, daily.copy()) is None
    assert first_difference(daily, daily.iloc[:4]) == "expected 5 days, got 4"
