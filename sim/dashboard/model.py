"""``CircularPurchaseModel``: the fast engine with a Mesa face.

A ``mesa.Model`` whose ``step()`` plays one day of ``sim.engine.simulation.Simulation``; its
``mesa.DataCollector`` has one model reporter per column of the engine's ``daily`` table
(plus the run's ``seed``), collected after every day, so that Mesa's step *k* is day *k*.
Members stay in the engine's struct-of-arrays table — ``member(index)`` and
``members_frame()`` inspect them without a Python object per member — while merchants
are real ``mesa.Agent`` objects (``EngineMerchant``, views of the engine's merchant rows)
in ``model.agents``; a merchant who leaves the platform is removed from the model.

The constructor takes its parameters by name, so ``mesa.batch_run`` can sweep them::

    from mesa import batch_run
    rows = batch_run(CircularPurchaseModel, parameters={"members": 2_000, "days": 90,
                     "energy_multiple": [2.0, 3.0]}, iterations=5, max_steps=90)

and its numbers equal ``sim.run`` of the same scenario and seed (each row carries the
``seed`` the model ran with).
"""

import threading
import time
from functools import partial
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from sim.core.units import PPM
from sim.engine.simulation import Simulation, set_threads
from sim.engine.state import MEMBER_FIELDS
from sim.results.run_result import RunResult
from sim.results.tables import DAILY_COLUMNS, daily_frame
from sim.scenario.library import BASELINE_SCENARIO as DEFAULT_SCENARIO
from sim.scenario.params import Scenario
from sim.scenario.scaling import resolve

ENGINE_LOCK = threading.Lock()
"""One day of the engine at a time in this process: the dashboard steps models and runs
scenarios from several threads (one per browser session), and numba's ``workqueue``
threading layer, where it is the one installed, must not be entered by two at once."""

MODEL_PARAMETERS = {
    "energy_multiple": "rewards.energy_multiple",
    "dividend_pool_share_of_sales": "release.dividend_pool_share_of_sales",
    "pool_release_share_per_day": "release.pool_release_share_per_day",
    "release_rule": "release.rule",
    "withdrawal_fee_share": "withdrawals.fee_share",
    "purchase_probability_per_day": "purchases.purchase_probability_per_day",
}
"""The main reward parameters the model takes by name, and the scenario field each sets."""


def todays(column: str, model: "CircularPurchaseModel"):
    """Model reporter: the value of one ``daily`` column on the day just played."""
    return model.simulation.rows[-1][column]


class EngineMerchant(mesa.Agent):
    """A merchant of the fast engine as a Mesa agent: its attributes read the engine's
    merchant table, so they are always current."""

    def __init__(self, model: "CircularPurchaseModel", index: int):
        super().__init__(model)
        self.index = index

    def _field(self, name: str):
        return getattr(self.model.simulation.merchants, name)[self.index].item()

    @property
    def concession_share(self) -> float:
        """Share of each sale given up to the platform."""
        return self._field("concession_ppm") / PPM

    @property
    def sales_cents(self) -> int:
        """Sales through the platform so far."""
        return self._field("sales_cents")

    @property
    def recent_sales_cents(self) -> int:
        """Moving average of daily sales over the scenario's sales window."""
        return self._field("recent_sales_cents")

    @property
    def join_day(self) -> int:
        """Day the merchant joined."""
        return self._field("join_day")

    @property
    def active(self) -> bool:
        """Whether the merchant still sells through the platform."""
        return bool(self._field("active"))


class CircularPurchaseModel(mesa.Model):
    """A circular-purchase platform simulated by the fast engine, one day per ``step()``.

    ``scenario`` is a TOML path or a ``Scenario``; ``members`` runs a scaled copy at that
    many initial members and ``days`` sets the horizon (as ``sim.run``); the reward
    parameters (see ``MODEL_PARAMETERS``) and ``settings`` (``{"section.field": value}``,
    wrap it in a list for ``batch_run``) override the scenario. ``seed`` seeds the
    engine's random numbers; when None, Mesa draws one (reported as ``model.seed`` and in
    the ``seed`` column). The model stops running at the horizon, or at the collapse when
    the scenario stops there; stepping a finished model does nothing.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = DEFAULT_SCENARIO,
        members: int | None = None,
        days: int | None = None,
        seed: int | None = None,
        energy_multiple: float | None = None,
        dividend_pool_share_of_sales: float | None = None,
        pool_release_share_per_day: float | None = None,
        release_rule: str | None = None,
        withdrawal_fee_share: float | None = None,
        purchase_probability_per_day: float | None = None,
        settings: dict | None = None,
        threads: int | None = None,
        validate: bool = False,
    ):
        super().__init__(seed=seed)
        if seed is None:
            seed = int(self.rng.integers(np.iinfo(np.int64).max))
        chosen = {
            "energy_multiple": energy_multiple,
            "dividend_pool_share_of_sales": dividend_pool_share_of_sales,
            "pool_release_share_per_day": pool_release_share_per_day,
            "release_rule": release_rule,
            "withdrawal_fee_share": withdrawal_fee_share,
            "purchase_probability_per_day": purchase_probability_per_day,
        }
        overrides = {MODEL_PARAMETERS[name]: value for name, value in chosen.items() if value is not None}
        self.scenario = resolve(scenario, days=days, members=members, seed=seed,
                                settings={**overrides, **(settings or {})})
        self.seed = seed
        self.threads = set_threads(threads)
        self.simulation = Simulation(self.scenario, validate=validate)
        self.wall_seconds = 0.0
        reporters = {column: partial(todays, column) for column in DAILY_COLUMNS}
        self.datacollector = mesa.DataCollector(model_reporters={**reporters, "seed": "seed"})
        self._merchants_known = 0
        self._add_new_merchants()

    def step(self) -> None:
        """Play one day and collect its row of daily metrics."""
        if self.simulation.finished:
            self.running = False
            return
        started = time.perf_counter()
        with ENGINE_LOCK:
            self.simulation.step()
        self.wall_seconds += time.perf_counter() - started
        self.datacollector.collect(self)
        self._add_new_merchants()
        self.agents.select(lambda merchant: not merchant.active).do("remove")
        self.running = not self.simulation.finished

    def _add_new_merchants(self) -> None:
        """Merchants who joined since the last look become agents."""
        merchants = self.simulation.merchants
        for index in range(self._merchants_known, merchants.count):
            EngineMerchant(self, index)
        self._merchants_known = merchants.count

    @property
    def day(self) -> int:
        """Days played so far (the next day to play)."""
        return self.simulation.day

    def daily(self) -> pd.DataFrame:
        """The days played so far, one row per day (the engine's ``daily`` table)."""
        return daily_frame(self.simulation.rows)

    def member(self, index: int) -> dict:
        """One member's current state by index (join order): field name -> value."""
        members = self.simulation.members
        if not 0 <= index < members.count:
            raise IndexError(f"no member {index}: members are numbered 0 to {members.count - 1}")
        return {name: getattr(members, name)[index].item() for name in MEMBER_FIELDS}

    def members_frame(self) -> pd.DataFrame:
        """Every member's current state, one row per member (index = member index): a
        copy of the engine's arrays, with no Python object per member."""
        members = self.simulation.members
        frame = pd.DataFrame({name: members.view(name).copy() for name in MEMBER_FIELDS})
        return frame.rename_axis("member")

    def result(self) -> RunResult:
        """The ``RunResult`` of the days played so far (as ``sim.run`` returns)."""
        return self.simulation.result(self.threads, self.wall_seconds)
