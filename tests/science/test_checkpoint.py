"""Saving a run mid-way and continuing it (``sim.engine.checkpoint``) gives exactly the run that
never stopped, on every release rule with every mechanism on; orders issued mid-run
(``sim.scenario.interventions``) change nothing before their day, the reference model plays a
withdrawal freeze as the engine does, and the orders move the collapse the way their
economics say (issue 16's tests)."""

import pandas as pd
import pytest

import sim
from sim.core.errors import InputError
from sim.engine.checkpoint import continue_as, fork, load_checkpoint, save_checkpoint
from sim.engine.simulation import Simulation
from sim.reference.model import Platform, first_difference
from sim.scenario.interventions import ordered, parse_intervention
from sim.scenario.scaling import resolve
from tests.helpers import SCENARIOS
from tests.science.test_mechanisms import EVERY_MECHANISM

RULES = ["fixed_rate.toml", "baseline.toml", "queue_n2.toml", "linear_rights.toml", "emission_shared_purchase.toml"]


def play(simulation: Simulation) -> sim.RunResult:
    while not simulation.finished:
        simulation.step()
    return simulation.result(1, 0.0)


def assert_same_run(one, other) -> None:
    pd.testing.assert_frame_equal(one.daily, other.daily)
    pd.testing.assert_frame_equal(one.ledger, other.ledger)
    pd.testing.assert_frame_equal(one.members, other.members)
    assert one.summary == other.summary


@pytest.mark.parametrize("path", RULES)
def test_a_run_continued_from_its_checkpoint_is_bit_identical(path, tmp_path):
    """Every release rule, every mechanism on (as in test_mechanisms): stopped on day 35,
    saved, read back and continued, the run equals the one that never stopped, table for
    table and cent for cent; so does a copy forked in memory."""
    scenario = resolve(SCENARIOS / path, members=300, days=70, settings=EVERY_MECHANISM)
    whole = sim.run(scenario, threads=1)
    stopped = Simulation(scenario)
    for _ in range(35):
        stopped.step()
    copy = fork(stopped)
    save_checkpoint(stopped, tmp_path / "day35.ckpt")
    assert_same_run(whole, play(load_checkpoint(tmp_path / "day35.ckpt")))
    assert_same_run(whole, play(copy))
    assert_same_run(whole, play(stopped))  # saving touched nothing


def test_run_saves_its_checkpoint_on_the_day_asked(tmp_path):
    """``run(checkpoint=(day, path))`` saves the state at the start of that day."""
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=500, days=60)
    sim.run(scenario, threads=1, checkpoint=(20, tmp_path / "x.ckpt"))
    assert load_checkpoint(tmp_path / "x.ckpt").day == 20


def test_no_order_equals_the_tail_of_the_uninterrupted_run():
    """Continued under ``none`` with a longer horizon, a run reproduces every day the
    uninterrupted run played, and goes on past it."""
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=600, days=150)
    whole = sim.run(scenario, threads=1)
    branch = Simulation(scenario)
    for _ in range(60):
        branch.step()
    continue_as(branch, ordered(scenario, parse_intervention("none"), 60, 200))
    longer = play(branch)
    assert len(longer.daily) == 200
    pd.testing.assert_frame_equal(longer.daily.iloc[:150], whole.daily)


def test_damaged_or_foreign_checkpoints_are_refused(tmp_path):
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=300, days=20)
    simulation = Simulation(scenario)
    simulation.step()
    path = save_checkpoint(simulation, tmp_path / "a.ckpt")
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(InputError, match="truncated or damaged"):
        load_checkpoint(path)
    (tmp_path / "b.ckpt").write_text("not a checkpoint")
    with pytest.raises(InputError, match="not a circsim checkpoint"):
        load_checkpoint(tmp_path / "b.ckpt")
    with pytest.raises(InputError, match="no such checkpoint"):
        load_checkpoint(tmp_path / "missing.ckpt")


FROZEN = {"withdrawals.frozen": True}


def test_a_withdrawal_freeze_pays_nothing_and_the_reference_agrees():
    """docs/MODEL.md §11: while frozen nobody asks, nothing is paid, leavers' claims wait, and
    no request counts as unpaid; the grace period starts again when the freeze is lifted.
    The reference model plays the same freeze to the cent."""
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=400, days=200, settings={
        "events": [{"day": 80, "set": FROZEN}, {"day": 140, "set": {"withdrawals.frozen": False}}]})
    result = sim.run(scenario, validate=True, threads=1)
    frozen = result.daily.iloc[80:140]
    assert (frozen["withdrawn_cents"] == 0).all() and (frozen["withdrawal_requests"] == 0).all()
    assert not frozen["insolvent"].any()
    assert frozen["failed_withdrawals"].iloc[-1] > 0  # leavers' claims waited
    assert first_difference(result.daily, Platform(scenario).run()) is None


def collapse_under(scenario, order: str, day: int) -> int | None:
    branch = Simulation(scenario)
    for _ in range(day):
        branch.step()
    continue_as(branch, ordered(scenario, parse_intervention(order), day, scenario.run.days))
    return play(branch).summary["collapse_day"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_orders_move_the_collapse_the_way_their_economics_say(seed):
    """A scheme that pays old members from new money (linear rights) cannot last longer when
    new members are stopped; a freeze that covers the day it would have failed puts the
    failure after the freeze plus the grace period; cutting the release delays it."""
    scenario = resolve(SCENARIOS / "linear_rights.toml", members=600, days=400, seed=seed)
    collapse = sim.run(scenario, threads=1).summary["collapse_day"]
    assert collapse is not None and collapse > 120
    order_day = collapse - 20
    assert collapse_under(scenario, "stop_new_members", order_day) <= collapse
    frozen_collapse = collapse_under(scenario, "freeze_withdrawals:60", order_day)
    grace = scenario.withdrawals.insolvency_grace_days
    assert frozen_collapse is None or frozen_collapse >= order_day + 60 + grace
    cut = collapse_under(scenario, "cut_release:0.5", order_day)
    assert cut is None or cut > collapse
    assert collapse_under(scenario, "none", order_day) == collapse


@pytest.mark.parametrize("path, settings", [
    ("baseline.toml", {}),
    ("network_recruitment.toml", {}),
    ("fixed_rate.toml", {"population.arrivals_per_day": [30.0] * 60}),
])
def test_stopping_new_members_closes_every_recruitment_channel(path, settings):
    """Bass diffusion, a contact network (§5.4) and a series of arrivals all bring nobody from
    the order's day on, and the days before are the run without the order."""
    scenario = resolve(SCENARIOS / path, members=500, days=60, settings=settings)
    whole = sim.run(scenario, threads=1)
    branch = Simulation(scenario)
    for _ in range(30):
        branch.step()
    continue_as(branch, ordered(scenario, parse_intervention("stop_new_members"), 30, 60))
    daily = play(branch).daily
    assert whole.daily["arrivals"].iloc[30:].sum() > 0
    assert daily["arrivals"].iloc[30:].sum() == 0
    pd.testing.assert_frame_equal(daily.iloc[:30], whole.daily.iloc[:30])
