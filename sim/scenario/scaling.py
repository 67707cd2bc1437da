"""Scaling a scenario to another initial population, and resolving what a run plays: a
scenario (or its path) with ``members``, ``days``, ``seed`` and dotted settings applied."""

from pathlib import Path
from typing import Any

from sim.scenario.loading import load_scenario, replace
from sim.scenario.params import Scenario

SCALED_WITH_MEMBERS = (
    "population.market_size_members",
    "merchants.initial_merchants",
    "merchants.max_new_merchants_per_day",
    "release.emission_cents_per_day",
    "platform.fixed_cost_cents_per_day",
    "platform.initial_cash_cents",
)
"""Extensive quantities that ``members=`` scales with the initial population."""


def _scaled(value: int, members: int, initial: int) -> int:
    """An extensive quantity scaled by members / initial (floored; at least 1 if positive)."""
    return max(value * members // initial, 1) if value > 0 else 0


def scaled_to_members(scenario: Scenario, members: int) -> dict[str, Any]:
    """Overrides that run ``scenario`` at ``members`` initial members: every quantity in
    ``SCALED_WITH_MEMBERS`` is multiplied by members / initial_members (at least 1 where
    it was positive), in the scenario and in every event that changes one of them, so a
    smaller run is a scaled copy of the scenario, its scheduled changes included."""
    initial = scenario.population.initial_members
    overrides: dict[str, Any] = {"population.initial_members": members}
    for path in SCALED_WITH_MEMBERS:
        section, field = path.split(".")
        overrides[path] = _scaled(getattr(getattr(scenario, section), field), members, initial)
    overrides["population.market_size_members"] = max(overrides["population.market_size_members"], members)
    if any(path in SCALED_WITH_MEMBERS for event in scenario.events for path in event.set):
        overrides["events"] = [
            {**event.model_dump(mode="json"),
             "set": {path: _scaled(value, members, initial) if path in SCALED_WITH_MEMBERS else value
                     for path, value in event.set.items()}}
            for event in scenario.events
        ]
    return overrides


def resolve(scenario: Scenario | str | Path, days=None, members=None, seed=None, settings=None) -> Scenario:
    """The scenario to run: loaded if a path, scaled to ``members`` initial members (see
    ``scaled_to_members``), then ``days`` and ``seed``, then the dotted ``settings`` last, so
    an explicit setting wins over the scaling. A problem names the option that caused it
    (``--members``, ``--days``, ``--seed`` or ``--set``); raises ``ScenarioError``."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if members is not None:
        scenario = replace(scenario, scaled_to_members(scenario, members), origin="--members")
    for option, key, value in (("--days", "run.days", days), ("--seed", "run.seed", seed)):
        if value is not None:
            scenario = replace(scenario, {key: value}, origin=option)
    return replace(scenario, settings) if settings else scenario
