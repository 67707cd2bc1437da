"""The daily loop: ``run`` plays ``sim.engine.phases.PHASES`` (the order of docs/MODEL.md §3)
day after day and returns a ``RunResult``. In validate mode every invariant is checked
after every phase."""

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numba
import numpy as np
from tqdm import tqdm

from sim.behaviour.network import build_network, initial_member_of_node
from sim.behaviour.sentiment import initial_mood
from sim.core.accounts import Account
from sim.engine import daily_record as record
from sim.engine import invariants
from sim.engine import merchants as merchant_rules
from sim.engine.checkpoint import save_checkpoint
from sim.engine.ledger import Ledger
from sim.engine.pending import PendingGrants
from sim.engine.phases import PHASES
from sim.engine.phases.levels import count_levels
from sim.engine.state import PayoutQueue, new_members, new_merchants
from sim.engine.totals import RunningTotals
from sim.results.provenance import build_manifest
from sim.results.run_result import RunResult
from sim.results.tables import build_members_frame, daily_frame
from sim.scenario.compiled import compile_rules, level_count
from sim.scenario.exact_range import bounds_in_range
from sim.scenario.loading import Timeline, scenario_hash
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve


class Simulation:
    """Everything one run holds: rules, member and merchant arrays, the ledger, the
    running aggregates, and the current day's figures. ``step()`` plays one day."""

    def __init__(self, scenario: Scenario, validate: bool = False):
        self.scenario = scenario
        self.validate = validate
        self.timeline = Timeline(scenario)
        self.daily_bounds = bounds_in_range(self.timeline.base, f"scenario {scenario.name}")
        self.rules = rules = compile_rules(self.timeline.base)  # day 0's events apply in the events phase
        self.members = new_members(rules.initial_members * 5 // 4 + 1024)
        self.members.add(rules.initial_members, day=0)
        self.merchants = new_merchants(rules.initial_merchants)
        merchant_rules.join(self.merchants, rules, rules.initial_merchants, day=0)
        self.queue = PayoutQueue()
        self.pending = PendingGrants(rules.first_release_delay_days, self.members.capacity)
        self.ledger = Ledger()
        self.ledger.post(Account.OUTSIDE_WORLD, Account.PLATFORM_MARGIN, rules.initial_cash_cents, "operator_capital")
        self.ledger.post(Account.PLATFORM_MARGIN, Account.OUTSIDE_WORLD, rules.launch_cost_cents, "launch_cost")
        self.mood = initial_mood(rules)
        self.day = 0
        self.today: dict[str, Any] = {}
        self.rows: list[dict] = []
        self.timings_seconds = {name: 0.0 for name, _ in PHASES}
        self.totals = RunningTotals(
            members_active=rules.initial_members,
            level_counts=count_levels(self.members, level_count(rules)),
            merchant_sales_today=np.zeros(self.merchants.count, dtype=np.int64),
        )
        self.scratch = np.empty(0, dtype=np.int32)  # where a kernel lists the members it selects (see common.scratch)
        self.network = build_network(rules)  # the contact graph of network recruitment (None: Bass)
        self.member_of_node = initial_member_of_node(self.network, rules.initial_members)

    @property
    def finished(self) -> bool:
        """True once the horizon is reached, when the operator has absconded, or at collapse
        when the scenario stops there."""
        stopped = self.rules.stop_on_collapse and self.totals.collapse_day is not None
        return stopped or self.totals.absconded_day is not None or self.day >= self.rules.days

    def __getstate__(self) -> dict:
        """What a checkpoint (``sim.engine.checkpoint``) or a fork keeps: everything but the
        work buffers the next day rebuilds."""
        return {name: value for name, value in vars(self).items() if name not in ("scratch", "today")}

    def __setstate__(self, state: dict) -> None:
        vars(self).update(state)
        self.today = {}
        self.scratch = np.empty(0, dtype=np.int32)  # grown by the first kernel that needs it (phases.common.scratch)

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
    checkpoint: tuple[int, Path] | None = None,
) -> RunResult:
    """Simulate a scenario (a ``Scenario`` or a TOML path) and return its ``RunResult``.

    ``days``, ``members`` (initial members) and ``seed`` override the scenario, as do
    ``settings`` given as ``{"section.field": value}``. ``threads`` sets numba's thread
    count (results do not depend on it). ``validate`` checks every invariant after every
    phase and raises ``InvariantError`` naming the first phase that broke one.
    ``checkpoint`` = (day, path) saves the state at the start of that day
    (``sim.engine.checkpoint``; nothing is saved when the run ends before it).
    """
    scenario = resolve(scenario, days, members, seed, settings)
    threads = set_threads(threads)
    started = time.perf_counter()
    sim = Simulation(scenario, validate=validate)
    with tqdm(total=sim.rules.days, unit="day", disable=not progress, leave=False) as bar:
        while not sim.finished:
            if checkpoint is not None and sim.day == checkpoint[0]:
                save_checkpoint(sim, checkpoint[1])
            sim.step()
            bar.update()
    return sim.result(threads, time.perf_counter() - started)
