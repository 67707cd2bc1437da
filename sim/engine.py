"""The daily loop. ``PHASES`` is the one ordered list of MODEL.md's phases; ``run`` plays
it day after day and returns a ``RunResult``. In validate mode every invariant is checked
after every phase."""

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numba
from tqdm import tqdm

from sim import invariants, phases, record
from sim.ledger import Account, Ledger
from sim.params import Scenario
from sim.results import RunResult, build_manifest, build_members_frame, daily_frame
from sim.rules import compile_rules
from sim.scenario import load_scenario, replace, scenario_hash
from sim.state import new_members, new_merchants


class Simulation:
    """Everything one run holds: rules, member and merchant arrays, the ledger, the
    running aggregates, and the current day's figures. ``step()`` plays one day."""

    def __init__(self, scenario: Scenario, validate: bool = False):
        self.scenario = scenario
        self.validate = validate
        self.rules = rules = compile_rules(scenario)
        self.members = new_members(rules.initial_members * 5 // 4 + 1024)
        self.members.add(rules.initial_members, day=0)
        self.merchants = new_merchants(rules.initial_merchants)
        self.merchants.add(rules.initial_merchants, day=0)
        self.merchants.concession_ppm[: self.merchants.count] = rules.concession_ppm
        self.ledger = Ledger()
        self.ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, rules.initial_cash_cents, "operator_capital")
        self.day = 0
        self.today: dict[str, Any] = {}
        self.rows: list[dict] = []
        self.timings_seconds = {name: 0.0 for name, _ in PHASES}
        self.members_active = rules.initial_members
        self.members_in_dividend = 0
        self.energy_outstanding_cents = 0
        self.contribution_total_milli = 0
        self.promised_cents = 0
        self.released_cents = 0
        self.new_money_total_cents = 0
        self.sales_total_cents = 0
        self.withdrawn_total_cents = 0
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
        summary = record.run_summary(self, daily)
        manifest = build_manifest(
            scenario_hash(self.scenario), self.scenario.run.seed, threads, wall_seconds,
            summary["member_days"], self.validate,
        )
        return RunResult(
            scenario=self.scenario,
            daily=daily,
            ledger=self.ledger.frame(),
            members=build_members_frame(self.members, self.rules.goods_value_ppm),
            summary=summary,
            manifest=manifest,
            timings_seconds=dict(self.timings_seconds),
            state_bytes_per_member=self.members.bytes_per_row(),
            peak_state_bytes=self.members.nbytes() + self.merchants.nbytes(),
        )


def record_day(sim: Simulation) -> None:
    """Phase 10: file the day's ledger flows and its row of metrics."""
    sim.ledger_balanced &= sim.ledger.total() == 0
    sim.rows.append(record.daily_row(sim))
    sim.ledger.close_day(sim.day)


PHASES = (
    ("arrivals", phases.arrivals),
    ("purchases", phases.purchases),
    ("release", phases.release),
    ("withdrawals", phases.withdrawals),
    ("churn", phases.churn_phase),
    ("platform", phases.platform),
    ("record", record_day),
)


def resolve(scenario: Scenario | str | Path, days=None, members=None, seed=None, settings=None) -> Scenario:
    """The scenario to run: loaded if a path, with ``days``, ``members`` (initial members,
    raising the market size if needed), ``seed`` and dotted ``settings`` applied."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    overrides = dict(settings or {})
    for key, value in (("run.days", days), ("population.initial_members", members), ("run.seed", seed)):
        if value is not None:
            overrides[key] = value
    if members is not None and members > scenario.population.market_size_members:
        overrides["population.market_size_members"] = members
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
