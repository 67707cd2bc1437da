"""The mechanisms published Ponzi and HYIP models need, each checked against a closed form
or a case worked by hand, with the reference model agreeing to the cent:

- promises that grow (``rewards.promise_growth_rate_per_day``, docs/MODEL.md §9.8),
- interest on the platform's cash (``platform.interest_rate_per_day``, §14),
- exits that cash out the promise (``population.exit_cashout_share``, §12),
- the operator's hand: a launch cost, skimming and absconding (``platform.*``, §14),
- a deposit on joining (``purchases.deposit_on_joining``, §6.1),
- fixed-amount withdrawals (``withdrawals.withdrawal_amount_cents``, §11) and uniform or
  fixed baskets (``purchases.basket_distribution``, §6.2),
- daily rates held in parts per billion (§2).

Artzrouni's model (M. Artzrouni, "The mathematics of Ponzi schemes", Mathematical Social
Sciences 58 (2009) 190–201) is played natively by ``scenarios/validation/artzrouni.toml``."""

import math

import pandas as pd
import pytest

import sim
from sim.reference.model import Platform, first_difference
from sim.scenario.scaling import resolve
from sim.science import artzrouni
from sim.science.artzrouni import PonziModel
from tests.helpers import SCENARIOS

ARTZROUNI = SCENARIOS / "validation" / "artzrouni.toml"


def first_unpaid_day(daily: pd.DataFrame) -> int | None:
    """The first day whose withdrawals the platform's cash could not pay in full."""
    unpaid = daily.loc[daily["withdrawals_unpaid_cents"] > 0, "day"]
    return int(unpaid.iloc[0]) if len(unpaid) else None


def artzrouni_settings(promised: float, nominal: float, withdrawal: float) -> dict[str, float]:
    """Yearly continuous rates rp, rn, rw as the daily rates that compound to them over 365
    days: g = e^(rp/365) − 1, i = e^(rn/365) − 1, ρ = 1 − e^(−rw/365)."""
    return {"rewards.promise_growth_rate_per_day": math.expm1(promised / 365),
            "platform.interest_rate_per_day": math.expm1(nominal / 365),
            "release.fixed_rate_per_day": artzrouni.daily_share(withdrawal)}


def test_artzrouni_runs_dry_within_two_days_of_his_closed_form():
    """rp = 0.10, rn = 0.03, rw = 0.05 a year: the fund is empty at t* = ln[(rp − rn)/rw] /
    (rp − rn − rw) = 16.82 years (Artzrouni 2009; docs/MODEL.md §22.5), day 6140.6; the
    engine's first unpaid withdrawal is within two days of it."""
    t_star_days = 365 * artzrouni.collapse_years_without_deposits(PonziModel(1.0, 0.10, 0.03, 0.05))
    assert round(t_star_days / 365, 2) == 16.82
    daily = sim.run(ARTZROUNI, threads=1).daily
    assert abs(first_unpaid_day(daily) - t_star_days) <= 2
    # the shipped rates are the daily forms of the yearly ones, to the ppb they are held in
    scenario = resolve(ARTZROUNI)
    for field, rate in artzrouni_settings(0.10, 0.03, 0.05).items():
        section, name = field.split(".")
        assert getattr(getattr(scenario, section), name) == pytest.approx(rate, abs=5e-10)


@pytest.mark.parametrize("nominal", [0.6, 2.0, 2.4])
def test_artzrouni_fund_never_runs_dry_when_it_earns_what_it_promises(nominal):
    """With rn ≥ rp the fund never empties (Artzrouni 2009, §3); with rn < rp it does, at t*.
    Played 20 times faster (rp = 2.0, rw = 1.0 a year: t* = 0.84 years, 307 days, at
    rn = 0.6) so that three times t* is 1 000 days."""
    settings = artzrouni_settings(2.0, nominal, 1.0)
    daily = sim.run(ARTZROUNI, days=1_000, threads=1, settings=settings).daily
    t_star = artzrouni.collapse_years_without_deposits(PonziModel(1.0, 2.0, nominal, 1.0))
    if nominal >= 2.0:
        assert t_star is None and first_unpaid_day(daily) is None
        assert daily["platform_cash_cents"].iloc[-1] > daily["platform_cash_cents"].iloc[307]  # and it still grows
    else:
        assert abs(first_unpaid_day(daily) - 365 * t_star) <= 2


def hand_case(**settings) -> dict:
    """One member buys one basket of 10 000 cents on day 0 and nothing after; the platform
    keeps the whole price in the dividend pool; rule `fixed_rate`, no fees, no costs."""
    return {
        "population.initial_members": 1, "population.market_size_members": 1,
        "population.bass_innovation_per_day": 0.0, "population.bass_imitation_per_day": 0.0,
        "population.churn_probability_per_day": 0.0,
        "merchants.initial_merchants": 1, "merchants.concession_share": 1.0,
        "purchases.purchase_probability_per_day": 1.0, "purchases.basket_median_cents": 10_000,
        "purchases.basket_max_cents": 10_000, "purchases.basket_sigma": 0.0,
        "purchases.repurchase_max_share_of_price": 0.0,
        "release.rule": "fixed_rate", "release.dividend_pool_share_of_sales": 1.0,
        "release.fixed_rate_per_day": 0.1,
        "withdrawals.withdrawal_probability_per_day": 1.0, "withdrawals.withdrawal_share_of_balance": 1.0,
        "withdrawals.min_withdrawal_cents": 1, "withdrawals.fee_share": 0.0,
        "withdrawals.insolvency_grace_days": 1,
        "platform.fixed_cost_cents_per_day": 0, "platform.variable_cost_share_of_sales": 0.0,
        **settings,
    }


def play_both(settings: dict, days: int, events=(), summary: bool = False):
    """The engine's daily table (and summary), after checking the reference's is identical."""
    scenario = resolve(SCENARIOS / "baseline.toml", days=days, settings=settings)
    scenario = scenario.model_copy(update={"events": tuple(events)})
    engine = sim.run(scenario, validate=True, threads=1)
    assert first_difference(engine.daily, Platform(scenario).run()) is None
    return (engine.daily, engine.summary) if summary else engine.daily


def no_more_purchases():
    from sim.scenario.params import Event
    return Event(day=1, set={"purchases.purchase_probability_per_day": 0.0})


def test_growth_and_interest_to_the_cent():
    """Day 0: energy 10 000 grows by 1 % (100) to 10 100 before the release; 10 % of it,
    1 010, is released and withdrawn; the cash 8 990 earns 0.1 %, 8.99 → 8 cents: 8 998.
    Day 1: 9 090 grows by 90 (90.9 floored) to 9 180, 918 is released, the cash 8 080
    earns 8: 8 088."""
    daily = play_both(hand_case(**{"rewards.energy_multiple": 1.0, "rewards.promise_growth_rate_per_day": 0.01,
                                   "platform.interest_rate_per_day": 0.001}), 2, [no_more_purchases()])
    assert daily["promise_growth_cents"].tolist() == [100, 90]
    assert daily["released_cents"].tolist() == [1_010, 918]
    assert daily["withdrawn_cents"].tolist() == [1_010, 918]
    assert daily["interest_cents"].tolist() == [8, 8]
    assert daily["platform_cash_cents"].tolist() == [8_998, 8_088]
    assert daily["contingent_liabilities_cents"].tolist() == [9_090, 8_262]


def test_a_leaver_cashes_out_half_the_promise_to_the_cent():
    """Energy 20 000 (multiple 2); day 0 releases 2 000 (kept: nobody withdraws); day 1
    releases 1 800, then the member leaves (churn 1 from day 1) claiming half of the 16 200
    left: 8 100, with the balance 3 800, 11 900 in all. The pool (10 000 − 2 000 − 1 800 =
    6 200) is topped up by 1 900 for the claim; the cash (10 000) pays 10 000 of the request
    and 1 900 stays queued; the other 8 100 of the promise is forfeited."""
    leaving = no_more_purchases().model_copy(update={"set": {
        "purchases.purchase_probability_per_day": 0.0, "population.churn_probability_per_day": 1.0}})
    daily = play_both(hand_case(**{"rewards.energy_multiple": 2.0, "population.exit_cashout_share": 0.5,
                                   "withdrawals.withdrawal_probability_per_day": 0.0}), 2, [leaving])
    assert daily["released_cents"].tolist() == [2_000, 1_800]
    assert daily["exit_cashout_cents"].tolist() == [0, 8_100]
    assert daily["platform_top_up_cents"].tolist() == [0, 1_900]
    assert daily["withdrawn_cents"].tolist() == [0, 10_000]
    assert daily["withdrawals_unpaid_cents"].tolist() == [0, 1_900]
    assert daily["contingent_liabilities_cents"].tolist() == [18_000, 0]
    assert daily["pool_balance_cents"].tolist() == [8_000, 0]


def test_a_launch_debt_pays_nobody_and_costs_interest():
    """Launch cost 15 000 with no capital: the cash starts at −15 000; the 10 000 deposit
    leaves −5 000, which pays nobody (the day's 1 000 of withdrawals queue) and pays 0.1 %
    interest, 5 cents; day 1's 900 queue too and interest takes 5 more; the request of day 0
    has waited a day: the collapse day is 1, and the run stopped there ended by insolvency."""
    daily, summary = play_both(hand_case(**{
        "rewards.energy_multiple": 1.0, "platform.launch_cost_cents": 15_000, "platform.initial_cash_cents": 0,
        "platform.interest_rate_per_day": 0.001, "run.stop_on_collapse": True}), 5, [no_more_purchases()],
        summary=True)
    assert daily["platform_cash_cents"].tolist() == [-5_005, -5_010]
    assert daily["interest_cents"].tolist() == [-5, -5]
    assert daily["withdrawals_unpaid_cents"].tolist() == [1_000, 1_900]
    assert (summary["collapse_day"], summary["ended_by"]) == (1, "insolvency")


def test_the_operator_skims_new_money_and_surplus_to_the_cent():
    """Skimming 10 % of new money and 50 % of the surplus: day 0 it diverts 1 000 of the
    10 000 deposit as it comes in; 1 000 is withdrawn, and of the 8 000 left, nothing being
    owed, it takes half: 4 000, 5 000 in the day, leaving 4 000; day 1 900 is withdrawn and
    it takes half of 3 100: 1 550."""
    daily, summary = play_both(hand_case(**{
        "rewards.energy_multiple": 1.0, "platform.skim_share_of_new_money": 0.1,
        "platform.skim_share_of_surplus": 0.5}), 2, [no_more_purchases()], summary=True)
    assert daily["extracted_cents"].tolist() == [5_000, 1_550]
    assert daily["platform_cash_cents"].tolist() == [4_000, 1_550]
    assert (summary["total_extracted_cents"], summary["ended_by"]) == (6_550, "horizon")


@pytest.mark.parametrize(("condition", "day", "taken"), [
    ({"platform.abscond_cash_target_cents": 9_000}, 0, 9_000),
    ({"platform.abscond_arrivals_below_per_day": 1, "platform.abscond_earliest_day": 1}, 1, 8_100),
    # energy 30 000 released at 10 % and kept: balances 3 000, 5 700, 8 130, 10 317 pass
    # the cash of 10 000 on day 3
    ({"platform.abscond_coverage_below": 1.0, "rewards.energy_multiple": 3.0,
      "withdrawals.withdrawal_probability_per_day": 0.0}, 3, 10_000),
])
def test_the_operator_absconds_when_its_condition_holds(condition, day, taken):
    """It takes all the cash on the first day the condition holds, and the run ends there."""
    daily, summary = play_both(hand_case(**{"rewards.energy_multiple": 1.0, **condition}), 10,
                               [no_more_purchases()], summary=True)
    assert len(daily) == day + 1 and daily["extracted_cents"].iloc[-1] == taken
    assert daily["platform_cash_cents"].iloc[-1] == 0
    assert (summary["collapse_day"], summary["ended_by"], summary["total_extracted_cents"]) == (day, "absconding",
                                                                                                taken)


def test_fixed_baskets_and_fixed_withdrawals_to_the_cent():
    """A `fixed` basket is the median whatever σ (10 000); a fixed withdrawal of 300 takes
    300 of each day's balance: 1 000 released on day 0 leaves 700, 900 more on day 1 leave
    1 300."""
    daily = play_both(hand_case(**{"rewards.energy_multiple": 1.0, "purchases.basket_distribution": "fixed",
                                   "purchases.basket_sigma": 3.0, "withdrawals.withdrawal_amount_cents": 300}),
                      2, [no_more_purchases()])
    assert daily["sales_cents"].tolist() == [10_000, 0]
    assert daily["withdrawal_requested_cents"].tolist() == [300, 300]
    assert daily["hard_liabilities_cents"].tolist() == [700, 1_300]


def test_newcomers_deposit_once_on_joining():
    """With a purchase probability of 0 and deposits on joining, the one member buys on day 0
    and never again; with arrivals, each day's newcomers are exactly that day's buyers."""
    daily = play_both(hand_case(**{"purchases.purchase_probability_per_day": 0.0,
                                   "purchases.deposit_on_joining": True}), 3)
    assert daily["sales_cents"].tolist() == [10_000, 0, 0]
    grown = play_both({"purchases.purchase_probability_per_day": 0.0, "purchases.deposit_on_joining": True,
                       "population.initial_members": 300, "population.market_size_members": 2_000,
                       "population.bass_imitation_per_day": 0.2}, 30)
    assert grown["purchases"].tolist() == [300 + grown["arrivals"].iloc[0]] + grown["arrivals"].iloc[1:].tolist()
    assert grown["arrivals"].sum() > 30


EVERY_MECHANISM = {
    "purchases.deposit_on_joining": True,
    "purchases.basket_distribution": "uniform", "purchases.basket_min_cents": 2_000,
    "withdrawals.withdrawal_amount_cents": 5_000,
    "rewards.promise_growth_rate_per_day": 0.002, "platform.interest_rate_per_day": 0.0004,
    "population.exit_cashout_share": 0.7, "population.churn_probability_per_day": 0.01,
    "platform.launch_cost_cents": 100_000, "platform.skim_share_of_new_money": 0.02,
    "platform.skim_share_of_surplus": 0.05,
    "release.first_release_delay_days": 2, "platform.borrows_when_short": True,
}


@pytest.mark.parametrize("path", ["fixed_rate.toml", "baseline.toml", "queue_n2.toml", "linear_rights.toml"])
def test_every_mechanism_on_balances_and_agrees_on_any_thread_count(path):
    """With every mechanism on, the ledger sums to zero after every phase (validate mode),
    the reference model agrees to the cent, and one thread gives what two give."""
    scenario = resolve(SCENARIOS / path, members=600, days=120, settings=EVERY_MECHANISM)
    one = sim.run(scenario, validate=True, threads=1)
    two = sim.run(scenario, threads=2)
    assert one.summary["ledger_balanced"]
    pd.testing.assert_frame_equal(one.daily, two.daily)
    assert first_difference(one.daily, Platform(scenario).run()) is None
    assert (one.daily[["promise_growth_cents", "exit_cashout_cents", "extracted_cents"]].sum() > 0).all()
    assert one.ledger.loc[one.ledger["reason"] == "launch_cost", "amount_cents"].tolist() == [100_000]


def test_mechanisms_off_touch_nothing():
    """Off by default: no growth, interest, cash-out or extraction, no ledger reason for them."""
    result = sim.run(SCENARIOS / "fixed_rate.toml", members=500, days=30)
    assert not result.daily[["promise_growth_cents", "interest_cents", "exit_cashout_cents",
                             "extracted_cents"]].to_numpy().any()
    assert not result.ledger["reason"].isin(["interest", "exit_cashout", "extraction", "launch_cost"]).any()
    assert (result.summary["total_extracted_cents"], result.summary["ended_by"]) == (0, "horizon")
