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
