"""Scheduled changes take effect: the day's events recompile the rules and may send merchants
away. See docs/MODEL.md §4."""

from sim.core import rng
from sim.engine import merchants as merchant_rules
from sim.scenario.compiled import compile_rules
from sim.scenario.exact_range import bounds_in_range

WRITES = ("merchants_left",)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Scheduled changes take effect (parameter changes, merchant exoduses)."""
    todays = sim.timeline.events_on(sim.day)
    if todays:
        in_force = sim.timeline.scenario_from(sim.day)
        sim.daily_bounds = bounds_in_range(in_force, f"scenario {sim.scenario.name}: events (day {sim.day})")
        sim.rules = compile_rules(in_force)
        sim.members.view("level_recheck")[:] = 1  # the level thresholds may have changed
    sim.today["merchants_left"] = sum(
        merchant_rules.leave_by_draw(sim.merchants, sim.rules, event.merchant_exodus_share, sim.day,
                                     rng.STREAM_MERCHANT_EXODUS)
        for event in todays
    )
