"""Level upgrades of the members due for a check. See docs/MODEL.md §8."""

import numpy as np

from sim.core.units import STATUS_ACTIVE
from sim.engine.phases.common import chunk_totals
from sim.kernels import levels as level_columns
from sim.kernels.levels import levels_kernel
from sim.scenario.compiled import level_count

WRITES = ("level_upgrades", "members_with_level")
"""The daily columns this phase starts (``sim.today``)."""


def play(sim) -> None:
    """Identity upgrades of the members due for a check, which keep the count of
    active members per level (used by the honorary pool) up to date."""
    rules, members = sim.rules, sim.members
    upgrades = 0
    if level_count(rules) > 1:
        level_moves = chunk_totals(level_count(rules))
        totals = chunk_totals(level_columns.N_LEVEL_TOTALS)
        levels_kernel(
            members.count, members.status, members.level, members.level_recheck, members.goods_cents,
            members.direct_referrals, members.team_sales_cents, rules.level_min_goods_cents,
            rules.level_min_direct_referrals, rules.level_min_team_sales_cents, level_moves, totals,
        )
        sim.totals.level_counts += level_moves.sum(axis=0)
        upgrades = int(totals[:, level_columns.UPGRADES].sum())
    sim.today.update(level_upgrades=upgrades, members_with_level=int(sim.totals.level_counts[1:].sum()))


def count_levels(members, levels: int) -> np.ndarray:
    """Active members per level, counted from the arrays (the engine keeps this count up to
    date as members join, buy gift packages, rise and leave)."""
    active = members.view("status") == STATUS_ACTIVE
    return np.bincount(members.view("level")[active], minlength=levels).astype(np.int64)
