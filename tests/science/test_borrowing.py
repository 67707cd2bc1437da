"""A platform that borrows when its cash is short (``platform.borrows_when_short``,
docs/MODEL.md §14): withdrawals are paid in full and the cash goes negative, a debt that pays
the interest rate; so Artzrouni's model with deposits is played natively — his fund S(t) goes
below zero and pays rn on the debt (M. Artzrouni, "The mathematics of Ponzi schemes",
Mathematical Social Sciences 58 (2009) 190–201; docs/MODEL.md §22.5)."""

import pandas as pd
import pytest

import sim
from sim.scenario.scaling import resolve
from sim.science import artzrouni
from sim.science.artzrouni import PonziModel
from tests.helpers import SCENARIOS
from tests.science.test_mechanisms import artzrouni_settings, hand_case, no_more_purchases, play_both

DEPOSITS = SCENARIOS / "validation" / "artzrouni_deposits.toml"
HIS_DEPOSITS = PonziModel(1.0, 0.10, 0.03, 0.05, initial_deposits_per_year=0.001, deposit_growth_per_year=0.15)
DEPOSIT_SHARE_OF_K = 1e-3
"""Each newcomer of artzrouni_deposits.toml deposits 10⁻³ K (10⁷ of K = 10¹⁰ cents)."""


def negative_cash_spell(daily: pd.DataFrame) -> tuple[int, int]:
    """(first day the platform's cash is below zero, first day after that it is not)."""
    negative = (daily["platform_cash_cents"] < 0).to_numpy()
    first = int(negative.argmax())
    assert negative[first], "the cash never went below zero"
    return first, first + int((~negative[first:]).argmax())


def test_the_platform_borrows_to_pay_and_the_debt_pays_interest_to_the_cent():
    """Promise 30 000 at 10 % a day, withdrawn in full, from a deposit of 10 000 that earns
    1 % a day: the cash is 7 000 + 70, 4 370 + 43, 1 983 + 19, then 2 002 − 2 187 = −185 on
    day 3, paid in full by borrowing; the debt pays 1 %, −1.85 → −1 cent (its magnitude
    floored): −186; day 4 pays 1 968 more, −2 154, and 21 of interest: −2 175. Nothing ever
    waits, so the platform is never insolvent. Without borrowing, the cash stops at 0 and
    withdrawals wait."""
    daily, summary = play_both(hand_case(**{
        "rewards.energy_multiple": 3.0, "platform.interest_rate_per_day": 0.01,
        "platform.borrows_when_short": True}), 5, [no_more_purchases()], summary=True)
    assert daily["withdrawn_cents"].tolist() == [3_000, 2_700, 2_430, 2_187, 1_968]
    assert daily["interest_cents"].tolist() == [70, 43, 19, -1, -21]
    assert daily["platform_cash_cents"].tolist() == [7_070, 4_413, 2_002, -186, -2_175]
    assert not daily["withdrawals_unpaid_cents"].any() and not daily["insolvent"].any()
    assert summary["collapse_day"] is None
    without = play_both(hand_case(**{"rewards.energy_multiple": 3.0, "platform.interest_rate_per_day": 0.01}), 5,
                        [no_more_purchases()])
    assert (without["platform_cash_cents"] >= 0).all() and without["withdrawals_unpaid_cents"].iloc[-1] > 0


def test_the_shipped_deposits_are_his_series():
    """artzrouni_deposits.toml's arrivals are s0·e^(ri·t) a year in deposits of 10⁻³ K, day by
    day (``deposit_arrivals_per_day``), to the 9 digits the CSV holds; through day 21 549 they
    add up to s0·(e^(ri·t) − 1)/ri / 10⁻³ = 46 776 newcomers."""
    scenario = resolve(DEPOSITS)
    series = artzrouni.deposit_arrivals_per_day(HIS_DEPOSITS, DEPOSIT_SHARE_OF_K, scenario.run.days)
    assert scenario.population.arrivals_per_day == pytest.approx(series, rel=1e-8)
    assert sum(series) == pytest.approx(46_776, abs=1)


def test_artzrouni_with_deposits_the_fund_is_below_zero_for_his_spell():
    """K = 1, s0 = 0.001, ri = 0.15, rp = 0.10, rn = 0.03, rw = 0.05 a year: his fund is
    below zero from 17.39 to 58.09 years (docs/MODEL.md §22.5; ``artzrouni.solve``). Played
    20 times faster so that it takes 1 150 days, not 21 550 (time scales as 1/rate: rp = 2,
    rn = 0.6, rw = 1, ri = 3, s0 = 0.02 a year; the spell is 0.869 to 2.905 years, days
    317.4 to 1 060.2): the engine's cash is below zero from within 2 days of the first to
    within 2 days of the second; at full length (the shipped scenario, 30 s) it is days 6346
    to 21 202 against 6347.0 and 21 203.5."""
    fast = PonziModel(1.0, 2.0, 0.6, 1.0, initial_deposits_per_year=0.02, deposit_growth_per_year=3.0)
    days = 1_150
    path = artzrouni.solve(fast, days / 365)
    (emptied,), (refilled,) = path.emptied, path.refilled
    assert (emptied * 20, refilled * 20) == (pytest.approx(17.39, abs=0.005), pytest.approx(58.09, abs=0.005))
    settings = {**artzrouni_settings(2.0, 0.6, 1.0),
                "population.arrivals_per_day": artzrouni.deposit_arrivals_per_day(fast, DEPOSIT_SHARE_OF_K, days)}
    result = sim.run(resolve(DEPOSITS, days=days, settings=settings), threads=1)
    first, back = negative_cash_spell(result.daily)
    assert abs(first - 365 * emptied) <= 2 and abs(back - 365 * refilled) <= 2
    assert not result.daily["withdrawals_unpaid_cents"].any()
    assert result.summary["ledger_balanced"]
