"""The daily loop. ``PHASES`` is the one ordered list of MODEL.md's phases; ``run`` plays
it day after day and returns a ``RunResult``. In validate mode every invariant is checked
after every phase."""

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numba
from tqdm import tqdm

from sim import invariants, metrics, phases
from sim.ledger import Account, Ledger
from sim.params import Scenario
from sim.results import RunResult, build_manifest, build_members_frame, daily_frame
from sim.rules import compile_rules
from sim.scenario import load_scenario, replace, scenario_hash
from sim.state import new_members, new_merchants
from sim.types import share_to_ppm


class Simulation:
    """Everything one run holds: rules, member and merchant arrays, the ledger, the
    running aggregates, and the current day's figures."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
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


def record(sim: Simulation) -> None:
    """Phase 10: file the day's ledger flows and its row of metrics."""
    sim.ledger_balanced &= sim.ledger.total() == 0
    sim.rows.append(metrics.daily_row(sim))
    sim.ledger.close_day(sim.day)


PHASES = (
    ("arrivals", phases.arrivals),
    ("purchases", phases.purchases),
    ("release", phases.release),
    ("withdrawals", phases.withdrawals),
    ("churn", phases.churn_phase),
    ("platform", phases.platform),
    ("record", record),
)


def _resolve(scenario: Scenario | str | Path, days, members, seed, settings) -> Scenario:
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    overrides = dict(settings or {})
    for key, value in (("run.days", days), ("population.initial_members", members), ("run.seed", seed)):
        if value is not None:
            overrides[key] = value
    if members is not None and members > scenario.population.market_size_members:
        overrides["population.market_size_members"] = members
    return replace(scenario, overrides) if overrides else scenario


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
    scenario = _resolve(scenario, days, members, seed, settings)
    threads = threads or numba.config.NUMBA_NUM_THREADS
    numba.set_num_threads(threads)
    started = time.perf_counter()
    sim = Simulation(scenario)
    timings = {name: 0.0 for name, _ in PHASES}
    with tqdm(total=sim.rules.days, unit="day", disable=not progress, leave=False) as bar:
        for day in range(sim.rules.days):
            sim.day = day
            sim.today = {}
            for name, phase in PHASES:
                phase_started = time.perf_counter()
                phase(sim)
                timings[name] += time.perf_counter() - phase_started
                if validate:
                    invariants.check(sim, name)
            bar.update()
            if sim.rules.stop_on_collapse and sim.collapse_day is not None:
                break
    wall_seconds = time.perf_counter() - started
    daily = daily_frame(sim.rows)
    summary = metrics.run_summary(sim, daily)
    manifest = build_manifest(
        scenario_hash(scenario), scenario.run.seed, threads, wall_seconds, summary["member_days"], validate
    )
    return RunResult(
        scenario=scenario,
        daily=daily,
        ledger=sim.ledger.frame(),
        members=build_members_frame(sim.members, share_to_ppm(scenario.purchases.goods_value_ratio)),
        summary=summary,
        manifest=manifest,
        timings_seconds=timings,
        state_bytes_per_member=sim.members.bytes_per_row(),
        peak_state_bytes=sim.members.nbytes() + sim.merchants.nbytes(),
    )
