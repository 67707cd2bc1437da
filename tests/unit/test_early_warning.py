"""Early-warning indicators on hand-built daily tables, their first warnings, and the lead
times and false alarms across runs, each checked with pencil and paper."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.early_warning import (
    FLUX_DAYS,
    INDICATORS,
    TREND_DAYS,
    first_warnings,
    indicator_series,
    relative_change,
    trailing_sum,
    warning_key,
    warning_table,
)
from tests.helpers import ledger_frame

DAYS = TREND_DAYS + 10


def declining_platform() -> pd.DataFrame:
    """40 days: new money 1 000 a day until day 19, then none; 300 a day paid out to
    members; cash 10 000 + 700 a day to day 19, then falling 300 a day; hard liabilities
    a constant 5 000."""
    day = np.arange(DAYS)
    new_money = np.where(day < 20, 1_000, 0)
    withdrawn = np.full(DAYS, 300)
    cash = 10_000 + np.cumsum(new_money - withdrawn)
    hard = np.full(DAYS, 5_000)
    return pd.DataFrame({
        "day": day, "new_money_cents": new_money, "withdrawn_cents": withdrawn,
        "platform_cash_cents": cash, "hard_liabilities_cents": hard, "coverage_ratio": cash / hard,
        "coverage_ratio_all": cash / hard, "released_cents": np.zeros(DAYS, dtype=np.int64),
        "pool_inflow_cents": np.zeros(DAYS, dtype=np.int64), "energy_granted_cents": np.zeros(DAYS, dtype=np.int64),
        "exit_cashout_cents": np.zeros(DAYS, dtype=np.int64), "promise_growth_cents": np.zeros(DAYS, dtype=np.int64),
    })


def test_trailing_sum_is_exact_and_starts_with_what_there_is():
    assert trailing_sum([1, 2, 3, 4, 5], 2).tolist() == [1, 3, 5, 7, 9]
    big = 2**62
    assert trailing_sum([big, 1, 1], 2).tolist() == [big, big + 1, 2]  # int64, no float rounding


def test_relative_change_is_undefined_without_a_positive_finite_past():
    values = [2.0, 0.0, math.inf, 4.0, 1.0, 3.0]
    change = relative_change(values, 3)
    assert np.isnan(change[:3]).all()
    assert change[3] == pytest.approx(4.0 / 2.0 - 1)  # 4 against 2
    assert np.isnan(change[4]) and np.isnan(change[5])  # against 0 and against infinity


def test_indicators_of_a_hand_built_platform():
    daily = declining_platform()
    series = indicator_series(daily, ledger_frame([]))
    cash = daily["platform_cash_cents"].to_numpy()
    day = 35  # cash(35) = 10 000 + 20 * 700 - 16 * 300 = 19 200; cash(5) = 10 000 + 6 * 700 = 14 200
    assert cash[day] == 19_200 and cash[day - TREND_DAYS] == 14_200
    assert series["net_inflow"][day] == pytest.approx(19_200 / 14_200 - 1)
    assert series["coverage_trend"][day] == pytest.approx(19_200 / 14_200 - 1)  # the same: hard stays 5 000
    assert np.isnan(series["net_inflow"][:TREND_DAYS]).all()
    # net fund flux (Zhu et al. 2017): over the last 7 days, (in - out) / in
    assert series["net_fund_flux"][10] == pytest.approx((7 * 1_000 - 7 * 300) / (7 * 1_000))
    # day 22: new money on days 16..19 only (4 000), 2 100 paid out
    assert series["net_fund_flux"][22] == pytest.approx((4_000 - 2_100) / 4_000)
    assert series["net_fund_flux"][20 + FLUX_DAYS] == -math.inf  # money only leaving
    assert series["new_money_payout_share"].isna().all()  # nothing was paid out of the pools


def test_first_warnings_and_their_thresholds():
    series = indicator_series(declining_platform(), ledger_frame([]))
    first = first_warnings(series)
    assert set(first) == {warning_key(i.name, t) for i in INDICATORS for t in i.thresholds}
    # net fund flux from day 20 on: (1 000 (26 - t) - 2 100) / (1 000 (26 - t)): 0.65, 0.58,
    # 0.475 on day 22, 0.3 on day 23, -0.05 on day 24 (before day 20 it is 0.7)
    assert first["net_fund_flux@0.5"] == 22
    assert first["net_fund_flux@0.25"] == 24 and first["net_fund_flux@0"] == 24
    assert first["new_money_payout_share@0.05"] is None


def test_lead_times_detection_and_false_alarms_by_hand():
    key = warning_key("net_inflow", 0.0)
    runs = [
        (50, {key: 40}),    # warned 10 days ahead
        (60, {key: 30}),    # warned 30 days ahead
        (70, {key: 75}),    # warned only after the collapse: not detected
        (None, {key: 10}),  # survived but warned: a false alarm
        (None, {key: None}),
    ]
    row = warning_table([(c, {**{k: None for k in all_keys()}, **w}) for c, w in runs]).set_index(
        ["indicator", "threshold"]).loc[("net_inflow", 0.0)]
    assert (row["collapses"], row["detected"], row["detection_rate"]) == (3, 2, pytest.approx(2 / 3))
    assert row["lead_time_median_days"] == 20.0
    assert (row["lead_time_q25_days"], row["lead_time_q75_days"]) == (15.0, 25.0)
    assert (row["non_collapsing"], row["false_alarms"], row["false_alarm_rate"]) == (2, 1, 0.5)


def all_keys() -> list[str]:
    """Every indicator@threshold key."""
    return [warning_key(i.name, t) for i in INDICATORS for t in i.thresholds]
