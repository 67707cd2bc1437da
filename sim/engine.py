"""The daily loop. ``PHASES`` is the one ordered list of MODEL.md's phases; ``run`` plays
it day after day and returns a ``RunResult``. In validate mode every invariant is checked
after every phase."""

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numba
import numpy as np
from tqdm import tqdm

from sim import invariants, phases, record
from sim import merchants as merchant_rules
from sim.ledger import Account, Ledger
from sim.params import Scenario
from sim.results import RunResult, build_manifest, build_members_frame, daily_frame
from sim.rules import compile_rules, level_count
from sim.scenario import load_scenario, replace, scenario_hash, scenario_on_day
from sim.sentiment import initial_mood
from sim.state import PayoutQueue, new_members, new_merchants


class Simulation:
    """Everything one run holds: rules, member and merchant arrays, the ledger, the
    running aggregates, and the current day's figures. ``step()`` plays one day."""

    def __init__(self, scenario: Scenario, validate: bool = False):
        self.scenario = scenario
        self.validate = validate
        self.rules = rules = compile_rules(scenario_on_day(scenario, 0))
        self.members = new_members(rules.initial_members * 5 // 4 + 1024)
        self.members.add(rules.initial_members, day=0)
        self.merchants = new_merchants(rules.initial_merchants)
        merchant_rules.join(self.merchants, rules, rules.initial_merchants, day=0)
        self.queue = PayoutQueue()
        self.ledger = Ledger()
        self.ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, rules.initial_cash_cents, "operator_capital")
        self.mood = initial_mood(rules)
        self.day = 0
        self.today: dict[str, Any] = {}
        self.rows: list[dict] = []
        self.timings_seconds = {name: 0.0 for name, _ in PHASES}
        self.members_active = rules.initial_members
        self.members_in_dividend = 0
        self.level_counts = phases.count_levels(self.members, level_count(rules))  # active members per level
        self.merchant_sales_today = np.zeros(self.merchants.count, dtype=np.int64)
        self.scratch = np.empty(0, dtype=np.int32)  # where a kernel lists the members it selects (see phases.scratch)
        self.buyers_today = np.empty(0, dtype=np.int32)
        self.merchants_unpaid_days = 0
        self.energy_outstanding_cents = 0
        self.contingent_before_release_cents = 0
        self.contribution_total_milli = 0
        self.promised_cents = 0
        self.released_cents = 0
        self.new_money_total_cents = 0
        self.sales_total_cents = 0
        self.withdrawn_total_cents = 0
        self.withdrawn_gross_today_cents = 0
        self.collapse_day: int | None = None
        self.ledger_balanced = True

    @property
    def finished(self) -> bool:
        """True once the horizon is reached, or at collapse when the scenario stops there."""
        stopped = self.rules.stop_on_collapse and self.collapse_day is not None
        return stopped or self.day >= self.rules.days

    def step(self) -> dict:
        """Play one day through every phase and return its row of daily metrics."""
        self.today = {}
        for name, phase in PHASES:
            started = time.perf_counter()
            phase(self)
            self.timings_seconds[name] += time.perf_counter() - started
            if self.validate:
                invariants.check(self, name)
        self.day += 1
        return self.rows[-1]

    def result(self, threads: int, wall_seconds: float) -> RunResult:
        """The ``RunResult`` of the days played so far."""
        daily = daily_frame(self.rows)
        members = build_members_frame(self.members, self.rules.goods_value_ppm)
        summary = record.run_summary(self, daily, members["net_cents"].to_numpy())
        manifest = build_manifest(
            scenario_hash(self.scenario), self.scenario.run.seed, threads, wall_seconds,
            summary["member_days"], self.validate,
        )
        return RunResult(
            scenario=self.scenario,
            daily=daily,
            ledger=self.ledger.frame(),
            members=members,
            summary=summary,
            manifest=manifest,
            timings_seconds=dict(self.timings_seconds),
            state_bytes_per_member=self.members.bytes_per_row(),
            peak_state_bytes=self.members.nbytes() + self.merchants.nbytes(),
        )


def record_day(sim: Simulation) -> None:
    """Phase 10: remember the day's mood, file its ledger flows and its row of metrics."""
    phases.remember_the_day(sim)
    sim.ledger_balanced &= sim.ledger.total() == 0
    sim.rows.append(record.daily_row(sim))
    sim.ledger.close_day(sim.day)


PHASES = (
    ("events", phases.events),
    ("arrivals", phases.arrivals),
    ("purchases", phases.purchases),
    ("referrals", phases.referrals),
    ("levels", phases.levels),
    ("release", phases.release),
    ("honorary", phases.honorary),
    ("withdrawals", phases.withdrawals),
    ("churn", phases.churn),
    ("merchants", phases.merchants),
    ("platform", phases.platform),
    ("record", record_day),
)


SCALED_WITH_MEMBERS = (
    "population.market_size_members",
    "merchants.initial_merchants",
    "merchants.max_new_merchants_per_day",
    "release.emission_cents_per_day",
    "platform.fixed_cost_cents_per_day",
    "platform.initial_cash_cents",
)
"""Extensive quantities that ``members=`` scales with the initial population."""


def scaled_to_members(scenario: Scenario, members: int) -> dict[str, int]:
    """Overrides that run ``scenario`` at ``members`` initial members: every quantity in
    ``SCALED_WITH_MEMBERS`` is multiplied by members / initial_members (at least 1 where
    it was positive), so a smaller run is a scaled copy of the scenario."""
    initial = scenario.population.initial_members
    overrides: dict[str, int] = {"population.initial_members": members}
    for path in SCALED_WITH_MEMBERS:
        section, field = path.split(".")
        value = getattr(getattr(scenario, section), field)
        scaled = value * members // initial
        overrides[path] = max(scaled, 1) if value > 0 else 0
    overrides["population.market_size_members"] = max(overrides["population.market_size_members"], members)
    return overrides


def resolve(scenario: Scenario | str | Path, days=None, members=None, seed=None, settings=None) -> Scenario:
    """The scenario to run: loaded if a path, scaled to ``members`` initial members (see
    ``scaled_to_members``), with ``days``, ``seed`` and dotted ``settings`` applied last."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    overrides: dict[str, Any] = scaled_to_members(scenario, members) if members is not None else {}
    for key, value in (("run.days", days), ("run.seed", seed)):
        if value is not None:
            overrides[key] = value
    overrides.update(settings or {})
    return replace(scenario, overrides) if overrides else scenario


def set_threads(threads: int | None) -> int:
    """Set numba's thread count (default: all it may use) and return it."""
    threads = threads or numba.config.NUMBA_NUM_THREADS
    numba.set_num_threads(threads)
    return threads


def run(
    scenario: Scenario | str | Path,
    *,
    days: int | None = None,
    members: int | None = None,
    seed: int | None = None,
    threads: int | None = None,
    validate: bool = False,
    progress: bool = False,
    settings: Mapping[str, Any] | None = None,
) -> RunResult:
    """Simulate a scenario (a ``Scenario`` or a TOML path) and return its ``RunResult``.

    ``days``, ``members`` (initial members) and ``seed`` override the scenario, as do
    ``settings`` given as ``{"section.field": value}``. ``threads`` sets numba's thread
    count (results do not depend on it). ``validate`` checks every invariant after every
    phase and raises ``InvariantError`` naming the first phase that broke one.
    """
    scenario = resolve(scenario, days, members, seed, settings)
    threads = set_threads(threads)
    started = time.perf_counter()
    sim = Simulation(scenario, validate=validate)
    with tqdm(total=sim.rules.days, unit="day", disable=not progress, leave=False) as bar:
        while not sim.finished:
            sim.step()
            bar.update()
    return sim.result(threads, time.perf_counter() - started)
