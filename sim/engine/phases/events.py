"""Scheduled changes take effect: the day's events recompile the rules and may send merchants
away. See docs/MODEL.md §4."""

from sim.core import rng
from sim.engine import merchants as merchant_rules
from sim.scenario.compiled import compile_rules

WRITES = ("merchants_left",)
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Scheduled changes take effect (parameter changes, merchant exoduses)."""
    todays = sim.timeline.events_on(sim.day)
    if todays:
        sim.rules = compile_rules(sim.timeline.scenario_from(sim.day))
        sim.members.view("level_recheck")[:] = 1  # the level thresholds may have changed
    sim.today["merchants_left"] = sum(
        merchant_rules.leave_by_draw(sim.merchants, sim.rules, event.merchant_exodus_share, sim.day,
                                     rng.STREAM_MERCHANT_EXODUS)
        for event in todays
    )
