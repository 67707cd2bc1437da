"""Money is conserved: Σ accounts = 0 at the end of every day (and, in validate mode,
after every phase, with the ledger agreeing with the member arrays), in every shipped
scenario and on the shortfall paths (MODEL.md, "Money")."""

import numpy as np
import pytest

import sim
from sim.core.accounts import ACCOUNT_NAMES
from sim.core.units import STATUS_ACTIVE
from sim.engine import simulation as engine
from sim.engine.invariants import InvariantError
from tests.helpers import SHIPPED_SCENARIOS, SHORTFALL, members_for

SMALL = dict(members=1_500, days=200)


def account_balances_by_day(ledger_frame, days):
    """Cumulative balance of every account at the end of every day, from the flows alone
    (a day without flows keeps the previous balances)."""
    balances = np.zeros((days, len(ACCOUNT_NAMES)), dtype=np.int64)
    index = {name: k for k, name in enumerate(ACCOUNT_NAMES)}
    for row in ledger_frame.itertuples():
        balances[row.day, index[row.from_account]] -= row.amount_cents
        balances[row.day, index[row.to_account]] += row.amount_cents
    return np.cumsum(balances, axis=0)


def assert_conserved(result):
    assert result.summary["ledger_balanced"]
    balances = account_balances_by_day(result.ledger, len(result.daily))
    assert (balances.sum(axis=1) == 0).all()
    outside = balances[:, ACCOUNT_NAMES.index("outside_world")] + balances[:, ACCOUNT_NAMES.index("merchants")]
    assert (-outside == result.daily["platform_cash_cents"].to_numpy()).all()
    # cash is below 0 only in a launch debt or when the platform borrows (docs/MODEL.md §14): no
    # lower than the launch cost less the capital when the debt pays no interest and nothing is
    # borrowed, and never without either; a platform that borrows leaves no withdrawal waiting
    platform = result.scenario.platform
    if platform.borrows_when_short:
        assert not result.daily["withdrawals_unpaid_cents"].any()
    elif platform.launch_cost_cents == 0:
        assert (result.daily["platform_cash_cents"] >= 0).all()
    elif platform.interest_rate_per_day == 0:
        floor = min(platform.initial_cash_cents - platform.launch_cost_cents, 0)
        assert (result.daily["platform_cash_cents"] >= floor).all()


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_conserves_money(path):
    """Every mechanism a scenario switches on (gift packages, levels, honorary pool,
    referrals, merchants, events, every release rule) keeps Σ accounts = 0 after each phase."""
    assert_conserved(sim.run(path, validate=True, **{**SMALL, "members": members_for(path, SMALL["members"])}))


@pytest.mark.parametrize("order", ["fifo", "pro_rata"])
def test_shortfall_paths_conserve_money_and_collapse(baseline_path, order):
    result = sim.run(baseline_path, validate=True, members=3_000, days=150,
                     settings={**SHORTFALL, "withdrawals.payment_order": order})
    assert_conserved(result)
    daily = result.daily
    assert daily["failed_withdrawals"].max() > 0  # the queue was really used
    collapse = result.summary["collapse_day"]
    assert collapse is not None and bool(daily.loc[collapse, "insolvent"])
    assert not daily.loc[: collapse - 1, "insolvent"].any()


def test_stop_on_collapse_ends_the_run_on_the_collapse_day(baseline_path):
    result = sim.run(baseline_path, members=3_000, days=150,
                     settings={**SHORTFALL, "run.stop_on_collapse": True})
    assert result.summary["collapse_day"] == len(result.daily) - 1


def test_validate_mode_names_the_phase_that_breaks_the_ledger(baseline_path, monkeypatch):
    def leak(simulation):
        simulation.members.balance_cents[0] += 1  # money from nowhere, not posted

    phases = engine.PHASES[:3] + (("leak", leak),) + engine.PHASES[3:]
    monkeypatch.setattr(engine, "PHASES", phases)
    with pytest.raises(InvariantError, match=r"day 0, after phase 'leak': member_balances account is"):
        sim.run(baseline_path, validate=True, members=100, days=2)


def test_validate_mode_catches_a_level_left_unchecked(monkeypatch):
    """Levels are checked only for members due for a check; validate mode re-checks every
    active member after the levels phase, so a change that forgets to mark one is named."""
    def silent_purchase(simulation):
        if simulation.day == 1:
            members = simulation.members
            unranked = np.flatnonzero((members.view("level") == 0) & (members.view("status") == STATUS_ACTIVE))
            members.goods_cents[unranked[0]] += 10**12  # enough goods for the first level, not marked

    scenario = next(path for path in SHIPPED_SCENARIOS if path.stem == "pool_gift_packages")
    phases = engine.PHASES[:3] + (("silent_purchase", silent_purchase),) + engine.PHASES[3:]
    monkeypatch.setattr(engine, "PHASES", phases)
    with pytest.raises(InvariantError, match=r"day 1, after phase 'levels': an active member qualifies"):
        sim.run(scenario, validate=True, members=200, days=3)
