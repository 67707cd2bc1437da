"""When payment starts (``release.first_release_delay_days``, docs/MODEL.md §9.9): the energy,
contribution and rights a purchase of day d grants take part in releases from day d + D on.
Checked against the discrete recursion of rule C with flat sales, on cases worked by hand, and
against the reference model to the cent on every release rule."""

import pandas as pd
import pytest

import sim
from sim.reference.model import Platform, first_difference
from sim.scenario.loading import ScenarioError, load_scenario
from sim.scenario.params import Event
from sim.scenario.scaling import resolve
from sim.science import meanfield
from sim.science.validation_page import cumulative_overtaking_day
from tests.helpers import SCENARIOS
from tests.science.test_mechanisms import hand_case, no_more_purchases, play_both

FLAT = SCENARIOS / "validation" / "fixed_rate_flat.toml"
DELAYED = SCENARIOS / "validation" / "fixed_rate_flat_delayed.toml"


def overtaking_days(delay_days: int, whole_cents: bool) -> tuple[int, int]:
    """Rule C with flat sales as its discrete recursion, per member: every day a basket of
    S = 10 000 cents is bought, promising m·S = 11 600 (m = 1.16) that enters the live
    promise E after ``delay_days`` days; the day's release pays r·E (r = 0.0005), so
    E ← (1 − r)·E + m·S·[t ≥ D] before paying; the income is f·S = 1 600 a day (f = 0.16,
    the concession). With ``whole_cents`` the payment is the engine's, max(⌊E·r⌋, 1) cents
    (docs/MODEL.md §9.5); otherwise real numbers. Returns (first day, counted from 1, whose
    cumulative payout exceeds the cumulative income; first day, from 0, whose payout exceeds
    the day's income). The source of the continuous form is docs/MODEL.md §22.3; the delay's
    is §9.9."""
    energy = paid = income = 0
    daily_day = None
    day = 0
    while True:
        if day >= delay_days:
            energy += 11_600
        payment = max(energy * 500 // 1_000_000, 1) if whole_cents else energy * 0.0005
        energy -= payment
        paid += payment
        income += 1_600
        if daily_day is None and payment > 1_600:
            daily_day = day
        if paid > income:
            return day + 1, daily_day
        day += 1


@pytest.mark.parametrize(("delay", "cumulative", "daily"), [(0, 609, 296), (1, 611, 297), (3, 615, 299)])
def test_payout_overtakes_income_when_the_recursion_says(delay, cumulative, daily):
    """The cumulative payout overtakes the income on day 609 without a delay, 611 with a
    one-day delay and 615 with three: the payouts are the undelayed ones D days later while
    the income is not, so the crossing moves by D plus the D days of income (1 600 a day) that
    the payout's lead over the income (about 3 000 − 1 600 a day there) takes to make up,
    ≈ 2.1·D. The daily payout passes the daily income exactly D days later (296 → 297 → 299:
    the live promise is the undelayed one D days late). The engine's
    days are the integer recursion's exactly; the real-number recursion agrees within a day
    (the floors pay a little less). D = 1 is the shipped fixed_rate_flat_delayed.toml."""
    assert overtaking_days(delay, whole_cents=True) == (cumulative, daily)
    real_cumulative, real_daily = overtaking_days(delay, whole_cents=False)
    assert abs(real_cumulative - cumulative) <= 1 and abs(real_daily - daily) <= 1
    scenario = (resolve(DELAYED, members=100) if delay == 1
                else resolve(FLAT, members=100, settings={"release.first_release_delay_days": delay}))
    result = sim.run(scenario, threads=1)
    engine = result.daily
    assert cumulative_overtaking_day(engine) == cumulative
    assert int((engine["released_cents"] > engine["concession_cents"]).to_numpy().argmax()) == daily


def test_a_delayed_grant_pays_from_its_day_to_the_cent():
    """One member buys 10 000 (promise 10 000) on days 0 and 1; rule C pays 10 % a day.
    With D = 1 day 0 pays nothing, day 1 pays 1 000 of the first grant, day 2 pays 1 900 of
    9 000 + 10 000; the promises outstanding count the pending grant: 10 000, 19 000, 17 100.
    With D = 3 the first payment is on day 3."""
    stop = Event(day=2, set={"purchases.purchase_probability_per_day": 0.0})
    daily = play_both(hand_case(**{"rewards.energy_multiple": 1.0, "release.first_release_delay_days": 1}), 4,
                      [stop])
    assert daily["released_cents"].tolist() == [0, 1_000, 1_900, 1_710]
    assert daily["contingent_liabilities_cents"].tolist() == [10_000, 19_000, 17_100, 15_390]
    later = play_both(hand_case(**{"rewards.energy_multiple": 1.0, "release.first_release_delay_days": 3}), 5,
                      [stop])
    assert later["released_cents"].tolist() == [0, 0, 0, 1_000, 1_900]


def test_a_leaver_cashes_out_a_pending_promise_to_the_cent():
    """Bought on day 0 (promise 20 000), waiting for its first release on day 2, the member
    leaves on day 0 claiming half its promise: 10 000, paid at once from the pool (10 000);
    the rest is forfeited and nothing is left to release."""
    leaving = no_more_purchases().model_copy(update={"day": 0, "set": {"population.churn_probability_per_day": 1.0}})
    daily = play_both(hand_case(**{"rewards.energy_multiple": 2.0, "population.exit_cashout_share": 0.5,
                                   "release.first_release_delay_days": 2}), 3, [leaving, no_more_purchases()])
    assert daily["exit_cashout_cents"].tolist() == [10_000, 0, 0]
    assert daily["released_cents"].tolist() == [0, 0, 0]
    assert daily["contingent_liabilities_cents"].tolist() == [0, 0, 0]


RULES = ["fixed_rate.toml", "baseline.toml", "queue_n2.toml", "linear_rights.toml", "emission_shared_purchase.toml"]


@pytest.mark.parametrize("path", RULES)
def test_every_release_rule_agrees_with_the_reference_with_a_delay(path):
    """D = 1 and D = 3 on every release rule (pool, emission, fixed rate, linear, queue), with
    leavers cashing out: the ledger balances after every phase (validate mode, which also
    checks that the promises outstanding include the pending ones), the reference model
    agrees to the cent, one thread gives what two give, and the delay changes the run: the
    rules that pay each member from its own promise or contribution pay less the later they
    start (`pool` and `queue` pay what the pool holds, whoever is in)."""
    daily = []
    for delay in (0, 1, 3):
        scenario = resolve(SCENARIOS / path, members=200, days=45, settings={
            "release.first_release_delay_days": delay, "population.churn_probability_per_day": 0.02,
            "population.exit_cashout_share": 0.5})
        one = sim.run(scenario, validate=True, threads=1)
        daily.append(one.daily)
        if delay == 0:
            continue
        assert one.summary["ledger_balanced"]
        pd.testing.assert_frame_equal(one.daily, sim.run(scenario, threads=2).daily)
        assert first_difference(one.daily, Platform(scenario).run()) is None
    assert first_difference(daily[0], daily[1]) is not None and first_difference(daily[1], daily[2]) is not None
    released = [int(table["released_cents"].sum()) for table in daily]
    if path in ("fixed_rate.toml", "linear_rights.toml", "emission_shared_purchase.toml"):
        assert released[0] > released[1] > released[2]


def test_the_delay_is_set_once_and_the_twin_refuses_it(tmp_path):
    """An event cannot change the delay (the pending grants are held by day); the mean-field
    twin does not follow grants waiting by day, and says so."""
    changing = tmp_path / "changing.toml"
    changing.write_text(f'extends = "{(SCENARIOS / "fixed_rate.toml").as_posix()}"\n[[events]]\nday = 5\n'
                        'set = { "release.first_release_delay_days" = 1 }\n')
    with pytest.raises(ScenarioError, match="first_release_delay_days: cannot change during a run"):
        load_scenario(changing)
    scenario = resolve(SCENARIOS / "fixed_rate.toml", settings={"release.first_release_delay_days": 1})
    reasons = meanfield.reasons_not_admitted(scenario)
    assert any("release.first_release_delay_days" in reason for reason in reasons), reasons
